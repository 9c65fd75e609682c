"""Streaming story assignment at scale: 1,000,000 articles already indexed, then a stream.

    .venv/bin/python bench/stream.py [--preload 1000000] [--stream 5000] [--terms N]

What is synthetic (said plainly): the preloaded articles are random unit vectors with index
terms (``terms`` per article: the assigner's default unless ``--terms``) drawn from a Zipf
vocabulary, spread over the 365 days before the stream, in stories of 1-8 articles (the last
days fall inside the candidate window, so their postings are scanned).
Stream articles get synthetic profiles shaped like real ones (whole-text, lead and 12
sentence vectors near a story topic; ~150 lemmas, ~15 entities, ~200 shingles) so the
pair-similarity model really runs on every rescored candidate. Encoding text with USE is not
part of assignment and not timed here (see docs/stories.md for that cost).

Compared in the same run: brute force over all preloaded int8 vectors (what a user would do
without an index) for the same queries.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storyline.model import Article  # noqa: E402
from storyline.stories.features import Profile  # noqa: E402
from storyline.stories.stream import StoryAssigner, quantise, term_key  # noqa: E402

VOCAB = 200_000
START = 28_000_000  # minutes since 1970 (2023)


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def preload(assigner: StoryAssigner, n: int, rng: np.random.Generator) -> None:
    chunk = 100_000
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        times = START - rng.integers(0, 365 * 24 * 60, m)
        times.sort()
        vecs = quantise(unit(rng.standard_normal((m, assigner.dims))))
        words = rng.zipf(1.3, (m, assigner.terms)) % VOCAB
        terms = [[term_key(f"l:w{w:05d}") for w in row] for row in words]
        stories = [f"old-{(start + i) // 4}" for i in range(m)]
        ids = [f"a{start + i:08d}" for i in range(m)]
        assigner.bulk_load(ids, times, vecs, terms, stories)


def synthetic_profile(topic: np.ndarray, vocab: np.ndarray, rng: np.random.Generator) -> Profile:
    noise = lambda k: unit(topic + 0.02 * rng.standard_normal((k, 512)))  # noqa: E731
    own = rng.choice(vocab[:160], 140, replace=False)  # reports of one story share most words
    common = rng.zipf(1.3, 50) % VOCAB
    names = np.concatenate([vocab[:12], rng.choice(vocab[160:], 3, replace=False)])
    shared = [int(w) * 7919 for w in vocab[:120]]  # the story's wire passages
    return Profile(
        language="de",
        chars=2000,
        lemmas=frozenset(f"w{w:05d}" for w in np.concatenate([own, common])),
        entities=frozenset(f"w{w:05d}" for w in names),
        numbers=frozenset(str(w) for w in vocab[:5]),
        shingles=frozenset([*rng.choice(shared, 80), *rng.integers(0, 2**31, 120).tolist()]),
        use=noise(1)[0],
        use_lead=noise(1)[0],
        use_sentences=noise(12),
    )


def stream(assigner: StoryAssigner, n: int, rng: np.random.Generator) -> np.ndarray:
    topics = unit(rng.standard_normal((n // 5 + 1, 512)))
    vocabs = [rng.choice(VOCAB, 200, replace=False) for _ in topics]
    lat = np.zeros(n)
    for i in range(n):
        s = int(rng.integers(0, len(topics)))
        prof = synthetic_profile(topics[s], vocabs[s], rng)
        art = Article(id=f"s{i}", source="bench", raw="x", text="bench " * 10, language="de")
        t = START + i // 10
        t0 = time.perf_counter()
        assigner._assign_at(art, prof, t)
        lat[i] = time.perf_counter() - t0
    return lat


def brute_force(assigner: StoryAssigner, queries: int, rng: np.random.Generator) -> float:
    q = quantise(unit(rng.standard_normal((queries, assigner.dims)))).astype(np.int32)
    vecs = assigner.vectors_[: assigner.n_articles_]
    t0 = time.perf_counter()
    for row in q:
        np.argpartition(-(vecs @ row.astype(np.int8)).astype(np.int32), 8)[:8]
    return (time.perf_counter() - t0) / queries


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preload", type=int, default=1_000_000)
    ap.add_argument("--stream", type=int, default=5000)
    ap.add_argument("--terms", type=int, help="index terms per article (default: the assigner's)")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    assigner = StoryAssigner(**({} if args.terms is None else {"terms": args.terms}))
    before = rss_bytes()
    t0 = time.perf_counter()
    preload(assigner, args.preload, rng)
    load_s = time.perf_counter() - t0
    per_article = (rss_bytes() - before) / max(args.preload, 1)
    lat = stream(assigner, args.stream, rng)
    brute = brute_force(assigner, 50, rng)
    joined = sum(1 for i in range(args.stream) if assigner.best_[args.preload + i] >= 0)
    print("| measure | value |\n|---|---|")
    print(f"| preloaded articles | {args.preload:,} (bulk load {load_s:.0f} s) |")
    print(f"| RAM per indexed article (RSS growth / articles) | {per_article:,.0f} bytes |")
    print(f"| streamed articles | {args.stream:,} ({joined:,} joined an existing story) |")
    print(f"| assignment throughput | {args.stream / lat.sum():,.0f} articles/s |")
    print(
        f"| latency p50 / p99 | {1e3 * np.percentile(lat, 50):.2f} / "
        f"{1e3 * np.percentile(lat, 99):.2f} ms |"
    )
    print(
        f"| brute-force int8 scan of all articles, candidate step only | "
        f"{1e3 * brute:.1f} ms/article ({brute / np.median(lat):.1f}x the indexed p50) |"
    )
    print(f"| profile cache | {len(assigner.profiles_):,} profiles |")
    save_s, load_s, size = state_round_trip(assigner)
    n = assigner.n_articles_
    print(
        f"| saved state (`state_codec`): size, save / load | {size / n:,.0f} bytes/article, "
        f"{save_s:.2f} / {load_s:.2f} s |"
    )
    print(
        f"| alternative: replaying {n:,} articles at the measured rate | "
        f"{n / (args.stream / lat.sum()):,.0f} s ({n / (args.stream / lat.sum()) / load_s:,.0f}x "
        f"the load) |"
    )


def state_round_trip(assigner: StoryAssigner) -> tuple[float, float, int]:
    """Seconds to save and to load the assigner's state, and its size in bytes."""
    from storyline.stories.state_codec import state_from_bytes, state_to_bytes

    t0 = time.perf_counter()
    data = state_to_bytes(assigner)
    t1 = time.perf_counter()
    state_from_bytes(data)
    return t1 - t0, time.perf_counter() - t1, len(data)


if __name__ == "__main__":
    main()
