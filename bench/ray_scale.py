"""The Ray engine against the local engine on the same input, in one run (docs/scale.md).

    .venv/bin/python bench/ray_scale.py --articles 20000 [--two-nodes] [--kill]

Input: real news texts (the SemEval-2022 dev texts and the residue-dev text dumps under
../shared/data), cycled to ``--articles`` JSONL records, each copy under its own outlet and
date. Rows, each a fresh database: ``local`` (a plain ``storyline ingest``: the default
engine), ``ray`` (a local Ray instance with one actor per core; start-up reported apart),
``ray+kill`` (the same, with one actor killed with SIGKILL when a quarter of the articles
are done: a retry, not a lost run) and ``ray 2 nodes`` (``ray start --head --num-cpus 1``
and a second node joining it on 127.0.0.1: the work crosses node boundaries). Each Ray row
says whether its store equals the local one (articles, stories, comparisons, analyses,
passages, attribution). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def real_texts() -> list[str]:
    """The distinct real texts there are: SemEval dev pairs, then residue-dev dumps."""
    texts: dict[str, None] = {}
    pairs = DATA / "semeval2022-dev" / "pairs.csv"
    if pairs.exists():
        with pairs.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                texts.update({row["text1"]: None, row["text2"]: None})
    for path in sorted((DATA / "residue-dev" / "text").glob("*.txt")):
        texts[path.read_text(encoding="utf-8", errors="replace")] = None
    if not texts:
        sys.exit(f"no real texts under {DATA}; this benchmark needs ../shared/data")
    return [t for t in texts if len(t.split()) >= 20]


def write_input(path: Path, n: int) -> None:
    """``n`` JSONL records cycling the real texts; copy k of a text is outlet k's."""
    texts = real_texts()
    start = datetime(2023, 9, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            copy, k = divmod(i, len(texts))
            text = texts[k]
            when = start + timedelta(hours=(i * 7) % (24 * 60))
            record = {"source": f"outlet{copy}-{i % 40}", "published": when.isoformat(),
                      "text": text if copy == 0 else f"{text}\n\n(Ausgabe {copy})"}  # fmt: skip
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def snapshot(db: Path) -> tuple:
    from storyline.store import open_store

    with open_store(db) as store:
        arts = sorted((a.id, a.text, a.language, a.credits) for a in store.articles())
        stories = sorted((s.id, s.articles) for s in store.stories())
        comps = [store.comparison(s[0]) for s in stories]
        passages = sorted((p.a, p.a_start, p.b, p.b_start) for a in arts
                          for p in store.passages_of(a[0]))  # fmt: skip
        return arts, stories, comps, passages


def run(name: str, data: Path, db: Path, engine=None, *, kill_at: int | None = None) -> dict:
    from storyline.pipeline import ingest
    from storyline.store import open_store

    done = [0]
    killed: list[int] = []

    def tick(_item: object) -> None:
        done[0] += 1
        if kill_at is not None and done[0] == kill_at and not killed:
            pid = engine.pids()[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    start = time.perf_counter()
    with open_store(db) as store:
        report = ingest(store, [data], engine=engine, progress=tick)
    seconds = time.perf_counter() - start
    row = {"engine": name, "articles": len(report.ingested), "stories": report.stories,
           "seconds": round(seconds, 2),
           "articles_per_s": round(len(report.ingested) / seconds, 1)}  # fmt: skip
    if killed:
        row["killed_worker_pid"] = killed[0]
    return row


#: The two nodes' addresses: loopback addresses other than 127.0.0.1 (Ray would replace that
#: one with the machine's network address), so nothing leaves this machine.
HEAD, SECOND = "127.0.0.3", "127.0.0.4"


def two_nodes(port: int = 6390) -> str:
    """Start a head node (1 CPU) and a second node (1 CPU) joining it; the head's address."""
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "1", "RAY_AUTH_MODE": "token"}
    ray = str(Path(sys.executable).with_name("ray"))
    head = [ray, "start", "--head", "--num-cpus", "1", "--port", str(port),
            "--node-ip-address", HEAD, "--include-dashboard", "false"]  # fmt: skip
    subprocess.run(head, env=env, check=True, capture_output=True, timeout=180)
    join = [ray, "start", "--address", f"{HEAD}:{port}", "--num-cpus", "1",
            "--node-ip-address", SECOND]  # fmt: skip
    subprocess.run(join, env=env, check=True, capture_output=True, timeout=180)
    return f"{HEAD}:{port}"


def stop_nodes() -> None:
    ray = str(Path(sys.executable).with_name("ray"))
    subprocess.run([ray, "stop", "--force"], capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--two-nodes", action="store_true", help="also run on a 2-node cluster")
    ap.add_argument("--kill", action="store_true", help="also run with a worker killed")
    args = ap.parse_args(argv)
    os.environ.setdefault("RAY_AUTH_MODE", "token")  # the same for every node started here
    from storyline.scale import open_engine

    out: dict = {"articles": args.articles, "load_before": os.getloadavg()[0], "rows": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "input.jsonl"
        write_input(data, args.articles)
        out["rows"].append(run("local", data, folder / "local.db"))
        reference = snapshot(folder / "local.db")
        started = time.perf_counter()
        engine = open_engine("ray")
        out["ray_start_s"] = round(time.perf_counter() - started, 2)
        with engine:
            rows = [("ray", None)] + ([("ray+kill", args.articles // 4)] if args.kill else [])
            for name, kill_at in rows:
                db = folder / f"{name}.db"
                row = run(name, data, db, engine, kill_at=kill_at)
                row["same_as_local"] = snapshot(db) == reference
                out["rows"].append(row)
        if args.two_nodes:
            try:
                with open_engine("ray", address=two_nodes()) as engine:
                    nodes = len([n for n in engine._ray.nodes() if n["Alive"]])
                    row = run("ray 2 nodes", data, folder / "nodes.db", engine)
                    row["nodes"], row["same_as_local"] = (
                        nodes,
                        snapshot(folder / "nodes.db") == reference,
                    )
                    out["rows"].append(row)
            finally:
                stop_nodes()
    local = out["rows"][0]["articles_per_s"]
    for row in out["rows"][1:]:
        row["ratio_to_local"] = round(row["articles_per_s"] / local, 3) if local else None
    out["load_after"] = os.getloadavg()[0]
    out["peak_rss_mb_driver"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
