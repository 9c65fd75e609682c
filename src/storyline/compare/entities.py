"""Entities (people, places, organisations): an offline rule-based recogniser for German and
English news text, optional hanta or spaCy back ends, and story-level merging of variants.

The rules (``compare.entities.rules.v1``): gazetteer look-up (places from GeoNames/CLDR,
organisations, agencies), chains of capitalised name-like tokens (unknown to simplemma's
German dictionary, first names, acronyms, capitalised adjectives mid-sentence such as
"Europäische Zentralbank"), typed by the words around them (titles such as "Präsident"
or "-sprecher" before a person, organisation heads "Konzern", "Agentur" and suffixes "AG",
"-gesellschaft", place heads "Stadt", "Weltraumbahnhof" and prepositions), and propagated
within a document (a bare "Peskow" after "Dmitri Peskow" is a person).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from storyline.compare import wordlist
from storyline.compare.lexicon import Lexicon, lexicon
from storyline.errors import MissingDependency

METHOD = "compare.entities.rules.v1"
_TOKEN = re.compile(r"[A-ZÄÖÜ]\.(?=\s)|[^\W_]+(?:[-'’.][^\W_]+)*-?|\S")
_OPENERS = frozenset('"«„“‚‹(:–—-')
_PARTICLES = frozenset("von der de da al bin van zu für und di del dos la le ben y".split())
_PER_PARTICLES = frozenset("von der de da al bin van di del dos la le ben y".split())
_ORG_PARTICLES = frozenset("für der und zu de of".split())
_DETERMINERS = frozenset("Die Der Das Den Dem Des Ein Eine Einer The A An".split())
_QUANTIFIERS = frozenset(
    "Tausende Hunderte Dutzende Zehntausende Hunderttausende Millionen Einige Viele Alle Beide "
    "Mehrere Andere Weitere Manche Sämtliche Zahlreiche".split()
)
#: First names that are also common German nouns: names only before another name.
_AMBIGUOUS_FIRST = frozenset("Roman Mark Kai Moon Li Will Art Rose Rosa Eva Max Paul Bill".split())
_LEGAL_SUFFIXES = frozenset("AG GmbH SE KG KGaA Inc. Inc Ltd. Ltd Corp. Corp e.V. plc".split())
_INSTITUTIONS = ("organisation", "institut", "instituts", "verband", "verbandes", "zentrum")
_MINISTRIES = ("ministerium", "ministeriums")
_STATE_WORDS = ("republik", "königreich", "emirate", "staaten")
_LOC_PREPS = frozenset(
    "in im nach aus bei nahe nördlich südlich östlich westlich from to at near".split()
)
_LOC_SUFFIXES = ("stan", "land", "ien", "burg", "dorf", "stadt", "hausen", "heim", "ingen")
_LOC_SUFFIXES2 = ("grad", "pol", "abad", "furt", "bruck", "berg")
_ORG_HEAD_SUFFIXES = ("konzern", "hersteller", "agentur", "partei", "organisation", "verband")
_EN_STOP = frozenset(
    "The A An In On At But And Or If As It He She They We I This That These Those His Her Its "
    "Their Our After Before When While For From With Without By Of To Is Was Were Are Mr Mrs "
    "Ms Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December".split()
)


class Recogniser(Protocol):
    """Finds entity spans in one sentence: ``(start, end, kind)`` with kind PER/LOC/ORG."""

    method: str

    def spans(
        self, text: str, language: str | None, memory: dict[str, str]
    ) -> list[tuple[int, int, str]]: ...


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    start: int
    end: int


def tokens(text: str) -> list[_Tok]:
    """Word, number and punctuation tokens with offsets; hyphenated compounds stay whole."""
    return [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@cache
def _known(word: str) -> bool:
    """simplemma knows ``word`` in German (read from its on-disk index, see wordlist)."""
    return wordlist.known(word, "de")


@cache
def _known_en(word: str) -> bool:
    """An English word in lowercase ("Forty", "Officials") rather than a name."""
    return wordlist.known(word.lower(), "en")


@cache
def _lower_lemma(word: str) -> bool:
    """True when ``word`` lowercased is a German word whose lemma is lowercase (not a noun)."""
    low = word.lower()
    return _known(low) and wordlist.lemma(low, "de")[:1].islower()


@cache
def common_noun(word: str) -> bool:
    """A capitalised German word the dictionary knows as a common word or compound."""
    last = word.rsplit("-", 1)[-1] if "-" in word.strip("-") else word
    if _known(last) or _lower_lemma(last):
        return True
    if any(_known(last[i:].capitalize()) for i in range(2, len(last) - 3)):
        return True
    head, tail = last[:-3], last[-3:].capitalize()
    return len(head) >= 4 and _known(tail) and (_known(head) or _known(head.capitalize()))


def _acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(word) <= 6 and len(letters) >= 1 and all(c.isupper() for c in letters)


def _cap(word: str) -> bool:
    return word[:1].isupper()


def _genitive_stem(key: str, lex: Lexicon) -> str | None:
    for cut in ("s", "es", "n"):
        if key.endswith(cut) and key[: -len(cut)] in lex.names:
            return key[: -len(cut)]
    return None


def gazetteer(words: Sequence[str]) -> tuple[str, str] | None:
    """``(kind, canonical)`` of a name (genitive "-s" allowed), or None."""
    lex = lexicon()
    key = " ".join(words).casefold()
    if key in lex.names:
        return lex.names[key]
    stem = _genitive_stem(key, lex)
    return lex.names[stem] if stem else None


def _title(word: str, lex: Lexicon) -> bool:
    low = word.casefold().rstrip(".")
    last = low.rsplit("-", 1)[-1]
    return low in lex.titles or last in lex.titles or last.endswith(lex.title_suffixes)


def _first_name(word: str, lex: Lexicon) -> bool:
    return word in lex.first_names or word.split("-")[0] in lex.first_names


class RuleRecogniser:
    """The default recogniser: no model, German and English rules.

    ``proper`` optionally marks proper-noun tokens (hanta's "NE" tag) to help the rules.
    """

    method = METHOD

    def __init__(self, *, proper: Callable[[list[str]], list[bool]] | None = None) -> None:
        self.proper = proper

    def spans(
        self, text: str, language: str | None, memory: dict[str, str]
    ) -> list[tuple[int, int, str]]:
        toks = tokens(text)
        flags = self.proper([t.text for t in toks]) if self.proper and toks else None
        state = _State(toks, (language or "de")[:2], lexicon(), memory, flags)
        return state.run()


class _State:
    def __init__(
        self,
        toks: list[_Tok],
        lang: str,
        lex: Lexicon,
        memory: dict[str, str],
        flags: list[bool] | None,
    ) -> None:
        self.toks, self.lang, self.lex, self.memory, self.flags = toks, lang, lex, memory, flags
        self.words = [t.text for t in toks]

    def run(self) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(self.toks):
            found = self._gazetteer_at(i) or self._chain_at(i)
            if found is None:
                i += 1
                continue
            j, kind = found
            out.append((self.toks[i].start, self.toks[j - 1].end, kind))
            self._remember(self.words[i:j], kind)
            i = j
        return out

    def _remember(self, words: list[str], kind: str) -> None:
        self.memory[" ".join(words).casefold()] = kind
        if kind == "PER":
            for w in words:
                if _cap(w):
                    self.memory.setdefault(w.casefold(), kind)

    def _sentence_start(self, i: int) -> bool:
        return i == 0 or self.words[i - 1] in _OPENERS

    def _gazetteer_at(self, i: int) -> tuple[int, str] | None:
        w = self.words[i]
        if not _cap(w) or (self._sentence_start(i) and w in _DETERMINERS):
            return None
        for n in range(min(self.lex.longest, len(self.words) - i), 0, -1):
            words = self.words[i : i + n]
            if not _cap(words[-1]):
                continue
            hit = gazetteer(words)
            if hit and not (n == 1 and self._part_of_person(i)):
                return self._with_suffix(i + n, hit[0])
        return self._hyphen_place(i)

    def _with_suffix(self, j: int, kind: str) -> tuple[int, str]:
        if j < len(self.words) and self.words[j] in _LEGAL_SUFFIXES:
            return j + 1, "ORG"
        return j, kind

    def _hyphen_place(self, i: int) -> tuple[int, str] | None:
        parts = self.words[i].split("-")
        if len(parts) < 2 or not all(_cap(p) for p in parts):
            return None
        if _known(parts[-1]) or _title(parts[-1], self.lex):
            return None
        hit = gazetteer(parts[:1])
        return (i + 1, "LOC") if hit and hit[0] == "LOC" else None

    def _part_of_person(self, i: int) -> bool:
        """A gazetteer word next to a first name is part of a person's name ("Marina Silva",
        "Anton Mattle")."""
        prev = self.words[i - 1] if i > 0 else ""
        nxt = self.words[i + 1] if i + 1 < len(self.words) else ""
        if _first_name(prev, self.lex) and _cap(prev):
            return True
        return _first_name(self.words[i], self.lex) and _cap(nxt) and self._name_like(i + 1)

    def _name_like(self, i: int) -> bool:
        w = self.words[i]
        if not _cap(w) or not w[0].isalpha() or w.endswith("-"):
            return False
        if self.flags and self.flags[i]:
            return True
        if _acronym(w) or w.casefold() in self.memory:
            return True
        if _first_name(w, self.lex):
            return w not in _AMBIGUOUS_FIRST or self._before_name(i)
        if self._sentence_start(i) and _lower_lemma(w):
            return False
        if self.lang == "en":
            return w not in _EN_STOP and not (self._sentence_start(i) and _known_en(w))
        return not common_noun(w) and not _title(w, self.lex)

    def _before_name(self, i: int) -> bool:
        nxt = self.words[i + 1] if i + 1 < len(self.words) else ""
        if not (_cap(nxt) and nxt[0].isalpha()) or _title(nxt, self.lex):
            return False
        return not _lower_lemma(nxt)

    def _adjective_start(self, i: int) -> bool:
        w = self.words[i]
        return (
            self.lang == "de"
            and _cap(w)
            and not self._sentence_start(i)
            and w.endswith(("e", "en", "er", "es", "em"))
            and w not in _QUANTIFIERS
            and _lower_lemma(w)
            and i + 1 < len(self.words)
            and _cap(self.words[i + 1])
        )

    def _starts(self, i: int) -> str | None:
        w = self.words[i]
        if not _cap(w) or _title(w, self.lex) and not _first_name(w, self.lex):
            return None
        if self._adjective_start(i):
            return "org"
        nxt = self.words[i + 1] if i + 1 < len(self.words) else ""
        low = w.casefold()
        institution = low in self.lex.org_first or low.endswith(_INSTITUTIONS)
        institution = institution and low not in self.lex.org_heads and not self._head(w, "loc")
        if institution and (
            _cap(nxt) or nxt in _ORG_PARTICLES and self._particle_joins(i + 1, "org")
        ):
            return "org"
        if w.casefold().endswith(_MINISTRIES):
            return "org"
        prev = self.words[i - 1] if i > 0 else ""
        after_title = bool(prev) and not self._sentence_start(i) and _title(prev, self.lex)
        if after_title and not gazetteer([w]):
            return "per"
        if self._name_like(i):
            return "per" if _first_name(w, self.lex) else "name"
        if self._head(prev, "loc") or self._head(prev, "org"):
            return "name"
        return None

    def _head(self, word: str, kind: str) -> bool:
        """``word`` (or its genitive) is a place head ("Stadt") or organisation head."""
        heads = self.lex.loc_heads if kind == "loc" else self.lex.org_heads
        low = word.casefold()
        return low in heads or low.removesuffix("s") in heads or low.removesuffix("es") in heads

    def _chain_at(self, i: int) -> tuple[int, str] | None:
        mode = self._starts(i)
        if mode is None:
            return None
        j = self._extend(i, mode)
        single_ok = self._name_like(i) or self.words[i].casefold().endswith(_MINISTRIES)
        if mode == "org" and j == i + 1 and not single_ok:
            return None
        return j, self._kind(i, j, mode)

    def _joins(self, j: int, mode: str) -> bool:
        w = self.words[j]
        if not _cap(w) or _title(w, self.lex) and mode != "org":
            return False
        if mode == "org":
            return (w[0].isalpha() or w.isdigit()) and not (_acronym(w) and gazetteer([w]))
        return self._name_like(j) or (mode == "per" and not _lower_lemma(w))

    def _extend(self, i: int, mode: str) -> int:
        j, n = i + 1, len(self.words)
        while j < n and j - i < 7:
            w = self.words[j]
            if mode == "org" and j - i >= 2 and (_acronym(w) or gazetteer([w])):
                break
            if self._joins(j, mode):
                j += 1
            elif w.isdigit() and len(w) <= 2 and mode != "per":
                j += 1
            elif self._particle_joins(j, mode):
                j += 2 if self.words[j + 1] not in _PARTICLES else 3
            elif w.endswith("-") and j + 2 < n and self.words[j + 1] == "und":
                j += 2
            else:
                break
        return min(j, n)

    def _particle_joins(self, j: int, mode: str) -> bool:
        w, words = self.words[j], self.words
        allowed = _ORG_PARTICLES if mode == "org" else _PER_PARTICLES
        if w not in allowed or j + 1 >= len(words):
            return False
        k = j + 2 if words[j + 1] in _PARTICLES and j + 2 < len(words) else j + 1
        if not _cap(words[k]) or _title(words[k], self.lex):
            return False
        return mode == "org" or (mode == "per" and w != "und" and w != "der" or k == j + 2)

    def _kind(self, i: int, j: int, mode: str) -> str:
        words = self.words[i:j]
        hit = gazetteer(words)
        if hit:
            return hit[0]
        remembered = self.memory.get(" ".join(words).casefold())
        return remembered or self._kind_by_form(words, mode) or self._kind_by_context(i, j, words)

    def _kind_by_form(self, words: list[str], mode: str) -> str | None:
        lex, first, last = self.lex, words[0].casefold(), words[-1].casefold()
        if first in lex.org_first or last in lex.org_last or last.endswith(_org_tails(lex)):
            return "ORG"
        if last in lex.loc_last or any(w.casefold().endswith(_STATE_WORDS) for w in words):
            return "LOC"
        if mode == "per" or _first_name(words[0], lex):
            return "PER"
        if mode == "org":
            return "ORG"
        if len(words) == 1 and _acronym(words[0]):
            return "ORG"
        return None

    def _kind_by_context(self, i: int, j: int, words: list[str]) -> str:
        prev = self.words[i - 1].casefold() if i > 0 else ""
        if prev and _title(self.words[i - 1], self.lex):
            return "PER"
        if self._head(prev, "org") or prev.endswith(_ORG_HEAD_SUFFIXES):
            return "ORG"
        if self._head(prev, "loc") or prev in _LOC_PREPS:
            return "LOC"
        nxt = self.words[j].casefold() if j < len(self.words) else ""
        if nxt and self._head(nxt, "loc") and not _cap(self.words[j]):
            return "LOC"
        if nxt and self._head(nxt, "org") and not _cap(self.words[j]):
            return "ORG"
        for w in words:
            if w.casefold() in self.memory:
                return self.memory[w.casefold()]
        last = words[-1].casefold()
        if last.endswith(_LOC_SUFFIXES) or last.endswith(_LOC_SUFFIXES2):
            return "LOC"
        return "PER"


@cache
def _org_tails_cached() -> tuple[str, ...]:
    return tuple(w for w in lexicon().org_last if len(w) >= 5)


def _org_tails(lex: Lexicon) -> tuple[str, ...]:
    return _org_tails_cached()


class SpacyRecogniser:
    """Wraps an installed spaCy pipeline (``spacy.load(...)``); maps its labels to PER/LOC/ORG."""

    method = "compare.entities.spacy.v1"
    _LABELS = {"PER": "PER", "PERSON": "PER", "LOC": "LOC", "GPE": "LOC", "ORG": "ORG"}

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp

    def spans(
        self, text: str, language: str | None, memory: dict[str, str]
    ) -> list[tuple[int, int, str]]:
        doc = self.nlp(text)
        return [
            (e.start_char, e.end_char, self._LABELS[e.label_])
            for e in doc.ents
            if e.label_ in self._LABELS
        ]


def _hanta_proper() -> Callable[[list[str]], list[bool]]:
    try:
        from HanTa import HanoverTagger as ht  # type: ignore[import-not-found]
    except ImportError as err:
        raise MissingDependency("hanta", "ner") from err
    tagger = ht.HanoverTagger("morphmodel_ger.pgz")

    def proper(words: list[str]) -> list[bool]:
        tags = tagger.tag_sent(words, taglevel=0)
        return [(t if isinstance(t, str) else t[-1]) == "NE" for t in tags]

    return proper


def open_recogniser(kind: str = "rules", *, nlp: Any = None) -> Recogniser:
    """The recogniser named ``kind``: "rules" (default, no extra), "hanta" (pip install
    'storyline[ner]'), "spacy" (pass ``nlp``, a loaded spaCy pipeline)."""
    if kind == "rules":
        return RuleRecogniser()
    if kind == "hanta":
        rec = RuleRecogniser(proper=_hanta_proper())
        rec.method = "compare.entities.rules+hanta.v1"
        return rec
    if kind == "spacy":
        if nlp is None:
            raise ValueError("open_recogniser('spacy') needs nlp=spacy.load('<pipeline>')")
        return SpacyRecogniser(nlp)
    raise ValueError(f"unknown recogniser {kind!r}: use 'rules', 'hanta' or 'spacy'")


def find(
    text: str, language: str | None = "de", recogniser: Recogniser | None = None
) -> list[tuple[str, str]]:
    """``(surface, kind)`` of the entities in one text, in order (a convenience for tests)."""
    rec = recogniser or RuleRecogniser()
    memory: dict[str, str] = {}
    return [(text[s:e], k) for s, e, k in rec.spans(text, language, memory)]
