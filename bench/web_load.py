"""Web load: 100 concurrent clients mixing reads and writes against `storyline serve`.

    .venv/bin/python bench/web_load.py [--clients 100] [--seconds 60] [--articles 2000]
                                       [--writes 0.1] [--db PREPARED.db] [--salad]

Builds a database of the two seed reports plus ``--articles`` real reports (distinct texts of
../shared/data/semeval2022-dev/pairs.csv; generated word salad when that file is
absent), or copies ``--db``; starts ``storyline serve --allow-writes --token ... --rate 0`` on
a free 127.0.0.1 port (the rate limit is off because every client shares 127.0.0.1; all other
guards are on), and runs ``--clients`` asyncio clients for ``--seconds``: each request is a
write (``POST /api/articles``, with the token, one new article as JSON: a real report that
is not in the database, or word salad with ``--salad``) with probability ``--writes``, else
a read drawn from the stories list, a search, a story page, an article page and the outlets
page. Prints requests/s, p50/p99 per kind, errors (5xx, transport errors and
timeouts), then stops the server and runs ``PRAGMA integrity_check`` and counts the articles
(stored = before + accepted writes). Everything stays on 127.0.0.1 and ends by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import itertools
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "data" / "semeval2022-dev" / "pairs.csv"
TOKEN = "bench-token"
READS = ("list", "search", "story", "article", "outlets")


def real_reports(n: int) -> list[dict[str, Any]]:
    """Up to ``n`` distinct texts of the SemEval pairs as JSONL records (source by language)."""
    if not PAIRS.exists():  # generated stand-ins, so the script still runs without the data
        rng = random.Random(7)
        return [{"text": " ".join(rng.choices(WORDS, k=200)), "source": f"gen {k % 40}"}
                for k in range(n)]  # fmt: skip
    csv.field_size_limit(10**8)
    seen: dict[str, dict[str, Any]] = {}
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for side in ("1", "2"):
                text = row[f"text{side}"].strip()
                if len(text) > 200 and text not in seen and len(seen) < n:
                    pid = row["pair_id"].split("_")[int(side) - 1]
                    seen[text] = {"text": text, "language": row[f"lang{side}"],
                                  "source": f"outlet {sum(map(ord, pid)) % 97}", "title": text[:60]}  # fmt: skip
    return list(seen.values())


def build_db(path: Path, articles: int) -> float:
    """Ingest the seeds and ``articles`` real reports into ``path``; seconds taken."""
    from storyline.pipeline import ingest
    from storyline.store import open_store

    data = path.parent / "reports.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                            for r in real_reports(articles)), encoding="utf-8")  # fmt: skip
    started = time.perf_counter()
    with open_store(path) as store:
        ingest(store, [str(ROOT / "examples"), str(data)])
    data.unlink()
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-c", "from storyline.cli import main; main()", "serve",
            "--db", str(db), "--host", "127.0.0.1", "--port", str(port), "--allow-writes",
            "--token", TOKEN, "--rate", "0"]  # fmt: skip
    log = db.with_suffix(".log").open("wb")
    server = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # readiness poll, bounded
        if server.poll() is not None:
            raise RuntimeError(
                f"storyline serve exited: {db.with_suffix('.log').read_text()[-500:]}"
            )
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("storyline serve did not answer within 120 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Ctrl-C (uvicorn finishes the requests in flight), then a kill after 120 s."""
    import signal

    server.send_signal(signal.SIGINT)
    try:
        server.wait(120)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(30)


def sample_ids(db: Path) -> tuple[list[str], list[str]]:
    with sqlite3.connect(db) as conn:
        stories = [r[0] for r in conn.execute("SELECT id FROM stories ORDER BY random() LIMIT 300")]
        articles = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY random() LIMIT 300")]  # fmt: skip
    return stories, articles


def write_body(n: int, pool: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``n``-th upload: the next real report of ``pool`` (a report not in the database,
    with "(Ausgabe k)" added once the pool is used up), or, for an empty pool (``--salad``),
    60 words drawn from :data:`WORDS`, which all join one story of hundreds of members."""
    if not pool:
        rng = random.Random(n)
        text = f"Report {n}: " + " ".join(rng.choices(WORDS, k=60))
        return {"source": f"load {n % 13}", "title": f"Load report {n}", "text": text}
    copy, k = divmod(n, len(pool))
    report = pool[k]
    text = report["text"] + (f"\n\n(Ausgabe {copy})" if copy else "")
    return {**report, "text": text, "title": f"Load report {n}"}


def make_request(rng: random.Random, ids: tuple[list[str], list[str]], writes: float,
                 uploads: Any) -> tuple[str, str, str, dict[str, Any]]:  # fmt: skip
    if rng.random() < writes:
        return "write", "POST", "/api/articles", {"json": uploads()}
    kind = rng.choice(READS)
    stories, articles = ids
    url = {"list": f"/api/stories?offset={rng.randrange(0, 200)}", "search": "/?q=" + rng.choice(WORDS),
           "story": f"/stories/{rng.choice(stories)}", "article": f"/articles/{rng.choice(articles)}",
           "outlets": "/outlets"}[kind]  # fmt: skip
    return kind, "GET", url, {}


WORDS = ("Regierung Präsident Gespräche Wahl Corona Impfstoff Polizei Stadt Minister Bericht "
         "Agentur Zug Grenze Gericht Parlament Mittwoch Woche Millionen Euro Stunden").split()  # fmt: skip


async def client(base: str, ids: Any, args: argparse.Namespace, seed: int, end: float,
                 out: list[tuple[str, float, int, str]], uploads: Any) -> None:  # fmt: skip
    rng = random.Random(seed)
    headers = {"authorization": f"Bearer {TOKEN}"}
    # longer than the server's 60 s time limit: every request gets the server's own answer
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=90) as http:
        while time.monotonic() < end:
            kind, method, url, kw = make_request(rng, ids, args.writes, uploads)
            started = time.perf_counter()
            try:
                status = (await http.request(method, url, **kw)).status_code
            except httpx.HTTPError:
                status = 0  # transport error or timeout
            title = kw["json"]["title"] if "json" in kw else ""
            out.append((kind, time.perf_counter() - started, status, title))


async def load(base: str, ids: Any, args: argparse.Namespace) -> tuple[list[Any], float]:
    out: list[tuple[str, float, int, str]] = []
    started = time.monotonic()
    end = started + args.seconds
    pool = [] if args.salad or not PAIRS.exists() else real_reports(10**6)[args.articles :]
    count = itertools.count()

    def uploads() -> dict[str, Any]:
        return write_body(next(count), pool)

    await asyncio.gather(*(client(base, ids, args, k, end, out, uploads)
                           for k in range(args.clients)))  # fmt: skip
    return out, time.monotonic() - started


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(1000 * statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1) if len(values) > 1 else round(1000 * values[0], 1)  # fmt: skip


def summary(results: list[Any], wall: float) -> dict[str, Any]:
    def part(rows: list[Any]) -> dict[str, Any]:
        times = [r[1] for r in rows]
        return {"requests": len(rows), "p50_ms": pct(times, 50), "p99_ms": pct(times, 99),
                "errors": sum(1 for r in rows if r[2] == 0 or r[2] >= 500),
                "statuses": dict(sorted({str(r[2]): sum(1 for x in rows if x[2] == r[2])
                                         for r in rows}.items()))}  # fmt: skip

    reads = [r for r in results if r[0] != "write"]
    out = {"requests_per_s": round(len(results) / wall, 1), "seconds": round(wall, 1),
           "all": part(results), "reads": part(reads),
           "writes": part([r for r in results if r[0] == "write"])}  # fmt: skip
    out["by_read"] = {k: part([r for r in reads if r[0] == k]) for k in READS}
    return out


def check(db: Path) -> dict[str, Any]:
    """integrity_check, the article count and the titles of the load's writes as stored."""
    with sqlite3.connect(db) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        titles = [r[0] for r in conn.execute("SELECT title FROM articles WHERE title LIKE 'Load report %'")]  # fmt: skip
    return {"integrity_check": integrity, "articles": articles, "titles": titles}


def warm_up(base: str) -> float:
    """One write before the clock starts (the first one loads the models); its seconds."""
    started = time.perf_counter()
    body = {"source": "warm-up", "title": "Warm-up", "text": " ".join(WORDS * 3)}
    r = httpx.post(f"{base}/api/articles", json=body, timeout=300,
                   headers={"authorization": f"Bearer {TOKEN}"})  # fmt: skip
    r.raise_for_status()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--writes", type=float, default=0.1, help="share of requests that write")
    parser.add_argument("--db", type=Path, help="a prepared database to copy instead of building")
    parser.add_argument("--keep", type=Path, help="copy the built database here for later runs")
    parser.add_argument("--salad", action="store_true",
                        help="upload word salad (one story that grows to hundreds of members)")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="storyline-load-") as tmp:
        db = Path(tmp) / "load.db"
        build_s = None
        if args.db:
            shutil.copy(args.db, db)
        else:
            build_s = round(build_db(db, args.articles), 1)
            if args.keep:
                shutil.copy(db, args.keep)
        before = check(db)
        ids = sample_ids(db)
        port = free_port()
        server = start_server(db, port)
        try:
            first_write_s = round(warm_up(f"http://127.0.0.1:{port}"), 2)
            results, wall = asyncio.run(load(f"http://127.0.0.1:{port}", ids, args))
        finally:
            stop(server)
        after = check(db)
        accepted = {r[3] for r in results if r[0] == "write" and r[2] == 201}
        stored = after["titles"]
        report = {"clients": args.clients, "write_share": args.writes, "build_s": build_s,
                  "uploads": "word salad" if args.salad else "real reports not in the database",
                  "articles_before": before["articles"], **summary(results, wall),
                  "first_write_s": first_write_s, "accepted_writes": len(accepted),
                  "articles_after": after["articles"],
                  "accepted_but_lost": len(accepted - set(stored)),
                  "stored_twice": len(stored) - len(set(stored)),
                  "stored_unacknowledged": len(set(stored) - accepted),
                  "integrity_check": after["integrity_check"],
                  "load_average": os.getloadavg(), "cpus": os.cpu_count()}  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
