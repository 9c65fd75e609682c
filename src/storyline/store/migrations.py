"""Schema migrations for the SQLite store, in the style of sqlite-utils ``Migrations``.

:data:`MIGRATIONS` is an ordered list of named functions. Each runs once per database, inside
the same transaction as the row recording it in ``_migrations(name, applied)``. To change the
schema, append a new function with :func:`migration`; never edit or reorder applied ones.
Use ``conn.execute`` per statement (``executescript`` would commit half-way).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from storyline.errors import StoreError

Migration = Callable[[sqlite3.Connection], None]

#: (name, function) in the order they are applied.
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    """Register a migration under a unique name, after every existing one."""

    def register(fn: Migration) -> Migration:
        if any(name == known for known, _ in MIGRATIONS):
            raise ValueError(f"migration {name!r} is already registered; pick a new name")
        MIGRATIONS.append((name, fn))
        return fn

    return register


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations recorded in this database, in the order applied."""
    rows = conn.execute("SELECT name FROM _migrations ORDER BY rowid").fetchall()
    return [row[0] for row in rows]


def apply(
    conn: sqlite3.Connection, begin: Callable[[sqlite3.Connection], None] | None = None
) -> list[str]:
    """Apply every pending migration, each in its own transaction; return the names applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``). ``begin`` takes the write
    lock (default: ``BEGIN IMMEDIATE`` under the connection's busy timeout); a store passes its
    own, which waits up to its lock timeout for another writer (a second ingest creating the
    same new database waits for the first one's whole batch).
    """
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT)")
    done = set(applied(conn))
    _refuse_unknown(done)
    pending = [(name, fn) for name, fn in MIGRATIONS if name not in done]
    for name, fn in pending:
        _apply_one(conn, name, fn, begin)
    return [name for name, _ in pending]


def _apply_one(
    conn: sqlite3.Connection,
    name: str,
    fn: Migration,
    begin: Callable[[sqlite3.Connection], None] | None,
) -> None:
    """Apply one migration and record it in one transaction; skipped when another process
    applied it while this one waited for the lock."""
    if begin is None:
        conn.execute("BEGIN IMMEDIATE")
    else:
        begin(conn)
    try:
        if name in applied(conn):
            conn.execute("ROLLBACK")
            return
        fn(conn)
        now = datetime.now(UTC).isoformat()
        conn.execute("INSERT INTO _migrations (name, applied) VALUES (?, ?)", (name, now))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _refuse_unknown(done: set[str]) -> None:
    unknown = done - {name for name, _ in MIGRATIONS}
    if unknown:
        raise StoreError(
            f"the database has migrations this storyline does not know ({', '.join(sorted(unknown))}); "
            "it was written by a newer version: upgrade storyline"
        )


def _run(conn: sqlite3.Connection, *statements: str) -> None:
    for statement in statements:
        conn.execute(statement)


@migration("0001_articles")
def _articles(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE articles (
            id TEXT PRIMARY KEY, source TEXT NOT NULL, raw TEXT NOT NULL, text TEXT NOT NULL,
            title TEXT, kicker TEXT, teaser TEXT, author TEXT, url TEXT, published TEXT,
            language TEXT, credits TEXT NOT NULL, removed TEXT NOT NULL, captions TEXT NOT NULL,
            path TEXT, format TEXT NOT NULL, ingested TEXT,
            time_key TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX articles_source ON articles (source)",
        "CREATE INDEX articles_language ON articles (language)",
        "CREATE VIRTUAL TABLE articles_fts USING fts5 (words, tokenize = 'ascii')",
    )


@migration("0002_stories")
def _stories(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE stories (
            id TEXT PRIMARY KEY, title TEXT, method TEXT NOT NULL,
            latest TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, updated TEXT NOT NULL)""",
        "CREATE INDEX stories_latest ON stories (latest DESC, id)",
        """CREATE TABLE story_articles (
            story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles (id),
            position INTEGER NOT NULL,
            PRIMARY KEY (story_id, position))""",
        "CREATE INDEX story_articles_article ON story_articles (article_id, story_id)",
        """CREATE TABLE comparisons (
            story_id TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
            method TEXT NOT NULL, alignments TEXT NOT NULL, shares TEXT NOT NULL)""",
    )


@migration("0003_reuse")
def _reuse(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE reuse_groups (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, similarity REAL NOT NULL,
            method TEXT NOT NULL)""",
        """CREATE TABLE reuse_group_articles (
            group_id TEXT NOT NULL REFERENCES reuse_groups (id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles (id),
            position INTEGER NOT NULL,
            PRIMARY KEY (group_id, position))""",
        "CREATE INDEX reuse_group_articles_article ON reuse_group_articles (article_id)",
        """CREATE TABLE reuse_passages (
            a TEXT NOT NULL REFERENCES articles (id), a_start INTEGER NOT NULL,
            a_end INTEGER NOT NULL, b TEXT NOT NULL REFERENCES articles (id),
            b_start INTEGER NOT NULL, b_end INTEGER NOT NULL, words INTEGER NOT NULL,
            similarity REAL NOT NULL, method TEXT NOT NULL,
            PRIMARY KEY (a, a_start, a_end, b, b_start, b_end))""",
        "CREATE INDEX reuse_passages_b ON reuse_passages (b)",
        """CREATE TABLE reuse_attributions (
            article_id TEXT PRIMARY KEY REFERENCES articles (id), data TEXT NOT NULL)""",
        "CREATE TABLE reuse_state (name TEXT PRIMARY KEY, data BLOB NOT NULL)",
    )


@migration("0004_corrections")
def _corrections(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE corrections (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, story TEXT NOT NULL,
            articles TEXT NOT NULL, other TEXT, at TEXT)""",
    )


@migration("0005_assigner")
def _assigner(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE story_profiles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id TEXT NOT NULL UNIQUE REFERENCES articles (id),
            corrections INTEGER NOT NULL, data BLOB NOT NULL)""",
    )


@migration("0006_assigner_state")
def _assigner_state(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE assigner_state (
            id INTEGER PRIMARY KEY CHECK (id = 1), profiles INTEGER NOT NULL,
            corrections INTEGER NOT NULL, data BLOB NOT NULL)""",
    )


@migration("0007_story_analyses")
def _story_analyses(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE story_analyses (
            story_id TEXT PRIMARY KEY REFERENCES stories (id), method TEXT NOT NULL,
            analysis TEXT NOT NULL, membership TEXT NOT NULL)""",
    )


@migration("0008_reuse_segments")
def _reuse_segments(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE reuse_segments (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, articles INTEGER NOT NULL,
            data BLOB NOT NULL)""",
    )


@migration("0009_feed_state")
def _feed_state(conn: sqlite3.Connection) -> None:
    """``storyline watch``: per feed URL its validators and backoff; the entries read."""
    _run(
        conn,
        """CREATE TABLE feed_state (
            url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, checked TEXT,
            failures INTEGER NOT NULL DEFAULT 0, next_poll TEXT, error TEXT)""",
        """CREATE TABLE feed_entries (
            key TEXT PRIMARY KEY, feed TEXT NOT NULL, article_id TEXT, seen TEXT NOT NULL)""",
    )


@migration("0010_story_coverage")
def _story_coverage(conn: sqlite3.Connection) -> None:
    from storyline.store import coverage

    coverage.create_tables(conn)


@migration("0011_events")
def _events(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """CREATE TABLE events (
            id TEXT PRIMARY KEY, story_id TEXT NOT NULL, title TEXT, method TEXT NOT NULL,
            articles TEXT NOT NULL)""",
        "CREATE INDEX events_story ON events (story_id)",
    )
