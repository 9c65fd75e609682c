"""Ingest speed: storyline.ingest.read on generated German-like reports, against the loop a
user would otherwise write (``Path.read_text`` per file, no checks, no ids).

    .venv/bin/python bench/ingest_speed.py --n 2000

``bench(n, clean=None)`` times read (and, given a ``clean(article)`` function, read+clean);
the lead plugs storyline.clean.clean in there.
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


def report(rng: random.Random) -> str:
    """One 1-3 KB German-like report: a logo line, a title, paragraphs, a credit."""
    paragraphs = []
    while sum(map(len, paragraphs)) < rng.randint(1000, 2900):
        sentences = [" ".join(rng.choices(WORDS, k=rng.randint(8, 20))).capitalize() + "."]
        paragraphs.append(" ".join(sentences * rng.randint(1, 3)))
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
    """Rows {case, articles, seconds, per_s} for reading ``n`` reports (and cleaning them)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for encoding in ("utf-8", "cp1252"):
            folder = Path(tmp) / encoding
            folder.mkdir()
            paths = generate(folder, n, encoding=encoding)
            rows.append(_row(f"naive read_text ({encoding})", *timed(lambda p=paths: naive(p))))
            rows.append(_row(f"ingest.read ({encoding})", *timed(lambda f=folder: _read(f))))
            if clean is not None:
                rows.append(
                    _row(f"read+clean ({encoding})", *timed(lambda f=folder: _read(f, clean)))
                )
        rows.append(_row("ingest.read (jsonl, 1 file)", *timed(lambda: _jsonl(Path(tmp), n))))
    pages = sorted(HTML_PAGES.glob("*.html"))[: min(n, 100)]
    if pages:
        rows.append(_row("naive trafilatura.extract (html)", *timed(lambda: _extract(pages))))
        rows.append(_row("ingest.read (html)", *timed(lambda: _count(read(pages)))))
    return rows


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


def _row(case: str, count: int, seconds: float) -> dict:
    return {"case": case, "articles": count, "seconds": seconds, "per_s": count / seconds}


def table(rows: list[dict]) -> str:
    base = {r["case"].split("(")[1]: r["per_s"] for r in rows if r["case"].startswith("naive")}
    lines = [f"{'case':34} {'articles':>8} {'s':>7} {'articles/s':>11} {'vs naive':>9}"]
    for r in rows:
        ref = base.get(r["case"].split("(")[1])
        ratio = f"{r['per_s'] / ref:8.2f}x" if ref else f"{'':9}"
        lines.append(
            f"{r['case']:34} {r['articles']:8d} {r['seconds']:7.2f} {r['per_s']:11.0f} {ratio}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="reports per case")
    args = ap.parse_args(argv)
    print(table(bench(args.n)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
