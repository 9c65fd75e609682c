"""Quality floors on the SemEval-2022 Task 8 dev pairs (skipped when the data is absent).

Scores every dev pair with the shipped USE model (as `storyline similarity` would). The
figures are in-sample for the shipped model (it was trained on these pairs); the honest,
cross-validated figures are in docs/stories.md. Floors sit just under the measured values.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.stories.similarity import score_pairs

PAIRS = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "semeval2022-dev" / "pairs.csv"
)
FLOORS = {"pearson": 0.79, "de-de": 0.74, "auc": 0.94}


@pytest.mark.slow
def test_dev_set_floors(tmp_path):
    if not PAIRS.exists():
        pytest.skip(f"{PAIRS} is absent")
    metrics = score_pairs(PAIRS, tmp_path / "scores.csv")
    by_language = {lp: r for lp, _, r in metrics.by_language}
    assert metrics.pairs == 1283
    assert metrics.pearson >= FLOORS["pearson"]
    assert by_language["de-de"] >= FLOORS["de-de"]
    assert metrics.same_story_auc >= FLOORS["auc"]
