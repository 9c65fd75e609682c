"""storyline.ingest: files and uploads in, :class:`~storyline.model.Article` records out.

Readers decode, normalise (NFC, ``\\n`` line ends) and extract; they never clean. Each bad
input, line or row becomes a :class:`~storyline.model.Failure` naming it, and reading goes on.
See docs/ingest.md.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from storyline.errors import InputError
from storyline.ingest import files, records, stream
from storyline.ingest.article import article_id
from storyline.ingest.decode import decode
from storyline.ingest.formats import FORMATS, check_format, detect, parse, xml_encoding
from storyline.ingest.http import is_url
from storyline.model import Article, Failure

if TYPE_CHECKING:
    from storyline.ingest.http import Fetcher

__all__ = ["FORMATS", "MAX_BYTES", "article_id", "detect", "read", "read_bytes", "read_text"]

#: Default size limit per input file (bytes).
MAX_BYTES = 20_000_000


def read(
    paths: Iterable[str | os.PathLike[str]],
    *,
    source: str | None = None,
    format: str = "auto",
    max_bytes: int = MAX_BYTES,
    skip: Collection[str] = (),
    fetcher: Fetcher | None = None,
) -> Iterator[Article | Failure]:
    """Articles from files, directories (recursive), glob patterns and URLs.

    Yields one Article per report and one Failure per bad input, line, row, entry or record,
    in a deterministic order; a failure never stops the rest of the batch. An unknown
    ``format`` raises ValueError at once. Folders and globs leave out dot-files, databases,
    backups and partial files (``files.SKIPPED_NAMES``); the files in ``skip`` are never read
    (pass ``files.database_files(db)`` when writing to the database ``db``). URLs, and the
    pages that feeds and sitemaps link to, are fetched only with a ``fetcher``
    (:class:`~storyline.ingest.http.Fetcher`).
    """
    return _read(paths, source, check_format(format), max_bytes, skip, fetcher)


def _read(
    paths: Iterable[str | os.PathLike[str]],
    source: str | None,
    fmt: str,
    max_bytes: int,
    skip: Collection[str] = (),
    fetcher: Fetcher | None = None,
) -> Iterator[Article | Failure]:
    ingested = datetime.now(UTC)
    for path in paths:
        if is_url(os.fspath(path)):
            from storyline.ingest.remote import read_url

            yield from read_url(
                os.fspath(path), fetcher=fetcher, source=source, format=fmt, ingested=ingested
            )
            continue
        for item in files.expand([path], skip=skip):
            yield from _read_file(item, source, fmt, max_bytes, fetcher, ingested)


def _read_file(
    item: str | Failure,
    source: str | None,
    fmt: str,
    max_bytes: int,
    fetcher: Fetcher | None,
    ingested: datetime,
) -> Iterator[Article | Failure]:
    from storyline.ingest import warc

    if isinstance(item, Failure):
        yield item
    elif fmt == "warc" or (fmt == "auto" and warc.is_warc(item)):
        yield from warc.read_warc(item, source=source, ingested=ingested, max_bytes=max_bytes)
    elif stream.streams(item, fmt, max_bytes):  # a JSONL file over the limit: line by line
        lines = stream.jsonl_lines(item, max_bytes)
        yield from records.read_jsonl_lines(lines, name=item, source=source, ingested=ingested)
    else:
        data = files.load(item, max_bytes)
        if isinstance(data, Failure):
            yield data
        else:
            yield from _parse_bytes(data, item, source, fmt, ingested, fetcher)


def read_text(
    data: bytes | str,
    *,
    name: str,
    source: str | None = None,
    format: str = "auto",
    max_bytes: int = MAX_BYTES,
) -> list[Article | Failure]:
    """Articles from in-memory content (an upload) named ``name``; same rules as :func:`read`."""
    fmt = check_format(format)
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        return [Failure(name, files.too_large(size, max_bytes))]
    ingested = datetime.now(UTC)
    if isinstance(data, str):
        return list(_parse_str(data, name, source, fmt, ingested))
    return list(_parse_bytes(data, name, source, fmt, ingested))


read_bytes = read_text


def _parse_bytes(
    data: bytes,
    name: str,
    source: str | None,
    fmt: str,
    ingested: datetime,
    fetcher: Fetcher | None = None,
) -> Iterator[Article | Failure]:
    if not data.strip():
        yield Failure(name, files.EMPTY)
        return
    try:
        text = _declared(data) or decode(data, name)[0]
    except InputError as exc:
        yield Failure(exc.input, exc.reason)
        return
    yield from _parse_str(text, name, source, fmt, ingested, fetcher)


def _declared(data: bytes) -> str | None:
    """The text of an XML document in the encoding its declaration names, if that decodes."""
    encoding = xml_encoding(data)
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def _parse_str(
    text: str,
    name: str,
    source: str | None,
    fmt: str,
    ingested: datetime,
    fetcher: Fetcher | None = None,
) -> Iterator[Article | Failure]:
    if not text.strip():
        yield Failure(name, files.EMPTY)
        return
    yield from parse(text, name=name, format=fmt, source=source, ingested=ingested, fetcher=fetcher)
