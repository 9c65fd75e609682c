"""`storyline ingest` end to end on real texts: articles/s, MB/s, peak RSS, time per stage.

    .venv/bin/python bench/pipeline_speed.py [--n 2000] [--residue 482] [--cores 1,2]
                                             [--src OTHER/src] [--small]

Inputs (real text, ../shared/data): the first ``--n`` distinct SemEval-2022 dev texts
(10 languages) as one JSONL stream (outlet = a hash of the article id into 40 outlets, the
way a feed mixes them), and the residue-dev page text dumps as text files (``--residue``).

Per input and per core count (the process is pinned to that many cores, so ``1`` is what
the pipeline does without its worker pools, in the same run):

* ``cold``: the ``storyline ingest`` console script in a fresh process into a fresh
  database: process start, imports and model loads included (wall time of the process);
* ``steady``: the same CLI command called in a process whose models are already loaded
  (a warm-up ingest of other texts first), with the wall time per stage (read, clean,
  language, reuse, profile, assign, compare, store: from :mod:`storyline.stages`; language
  detection runs inside cleaning, its share is measured in the cleaning workers).

``--small`` also times a 2-article ingest into a fresh database and ``storyline compare``
of the two seed reports (cold processes, the on-disk indexes already built). ``--src``
runs the same measurements against another checkout's ``src`` (for before/after ratios in
one run). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data"
PAIRS = DATA / "semeval2022-dev" / "pairs.csv"
RESIDUE = DATA / "residue-dev" / "text"
SEEDS = ROOT / "examples"


def dev_texts() -> list[tuple[str, str]]:
    """(article id, text) of every distinct SemEval dev text, in file order."""
    seen: dict[str, str] = {}
    with PAIRS.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for key, aid in zip(("text1", "text2"), row["pair_id"].split("_"), strict=True):
                seen.setdefault(row[key], aid)
    return [(aid, text) for text, aid in seen.items()]


def write_jsonl(path: Path, texts: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for aid, text in texts:
            outlet = int(hashlib.sha1(aid.encode()).hexdigest(), 16) % 40
            out.write(json.dumps({"url": f"https://example.org/{aid}", "source": f"outlet{outlet}",
                                  "text": text}, ensure_ascii=False) + "\n")  # fmt: skip
    return path


def _env(src: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = f"{src}{os.pathsep}{env.get('PYTHONPATH', '')}"
    return env


def _pinned(cores: int) -> list[str]:
    return ["taskset", "-c", ",".join(str(c) for c in sorted(os.sched_getaffinity(0))[:cores])]


def cold(args: list[str], cores: int, src: Path | None) -> dict:
    """Wall seconds and peak RSS of ``storyline ARGS`` in a fresh process."""
    cmd = [*_pinned(cores), sys.executable, "-m", "storyline.cli", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(src), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime  # with the pool workers it waited for
    return {"seconds": round(seconds, 2), "cpu_s": round(cpu, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024)}  # fmt: skip


def steady(target: Path, warm: Path, cores: int, src: Path | None, tmp: Path) -> dict:
    """Run :func:`_steady_child` in a fresh process pinned to ``cores``."""
    cmd = [*_pinned(cores), sys.executable, __file__, "--steady-child", str(target), str(warm),
           str(tmp)]  # fmt: skip
    out = subprocess.run(cmd, env=_env(src), capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"steady run failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _steady_child(target: str, warm: str, tmp: str) -> None:
    """Warm up (models, indexes), then time the CLI's ingest of ``target`` per stage."""
    from storyline.cli import main

    def ingest(path: str, db: str) -> None:
        main(["ingest", "--quiet", "--db", db, path], standalone_mode=False)

    ingest(warm, os.path.join(tmp, "warm.db"))
    stages, language = _stage_clock()
    start, cpu = time.perf_counter(), _cpu()
    if stages is None:
        ingest(target, os.path.join(tmp, "steady.db"))
    else:
        from storyline.stages import watch

        with watch(stages):
            ingest(target, os.path.join(tmp, "steady.db"))
        stages.stop()
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    shares = _shares(stages.seconds if stages else {}, language, seconds)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "cpu_s": round(cpu, 2),
                      "peak_rss_mb": round(rss), "stages": shares,
                      "module": os.path.dirname(sys.modules["storyline"].__file__ or "")}))  # fmt: skip


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _stage_clock():
    """A stage clock and shared counters [language s, cleaning s] summed over the cleaning
    workers (forked: they inherit the shared memory); (None, None) on a checkout without
    :mod:`storyline.stages`."""
    import multiprocessing

    try:
        from storyline.stages import StageClock
    except ImportError:
        return None, None
    from storyline.clean import cleaner

    spent = multiprocessing.Array("d", 2, lock=True)
    detect, clean = cleaner.detect_language, cleaner.clean

    def timed_detect(text):
        t = time.perf_counter()
        try:
            return detect(text)
        finally:
            with spent.get_lock():
                spent[0] += time.perf_counter() - t

    def timed_clean(*args, **kwargs):
        t = time.perf_counter()
        try:
            return clean(*args, **kwargs)
        finally:
            with spent.get_lock():
                spent[1] += time.perf_counter() - t

    cleaner.detect_language, cleaner.clean = timed_detect, timed_clean
    return StageClock(), spent


def _shares(seconds: dict[str, float], language, total: float) -> dict[str, float]:
    """Share of the wall time per stage; language is cut out of cleaning by the share of
    the cleaning workers' time that language detection took."""
    seconds = dict(seconds)
    if language is not None and language[1] > 0 and "clean" in seconds:
        part = seconds["clean"] * min(1.0, language[0] / language[1])
        seconds["clean"] -= part
        seconds["language"] = part
    order = ("read", "clean", "language", "reuse", "profile", "assign", "compare", "store")
    shares = {k: round(seconds.get(k, 0.0) / total, 3) for k in order}
    shares["other"] = round(1 - sum(shares.values()), 3)
    return shares


def run_input(name: str, path: Path, warm: Path, count: int, cores: int, src, tmp) -> dict:
    mb = sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size
    mb /= 1e6
    cold_run = cold(["ingest", "--quiet", "--db", str(tmp / f"{name}-{cores}.db"), str(path)],
                    cores, src)  # fmt: skip
    steady_run = steady(path, warm, cores, src, tmp)
    return {
        "input": name,
        "cores": cores,
        "articles": count,
        "mb": round(mb, 2),
        "seconds": cold_run["seconds"],
        "cpu_s": cold_run["cpu_s"],
        "articles_per_s": round(count / cold_run["seconds"], 1),
        "mb_per_s": round(mb / cold_run["seconds"], 3),
        "peak_rss_mb": cold_run["peak_rss_mb"],
        "steady": {
            "seconds": steady_run["seconds"],
            "cpu_s": steady_run["cpu_s"],
            "module": steady_run["module"],
            "articles_per_s": round(count / steady_run["seconds"], 1),
            "peak_rss_mb": steady_run["peak_rss_mb"],
        },
        "stages": steady_run["stages"],
    }


def small(cores: int, src: Path | None, tmp: Path) -> dict:
    """2-article ingest into a fresh database; compare of the seed pair (cold processes)."""
    seeds = sorted(SEEDS.glob("*.txt"))[:2]
    cold(["compare", str(seeds[0])], cores, src)  # builds the on-disk indexes if missing
    ingest = cold(["ingest", "--quiet", "--db", str(tmp / f"two-{cores}.db"), *map(str, seeds)],
                  cores, src)  # fmt: skip
    compare = cold(["compare", *map(str, seeds)], cores, src)
    return {"cores": cores, "ingest_2_s": ingest["seconds"], "ingest_2_cpu_s": ingest["cpu_s"],
            "compare_seeds_s": compare["seconds"], "compare_seeds_cpu_s": compare["cpu_s"]}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="SemEval dev texts (max 2,502)")
    ap.add_argument("--residue", type=int, default=482, help="residue-dev text files (0: none)")
    ap.add_argument("--cores", default="2", help="comma-separated core counts to pin to")
    ap.add_argument("--src", type=Path, help="another checkout's src/ to measure instead")
    ap.add_argument("--small", action="store_true", help="also time 2-article ingest, compare")
    ap.add_argument("--steady-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.steady_child:
        _steady_child(*args.steady_child)
        return 0
    if not PAIRS.exists():
        print(f"no dev data at {PAIRS}", file=sys.stderr)
        return 1
    runs, smalls = [], []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        texts = dev_texts()
        dev = write_jsonl(tmp / "dev.jsonl", texts[: args.n])
        warm = write_jsonl(tmp / "warm.jsonl", texts[-20:])
        inputs = [("semeval-dev.jsonl", dev, min(args.n, len(texts)))]
        if args.residue and RESIDUE.exists():
            folder = tmp / "residue"
            folder.mkdir()
            for p in sorted(RESIDUE.glob("*.txt"))[: args.residue]:
                (folder / p.name).symlink_to(p.resolve())
            inputs.append(("residue-dev text", folder, len(list(folder.iterdir()))))
        for cores in (int(c) for c in args.cores.split(",")):
            for label, path, count in inputs:
                runs.append(run_input(label.split()[0], path, warm, count, cores, args.src, tmp))
            if args.small:
                smalls.append(small(cores, args.src, tmp))
    load = os.getloadavg()
    print(json.dumps({"src": str(args.src or ROOT / "src"), "runs": runs, "small": smalls,
                      "load_before_after": [round(x, 2) for x in load]}, indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
