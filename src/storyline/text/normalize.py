"""Normalisation: Unicode forms, line breaks and the comparison ("match") form of a text."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = "«»„“”‟‚‘’‛‹›\"'`´″′〝〞＂"
_DASHES = "–—‒‐‑−―⁃"
_SPACES = "\u00a0\u2007\u2009\u200a\u202f\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_MATCH_TABLE = str.maketrans(
    {
        **{c: '"' for c in _QUOTES},
        **{c: "-" for c in _DASHES},
        **{c: " " for c in _SPACES},
        **{c: None for c in _INVISIBLE},
    }
)
_NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\u0085")
_WORD = re.compile(r"[^\W_]+(?:[-'\"][^\W_]+|(?<=\d)[.,:]\d+)*")


def nfc(s: str) -> str:
    """Return ``s`` in Unicode normal form C."""
    return unicodedata.normalize("NFC", s)


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(s: str) -> str:
    """Remove C0/C1 control characters (terminal escapes, NUL, BEL, ...) but tab, line feed
    and carriage return: they are never text, and shown as they are they can drive a
    terminal."""
    return _CONTROLS.sub("", s)


def normalize_newlines(s: str) -> str:
    """Turn ``\\r\\n``, ``\\r``, NEL, U+2028 and U+2029 into ``\\n``."""
    return _NEWLINES.sub("\n", s)


def _match_once(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    s = unicodedata.normalize("NFKC", s).translate(_MATCH_TABLE)
    return " ".join(s.split())


def match_form(s: str) -> str:
    """Return the form two texts are compared in.

    NFKC, casefolded (so ``ß`` matches Swiss ``ss``), every quote mark as ``"``, every dash
    as ``-``, invisible characters dropped, whitespace collapsed and stripped. Idempotent.
    """
    out = _match_once(s)
    for _ in range(3):
        again = _match_once(out)
        if again == out:
            break
        out = again
    return out


def words(s: str) -> list[str]:
    """Word tokens of the match form of ``s``: letters and digits, inner ``-`` and ``'`` kept,
    numbers such as ``1.500``, ``1,5`` or ``13:30`` kept whole.

    An inner quote mark (an apostrophe, as in "don't") is returned as ``'``.
    """
    return [w.replace('"', "'") for w in _WORD.findall(match_form(s))]


def cased_words(s: str) -> list[str]:
    """The tokens of :func:`words` with their case kept (NFKC, quotes and dashes unified)."""
    s = " ".join(unicodedata.normalize("NFKC", s).translate(_MATCH_TABLE).split())
    return [w.replace('"', "'") for w in _WORD.findall(s)]
