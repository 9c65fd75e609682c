"""The attribution chain: who cites whom, read from the articles themselves.

Three kinds of link, each with its evidence:

* ``quoted``: the text cites a source ("wie die Nachrichtenagentur Tass berichtete"); the
  source feeds the agency the article credits, or the outlet when it credits none.
* ``credit``: the article credits an agency ("(dpa/red)"): agency -> outlet.
* ``shared``: two outlets print the same sentences (verbatim or near-verbatim alignment)
  and at least one of them credits no agency: the earlier publisher -> the later one.

So the seed pair gives Interfax -> dpa -> Epoch Times and Tass -> sda, Reuters -> nau.ch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from storyline.model import NEAR_VERBATIM, VERBATIM, Article, ChainLink, Comparison

METHOD = "compare.chain.v1"
_LAST = datetime.max


def quoted(article: Article) -> tuple[str, ...]:
    """Sources the article's text cites: its credits' ``quoted_sources``, else found here."""
    if article.credits.quoted_sources:
        return article.credits.quoted_sources
    from storyline.clean.credits import quoted_sources

    return quoted_sources(article.text, article.language)


def _article_links(article: Article) -> list[ChainLink]:
    agencies = article.credits.agencies
    out = [
        ChainLink(
            a,
            article.source,
            "credit",
            f"credit line: {', '.join(article.credits.lines) or a}",
            article.id,
        )
        for a in agencies
        if a != article.source
    ]
    targets = agencies or (article.source,)
    for q in quoted(article):
        for t in targets:
            if q != t:
                out.append(
                    ChainLink(q, t, "quoted", f"{article.source} text cites {q}", article.id)
                )
    return out


def _when(article: Article) -> tuple[datetime, str]:
    from storyline.compare.blindspot import when

    return when(article)


def _shared_links(articles: Sequence[Article], comparison: Comparison) -> list[ChainLink]:
    by_id = {a.id: a for a in articles}
    counts: Counter[tuple[str, str]] = Counter()
    for g in comparison.alignments:
        if g.kind not in (VERBATIM, NEAR_VERBATIM):
            continue
        ids = sorted(
            {m.article for m in g.members if m.article in by_id}, key=lambda i: _when(by_id[i])
        )
        for i, first in enumerate(ids):
            for later in ids[i + 1 :]:
                counts[(first, later)] += 1
    out = []
    for (a, b), n in sorted(counts.items()):
        x, y = by_id[a], by_id[b]
        if (x.credits.agencies and y.credits.agencies) or x.source == y.source:
            continue
        out.append(
            ChainLink(x.source, y.source, "shared", f"{n} sentences shared with {y.source}", b)
        )
    return out


def chain(articles: Sequence[Article], comparison: Comparison) -> tuple[ChainLink, ...]:
    """Every link of the story's attribution chain, duplicates (same source, target, kind)
    merged into the first one found."""
    links = [link for a in articles for link in _article_links(a)]
    links += _shared_links(articles, comparison)
    seen: dict[tuple[str, str, str], ChainLink] = {}
    for link in links:
        seen.setdefault((link.source, link.target, link.kind), link)
    return tuple(seen.values())


#: Most chain paths listed: the number of paths grows exponentially with the outlets that
#: share passages (30 outlets already give millions), so the walk stops at this many.
MAX_PATHS = 100


def paths(links: Sequence[ChainLink], limit: int = MAX_PATHS) -> list[list[str]]:
    """The chains as paths from an original source to an outlet ("Interfax", "dpa", ...),
    the first ``limit`` found (depth first, sources in name order)."""
    nxt: dict[str, list[str]] = {}
    for link in links:
        nxt.setdefault(link.source, []).append(link.target)
    targets = {link.target for link in links}
    out: list[list[str]] = []

    def walk(path: list[str]) -> None:
        follow = [t for t in nxt.get(path[-1], []) if t not in path]
        if not follow:
            out.append(path)
        for t in follow:
            if len(out) >= limit:
                return
            walk([*path, t])

    for start in sorted(s for s in nxt if s not in targets):
        if len(out) >= limit:
            break
        walk([start])
    return out
