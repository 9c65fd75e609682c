"""Benchmark: near duplicates and shared passages on a synthetic corpus, vs datasketch.

    .venv/bin/python bench/dedup.py --docs 200000 [--json]

The corpus generator is storyline.reuse.synthetic (German-like text, ground truth kept);
the measuring code is storyline.reuse.benchmark.run_bench, which `storyline bench dedup`
calls too. datasketch is measured on a subsample (--sample, default 5,000 documents), and so
is the numpy + rensa fallback of the compiled kernels. `STORYLINE_NO_NATIVE=1` runs the whole
benchmark on that fallback.
"""

from __future__ import annotations

import argparse
import json
import sys

from storyline.reuse.benchmark import format_table, run_bench


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--passage-docs", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=5000, help="datasketch subsample")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    r = run_bench(
        args.docs, passage_docs=args.passage_docs, sample=args.sample, workers=args.workers
    )
    print(json.dumps(r) if args.json else format_table(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
