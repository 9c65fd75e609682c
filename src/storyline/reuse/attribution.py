"""Wire attribution: who shares which passages, who published them first, whose copy it is.

Pure functions over records. An article's passages (shared with any other article) are
merged into stretches of its text; each stretch names the articles it is shared with, the
earliest publisher (by ``published``, else ``ingested``; articles without either come last;
ties go to the smaller article id) and the agencies credited by any article sharing it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from storyline.model import Article, Attribution, CopiedPassage, OutletDependency, SharedPassage

METHOD = "reuse.attribution.v1"
_LAST = datetime.max.timestamp()


def _when(article: Article) -> tuple[float, str]:
    t = article.published or article.ingested
    return (t.timestamp() if t else _LAST, article.id)


def _spans(passages: Iterable[SharedPassage]) -> dict[str, list[tuple[int, int, str]]]:
    """For every article: (start, end, other article) of each passage it takes part in."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for p in passages:
        out.setdefault(p.a, []).append((p.a_start, p.a_end, p.b))
        out.setdefault(p.b, []).append((p.b_start, p.b_end, p.a))
    return out


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, set[str]]]:
    merged: list[tuple[int, int, set[str]]] = []
    for start, end, other in sorted(spans):
        if merged and start < merged[-1][1]:
            s, e, others = merged[-1]
            merged[-1] = (s, max(e, end), others | {other})
        else:
            merged.append((start, end, {other}))
    return merged


def _copied(
    article: Article, start: int, end: int, others: set[str], by_id: Mapping[str, Article]
) -> CopiedPassage:
    sharing = [article] + [by_id[o] for o in sorted(others) if o in by_id]
    agencies = sorted({ag for a in sharing for ag in a.credits.agencies})
    earliest = min(sharing, key=_when).id
    return CopiedPassage(start, end, tuple(sorted(others)), earliest, tuple(agencies))


def attribute_one(
    article: Article,
    spans: list[tuple[int, int, str]],
    by_id: Mapping[str, Article],
    length: int | None = None,
) -> Attribution:
    """The attribution of one article from its passage spans (``length``: of its text)."""
    copied = [_copied(article, s, e, o, by_id) for s, e, o in _merge(spans)]
    size = max(len(article.text) if length is None else length, 1)
    partners = {o for c in copied for o in c.articles if o in by_id}
    credited = {ag for o in partners for ag in by_id[o].credits.agencies}
    own = article.credits.agencies
    return Attribution(
        article=article.id,
        passages=tuple(copied),
        copied_share=round(sum(c.end - c.start for c in copied) / size, 4),
        original=bool(copied) and all(c.earliest == article.id for c in copied),
        confirmed_agencies=tuple(sorted(set(own) & credited)),
        flagged_uncredited=not own and bool(credited),
        wire_share=round(sum(c.end - c.start for c in copied if c.agencies) / size, 4),
        method=METHOD,
    )


def attribute(
    articles: Iterable[Article],
    passages: Iterable[SharedPassage],
    *,
    only: Collection[str] | None = None,
    lengths: Mapping[str, int] | None = None,
) -> list[Attribution]:
    """Attributions of ``articles`` (or of those whose ids are in ``only``).

    ``articles`` must include the partners of the passages, whose credits and dates are used.
    ``lengths`` gives text lengths where the articles carry no text (the index keeps none).
    """
    by_id = {a.id: a for a in articles}
    spans = _spans(passages)
    wanted = by_id if only is None else [i for i in only if i in by_id]
    size = lengths or {}
    return [attribute_one(by_id[i], spans.get(i, []), by_id, size.get(i)) for i in sorted(wanted)]


def outlet_dependency(
    articles: Iterable[Article],
    attributions: Iterable[Attribution],
    lengths: Mapping[str, int] | None = None,
) -> list[OutletDependency]:
    """Per source: share of its text (characters) that is wire copy, overall and by agency."""
    by_id = {a.id: a for a in articles}
    size = {i: len(a.text) for i, a in by_id.items()} | dict(lengths or {})
    total: dict[str, int] = {}
    count: dict[str, int] = {}
    wire: dict[str, float] = {}
    agency: dict[str, dict[str, float]] = {}
    for a in by_id.values():
        total[a.source] = total.get(a.source, 0) + size[a.id]
        count[a.source] = count.get(a.source, 0) + 1
    for att in attributions:
        if att.article not in by_id:
            continue
        a = by_id[att.article]
        wire[a.source] = wire.get(a.source, 0.0) + att.wire_share * size[a.id]
        per = agency.setdefault(a.source, {})
        for c in att.passages:
            for ag in c.agencies:
                per[ag] = per.get(ag, 0.0) + (c.end - c.start)
    return [_dependency(s, count[s], total[s], wire, agency) for s in sorted(total)]


def _dependency(
    source: str, n: int, chars: int, wire: dict[str, float], agency: dict[str, dict[str, float]]
) -> OutletDependency:
    size = max(chars, 1)
    per = agency.get(source, {})
    by_agency = tuple(
        (ag, round(v / size, 4)) for ag, v in sorted(per.items(), key=lambda x: -x[1])
    )
    return OutletDependency(source, n, round(wire.get(source, 0.0) / size, 4), by_agency)
