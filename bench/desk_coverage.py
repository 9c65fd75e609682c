"""The stories list on real text: do the first stories on ``/`` have the most outlets?

    .venv/bin/python bench/desk_coverage.py [--pairs 150] [--top 10]

Ingests the two seed reports plus the texts of the first ``--pairs`` SemEval-2022 dev pairs
(../shared/data/semeval2022-dev/pairs.csv; each text one report of its own outlet, named by
its article id) with the real pipeline into a temporary SQLite database, then reads the
first page of ``/`` (the default: by coverage, singletons hidden) and of the order before
this change (``sort=recent&singletons=true``). Prints one JSON object: the outlets of the
first ``--top`` stories of each page, the most outlets any story has, and whether the
default page's first stories are those with the most outlets.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "data" / "semeval2022-dev" / "pairs.csv"


def write_texts(folder: Path, pairs: int) -> int:
    """The texts of the first ``pairs`` pairs as one JSONL file (source: the article id)."""
    rows, seen = [], set()
    with PAIRS.open(encoding="utf-8") as f:
        for k, row in enumerate(csv.DictReader(f)):
            if k >= pairs:
                break
            for side, aid in zip(("1", "2"), row["pair_id"].split("_"), strict=True):
                if aid not in seen and row[f"text{side}"].strip():
                    seen.add(aid)
                    rows.append({"source": f"outlet-{aid}", "text": row[f"text{side}"],
                                 "language": row[f"lang{side}"]})  # fmt: skip
    (folder / "dev.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return len(rows)


def page(app: Any, url: str) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as c:
            return dict((await c.get(url)).json())

    return asyncio.run(go())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=150)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    if not PAIRS.exists():
        raise SystemExit(f"{PAIRS} is missing: this benchmark needs the shared dev data")
    from storyline.pipeline import ingest
    from storyline.store import open_store
    from storyline.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        texts = write_texts(Path(tmp), args.pairs)
        store = open_store(Path(tmp) / "storyline.db")
        start = time.perf_counter()
        report = ingest(
            store, [Path(tmp) / "dev.jsonl", *sorted((ROOT / "examples").glob("*.txt"))]
        )
        seconds = time.perf_counter() - start
        app = create_app(store)
        default = page(app, f"/api/stories?limit={args.top}")
        before = page(app, f"/api/stories?limit={args.top}&sort=recent&singletons=true")
        widths = sorted((len({a.source for a in store.articles(s.articles)})
                         for s in store.stories()), reverse=True)  # fmt: skip
        store.close()
    first = [len(s["sources"]) for s in default["stories"]]
    print(json.dumps({
        "reports": texts + 2, "ingested": len(report.ingested), "ingest_s": round(seconds, 1),
        "stories": len(widths), "stories_of_2_or_more_outlets": sum(w > 1 for w in widths),
        "hidden_singletons": default["hidden_singletons"],
        "outlets_of_first_stories_default": first,
        "outlets_of_first_stories_before": [len(s["sources"]) for s in before["stories"]],
        "most_outlets_of_any_stories": widths[: args.top],
        "first_are_the_widest": first == widths[: len(first)],
        "load_average": round(os.getloadavg()[0], 2),
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
