"""Quality floors on a small synthetic corpus with ground truth (storyline.reuse.synthetic)."""

from __future__ import annotations

import pytest

from storyline.reuse.benchmark import _articles, evaluate
from storyline.reuse.index import ReuseIndex
from storyline.reuse.synthetic import generate

FLOORS = {"exact": 1.0, "light": 0.95, "truncation": 0.95, "heavy": 0.8}


@pytest.fixture(scope="module")
def result() -> dict:
    corpus = generate(1500, seed=3)
    index = ReuseIndex()
    index.add(_articles(corpus, 1500))
    out = evaluate(corpus, index, 1500)
    lead = [(o, c) for o, c, k in corpus.pairs if k == "lead"]
    pairs = {(int(r[0]), int(r[3])) for r in index.passages_.tolist()}
    out["lead_passages"] = sum(p in pairs for p in lead) / len(lead)
    return out


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_near_duplicate_recall_floor(result: dict, kind: str) -> None:
    assert result["recall"][kind] >= FLOORS[kind]


def test_no_false_groups_for_shared_leads_and_rewrites(result: dict) -> None:
    assert result["false_group_rate"] == {"lead": 0.0, "rewrite": 0.0}
    assert result["link_precision"] >= 0.99


def test_shared_leads_are_found_as_passages(result: dict) -> None:
    assert result["lead_passages"] >= 0.95


def test_run_bench_reports_the_documented_keys() -> None:
    from storyline.reuse.benchmark import format_table, run_bench
    from storyline.reuse.tokens import native

    r = run_bench(400, passage_docs=300, sample=50, workers=1)
    for key in ("docs", "signature_docs_per_s", "datasketch_docs_per_s", "ratio", "end_to_end_s"):
        assert r[key] is not None and r[key] > 0
    assert r["peak_rss_mb"] > 0 and r["docs"] == 400 and r["passage_docs"] == 300
    assert set(r["recall"]) <= {"exact", "light", "heavy", "truncation"} and r["recall"]
    assert "datasketch" in format_table(r) and "fallback" in format_table(r)
    assert r["fallback_docs_per_cpu_s"] > 0 and r["fallback_sample"] == 400
    assert r["signature_kernel"] == ("compiled" if native() is not None else "numpy+rensa")
