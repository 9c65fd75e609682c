"""Conflicts: facts two sources state differently (another number for the same thing,
another date or day, another speaker or actor), with both sentences.

Two quantities are about the same thing when their dimension and unit match and either
both are tied to the same anchor by the same relation ("nördlich von Wladiwostok" =
"north of Vladivostok"), or, in two sentences aligned as the same fact, they count the
same noun and are the only such quantity in each sentence. Values are intervals ("mehr als
1500" is [1500, inf), "rund 130" is 130 +- 15 %); only disjoint intervals conflict, so
"zweite Besuch ... nach April 2019" and "erste Visite seit 2019" (other frames) do not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from storyline.compare.numbers import relation_key
from storyline.model import Conflict, Member, Quantity, QuoteGroup
from storyline.text.normalize import match_form

METHOD = "compare.claims.v1"
_TOLERANCE = {"exact": 0.005, "approx": 0.15}
_PERIODIC = ("date", "weekday", "time")


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence with what was found in it: its quantities, person keys, and text."""

    member: Member
    quantities: tuple[Quantity, ...]
    people: frozenset[str] = frozenset()
    language: str | None = None
    entities: frozenset[str] = frozenset()


def interval(q: Quantity) -> tuple[float, float]:
    """The values a quantity allows, given its qualifier."""
    v = q.value
    if q.qualifier == "more_than":
        return (v, float("inf"))
    if q.qualifier == "less_than":
        return (0.0, v)
    tol = _TOLERANCE.get(q.qualifier, 0.005) * abs(v)
    return (v - tol, v + tol)


def compatible(a: Quantity, b: Quantity) -> bool:
    """True when both quantities can be true of one thing."""
    if a.dimension == "date":
        na, nb = a.normalized.replace("????-", ""), b.normalized.replace("????-", "")
        return na.startswith(nb) or nb.startswith(na) or a.normalized.endswith(nb)
    if a.dimension == "weekday":
        return a.normalized.split()[0] == b.normalized.split()[0]
    lo_a, hi_a = interval(a)
    lo_b, hi_b = interval(b)
    return lo_a <= hi_b and lo_b <= hi_a


def _noun(q: Quantity) -> str:
    return match_form(q.measures)[:5]


def _anchored_same(a: Quantity, b: Quantity, key: Callable[[str], str]) -> bool | None:
    """True/False when anchors decide; None when neither quantity has one."""
    if not a.anchor and not b.anchor:
        return None
    if not (a.anchor and b.anchor):
        return False
    return key(a.anchor) == key(b.anchor) and relation_key(a.relation) == relation_key(b.relation)


def same_slot(a: Quantity, b: Quantity, aligned: bool, key: Callable[[str], str]) -> bool:
    """Whether two quantities measure the same thing (see the module doc)."""
    if (a.dimension, a.unit) != (b.dimension, b.unit):
        return False
    anchored = _anchored_same(a, b, key)
    if anchored is not None:
        return anchored
    if not aligned:
        return False
    if a.dimension == "ordinal":
        return a.relation == b.relation and _noun(a) == _noun(b)
    if a.dimension in ("count",):
        return bool(_noun(a)) and _noun(a) == _noun(b)
    return a.measures == b.measures or a.dimension in _PERIODIC


def _single(qs: Sequence[Quantity], q: Quantity) -> bool:
    return sum(1 for x in qs if (x.dimension, x.unit) == (q.dimension, q.unit)) == 1


def related(a: Statement, b: Statement, *, min_overlap: float = 0.4) -> bool:
    """Two statements share an entity or much of their wording. Across languages wording
    cannot be compared, so the aligner's word (they were aligned) has to do."""
    if a.language and b.language and a.language[:2] != b.language[:2]:
        return True
    return bool(a.entities & b.entities) or overlap(a.member.text, b.member.text) >= min_overlap


def quantity_conflicts(
    a: Statement, b: Statement, aligned: bool, key: Callable[[str], str]
) -> list[Conflict]:
    """Conflicts between the quantities of two statements."""
    out = []
    aligned = aligned and related(a, b)
    for qa in a.quantities:
        slot = [qb for qb in b.quantities if same_slot(qa, qb, aligned, key)]
        if not qa.anchor:
            slot = [qb for qb in slot if _single(a.quantities, qa) and _single(b.quantities, qb)]
        if slot and not any(compatible(qa, qb) for qb in slot):
            qb = slot[0]
            reason = qa.dimension if qa.dimension in _PERIODIC else "number"
            about = qa.measures or qa.relation + (" " + qa.anchor if qa.anchor else "")
            out.append(Conflict(a.member, b.member, reason, (qa.text, qb.text), about.strip()))
    return out


@cache
def _grams(text: str) -> frozenset[str]:
    t = " ".join(w[:6] for w in re.findall(r"\w+", match_form(text)))
    return frozenset(t[i : i + 4] for i in range(max(1, len(t) - 3)))


def overlap(a: str, b: str) -> float:
    """Share of character 4-grams (of word stems) the shorter text has in common."""
    ga, gb = _grams(a), _grams(b)
    return len(ga & gb) / min(len(ga), len(gb)) if ga and gb else 0.0


def _unmatched(people: frozenset[str], others: frozenset[str]) -> set[str]:
    """People of one side that no name of the other side can be ("Scholz" = "Olaf Scholz")."""

    def same(x: str, y: str) -> bool:
        px, py = x.split(), y.split()
        return x == y or px[-1] == py[-1] or px[0] == py[0] and (len(px) == 1 or len(py) == 1)

    return {p for p in people if not any(same(p, o) for o in others)}


def actor_conflict(a: Statement, b: Statement, *, min_overlap: float = 0.5) -> Conflict | None:
    """Near-identical sentences naming different people in the same place."""
    only_a, only_b = _unmatched(a.people, b.people), _unmatched(b.people, a.people)
    if not (only_a and only_b) or len(a.people) != len(b.people):
        return None
    if overlap(a.member.text, b.member.text) < min_overlap:
        return None
    values = (", ".join(sorted(only_a)), ", ".join(sorted(only_b)))
    return Conflict(a.member, b.member, "actor", values)


def statement_conflicts(
    a: Statement, b: Statement, *, aligned: bool, key: Callable[[str], str]
) -> list[Conflict]:
    """Every conflict between two sentences of different articles."""
    out = quantity_conflicts(a, b, aligned, key)
    actor = actor_conflict(a, b) if aligned else None
    return out + ([actor] if actor else [])


def quote_conflicts(groups: Sequence[QuoteGroup]) -> list[Conflict]:
    """The same quote attributed to different speakers by different articles."""
    out = []
    for g in groups:
        named = [q for q in g.quotes if q.speaker]
        for i, qa in enumerate(named):
            for qb in named[i + 1 :]:
                if qa.article != qb.article and (qa.speaker_key or qa.speaker) != (
                    qb.speaker_key or qb.speaker
                ):
                    ma = Member(qa.article, qa.sentence, qa.text)
                    mb = Member(qb.article, qb.sentence, qb.text)
                    out.append(Conflict(ma, mb, "speaker", (qa.speaker, qb.speaker), qa.text))
    return out


def statement(text: str, language: str | None, article: str = "a", index: int = 0) -> Statement:
    """A statement from a bare sentence (its quantities and people found here)."""
    from storyline.compare.entities import RuleRecogniser
    from storyline.compare.mentions import name_key
    from storyline.compare.numbers import find_quantities, to_quantity

    qs = tuple(to_quantity(f, article, index, 0, text) for f in find_quantities(text, language))
    spans = RuleRecogniser().spans(text, language, {})
    people = frozenset(name_key(text[s:e]) for s, e, k in spans if k == "PER")
    entities = frozenset(name_key(text[s:e]) for s, e, k in spans)
    return Statement(Member(article, index, text), qs, people, language, entities)


def text_conflicts(a: str, la: str | None, b: str, lb: str | None) -> list[Conflict]:
    """Conflicts between two sentences taken as reports of the same fact."""
    from storyline.compare.mentions import name_key

    sa, sb = statement(a, la, "a"), statement(b, lb, "b")
    return statement_conflicts(sa, sb, aligned=True, key=name_key)
