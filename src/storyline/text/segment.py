"""Sentence segmentation with character offsets.

Every line break is a hard boundary (cleaned text holds one paragraph or block per line);
within a line, sentences are found by yasbd's rules for the language (German and English
quotes, abbreviations, ordinals, dates, numbers, ellipses, URLs).
"""

from __future__ import annotations

from functools import cache
from typing import Any

#: Rules used when the language is unknown or yasbd has no rules for it.
FALLBACK_LANGUAGE = "en"
METHOD = "text.segment.v1"


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


def _line_spans(line: str, offset: int, detector: Any) -> list[tuple[int, int]]:
    spans, start = [], 0
    for end in list(detector.detect(line)) + [len(line)]:
        span = _strip_span(line, start, min(end, len(line)))
        if span:
            spans.append((span[0] + offset, span[1] + offset))
        start = max(start, end)
    return spans


def sentence_spans(text: str, language: str | None = "de") -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``, in order.

    ``text[start:end]`` is a sentence without surrounding whitespace. A line without final
    punctuation (a subheading) is one sentence. Unknown languages use English rules.
    """
    if not isinstance(text, str):
        raise TypeError(f"sentence_spans needs a str, got {type(text).__name__}")
    detector = _detector(_language(language))
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            spans.extend(_line_spans(line, offset, detector))
        offset += len(line) + 1
    return spans


def split_sentences(text: str, language: str | None = "de") -> list[str]:
    """The sentences of ``text`` as strings (see :func:`sentence_spans`)."""
    return [text[s:e] for s, e in sentence_spans(text, language)]
