"""Sentence segmentation with character offsets.

Every line break is a hard boundary (cleaned text holds one paragraph or block per line);
within a line, sentences are found by yasbd's rules for the language (German and English
quotes, abbreviations, ordinals, dates, numbers, ellipses, URLs). A cut that yasbd makes
after an abbreviation listed in ``data/segment_abbreviations.json`` is joined again ("U.S. /
Food and Drug Administration", "Sens. / John Kerry", "8 a.m. / Friday"), and so is a cut that
leaves only punctuation (a lone closing quote) on its own.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

#: Rules used when the language is unknown or yasbd has no rules for it.
FALLBACK_LANGUAGE = "en"
METHOD = "text.segment.v2"
#: Runs of word characters (or of one punctuation mark) at least this long are masked before
#: yasbd reads a line: its list rule looks behind over a whole word, so one 100,000-character
#: "word" took seconds (quadratic); no sentence ends inside such a run anyway.
LONG_WORD = 100
#: Longest piece of one line yasbd reads at once (linear time on any line).
PIECE = 5_000
_LONG_WORD = re.compile(rf"\w{{{LONG_WORD},}}|([^\w\s])\1{{{LONG_WORD - 1},}}")
_SPACE = re.compile(r"\s+")


@cache
def _supported() -> frozenset[str]:
    import yasbd

    return frozenset(yasbd.get_supported_langs()) - {"auto"}


@cache
def _detector(language: str) -> Any:
    import yasbd

    return yasbd.BoundaryDetector(language)


def _language(language: str | None) -> str:
    code = (language or "").lower().split("-")[0].split("_")[0]
    return code if code in _supported() else FALLBACK_LANGUAGE


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


@cache
def _abbreviations(language: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(never-final, rarely-final, sentence openers) for ``language``, lower case."""
    text = resources.files("storyline.data").joinpath("segment_abbreviations.json")
    data = json.loads(text.read_text(encoding="utf-8"))
    pick = [frozenset(data[key].get(language, ())) for key in ("never", "rarely", "openers")]
    return pick[0], pick[1], pick[2]


def sentence_openers(language: str | None) -> frozenset[str]:
    """Common first words of a sentence in ``language`` (lower case; English rules when the
    language has no list): a capitalised word among them is no name."""
    return _abbreviations(_language(language))[2]


def _joined(left: str, right: str, language: str) -> bool:
    """Whether a cut between ``left`` and ``right`` (stripped sentences) is a false one."""
    if not any(c.isalnum() for c in right):
        return True
    last = left.rsplit(None, 1)[-1].lower().lstrip("(\"'«„“")
    never, rarely, openers = _abbreviations(language)
    if last in never:
        return True
    first = right.split(None, 1)[0].strip("\"'«»„“”(").lower()
    return last in rarely and first not in openers


def _piece_end(line: str, start: int) -> int:
    """Where the piece of ``line`` that begins at ``start`` ends: after the last space in
    the piece's second half where there is one (see ``PIECE``)."""
    half = start + PIECE // 2
    spaces = [m.end() for m in _SPACE.finditer(line, half, start + PIECE)]
    return spaces[-1] if spaces else start + PIECE


def _boundaries(line: str, detector: Any) -> list[int]:
    """yasbd's sentence ends in ``line``, read in pieces with long words masked. A piece's
    last, maybe unfinished sentence is read again at the head of the next piece, so every
    end is decided with the words that follow it."""
    masked = _LONG_WORD.sub(lambda m: "~" * len(m.group()), line)  # same length, same offsets
    ends: list[int] = []
    start = 0
    while len(masked) - start > PIECE:
        piece = masked[start : _piece_end(masked, start)]
        inner = [e for e in detector.detect(piece) if 0 < e < len(piece.rstrip())]
        ends.extend(start + e for e in inner)
        start += inner[-1] if inner else len(piece)
    ends.extend(start + e for e in detector.detect(masked[start:]))
    return ends


def _line_spans(line: str, offset: int, detector: Any, language: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for end in _boundaries(line, detector) + [len(line)]:
        span = _strip_span(line, start, min(end, len(line)))
        start = max(start, end)
        if span is None:
            continue
        if spans and _joined(line[spans[-1][0] : spans[-1][1]], line[span[0] : span[1]], language):
            spans[-1] = (spans[-1][0], span[1])
        else:
            spans.append(span)
    return [(s + offset, e + offset) for s, e in spans]


def sentence_spans(text: str, language: str | None = "de") -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``, in order.

    ``text[start:end]`` is a sentence without surrounding whitespace. A line without final
    punctuation (a subheading) is one sentence. Unknown languages use English rules.
    """
    if not isinstance(text, str):
        raise TypeError(f"sentence_spans needs a str, got {type(text).__name__}")
    code = _language(language)
    detector = _detector(code)
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            spans.extend(_line_spans(line, offset, detector, code))
        offset += len(line) + 1
    return spans


def split_sentences(text: str, language: str | None = "de") -> list[str]:
    """The sentences of ``text`` as strings (see :func:`sentence_spans`)."""
    return [text[s:e] for s, e in sentence_spans(text, language)]
