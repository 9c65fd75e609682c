"""Web load: 100 concurrent clients mixing reads and writes against `storyline serve`.

    .venv/bin/python bench/web_load.py [--clients 100] [--seconds 60] [--articles 2000]
                                       [--writes 0.1] [--db PREPARED.db] [--salad]
                                       [--rows REQUESTS.jsonl]

Builds a database of the two seed reports plus ``--articles`` real reports (distinct texts of
../shared/data/semeval2022-dev/pairs.csv; generated word salad when that file is
absent), or copies ``--db``; starts ``storyline serve --allow-writes --token ... --rate 0`` on
a free 127.0.0.1 port (the rate limit is off because every client shares 127.0.0.1; all other
guards are on), warms it up (one upload, which loads the models, and one read of each kind),
builds the clients, and only then runs ``--clients`` asyncio clients for ``--seconds``
(every client its own connection): each request is a
write (``POST /api/articles``, with the token, one new article as JSON: a real report that
is not in the database, with its own title, or word salad with ``--salad``; its url,
:data:`MARK` + n, is how the check finds it) with probability ``--writes``, else
a read drawn from the stories list, a search, a story page, an article page and the outlets
page. Prints requests/s, p50/p99 per kind, errors (5xx, transport errors and
timeouts), then stops the server and runs ``PRAGMA integrity_check`` and counts the articles
(stored = before + accepted writes). ``--rows`` writes every request as a JSON line (kind,
start in seconds after the first, seconds taken, status), to see when the slow ones came.
Everything stays on 127.0.0.1 and ends by itself.
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
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "data" / "semeval2022-dev" / "pairs.csv"
TOKEN = "bench-token"
#: The url of the n-th upload is MARK + n: how the check finds the load's writes as stored (a
#: marker in the title would make every upload's title alike, and titles are evidence of a
#: story: they would all join one story).
MARK = "https://load.invalid/report/"
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
        return {"source": f"load {n % 13}", "title": f"Report {n}", "text": text,
                "url": MARK + str(n)}  # fmt: skip
    copy, k = divmod(n, len(pool))
    report = pool[k]
    text = report["text"] + (f"\n\n(Ausgabe {copy})" if copy else "")
    return {**report, "text": text, "url": MARK + str(n)}


def make_request(rng: random.Random, ids: tuple[list[str], list[str]], writes: float,
                 uploads: Any) -> tuple[str, str, str, dict[str, Any]]:  # fmt: skip
    if rng.random() < writes:
        return "write", "POST", "/api/articles", {"json": uploads()}
    kind = rng.choice(READS)
    return kind, "GET", read_url(rng, ids, kind), {}


def read_url(rng: random.Random, ids: tuple[list[str], list[str]], kind: str) -> str:
    """A page of read ``kind`` (one of :data:`READS`), drawn with ``rng``."""
    stories, articles = ids
    return {"list": f"/api/stories?offset={rng.randrange(0, 200)}", "search": "/?q=" + rng.choice(WORDS),
            "story": f"/stories/{rng.choice(stories)}", "article": f"/articles/{rng.choice(articles)}",
            "outlets": "/outlets"}[kind]  # fmt: skip


WORDS = ("Regierung Präsident Gespräche Wahl Corona Impfstoff Polizei Stadt Minister Bericht "
         "Agentur Zug Grenze Gericht Parlament Mittwoch Woche Millionen Euro Stunden").split()  # fmt: skip


async def client(http: httpx.AsyncClient, ids: Any, args: argparse.Namespace, seed: int,
                 end: float, out: list[tuple[str, float, int, str, float]], uploads: Any) -> None:  # fmt: skip
    rng = random.Random(seed)
    async with http:
        while time.monotonic() < end:
            kind, method, url, kw = make_request(rng, ids, args.writes, uploads)
            started = time.perf_counter()
            try:
                status = (await http.request(method, url, **kw)).status_code
            except httpx.HTTPError:
                status = 0  # transport error or timeout
            mark = kw["json"]["url"] if "json" in kw else ""
            out.append((kind, time.perf_counter() - started, status, mark, started))


async def load(base: str, ids: Any, args: argparse.Namespace,
               pool: list[dict[str, Any]]) -> tuple[list[Any], float]:  # fmt: skip
    out: list[tuple[str, float, int, str, float]] = []
    count = itertools.count()

    def uploads() -> dict[str, Any]:
        return write_body(next(count), pool)

    # Every client is built before the clock starts: an httpx client costs ~20 ms of CPU
    # (its SSL context), which, inside the run, would delay the first answers of the others
    # by seconds on the client's side. Timeout longer than the server's 60 s time limit:
    # every request gets the server's own answer.
    headers = {"authorization": f"Bearer {TOKEN}"}
    https = [httpx.AsyncClient(base_url=base, headers=headers, timeout=90)
             for _ in range(args.clients)]  # fmt: skip
    started = time.monotonic()
    end = started + args.seconds
    await asyncio.gather(*(client(http, ids, args, k, end, out, uploads)
                           for k, http in enumerate(https)))  # fmt: skip
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
                "statuses": dict(sorted(Counter(str(r[2]) for r in rows).items()))}  # fmt: skip

    reads = [r for r in results if r[0] != "write"]
    out = {"requests_per_s": round(len(results) / wall, 1), "seconds": round(wall, 1),
           "all": part(results), "reads": part(reads),
           "writes": part([r for r in results if r[0] == "write"])}  # fmt: skip
    out["by_read"] = {k: part([r for r in reads if r[0] == k]) for k in READS}
    return out


def check(db: Path) -> dict[str, Any]:
    """integrity_check, the article count and the marks (urls) of the load's writes as stored."""
    with sqlite3.connect(db) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        marks = [r[0] for r in conn.execute("SELECT url FROM articles WHERE url LIKE ?", (MARK + "%",))]  # fmt: skip
    return {"integrity_check": integrity, "articles": articles, "marks": marks}


def warm_up(base: str, pool: list[dict[str, Any]], ids: Any) -> float:
    """Before the clock starts: one write (the first one loads the models; its seconds are
    returned), then one read of each kind (a fresh server's first page compiles its
    templates and opens its connections)."""
    started = time.perf_counter()
    body = {**(pool[-1] if pool else write_body(-1, [])), "url": "https://warm-up.invalid/"}
    r = httpx.post(f"{base}/api/articles", json=body, timeout=300,
                   headers={"authorization": f"Bearer {TOKEN}"})  # fmt: skip
    r.raise_for_status()
    seconds = time.perf_counter() - started
    rng = random.Random(-1)
    for kind in READS:
        httpx.get(base + read_url(rng, ids, kind), timeout=60).raise_for_status()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--writes", type=float, default=0.1, help="share of requests that write")
    parser.add_argument("--db", type=Path, help="a prepared database to copy instead of building")
    parser.add_argument("--keep", type=Path, help="copy the built database here for later runs")
    parser.add_argument("--rows", type=Path,
                        help="write every request here as JSON lines (kind, start, seconds, status)")  # fmt: skip
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
        pool = [] if args.salad or not PAIRS.exists() else real_reports(10**6)[args.articles :]
        port = free_port()
        server = start_server(db, port)
        try:
            first_write_s = round(warm_up(f"http://127.0.0.1:{port}", pool, ids), 2)
            results, wall = asyncio.run(load(f"http://127.0.0.1:{port}", ids, args, pool[:-1]))
        finally:
            stop(server)
        after = check(db)
        accepted = {r[3] for r in results if r[0] == "write" and r[2] == 201}
        stored = after["marks"]
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
    if args.rows:  # start: seconds after the first request of the run
        first = min((r[4] for r in results), default=0.0)
        args.rows.write_text("".join(json.dumps({"kind": r[0], "start": round(r[4] - first, 4),
                                                 "seconds": round(r[1], 4), "status": r[2]}) + "\n"
                                     for r in results))  # fmt: skip


if __name__ == "__main__":
    main()
