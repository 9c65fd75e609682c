"""Memory and batch time of a growing database: `storyline ingest` of batch after batch.

    .venv/bin/python bench/pipeline_memory.py [--batches 10] [--batch-size 10000]

Real-like articles made from real text: the sentences of the SemEval-2022 dev texts
(../shared/data, 10 languages), recombined per language into new reports. A report takes
most sentences of one dev text (its story) plus sentences of other texts of the same
language, so stories recur across outlets the way wire copy does; 200 outlets; publication
times advance through the batches (a backfill of one month per 10 batches), so the
streaming assigner's time window moves on as in a real feed.

Each batch is one `storyline ingest` process into the same SQLite database (the way a
scheduled ingest runs), timed from process start; its peak RSS is the process's. Prints one
JSON object: per batch the articles in the database, seconds, articles/s and peak RSS, and
the ratio of the slowest of the last batches to the first.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipeline_speed import PAIRS, dev_texts  # noqa: E402

START = datetime(2024, 3, 1, tzinfo=UTC)


def sentence_pool() -> tuple[list[tuple[str, list[str]]], dict[str, list[str]]]:
    """(language, sentences) per dev text, and every sentence per language."""
    from storyline.text.lang import detect_language
    from storyline.text.segment import split_sentences

    texts, by_lang = [], defaultdict(list)
    for _, text in dev_texts():
        lang = detect_language(text) or "en"
        sents = [s for s in split_sentences(text, lang) if len(s) > 20]
        if len(sents) >= 3:
            texts.append((lang, sents))
            by_lang[lang].extend(sents)
    return texts, by_lang


def report(rng: random.Random, texts, by_lang) -> tuple[str, str]:
    """(language, text) of one real-like report."""
    lang, story = rng.choice(texts)
    own = [s for s in story if rng.random() < 0.7] or story[:2]
    other = rng.sample(by_lang[lang], min(len(by_lang[lang]), rng.randint(1, 4)))
    body = own + other
    rng.shuffle(body[1:])  # the lead stays first
    return lang, " ".join(body)


def write_batch(path: Path, n: int, batch: int, total: int, rng: random.Random, pool) -> Path:
    texts, by_lang = pool
    span = timedelta(days=30) * max(1, total / 100_000)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            _, text = report(rng, texts, by_lang)
            when = START + span * ((batch * n + i) / total)
            out.write(json.dumps({"source": f"outlet{rng.randrange(200)}",
                                  "published": when.isoformat(), "text": text},
                                 ensure_ascii=False) + "\n")  # fmt: skip
    return path


def ingest(db: Path, path: Path) -> tuple[float, float, int]:
    """(seconds, CPU seconds, peak RSS in MB) of one `storyline ingest` process."""
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", "--quiet", "--db", str(db), str(path)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ingest of {path} failed: {proc.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, round(usage.ru_maxrss / 1024)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if not PAIRS.exists():
        print(f"no dev data at {PAIRS}", file=sys.stderr)
        return 1
    rng, pool = random.Random(args.seed), sentence_pool()
    total = args.batches * args.batch_size
    rows = []
    with tempfile.TemporaryDirectory() as name:
        tmp, db = Path(name), Path(name) / "big.db"
        for b in range(args.batches):
            path = write_batch(tmp / f"batch{b}.jsonl", args.batch_size, b, total, rng, pool)
            seconds, cpu, rss = ingest(db, path)
            path.unlink()
            rows.append({"batch": b + 1, "articles_in_db": (b + 1) * args.batch_size,
                         "seconds": round(seconds, 1), "cpu_s": round(cpu, 1),
                         "articles_per_s": round(args.batch_size / seconds, 1),
                         "peak_rss_mb": rss, "load": round(os.getloadavg()[0], 1)})  # fmt: skip
            print(json.dumps(rows[-1]), file=sys.stderr)
        db_mb = sum(p.stat().st_size for p in tmp.glob("big.db*")) / 1e6
    last = max(r["seconds"] for r in rows[len(rows) // 2 :])
    last_cpu = max(r["cpu_s"] for r in rows[len(rows) // 2 :])
    print(json.dumps({"batch_size": args.batch_size, "batches": rows,
                      "peak_rss_mb": max(r["peak_rss_mb"] for r in rows),
                      "last_half_slowest_vs_first": round(last / rows[0]["seconds"], 2),
                      "last_half_most_cpu_vs_first": round(last_cpu / rows[0]["cpu_s"], 2),
                      "db_mb": round(db_mb)}, indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
