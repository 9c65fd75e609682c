"""Pair features of the sentence judge ("compare.features.v1").

For two sentences: the encoder cosine; overlap and containment both ways of their word sets,
weighted by background word information (:mod:`storyline.compare.wordinfo`); word order
(difflib ratio of the word sequences, share of the shared words in the same order, shared
word bigrams); lengths; numbers and names only one side has; and one flag per conflict cue
kind (:mod:`storyline.compare.cues`). Every feature is a float; :data:`NAMES` fixes their
order, which the fitted weights in ``data/judge.v1.json`` follow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import SequenceMatcher

from storyline.compare.cues import CLASH_KINDS, Clash, Profile, names_reordered
from storyline.compare.wordinfo import information

METHOD = "compare.features.v1"
#: Letters of a word's stem for the stem overlap ("address", "addressing").
STEM = 5

NAMES = (
    "cosine",
    "weighted_overlap",
    "containment_min",
    "containment_max",
    "sequence_ratio",
    "in_order",
    "bigram_overlap",
    "length_ratio",
    "log_length",
    "extra_information_min",
    "extra_information_max",
    "numbers_differ",
    "numbers_one_side",
    "names_one_side",
    "names_reordered",
    "stem_overlap",
    "char_overlap",
    *(f"cue_{kind}" for kind in CLASH_KINDS),
)


@dataclass(frozen=True, slots=True)
class Overlap:
    """Word-level evidence for a pair: weighted overlap and each side's containment."""

    weighted: float
    stems: float
    a_in_b: float
    b_in_a: float
    sequence: float
    in_order: float
    bigrams: float


def _mass(words: frozenset[str]) -> float:
    return sum(information(w) for w in words)


def _stems(p: Profile) -> dict[str, float]:
    """Word stems (first :data:`STEM` letters) with the information of their word."""
    out: dict[str, float] = {}
    for w in p.vocab:
        out[w[:STEM]] = max(out.get(w[:STEM], 0.0), information(w))
    return out


def overlap(a: Profile, b: Profile) -> Overlap:
    """How much of each sentence's information the other has, and in which order."""
    shared = a.vocab & b.vocab
    ma, mb, ms = _mass(a.vocab), _mass(b.vocab), _mass(shared)
    matcher = SequenceMatcher(None, a.lower, b.lower, autojunk=False)
    in_seq = sum(block.size for block in matcher.get_matching_blocks())
    shared_tokens = sum(1 for w in a.lower if w in shared)
    ga, gb = (
        set(zip(a.lower, a.lower[1:], strict=False)),
        set(zip(b.lower, b.lower[1:], strict=False)),
    )
    sa, sb = _stems(a), _stems(b)
    ss = sum(min(sa[k], sb[k]) for k in sa.keys() & sb.keys())
    return Overlap(
        weighted=ms / math.sqrt(ma * mb) if ma and mb else 0.0,
        stems=ss / min(sum(sa.values()), sum(sb.values())) if sa and sb else 0.0,
        a_in_b=ms / ma if ma else 0.0,
        b_in_a=ms / mb if mb else 0.0,
        sequence=matcher.ratio(),
        in_order=min(in_seq / shared_tokens, 1.0) if shared_tokens else 0.0,
        bigrams=len(ga & gb) / len(ga | gb) if ga | gb else 0.0,
    )


def pair_features(
    a: Profile, b: Profile, cosine: float, clashes: tuple[Clash, ...], ov: Overlap, char: float
) -> list[float]:
    """The feature row of one pair, in the order of :data:`NAMES`."""
    na, nb = len(a.lower), len(b.lower)
    extra_a = math.log1p(_mass(a.vocab - b.vocab) / 10.0)
    extra_b = math.log1p(_mass(b.vocab - a.vocab) / 10.0)
    kinds = {c.kind for c in clashes}
    names_a, names_b = set(a.names) - set(b.names), set(b.names) - set(a.names)
    return [
        cosine,
        ov.weighted,
        min(ov.a_in_b, ov.b_in_a),
        max(ov.a_in_b, ov.b_in_a),
        ov.sequence,
        ov.in_order,
        ov.bigrams,
        min(na, nb) / max(na, nb, 1),
        math.log1p((na + nb) / 2.0),
        min(extra_a, extra_b),
        max(extra_a, extra_b),
        float(bool(a.numbers and b.numbers and a.numbers != b.numbers)),
        float(bool(a.numbers) != bool(b.numbers)),
        float(len(names_a) + len(names_b)),
        float(names_reordered(a, b)),
        ov.stems,
        char,
        *(float(kind in kinds) for kind in CLASH_KINDS),
    ]


__all__ = ["METHOD", "NAMES", "Overlap", "overlap", "pair_features"]
