"""storyline.ingest: files and uploads in, :class:`~storyline.model.Article` records out.

Readers decode, normalise (NFC, ``\\n`` line ends) and extract; they never clean. Each bad
input, line or row becomes a :class:`~storyline.model.Failure` naming it, and reading goes on.
See docs/ingest.md.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, datetime

from storyline.errors import InputError
from storyline.ingest import files
from storyline.ingest.article import article_id
from storyline.ingest.decode import decode
from storyline.ingest.formats import FORMATS, check_format, detect, parse
from storyline.model import Article, Failure

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
) -> Iterator[Article | Failure]:
    """Articles from files, directories (recursive) and glob patterns.

    Yields one Article per report and one Failure per bad input, line or row, in a
    deterministic order; a failure never stops the rest of the batch. An unknown ``format``
    raises ValueError at once. Folders and globs leave out dot-files, databases, backups and
    partial files (``files.SKIPPED_NAMES``); the files in ``skip`` are never read (pass
    ``files.database_files(db)`` when writing to the database ``db``).
    """
    return _read(paths, source, check_format(format), max_bytes, skip)


def _read(
    paths: Iterable[str | os.PathLike[str]],
    source: str | None,
    fmt: str,
    max_bytes: int,
    skip: Collection[str] = (),
) -> Iterator[Article | Failure]:
    ingested = datetime.now(UTC)
    for item in files.expand(paths, skip=skip):
        if isinstance(item, Failure):
            yield item
            continue
        data = files.load(item, max_bytes)
        if isinstance(data, Failure):
            yield data
        else:
            yield from _parse_bytes(data, item, source, fmt, ingested)


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
    data: bytes, name: str, source: str | None, fmt: str, ingested: datetime
) -> Iterator[Article | Failure]:
    if not data.strip():
        yield Failure(name, files.EMPTY)
        return
    try:
        text, _encoding = decode(data, name)
    except InputError as exc:
        yield Failure(exc.input, exc.reason)
        return
    yield from _parse_str(text, name, source, fmt, ingested)


def _parse_str(
    text: str, name: str, source: str | None, fmt: str, ingested: datetime
) -> Iterator[Article | Failure]:
    if not text.strip():
        yield Failure(name, files.EMPTY)
        return
    yield from parse(text, name=name, format=fmt, source=source, ingested=ingested)
