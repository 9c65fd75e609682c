"""Word matching shared by every backend, so a search finds the same stories everywhere.

Text and query go through the same :func:`words`: Unicode NFKD, combining marks dropped,
case folded, then runs of letters and digits. A query is a list of terms; a story matches
when one of its articles contains every term as a word (a term written ``put*`` matches
words starting with ``put``). Nothing in a query is syntax beyond that trailing ``*``, so
no user input can make a search fail.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+(\*?)")


@dataclass(frozen=True, slots=True)
class Term:
    """One query word; ``prefix`` when it was written with a trailing ``*``."""

    word: str
    prefix: bool = False


def fold(text: str) -> str:
    """Text without diacritics, case folded (the form both sides are compared in)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return decomposed if decomposed.isascii() else _marks().sub("", decomposed)


@functools.cache
def _marks() -> re.Pattern[str]:
    """Every combining mark (``unicodedata.combining`` > 0), as one character class."""
    marks = [cp for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))]
    spans: list[list[int]] = []
    for cp in marks:
        if spans and spans[-1][1] == cp - 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    return re.compile(
        "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans) + "]+"
    )


def words(text: str) -> list[str]:
    """The words of a text, folded, in order."""
    return [m.group(0).rstrip("*") for m in _WORD.finditer(fold(text))]


def parse_query(query: str) -> list[Term]:
    """The terms of a user query; punctuation and quotes are separators, never syntax."""
    return [Term(m.group(0).rstrip("*"), bool(m.group(1))) for m in _WORD.finditer(fold(query))]


def fts_query(terms: Iterable[Term]) -> str:
    """An FTS5 MATCH expression for terms: each a quoted string, all required."""
    return " ".join(f'"{t.word}"' + ("*" if t.prefix else "") for t in terms)


def matches(terms: Iterable[Term], vocabulary: frozenset[str]) -> bool:
    """Whether a document with these words contains every term."""
    return all(_has(t, vocabulary) for t in terms)


def _has(term: Term, vocabulary: frozenset[str]) -> bool:
    if not term.prefix:
        return term.word in vocabulary
    return any(w.startswith(term.word) for w in vocabulary)
