"""WARC ingest speed on real pages: HTML records per second through storyline, against bare
trafilatura on the same pages in the same run.

    .venv/bin/python bench/warc_speed.py [--n 482] [--workers N]

Builds a WARC.gz (one ``response`` record per page) from ../shared/data/residue-dev/html in a
temporary folder, then times, after loading the models:

- ``trafilatura.extract(html)`` page after page on one core: what a user would write;
- ``storyline.ingest.read([warc])``: records parsed, pages extracted on every core (Articles);
- ``storyline.pipeline.ingest(store, [warc])``: read + clean + store in SQLite + stories,
  the whole of ``storyline ingest crawl.warc.gz``, on the first ``--ingest-n`` pages (the
  story stage, not the reader, sets this rate).

Prints one JSON object with the figures, the machine's cores and its load (``os.getloadavg``),
and the CPU time per record (this process and its workers), which a busy machine does not
inflate much: ``cores / CPU time per record`` is the rate the same cores would give idle.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import tempfile
import time
from pathlib import Path

HTML_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "residue-dev" / "html"


def build_warc(pages: list[Path], path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for page in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"https://example.org/{page.stem}", "response",
                payload=io.BytesIO(page.read_bytes()), http_headers=headers,
            )  # fmt: skip
            writer.write_record(record)


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the workers)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def bare_trafilatura(pages: list[Path]) -> tuple[float, float]:
    import trafilatura

    start, cpu = time.perf_counter(), cpu_seconds()
    for page in pages:
        trafilatura.extract(page.read_bytes().decode("utf-8", errors="replace"))
    return time.perf_counter() - start, cpu_seconds() - cpu


def storyline_read(warc: Path, workers: int | None) -> tuple[float, float, int, int]:
    from storyline.ingest import warc as warc_reader
    from storyline.model import Article

    start, cpu = time.perf_counter(), cpu_seconds()
    items = list(warc_reader.read_warc(str(warc), source=None, ingested=_now(),
                                       max_bytes=20_000_000, workers=workers))  # fmt: skip
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    articles = sum(isinstance(i, Article) for i in items)
    return seconds, cpu, articles, len(items) - articles


def storyline_ingest(warc: Path, folder: Path) -> tuple[float, int]:
    from storyline.pipeline import ingest
    from storyline.store import open_store

    with open_store(folder / "bench.db") as store:
        start = time.perf_counter()
        report = ingest(store, [warc])
        seconds = time.perf_counter() - start
    return seconds, len(report.ingested)


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _warm_up(page: Path) -> None:
    """Load trafilatura, the cleaning models and the encoder before any timing."""
    import trafilatura

    from storyline.clean import clean
    from storyline.ingest import read_text

    trafilatura.extract(page.read_text(errors="replace"))
    for item in read_text(page.read_bytes(), name="warm.html"):
        if hasattr(item, "text"):
            clean(item)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=482, help="pages (at most 482)")
    parser.add_argument("--workers", type=int, default=None, help="default: every core")
    parser.add_argument(
        "--ingest-n",
        type=int,
        default=100,
        help="pages for the whole-pipeline row (stories dominate it)",
    )
    args = parser.parse_args()
    if not HTML_PAGES.is_dir():
        raise SystemExit(f"{HTML_PAGES} is not there: the benchmark needs ../shared/data")
    pages = sorted(HTML_PAGES.glob("*.html"))[: args.n]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warc = folder / "crawl.warc.gz"
        build_warc(pages, warc)
        _warm_up(pages[0])
        bare, bare_cpu = bare_trafilatura(pages)
        read_s, read_cpu, articles, failures = storyline_read(warc, args.workers)
        small = folder / "small.warc.gz"
        build_warc(pages[: args.ingest_n], small)
        ingest_s, stored = storyline_ingest(small, folder)
    n, cores = len(pages), len(os.sched_getaffinity(0))
    result = {
        "records": n,
        "cores": cores,
        "load_1min": round(os.getloadavg()[0], 2),
        "trafilatura_extract_per_s": round(n / bare, 1),
        "storyline_read_per_s": round(n / read_s, 1),
        "storyline_read_articles": articles,
        "storyline_read_failures": failures,
        "storyline_ingest_records": min(n, args.ingest_n),
        "storyline_ingest_per_s": round(min(n, args.ingest_n) / ingest_s, 2),
        "storyline_ingest_stored": stored,
        "read_vs_trafilatura": round(bare / read_s, 2),
        "trafilatura_cpu_ms_per_record": round(1000 * bare_cpu / n, 1),
        "storyline_read_cpu_ms_per_record": round(1000 * read_cpu / n, 1),
        "storyline_read_per_s_if_cores_idle": round(cores * n / read_cpu, 1),
        "ingest_vs_trafilatura": round((min(n, args.ingest_n) / ingest_s) / (n / bare), 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
