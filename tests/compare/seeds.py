"""The two seed reports as Articles (shared by the compare tests; not a test module)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from storyline.clean.credits import split_trailing_credit
from storyline.model import Article, Credits, Story

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEEDS = (
    ("000_98dadad234490a67.txt", "swiss-outlet", datetime(2023, 9, 13, 7, 30, tzinfo=UTC)),
    ("004_9755e32e974529ca.txt", "Epoch Times", datetime(2023, 9, 13, 9, 0, tzinfo=UTC)),
)


def _article(name: str, source: str, published: datetime) -> Article:
    raw = (EXAMPLES / name).read_text(encoding="utf-8")
    lines = raw.rstrip().split("\n")
    credits = Credits()
    for k in range(len(lines) - 1, -1, -1):
        body, found = split_trailing_credit(lines[k])
        if found is not None:
            lines[k], credits = body, found
            break
    text = "\n".join(line for line in lines if line.strip())
    return Article(
        id=name[:3],
        source=source,
        raw=raw,
        text=text,
        language="de",
        credits=credits,
        published=published,
    )


def seed_articles() -> list[Article]:
    """Both seeds, credits split off their text, residue lines left in."""
    return [_article(*seed) for seed in SEEDS]


def seed_story() -> Story:
    return Story("seed", tuple(a.id for a in seed_articles()))
