"""Flat tables of a store for other tools: Parquet (partitioned by date), JSONL or CSV.

Five tables, one row per record, readable by pandas, DuckDB, Spark or a spreadsheet:
``articles``, ``stories``, ``alignments`` (one row per sentence of an alignment group),
``passages`` (shared passages, once per pair) and ``attribution``. Every row carries
``date``: the publication day of its article (of a story: of its earliest article), or
``"undated"``. Parquet tables are Hive-partitioned by it (``articles/date=2023-09-13/``);
JSONL and CSV tables are one file each. Columns are documented in docs/scale.md.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from storyline.errors import MissingDependency
from storyline.model import Article, Story
from storyline.store.base import Store

#: Formats :func:`export` writes.
FORMATS = ("parquet", "jsonl", "csv")
#: Tables :func:`export` writes, in this order.
TABLES = ("articles", "stories", "alignments", "passages", "attribution")
#: Rows buffered per Parquet file written.
CHUNK_ROWS = 20_000
UNDATED = "undated"


def export(store: Store, out: str | os.PathLike[str], format: str = "parquet") -> dict[str, int]:
    """Write every table of ``store`` under ``out`` (created; a table written before is
    replaced whole, never mixed with the new one). Returns rows written per table."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use one of: {', '.join(FORMATS)}")
    if format == "parquet":
        _import_pyarrow()
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    days, story_of = _index(store)
    rows = {
        "articles": _articles(store, days, story_of),
        "stories": _stories(store, days),
        "alignments": _alignments(store, days),
        "passages": _passages(store, days),
        "attribution": _attribution(store, days),
    }
    return {name: _write(rows[name], root, name, format) for name in TABLES}


def _index(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    """Article id -> publication day, and article id -> story id."""
    days = {a.id: _day(a) for a in store.articles()}
    story_of = {aid: s.id for s in store.stories() for aid in s.articles}
    return days, story_of


def _day(article: Article) -> str:
    return article.published.date().isoformat() if article.published else UNDATED


def _story_day(story: Story, days: dict[str, str]) -> str:
    dated = sorted(d for a in story.articles if (d := days.get(a, UNDATED)) != UNDATED)
    return dated[0] if dated else UNDATED


def _articles(store: Store, days: dict[str, str], story_of: dict[str, str]) -> Iterator[dict]:
    for a in store.articles():
        yield {
            "id": a.id,
            "story": story_of.get(a.id),
            "source": a.source,
            "title": a.title,
            "url": a.url,
            "published": a.published.isoformat() if a.published else None,
            "language": a.language,
            "author": a.author,
            "agencies": list(a.credits.agencies),
            "photo_agencies": list(a.credits.photo_agencies),
            "quoted_sources": list(a.credits.quoted_sources),
            "text": a.text,
            "date": days[a.id],
        }


def _stories(store: Store, days: dict[str, str]) -> Iterator[dict]:
    for s in store.stories():
        yield {
            "id": s.id,
            "title": s.title,
            "size": len(s.articles),
            "articles": list(s.articles),
            "method": s.method,
            "date": _story_day(s, days),
        }


def _alignments(store: Store, days: dict[str, str]) -> Iterator[dict]:
    for s in store.stories():
        comparison = store.comparison(s.id)
        if comparison is None:
            continue
        day = _story_day(s, days)
        for n, group in enumerate(comparison.alignments):
            for m in group.members:
                yield {
                    "story": s.id,
                    "group": n,
                    "kind": group.kind,
                    "score": round(group.score, 4),
                    "article": m.article,
                    "sentence": m.sentence,
                    "text": m.text,
                    "date": day,
                }


def _passages(store: Store, days: dict[str, str]) -> Iterator[dict]:
    seen: set[tuple[str, int, str, int]] = set()
    for aid in days:
        for p in store.passages_of(aid):
            key = (p.a, p.a_start, p.b, p.b_start)
            if key in seen:
                continue
            seen.add(key)
            yield {
                "a": p.a,
                "a_start": p.a_start,
                "a_end": p.a_end,
                "b": p.b,
                "b_start": p.b_start,
                "b_end": p.b_end,
                "words": p.words,
                "similarity": round(p.similarity, 4),
                "method": p.method,
                "date": days.get(p.a, UNDATED),
            }


def _attribution(store: Store, days: dict[str, str]) -> Iterator[dict]:
    for aid, day in days.items():
        att = store.attribution(aid)
        if att is None:
            continue
        yield {
            "article": att.article,
            "copied_share": round(att.copied_share, 4),
            "original": att.original,
            "confirmed_agencies": list(att.confirmed_agencies),
            "flagged_uncredited": att.flagged_uncredited,
            "wire_share": round(att.wire_share, 4),
            "passages": len(att.passages),
            "method": att.method,
            "date": day,
        }


def _write(rows: Iterable[dict], root: Path, name: str, format: str) -> int:
    """Write one table to a temporary path beside its final one, then swap it in."""
    final = root / (name if format == "parquet" else f"{name}.{format}")
    tmp = final.with_name(final.name + ".tmp")
    _remove(tmp)
    writer = {"parquet": _write_parquet, "jsonl": _write_jsonl, "csv": _write_csv}[format]
    count = writer(rows, tmp)
    _remove(final)
    tmp.rename(final)
    return count


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _write_parquet(rows: Iterable[dict], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.dataset as ds

    path.mkdir(parents=True)
    count, chunk, part = 0, [], 0
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            count += _parquet_chunk(pa, ds, chunk, path, part)
            chunk, part = [], part + 1
    if chunk or part == 0:
        count += _parquet_chunk(pa, ds, chunk, path, part)
    return count


def _parquet_chunk(pa: Any, ds: Any, rows: list[dict], path: Path, part: int) -> int:
    if not rows:
        return 0
    table = pa.Table.from_pylist(rows)
    ds.write_dataset(
        table,
        path,
        format="parquet",
        partitioning=["date"],
        partitioning_flavor="hive",
        basename_template=f"part-{part}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
    )
    return len(rows)


def _write_jsonl(rows: Iterable[dict], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def _write_csv(rows: Iterable[dict], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer: csv.DictWriter | None = None
        for row in rows:
            flat = {k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()}
            if writer is None:
                writer = csv.DictWriter(f, fieldnames=list(flat))
                writer.writeheader()
            writer.writerow(flat)
            count += 1
    return count


def _import_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise MissingDependency("pyarrow", "parquet") from None
