"""bench/stream_quality.py: the real-stream measure, and a pinned floor on a subset of the
SemEval-2022 dev pairs ingested through the real path (skipped without ../shared/data)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Floors on the first SUBSET pairs, undated and dated (measured 0.933 recall, 0 false joins
#: on 15 / 31 pairs, both, 2026-12-05 and -06; the dated false joins at the issue's 0.02;
#: raise them as the join improves, never lower silently).
SUBSET = 80
FLOORS = {None: {"recall": 0.8, "false_joins": 0.05}, "pairs": {"recall": 0.8, "false_joins": 0.02}}


@pytest.fixture(scope="module")
def sq():
    spec = importlib.util.spec_from_file_location(
        "stream_quality", ROOT / "bench" / "stream_quality.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["stream_quality"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _row(pair: str, overall: float, la: str = "de", lb: str = "de") -> dict[str, str]:
    a, b = pair.split("_")
    return {"pair_id": pair, "lang1": la, "lang2": lb, "text1": a, "text2": b,
            "Overall": str(overall)}  # fmt: skip


def test_measure_counts_bands_per_scope(sq):
    rows = [_row("1_2", 1.0), _row("3_4", 1.5, "de", "en"), _row("5_6", 4.0), _row("7_8", 2.5)]
    key = {r["pair_id"]: [f"semeval:{k}" for k, _, _ in sq.halves(r)] for r in rows}
    group = {u: u for us in key.values() for u in us}
    group[key["1_2"][1]] = group[key["1_2"][0]]  # the de-de same-story pair joined
    group[key["7_8"][1]] = group[key["7_8"][0]]  # the middle pair joined
    out = sq.measure(rows, group)
    assert out["overall"]["recall"] == {"pairs": 2, "share": 0.5}
    assert out["overall"]["false_joins"] == {"pairs": 1, "share": 0.0}
    assert out["overall"]["middle_joined"] == {"pairs": 1, "share": 1.0}
    assert out["cross_lingual"]["recall"]["share"] == 0.0
    assert out["de-de"]["recall"]["share"] == 1.0


def test_dates_keep_pairs_within_two_days_and_spread_unrelated_ones(sq):
    rows = [_row("1_2", 1.0), _row("2_3", 4.0), _row("4_5", 1.0), _row("5_6", 2.5)]
    rows += [_row(f"{n}_{n + 1}", 4.0) for n in range(10, 60, 2)]
    keys = {r["pair_id"]: [k for k, _, _ in sq.halves(r)] for r in rows}

    def gap(when, pair):
        a, b = keys[pair]
        return abs((when[a] - when[b]).total_seconds()) / 3600

    when = sq.dates(rows)
    assert gap(when, "1_2") <= 48 and gap(when, "4_5") <= 48 and gap(when, "5_6") <= 48
    unrelated = [gap(when, r["pair_id"]) for r in rows if r["Overall"] == "4.0"]
    assert sum(g > 96 for g in unrelated) >= 0.8 * len(unrelated)  # spread over weeks
    assert max(unrelated) > 24 * 7 * 4
    strict = sq.dates(rows, apart=False)  # --dated groups: every rated pair within 2 days
    assert all(gap(strict, r["pair_id"]) <= 48 for r in rows)
    dense = sq.dates(rows, days=sq.DENSE_DAYS)  # --dated dense: the slots over 2 weeks
    assert gap(dense, "1_2") <= 48 and gap(dense, "5_6") <= 48
    assert max(gap(dense, r["pair_id"]) for r in rows) <= 24 * (sq.DENSE_DAYS + 2)


@pytest.mark.parametrize("dated", [None, "pairs"])
def test_dev_subset_stream_meets_its_floor(sq, shared_data, dated):
    rows = sq.read_pairs(shared_data / "semeval2022-dev" / "pairs.csv", SUBSET)
    result = sq.run(rows, dated=dated, db=None)
    overall = result["story"]["overall"]
    assert overall["recall"]["share"] >= FLOORS[dated]["recall"]
    assert overall["false_joins"]["share"] <= FLOORS[dated]["false_joins"]
    assert result["seed_pair"] == {"same_story": True, "same_event": True}
    print(result["story"]["overall"], result["event"]["overall"])
