"""The sentence judge on annotated pairs, against what a user would otherwise pick.

    .venv/bin/python bench/sentence_judge.py [--speed-pairs N]

Prints one JSON object:

* ``quality``: 5-fold cross-validation (bench/judge_data.py folds; weights and thresholds
  refitted on the training folds each time, as bench/train_judge.py does) of the judge's
  kinds: paraphrase = verbatim / near_verbatim / paraphrase on MSRP train (en) and PAWS-X dev
  (de); contradiction = conflict on RTE-3 dev (de, en). Alternatives in the same folds:
  ``all_positive`` (every pair a paraphrase / contradiction) and ``cosine`` (USE cosine with
  one threshold fitted on the training folds: accuracy for paraphrase, F1 for contradiction).
* ``speed``: pairs/s of :func:`storyline.compare.judge_many` on the first N MSRP pairs, cold
  caches, one process: ``end_to_end`` (encoding every sentence with USE included) and
  ``judge_only`` (cosines given, as :func:`storyline.compare.compare` calls it), also per
  CPU second of the one process (``judge_only_per_cpu_second``: robust on a shared machine).
* ``load``: /proc/loadavg when the speed was measured (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from judge_data import Dataset, featurise, folds, load, scores
from storyline.compare.judgement import cosines, judge_many
from train_judge import cross_validate, joined


def _load_average() -> str:
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else "unknown"


def _clear_caches() -> None:
    from storyline.compare import claims, cues, wordinfo

    for f in (cues.profile, cues._entity_words, cues._statement, wordinfo.information,
              claims._grams):  # fmt: skip
        f.cache_clear()


def speed(pairs: list[tuple[str, str]], language: str) -> dict[str, float | str]:
    """Pairs per second, end to end and with the cosines given."""
    langs = [language] * len(pairs)
    t = time.perf_counter()
    cos = cosines(pairs)
    encode = time.perf_counter() - t
    _clear_caches()
    t, cpu = time.perf_counter(), time.process_time()
    judge_many(pairs, langs, cosine=[float(c) for c in cos])
    judged, cpu = time.perf_counter() - t, time.process_time() - cpu
    return {
        "pairs": len(pairs),
        "end_to_end": round(len(pairs) / (encode + judged), 1),
        "judge_only": round(len(pairs) / judged, 1),
        "judge_only_per_cpu_second": round(len(pairs) / cpu, 1),
        "load": _load_average(),
    }


def _baselines(d: Dataset, metric: str) -> dict[str, dict[str, float]]:
    assert d.prepared is not None
    cos = np.asarray([p.cosine for p in d.prepared])
    fold = folds(d)
    got = np.zeros(len(d.labels), dtype=int)
    grid = np.round(np.arange(0.0, 1.0, 0.01), 2)
    for k in range(5):
        tr, te = fold != k, fold == k

        def value(t: float, tr: np.ndarray = tr) -> float:
            return scores(d.labels[tr], (cos[tr] >= t).astype(int))[metric]

        best = max(grid, key=value)
        got[te] = cos[te] >= best
    return {
        "all_positive": scores(d.labels, np.ones(len(d.labels), dtype=int)),
        "cosine": scores(d.labels, got),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speed-pairs", type=int, default=2000)
    args = parser.parse_args()
    sets = load()
    by = {d.name: d for d in sets}
    fast = speed(by["msrp"].pairs[: args.speed_pairs], "en")
    featurise(sets)
    judged = cross_validate(sets)
    contra = joined("contra", [by["rte3_de"], by["rte3_en"]])
    quality = {
        name: {
            "judge": judged[name],
            **_baselines(by[name], "f1" if name.startswith("rte") else "accuracy"),
        }
        for name in ("msrp", "pawsx_de", "rte3_de", "rte3_en")
    }
    out = {
        "quality": quality,
        "speed": fast,
        "pairs": {d.name: len(d.labels) for d in sets} | {"rte3": len(contra.labels)},
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
