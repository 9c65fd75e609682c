"""`storyline watch --once` over local feeds: every entry ingested once, then 304s only.

    .venv/bin/python bench/watch_rounds.py [--feeds 20] [--entries 500]

Serves ``--feeds`` RSS feeds on 127.0.0.1 (the test suite's fixture server), ``--entries``
entries in all, each linking to an HTML page made from a real news text of
../shared/data/semeval2022-dev/pairs.csv (summary-only entries, so every page is fetched).
Round 1 reads everything into a fresh SQLite store; round 2 polls again; round 3 polls after
the store is closed and opened again (a restart). Prints one JSON object: per round the
requests made, how many were conditional and answered 304, entries ingested and seconds,
with the machine's cores and load.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "data" / "semeval2022-dev" / "pairs.csv"
sys.path.insert(0, str(ROOT))


def texts(n: int) -> list[str]:
    """``n`` distinct real news texts (first 1,500 characters), longest ones first."""
    csv.field_size_limit(10**8)
    found: dict[str, None] = {}
    with open(PAIRS, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["augmented"] == "1":
                continue
            for key in ("text1", "text2"):
                text = " ".join(row[key].split())
                if len(text) > 600:
                    found.setdefault(text[:1500])
    chosen = sorted(found, key=len, reverse=True)[:n]
    if len(chosen) < n:
        raise SystemExit(f"only {len(chosen)} usable texts in {PAIRS}")
    return chosen


def page(title: str, text: str) -> bytes:
    words = text.split()
    paras = [" ".join(words[i : i + 40]) for i in range(0, len(words), 40)]
    body = "".join(f"<p>{escape(p)}</p>" for p in paras)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"</head><body><article><h1>{escape(title)}</h1>{body}</article></body></html>").encode()  # fmt: skip


def serve(server, feeds: int, entries: int) -> list[str]:
    from tests.ingest.feedfixtures import rss
    from tests.ingest.feedserver import Route

    all_texts = texts(entries)
    urls = []
    for f in range(feeds):
        items = []
        for k in range(f, entries, feeds):
            title = " ".join(all_texts[k].split()[:8])
            server.routes[f"/f{f}/{k}.html"] = Route(page(title, all_texts[k]))
            items.append({"title": title, "link": server.url(f"/f{f}/{k}.html"),
                          "date": "Wed, 13 Sep 2023 08:30:00 +0200", "summary": "Kurz."})  # fmt: skip
        server.routes[f"/f{f}.xml"] = Route(rss(items, title=f"Feed {f}"),
                                            content_type="application/rss+xml")  # fmt: skip
        urls.append(server.url(f"/f{f}.xml"))
    return urls


def one_round(db: Path, sources: str, server) -> dict:
    from storyline.ingest.http import FetchConfig, Fetcher
    from storyline.store import open_store
    from storyline.watch import Watch, run

    before, conditional = server.count(), server.count(conditional=True)
    with open_store(db) as store, Fetcher(FetchConfig(allow_private=True, delay=0)) as fetcher:
        start = time.perf_counter()
        (report,) = run(Watch(store, fetcher), sources, once=True)
        seconds = time.perf_counter() - start
        stored = store.count_articles()
    return {
        "seconds": round(seconds, 1),
        "requests": server.count() - before,
        "conditional_requests": server.count(conditional=True) - conditional,
        "not_modified": report.count("not modified"),
        "ingested": report.ingested,
        "duplicates": sum(r.duplicates for r in report.results),
        "failures": sum(len(r.failures) for r in report.results),
        "stored_articles": stored,
    }


def main() -> None:
    from tests.ingest.feedserver import FeedServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--entries", type=int, default=500)
    args = parser.parse_args()
    if not PAIRS.is_file():
        raise SystemExit(f"{PAIRS} is not there: the benchmark needs ../shared/data")
    with tempfile.TemporaryDirectory() as tmp, FeedServer() as server:
        folder = Path(tmp)
        sources = folder / "sources.txt"
        sources.write_text("\n".join(serve(server, args.feeds, args.entries)) + "\n")
        rounds = [one_round(folder / "watch.db", str(sources), server) for _ in range(3)]
    print(json.dumps({"feeds": args.feeds, "entries": args.entries,
                      "cores": len(os.sched_getaffinity(0)),
                      "load_1min": round(os.getloadavg()[0], 2),
                      "round_1": rounds[0], "round_2": rounds[1],
                      "round_3_after_restart": rounds[2]}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
