"""Speed of ``clean`` with the credit grammar against ``clean`` of an earlier commit, same run.

    .venv/bin/python bench/credits_speed.py [--baseline 208caad] [--rounds 3] [--n 1000]

The corpus: ``--n`` generated German-like reports (bench/ingest_speed.py's generator, 1-3 KB
with scraping residue), plus, when ../shared/data is there, the 2,502 distinct SemEval-2022
news texts and the 482 residue-dev page dumps. The baseline's ``src/`` is exported with
``git archive`` into a temporary folder; each round cleans the whole corpus once in a fresh
process per tree (baseline, then current; models loaded before timing), timed in CPU seconds
of that process, and the best round of each is kept. Prints one JSON object: seconds per tree, articles, and current/baseline.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data"
#: The last commit before the credit grammar (issue 19).
BASELINE = "208caad"


def corpus(n: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    from ingest_speed import report

    rng = random.Random(0)
    texts = [report(rng) for _ in range(n)]
    pairs = DATA / "semeval2022-dev" / "pairs.csv"
    if pairs.is_file():
        seen: dict[str, str] = {}
        with open(pairs, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for k in ("text1", "text2"):
                    seen.setdefault(hashlib.sha1(row[k].encode()).hexdigest(), row[k])
        texts += list(seen.values())
    pages = DATA / "residue-dev" / "text"
    if pages.is_dir():
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(pages.glob("*"))]
    return texts


def worker(path: Path) -> None:
    """Clean every text of the JSON list at ``path``; print the CPU seconds it took (CPU
    time, not wall time, so that other work on a shared machine counts less)."""
    from storyline.clean.cleaner import clean
    from storyline.model import Article

    texts = json.loads(path.read_text(encoding="utf-8"))
    clean(Article("warm", "w", texts[0], texts[0]))
    t0 = time.process_time()
    for i, text in enumerate(texts):
        clean(Article(str(i), f"s{i % 7}", text, text))
    print(time.process_time() - t0)


def export(ref: str, folder: Path) -> Path:
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"],
                          check=True, capture_output=True).stdout  # fmt: skip
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def timed(src: Path, texts_file: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, __file__, "--worker", str(texts_file)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default=BASELINE, help="git commit to compare with")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=1000, help="generated reports")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    texts = corpus(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        base_src = export(args.baseline, Path(tmp) / "baseline")
        base, cur = [], []
        for _ in range(args.rounds):
            base.append(timed(base_src, texts_file))
            cur.append(timed(ROOT / "src", texts_file))
    result = {"articles": len(texts), "baseline": args.baseline,
              "baseline_s": round(min(base), 2), "current_s": round(min(cur), 2),
              "ratio": round(min(cur) / min(base), 3),
              "rounds": {"baseline": [round(x, 2) for x in base],
                         "current": [round(x, 2) for x in cur]}}  # fmt: skip
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
