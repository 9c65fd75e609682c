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
    keys = [" ".join(line.split()).lower() for line in lines]
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
    repeated = np.array([float(seen[k] > 1) for k in keys])
    base = np.array([line_features(line) for line in lines], dtype=float)
    return context_features(base, repeated)


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
