"""Harness for crash tests: real ``storyline ingest`` subprocesses, killed (SIGKILL) at the
named fault points of :mod:`storyline.faults` or after a delay, then run again; used by
tests/store/test_crash.py and bench/crash_soak.py."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from storyline.faults import FAULT_ENV, TRACE_ENV
from storyline.maintenance import content_digest

#: Seconds one ingest may take before the harness gives up on it.
RUN_TIMEOUT = 300


def write_corpus(pairs_csv: Path, out: Path, n: int, *, skip: int = 0) -> Path:
    """``n`` real articles (SemEval-2022 pairs, most similar pairs first, so stories form) as
    JSON Lines, with fixed publication times so two runs store the same thing."""
    rows = sorted(csv.DictReader(pairs_csv.open(encoding="utf-8")), key=lambda r: r["Overall"])
    texts: list[dict[str, str]] = []
    seen: set[str] = set()
    for row in (r for r in rows if r["augmented"] != "1"):
        for k in ("1", "2"):
            text = row["text" + k]
            if text not in seen and len(text) >= 200:
                seen.add(text)
                texts.append({"text": text, "language": row["lang" + k]})
    with out.open("w", encoding="utf-8") as f:
        for i, item in enumerate(texts[skip : skip + n], start=skip):
            stamp = f"2020-01-{1 + (i // 24) % 3:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
            f.write(json.dumps({**item, "source": f"outlet{i % 7}", "published": stamp}) + "\n")
    return out


def ingest(
    db: Path, inputs: list[Path], *, env: dict[str, str] | None = None, lock_timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``storyline ingest`` in a subprocess (fixed hash seed: equal runs, equal bytes)."""
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", *map(str, inputs), "--db", str(db)]
    cmd += ["--quiet", "--lock-timeout", str(lock_timeout)]
    base = {k: v for k, v in os.environ.items() if k not in (FAULT_ENV, TRACE_ENV)}
    full = {**base, "PYTHONHASHSEED": "0", **(env or {})}
    return subprocess.run(cmd, env=full, capture_output=True, text=True, timeout=RUN_TIMEOUT)


def trace(db: Path, inputs: list[Path], trace_file: Path) -> list[tuple[str, int]]:
    """Ingest uninterrupted, and every (point, n-th time reached) on the way, in order."""
    done = ingest(db, inputs, env={TRACE_ENV: str(trace_file)})
    if done.returncode != 0:
        raise RuntimeError(f"reference ingest failed: {done.stderr[-2000:]}")
    seen: Counter[str] = Counter()
    hits = []
    for name in trace_file.read_text(encoding="utf-8").split():
        seen[name] += 1
        hits.append((name, seen[name]))
    return hits


@dataclass(frozen=True)
class Outcome:
    """One kill: whether it happened, the file right after it (``PRAGMA integrity_check``,
    articles stranded without a story, content digest), and, when the run after it was made,
    whether the final content equals the uninterrupted run's."""

    point: str
    killed: bool
    integrity: str
    stranded: int
    digest: dict[str, str]
    equal: bool | None = None


def kill(db: Path, inputs: list[Path], point: tuple[str, int]) -> Outcome:
    """Ingest ``inputs`` into ``db`` killed at ``point`` = (fault point, n-th time reached)."""
    spec = f"{point[0]}:{point[1]}"
    first = ingest(db, inputs, env={FAULT_ENV: spec})
    return _inspected(db, spec, first.returncode == -signal.SIGKILL)


def kill_after(db: Path, inputs: list[Path], delay: float) -> Outcome:
    """Ingest ``inputs`` into ``db`` and SIGKILL it after ``delay`` seconds."""
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", *map(str, inputs), "--db", str(db)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.Popen(cmd + ["--quiet"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        proc.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        killed = True
    return _inspected(db, f"after {delay:.2f} s", killed)


def resume(db: Path, inputs: list[Path], outcome: Outcome, reference: dict[str, str]) -> Outcome:
    """Ingest ``inputs`` again after the kill; ``equal``: the content is the reference's."""
    again = ingest(db, inputs)
    if again.returncode != 0:
        raise RuntimeError(f"ingest after the kill {outcome.point} failed: {again.stderr[-2000:]}")
    return replace(outcome, equal=content_digest(db) == reference)


def _inspected(db: Path, label: str, killed: bool) -> Outcome:
    integrity, stranded = inspect(db)
    return Outcome(label, killed, integrity, stranded, content_digest(db))


def inspect(db: Path) -> tuple[str, int]:
    """(``PRAGMA integrity_check`` result, articles stored without a story profile)."""
    if not db.exists():
        return "ok", 0
    conn = sqlite3.connect(db)
    try:
        result = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "story_profiles" not in names:
            return result, 0
        sql = (
            "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article_id FROM story_profiles)"
        )
        return result, int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()
