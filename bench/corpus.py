"""The synthetic corpus of bench/dedup.py (code in storyline.reuse.synthetic).

.venv/bin/python bench/corpus.py --docs 1000 > corpus.jsonl   # one JSON object per text
"""

from __future__ import annotations

import argparse
import json
import sys

from storyline.reuse.synthetic import Corpus, generate

__all__ = ["Corpus", "generate", "main"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="write a synthetic corpus with ground truth")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    corpus = generate(args.docs, seed=args.seed)
    truth = {copy: (orig, kind) for orig, copy, kind in corpus.pairs}
    for i, (text, source) in enumerate(zip(corpus.texts, corpus.sources, strict=True)):
        orig, kind = truth.get(i, (None, "original"))
        print(json.dumps({"id": i, "source": source, "kind": kind, "of": orig, "text": text}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
