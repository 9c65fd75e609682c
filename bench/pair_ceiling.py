"""What limits same-story recall on real pairs: the pair model's ceiling, feature by feature.

    .venv/bin/python bench/pair_ceiling.py [--pairs PATH] [--limit N] [--no-e5] [--e5-sentences]

A stream joins two reports when their pair score is under a threshold (plus chaining, which
only adds false joins). So the share of same-story pairs (Overall <= 1.5) that score at most
the score joining 1%, 2% or 5% of the unrelated pairs (>= 3.5) bounds what any join rule on
that score reaches at that many false joins (``train_similarity.recall_at``). This bench
measures that ceiling out of fold (5-fold CV grouped by connected article ids, the blend of
``bench/train_similarity.py``) for the shipped feature sets and for evidence one might add:

* ``folded entities``: entities with their diacritics removed (NFKD), Jaccard and
  containment, so "Erdoğan" meets "Erdogan" and "Łódź" meets "Lodz" across languages;
* ``fuzzy entities``: the share of each text's entities with a character-trigram match
  (Dice >= 0.6) among the other's ("Zelenskyy" / "Zelensky"; "Selenskyj" scores 0.59),
  both directions (min, max);
* ``idf overlap``: lemma Jaccard and cosine, entity and number Jaccard weighted by inverse
  document frequency (the pairs' own texts: rare shared words weigh more);
* ``head``: the USE cosine of the first 12 words (the title where none is marked: 59% of
  these texts join title and body with one space);
* learners: linear only, trees only, deeper trees; and a learning curve (25/50/75% of
  each training fold's groups, mean of 3 draws): would more pairs of this kind help?
* ``--e5-sentences``: e5 sentence alignment (mean, max, top-3 of each sentence's best match,
  share of sentences matched at >= 0.9) on top of the e5 model: e5 for every sentence (~17
  minutes on 2 cores for these texts; vectors cached in bench/out/e5_sentence_cache.npz).

USE and e5 vectors of texts and leads come from train_similarity's caches
(bench/out/{use,e5}_cache.npz); missing ones are encoded. Prints one JSON object; a table
goes to stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

import train_similarity as T  # noqa: E402
from storyline.stories import features as F  # noqa: E402
from storyline.stories.metrics import pearson  # noqa: E402

SHARES = (0.01, 0.02, 0.05)
#: Words of a text's head embedded on their own (the "head" variant).
HEAD_WORDS = 12
#: Character-trigram Dice at which two entities count as one name written two ways.
FUZZY_DICE = 0.6
SENTENCE_CACHE = ROOT / "bench" / "out" / "e5_sentence_cache.npz"


def fold(token: str) -> str:
    """``token`` without combining marks, casefolded ("Łódź" -> "lodz", "Erdoğan" -> "erdogan")."""
    decomposed = unicodedata.normalize("NFKD", token.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def trigrams(token: str) -> frozenset[str]:
    padded = f" {token} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def fuzzy_share(a: frozenset[str], b: frozenset[str]) -> tuple[float, float]:
    """(min, max) over both directions of the share of one side's entities whose trigrams
    match some entity of the other side at Dice >= FUZZY_DICE."""
    if not a or not b:
        return 0.0, 0.0
    ga, gb = [trigrams(e) for e in a], [trigrams(e) for e in b]

    def side(xs: list[frozenset[str]], ys: list[frozenset[str]]) -> float:
        hits = sum(max(2 * len(x & y) / (len(x) + len(y)) for y in ys) >= FUZZY_DICE for x in xs)
        return hits / len(xs)

    ab, ba = side(ga, gb), side(gb, ga)
    return min(ab, ba), max(ab, ba)


def weighted(
    a: frozenset[str], b: frozenset[str], idf: Callable[[str], float]
) -> tuple[float, float]:
    """(IDF-weighted Jaccard, IDF-weighted cosine of the binary vectors) of two term sets."""
    if not a or not b:
        return 0.0, 0.0
    shared = a & b
    jac = sum(idf(t) for t in shared) / sum(idf(t) for t in a | b)
    norm = math.sqrt(sum(idf(t) ** 2 for t in a) * sum(idf(t) ** 2 for t in b))
    return jac, sum(idf(t) ** 2 for t in shared) / norm


def idf_of(sets: Sequence[frozenset[str]]) -> Callable[[str], float]:
    df = Counter(t for s in sets for t in s)
    n = len(sets)
    return lambda t: math.log((n + 1) / (df[t] + 1))


def extra_features(profs, n: int, texts: list[str], use) -> dict[str, np.ndarray]:
    """Candidate feature blocks, one row per pair (pair i = profiles i and n + i)."""
    ents = [frozenset(fold(e) for e in p.entities) for p in profs]
    lemma_idf = idf_of([p.lemmas for p in profs])
    ent_idf, num_idf = idf_of(ents), idf_of([p.numbers for p in profs])
    heads = F._unit(use([" ".join(t.split()[:HEAD_WORDS]) or "-" for t in texts]))
    pairs = [(i, n + i) for i in range(n)]
    return {
        "folded entities": np.array(
            [[F._jaccard(ents[a], ents[b]), F._containment(ents[a], ents[b])] for a, b in pairs]
        ),
        "fuzzy entities": np.array([fuzzy_share(ents[a], ents[b]) for a, b in pairs]),
        "idf overlap": np.array(
            [
                [
                    *weighted(profs[a].lemmas, profs[b].lemmas, lemma_idf),
                    weighted(ents[a], ents[b], ent_idf)[0],
                    weighted(profs[a].numbers, profs[b].numbers, num_idf)[0],
                ]
                for a, b in pairs
            ]
        ),
        "head": np.array([[float(heads[a] @ heads[b])] for a, b in pairs]),
    }


def sentence_alignment(texts: list[str], langs: list[str], n: int) -> np.ndarray:
    """e5 sentence alignment of each pair: mean, max, top-3 and share >= 0.9 of the best
    matches (e5 cosines run higher than USE's, hence 0.9 where USE uses 0.7)."""
    from storyline.stories.encoders import encode_e5

    _, segs, _ = F.prepared(texts, langs)
    cache = dict(np.load(SENTENCE_CACHE)) if SENTENCE_CACHE.exists() else {}
    encode = T.cached(encode_e5, cache)
    vecs = [F._unit(encode(group)) for group in segs]
    SENTENCE_CACHE.parent.mkdir(parents=True, exist_ok=True)
    np.savez(SENTENCE_CACHE, **cache)
    rows = []
    for i in range(n):
        a, b = vecs[i], vecs[n + i]
        mean, top, top3, _ = F._alignment(a, b)
        sims = a @ b.T
        best = np.concatenate([sims.max(axis=1), sims.max(axis=0)])
        rows.append([mean, top, top3, float(np.mean(best >= 0.9))])
    return np.array(rows)


def ceiling(pred: np.ndarray, y: np.ndarray, cross: np.ndarray) -> dict[str, float]:
    out = {"pearson": round(pearson(pred, y), 4)}
    for share in SHARES:
        cut, recall = T.recall_at(pred, y, share)
        out[f"recall@{share}"] = round(recall, 4)
        out[f"cross@{share}"] = round(float(np.mean(pred[(y <= 1.5) & cross] <= cut)), 4)
    return out


def learning_curve(x, y, g, names, cross, share: float, draws: int = 3) -> dict[str, float]:
    """Out-of-fold ceiling when each training fold keeps ``share`` of its groups."""
    results = []
    for seed in range(draws):
        rng = np.random.default_rng(seed)

        def keep(train: np.ndarray, rng: np.random.Generator = rng) -> np.ndarray:
            groups = np.unique(g[train])
            chosen = set(rng.choice(groups, max(1, int(len(groups) * share)), replace=False))
            return np.array([i for i in train if g[i] in chosen])

        results.append(ceiling(T.cross_validate(x, y, g, names, keep=keep), y, cross))
    return {k: round(float(np.mean([r[k] for r in results])), 4) for k in results[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=Path, default=T.PAIRS)
    ap.add_argument("--limit", type=int, help="first N pairs only (a quick check)")
    ap.add_argument("--e5-sentences", action="store_true", help="add e5 sentence alignment")
    ap.add_argument("--no-e5", action="store_true", help="USE feature sets only")
    args = ap.parse_args()
    start = time.perf_counter()
    rows = list(csv.DictReader(args.pairs.open(encoding="utf-8")))[: args.limit]
    y = np.array([float(r["Overall"]) for r in rows])
    g, n = T.groups(rows), len(rows)
    cross = np.array([r["lang1"] != r["lang2"] for r in rows])
    texts = [r["text1"] for r in rows] + [r["text2"] for r in rows]
    langs = [r["lang1"] for r in rows] + [r["lang2"] for r in rows]
    caches = {"use": T.load_cache("use"), "e5": {} if args.no_e5 else T.load_cache("e5")}
    use = T.cached(T.encode_use, caches["use"])
    e5 = None if args.no_e5 else T.cached(T.encode_e5, caches["e5"])
    profs = F.profiles(texts, langs, use, e5)
    names = F.USE_FEATURES + (() if args.no_e5 else F.E5_FEATURES)
    feats = [F.pair_features(profs[i], profs[n + i]) for i in range(n)]
    x = np.array([[f[k] for k in names] for f in feats])
    extra = extra_features(profs, n, texts, use)
    print(f"features at {time.perf_counter() - start:.0f} s", file=sys.stderr)

    out: dict[str, dict[str, float]] = {}

    def run(label: str, xx: np.ndarray, nm: tuple[str, ...], **learner) -> None:
        out[label] = ceiling(T.cross_validate(xx, y, g, nm, **learner), y, cross)
        print(
            f"{label:34s} " + "  ".join(f"{k} {v:.3f}" for k, v in out[label].items()),
            file=sys.stderr,
            flush=True,
        )

    for model in ("use",) + (() if args.no_e5 else ("e5",)):
        cols = F.USE_FEATURES if model == "use" else names
        base = x[:, [names.index(c) for c in cols]]
        run(f"{model}: shipped features", base, cols)
        for block, values in extra.items():
            tags = tuple(f"{block}:{k}" for k in range(values.shape[1]))
            run(f"{model}: + {block}", np.hstack([base, values]), cols + tags)
        every = np.hstack([base, *extra.values()])
        tags = tuple(f"extra:{k}" for k in range(every.shape[1] - base.shape[1]))
        run(f"{model}: + all of the above", every, cols + tags)
        run(f"{model}: linear only", base, cols, blend=1.0)
        run(f"{model}: trees only", base, cols, blend=0.0)
        run(f"{model}: trees of depth 5", base, cols, trees=T.TREES | {"max_depth": 5})
        for share in (0.25, 0.5, 0.75):
            out[f"{model}: {share:.0%} of the training pairs"] = learning_curve(
                base, y, g, cols, cross, share
            )
            print(
                f"{model}: {share:.0%} of training: {out[f'{model}: {share:.0%} of the training pairs']}",
                file=sys.stderr,
                flush=True,
            )
    if args.e5_sentences and not args.no_e5:
        align = sentence_alignment(texts, langs, n)
        tags = tuple(f"e5_align:{k}" for k in range(align.shape[1]))
        run("e5: + e5 sentence alignment", np.hstack([x, align]), names + tags)
    for name, cache in caches.items():
        if cache:
            T.save_cache(name, cache)
    print(
        json.dumps(
            {"pairs": n, "seconds": round(time.perf_counter() - start), "ceiling": out}, indent=1
        )
    )


if __name__ == "__main__":
    main()
