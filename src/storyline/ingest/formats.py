"""Format detection and the per-format readers: decoded text in, Articles and Failures out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING

from storyline.ingest import html as html_reader
from storyline.ingest import records
from storyline.ingest.article import make_article
from storyline.model import Article, Failure

if TYPE_CHECKING:
    from storyline.ingest.http import Fetcher

FORMATS = ("auto", "text", "html", "jsonl", "csv", "feed", "sitemap", "warc")
_EXTENSIONS = {
    **dict.fromkeys((".txt", ".text", ".md"), "text"),
    **dict.fromkeys((".html", ".htm", ".xhtml"), "html"),
    **dict.fromkeys((".jsonl", ".ndjson"), "jsonl"),
    **dict.fromkeys((".csv", ".tsv"), "csv"),
    **dict.fromkeys((".rss", ".atom", ".rdf"), "feed"),
}
_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|article|div|p|main|title)\b", re.I)


def check_format(format: str) -> str:
    """Return ``format`` lower-cased; raise ValueError naming the allowed ones."""
    if format.lower() not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    return format.lower()


def by_extension(name: str) -> str | None:
    """The format the extension of ``name`` says, or None."""
    return _EXTENSIONS.get(PurePath(name).suffix.lower())


def detect(name: str, text: str) -> str:
    """The format of ``text`` named ``name``: by extension, else by sniffing the content."""
    known = by_extension(name)
    if known:
        return known
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    kind = xml_kind(head)
    if kind:
        return kind
    if head.startswith("<") and _HTML_TAG.search(head):
        return "html"
    if records.first_line_is_object(head):
        return "jsonl"
    return "text"


def parse(
    text: str,
    *,
    name: str,
    format: str,
    source: str | None,
    ingested: datetime,
    fetcher: Fetcher | None = None,
) -> Iterator[Article | Failure]:
    """Articles (and Failures) from the decoded ``text`` of the input ``name``; a feed's or
    sitemap's linked pages are fetched with ``fetcher`` when one is given."""
    fmt = detect(name, text) if format == "auto" else format
    if fmt in ("feed", "sitemap", "warc"):
        yield from _linked(text, name=name, format=fmt, source=source, ingested=ingested,
                           fetcher=fetcher)  # fmt: skip
    elif fmt == "text":
        yield make_article(text, text, name=name, format="text", source=source, ingested=ingested)
    elif fmt == "html":
        yield html_reader.html_article(text, name=name, source=source, ingested=ingested)
    else:
        yield from records.read_records(
            text, name=name, format=fmt, source=source, ingested=ingested
        )


#: Root elements of feeds and sitemaps (local names, lower case).
_XML_ROOTS = {"rss": "feed", "feed": "feed", "rdf": "feed", "urlset": "sitemap",
              "sitemapindex": "sitemap"}  # fmt: skip
_XML_ROOT = re.compile(
    r"(?:<\?xml[^>]*\?>|<!--.*?-->|<!doctype[^>]*>|<\?[^>]*\?>|\s)*<(?:[\w.-]+:)?([\w.-]+)[\s>/]",
    re.I | re.S,
)
_XML_ENCODING = re.compile(rb"^<\?xml[^>]*encoding=[\"']([\w.:-]+)[\"']")


def xml_kind(head: str) -> str | None:
    """``feed`` or ``sitemap`` when ``head`` opens with such a root element, else None."""
    found = _XML_ROOT.match(head)
    return _XML_ROOTS.get(found.group(1).lower()) if found else None


def xml_encoding(data: bytes) -> str | None:
    """The encoding an XML declaration names (``<?xml ... encoding="..."?>``), if any."""
    found = _XML_ENCODING.match(data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200])
    return found.group(1).decode("ascii").lower() if found else None


def _linked(
    text: str, *, name: str, format: str, source: str | None, ingested: datetime,
    fetcher: Fetcher | None,
) -> Iterator[Article | Failure]:  # fmt: skip
    if format == "feed":
        from storyline.ingest.feeds import read_feed

        yield from read_feed(text, name=name, source=source, ingested=ingested, fetcher=fetcher)
    elif format == "sitemap":
        from storyline.ingest.sitemaps import read_sitemap

        yield from read_sitemap(text, name=name, source=source, ingested=ingested, fetcher=fetcher)
    else:
        yield Failure(name, "not a WARC file (WARC files start with 'WARC/1.')")
