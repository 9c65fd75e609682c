"""Agreement with human similarity judgements: Pearson and same-story AUC."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Pairs rated at most this are "same story"; at least ``DIFFERENT`` are "different".
SAME = 1.5
DIFFERENT = 2.5


def pearson(pred: Sequence[float] | np.ndarray, truth: Sequence[float] | np.ndarray) -> float:
    """Pearson correlation; ``nan`` when either side is constant or has fewer than 2 values."""
    p, t = np.asarray(pred, dtype=np.float64), np.asarray(truth, dtype=np.float64)
    if len(p) < 2 or p.std() == 0 or t.std() == 0:
        return float("nan")
    return float(np.corrcoef(p, t)[0, 1])


def auc_same_story(
    pred: Sequence[float] | np.ndarray, truth: Sequence[float] | np.ndarray
) -> float:
    """Probability that a same-story pair (truth <= 1.5) scores lower than a different-story
    pair (truth >= 2.5); ties count half. ``nan`` when either class is empty."""
    p, t = np.asarray(pred, dtype=np.float64), np.asarray(truth, dtype=np.float64)
    pos, neg = p[t <= SAME], p[t >= DIFFERENT]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    values = np.concatenate([pos, neg])[order]
    ranks[order] = _tied_ranks(values)
    # pos should rank low: AUC = P(pos < neg)
    u = ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2
    return float(1 - u / (len(pos) * len(neg)))


def _tied_ranks(sorted_values: np.ndarray) -> np.ndarray:
    ranks = np.arange(1, len(sorted_values) + 1, dtype=np.float64)
    _, start, counts = np.unique(sorted_values, return_index=True, return_counts=True)
    for s, c in zip(start, counts, strict=True):
        ranks[s : s + c] = s + (c + 1) / 2
    return ranks
