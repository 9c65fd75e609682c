"""Fact-level blindspots and the timeline.

A fact is one alignment group (the same statement in one or more articles). For each fact:
the sources reporting it and those that do not; per article: the facts only it reports and
the facts it lacks; and, in publication order, the facts each article was first to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from storyline.model import Article, Blindspot, Comparison, Fact, TimelineEntry

_LAST = datetime.max


def when(article: Article) -> tuple[datetime, str]:
    """Sort key: publication (else ingestion) time in UTC, unknown last, then the id."""
    t = article.published or article.ingested
    if t is not None and t.tzinfo is not None:
        t = t.astimezone(UTC).replace(tzinfo=None)
    return (t or _LAST, article.id)


def order(articles: Sequence[Article]) -> list[Article]:
    """Articles in publication order (unknown times last, then by id)."""
    return sorted(articles, key=when)


def facts(articles: Sequence[Article], comparison: Comparison) -> tuple[Fact, ...]:
    """One fact per alignment group, with reporting and missing sources."""
    by_id = {a.id: a for a in articles}
    rank = {a.id: k for k, a in enumerate(order(articles))}
    everyone = list(dict.fromkeys(a.source for a in articles))
    out = []
    for k, g in enumerate(comparison.alignments):
        members = tuple(sorted(g.members, key=lambda m: (rank.get(m.article, 1 << 30), m.sentence)))
        ids = [m.article for m in members if m.article in by_id]
        sources = tuple(dict.fromkeys(by_id[i].source for i in ids))
        first = ids[0] if ids else ""
        when = by_id[first].published if first else None
        missing = tuple(s for s in everyone if s not in sources)
        out.append(
            Fact(
                k,
                g.kind,
                members[0].text if members else "",
                members,
                sources,
                missing,
                first,
                when,
            )
        )
    return tuple(out)


def blindspots(articles: Sequence[Article], fs: Sequence[Fact]) -> tuple[Blindspot, ...]:
    """Per article: facts only it reports, and facts others report that it lacks."""
    reporters = [{m.article for m in f.members} for f in fs]
    out = []
    for a in articles:
        only = tuple(f.id for f, r in zip(fs, reporters, strict=True) if r == {a.id})
        lacks = tuple(f.id for f, r in zip(fs, reporters, strict=True) if a.id not in r)
        out.append(Blindspot(a.id, a.source, only, lacks))
    return tuple(out)


def timeline(articles: Sequence[Article], fs: Sequence[Fact]) -> tuple[TimelineEntry, ...]:
    """Articles in publication order, each with the facts it was first to report."""
    return tuple(
        TimelineEntry(
            a.id, a.source, a.published, k, tuple(f.id for f in fs if f.first_article == a.id)
        )
        for k, a in enumerate(order(articles))
    )
