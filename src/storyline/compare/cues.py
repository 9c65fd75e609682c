"""Conflict cues between two sentences ("compare.cues.v1").

Lexicons per language (de, en, fr, it, es) live in ``data/judge_cues.json``: negation words,
words for "none", number words, and opposite word sets (direction of change, won/lost,
accepted/rejected, confirmed/denied, will/may, alive/dead). From them and from the word
sequences of the two sentences this module finds each :class:`Clash`, with its kind and the
words that clash:

* ``negation``: one sentence is negated, the other is not (nicht, kein, not, never, ne ... pas);
* ``number_none``: a count on one side, "none" on the other (zwei vs keine);
* ``number``: the same quantity with other values (:mod:`storyline.compare.claims` rules);
* ``direction`` / ``attribution`` / ``modality``: a word of one opposite set on one side
  and of the other set on the other side, neither shared (rose vs fell, confirmed vs denied,
  will vs may);
* ``roles``: the same names in the other order around the same words (A beat B, B beat A);
* ``actor`` / ``place`` / ``date``: the same sentence with one name, place or date replaced.

Everything here is pure and cached per sentence, so a sentence in many pairs is read once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from importlib import resources

from storyline.compare.claims import Statement
from storyline.compare.wordinfo import information
from storyline.model import Member
from storyline.text.normalize import cased_words

METHOD = "compare.cues.v1"
#: Languages with a lexicon; others use all of them together.
LANGUAGES = ("de", "en", "fr", "it", "es")
#: Conflict kinds, hard ones first (a pair with a hard clash never counts as the same meaning).
HARD = ("negation", "number_none", "number", "direction", "roles")
SOFT = ("actor", "place", "date", "attribution", "modality")
CLASH_KINDS = HARD + SOFT
#: Information (nats) of a content word: a negation must stand next to one both sides share.
CONTENT = 9.0


@dataclass(frozen=True, slots=True)
class Clash:
    """One conflict cue: its kind and the clashing words of each side ("" when absent)."""

    kind: str
    words: tuple[str, str]


@dataclass(frozen=True, slots=True)
class _Lexicon:
    negation: frozenset[str]
    zero: frozenset[str]
    numbers: frozenset[str]
    opposites: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
    places: frozenset[str]
    dates: frozenset[str]
    openers: frozenset[str]


@cache
def _data() -> dict[str, dict[str, list]]:
    path = resources.files("storyline.data").joinpath("judge_cues.json")
    data: dict[str, dict[str, list]] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def lexicon(languages: tuple[str, ...]) -> _Lexicon:
    """The cue lexicon of ``languages`` (all five when none is known)."""
    chosen = [x for x in languages if x in LANGUAGES] or list(LANGUAGES)
    parts = [_data()[x] for x in chosen]

    def union(key: str) -> frozenset[str]:
        return frozenset(w for p in parts for w in p[key])

    from storyline.text.segment import sentence_openers

    opposites = tuple((k, tuple(a), tuple(b)) for p in parts for k, a, b in p["opposites"])
    openers = frozenset(w for x in chosen for w in sentence_openers(x))
    return _Lexicon(
        union("negation"),
        union("zero"),
        union("numbers"),
        opposites,
        union("places"),
        union("dates"),
        openers | union("negation") | union("numbers"),
    )


def _matches(pattern: str, tokens: Iterable[str], vocab: frozenset[str]) -> str:
    """The word of ``tokens`` that ``pattern`` matches ('*' = any ending), or ''."""
    if " " in pattern:
        return pattern if all(p in vocab for p in pattern.split()) else ""
    if pattern.endswith("*"):
        stem = pattern[:-1]
        return next((t for t in tokens if t.startswith(stem)), "")
    return pattern if pattern in vocab else ""


@dataclass(frozen=True, slots=True)
class Profile:
    """What the cues need from one sentence: its words (cased and lower), numbers, names."""

    cased: tuple[str, ...]
    lower: tuple[str, ...]
    vocab: frozenset[str]
    numbers: frozenset[str]
    names: tuple[str, ...]
    #: Per opposite set (entry, side): the lexicon patterns found, with the word each matched.
    hits: dict[tuple[int, int], dict[str, str]]


def _is_name(word: str, k: int, lower: str, lex: _Lexicon) -> bool:
    if not word[:1].isupper() or lower in lex.negation or lower in lex.dates:
        return False
    return k > 0 or lower not in lex.openers


@lru_cache(maxsize=65536)
def profile(text: str, languages: tuple[str, ...] = ()) -> Profile:
    """The :class:`Profile` of one sentence."""
    lex = lexicon(languages)
    cased = tuple(cased_words(text[:5000]))
    lower = tuple(w.casefold() for w in cased)
    names = tuple(
        w for k, (w, lo) in enumerate(zip(cased, lower, strict=True)) if _is_name(w, k, lo, lex)
    )
    numbers = frozenset(w for w in lower if w in lex.numbers or any(c.isdigit() for c in w))
    vocab = frozenset(lower)
    return Profile(cased, lower, vocab, numbers, names, _hits(lower, vocab, lex))


_Slot = tuple[int, int, int, str]  # (opposite set, side, pattern index, pattern)


@cache
def _pattern_index(
    lex: _Lexicon,
) -> tuple[dict[str, list[_Slot]], dict[str, list[_Slot]], list[_Slot]]:
    """The opposite-set patterns by exact word, by prefix ('*'), and the phrases."""
    exact: dict[str, list[_Slot]] = {}
    prefix: dict[str, list[_Slot]] = {}
    phrases: list[_Slot] = []
    for e, (_, *sides) in enumerate(lex.opposites):
        for s, side in enumerate(sides):
            for k, p in enumerate(side):
                slot = (e, s, k, p)
                if " " in p:
                    phrases.append(slot)
                elif p.endswith("*"):
                    prefix.setdefault(p[:-1], []).append(slot)
                else:
                    exact.setdefault(p, []).append(slot)
    return exact, prefix, phrases


def _hits(
    lower: tuple[str, ...], vocab: frozenset[str], lex: _Lexicon
) -> dict[tuple[int, int], dict[str, str]]:
    """Per opposite set and side, the patterns the sentence matches (in lexicon order)."""
    exact, prefix, phrases = _pattern_index(lex)
    found: dict[_Slot, str] = {}
    for w in lower:
        for slot in exact.get(w, ()):
            found.setdefault(slot, w)
        for n in range(1, len(w) + 1):
            for slot in prefix.get(w[:n], ()):
                found.setdefault(slot, w)
    for slot in phrases:
        if all(x in vocab for x in slot[3].split()):
            found.setdefault(slot, slot[3])
    out: dict[tuple[int, int], dict[str, str]] = {}
    for (e, s, _, p), w in sorted(found.items()):
        out.setdefault((e, s), {})[p] = w
    return out


def _side(words: Iterable[str], lexicon_words: frozenset[str], other: Profile) -> str:
    return next((w for w in words if w in lexicon_words and w not in other.vocab), "")


def _negators(p: Profile, lex: _Lexicon) -> list[int]:
    return [k for k, w in enumerate(p.lower) if w in lex.negation or w.endswith("n't")]


def _anchored(p: Profile, k: int, other: Profile) -> bool:
    """A content word next to position ``k`` (two either side) is in ``other``."""
    near = p.lower[max(k - 2, 0) : k] + p.lower[k + 1 : k + 3]
    return any(w in other.vocab and information(w) >= CONTENT for w in near)


def _negation(a: Profile, b: Profile, lex: _Lexicon) -> Clash | None:
    """One side negated where the other is not, next to words both sides share."""
    na, nb = _negators(a, lex), _negators(b, lex)
    if bool(na) == bool(nb):
        return None
    p, q, ks = (a, b, na) if na else (b, a, nb)
    k = next((k for k in ks if _anchored(p, k, q)), None)
    if k is None:
        return None
    return Clash("negation", (p.lower[k], "") if na else ("", p.lower[k]))


def _count(p: Profile) -> str:
    return next((w for w in p.lower if w in p.numbers), "")


def _number_none(a: Profile, b: Profile, lex: _Lexicon) -> Clash | None:
    za, zb = _side(a.lower, lex.zero, b), _side(b.lower, lex.zero, a)
    if za and not zb and (cb := _count(b)) and cb not in a.vocab:
        return Clash("number_none", (za, cb))
    if zb and not za and (ca := _count(a)) and ca not in b.vocab:
        return Clash("number_none", (ca, zb))
    return None


def _opposite(a: Profile, b: Profile, key: tuple[int, int]) -> str:
    """A word of opposite set ``key`` that ``a`` has by a pattern ``b`` does not match."""
    mine, theirs = a.hits.get(key, {}), b.hits.get(key, {})
    return next((w for p, w in mine.items() if p not in theirs), "")


def _opposites(a: Profile, b: Profile, lex: _Lexicon) -> list[Clash]:
    out, seen = [], set()
    for e, (kind, _, _) in enumerate(lex.opposites):
        if kind in seen:
            continue
        for x, y, sx, sy in ((a, b, 0, 1), (b, a, 0, 1)):
            wx, wy = _opposite(x, y, (e, sx)), _opposite(y, x, (e, sy))
            if wx and wy:
                out.append(Clash(kind, (wx, wy) if x is a else (wy, wx)))
                seen.add(kind)
                break
    return out


def _roles(a: Profile, b: Profile) -> Clash | None:
    """Two shared names in the other order with the same words between them (A beat B,
    B beat A)."""
    shared = [n for n in dict.fromkeys(a.names) if n in b.names]
    for i, x in enumerate(shared):
        for y in shared[i + 1 :]:
            ax, ay = a.cased.index(x), a.cased.index(y)
            bx, by = b.cased.index(x), b.cased.index(y)
            if (ax < ay) == (bx < by):
                continue
            between_a = _masked(a)[min(ax, ay) + 1 : max(ax, ay)]
            between_b = _masked(b)[min(bx, by) + 1 : max(bx, by)]
            if between_a and between_a == between_b and len(between_a) <= 6:
                first, second = (x, y) if ax < ay else (y, x)
                return Clash("roles", (f"{first} ... {second}", f"{second} ... {first}"))
    return None


def names_reordered(a: Profile, b: Profile) -> bool:
    """Some two names both sentences share stand in the other order."""
    shared = [n for n in dict.fromkeys(a.names) if n in b.names]
    pos_a = [a.cased.index(n) for n in shared]
    pos_b = [b.cased.index(n) for n in shared]
    order_b = [pos_b[k] for k in sorted(range(len(shared)), key=lambda k: pos_a[k])]
    return order_b != sorted(order_b)


def _masked(p: Profile) -> list[str]:
    names = set(p.names)
    return ["@" if c in names else w for c, w in zip(p.cased, p.lower, strict=True)]


def _ratio(a: list[str], b: list[str]) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _slot_kind(before: str, words: list[str], lex: _Lexicon) -> str:
    if any(w in lex.dates or w[:1].isdigit() for w in words):
        return "date"
    return "place" if before in lex.places else "actor"


def _slots(a: Profile, b: Profile, lex: _Lexicon) -> list[Clash]:
    """One name, place or date replaced by another in an otherwise alike sentence."""
    if not (a.names or b.names):
        return []
    matcher = SequenceMatcher(None, a.lower, b.lower, autojunk=False)
    if matcher.ratio() < 0.6:
        return []
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        ca, cb = a.cased[i1:i2], b.cased[j1:j2]
        if op != "replace" or not ca or not cb:
            continue
        if not all(_slot_word(w, a, lex) for w in ca) or not all(_slot_word(w, b, lex) for w in cb):
            continue
        kind = _slot_kind(a.lower[i1 - 1] if i1 else "", [*a.lower[i1:i2], *b.lower[j1:j2]], lex)
        xa, xb = " ".join(ca), " ".join(cb)
        if kind == "date" or _ratio(list(xa.casefold()), list(xb.casefold())) < 0.5:
            out.append(Clash(kind, (xa, xb)))  # a similar spelling is a variant, not a name
    return out


def _slot_word(word: str, p: Profile, lex: _Lexicon) -> bool:
    return word in p.names or word.casefold() in lex.dates


def clashes(
    a: str, b: str, languages: tuple[str, ...] = (), *, quantities: bool = True
) -> tuple[Clash, ...]:
    """Every conflict cue between sentences ``a`` and ``b`` (hard kinds first).

    ``languages``: the languages of the pair (both lexicons are used for a mixed pair; all
    five when none is given). ``quantities``: also compare numbers with units and dates
    (slower; :func:`storyline.compare.claims.text_conflicts`).
    """
    pa, pb, lex = profile(a, languages), profile(b, languages), lexicon(languages)
    none = _number_none(pa, pb, lex)
    found: list[Clash | None] = [none if none else _negation(pa, pb, lex)]
    if quantities and pa.numbers and pb.numbers and pa.numbers != pb.numbers:
        found.append(_quantity(a, b, languages))
    names = [c for c in (_roles(pa, pb), *_slots(pa, pb, lex)) if c is not None]
    if names and (not languages or "de" in languages):  # German capitalises every noun
        names = [c for c in names if _named(a, b, c, languages)]
    found += [*_opposites(pa, pb, lex), *names]
    kept = [c for c in found if c is not None]
    return tuple(sorted(kept, key=lambda c: CLASH_KINDS.index(c.kind)))


def _named(a: str, b: str, clash: Clash, languages: tuple[str, ...]) -> bool:
    """Whether both clashing words of a roles/actor/place clash are named entities."""
    if clash.kind == "date":
        return True
    return all(
        all(w in _entity_words(text, languages[0] if languages else "de") for w in side.split())
        for text, side in zip((a, b), clash.words, strict=True)
        if side != "..."
    )


@lru_cache(maxsize=8192)
def _entity_words(text: str, language: str) -> frozenset[str]:
    from storyline.compare.entities import RuleRecogniser

    spans = RuleRecogniser().spans(text, language, {})
    return frozenset(w for s, e, _ in spans for w in cased_words(text[s:e])) | {"..."}


def _quantity(a: str, b: str, languages: tuple[str, ...]) -> Clash | None:
    """A number or date conflict by the rules of :mod:`storyline.compare.claims`."""
    from storyline.compare.claims import quantity_conflicts
    from storyline.compare.mentions import name_key

    la = languages[0] if languages else None
    sa, sb = _statement(a, la), _statement(b, languages[-1] if languages else None)
    for c in quantity_conflicts(sa, sb, True, name_key):
        return Clash("number" if c.reason == "number" else "date", c.values)
    return None


@lru_cache(maxsize=8192)
def _statement(text: str, language: str | None) -> Statement:
    from storyline.compare.numbers import find_quantities, to_quantity

    found = find_quantities(text, language)
    return Statement(Member("", 0, text), tuple(to_quantity(f, "", 0, 0, text) for f in found))


__all__ = [
    "CLASH_KINDS",
    "HARD",
    "LANGUAGES",
    "METHOD",
    "SOFT",
    "Clash",
    "clashes",
    "names_reordered",
    "profile",
]
