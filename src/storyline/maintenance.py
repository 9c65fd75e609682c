"""Upkeep of a stored database: check it, finish the work an interrupted run left, back it
up, and fingerprint its content (see docs/store.md, "Crash safety")."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import zipfile
from dataclasses import dataclass

from storyline.pipeline import Pending, finish_pending, pending
from storyline.store.base import Store


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What ``storyline check`` found: damage SQLite reports (``problems``), the work left
    undone (``pending``), and what ``--repair`` finished (``repaired``, None without it)."""

    problems: tuple[str, ...]
    pending: Pending
    repaired: Pending | None = None

    @property
    def ok(self) -> bool:
        """Sound, and nothing left undone (after the repair, when one ran)."""
        left = self.pending if self.repaired is None else Pending()
        return not self.problems and not left.total


def check(store: Store, *, repair: bool = False) -> CheckReport:
    """Integrity of the file (SQLite stores) and the work left undone; with ``repair``, that
    work is finished in one batch (damage SQLite reports is not repaired: restore a backup)."""
    problems: list[str] = getattr(store, "integrity_problems", list)()
    found = pending(store)
    if not repair or not found.total:
        return CheckReport(tuple(problems), found, Pending() if repair else None)
    return CheckReport(tuple(problems), found, finish_pending(store))


def backup(store: Store, out: str | os.PathLike[str]) -> None:
    """Copy a SQLite store to the new file ``out`` while others may use it (SQLite's online
    backup API: a consistent snapshot)."""
    from storyline.errors import StoreError

    copy = getattr(store, "backup", None)
    if copy is None:
        raise StoreError("only a SQLite store (--db FILE) can be backed up")
    copy(out)


#: Columns that record when, not what: left out of :func:`content_digest`.
_WHEN = {
    "articles": {"ingested", "time_key"},
    "stories": {"created", "updated", "latest"},
    "corrections": {"at"},
}
_SKIP = ("sqlite_", "articles_fts", "_migrations")


def content_digest(path: str | os.PathLike[str]) -> dict[str, str]:
    """Table name -> SHA-256 of its rows (sorted; timestamps left out), read-only: two
    databases with equal digests hold the same articles, stories, comparisons, passages, ..."""
    uri = f"file:{os.fspath(path)}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        tables = sorted(n for n in names if not n.startswith(_SKIP))
        when = [r[0].encode() for r in conn.execute("SELECT DISTINCT ingested FROM articles")
                if r[0]] if "articles" in tables else []  # fmt: skip
        return {t: _table_digest(conn, t, when) for t in tables}
    finally:
        conn.close()


def _table_digest(conn: sqlite3.Connection, table: str, when: list[bytes]) -> str:
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    kept = [c for c in columns if c not in _WHEN.get(table, set())]
    rows = conn.execute(f"SELECT {', '.join(kept)} FROM {table}").fetchall()
    text = sorted(json.dumps([_plain(v, when) for v in row], ensure_ascii=False) for row in rows)
    return hashlib.sha256("\n".join(text).encode()).hexdigest()


def _plain(value: object, when: list[bytes]) -> object:
    """A blob as its SHA-256; a zip archive (a numpy ``.npz`` reuse segment) by its members'
    names and contents less the ingest times ``when``, so no time stamp counts."""
    if not isinstance(value, bytes):
        return value
    digest = hashlib.sha256()
    if value.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(value)) as archive:
            for name in sorted(archive.namelist()):
                digest.update(name.encode() + b"\0" + _without(archive.read(name), when))
        return digest.hexdigest()
    digest.update(value)
    return digest.hexdigest()


def _without(data: bytes, when: list[bytes]) -> bytes:
    for stamp in when:
        data = data.replace(stamp, b"")
    return data
