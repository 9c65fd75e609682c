"""The file system side: expanding paths, directories and globs; reading bytes safely."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator

from storyline.model import Failure

NO_SUCH = "no such file or directory"
NO_FILES = "no input files found in directory"
NO_MATCH = "no files match"
EMPTY = "empty file"


def expand(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str | Failure]:
    """Each input file path in order, or a Failure for an input that names none."""
    for path in paths:
        yield from _expand_one(os.fspath(path))


def _expand_one(path: str) -> Iterator[str | Failure]:
    if os.path.isdir(path):
        found = list(walk(path))
        if not found:
            yield Failure(path, f"{NO_FILES}; put .txt, .html, .jsonl or .csv files in it")
        yield from found
    elif os.path.isfile(path):
        yield path
    elif os.path.lexists(path):
        yield Failure(path, "not a regular file (a device, pipe or broken link); pass a file")
    elif glob.has_magic(path):
        yield from _expand_glob(path)
    else:
        yield Failure(path, f"{NO_SUCH}; check the path")


def _expand_glob(pattern: str) -> Iterator[str | Failure]:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield Failure(pattern, f"{NO_MATCH}; check the pattern (quote it so the shell keeps it)")
    for match in matches:
        yield from _expand_one(match)


def walk(directory: str) -> Iterator[str]:
    """Regular files under ``directory``, recursively and sorted, hidden ones skipped."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            full = os.path.join(root, name)
            if not name.startswith(".") and os.path.isfile(full):
                yield full


def load(path: str, max_bytes: int) -> bytes | Failure:
    """The bytes of ``path``, or a Failure when it is too large, unreadable or empty."""
    try:
        if os.stat(path).st_size > max_bytes:
            return Failure(path, too_large(os.stat(path).st_size, max_bytes))
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError:
        return Failure(path, "permission denied; make the file readable (chmod +r) or skip it")
    except FileNotFoundError:
        return Failure(path, f"{NO_SUCH}; it vanished while reading")
    except OSError as exc:
        return Failure(path, f"cannot read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return Failure(path, too_large(len(data), max_bytes, at_least=True))
    return data


def too_large(size: int, limit: int, at_least: bool = False) -> str:
    """The reason for a file over the size limit, in MB (10^6 bytes)."""
    more = "more than " if at_least else ""
    return (
        f"file too large: {more}{size / 1e6:.1f} MB > {limit / 1e6:.1f} MB limit "
        "(raise --max-bytes to read it)"
    )
