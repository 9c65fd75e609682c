"""The sentence judge ("compare.judge.v1"): what two sentences have in common.

:func:`judge` (one pair; also ``storyline.compare.judge``) and :func:`judge_many` (a batch)
return a :class:`Judgement`:

* ``verbatim``: equal after :func:`~storyline.text.normalize.match_form`;
* ``near_verbatim``: the same meaning with light edits (word sequences alike);
* ``paraphrase``: the same meaning in other words (or another language);
* ``extends``: one says all the other says and more (a cut or an added clause);
* ``conflict``: the same slot, another claim (see :mod:`storyline.compare.cues`);
* ``unique``: nothing of the above.

The decision is two logistic regressions over :mod:`storyline.compare.features`, fitted on
annotated pairs under cross-validation by ``bench/train_judge.py`` and shipped as
``data/judge.v1.json``: ``same`` (MSRP and PAWS-X de: same meaning or not) and ``conflict``
(RTE-3 de and en: contradiction or not). ``score`` is the calibrated probability of the
kind's claim: of the same meaning for verbatim (1.0), near_verbatim, paraphrase, extends and
unique, of a contradiction for conflict. A conflict always names its clashing words: a pair
is one when it has a clash and is about the same slot (weighted overlap or cosine at least
``slot_overlap``) and either the clash is hard (negation, number vs none, another number,
reversed direction, swapped roles), or the wording is otherwise alike (word-sequence ratio at
least ``near_ratio``), or the ``conflict`` model says "contradiction". A pair with a hard
clash is never near_verbatim or paraphrase.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from storyline.compare.claims import overlap as char_overlap
from storyline.compare.cues import HARD, Clash, Profile, clashes, profile
from storyline.compare.features import NAMES, Overlap, overlap, pair_features
from storyline.text.normalize import match_form

if TYPE_CHECKING:
    import numpy as np

METHOD = "compare.judge.v1"
VERBATIM, NEAR_VERBATIM, PARAPHRASE = "verbatim", "near_verbatim", "paraphrase"
EXTENDS, CONFLICT, UNIQUE = "extends", "conflict", "unique"
#: Judge kinds, strongest claim of sameness first.
JUDGE_KINDS = (VERBATIM, NEAR_VERBATIM, PARAPHRASE, EXTENDS, CONFLICT, UNIQUE)
#: Kinds that mean "the same thing is said".
SAME = (VERBATIM, NEAR_VERBATIM, PARAPHRASE)
#: Characters of a sentence the judge reads; the rest of a longer one is ignored.
MAX_CHARS = 5000


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why: encoder cosine, weighted word overlap, containment each way, word order, and
    the two model probabilities (same meaning, contradiction)."""

    cosine: float
    overlap: float
    a_in_b: float
    b_in_a: float
    sequence: float
    same: float
    contradiction: float


@dataclass(frozen=True, slots=True)
class Judgement:
    """The judge's answer for one pair."""

    kind: str
    score: float
    conflicts: tuple[Clash, ...]
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class _Logistic:
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def probability(self, row: Sequence[float]) -> float:
        z = self.intercept + sum(
            c * (x - m) / s
            for c, x, m, s in zip(self.coef, row, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


@dataclass(frozen=True, slots=True)
class JudgeModel:
    """Fitted weights and the decision thresholds (see ``data/judge.v1.json``)."""

    same: _Logistic
    conflict: _Logistic
    same_threshold: float
    conflict_threshold: float
    near_ratio: float
    extends_containment: float
    extends_rest: float
    slot_overlap: float
    crosslingual_cosine: float
    method: str = METHOD

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JudgeModel:
        if list(data["features"]) != list(NAMES):
            raise ValueError("judge weights were fitted on other features; retrain them")
        same, conflict = (_logistic(data[k]) for k in ("same", "conflict"))
        rules = {k: float(v) for k, v in data["rules"].items()}
        return cls(same, conflict, **rules)  # type: ignore[arg-type]


def _logistic(fit: dict[str, Any]) -> _Logistic:
    mean, scale, coef = (tuple(float(x) for x in fit[k]) for k in ("mean", "scale", "coef"))
    return _Logistic(mean, scale, coef, float(fit["intercept"]))


@cache
def default_model() -> JudgeModel:
    """The shipped model (``storyline/data/judge.v1.json``)."""
    path = resources.files("storyline.data").joinpath("judge.v1.json")
    return JudgeModel.from_dict(json.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- features


@dataclass(frozen=True, slots=True)
class Prepared:
    """One pair read for judging: its match forms, clashes, overlap and feature row."""

    same_form: bool
    empty: bool
    clashes: tuple[Clash, ...]
    overlap: Overlap
    cosine: float
    row: list[float]
    crosslingual: bool = False


Languages = str | tuple[str | None, str | None] | None


def _languages(a: str, b: str, language: Languages) -> tuple[str, ...]:
    """The languages of a pair: given (one for both, or one each), else detected."""
    from storyline.text.lang import detect_language

    given = (language, language) if language is None or isinstance(language, str) else language
    found = [
        (lang.lower()[:2] if lang else detect_language(text))
        for lang, text in zip(given, (a, b), strict=True)
    ]
    return tuple(dict.fromkeys(x for x in found if x))


def prepare(a: str, b: str, cosine: float, language: Languages = None) -> Prepared:
    """Read one pair (``cosine`` of its sentence vectors given). ``language``: one code for
    both sentences, a pair of codes (one each; None = detect), or None (detect both)."""
    a, b = _clean(a), _clean(b)
    langs = _languages(a, b, language)
    pa, pb, found, ov, char, same = _read(a, b, langs)
    row = pair_features(pa, pb, cosine, found, ov, char)
    empty = not (pa.lower and pb.lower)
    return Prepared(same, empty, found, ov, cosine, row, len(langs) > 1)


#: Sentence pairs whose reading (all of :func:`prepare` but the cosine) is remembered: a
#: story's comparison and its analysis read the same pairs, and a story that grows re-reads
#: every pair of its earlier members at each comparison.
PAIR_CACHE = 32768


@lru_cache(maxsize=PAIR_CACHE)
def _read(
    a: str, b: str, langs: tuple[str, ...]
) -> tuple[Profile, Profile, tuple[Clash, ...], Overlap, float, bool]:
    """What a pair's judgement needs besides its cosine (a pure function of the texts)."""
    pa, pb = profile(a, langs), profile(b, langs)
    found = clashes(a, b, langs) if pa.lower and pb.lower else ()
    return pa, pb, found, overlap(pa, pb), char_overlap(a, b), match_form(a) == match_form(b)


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"judge needs str sentences, got {type(text).__name__}")
    return text[:MAX_CHARS]


def cosines(pairs: Sequence[tuple[str, str]], encoder: str = "use") -> np.ndarray:
    """The encoder cosine of each pair (every distinct sentence encoded once)."""
    import numpy as np

    from storyline.embed import open_encoder

    texts = list(dict.fromkeys(_clean(t) for pair in pairs for t in pair))
    if not texts:
        return np.zeros(0, dtype=np.float32)
    index = {t: k for k, t in enumerate(texts)}
    vectors = open_encoder(encoder).encode(texts)
    ia = np.asarray([index[_clean(a)] for a, _ in pairs])
    ib = np.asarray([index[_clean(b)] for _, b in pairs])
    return np.einsum("ij,ij->i", vectors[ia], vectors[ib])


# ---------------------------------------------------------------- decision


def decide(p: Prepared, model: JudgeModel | None = None) -> Judgement:
    """The judgement of one prepared pair."""
    model = model or default_model()
    same = model.same.probability(p.row)
    contra = model.conflict.probability(p.row)
    ov = p.overlap
    evidence = Evidence(
        *(
            round(x, 4)
            for x in (p.cosine, ov.weighted, ov.a_in_b, ov.b_in_a, ov.sequence, same, contra)
        )
    )
    kind, score = _kind(p, model, same, contra)
    return Judgement(kind, round(score, 4), p.clashes, evidence)


def _kind(p: Prepared, model: JudgeModel, same: float, contra: float) -> tuple[str, float]:
    if p.same_form:
        return (VERBATIM, 1.0) if not p.empty else (UNIQUE, 0.0)
    if p.empty:
        return UNIQUE, 0.0
    ov = p.overlap
    slot = max(ov.weighted, p.cosine) >= model.slot_overlap
    hard = any(c.kind in HARD for c in p.clashes)
    alike = ov.sequence >= model.near_ratio
    if p.clashes and slot and (hard or alike or contra >= model.conflict_threshold):
        return CONFLICT, contra
    if p.crosslingual and p.cosine >= model.crosslingual_cosine and not hard:
        return PARAPHRASE, max(same, p.cosine)
    if hard:
        return UNIQUE, same
    inside, outside = max(ov.a_in_b, ov.b_in_a), min(ov.a_in_b, ov.b_in_a)
    if inside >= model.extends_containment and outside <= model.extends_rest:
        return EXTENDS, same
    if same >= model.same_threshold:
        return (NEAR_VERBATIM if ov.sequence >= model.near_ratio else PARAPHRASE), same
    return UNIQUE, same


def judge(
    a: str,
    b: str,
    language: str | None = None,
    *,
    model: JudgeModel | None = None,
    encoder: str = "use",
) -> Judgement:
    """What sentences ``a`` and ``b`` have in common (see the module doc).

    ``language``: ISO 639-1 code of both sentences; None detects each one's language.
    """
    return judge_many([(a, b)], [language], model=model, encoder=encoder)[0]


def judge_many(
    pairs: Sequence[tuple[str, str]],
    languages: Sequence[Languages] | None = None,
    *,
    model: JudgeModel | None = None,
    encoder: str = "use",
    cosine: Sequence[float] | None = None,
) -> list[Judgement]:
    """:func:`judge` for many pairs: sentences are encoded together, once each.

    ``languages``: one code (or None) per pair. ``cosine``: precomputed encoder cosines (the
    aligner passes its own), else they are computed with ``encoder``.
    """
    langs = list(languages) if languages is not None else [None] * len(pairs)
    if len(langs) != len(pairs):
        raise ValueError(f"{len(pairs)} pairs but {len(langs)} languages; give one per pair")
    cos = list(cosine) if cosine is not None else [float(c) for c in cosines(pairs, encoder)]
    model = model or default_model()
    return [
        decide(prepare(a, b, float(c), lang), model)
        for (a, b), c, lang in zip(pairs, cos, langs, strict=True)
    ]


__all__ = [
    "JUDGE_KINDS",
    "METHOD",
    "SAME",
    "Evidence",
    "JudgeModel",
    "Judgement",
    "Prepared",
    "cosines",
    "decide",
    "default_model",
    "judge",
    "judge_many",
    "prepare",
]
