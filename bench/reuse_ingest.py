"""Benchmark: one ingest's reuse step on a stored index, whole-blob state vs segments.

    .venv/bin/python bench/reuse_ingest.py --docs 20000 --new 100 [--segments 20] [--json]

A SQLite store holds ``--docs`` synthetic articles (storyline.reuse.synthetic) and their
index twice: as one whole-index blob (``reuse_state``, the format before segments) and as
``--segments`` segments (as that many earlier ingests would have left it). Then ``--new``
articles are stored and their reuse step runs both ways (segments first), on the same articles:

* blob: read the blob, ``load``, ``add``, ``dump`` the whole index, ``put_reuse(update, blob)``
  (what pipeline.update_reuse did before; above 256 MiB it kept nothing and rebuilt instead);
* segments: read the segments, ``load_segments``, ``add``, ``dump_segment`` of the new
  articles only, ``put_reuse(update, manifest, segment)`` (what it does now).

Prints bytes written per ingest, CPU and wall seconds (one run each), and load time alone
(best of 3). The setup's indexing time is what a rebuild from the stored articles costs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from storyline.model import Article
from storyline.reuse import ReuseIndex, ReuseUpdate
from storyline.reuse.persist import dump, dump_segment, load, load_segments, manifest
from storyline.reuse.synthetic import generate
from storyline.store import open_store


def _articles(n: int) -> list[Article]:
    c = generate(n, seed=11)
    return [
        Article(id=f"b{i:07d}", source=src, raw=text, text=text)
        for i, (text, src) in enumerate(zip(c.texts, c.sources, strict=True))
    ]


def _timed(fn: Any) -> tuple[Any, float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - cpu, time.perf_counter() - wall


def _setup(store: Any, old: list[Article], segments: int) -> dict[str, float]:
    """Store the articles and their index both ways; return the setup times."""
    _, _, t_store = _timed(lambda: store.add_articles(old))
    index, step = ReuseIndex(), -(-len(old) // segments)
    cpu = time.process_time()
    for lo in range(0, len(old), step):
        store.put_reuse(index.add(old[lo : lo + step]), segment=dump_segment(index, lo))
    t_index = time.process_time() - cpu
    store.put_reuse(ReuseUpdate(), dump(index))
    return {"store_articles_s": t_store, "index_and_segments_cpu_s": t_index}


def _blob_way(store: Any, new: list[Article]) -> tuple[dict[str, float], bytes]:
    def step() -> bytes:
        index = load(store.reuse_state())
        update = index.add(new)
        blob = index.to_bytes()
        store.put_reuse(update, blob)
        return blob

    blob, cpu, wall = _timed(step)
    return {"written": len(blob), "cpu_s": cpu, "wall_s": wall}, blob


def _segment_way(store: Any, new: list[Article], count: int) -> dict[str, float]:
    parts: dict[str, float] = {}

    def part(name: str, fn: Any) -> Any:
        out, parts[name], _ = _timed(fn)
        return out

    def step() -> int:
        segments = part("read", store.reuse_segments)
        index = part("load", lambda: load_segments(segments))
        since = len(index)
        update = part("add", lambda: index.add(new))
        segment = part("dump", lambda: dump_segment(index, since))
        head = manifest(index, count + 1)  # counted, not stored: the blob way runs next
        part("put", lambda: store.put_reuse(update, None, segment))
        return len(segment) + len(head)

    written, cpu, wall = _timed(step)
    return {"written": written, "cpu_s": cpu, "wall_s": wall} | {
        f"{k}_cpu_s": v for k, v in parts.items()
    }


def _loads(store: Any) -> dict[str, float]:
    blob, cpu_b, _ = _timed(store.reuse_state)
    segs, cpu_s, _ = _timed(store.reuse_segments)
    load_b = min(_timed(lambda: load(blob))[1] for _ in range(3))
    load_s = min(_timed(lambda: load_segments(segs))[1] for _ in range(3))
    return {
        "blob_bytes": len(blob),
        "segments_bytes": sum(len(s) for s in segs),
        "segments": len(segs),
        "read_blob_cpu_s": cpu_b,
        "read_segments_cpu_s": cpu_s,
        "load_blob_cpu_s": load_b,
        "load_segments_cpu_s": load_s,
    }


def run(docs: int, new: int, segments: int) -> dict[str, Any]:
    articles = _articles(docs + new)
    old, fresh = articles[:docs], articles[docs:]
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "b.db")) as store:
        r: dict[str, Any] = {"docs": docs, "new": new} | _setup(store, old, segments)
        r["before"] = _loads(store)
        store.add_articles(fresh)
        count = len(store.reuse_segments())
        r["segment"] = _segment_way(store, fresh, count)  # first: it pays any cold start
        r["blob"], blob = _blob_way(store, fresh)
        r["same_index"] = blob == load_segments(store.reuse_segments()).to_bytes()
    return r


def table(r: dict[str, Any]) -> str:
    b, s, ld = r["blob"], r["segment"], r["before"]
    mb = 1e6
    rows = [
        f"reuse step of one ingest: {r['new']} new articles, {r['docs']:,} stored "
        f"(index {ld['blob_bytes'] / mb:.0f} MB; {ld['segments']} segments)",
        "| | whole blob (before) | segments (now) | ratio |",
        "|---|---:|---:|---:|",
        f"| bytes written | {b['written'] / mb:.1f} MB | {s['written'] / mb:.2f} MB | "
        f"{b['written'] / max(s['written'], 1):.0f}x |",
        f"| CPU s (read, load, add, save) | {b['cpu_s']:.2f} | {s['cpu_s']:.2f} | "
        f"{b['cpu_s'] / max(s['cpu_s'], 1e-9):.2f}x |",
        f"| wall s | {b['wall_s']:.2f} | {s['wall_s']:.2f} | "
        f"{b['wall_s'] / max(s['wall_s'], 1e-9):.2f}x |",
        f"| read from SQLite, CPU s | {ld['read_blob_cpu_s']:.2f} | "
        f"{ld['read_segments_cpu_s']:.2f} | |",
        f"| load (bytes -> index), CPU s, best of 3 | {ld['load_blob_cpu_s']:.2f} | "
        f"{ld['load_segments_cpu_s']:.2f} | "
        f"{ld['load_blob_cpu_s'] / max(ld['load_segments_cpu_s'], 1e-9):.2f}x |",
        f"| stored bytes before the ingest | {ld['blob_bytes'] / mb:.0f} MB | "
        f"{ld['segments_bytes'] / mb:.0f} MB | |",
        "segments, CPU s by step: "
        + ", ".join(f"{k} {s[k + '_cpu_s']:.2f}" for k in ("read", "load", "add", "dump", "put")),
        f"setup: storing articles {r['store_articles_s']:.1f} s wall, indexing "
        f"{r['index_and_segments_cpu_s']:.1f} CPU s; same index both ways: {r['same_index']}",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--new", type=int, default=100)
    ap.add_argument("--segments", type=int, default=20, help="segments the store starts with")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    r = run(args.docs, args.new, args.segments)
    print(json.dumps(r) if args.json else table(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
