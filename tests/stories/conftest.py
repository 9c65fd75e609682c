"""Shared fixtures: the seed pair and hand-written unrelated reports, as Articles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storyline.model import Article

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SEED_DAY = datetime(2023, 9, 13, 8, 0, tzinfo=UTC)


def article(aid: str, text: str, *, hours: float = 0.0, language: str | None = "de", **kw):
    published = kw.pop("published", SEED_DAY.replace(hour=8 + int(hours)))
    return Article(
        id=aid,
        source=kw.pop("source", aid),
        raw=text,
        text=text,
        language=language,
        published=published,
        **kw,
    )


@pytest.fixture(scope="session")
def seeds() -> list[Article]:
    names = ["000_98dadad234490a67.txt", "004_9755e32e974529ca.txt"]
    texts = [(ROOT / "examples" / n).read_text(encoding="utf-8") for n in names]
    return [article(f"seed-{i}", t, hours=i) for i, t in enumerate(texts)]


@pytest.fixture(scope="session")
def unrelated() -> dict[str, Article]:
    """Same day, same people, other events (and one from 2019 at the same place)."""
    out = {}
    for n, path in enumerate(sorted((HERE / "data").glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        if path.stem.endswith("2019"):
            out[path.stem] = article(
                path.stem, text, published=datetime(2019, 4, 25, 9, tzinfo=UTC)
            )
        else:
            out[path.stem] = article(path.stem, text, hours=2 + n)
    return out
