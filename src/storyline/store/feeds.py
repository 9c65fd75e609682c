"""SQL of the feed-watching state (tables of migration ``0009_feed_state``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from storyline.model import FeedState

_COLUMNS = ("url", "etag", "last_modified", "checked", "failures", "next_poll", "error")


def read_state(conn: sqlite3.Connection, url: str) -> FeedState | None:
    row = conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM feed_state WHERE url = ?", (url,)
    ).fetchone()
    if row is None:
        return None
    url, etag, modified, checked, failures, next_poll, error = tuple(row)
    return FeedState(url, etag, modified, _time(checked), failures, _time(next_poll), error)


def write_state(
    conn: sqlite3.Connection, state: FeedState, seen: Iterable[tuple[str, str | None]]
) -> None:
    values = (state.url, state.etag, state.last_modified, _text(state.checked), state.failures,
              _text(state.next_poll), state.error)  # fmt: skip
    conn.execute(
        f"INSERT OR REPLACE INTO feed_state ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        values,
    )
    now = datetime.now(UTC).isoformat()
    conn.executemany(
        "INSERT OR IGNORE INTO feed_entries (key, feed, article_id, seen) VALUES (?, ?, ?, ?)",
        [(key, state.url, article_id, now) for key, article_id in seen],
    )


def seen_keys(conn: sqlite3.Connection, keys: Iterable[str]) -> set[str]:
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(f"SELECT key FROM feed_entries WHERE key IN ({marks})", chunk)
        found.update(row[0] for row in rows)
    return found


def _text(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
