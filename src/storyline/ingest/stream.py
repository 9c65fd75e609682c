"""JSON Lines files larger than the per-file limit, read line by line.

A JSONL dump of a news stream easily exceeds ``--max-bytes`` (20 MB: about 15,000 articles),
and nothing in it needs the whole file at once. Such a file is read a line at a time: the
limit then applies to each line (one record), memory stays bounded by the longest line, and
a line over the limit is one Failure naming it while the rest goes on. The encoding is the
one :func:`~storyline.ingest.decode.decode` finds in the file's first megabyte; a line that
does not decode in it is decoded alone. Files under the limit are read whole, as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from storyline.errors import InputError
from storyline.ingest import files
from storyline.ingest.decode import decode
from storyline.ingest.formats import by_extension
from storyline.model import Failure

#: Bytes from the head of the file the encoding is decided on.
HEAD_BYTES = 1 << 20
#: Bytes read at a time while skipping the rest of a line over the limit.
_SKIP = 1 << 20
#: Encodings whose lines cannot be cut at the byte ``\n`` (two or four bytes per unit).
_WIDE = ("utf-16", "utf-32")


def jsonl_lines(path: str, max_bytes: int) -> Iterator[tuple[int, str | Failure]]:
    """``(line number, text or Failure)`` for each line of the JSONL file ``path``; a file
    that cannot be read at all gives one ``(0, Failure)``."""
    try:
        with open(path, "rb") as handle:
            encoding = _encoding(handle, path)
            if isinstance(encoding, Failure):
                yield 0, encoding
                return
            yield from _lines(handle, path, encoding, max_bytes)
    except OSError as exc:
        yield 0, files.read_failure(path, exc)


def _encoding(handle: BinaryIO, path: str) -> str | Failure:
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    if not head.strip():
        return Failure(path, files.EMPTY)
    cut = head.rfind(b"\n")
    try:
        _, encoding = decode(head[: cut + 1] if cut > 0 else head, path)
    except InputError as exc:
        return Failure(exc.input, exc.reason)
    if encoding.startswith(_WIDE):
        return Failure(path, f"a JSONL file over the size limit must use a byte-oriented "
                       f"encoding, not {encoding}; convert it to UTF-8 or raise --max-bytes")  # fmt: skip
    return encoding


def _lines(
    handle: BinaryIO, path: str, encoding: str, max_bytes: int
) -> Iterator[tuple[int, str | Failure]]:
    lineno = 0
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        label = f"{path}:{lineno}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (more := handle.readline(_SKIP)) and not more.endswith(b"\n"):
                pass
            yield lineno, Failure(label, f"line too large: more than {_size(max_bytes)} "
                                  "(one record; raise --max-bytes to read it)")  # fmt: skip
            continue
        if lineno == 1 and encoding == "utf-8-sig":
            line = line.removeprefix(b"\xef\xbb\xbf")
        yield lineno, _text(line.rstrip(b"\r\n"), encoding, label)


def _size(limit: int) -> str:
    return f"{limit / 1e6:.1f} MB" if limit >= 100_000 else f"{limit:,} bytes"


def _text(line: bytes, encoding: str, label: str) -> str | Failure:
    try:
        return line.decode("utf-8" if encoding == "utf-8-sig" else encoding)
    except (UnicodeDecodeError, LookupError):
        try:
            return decode(line, label)[0]
        except InputError as exc:
            return Failure(exc.input, exc.reason)


def streams(path: str, fmt: str, max_bytes: int) -> bool:
    """Whether ``path`` (format ``fmt``) is a JSONL file over ``max_bytes``, read line by
    line; JSONL by its extension when ``fmt`` is auto."""
    if fmt not in ("jsonl", "auto") or (fmt == "auto" and by_extension(path) != "jsonl"):
        return False
    try:
        return os.stat(path).st_size > max_bytes
    except OSError:
        return False
