"""Fit the sentence judge (compare.judge.v1) on ../shared/data and ship it as JSON.

    .venv/bin/python bench/train_judge.py [--write]

Two logistic regressions (scikit-learn at training time, numpy-free evaluation at run time)
over the features of :mod:`storyline.compare.features`:

* ``same``: MSRP train (en) + PAWS-X dev (de), label "paraphrase";
* ``conflict``: RTE-3 dev de + en, label "contradiction".

Thresholds: ``same_threshold`` maximises the accuracy of the paraphrase sets and
``conflict_threshold`` the contradiction F1, each on the training folds only. ``near_ratio``
(0.7, difflib ratio of the word sequences), ``extends_containment`` (0.9: the shorter
sentence's information found in the longer) with ``extends_rest`` (0.6: at most this share
of the longer one's information in the shorter) and
``slot_overlap`` (0.5) and ``crosslingual_cosine`` (0.6: a pair in two languages is a
paraphrase from this USE cosine on) are definitions carried over from compare.align.v1, not
fitted: no annotated set here separates them. Figures are 5-fold cross-validation (bench/judge_data.py);
``--write`` fits on everything and writes src/storyline/data/judge.v1.json.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.linear_model import LogisticRegression

from judge_data import ROOT, Dataset, featurise, folds, load, scores
from storyline.compare.features import NAMES
from storyline.compare.judgement import CONFLICT, SAME, JudgeModel, decide

OUT = ROOT / "src" / "storyline" / "data" / "judge.v1.json"
RULES = {
    "near_ratio": 0.7,
    "extends_containment": 0.9,
    "extends_rest": 0.6,
    "slot_overlap": 0.5,
    "crosslingual_cosine": 0.6,
}
C = 1.0


def joined(name: str, parts: list[Dataset]) -> Dataset:
    return Dataset(
        name,
        "",
        [p for d in parts for p in d.pairs],
        np.concatenate([d.labels for d in parts]),
        np.asarray([f"{d.name[:4]}:{g}" for d in parts for g in d.groups]),
        [p for d in parts for p in (d.prepared or [])],
    )


def fit(x: np.ndarray, y: np.ndarray) -> dict[str, object]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=C, max_iter=2000).fit((x - mean) / scale, y)
    return {
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": lr.coef_[0].tolist(),
        "intercept": float(lr.intercept_[0]),
    }


def probability(m: dict, x: np.ndarray) -> np.ndarray:
    z = ((x - np.asarray(m["mean"])) / np.asarray(m["scale"])) @ np.asarray(m["coef"])
    return 1.0 / (1.0 + np.exp(-(z + m["intercept"])))


def best_threshold(p: np.ndarray, y: np.ndarray, metric: str) -> float:
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)

    def value(t: float) -> float:
        return scores(y, (p >= t).astype(int))[metric]

    return float(max(grid, key=value))


def model_dict(para: Dataset, contra: Dataset, ip=None, ic=None) -> dict:  # noqa: ANN001
    """Weights and thresholds fitted on the rows ``ip`` of para and ``ic`` of contra."""
    ip = np.arange(len(para.labels)) if ip is None else ip
    ic = np.arange(len(contra.labels)) if ic is None else ic
    xp, xc = para.x[ip], contra.x[ic]
    same, conflict = fit(xp, para.labels[ip]), fit(xc, contra.labels[ic])
    rules = {
        "same_threshold": best_threshold(probability(same, xp), para.labels[ip], "accuracy"),
        "conflict_threshold": best_threshold(probability(conflict, xc), contra.labels[ic], "f1"),
        **RULES,
    }
    return {
        "method": "compare.judge.v1",
        "features": list(NAMES),
        "same": same,
        "conflict": conflict,
        "rules": rules,
    }


def kinds(model: dict, d: Dataset, rows: np.ndarray) -> list[str]:
    m = JudgeModel.from_dict(model)
    assert d.prepared is not None
    return [decide(d.prepared[i], m).kind for i in rows]


def cross_validate(sets: list[Dataset]) -> dict[str, dict[str, float]]:
    """Out-of-fold kinds per set; paraphrase = a SAME kind, contradiction = conflict."""
    by = {d.name: d for d in sets}
    para = joined("para", [by["msrp"], by["pawsx_de"]])
    contra = joined("contra", [by["rte3_de"], by["rte3_en"]])
    fp, fc = folds(para), folds(contra)
    got_p, got_c = np.zeros(len(para.labels), int), np.zeros(len(contra.labels), int)
    for k in range(5):
        model = model_dict(para, contra, np.nonzero(fp != k)[0], np.nonzero(fc != k)[0])
        held_p, held_c = np.nonzero(fp == k)[0], np.nonzero(fc == k)[0]
        got_p[held_p] = [kind in SAME for kind in kinds(model, para, held_p)]
        got_c[held_c] = [kind == CONFLICT for kind in kinds(model, contra, held_c)]
    n_msrp = len(by["msrp"].labels)
    n_de = len(by["rte3_de"].labels)
    return {
        "msrp": scores(para.labels[:n_msrp], got_p[:n_msrp]),
        "pawsx_de": scores(para.labels[n_msrp:], got_p[n_msrp:]),
        "rte3_de": scores(contra.labels[:n_de], got_c[:n_de]),
        "rte3_en": scores(contra.labels[n_de:], got_c[n_de:]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {OUT.name}")
    args = parser.parse_args()
    sets = load()
    featurise(sets)
    figures = cross_validate(sets)
    print(json.dumps(figures, indent=1))
    if args.write:
        by = {d.name: d for d in sets}
        model = model_dict(
            joined("para", [by["msrp"], by["pawsx_de"]]),
            joined("contra", [by["rte3_de"], by["rte3_en"]]),
        )
        model["cross_validation"] = figures
        OUT.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
