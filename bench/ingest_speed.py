"""Ingest and clean speed on generated German-like reports (1-3 KB, with scraping residue).

    .venv/bin/python bench/ingest_speed.py --n 2000 [--markdown docs/benchmarks.md]

Rows: the raw file read a user would write (``Path.read_text`` per file, no checks, no ids:
the ceiling), ``storyline.ingest.read``, read + ``clean_batch`` on one core, and the pipeline
path (``storyline.pipeline.prepare``: read + clean on every core). Models are loaded before
timing. ``bench(n, clean=None)`` also times read + a given ``clean(article)`` function.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from storyline.ingest import read
from storyline.model import Article, Failure

#: Real pages (trafilatura's evaluation set) when the shared dev data is there.
HTML_PAGES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "residue-dev" / "html"

WORDS = (
    "der die das und nicht Präsident Regierung Kreml Machthaber Gespräche Weltraumbahnhof "
    "berichtete Nachrichtenagentur zufolge Besuch Russland Nordkorea Waffen Treffen Zug "
    "große Interesse Raketentechnik sagte am Mittwoch über für mit nach dem bei einer Stadt "
    "Grenze Kilometer Wirtschaftsforum militärische Themen Beziehungen Länder zwei erste"
).split()


RESIDUE = (
    "Teilen auf Facebook",
    "Lesezeit: 3 Min.",
    "Anzeige",
    "Mehr zum Thema",
    "Kommentare (12)",
)


def report(rng: random.Random) -> str:
    """One 1-3 KB German-like report: a logo line, a title, paragraphs with residue lines
    in between, a sentence citing an agency, and a credit."""
    paragraphs = []
    while sum(map(len, paragraphs)) < rng.randint(1000, 2900):
        sentences = [" ".join(rng.choices(WORDS, k=rng.randint(8, 20))).capitalize() + "."]
        paragraphs.append(" ".join(sentences * rng.randint(1, 3)))
        if rng.random() < 0.3:
            paragraphs.append(rng.choice(RESIDUE))
    paragraphs.insert(1, "Das berichtete die Nachrichtenagentur Reuters am Mittwoch.")
    return f"Logo Outlet {rng.randint(1, 20)}\n{' '.join(rng.choices(WORDS, k=6))}\n\n" + (
        "\n\n".join(paragraphs) + "\n\n(dpa/red)\n"
    )


def generate(folder: Path, n: int, *, encoding: str = "utf-8", seed: int = 0) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        path = folder / f"{i:06d}.txt"
        path.write_bytes(report(rng).encode(encoding))
        paths.append(path)
    return paths


def naive(paths: list[Path]) -> int:
    """What a user would write: read every file as UTF-8 (fails on cp1252, no ids)."""
    return sum(1 for p in paths if p.read_text(encoding="utf-8", errors="replace"))


def timed(fn: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    count = fn()
    return count, time.perf_counter() - start


def bench(n: int, clean: Callable[[Article], Article] | None = None) -> list[dict]:
    """Rows {case, articles, seconds, per_s, mb_s, kind} for reading ``n`` reports, cleaning
    them on one core and on every core (and with ``clean`` when given)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for encoding in ("utf-8", "cp1252"):
            folder = Path(tmp) / encoding
            folder.mkdir()
            paths = generate(folder, n, encoding=encoding)
            mb = sum(p.stat().st_size for p in paths) / 1e6
            rows.append(_row(f"naive read_text ({encoding})", *timed(lambda p=paths: naive(p)), mb))
            rows.append(_row(f"ingest.read ({encoding})", *timed(lambda f=folder: _read(f)), mb))
            if clean is not None:
                run = timed(lambda f=folder: _read(f, clean))
                rows.append(_row(f"read+clean ({encoding})", *run, mb))
            if encoding == "utf-8":
                rows += _clean_rows(folder, mb)
        rows.append(_row("ingest.read (jsonl, 1 file)", *timed(lambda: _jsonl(Path(tmp), n))))
    pages = sorted(HTML_PAGES.glob("*.html"))[: min(n, 100)]
    if pages:
        rows.append(_row("naive trafilatura.extract (html)", *timed(lambda: _extract(pages))))
        rows.append(_row("ingest.read (html)", *timed(lambda: _count(read(pages)))))
    return rows


def _clean_rows(folder: Path, mb: float) -> list[dict]:
    """read + clean_batch on one core, and the pipeline path (read + clean on every core)."""
    from storyline.clean import clean_batch
    from storyline.parallel import cores as available_cores
    from storyline.pipeline import prepare

    list(clean_batch(list(read([folder]))[:5]))  # load the models before timing
    one = timed(lambda: _count(clean_batch(read([folder]), workers=1)))
    cores = available_cores()
    every = timed(lambda: _count(prepare([folder])))
    return [
        _row("read+clean, 1 core (utf-8)", *one, mb),
        _row(f"read+clean, {cores} cores: prepare (utf-8)", *every, mb),
    ]


def _extract(pages: list[Path]) -> int:
    """The alternative for HTML: trafilatura's own extract() per page, no metadata."""
    import trafilatura

    return sum(bool(trafilatura.extract(p.read_bytes())) for p in pages)


def _count(items: Iterable[Article | Failure]) -> int:
    return sum(isinstance(item, Article) for item in items)


def _read(folder: Path, clean: Callable[[Article], Article] | None = None) -> int:
    count = 0
    for item in read([folder]):
        if isinstance(item, Article):
            count += 1 if clean is None else bool(clean(item))
    return count


def _jsonl(tmp: Path, n: int) -> int:
    path = tmp / "reports.jsonl"
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({"source": f"S{i % 20}", "text": report(rng)}) + "\n")
    return sum(isinstance(item, Article) for item in read([path]))


def _row(case: str, count: int, seconds: float, mb: float | None = None) -> dict:
    per_s = count / seconds
    return {
        "case": case,
        "articles": count,
        "seconds": seconds,
        "per_s": per_s,
        "mb_s": mb / seconds if mb else None,
    }


def table(rows: list[dict]) -> str:
    """A Markdown table; ratios against the naive read of the same input and against
    read+clean on one core."""
    base = {r["case"].split("(")[1]: r["per_s"] for r in rows if r["case"].startswith("naive")}
    one = next((r["per_s"] for r in rows if r["case"].startswith("read+clean, 1 core")), None)
    lines = [
        "| case | articles | s | articles/s | MB/s | vs naive read | vs clean 1 core |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ref = base.get(r["case"].split("(")[1])
        ratio = f"{r['per_s'] / ref:.2f}x" if ref else ""
        vs_one = f"{r['per_s'] / one:.2f}x" if one and "clean" in r["case"] else ""
        mb_s = f"{r['mb_s']:.2f}" if r["mb_s"] else ""
        lines.append(
            f"| {r['case']} | {r['articles']} | {r['seconds']:.2f} | {r['per_s']:.0f} | {mb_s} "
            f"| {ratio} | {vs_one} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="reports per case")
    ap.add_argument("--markdown", type=Path, help="append the table to this Markdown file")
    args = ap.parse_args(argv)
    text = table(bench(args.n))
    setup = _setup(args.n)
    print(f"{text}\n\n{setup}")
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as out:
            out.write(f"\n## Ingest and clean\n\n{setup}\n\n{text}\n")
    return 0


def _setup(n: int) -> str:
    from storyline.parallel import cores as available_cores

    cores = available_cores()
    return (
        f"`bench/ingest_speed.py --n {n}`: {n} generated 1-3 KB German-like reports with "
        f"residue lines, {cores} cores, models loaded before timing. Free CPU while measuring: "
        f"{cores} busy-loop processes did {_core_check(cores):.2f}x the work of one."
    )


def _spin(seconds: float) -> int:
    end, count = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        count += 1
    return count


def _core_check(cores: int, seconds: float = 0.5) -> float:
    """How much more CPU work ``cores`` processes get done than one: near ``cores`` on an idle
    machine, lower when other programs share the cores (then the parallel row is lower too)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    one = _spin(seconds)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(cores, mp_context=context) as pool:
        return sum(pool.map(_spin, [seconds] * cores)) / one


if __name__ == "__main__":
    raise SystemExit(main())
