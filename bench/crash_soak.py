"""Crash soak: SIGKILL a real ``storyline ingest`` at every fault point of every stage (and
after random delays), and check the database after each kill and after the run that follows.

    .venv/bin/python bench/crash_soak.py [--articles 16] [--points 60] [--delays 10] [--resume-every 1]

A base database holds one earlier ingest of ``--articles`` real articles (SemEval-2022 pairs
in ../shared/data); the killed run ingests as many more. The reference is the same second
ingest run without interruption. The kill points are the (fault point, n-th time reached)
pairs that run passes (see storyline/faults.py), ``--points`` of them spread evenly, plus
``--delays`` kills after a random delay. After each kill: ``PRAGMA integrity_check``, articles
stranded without a story, and whether the content is the base's ("before") or the
reference's ("after"); then (every ``--resume-every``-th kill) the ingest is run again and
its content compared with the reference. Prints one JSON object; the target (issue #14):
>= 50 kill points, 0 stranded articles, every final state equal to the reference.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.store.crash import ingest, kill, kill_after, resume, trace, write_corpus  # noqa: E402

from storyline.maintenance import content_digest  # noqa: E402

PAIRS = ROOT.parent / "shared" / "data" / "semeval2022-dev" / "pairs.csv"


def spread(items: list, n: int) -> list:
    """``n`` items of ``items`` spread evenly (all of them when there are fewer)."""
    if len(items) <= n:
        return list(items)
    return [items[round(i * (len(items) - 1) / (n - 1))] for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=16)
    parser.add_argument("--points", type=int, default=60)
    parser.add_argument("--delays", type=int, default=10)
    parser.add_argument("--resume-every", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not PAIRS.exists():
        raise SystemExit(f"{PAIRS} is missing: the soak needs ../shared/data")
    tmp = Path(tempfile.mkdtemp(prefix="crash-soak-"))
    try:
        print(json.dumps(soak(tmp, args), indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def soak(tmp: Path, args: argparse.Namespace) -> dict:
    first = write_corpus(PAIRS, tmp / "first.jsonl", args.articles)
    second = write_corpus(PAIRS, tmp / "second.jsonl", args.articles, skip=args.articles)
    base = tmp / "base.db"
    if ingest(base, [first]).returncode != 0:
        raise SystemExit("the base ingest failed")
    ref = tmp / "ref.db"
    shutil.copy(base, ref)
    started = time.perf_counter()
    hits = trace(ref, [second], tmp / "trace.txt")
    uninterrupted = time.perf_counter() - started
    digests = {"before": content_digest(base), "after": content_digest(ref)}
    rng = random.Random(args.seed)
    plan: list[tuple[str, object]] = [("point", p) for p in spread(hits, args.points)]
    plan += [("delay", rng.uniform(0.5, uninterrupted)) for _ in range(args.delays)]
    results = [_one(tmp, base, second, i, plan_item, digests, args) for i, plan_item in
               enumerate(plan)]  # fmt: skip
    return _summary(hits, results, uninterrupted, args)


def _one(tmp, base, second, i, item, digests, args) -> dict:  # type: ignore[no-untyped-def]
    db = tmp / f"k{i}.db"
    shutil.copy(base, db)
    how, what = item
    outcome = kill(db, [second], what) if how == "point" else kill_after(db, [second], what)
    state = next((k for k, v in digests.items() if v == outcome.digest), "other")
    row = {"kill": outcome.point, "killed": outcome.killed, "integrity": outcome.integrity,
           "stranded": outcome.stranded, "state": state}  # fmt: skip
    if i % args.resume_every == 0:
        row["final_equal"] = resume(db, [second], outcome, digests["after"]).equal
    for path in tmp.glob(f"k{i}.db*"):
        path.unlink()
    print(json.dumps(row), file=sys.stderr, flush=True)
    return row


def _summary(hits, results, uninterrupted, args) -> dict:  # type: ignore[no-untyped-def]
    resumed = [r for r in results if "final_equal" in r]
    return {
        "articles_base": args.articles,
        "articles_killed_run": args.articles,
        "fault_points_reached": len(hits),
        "stages": sorted({name for name, _ in hits}),
        "kills": len(results),
        "killed": sum(r["killed"] for r in results),
        "integrity_ok": sum(r["integrity"] == "ok" for r in results),
        "stranded_articles": sum(r["stranded"] for r in results),
        "states": dict(Counter(r["state"] for r in results)),
        "resumed": len(resumed),
        "final_equal": sum(bool(r["final_equal"]) for r in resumed),
        "uninterrupted_s": round(uninterrupted, 1),
        "load": os.getloadavg()[0],
    }


if __name__ == "__main__":
    main()
