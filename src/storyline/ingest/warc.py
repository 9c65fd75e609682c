"""WARC and WARC.gz web archives (warcio): one Article per HTML ``response`` record.

Each page goes through the HTML reader with the record's ``WARC-Target-URI`` as its URL and
the ``WARC-Date`` as the publication date when the page names none. Revisit, truncated,
non-200 and non-HTML records are skipped and counted by reason. A broken record is reported
and reading goes on at the next record; a file that ends early is reported. Pages are
extracted on every available core. See docs/ingest.md.
"""

from __future__ import annotations

import multiprocessing
import os
import zlib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from storyline.ingest.dates import parse_date
from storyline.ingest.pages import is_html, page_article
from storyline.model import Article, Failure
from storyline.parallel import can_fork, cores

METHOD = "ingest.warc.warcio.v1"
EXTENSIONS = (".warc", ".warc.gz", ".arc", ".arc.gz")
#: Pages extracted per task in the process pool, and pages held in memory at once.
CHUNK, WINDOW = 8, 256
_GZIP, _WARC = b"\x1f\x8b\x08", b"WARC/1."
_IGNORED = frozenset({"warcinfo", "request", "metadata", "resource", "conversion", "continuation"})


def is_warc(path: str) -> bool:
    """A WARC by its name, or by its first bytes (``WARC/1.``, or gzip holding that)."""
    if path.lower().endswith(EXTENSIONS):
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(1024)
    except OSError:
        return False
    if head.startswith(_WARC):
        return True
    if head.startswith(_GZIP):
        try:
            return zlib.decompressobj(wbits=31).decompress(head).startswith(_WARC)
        except zlib.error:
            return False
    return False


@dataclass(frozen=True, slots=True)
class Page:
    """An HTML response record waiting for extraction."""

    number: int
    url: str
    body: bytes
    content_type: str
    charset: str | None
    date: datetime | None


def read_warc(
    path: str,
    *,
    source: str | None,
    ingested: datetime,
    max_bytes: int,
    workers: int | None = None,
) -> Iterator[Article | Failure]:
    """Articles from the HTML response records of the WARC file ``path``, in file order."""
    skipped: Counter[str] = Counter()
    window: list[Page] = []
    settings = (path, source, ingested)
    pool = _Pool(workers)
    try:
        for item in _pages(path, skipped, max_bytes):
            if isinstance(item, Failure):
                yield from pool.extract(window, settings)
                window = []
                yield item
                continue
            window.append(item)
            if len(window) >= WINDOW:
                yield from pool.extract(window, settings)
                window = []
        yield from pool.extract(window, settings)
    finally:
        pool.close()
    if skipped:
        yield Failure(path, _skipped(skipped))


def _skipped(counts: Counter[str]) -> str:
    parts = ", ".join(f"{n} {reason}" for reason, n in counts.most_common())
    total = sum(counts.values())
    return f"skipped {total} record{'s' if total != 1 else ''} ({parts})"


def _extract(pages: list[Page], settings: tuple[str, str | None, datetime]) -> list[Any]:
    path, source, ingested = settings
    return [
        page_article(
            p.body, url=p.url, content_type=p.content_type, charset=p.charset, source=source,
            ingested=ingested, fallback_date=p.date, format="warc", name=path,
            label=f"{path}: record {p.number} ({p.url})",
        )
        for p in pages
    ]  # fmt: skip


class _Pool:
    """Extract pages in forked worker processes (started on first need), in order."""

    def __init__(self, workers: int | None) -> None:
        self.workers = cores() if workers is None else workers
        self.pool: ProcessPoolExecutor | None = None

    def extract(self, pages: list[Page], settings: tuple[str, str | None, datetime]) -> list[Any]:
        if not pages:
            return []
        if self.workers <= 1 or len(pages) < 2 * CHUNK or not can_fork():
            return _extract(pages, settings)
        if self.pool is None:
            first = _extract(pages[:1], settings)  # loads trafilatura once, shared by fork
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
            return first + self.extract(pages[1:], settings)
        chunks = [pages[i : i + CHUNK] for i in range(0, len(pages), CHUNK)]
        found = self.pool.map(_extract, chunks, [settings] * len(chunks))
        return [item for chunk in found for item in chunk]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _pages(path: str, skipped: Counter[str], max_bytes: int) -> Iterator[Page | Failure]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        yield Failure(path, f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        size = os.fstat(handle.fileno()).st_size
        yield from _scan(handle, path, size, skipped, max_bytes)


def _scan(
    handle: IO[bytes], path: str, size: int, skipped: Counter[str], max_bytes: int
) -> Iterator[Page | Failure]:
    """Records in file order; after a broken record, go on at the next record's start.

    The last record is held back until the file is known to end cleanly after it.
    """
    from warcio.archiveiterator import ArchiveIterator

    start, number, held, last = 0, 0, None, 0
    while start < size:
        handle.seek(start)
        records = ArchiveIterator(handle, check_digests=False)
        end, inside = start, False
        try:
            for record in records:
                number, inside = number + 1, True
                item = _record(record, number, skipped, max_bytes)
                records.read_to_end()
                last = records.get_record_offset()  # absolute: warcio asks the file
                end, inside = last + records.get_record_length(), False
                if held is not None:
                    yield held
                held = item
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on broken input
            number += 0 if inside else 1
            if held is not None:
                yield held
                held = None
            at = _skip_blank(handle, end)
            resume = _next_record(handle, at + 1, size)
            yield Failure(f"{path}: record {number}", _broken(at, exc, resume is not None))
            if resume is None:
                return
            start = resume
            continue
        yield from _finish(handle, path, (last, end, size), held, number)
        return


def _skip_blank(handle: IO[bytes], offset: int) -> int:
    """``offset`` moved past the blank lines that end an uncompressed record."""
    handle.seek(offset)
    head = handle.read(16)
    return offset + len(head) - len(head.lstrip(b"\r\n"))


def _broken(at: int, exc: BaseException, more: bool) -> str:
    tail = "reading goes on at the next record" if more else "no record follows it"
    return f"broken record at byte {at}: {_short(exc)}; {tail}"


def _finish(
    handle: IO[bytes], path: str, spans: tuple[int, int, int], held: Any, number: int
) -> Iterator[Page | Failure]:
    """The last record, unless the file ends early inside it (then one failure instead)."""
    last, end, size = spans
    if _cut_member(handle, last):
        yield Failure(
            path,
            f"the gzip data ends early inside record {number} (truncated download?); it is skipped",
        )
        return
    if held is not None:
        yield held
    handle.seek(end)
    rest = handle.read(size - end)
    if rest.strip(b"\r\n"):
        yield Failure(
            path,
            f"the file ends early: {len(rest)} bytes after record {number} are no complete record (truncated download?)",
        )


def _cut_member(handle: IO[bytes], start: int) -> bool:
    """Whether the gzip member at ``start`` (the file's last) is incomplete."""
    handle.seek(start)
    if handle.read(3) != _GZIP:
        return False
    handle.seek(start)
    inflate = zlib.decompressobj(wbits=31)
    try:
        while not inflate.eof:
            block = handle.read(1 << 20)
            if not block:
                return True
            inflate.decompress(block)
    except zlib.error:
        return True
    return False


def _next_record(handle: IO[bytes], offset: int, size: int) -> int | None:
    """The byte offset of the next gzip member or ``WARC/1.`` line at or after ``offset``."""
    handle.seek(0)
    gz = handle.read(3) == _GZIP
    marker = _GZIP if gz else b"\n" + _WARC
    step = 1 << 20
    position = offset
    while position < size:
        handle.seek(position)
        block = handle.read(step + len(marker))
        found = block.find(marker)
        if found >= 0:
            return position + found + (0 if gz else 1)
        position += step
    return None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _record(record: Any, number: int, skipped: Counter[str], max_bytes: int) -> Page | None:
    """A Page for an HTML response record, else None (counted in ``skipped`` by reason)."""
    kind = record.rec_type
    if kind in _IGNORED:
        return None
    reason = _reason(record, kind)
    if reason is None:
        body = record.content_stream().read(max_bytes + 1)
        reason = "too large" if len(body) > max_bytes else None
        content_type = record.http_headers.get_header("Content-Type") or ""
        if reason is None and not is_html(content_type, body):
            reason = "not HTML"
    if reason is not None:
        skipped[reason] += 1
        return None
    return _page(record, number, body, content_type)


def _reason(record: Any, kind: str) -> str | None:
    if kind == "revisit":
        return "revisit"
    if kind != "response":
        return f"{kind} record"
    if record.rec_headers.get_header("WARC-Truncated"):
        return "truncated"
    if record.http_headers is None:
        return "no HTTP headers"
    status = record.http_headers.get_statuscode()
    return None if status == "200" else f"status {status}"


def _page(record: Any, number: int, body: bytes, header: str) -> Page:
    from storyline.ingest.http import content_type

    media, charset = content_type(header)
    try:
        date = parse_date(record.rec_headers.get_header("WARC-Date"))
    except ValueError:
        date = None
    url = record.rec_headers.get_header("WARC-Target-URI") or f"record {number}"
    return Page(number, url, body, media, charset, date)
