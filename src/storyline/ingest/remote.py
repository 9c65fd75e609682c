"""Inputs given as URLs: fetched once, then read by what they turn out to be (feed, sitemap,
HTML page, or any other format by its content)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from storyline.errors import InputError
from storyline.ingest.formats import detect, parse
from storyline.ingest.pages import decode_page, is_html, page_article
from storyline.model import Article, Failure

if TYPE_CHECKING:
    from storyline.ingest.http import Fetcher, Response

NEEDS_FETCH = "a URL; pass --fetch to download it (and the pages its feed or sitemap links to)"


def read_url(
    url: str, *, fetcher: Fetcher | None, source: str | None, format: str, ingested: datetime
) -> Iterator[Article | Failure]:
    """Articles and Failures from the resource at ``url``."""
    from storyline.ingest.http import FetchError

    if fetcher is None:
        yield Failure(url, NEEDS_FETCH)
        return
    try:
        got = fetcher.get(url)
    except FetchError as exc:
        yield Failure(exc.input, exc.reason)
        return
    yield from read_response(got, fetcher=fetcher, source=source, format=format, ingested=ingested)


def read_response(
    got: Response, *, fetcher: Fetcher | None, source: str | None, format: str, ingested: datetime
) -> Iterator[Article | Failure]:
    """Read a fetched resource: feeds and sitemaps by their root element, pages as HTML."""
    name = got.url
    if format == "warc":
        yield Failure(
            name, "WARC files are read from disk; download it first, then ingest the file"
        )
        return
    try:
        text = decode_page(got.body, got.charset, name)
    except InputError as exc:
        yield Failure(exc.input, exc.reason)
        return
    fmt = detect(urlsplit(name).path, text) if format == "auto" else format
    if fmt == "html" or (fmt == "text" and is_html(got.content_type, got.body)):
        yield page_article(got.body, url=name, content_type="text/html", charset=got.charset,
                           source=source, ingested=ingested)  # fmt: skip
        return
    yield from parse(text, name=name, format=fmt, source=source, ingested=ingested, fetcher=fetcher)
