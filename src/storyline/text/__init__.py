"""storyline.text: pure text functions (normalise, segment, language)."""

from storyline.text.lang import detect_language
from storyline.text.normalize import match_form, nfc, normalize_newlines, words
from storyline.text.segment import sentence_spans, split_sentences

__all__ = [
    "detect_language",
    "match_form",
    "nfc",
    "normalize_newlines",
    "sentence_spans",
    "split_sentences",
    "words",
]
