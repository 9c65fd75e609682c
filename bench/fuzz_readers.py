"""Fuzz the readers (text, HTML, JSONL, CSV) and clean/compare with generated hostile inputs.

    .venv/bin/python bench/fuzz_readers.py [--inputs 100000] [--seed 0] [--deep-every 20]

Each input comes from tests/fuzzgen.py (random bytes, broken encodings, huge lines, deep
nesting, wrong JSON types, CSV quoting errors, mutations of good inputs) and is read with
``storyline.ingest.read_text``; every ``--deep-every``-th input's articles are also cleaned
(``clean_batch``) and compared with a good article (``compare``). Prints one JSON object:
inputs per kind, articles and failures, unhandled exceptions (first examples), hangs (an
input taking more than 10 s: stopped by an alarm), the slowest input, and peak RSS. The
targets (issue #14): 0 unhandled exceptions, 0 hangs, peak RSS <= 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzzgen import generate, good  # noqa: E402

from storyline.clean import clean_batch  # noqa: E402
from storyline.compare import compare  # noqa: E402
from storyline.ingest import read_text  # noqa: E402
from storyline.model import Article, Failure, Story  # noqa: E402
from storyline.pipeline import clean_items  # noqa: E402

HANG_SECONDS = 10


class Hang(BaseException):
    """Raised by the alarm when one input takes longer than HANG_SECONDS."""


def _alarm(_signum: int, _frame: object) -> None:
    raise Hang


def run_one(data: bytes, name: str, fmt: str, deep: bool, partner: Article) -> tuple[int, int]:
    """(articles, failures) of one input; raises whatever the library lets through."""
    items = read_text(data, name=name, format=fmt)
    for item in items:
        if isinstance(item, Failure) and not (item.input.startswith(name) and item.reason):
            raise AssertionError(f"failure does not name its input: {item!r:.200}")
        if not isinstance(item, Article | Failure):
            raise AssertionError(f"reader yielded {type(item).__name__}")
    articles = [a for a in items if isinstance(a, Article)]
    if deep and articles:  # as the pipeline does: size check, clean, compare
        cleaned = [a for a in clean_items(articles) if isinstance(a, Article)]
        members = list({a.id: a for a in [partner, *cleaned]}.values())
        compare(Story("st-fuzz", tuple(a.id for a in members)), members)
    return len(articles), len(items) - len(articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--deep-every", type=int, default=20, help="clean+compare every Nth")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    partner = next(a for a in clean_batch(read_text(good("text"), name="p.txt")))  # type: ignore[arg-type]
    signal.signal(signal.SIGALRM, _alarm)
    kinds: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    examples: list[str] = []
    slowest = (0.0, "")
    start = time.perf_counter()
    for i in range(args.inputs):
        kind, name, data, fmt = generate(rng)
        kinds[kind] += 1
        began = time.perf_counter()
        signal.alarm(HANG_SECONDS)
        try:
            found, failed = run_one(data, name, fmt, i % args.deep_every == 0, partner)
            counts["articles"] += found
            counts["failures"] += failed
        except Hang:
            counts["hangs"] += 1
            examples.append(f"hang: input {i} ({kind}, {fmt}, {len(data)} bytes)")
        except Exception as exc:  # noqa: BLE001 - counted: the target is zero
            counts["unhandled"] += 1
            if len(examples) < 10:
                examples.append(f"input {i} ({kind}, {fmt}): {type(exc).__name__}: {exc}"[:300])
        finally:
            signal.alarm(0)
        if (i + 1) % 10_000 == 0:  # progress, so a long run can be read before it ends
            print(f"{i + 1} inputs, {dict(counts)}, {time.perf_counter() - start:.0f} s",
                  file=sys.stderr, flush=True)  # fmt: skip
        took = time.perf_counter() - began
        if took > slowest[0]:
            slowest = (took, f"input {i} ({kind}, {fmt}, {len(data)} bytes)")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "inputs": args.inputs, "seed": args.seed, "deep_every": args.deep_every,
        "kinds": dict(sorted(kinds.items())),
        "articles": counts["articles"], "failures": counts["failures"],
        "unhandled_exceptions": counts["unhandled"], "hangs_over_10s": counts["hangs"],
        "examples": examples,
        "slowest_s": round(slowest[0], 2), "slowest": slowest[1],
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "seconds": round(time.perf_counter() - start, 1),
        "load": os.getloadavg()[0],
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
