"""Shared by bench/train_judge.py and bench/sentence_judge.py: the annotated pairs of
../shared/data, their judge features (same code as at run time) and the cross-validation.

Datasets: ``msrp`` (paraphrase-dev/msrp_train.csv, label 1 = paraphrase), ``pawsx_de``
(paraphrase-dev/pawsx_de_dev.csv), ``rte3_de`` and ``rte3_en`` (contradiction-dev, label 1 =
contradiction). Folds: 5, stratified; RTE-3 folds are grouped by pair id so a German pair and
its English original never sit on both sides of a split. USE vectors are cached under
bench/out/judge_use_cache.npz (keyed by the SHA-1 of the text).
"""

from __future__ import annotations

import csv
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyline.compare.judgement import Prepared, prepare  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / "bench" / "out" / "judge_use_cache.npz"
FOLDS = 5
SEED = 18


@dataclass
class Dataset:
    name: str
    language: str
    pairs: list[tuple[str, str]]
    labels: np.ndarray
    groups: np.ndarray
    prepared: list[Prepared] | None = None

    @property
    def x(self) -> np.ndarray:
        assert self.prepared is not None
        return np.asarray([p.row for p in self.prepared], dtype=np.float64)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load() -> list[Dataset]:
    """The four annotated sets (raises FileNotFoundError when ../shared/data is absent)."""
    out = []
    for name, lang, rel, positive in (
        ("msrp", "en", "paraphrase-dev/msrp_train.csv", "1"),
        ("pawsx_de", "de", "paraphrase-dev/pawsx_de_dev.csv", "1"),
        ("rte3_de", "de", "contradiction-dev/rte3_de_dev.csv", "contradiction"),
        ("rte3_en", "en", "contradiction-dev/rte3_en_dev.csv", "contradiction"),
    ):
        rows = _rows(DATA / rel)
        pairs = [(r["sentence1"], r["sentence2"]) for r in rows]
        labels = np.asarray([r["label"] == positive for r in rows], dtype=int)
        groups = np.asarray([r.get("id") or r.get("id1") or str(k) for k, r in enumerate(rows)])
        out.append(Dataset(name, lang, pairs, labels, groups))
    return out


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def vectors(texts: list[str]) -> dict[str, np.ndarray]:
    """USE vectors of ``texts`` by SHA-1, computed once and cached on disk."""
    from storyline.embed import open_encoder

    cache: dict[str, np.ndarray] = {}
    if CACHE.exists():
        with np.load(CACHE) as z:
            cache = dict(zip(z["keys"], z["vectors"], strict=True))
    missing = list(dict.fromkeys(t for t in texts if _key(t) not in cache))
    if missing:
        enc = open_encoder("use")
        for i in range(0, len(missing), 512):
            chunk = missing[i : i + 512]
            for t, v in zip(chunk, enc.encode(chunk), strict=True):
                cache[_key(t)] = v
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.savez(CACHE, keys=np.asarray(list(cache)), vectors=np.stack(list(cache.values())))
    return {t: cache[_key(t)] for t in texts}


def featurise(sets: list[Dataset]) -> None:
    """Fill ``prepared`` of every set (judge features with cached USE cosines)."""
    texts = [t[:5000] for d in sets for pair in d.pairs for t in pair]
    vec = vectors(list(dict.fromkeys(texts)))
    for d in sets:
        d.prepared = [
            prepare(a, b, float(vec[a[:5000]] @ vec[b[:5000]]), d.language) for a, b in d.pairs
        ]


def folds(d: Dataset) -> np.ndarray:
    """Fold number of each pair: stratified by label, grouped by id."""
    rng = np.random.default_rng(SEED)
    out = np.zeros(len(d.labels), dtype=int)
    for label in (0, 1):
        groups = sorted({g for g, y in zip(d.groups, d.labels, strict=True) if y == label})
        order = rng.permutation(len(groups))
        fold_of = {groups[k]: r % FOLDS for r, k in enumerate(order)}
        for i, (g, y) in enumerate(zip(d.groups, d.labels, strict=True)):
            if y == label:
                out[i] = fold_of[g]
    by_group: dict[str, int] = {}
    for i, g in enumerate(d.groups):  # one fold per id (RTE-3 de/en twins)
        out[i] = by_group.setdefault(g, out[i])
    return out


def scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    tp = int(((truth == 1) & (predicted == 1)).sum())
    fp = int(((truth == 0) & (predicted == 1)).sum())
    fn = int(((truth == 1) & (predicted == 0)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    acc = float((truth == predicted).mean()) if len(truth) else 0.0
    return {
        "accuracy": round(acc, 4),
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
    }
