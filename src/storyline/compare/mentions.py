"""Entity mentions per article and their merging into story-level entities.

Variants are merged by: genitive "-s" (Kims -> Kim), gazetteer canonical names across
languages (Wladiwostok = Vladivostok), place heads dropped (Kosmodrom Wostotschny ->
Wostotschny), a single name joined to the one full name that starts or ends with it
(Putin -> Wladimir Putin, Kim -> Kim Jong Un), and role nouns learned from the story
("Kremlchef Putin" makes a bare "dem Kremlchef" a mention of Putin).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from storyline.compare.align import sentences
from storyline.compare.entities import Recogniser, RuleRecogniser, _title, gazetteer
from storyline.compare.lexicon import lexicon
from storyline.model import Article, Entity, Mention, Sentence
from storyline.text.normalize import match_form

_WORD = re.compile(r"[^\W\d_][\w\-]*")
_DETERMINERS = frozenset("der die das dem den des the".split())


def article_mentions(
    article: Article,
    recogniser: Recogniser | None = None,
    sents: Sequence[Sentence] | None = None,
) -> list[Mention]:
    """Entity mentions of one article, offsets into ``article.text``, plus its credits."""
    rec = recogniser or RuleRecogniser()
    memory: dict[str, str] = {}
    out: list[Mention] = []
    for s in sents if sents is not None else sentences(article):
        for a, b, kind in rec.spans(s.text, article.language, memory):
            out.append(Mention(article.id, s.index, s.text[a:b], s.start + a, s.start + b, kind))
    return out + _credit_mentions(article, out)


def _credit_mentions(article: Article, found: list[Mention]) -> list[Mention]:
    """Credited and quoted agencies ("dpa", "Tass") not already found in the text."""
    c = article.credits
    names = dict.fromkeys([*c.agencies, *c.photo_agencies, *c.quoted_sources])
    seen = {match_form(m.text) for m in found}
    return [Mention(article.id, -1, n, -1, -1, "ORG") for n in names if match_form(n) not in seen]


def _strip_heads(text: str) -> str:
    words = text.split()
    heads = lexicon().loc_heads
    while len(words) > 1 and words[0].casefold().removesuffix("s") in heads:
        words = words[1:]
    return " ".join(words)


def _base(text: str, surfaces: set[str]) -> str:
    """The name without a genitive ending when the bare form is known."""
    text = _strip_heads(text)
    for cut in ("s", "es"):
        stem = text.removesuffix(cut)
        if stem != text and (stem in surfaces or gazetteer(stem.split())):
            return stem
    return text


_TRANSLIT = (
    ("tsch", "ch"),
    ("sch", "sh"),
    ("w", "v"),
    ("j", "y"),
    ("ö", "o"),
    ("ü", "u"),
    ("ä", "a"),
    ("ß", "ss"),
    ("é", "e"),
    ("ï", "i"),
    ("iy", "i"),
    ("y", "i"),
)


def name_key(text: str) -> str:
    """A language-neutral key of a name: the gazetteer's canonical name when known
    (Wladiwostok, Vladivostok -> "vladivostok"), else a transliterated match form
    (Wladimir Putin, Vladimir Putin -> "vladimir putin")."""
    base = _strip_heads(text.strip())
    hit = gazetteer(base.split())
    if hit is None and base.endswith("s"):
        hit = gazetteer(base[:-1].split())
    if hit is not None:
        return match_form(hit[1])
    out = match_form(base).removesuffix("'s")
    for a, b in _TRANSLIT:
        out = out.replace(a, b)
    return out


def _key(base: str, kind: str) -> str:
    return f"{kind}:{name_key(base)}"


def _person_index(bases: Iterable[str]) -> dict[str, str]:
    """Single-word name -> the one multi-word person name that starts or ends with it."""
    owners: dict[str, set[str]] = defaultdict(set)
    for full in bases:
        parts = full.split()
        if len(parts) > 1:
            owners[parts[0]].add(full)
            owners[parts[-1]].add(full)
    return {w: next(iter(s)) for w, s in owners.items() if len(s) == 1}


def _kinds(mentions: Sequence[Mention], surfaces: set[str]) -> dict[str, str]:
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        votes[_base(m.text, surfaces)][m.kind] += 1
    return {b: c.most_common(1)[0][0] for b, c in votes.items()}


def merge(
    mentions: Sequence[Mention], sents: Mapping[str, Sequence[Sentence]] | None = None
) -> tuple[Entity, ...]:
    """Story-level entities from mentions; ``sents`` (article id -> its sentences) enables
    role nouns ("der Kremlchef")."""
    surfaces = {m.text for m in mentions}
    kinds = _kinds(mentions, surfaces)
    people = _person_index(b for b, k in kinds.items() if k == "PER")
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        base = _base(m.text, surfaces)
        kind = kinds[base]
        full = people.get(base, base) if kind == "PER" else base
        groups[_key(full, kind)].append(m)
    if sents:
        _add_roles(groups, sents)
    return tuple(sorted((_entity(k, ms) for k, ms in groups.items()), key=_order))


def _order(e: Entity) -> tuple[int, str]:
    return (-len(e.mentions), e.key)


def _entity(key: str, mentions: list[Mention]) -> Entity:
    kind = key.split(":", 1)[0]
    names = Counter(_strip_heads(m.text) for m in mentions)
    longest = max(len(n.split()) for n in names)
    name = max((n for n in names if len(n.split()) == longest), key=lambda n: (names[n], n))
    aliases = tuple(sorted({m.text for m in mentions}))
    ordered = tuple(sorted(mentions, key=lambda m: (m.article, m.start, m.end)))
    return Entity(key, name, kind, aliases, ordered)


def _sentence_text(sents: Sequence[Sentence], index: int) -> tuple[str, int]:
    for s in sents:
        if s.index == index:
            return s.text, s.start
    return "", 0


def _roles(
    groups: dict[str, list[Mention]], sents: Mapping[str, Sequence[Sentence]]
) -> dict[str, str]:
    """Role noun -> person key, for roles seen right before exactly one person."""
    seen: dict[str, set[str]] = defaultdict(set)
    for key, ms in groups.items():
        if not key.startswith("PER:"):
            continue
        for m in ms:
            text, offset = _sentence_text(sents.get(m.article, ()), m.sentence)
            before = _WORD.findall(text[: max(0, m.start - offset)])
            if before and _title(before[-1], lexicon()) and before[-1][:1].isupper():
                seen[before[-1]].add(key)
    return {role: next(iter(keys)) for role, keys in seen.items() if len(keys) == 1}


def _role_pattern(roles: Iterable[str]) -> re.Pattern[str]:
    names = "|".join(map(re.escape, roles))
    return re.compile(
        rf"\b(?:der|die|das|dem|den|des|the)\s+(?:\w+e[mnrs]?\s+)?({names})\b(?!\s+[A-ZÄÖÜ])"
    )


def _add_roles(groups: dict[str, list[Mention]], sents: Mapping[str, Sequence[Sentence]]) -> None:
    roles = _roles(groups, sents)
    if not roles:
        return
    pattern = _role_pattern(roles)
    for article, ss in sents.items():
        for s in ss:
            for m in pattern.finditer(s.text):
                a, b = s.start + m.start(1), s.start + m.end(1)
                mention = Mention(article, s.index, m.group(1), a, b, "PER")
                groups[roles[m.group(1)]].append(mention)
