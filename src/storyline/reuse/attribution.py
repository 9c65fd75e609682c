"""Wire attribution: who shares which passages, who published them first, whose copy it is.

Pure functions over records. An article's passages (shared with any other article) are
merged into stretches of its text; each stretch names the articles it is shared with, the
earliest publisher (by ``published``, only when every carrier has one; ties go to the
smaller article id), the candidate agencies (each with the article and outlet that credits
it) and the agencies every carrier credits. One outlet's credit is never another's: an
agency is *confirmed* only where every carrier of the text credits it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from storyline.model import (
    AgencyCredit,
    Article,
    Attribution,
    CopiedPassage,
    OutletDependency,
    SharedPassage,
    aware,
)

METHOD = "reuse.attribution.v2"


def _when(article: Article) -> tuple[datetime, str]:
    t = article.published
    assert t is not None
    return (aware(t), article.id)


def earliest(carriers: Sequence[Article]) -> str | None:
    """The id of the carrier published first; None unless every carrier has a date."""
    if not carriers or any(a.published is None for a in carriers):
        return None
    return min(carriers, key=_when).id


def candidates(carriers: Iterable[Article]) -> tuple[AgencyCredit, ...]:
    """Every (agency, article, outlet) credit of the carriers, sorted by agency and outlet."""
    found = {AgencyCredit(ag, a.id, a.source) for a in carriers for ag in a.credits.agencies}
    return tuple(sorted(found, key=lambda c: (c.agency.lower(), c.source, c.article)))


def confirmed(carriers: Sequence[Article]) -> tuple[str, ...]:
    """The agencies every carrier credits."""
    if not carriers:
        return ()
    common = set(carriers[0].credits.agencies)
    for a in carriers[1:]:
        common &= set(a.credits.agencies)
    return tuple(sorted(common))


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
    return CopiedPassage(start, end, tuple(sorted(others)), earliest(sharing),
                         candidates(sharing), confirmed(sharing))  # fmt: skip


def _confirmed_anywhere(
    article: Article, spans: list[tuple[int, int, str]], by_id: Mapping[str, Article]
) -> tuple[str, ...]:
    """Agencies every carrier credits of at least one piece of the article's shared text
    (pieces cut at every passage boundary, so a sentence shared more widely than the rest
    of a passage does not hide the agreement on the rest)."""
    cuts = sorted({x for s, e, _ in spans for x in (s, e)})
    found: set[str] = set()
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        others = {o for s, e, o in spans if s <= lo and hi <= e and o in by_id}
        if others:
            found.update(confirmed([article, *(by_id[o] for o in sorted(others))]))
    return tuple(sorted(found))


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
        confirmed_agencies=_confirmed_anywhere(article, spans, by_id) if own else (),
        flagged_uncredited=not own and bool(credited),
        wire_share=round(sum(c.end - c.start for c in copied if c.candidates) / size, 4),
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
            for ag in dependent_on(att.article, c):
                per[ag] = per.get(ag, 0.0) + (c.end - c.start)
    return [_dependency(s, count[s], total[s], wire, agency) for s in sorted(total)]


def dependent_on(article: str, copied: CopiedPassage) -> tuple[str, ...]:
    """The agencies a stretch of ``article`` counts towards in its outlet's ``by_agency``:
    the agencies every carrier credits; else those the article credits itself; only for
    uncredited copy every candidate (no carrier's credit stands for another outlet's)."""
    if copied.confirmed:
        return copied.confirmed
    own = tuple(sorted({c.agency for c in copied.candidates if c.article == article}))
    return own or copied.candidate_agencies


def _dependency(
    source: str, n: int, chars: int, wire: dict[str, float], agency: dict[str, dict[str, float]]
) -> OutletDependency:
    size = max(chars, 1)
    per = agency.get(source, {})
    by_agency = tuple(
        (ag, round(v / size, 4)) for ag, v in sorted(per.items(), key=lambda x: -x[1])
    )
    return OutletDependency(source, n, round(wire.get(source, 0.0) / size, 4), by_agency)
