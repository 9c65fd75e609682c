"""What one more `storyline ingest` costs on a database that already holds N articles.

    .venv/bin/python bench/ingest_incremental.py [--n 300]

Articles: the first N distinct texts of the SemEval-2022 dev pairs
(../shared/data/semeval2022-dev/pairs.csv; skipped when absent), one JSONL file each round.
N-1 are ingested into a fresh SQLite database (not timed: profiling costs ~0.1 s per
article), then the last one is ingested twice over copies of that database:

* resumed: the assigner's saved state (`stories.state_codec`) is loaded;
* the alternative, rebuilt: the saved state is deleted first, so the assigner is rebuilt by
  replaying every stored profile (what every ingest did before the state was saved).

Both must end with the same stories; the script checks that.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "data" / "semeval2022-dev" / "pairs.csv"


def texts(n: int) -> list[str]:
    seen: dict[str, None] = {}
    with PAIRS.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for key in ("text1", "text2"):
                if len(row[key].split()) >= 20:
                    seen.setdefault(row[key])
            if len(seen) >= n:
                break
    return list(seen)[:n]


def write_jsonl(path: Path, items: list[str], first: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for k, text in enumerate(items, first):
            fh.write(json.dumps({"source": f"outlet{k % 17}", "text": text}) + "\n")
    return path


def timed_ingest(db: Path, path: Path) -> tuple[float, list]:
    from storyline.pipeline import ingest
    from storyline.store import open_store

    with open_store(db) as store:
        start = time.perf_counter()
        ingest(store, [path])
        took = time.perf_counter() - start
        return took, sorted((s.id, s.articles) for s in store.stories())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    if not PAIRS.exists():
        sys.exit(f"skipped: {PAIRS} is absent")
    items = texts(args.n)
    tmp = Path(tempfile.mkdtemp())
    base = tmp / "base.db"
    timed_ingest(base, write_jsonl(tmp / "first.jsonl", items[:-1], 0))
    last = write_jsonl(tmp / "last.jsonl", items[-1:], len(items) - 1)
    shutil.copy(base, tmp / "resumed.db")
    shutil.copy(base, tmp / "rebuilt.db")
    with sqlite3.connect(tmp / "rebuilt.db") as conn:
        conn.execute("DELETE FROM assigner_state")
    resumed, stories_a = timed_ingest(tmp / "resumed.db", last)
    rebuilt, stories_b = timed_ingest(tmp / "rebuilt.db", last)
    assert stories_a == stories_b, "resumed and rebuilt assigners disagree"
    shutil.rmtree(tmp)
    print(f"| one more ingest, {len(items) - 1} articles stored | seconds | vs rebuilt |")
    print("|---|---:|---:|")
    print(f"| resumed from the saved state | {resumed:.2f} | {rebuilt / resumed:.1f}x |")
    print(f"| rebuilt by replaying the stored profiles | {rebuilt:.2f} | 1.0x |")
    print(f"stories: {len(stories_a)} (the same either way)")


if __name__ == "__main__":
    main()
