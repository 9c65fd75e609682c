"""The file system side: expanding paths, directories and globs; reading bytes safely."""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Collection, Iterable, Iterator

from storyline.model import Failure

NO_SUCH = "no such file or directory"
NO_FILES = "no input files found in directory"
NO_MATCH = "no files match"
EMPTY = "empty file"
#: Names a folder walk or a glob never reads (matched case-insensitively): dot-files (and
#: dot-folders), SQLite databases and their journals, editor backups and partial downloads.
SKIPPED_NAMES = (
    ".*", "*.db", "*.db3", "*.sqlite", "*.sqlite3", "*-wal", "*-shm", "*-journal",
    "*~", "#*#", "*.bak", "*.swp", "*.swo", "*.tmp", "*.temp", "*.part", "*.partial",
    "*.crdownload", "desktop.ini",
)  # fmt: skip
#: Files SQLite keeps next to a database: its write-ahead log, shared memory and journal.
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")


def expand(
    paths: Iterable[str | os.PathLike[str]], *, skip: Collection[str] = ()
) -> Iterator[str | Failure]:
    """Each input file path in order, or a Failure for an input that names none.

    Folders and globs leave out :data:`SKIPPED_NAMES`; ``skip`` (see :func:`database_files`)
    names files never read, however they are reached: the database being written to."""
    never = {os.path.realpath(p) for p in skip}
    for path in paths:
        yield from _expand_one(os.fspath(path), never, named=True)


def database_files(db: str | os.PathLike[str] | None) -> tuple[str, ...]:
    """The SQLite database file ``db`` and its journal files (none for None or ":memory:")."""
    if db is None or os.fspath(db) in ("", ":memory:"):
        return ()
    path = os.fspath(db)
    return (path, *(path + suffix for suffix in SQLITE_SIDECARS))


def skipped(name: str) -> bool:
    """Whether a folder walk or a glob leaves out a file or folder called ``name``."""
    lower = name.lower()
    return any(fnmatch.fnmatchcase(lower, pattern) for pattern in SKIPPED_NAMES)


def _expand_one(path: str, never: set[str], *, named: bool = False) -> Iterator[str | Failure]:
    if os.path.realpath(path) in never or (not named and skipped(os.path.basename(path))):
        return
    if os.path.isdir(path):
        found = [f for f in walk(path) if os.path.realpath(f) not in never]
        if not found:
            yield Failure(path, f"{NO_FILES}; put .txt, .html, .jsonl or .csv files in it")
        yield from found
    elif os.path.isfile(path):
        yield path
    elif os.path.lexists(path):
        yield Failure(path, "not a regular file (a device, pipe or broken link); pass a file")
    elif glob.has_magic(path):
        yield from _expand_glob(path, never)
    else:
        yield Failure(path, f"{NO_SUCH}; check the path")


def _expand_glob(pattern: str, never: set[str]) -> Iterator[str | Failure]:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield Failure(pattern, f"{NO_MATCH}; check the pattern (quote it so the shell keeps it)")
    for match in matches:
        yield from _expand_one(match, never)


def walk(directory: str) -> Iterator[str]:
    """Regular files under ``directory``, recursively and sorted; dot-folders and
    :data:`SKIPPED_NAMES` (dot-files, databases, backups, partial files) left out."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            full = os.path.join(root, name)
            if not skipped(name) and os.path.isfile(full):
                yield full


def load(path: str, max_bytes: int) -> bytes | Failure:
    """The bytes of ``path``, or a Failure when it is too large, unreadable or empty."""
    try:
        if os.stat(path).st_size > max_bytes:
            return Failure(path, too_large(os.stat(path).st_size, max_bytes))
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return read_failure(path, exc)
    if len(data) > max_bytes:
        return Failure(path, too_large(len(data), max_bytes, at_least=True))
    return data


def read_failure(path: str, exc: OSError) -> Failure:
    """The Failure for a file that could not be read (permission, vanished, other I/O)."""
    if isinstance(exc, PermissionError):
        return Failure(path, "permission denied; make the file readable (chmod +r) or skip it")
    if isinstance(exc, FileNotFoundError):
        return Failure(path, f"{NO_SUCH}; it vanished while reading")
    return Failure(path, f"cannot read: {exc.strerror or exc}")


def too_large(size: int, limit: int, at_least: bool = False) -> str:
    """The reason for a file over the size limit, in MB (10^6 bytes)."""
    more = "more than " if at_least else ""
    return (
        f"file too large: {more}{size / 1e6:.1f} MB > {limit / 1e6:.1f} MB limit "
        "(raise --max-bytes to read it)"
    )
