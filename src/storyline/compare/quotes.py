"""Quotes: direct speech in quotation marks and reported speech, with the speaker, and the
same quote found across articles and languages.

Direct: «...», „...“, "...", “...”, ‚...‘ with a speech verb after (", sagte Putin") or a
colon after the speaker ("Peskow sagte: «...»"). Indirect: ", sagte X." after a clause,
"teilte X mit", "X zufolge", "laut X", "nach Angaben von X", "according to X", "X said".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storyline.model import Mention, Quote, QuoteGroup, Sentence
from storyline.text.normalize import match_form

METHOD = "compare.quotes.v1"
_PAIRS = {"«": "»", "„": '“”"', "“": '”"', '"': '"', "‚": "‘’", "‹": "›", "»": "«"}
_OPEN = re.compile(r"[«„“\"‚‹»]")
_VERBS = (
    r"sagte|sagt|sagten|erklärte|erklärt|betonte|betont|schrieb|meinte|fügte|antwortete|"
    r"begründete|kritisierte|warnte|forderte|versicherte|bekräftigte|ergänzte|mahnte|"
    r"beschwor|bestätigte|berichtete|hiess|hieß|teilte|verkündete|räumte|so|said|says|"
    r"told|added|wrote|stated|warned|explained|insisted|declared|announced|according"
)
_AFTER = re.compile(rf"^\W{{0,4}}\s*(?P<cue>{_VERBS})\b", re.I)
_TAIL = re.compile(rf",\s*(?P<cue>{_VERBS})\s+(?P<rest>[^,]+?)\s*(?:mit)?[.!?]?$", re.I)
_INDIRECT = re.compile(
    r"(?P<cue>zufolge|laut|nach Angaben (?:von|des|der)|according to|teilte .{0,60}? mit|"
    r"wie .{0,60}?(?:berichtete|meldete|mitteilte)|berichtete|meldete|said|told)",
    re.I,
)
_PRONOUNS = frozenset("er sie he she".split())
_MIN_WORDS = 3


def _close(text: str, i: int) -> int | None:
    closers = _PAIRS[text[i]]
    for j in range(i + 1, min(len(text), i + 600)):
        if text[j] in closers:
            return j
        if text[j] == "\n":
            return None
    return None


def quote_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the inside of each quotation (of at least three words)."""
    out, i = [], 0
    while m := _OPEN.search(text, i):
        j = _close(text, m.start())
        if j is None:
            i = m.end()
            continue
        if len(text[m.end() : j].split()) >= _MIN_WORDS:
            out.append((m.end(), j))
        i = j + 1
    return out


def _speaker(mentions: Sequence[Mention], start: int, end: int) -> Mention | None:
    """The first person (else organisation) mentioned between ``start`` and ``end``."""
    inside = [m for m in mentions if start <= m.start < end and m.kind in ("PER", "ORG")]
    people = [m for m in inside if m.kind == "PER"]
    found = people or inside
    return found[0] if found else None


def _sentence_at(sents: Sequence[Sentence], offset: int) -> Sentence:
    for s in sents:
        if s.start <= offset < s.end:
            return s
    return sents[-1]


class _Finder:
    def __init__(
        self,
        text: str,
        sents: Sequence[Sentence],
        mentions: Sequence[Mention],
        names: dict[tuple[int, int], tuple[str, str]],
    ) -> None:
        self.text, self.sents, self.mentions, self.names = text, sents, mentions, names
        self.last: tuple[str, str] = ("", "")

    def name(self, m: Mention | None) -> tuple[str, str]:
        if m is None:
            return ("", "")
        return self.names.get((m.start, m.end), (m.text, ""))

    def direct(self, a: int, b: int) -> Quote:
        s = _sentence_at(self.sents, a)
        line_end = self.text.find("\n", b)
        line_end = len(self.text) if line_end < 0 else line_end
        after = self.text[b + 1 : line_end]
        cue, who = "", None
        if m := _AFTER.match(after):
            cue = m.group("cue")
            stop = b + 1 + m.end() + 80
            who = _speaker(self.mentions, b + 1 + m.start("cue"), stop)
            if who is None and after[m.end() :].split()[:1] in (["er"], ["sie"]):
                return self._quote(s, a, b, self.last, True, cue)
        if who is None:
            who, cue = self._before(s, a, cue)
        return self._quote(s, a, b, self.name(who), True, cue)

    def _before(self, s: Sentence, a: int, cue: str) -> tuple[Mention | None, str]:
        before = self.text[s.start : a]
        found = re.search(rf"\b({_VERBS}|beschwor)\b[^.!?]*$", before, re.I)
        return _speaker(self.mentions, s.start, a), cue or (found.group(1) if found else "")

    def _quote(
        self, s: Sentence, a: int, b: int, who: tuple[str, str], direct: bool, cue: str
    ) -> Quote:
        if who[0]:
            self.last = who
        return Quote(s.article, s.index, self.text[a:b].strip(), who[0], direct, cue, who[1], a, b)

    def indirect(self, s: Sentence, taken: list[tuple[int, int]]) -> Quote | None:
        if any(s.start <= a < s.end for a, _ in taken):
            return None
        if m := _TAIL.search(s.text):
            who = _speaker(self.mentions, s.start + m.start("rest"), s.end)
            if who is not None or m.group("rest").split()[0].casefold() in _PRONOUNS:
                person = self.name(who) if who else self.last
                return self._quote(s, s.start, s.start + m.start(), person, False, m.group("cue"))
        if m := _INDIRECT.search(s.text):
            who = _speaker(self.mentions, s.start + max(0, m.start() - 60), s.start + m.end() + 60)
            if who is not None:
                return self._quote(
                    s, s.start, s.end, self.name(who), False, m.group("cue").split()[0]
                )
        return None


def find_quotes(
    text: str,
    sents: Sequence[Sentence],
    mentions: Sequence[Mention],
    names: dict[tuple[int, int], tuple[str, str]] | None = None,
) -> list[Quote]:
    """Quotes of one article: ``text`` its text, ``sents`` its sentences, ``mentions`` its
    entity mentions; ``names`` maps a mention's ``(start, end)`` to (entity name, key)."""
    if not sents:
        return []
    finder = _Finder(text, sents, [m for m in mentions if m.start >= 0], names or {})
    spans = quote_spans(text)
    out = [finder.direct(a, b) for a, b in spans]
    for s in sents:
        q = finder.indirect(s, spans)
        if q is not None:
            out.append(q)
    return sorted(out, key=lambda q: (q.start, q.end))


def _grams(text: str) -> set[str]:
    t = " ".join(w[:6] for w in re.findall(r"\w+", match_form(text)))
    return {t[i : i + 4] for i in range(max(1, len(t) - 3))}


def _lexical(ga: set[str], gb: set[str]) -> float:
    return len(ga & gb) / min(len(ga), len(gb)) if ga and gb else 0.0


def _similarities(quotes: Sequence[Quote], cross: bool):  # noqa: ANN202
    """Pairwise lexical overlap and, when storyline.embed is installed, cosine similarity."""
    n = len(quotes)
    grams = [_grams(q.text) for q in quotes]
    lex = [[_lexical(grams[i], grams[j]) for j in range(n)] for i in range(n)]
    cos = None
    if cross:
        try:
            from storyline.embed import encode  # type: ignore[attr-defined]

            vecs = encode([q.text for q in quotes])
            cos = (vecs @ vecs.T).tolist()
        except ImportError:
            cos = None
    return lex, cos


def group_quotes(
    quotes: Sequence[Quote], *, lexical: float = 0.6, semantic: float = 0.75, cross: bool = True
) -> tuple[QuoteGroup, ...]:
    """Quotes of different articles saying the same (same words, near-same, or translated)."""
    lex, cos = _similarities(quotes, cross)
    n = len(quotes)
    score = [[0.0] * n for _ in range(n)]
    parent = list(range(n))
    for i in range(n):
        for j in range(i + 1, n):
            if quotes[i].article == quotes[j].article:
                continue
            sem = cos[i][j] if cos else 0.0
            if lex[i][j] >= lexical or sem >= semantic:
                score[i][j] = score[j][i] = max(lex[i][j], sem)
                parent[_root(parent, i)] = _root(parent, j)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(_root(parent, i), []).append(i)
    return tuple(_group(quotes, ids, score) for ids in members.values() if _spread(quotes, ids))


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _spread(quotes: Sequence[Quote], ids: list[int]) -> bool:
    return len({quotes[i].article for i in ids}) > 1


def _group(quotes: Sequence[Quote], ids: list[int], score: list[list[float]]) -> QuoteGroup:
    qs = tuple(quotes[i] for i in ids)
    speakers = tuple(dict.fromkeys(q.speaker for q in qs))
    keys = {q.speaker_key or q.speaker for q in qs if q.speaker}
    weakest = min(max(score[i][j] for j in ids) for i in ids)
    return QuoteGroup(qs, speakers, len(keys) > 1, round(float(min(weakest, 1.0)), 3))
