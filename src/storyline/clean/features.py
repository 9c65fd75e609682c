"""Line features for the residue classifier, and its scoring with shipped weights.

Features describe each non-blank line (length, words, punctuation, capitals, digits,
stopwords, link-like tokens, separators), its neighbours (smoothed length) and its place in
the document. Scoring is two logistic-regression stages (the second also sees the first
stage's smoothed scores of the neighbours): two dot products per document, numpy only.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

METHOD = "clean.classifier.v1"
WEIGHTS = "residue_classifier.json"

_STOP = frozenset(
    """der die das und ist in zu den von mit sich des auf für nicht im dem ein eine als auch es an
    er hat aus bei sie nach wird wie einer um am sind noch wir zum zur über vor bis so man
    the of and to a in is that for it on was with as he be by at are this from or an have has
    not but had they his her which were been their will would said its who also
    le la les de des et un une du en est que pour qui dans sur pas par au il elle
    el los las del y que se por con para una es""".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)
_LINK = re.compile(r"https?://|www\.|\.(?:com|de|org|net|ch|at)\b|@\w|#\w", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s[|·•»›>/]\s|\s[|]|[|]\s")
_DATE = re.compile(r"\b\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4}\b|\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b")
_END = frozenset(".!?\"“”»«'’)")


def line_features(line: str) -> list[float]:
    """Features of one line on its own (no context)."""
    text = " ".join(line.split())
    n = len(text) or 1
    tokens = _WORD.findall(text.lower())
    nw = len(tokens) or 1
    letters = sum(c.isalpha() for c in text) or 1
    return [
        math.log1p(len(text)),
        math.log1p(len(tokens)),
        float(text[-1:] in _END),
        float(text[-1:] == ":"),
        sum(not c.isalnum() and not c.isspace() for c in text) / n,
        sum(c.isdigit() for c in text) / n,
        sum(c.isupper() for c in text) / letters,
        float(text[:1].isupper()),
        sum(t in _STOP for t in tokens) / nw,
        text.count(",") / nw,
        sum(w[:1].isupper() for w in text.split()) / nw,
        float(bool(_LINK.search(text))),
        float(bool(_SEPARATOR.search(text))),
        float(bool(_DATE.search(text))),
        float(len(tokens) <= 3),
        float(len(text) >= 120),
    ]


#: Character classes as bits (letter, punctuation or symbol, digit, upper case), as the
#: ``str`` methods in :func:`line_features` say; a table for the first code points.
_BITS = (str.isalpha, lambda c: not c.isalnum() and not c.isspace(), str.isdigit, str.isupper)
_TABLE_SIZE = 0x3000


def _char_bits(c: str) -> int:
    return sum(1 << k for k, test in enumerate(_BITS) if test(c))


@cache
def _char_table() -> np.ndarray:
    table = np.array([_char_bits(chr(i)) for i in range(_TABLE_SIZE)], dtype=np.uint8)
    table[0] = 0  # NUL joins the lines below (texts holding one take line_features)
    return table


def base_matrix(lines: list[str]) -> np.ndarray:
    """``[line_features(line) for line in lines]`` as one matrix, computed per document:
    character classes by table lookup and the pattern features by one scan of the joined
    lines (the same numbers; line_features stays the definition)."""
    return _normalised_matrix([" ".join(line.split()) for line in lines])


def _normalised_matrix(texts: list[str]) -> np.ndarray:
    """:func:`base_matrix` of lines whose whitespace is already normalised."""
    if not texts or any("\x00" in t for t in texts):
        return np.array([line_features(t) for t in texts], dtype=float).reshape(len(texts), 16)
    joined = "\x00".join(texts) + "\x00"  # each line ends in NUL: no segment is empty
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
    bits = _char_table()[np.minimum(codes, _TABLE_SIZE - 1)]
    high = codes >= _TABLE_SIZE
    if high.any():  # each distinct code point past the table classified once
        rare, where = np.unique(codes[high], return_inverse=True)
        bits[high] = np.array([_char_bits(chr(int(c))) for c in rare], dtype=np.uint8)[where]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    counts = [np.add.reduceat(((bits >> k) & 1).astype(np.int64), starts) for k in range(4)]
    letters, punct, digits, upper = counts
    n = np.maximum(lengths, 1)
    found = np.zeros((3, len(texts)))
    for row, pattern in enumerate((_LINK, _SEPARATOR, _DATE)):
        hits = [m.start() for m in pattern.finditer(joined)]
        found[row, np.searchsorted(starts, hits, side="right") - 1] = 1.0
    out = np.empty((len(texts), 16))
    out[:, 4] = punct / n
    out[:, 5] = digits / n
    out[:, 6] = upper / np.maximum(letters, 1)
    out[:, 11:14] = found.T
    out[:, 15] = lengths >= 120
    for i, text in enumerate(texts):
        tokens = _WORD.findall(text.lower())
        nw = len(tokens) or 1
        out[i, 0] = math.log1p(len(text))
        out[i, 1] = math.log1p(len(tokens))
        out[i, 2] = text[-1:] in _END
        out[i, 3] = text[-1:] == ":"
        out[i, 7] = text[:1].isupper()
        out[i, 8] = sum(t in _STOP for t in tokens) / nw
        out[i, 9] = text.count(",") / nw
        out[i, 10] = sum(w[:1].isupper() for w in text.split()) / nw
        out[i, 14] = len(tokens) <= 3
    return out


def _smooth(x: np.ndarray, width: int) -> np.ndarray:
    kernel = np.ones(2 * width + 1)
    pad = np.pad(x, width, mode="constant")
    count = np.convolve(np.pad(np.ones_like(x), width, mode="constant"), kernel, "valid")
    return np.convolve(pad, kernel, "valid") / count


def context_features(base: np.ndarray, repeated: np.ndarray) -> np.ndarray:
    """Add neighbour and position features to the per-line matrix ``base`` (rows = lines)."""
    n = base.shape[0]
    length = base[:, 0]
    mass = np.cumsum(np.exp(length) - 1)
    share = mass / (mass[-1] or 1.0)
    peak = _smooth(length, 3)
    pos = np.arange(n) / max(n - 1, 1)
    centre = np.argmax(_smooth(length, 5)) / max(n - 1, 1)
    cols = [
        _smooth(length, 1),
        _smooth(length, 3),
        _smooth(length, 8),
        _smooth(base[:, 2], 2),
        _smooth(base[:, 8], 2),
        peak / (peak.max() or 1.0),
        length / (length.max() or 1.0),
        pos,
        share,
        np.abs(pos - centre),
        repeated,
        np.full(n, math.log1p(n)),
    ]
    return np.hstack([base, np.stack(cols, axis=1)])


def document_matrix(lines: list[str]) -> np.ndarray:
    """The stage-1 feature matrix of the non-blank ``lines`` of one document."""
    seen: dict[str, int] = {}
    texts = [" ".join(line.split()) for line in lines]
    keys = [text.lower() for text in texts]
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
    repeated = np.array([float(seen[k] > 1) for k in keys])
    return context_features(_normalised_matrix(texts), repeated)


def stage_two(matrix: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Stage-2 features: stage-1 inputs plus the smoothed stage-1 probabilities around a line."""
    cols = [first, _smooth(first, 1), _smooth(first, 3), _smooth(first, 8)]
    return np.hstack([matrix, np.stack(cols, axis=1)])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def apply_stage(weights: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Probability of *content* per row of ``x`` under one stored logistic-regression stage."""
    mean, scale = np.asarray(weights["mean"]), np.asarray(weights["scale"])
    z = ((x - mean) / scale) @ np.asarray(weights["coef"]) + weights["intercept"]
    return _sigmoid(z)


@cache
def load_model(name: str = WEIGHTS) -> dict[str, Any]:
    """The shipped classifier (two stages and a threshold) from ``storyline/data``."""
    text = resources.files("storyline.data").joinpath(name).read_text(encoding="utf-8")
    model: dict[str, Any] = json.loads(text)
    return model


def content_scores(lines: list[str], model: dict[str, Any] | None = None) -> np.ndarray:
    """Probability that each non-blank line of a document is body content (0..1)."""
    if not lines:
        return np.zeros(0)
    model = model or load_model()
    x = document_matrix(lines)
    first = apply_stage(model["stage1"], x)
    return apply_stage(model["stage2"], stage_two(x, first))
