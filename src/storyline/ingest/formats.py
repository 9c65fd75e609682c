"""Format detection and the per-format readers: decoded text in, Articles and Failures out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePath

from storyline.ingest import html as html_reader
from storyline.ingest import records
from storyline.ingest.article import make_article
from storyline.model import Article, Failure

FORMATS = ("auto", "text", "html", "jsonl", "csv")
_EXTENSIONS = {
    **dict.fromkeys((".txt", ".text", ".md"), "text"),
    **dict.fromkeys((".html", ".htm", ".xhtml"), "html"),
    **dict.fromkeys((".jsonl", ".ndjson"), "jsonl"),
    **dict.fromkeys((".csv", ".tsv"), "csv"),
}
_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|article|div|p|main|title)\b", re.I)


def check_format(format: str) -> str:
    """Return ``format`` lower-cased; raise ValueError naming the allowed ones."""
    if format.lower() not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    return format.lower()


def detect(name: str, text: str) -> str:
    """The format of ``text`` named ``name``: by extension, else by sniffing the content."""
    by_extension = _EXTENSIONS.get(PurePath(name).suffix.lower())
    if by_extension:
        return by_extension
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if head.startswith("<") and _HTML_TAG.search(head):
        return "html"
    if records.first_line_is_object(head):
        return "jsonl"
    return "text"


def parse(
    text: str, *, name: str, format: str, source: str | None, ingested: datetime
) -> Iterator[Article | Failure]:
    """Articles (and Failures) from the decoded ``text`` of the input ``name``."""
    fmt = detect(name, text) if format == "auto" else format
    if fmt == "text":
        yield make_article(text, text, name=name, format="text", source=source, ingested=ingested)
    elif fmt == "html":
        yield html_reader.html_article(text, name=name, source=source, ingested=ingested)
    else:
        yield from records.read_records(
            text, name=name, format=fmt, source=source, ingested=ingested
        )
