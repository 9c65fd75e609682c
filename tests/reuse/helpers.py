"""Small builders shared by the reuse tests."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.model import Article, Credits


def article(
    id: str, text: str, source: str = "outlet", agencies: tuple[str, ...] = (), **kw: object
) -> Article:
    credits = Credits(agencies=agencies)
    return Article(id=id, source=source, raw=text, text=text, credits=credits, **kw)  # type: ignore[arg-type]


def at(day: int) -> datetime:
    return datetime(2024, 5, day, 8, 0, tzinfo=UTC)


def edit(text: str, every: int, word: str = "zudem") -> str:
    """Replace every ``every``-th word of ``text`` by ``word``."""
    words = text.split(" ")
    return " ".join(word if i % every == every - 1 else w for i, w in enumerate(words))
