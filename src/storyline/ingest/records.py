"""Record files: JSON Lines and CSV/TSV, one report per line or row.

Fields (extra ones are ignored): ``text`` or ``html`` (one is required; ``text`` wins when
both are filled), ``source``, ``url``, ``title``, ``published`` (or ``date``), ``author``,
``language``. ``raw`` is the record as it came in: the JSON line, or the CSV row's lines.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from storyline.ingest.article import make_article
from storyline.ingest.dates import parse_date
from storyline.ingest.html import html_article
from storyline.model import Article, Failure

BODY_FIELDS = ("text", "html")
_DELIMITERS = ",;\t|"
#: Characters of the header line the delimiter is guessed from (the sniffer's regular
#: expressions take time quadratic in the line's length).
_SNIFF_CHARS = 2048
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def first_line_is_object(text: str) -> bool:
    """Whether the first non-empty line of ``text`` is a JSON object."""
    line = next((ln for ln in text.split("\n") if ln.strip()), "")
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python parses
        return False


def read_records(
    text: str, *, name: str, format: str, source: str | None, ingested: datetime
) -> Iterator[Article | Failure]:
    """One Article or Failure per JSONL line or CSV row of ``text``."""
    if format == "jsonl":
        lines = enumerate((line.rstrip("\r") for line in text.split("\n")), start=1)
        rows = _jsonl(lines, name)
    else:
        rows = _csv(text, name)
    yield from _articles(rows, name=name, format=format, source=source, ingested=ingested)


def read_jsonl_lines(
    lines: Iterable[tuple[int, str | Failure]],
    *,
    name: str,
    source: str | None,
    ingested: datetime,
) -> Iterator[Article | Failure]:
    """One Article or Failure per ``(line number, decoded line or Failure)`` of a JSONL
    stream read line by line (:func:`storyline.ingest.stream.jsonl_lines`)."""
    rows = _jsonl(lines, name)
    yield from _articles(rows, name=name, format="jsonl", source=source, ingested=ingested)


def _articles(
    rows: Iterable[tuple[str, str, dict[str, Any]] | Failure],
    *,
    name: str,
    format: str,
    source: str | None,
    ingested: datetime,
) -> Iterator[Article | Failure]:
    for item in rows:
        if isinstance(item, Failure):
            yield item
        else:
            label, raw, fields = item
            yield record_article(
                label, raw, fields, name=name, format=format, source=source, ingested=ingested
            )


def _jsonl(
    lines: Iterable[tuple[int, str | Failure]], name: str
) -> Iterator[tuple[str, str, dict[str, Any]] | Failure]:
    for lineno, line in lines:
        found = line if isinstance(line, Failure) else _jsonl_line(line, f"{name}:{lineno}")
        if found is not None:
            yield found


def _jsonl_line(raw: str, label: str) -> tuple[str, str, dict[str, Any]] | Failure | None:
    """One JSONL line: ``(label, raw, object)``, a Failure, or None for a blank line."""
    if not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        return Failure(label, f"malformed JSON: {exc}")
    except RecursionError:
        return Failure(label, "malformed JSON: nested too deeply")
    if isinstance(value, dict):
        return label, raw, value
    return Failure(label, f"expected a JSON object per line, got {type(value).__name__}")


def _csv(text: str, name: str) -> Iterator[tuple[str, str, dict[str, Any]] | Failure]:
    lines = list(io.StringIO(text, newline=""))
    reader = csv.reader(iter(lines), dialect=_dialect(name, lines[0] if lines else ""))
    try:
        header = [column.strip().lower() for column in next(reader, [])]
    except csv.Error as exc:
        yield Failure(name, f"malformed CSV header: {exc}; quote fields that contain quotes")
        return
    if not any(field in header for field in BODY_FIELDS):
        yield Failure(name, _no_body_column(header))
        return
    yield from _csv_rows(reader, lines, header, name)


def _csv_rows(
    reader: Any, lines: list[str], header: list[str], name: str
) -> Iterator[tuple[str, str, dict[str, Any]] | Failure]:
    """Rows numbered as a spreadsheet shows them (the header is row 1)."""
    start, number = reader.line_num, 1
    while True:
        number += 1
        label, where = f"{name}:row {number}", f" (line {reader.line_num + 1})"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Failure(label, f"malformed CSV row: {exc}{where}")
            start = reader.line_num
            continue
        raw = "".join(lines[start : reader.line_num]).rstrip("\r\n")
        start = reader.line_num
        if any(cell.strip() for cell in row):
            yield _check_row(label, raw, header, row, where)


def _check_row(
    label: str, raw: str, header: list[str], row: list[str], where: str
) -> tuple[str, str, dict[str, Any]] | Failure:
    if len(row) != len(header):
        return Failure(
            label,
            f"malformed CSV row: {len(row)} field(s), the header has {len(header)}{where}; "
            "quote fields that contain the delimiter or a line break",
        )
    return label, raw, dict(zip(header, row, strict=True))


def _dialect(name: str, first_line: str) -> type[csv.Dialect]:
    """Tab for .tsv, else the delimiter the header uses; strict, so bad quoting is an error."""
    base: type[csv.Dialect] = csv.excel
    if name.lower().endswith(".tsv"):
        base = csv.excel_tab
    else:
        try:
            base = csv.Sniffer().sniff(first_line[:_SNIFF_CHARS], delimiters=_DELIMITERS)
        except csv.Error:
            pass
    return type("StrictDialect", (base,), {"strict": True})


def _no_body_column(header: list[str]) -> str:
    found = ", ".join(header) or "none"
    return f"no text or html column in the CSV header (columns: {found}); add one of them"


def record_article(
    label: str,
    raw: str,
    fields: dict[str, Any],
    *,
    name: str,
    format: str,
    source: str | None,
    ingested: datetime,
) -> Article | Failure:
    """An Article from one record's fields (``label`` names the record in failures)."""
    try:
        meta = _meta(fields)
    except ValueError as exc:
        return Failure(label, f"{exc} (in the published field)")
    text, html = _string(fields.get("text")), _string(fields.get("html"))
    if text.strip():
        return make_article(
            raw, text, name=name, format=format, source=source, ingested=ingested, **meta
        )
    if html.strip():
        found = html_article(
            html,
            name=name,
            source=source,
            ingested=ingested,
            raw=raw,
            label=label,
            url=meta["url"],
            meta_source=meta["meta_source"],
        )
        return _merge(found, meta, format)
    return Failure(label, "no text: the record needs a non-empty text or html field")


def _meta(fields: dict[str, Any]) -> dict[str, Any]:
    published = fields.get("published", fields.get("date"))
    return {
        "meta_source": _string(fields.get("source")) or None,
        "url": _string(fields.get("url")) or None,
        "title": _string(fields.get("title")) or None,
        "author": _string(fields.get("author")) or None,
        "language": _string(fields.get("language")) or None,
        "published": parse_date(published),
    }


def _merge(found: Article | Failure, meta: dict[str, Any], format: str) -> Article | Failure:
    """The record's own fields win over what the HTML page says."""
    if isinstance(found, Failure):
        return found
    chosen = {key: value for key, value in meta.items() if value and key != "meta_source"}
    return replace(found, format=format, **chosen)


def _string(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)
