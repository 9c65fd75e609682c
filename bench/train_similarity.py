"""Train the pair-similarity model on the SemEval-2022 Task 8 dev pairs and ship it as JSON.

    .venv/bin/python bench/train_similarity.py [--pairs PATH] [--no-e5] [--write]

Features come from :mod:`storyline.stories.features` (same code as at run time). Targets are
the human "Overall" ratings (1 = same story .. 4 = unrelated). Evaluation is 5-fold
cross-validation grouped by connected article ids, so a pair, its translated copies
(``augmented=1``) and any other pair sharing an article never sit on both sides of a split.
The final model is the mean (``BLEND``) of a small monotone gradient-boosted tree ensemble
and a ridge model (scikit-learn at training time). Both are also fitted on ``ANCHORS`` copies
of the self-pair row (every feature 1, target 1), so the linear part cannot extrapolate a text
compared with itself away from "same story"; anchors join the training folds only. Exported
to ``src/storyline/data/similarity.<variant>.v2.json`` and evaluated with numpy at run time
(:mod:`storyline.stories.similarity`). USE and e5 vectors are cached under bench/out/
(``use_cache.npz``, ``e5_cache.npz``, keyed by the SHA-1 of the text).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyline.stories import features as F  # noqa: E402
from storyline.stories.encoders import encode_e5, encode_use  # noqa: E402
from storyline.stories.metrics import auc_same_story, pearson  # noqa: E402
from storyline.stories.similarity import UNCONSTRAINED, TreeModel, model_path  # noqa: E402

PAIRS = ROOT.parent / "shared" / "data" / "semeval2022-dev" / "pairs.csv"
CACHE = ROOT / "bench" / "out" / "{}_cache.npz"
TREES = {"max_iter": 300, "max_depth": 3, "learning_rate": 0.03}
#: Ridge penalty of the linear part (features standardised) and its weight in the blend.
ALPHA = 10.0
BLEND = 0.5
#: Self-pair rows (all features 1, target 1.0) added to every training set.
ANCHORS = 30
VERSION = "v2"


def cached(encoder, cache: dict[str, np.ndarray]):
    """``encoder`` with a text -> vector cache (SHA-1 keys), filled as texts come (no texts:
    the encoder's own empty answer, of the right width)."""

    def encode(texts: list[str]) -> np.ndarray:
        if not texts:
            return encoder([])
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in cache))
        for t, v in zip(missing, encoder(missing) if missing else [], strict=True):
            cache[hashlib.sha1(t.encode()).hexdigest()] = v
        return np.stack([cache[k] for k in keys])

    return encode


def load_cache(name: str) -> dict[str, np.ndarray]:
    path = Path(str(CACHE).format(name))
    return dict(np.load(path)) if path.exists() else {}


def save_cache(name: str, cache: dict[str, np.ndarray]) -> None:
    """Write the ``name`` vector cache (bench/out/ is made on a fresh checkout)."""
    path = Path(str(CACHE).format(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **cache)


def groups(rows: list[dict[str, str]]) -> np.ndarray:
    """Connected components over numeric article ids (translations share the digits)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    ids = [[re.sub(r"\D", "", i) for i in r["pair_id"].split("_")] for r in rows]
    for a, b in ids:
        parent[find(a)] = find(b)
    names = {root: n for n, root in enumerate(sorted({find(a) for a, _ in ids}))}
    return np.array([names[find(a)] for a, _ in ids])


def feature_matrix(rows, use_e5: bool, reuse: bool) -> tuple[np.ndarray, tuple[str, ...]]:
    cached = ROOT / "bench" / "out" / f"features.{'e5' if use_e5 else 'use'}.{VERSION}.npz"
    if reuse and cached.exists():
        data = np.load(cached)
        return data["x"], tuple(str(n) for n in data["names"])
    x, names = compute_features(rows, use_e5)
    cached.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cached, x=x, names=np.array(names))
    return x, names


def compute_features(rows, use_e5: bool) -> tuple[np.ndarray, tuple[str, ...]]:
    texts = [r["text1"] for r in rows] + [r["text2"] for r in rows]
    langs = [r["lang1"] for r in rows] + [r["lang2"] for r in rows]
    caches = {"use": load_cache("use"), "e5": load_cache("e5") if use_e5 else {}}
    use = cached(encode_use, caches["use"])
    e5 = cached(encode_e5, caches["e5"]) if use_e5 else None
    t0 = time.perf_counter()
    profs = F.profiles(texts, langs, use, e5)
    print(f"profiles: {len(texts)} texts in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    for name, cache in caches.items():
        if cache:
            save_cache(name, cache)
    names = F.USE_FEATURES + (F.E5_FEATURES if use_e5 else ())
    n = len(rows)
    feats = [F.pair_features(profs[i], profs[n + i]) for i in range(n)]
    return np.array([[f[k] for k in names] for f in feats], dtype=np.float64), names


class Blend:
    """``(1 - BLEND) * trees + BLEND * linear``; the trees are monotone in the overlap
    features, the linear part is anchored at the self-pair row."""

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        names: tuple[str, ...],
        trees: dict | None = None,
        blend: float = BLEND,
    ) -> None:
        from sklearn.ensemble import HistGradientBoostingRegressor

        x = np.vstack([x, np.ones((ANCHORS, x.shape[1]))])
        y = np.concatenate([y, np.ones(ANCHORS)])
        mono = [0 if n in UNCONSTRAINED else -1 for n in names]
        self.blend = blend
        self.trees = HistGradientBoostingRegressor(
            random_state=0, monotonic_cst=mono, **(TREES if trees is None else trees)
        )
        self.trees.fit(x, y)
        self.linear = fit_linear(x, y)

    def predict_linear(self, x: np.ndarray) -> np.ndarray:
        lin = self.linear
        return lin["intercept"] + ((x - lin["mean"]) / lin["scale"]) @ lin["coef"]

    def predict(self, x: np.ndarray) -> np.ndarray:
        out = (1 - self.blend) * self.trees.predict(x) + self.blend * self.predict_linear(x)
        return np.clip(out, 1, 4)


def fit_linear(x: np.ndarray, y: np.ndarray) -> dict:
    """Ridge regression (penalty ``ALPHA``) on standardised features, in closed form."""
    mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-9)
    z = (x - mean) / scale
    coef = np.linalg.solve(z.T @ z + ALPHA * np.eye(z.shape[1]), z.T @ (y - y.mean()))
    return {"mean": mean, "scale": scale, "coef": coef, "intercept": float(y.mean())}


def fit(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], **learner) -> Blend:
    """The blend fitted on ``x``, ``y`` (``learner``: :class:`Blend`'s ``trees``, ``blend``)."""
    return Blend(x, y, names, **learner)


def cross_validate(x, y, g, names, keep=None, **learner) -> np.ndarray:
    """Out-of-fold predictions, 5 folds grouped by ``g`` (``keep``: a function of a fold's
    training rows that returns the rows to fit on, e.g. a share of its groups)."""
    from sklearn.model_selection import GroupKFold

    pred = np.zeros_like(y)
    for train, test in GroupKFold(n_splits=5).split(x, y, g):
        rows = train if keep is None else keep(train)
        pred[test] = np.clip(fit(x[rows], y[rows], names, **learner).predict(x[test]), 1, 4)
    return pred


def recall_at(pred: np.ndarray, y: np.ndarray, share: float) -> tuple[float, float]:
    """The pair-level ceiling of a join threshold: the score that joins ``share`` of the
    unrelated pairs (rated >= 3.5) and the share of same-story pairs (<= 1.5) at or under it."""
    cut = float(np.quantile(pred[y >= 3.5], share))
    return cut, float(np.mean(pred[y <= 1.5] <= cut))


def report(label: str, rows, y, pred) -> dict:
    out = {"pearson": pearson(pred, y), "auc": auc_same_story(pred, y), "by_language": {}}
    bylang = defaultdict(list)
    for i, r in enumerate(rows):
        bylang[f"{r['lang1']}-{r['lang2']}"].append(i)
    print(f"\n{label}: pearson {out['pearson']:.3f}  same-story AUC {out['auc']:.3f}")
    for share in (0.02, 0.05):
        cut, recall = recall_at(pred, y, share)
        out[f"recall_at_{share}"] = {"score": cut, "recall": recall}
        print(
            f"  pairs rated <= 1.5 scoring at most {cut:.2f}: {recall:.3f} (that score joins "
            f"{share:.0%} of the pairs rated >= 3.5)"
        )
    for lp, idx in sorted(bylang.items(), key=lambda kv: -len(kv[1])):
        r = pearson(pred[idx], y[idx])
        out["by_language"][lp] = {"n": len(idx), "pearson": r}
        print(f"  {lp:6s} n={len(idx):4d}  r={r:.3f}")
    return out


def _tree(nodes) -> dict:
    leaf = nodes["is_leaf"].astype(bool)
    return {
        "feature": np.where(leaf, 0, nodes["feature_idx"].astype(np.int64)).tolist(),
        "threshold": [float(v) for v in nodes["num_threshold"]],
        "left": np.where(leaf, -1, nodes["left"].astype(np.int64)).tolist(),
        "right": np.where(leaf, -1, nodes["right"].astype(np.int64)).tolist(),
        "value": [round(float(v), 6) for v in nodes["value"]],
    }


def export(model, names, variant: str, cv: dict, n: int) -> Path:
    path = model_path(variant)
    trees = [_tree(p[0].nodes) for p in model.trees._predictors]
    doc = {
        "method": f"stories.similarity.{variant}.{VERSION}",
        "features": list(names),
        "base": float(np.ravel(model.trees._baseline_prediction)[0]),
        "learning_rate": 1.0,  # leaf values already carry the shrinkage
        "max_depth": int(TREES["max_depth"]),
        "trees": trees,
        "linear": {k: np.ravel(v).tolist() for k, v in model.linear.items() if k != "intercept"}
        | {"intercept": model.linear["intercept"]},
        "blend": model.blend,
        "trained_on": f"SemEval-2022 Task 8 dev pairs ({n}), target Overall",
        "training": {
            "script": "bench/train_similarity.py",
            "model": "HistGradientBoostingRegressor (monotone) + ridge, mean",
            "alpha": ALPHA,
            "self_pair_anchors": ANCHORS,
            **TREES,
        },
        "cross_validation": cv,
    }
    path.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=Path, default=PAIRS)
    ap.add_argument("--no-e5", action="store_true")
    ap.add_argument("--write", action="store_true", help="write the shipped model JSON")
    ap.add_argument("--reuse", action="store_true", help="reuse bench/out/features.*.v2.npz")
    args = ap.parse_args()
    rows = list(csv.DictReader(args.pairs.open(encoding="utf-8")))
    y = np.array([float(r["Overall"]) for r in rows])
    g = groups(rows)
    x, names = feature_matrix(rows, use_e5=not args.no_e5, reuse=args.reuse)
    for variant, cols in (("use", F.USE_FEATURES), ("e5", names)):
        if variant == "e5" and args.no_e5:
            continue
        idx = [names.index(c) for c in cols]
        for c in idx:
            print(f"  {names[c]:20s} alone r={pearson(x[:, c], y):+.3f}")
        cv = report(f"{variant}: 5-fold grouped CV", rows, y, cross_validate(x[:, idx], y, g, cols))
        model = fit(x[:, idx], y, cols)
        insample = np.clip(model.predict(x[:, idx]), 1, 4)
        report(f"{variant}: in-sample (trained on all pairs; optimistic)", rows, y, insample)
        if args.write:
            path = export(model, tuple(cols), variant, cv, len(rows))
            shipped = TreeModel.load(variant).predict(x[:, idx])
            assert np.allclose(shipped, insample, atol=1e-4), "exported trees disagree"
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
