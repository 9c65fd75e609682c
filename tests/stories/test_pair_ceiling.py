"""bench/pair_ceiling.py: the candidate evidence it measures, and a small run on real pairs
(skipped without ../shared/data)."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT.parent / "shared" / "data" / "semeval2022-dev" / "pairs.csv"


@pytest.fixture(scope="module")
def pc():
    spec = importlib.util.spec_from_file_location(
        "pair_ceiling", ROOT / "bench" / "pair_ceiling.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_fold_removes_marks_across_languages(pc):
    assert pc.fold("Łódź") == pc.fold("Lodz") == "lodz"
    assert pc.fold("Erdoğan") == "erdogan"
    assert pc.fold("Straße") == "strasse"
    assert pc.fold("Putin") != pc.fold("Путин")  # folding is not transliteration


def test_fuzzy_share_meets_two_spellings_of_a_name(pc):
    assert pc.fuzzy_share(frozenset({"zelenskyy"}), frozenset({"zelensky"})) == (1.0, 1.0)
    assert pc.fuzzy_share(frozenset({"zelenskyy", "kiew"}), frozenset({"zelensky"})) == (0.5, 1.0)
    assert pc.fuzzy_share(frozenset({"merkel"}), frozenset({"macron"})) == (0.0, 0.0)
    assert pc.fuzzy_share(frozenset(), frozenset({"macron"})) == (0.0, 0.0)


def test_weighted_overlap_lets_rare_terms_count_more(pc):
    docs = [frozenset({"common", f"rare{i}"}) for i in range(20)] + [frozenset({"rare0"})]
    idf = pc.idf_of(docs)
    assert idf("rare0") > idf("common")
    same = frozenset({"common", "rare0"})
    assert pc.weighted(same, same, idf) == pytest.approx((1.0, 1.0))
    rare = pc.weighted(frozenset({"rare0", "x"}), frozenset({"rare0", "y"}), idf)
    common = pc.weighted(frozenset({"common", "x"}), frozenset({"common", "y"}), idf)
    assert rare[0] > common[0] and rare[1] > common[1]
    assert pc.weighted(frozenset(), same, idf) == (0.0, 0.0)


def test_ceiling_reads_recall_at_the_unrelated_quantile(pc):
    y = np.array([1.0] * 10 + [4.0] * 100)
    cross = np.array([True, False] * 55)
    perfect = pc.ceiling(y.copy(), y, cross)
    assert all(perfect[f"recall@{s}"] == 1.0 for s in pc.SHARES)
    inverted = pc.ceiling(5.0 - y, y, cross)
    assert all(inverted[f"recall@{s}"] == 0.0 for s in pc.SHARES)


@pytest.mark.skipif(not PAIRS.exists(), reason="needs ../shared/data")
def test_small_run_on_real_pairs():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pair_ceiling.py"), "--limit", "150", "--no-e5"],
        capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert report["pairs"] == 150
    rows = report["ceiling"]
    assert {
        "use: shipped features",
        "use: + all of the above",
        "use: 50% of the training pairs",
    } <= set(rows)
    for row in rows.values():
        assert all(0.0 <= v <= 1.0 or k == "pearson" for k, v in row.items())
        assert not any(math.isnan(v) for v in row.values())
    assert rows["use: shipped features"]["pearson"] > 0.5
