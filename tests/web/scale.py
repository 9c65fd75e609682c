"""Stories of many reports for the desk tests, screenshots and accessibility checks.

The real data holds no story of 30 or 100 reports, so each is made from the two seed
reports: both are cleaned by the real pipeline, then report k keeps a different subset of
one seed's sentences (and borrows one from the other), under its own outlet, time and
agency credit. The story is compared, its reuse found and its analysis stored by the same
library calls that ingest uses.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from storyline.model import Article, Credits, Story

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "examples").glob("*.txt"))
T0 = datetime(2023, 9, 13, 6, 0, tzinfo=UTC)
AGENCIES = [("dpa",), ("Keystone-SDA", "Reuters"), (), ("AFP",), ("dpa", "AFP")]


def seed_sentences() -> list[list[str]]:
    """The sentences of each seed report after cleaning."""
    from storyline.compare.align import sentences
    from storyline.model import Article as Cleaned
    from storyline.pipeline import prepare

    cleaned = sorted((a for a in prepare(SEEDS) if isinstance(a, Cleaned)), key=lambda a: a.id)
    return [[s.text for s in sentences(a)] for a in cleaned]


def reports(n: int, prefix: str = "r") -> list[Article]:
    """``n`` reports of the seeds' event; report k is published 23 minutes after k-1."""
    seeds = seed_sentences()
    out = []
    for k in range(n):
        own, other = seeds[k % 2], seeds[(k + 1) % 2]
        kept = [s for i, s in enumerate(own) if (i * 7 + k) % 5 != 0 or i == 0]
        kept.insert(min(3, len(kept)), other[(k * 3) % len(other)])
        text = "\n".join(" ".join(kept[i : i + 3]) for i in range(0, len(kept), 3))
        out.append(Article(
            id=f"{prefix}{k:03d}", source=f"Outlet {k % max(1, n - n // 4) + 1}", raw=text,
            text=text, title=f"Putin empfängt Kim ({k + 1})", language="de",
            published=T0 + timedelta(minutes=23 * k), credits=Credits(agencies=AGENCIES[k % 5]),
        ))  # fmt: skip
    return out


def add_story(store: Any, n: int, story_id: str | None = None) -> str:
    """Store a compared, analysed story of ``n`` reports; return its id."""
    from storyline.compare.align import compare
    from storyline.pipeline import store_analyses, story_report, update_reuse

    sid = story_id or f"scale{n}"
    articles = reports(n, prefix=f"{sid}-")
    story = Story(sid, tuple(a.id for a in articles), f"Putin empfängt Kim: {n} Berichte")
    store.add_articles(articles)
    store.put_story(story, compare(story, articles))
    update_reuse(store, articles)
    store_analyses(store, [story_report(store, sid)])
    return sid
