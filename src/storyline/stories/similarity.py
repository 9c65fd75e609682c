"""Pair similarity on the SemEval-2022 Task 8 scale (1 = same story .. 4 = unrelated).

Each pair is described by the features of :mod:`storyline.stories.features` (USE cosines of
the whole text, the lead, the title, the head and aligned sentences; lemma, entity, number and
shared-passage overlap; title words found in the other text; length ratio; same language) and
scored by the mean of a small gradient-boosted tree ensemble and a linear model, both shipped
as JSON in ``storyline/data/`` and evaluated with numpy. Two models ship:

``stories.similarity.use.v2``  USE features only (fast; the default)
``stories.similarity.e5.v2``   plus multilingual-e5-small cosines (slower, more accurate)

Both were trained by ``bench/train_similarity.py`` on the SemEval-2022 dev pairs; the JSON
holds the cross-validated figures it reached. The time gap between two dated reports is
reported as a part (``gap_hours``) but not learned: the dev pairs carry no dates.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from storyline.errors import InputError
from storyline.model import Article, PairScore, Similarity, SimilarityMetrics, aware
from storyline.stories import features as F
from storyline.stories.encoders import encode_e5, encode_use
from storyline.stories.metrics import auc_same_story, pearson

DATA = Path(__file__).resolve().parents[1] / "data"
VARIANTS = ("use", "e5")
DEFAULT = "use"
#: Pairs scored per encoder batch by :func:`score_pair_rows`.
BATCH = 64
REQUIRED_COLUMNS = ("pair_id", "lang1", "lang2", "text1", "text2")
#: Features the score may rise with; every other (overlap) feature can only lower it.
UNCONSTRAINED = ("length_ratio", "same_language")


def model_path(variant: str) -> Path:
    """Where the shipped model of ``variant`` ("use" or "e5") lives."""
    return DATA / f"similarity.{variant}.v2.json"


@dataclass(frozen=True, slots=True)
class Linear:
    """A linear model over standardised features: ``intercept + ((x - mean) / scale) @ coef``."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @staticmethod
    def from_json(doc: Mapping[str, object]) -> Linear:
        arr = {k: np.asarray(doc[k], dtype=np.float64) for k in ("mean", "scale", "coef")}
        intercept = float(doc["intercept"])  # type: ignore[arg-type]
        return Linear(arr["mean"], arr["scale"], arr["coef"], intercept)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.intercept + ((x - self.mean) / self.scale) @ self.coef


@dataclass(frozen=True, slots=True)
class TreeModel:
    """A gradient-boosted regression tree ensemble, evaluated with numpy, optionally blended
    with a :class:`Linear` model (``(1 - blend) * trees + blend * linear``).

    Trees are padded into (trees, nodes) arrays so all trees step down one level at once;
    a leaf points to itself, so extra steps leave it where it is.
    """

    method: str
    features: tuple[str, ...]
    base: float
    learning_rate: float
    feature: np.ndarray  # (T, N) int, 0 at leaves
    threshold: np.ndarray  # (T, N)
    child: np.ndarray  # (T, N, 2) left, right; a leaf's children are itself
    value: np.ndarray  # (T, N)
    depth: int
    linear: Linear | None = None
    blend: float = 0.0

    @staticmethod
    @cache
    def load(variant: str = DEFAULT) -> TreeModel:
        if variant not in VARIANTS:
            raise ValueError(f"unknown similarity model {variant!r}; use one of {VARIANTS}")
        doc = json.loads(model_path(variant).read_text(encoding="utf-8"))
        trees, width = doc["trees"], max(len(t["value"]) for t in doc["trees"])
        shape = (len(trees), width)
        feature, threshold = np.zeros(shape, np.int64), np.zeros(shape)
        value, child = np.zeros(shape), np.tile(np.arange(width)[None, :, None], (len(trees), 1, 2))
        for t, tree in enumerate(trees):
            for n, (f, th, lo, hi, v) in enumerate(
                zip(
                    tree["feature"],
                    tree["threshold"],
                    tree["left"],
                    tree["right"],
                    tree["value"],
                    strict=True,
                )
            ):
                value[t, n] = v
                if lo >= 0:
                    feature[t, n], threshold[t, n], child[t, n] = f, th, (lo, hi)
        depth = int(doc.get("max_depth", 8))
        linear = Linear.from_json(doc["linear"]) if "linear" in doc else None
        return TreeModel(
            doc["method"],
            tuple(doc["features"]),
            doc["base"],
            doc["learning_rate"],
            feature,
            threshold,
            child,
            value,
            depth,
            linear,
            float(doc.get("blend", 0.0)),
        )

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Scores (clipped to 1..4) of the rows of ``x`` (columns in ``features`` order)."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        trees = np.arange(self.feature.shape[0])[None, :]
        node = np.zeros((len(x), self.feature.shape[0]), dtype=np.int64)
        rows = np.arange(len(x))[:, None]
        for _ in range(self.depth):
            f = self.feature[trees, node]
            right = x[rows, f] > self.threshold[trees, node]
            node = self.child[trees, node, right.astype(np.int64)]
        out = self.base + self.learning_rate * self.value[trees, node].sum(axis=1)
        if self.linear is not None and self.blend:
            out = (1 - self.blend) * out + self.blend * self.linear.predict(x)
        return np.clip(out, 1.0, 4.0)


def _encoders(variant: str) -> tuple[F.Encoder, F.Encoder | None]:
    return encode_use, (encode_e5 if variant == "e5" else None)


def score_profiles(pairs: Sequence[tuple[F.Profile, F.Profile]], variant: str = DEFAULT):
    """:class:`Similarity` of each pair of profiles (built with the variant's encoders)."""
    model = TreeModel.load(variant)
    feats = [F.pair_features(a, b) for a, b in pairs]
    if not feats:
        return []
    return [
        Similarity(s, tuple((k, round(v, 4)) for k, v in f.items()), model.method)
        for s, f in zip(_scores(model, feats), feats, strict=True)
    ]


def pair_scores(
    pairs: Sequence[tuple[F.Profile, F.Profile]], variant: str = DEFAULT
) -> list[float]:
    """The scores of :func:`score_profiles` alone (what the story assigner ranks its
    candidates by), without rounding and packing every part of every pair."""
    model = TreeModel.load(variant)
    return _scores(model, [F.pair_features(a, b) for a, b in pairs]) if pairs else []


def _scores(model: TreeModel, feats: list[dict[str, float]]) -> list[float]:
    scores = model.predict(np.array([[f[k] for k in model.features] for f in feats]))
    return [round(float(s), 4) for s in scores]


def _text(x: str | Article) -> tuple[str, str | None]:
    if isinstance(x, Article):
        from storyline.stories.stream import article_text

        return article_text(x), x.language
    return x, None


def _language(text: str, given: str | None) -> str | None:
    if given:
        return given
    from storyline.text.lang import detect_language

    return detect_language(text)


def _gap_hours(a: str | Article, b: str | Article) -> float | None:
    if isinstance(a, Article) and isinstance(b, Article) and a.published and b.published:
        return abs((aware(a.published) - aware(b.published)).total_seconds()) / 3600
    return None


def similarity(
    a: str | Article,
    b: str | Article,
    *,
    language_a: str | None = None,
    language_b: str | None = None,
    model: str = DEFAULT,
) -> Similarity:
    """How alike two reports are: 1 = same story .. 4 = unrelated, with the parts measured.

    ``a``/``b`` are texts or :class:`Article` records (title, teaser and text are used, and
    their ``published`` dates give the ``gap_hours`` part). Languages are detected when not
    given. ``model``: "use" (default) or "e5" (needs ``pip install 'storyline[embed]'``).
    """
    (ta, la), (tb, lb) = _text(a), _text(b)
    la, lb = _language(ta, language_a or la), _language(tb, language_b or lb)
    use, e5 = _encoders(model)
    pa, pb = F.profiles([ta, tb], [la, lb], use, e5)
    result = score_profiles([(pa, pb)], model)[0]
    gap = _gap_hours(a, b)
    if gap is None:
        return result
    parts = (*result.parts, ("gap_hours", round(gap, 2)))
    return Similarity(result.score, parts, result.method)


def _check_row(row: Mapping[str, str | None], where: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if row.get(c) is None]
    if missing:
        raise InputError(
            where, f"missing column(s) {', '.join(missing)}; expected {REQUIRED_COLUMNS}"
        )


def _truth(row: Mapping[str, str | None]) -> float | None:
    try:
        value = float(row.get("Overall") or "nan")
    except ValueError:
        return None
    return None if math.isnan(value) else value


def score_pair_rows(
    rows: Iterable[Mapping[str, str | None]], *, model: str = DEFAULT, where: str = "pairs"
) -> list[PairScore]:
    """Score rows with the dev file's columns (pair_id, lang1, lang2, text1, text2; an
    ``Overall`` column, when present, is kept as ``truth``). Empty languages are detected."""
    rows = list(rows)
    for n, row in enumerate(rows, start=2):
        _check_row(row, f"{where}, line {n}")
    out: list[PairScore] = []
    for start in range(0, len(rows), BATCH):
        out.extend(_score_batch(rows[start : start + BATCH], model))
    return out


def _score_batch(rows: list[Mapping[str, str | None]], model: str) -> list[PairScore]:
    texts = [r["text1"] or "" for r in rows] + [r["text2"] or "" for r in rows]
    given = [r["lang1"] for r in rows] + [r["lang2"] for r in rows]
    langs = [_language(t, g or None) for t, g in zip(texts, given, strict=True)]
    use, e5 = _encoders(model)
    profs = F.profiles(texts, langs, use, e5)
    n = len(rows)
    sims = score_profiles([(profs[i], profs[n + i]) for i in range(n)], model)
    return [
        PairScore(str(r["pair_id"]), s.score, f"{langs[i]}-{langs[n + i]}", _truth(r))
        for i, (r, s) in enumerate(zip(rows, sims, strict=True))
    ]


def metrics(scores: Sequence[PairScore], method: str = "") -> SimilarityMetrics:
    """Pearson (overall and per language pair) and same-story AUC of rated ``scores``."""
    rated = [s for s in scores if s.truth is not None]
    pred = [s.score for s in rated]
    truth = [s.truth for s in rated if s.truth is not None]
    groups: dict[str, list[PairScore]] = defaultdict(list)
    for s in rated:
        groups[s.languages].append(s)
    by_language = tuple(
        (lp, len(g), round(pearson([s.score for s in g], [s.truth or 0.0 for s in g]), 4))
        for lp, g in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )
    return SimilarityMetrics(
        pairs=len(scores),
        pearson=round(pearson(pred, truth), 4),
        same_story_auc=round(auc_same_story(pred, truth), 4),
        by_language=by_language,
        method=method or TreeModel.load(DEFAULT).method,
    )


def score_pairs(
    csv_path: str | Path, out_path: str | Path, *, model: str = DEFAULT
) -> SimilarityMetrics:
    """Read pairs from ``csv_path``, write ``pair_id,score`` to ``out_path``, and return the
    agreement with the ``Overall`` column when the input has one (else ``nan`` figures)."""
    csv_path = Path(csv_path)
    try:
        with csv_path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(str(csv_path), f"cannot read the pairs CSV ({exc})") from exc
    scores = score_pair_rows(rows, model=model, where=str(csv_path))
    with Path(out_path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["pair_id", "score"])
        writer.writerows((s.pair_id, f"{s.score:.4f}") for s in scores)
    return metrics(scores, TreeModel.load(model).method)
