"""`storyline ingest` on real text, this checkout vs another (the ingest-speed guard of #18).

    .venv/bin/python bench/judge_ingest.py [--n 400] [--base-src /tmp/base/src] [--runs 2]

Writes the first N distinct article texts of ../shared/data/semeval2022-dev/pairs.csv (same
story pairs in several languages, so stories form and get compared) as .txt files to a
temporary folder, then times `python -m storyline.cli ingest DIR --db NEW.db --quiet` in a
fresh process (model loads included), with this checkout's src/ and, when given, with
``--base-src`` (e.g. ``git archive main | tar -x -C /tmp/base``); runs alternate and the
best of ``--runs`` counts. Prints JSON with seconds per run, the ratio and the load average.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "data" / "semeval2022-dev" / "pairs.csv"


def texts(n: int) -> list[str]:
    csv.field_size_limit(1 << 24)
    seen: dict[str, None] = {}
    with PAIRS.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for key in ("text1", "text2"):
                text = (row.get(key) or "").strip()
                if len(text) > 200:
                    seen.setdefault(text, None)
            if len(seen) >= n:
                break
    return list(seen)[:n]


def run(src: Path, folder: Path) -> float:
    db = folder / f"run-{time.monotonic_ns()}.db"
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", str(folder / "in"), "--db", str(db),
           "--quiet"]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--base-src", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        for k, text in enumerate(texts(args.n)):
            (folder / "in" / f"{k:05d}.txt").write_text(text, encoding="utf-8")
        srcs = {"this": ROOT / "src"} | ({"base": args.base_src} if args.base_src else {})
        times: dict[str, list[float]] = {name: [] for name in srcs}
        for _ in range(args.runs):
            for name, src in srcs.items():
                times[name].append(round(run(src, folder), 2))
    out: dict[str, object] = {"articles": args.n, "seconds": times}
    if "base" in times:
        out["ratio_this_to_base"] = round(min(times["this"]) / min(times["base"]), 3)
    out["load"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
