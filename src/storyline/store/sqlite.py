"""SQLite store (stdlib sqlite3): WAL, foreign keys, one writer, migrations in a table.

Writes go through one connection, shared by threads (``check_same_thread=False``) and
guarded by a lock. Over a database file each thread reads through a connection of its own
(WAL readers never wait for each other nor for the writer), so the threads of a web server
read in parallel instead of queueing for that lock; over ``:memory:`` (one database per
connection) reads share the writers' connection. Every write call is one ``BEGIN IMMEDIATE``
transaction: an exception rolls the whole call back. :meth:`SQLiteStore.batch` makes every
write of one thread inside it one transaction on a connection of its own (an ingest lands
whole or not at all).
A writer that finds the database locked by another waits up to ``lock_timeout`` seconds,
says so once through ``on_wait``, then gives up with a StoreError naming the file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from storyline import faults
from storyline.errors import StoreError
from storyline.model import (
    Analysis,
    Article,
    AssignerState,
    Assignment,
    Attribution,
    Comparison,
    Correction,
    DupGroup,
    Event,
    FeedState,
    Membership,
    OutletDependency,
    SharedPassage,
    Story,
)
from storyline.records import record_from_value, record_to_value
from storyline.store import codec, coverage, migrations, terms
from storyline.store.checks import (
    Filters,
    article_row,
    check_page,
    check_pair,
    check_pairs,
    encode_comparison,
    missing_article,
)
from storyline.store.memo import VersionCache
from storyline.store.reuse_codec import (
    INDEX_STATE,
    ReuseChanges,
    StagedReuse,
    attribution_from_dict,
    dependency,
    missing_reuse_article,
    passage_key,
    stage_reuse,
)
from storyline.store.where import page_where, search_where

T = TypeVar("T")
_CHUNK = 500
_ARTICLE_COLUMNS = (*Article.__slots__, "time_key")
_INSERT_ARTICLE = (
    f"INSERT OR IGNORE INTO articles ({', '.join(_ARTICLE_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in _ARTICLE_COLUMNS)})"
)
_LATEST = (
    "UPDATE stories SET latest = (SELECT COALESCE(MAX(a.time_key), '') FROM story_articles sa "
    "JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = stories.id)"
)


#: Seconds a writer waits for another writer's lock before giving up (``--lock-timeout``).
LOCK_TIMEOUT = 600.0


class SQLiteStore:
    """Articles, stories and comparisons in one SQLite file."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lock_timeout: float = LOCK_TIMEOUT,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.path = str(path)
        self.lock_timeout = lock_timeout
        self.on_wait = on_wait
        self._lock = threading.RLock()
        self._local = threading.local()
        self._conn = _connect(self.path, self._begin, self.lock_timeout)
        self._writes = 0  # own commits; other connections' show in PRAGMA data_version
        self._readers: list[sqlite3.Connection] = []  # per thread: reads, versions (files)
        self._readers_lock = threading.Lock()
        self._closed = False
        self._memo = VersionCache(self.data_version)

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    def close(self) -> None:
        with self._lock:
            self._conn.close()
        with self._readers_lock:
            self._closed = True
            for reader in self._readers:
                reader.close()
            self._readers.clear()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        batch = self._batch_conn()
        if batch is not None:  # part of this thread's batch: a savepoint keeps the call atomic
            with _savepoint(batch):
                yield batch
            return
        with self._lock:
            conn = self._open_conn()
            self._begin(conn)
            self._local.conn = conn  # this thread's reads inside see the uncommitted writes
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                self._local.conn = None
                self._writes += 1
            conn.execute("COMMIT")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Every write this thread makes inside the block is one transaction, committed at its
        end (an exception or a kill leaves the database as it was before). It holds the write
        lock from the start: another writer waits (see ``lock_timeout``); readers, other
        threads included, see the database as it was until the commit. Nested: joins."""
        if self._batch_conn() is not None:
            yield
            return
        shared = self.path == ":memory:"
        with self._lock if shared else nullcontext():
            conn = (
                self._open_conn() if shared else _connect(self.path, self._begin, self.lock_timeout)
            )
            try:
                self._begin(conn)
                self._local.conn = conn
                yield
                faults.point("store.commit")
                conn.execute("COMMIT")
                faults.point("store.committed")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                self._local.conn = None
                self._writes += 1
                if not shared:
                    conn.close()

    def _batch_conn(self) -> sqlite3.Connection | None:
        return getattr(self._local, "conn", None)

    def _begin(self, conn: sqlite3.Connection) -> None:
        _begin(conn, self.path, self.lock_timeout, self.on_wait)

    def _read(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        batch = self._batch_conn()
        if batch is not None:
            return batch.execute(sql, params).fetchall()
        if self.path == ":memory:":
            with self._lock:
                return self._open_conn().execute(sql, params).fetchall()
        return self._reader().execute(sql, params).fetchall()

    def _reader(self) -> sqlite3.Connection:
        """This thread's read connection to the file (opened on its first read)."""
        return self._own_conn("reader", timeout=_BUSY_MS / 1000, read=True)

    def _own_conn(self, name: str, *, timeout: float, read: bool = False) -> sqlite3.Connection:
        """This thread's connection ``name`` to the file, opened on first use (``read``:
        read-only, rows by name) and closed with the store."""
        conn: sqlite3.Connection | None = getattr(self._local, name, None)
        if conn is not None and not self._closed:
            return conn
        with self._readers_lock:  # never the writers' lock: a read does not wait for a write
            if self._closed:
                raise StoreError(f"the store {self.path} is closed; open it again")
            conn = sqlite3.connect(self.path, timeout=timeout, check_same_thread=False,
                                   isolation_level=None)  # fmt: skip
            self._readers.append(conn)
        if read:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA query_only = ON")
        setattr(self._local, name, conn)
        return conn

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """The reads of this thread inside see one version of the data (a read transaction
        on its own connection; over ``:memory:`` the writers' lock). Nested: joins."""
        if self._batch_conn() is not None or getattr(self._local, "snapshot", False):
            yield
            return
        if self.path == ":memory:":
            with self._lock:
                yield
            return
        reader = self._reader()
        reader.execute("BEGIN")
        self._local.snapshot = True
        try:
            yield
        finally:
            self._local.snapshot = False
            reader.execute("COMMIT")  # a read transaction: ends, changes nothing

    def data_version(self) -> tuple[int, int]:
        """Changes whenever the data may have: a commit of this store or of another
        connection to the file (cached facets, totals and web pages are kept per version).

        Over a database file each thread asks a connection of its own, which sees every
        commit of the store's connections and of other processes, so it never waits for a
        lock nor a read in progress: a couple of microseconds, fit for an event loop
        (``web.pages``)."""
        if self.path == ":memory:":  # one database per connection: ask the store's own
            with self._lock:
                conn = self._open_conn()
                return self._writes, int(conn.execute("PRAGMA data_version").fetchone()[0])
        versions = self._own_conn("versions", timeout=2.0)
        return self._writes, int(versions.execute("PRAGMA data_version").fetchone()[0])

    def _cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept per store version; inside a batch (uncommitted data) never."""
        if self._batch_conn() is not None:
            return compute()
        return self._memo.get(key, compute)

    def _open_conn(self) -> sqlite3.Connection:
        try:
            self._conn.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            raise StoreError(f"the store {self.path} is closed; open it again") from None
        return self._conn

    # articles

    def add_articles(self, articles: Iterable[Article]) -> list[bool]:
        with self._write() as conn:
            return [self._add(conn, article) for article in articles]

    def _add(self, conn: sqlite3.Connection, article: Article) -> bool:
        row = article_row(article)
        cursor = conn.execute(_INSERT_ARTICLE, row)
        if cursor.rowcount == 0:
            return False
        words = " ".join(terms.words(f"{article.title or ''}\n{article.text}"))
        conn.execute(
            "INSERT INTO articles_fts (rowid, words) VALUES (?, ?)", (cursor.lastrowid, words)
        )
        return True

    def article(self, article_id: str) -> Article | None:
        rows = self._read("SELECT * FROM articles WHERE id = ?", (article_id,))
        return codec.article_from_row(rows[0]) if rows else None

    def articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        if ids is None:
            yield from self._all_articles()
            return
        wanted = list(ids)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self._read(f"SELECT * FROM articles WHERE id IN ({_marks(chunk)})", chunk)
            found = {row["id"]: row for row in rows}
            yield from (codec.article_from_row(found[i]) for i in chunk if i in found)

    def _all_articles(self) -> Iterator[Article]:
        last = 0
        while rows := self._read(
            "SELECT rowid, * FROM articles WHERE rowid > ? ORDER BY rowid LIMIT ?", (last, _CHUNK)
        ):
            yield from (codec.article_from_row(row) for row in rows)
            last = rows[-1]["rowid"]

    def count_articles(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM articles")[0][0])

    # stories

    def put_stories(self, stories: Iterable[tuple[Story, Comparison | None]]) -> None:
        pairs = check_pairs(stories)
        with self._write() as conn:
            created = dict(conn.execute("SELECT id, created FROM stories").fetchall())
            coverage.delete(conn)
            for table in ("story_analyses", "comparisons", "story_articles", "stories"):
                conn.execute(f"DELETE FROM {table}")
            now = _now()
            for story, comparison in pairs:
                self._insert(conn, story, comparison, created.get(story.id, now), now)
            conn.execute(_LATEST)
            coverage.refresh(conn)

    def put_story(self, story: Story, comparison: Comparison | None = None) -> None:
        """Insert or replace one story and its comparison (None removes a stored one)."""
        check_pair(story, comparison)
        with self._write() as conn:
            self._replace(conn, story, comparison)

    def _replace(
        self, conn: sqlite3.Connection, story: Story, comparison: Comparison | None
    ) -> None:
        old = conn.execute("SELECT created FROM stories WHERE id = ?", (story.id,)).fetchone()
        self._delete(conn, story.id)
        now = _now()
        self._insert(conn, story, comparison, old[0] if old else now, now)
        conn.execute(_LATEST + " WHERE id = ?", (story.id,))
        coverage.refresh(conn, story.id)

    def delete_story(self, story_id: str) -> bool:
        """Remove one story and its comparison; False if it was not stored."""
        with self._write() as conn:
            return self._delete(conn, story_id)

    def _delete(self, conn: sqlite3.Connection, story_id: str) -> bool:
        coverage.delete(conn, story_id)
        conn.execute("DELETE FROM story_analyses WHERE story_id = ?", (story_id,))
        conn.execute("DELETE FROM comparisons WHERE story_id = ?", (story_id,))
        conn.execute("DELETE FROM story_articles WHERE story_id = ?", (story_id,))
        return conn.execute("DELETE FROM stories WHERE id = ?", (story_id,)).rowcount > 0

    def _insert(
        self,
        conn: sqlite3.Connection,
        story: Story,
        comparison: Comparison | None,
        created: str,
        now: str,
    ) -> None:
        conn.execute(
            "INSERT INTO stories (id, title, method, created, updated) VALUES (?, ?, ?, ?, ?)",
            (story.id, story.title, story.method, created, now),
        )
        self._link(conn, story)
        if comparison is not None:
            alignments, shares = encode_comparison(comparison)
            conn.execute(
                "INSERT INTO comparisons (story_id, method, alignments, shares) VALUES (?, ?, ?, ?)",
                (story.id, comparison.method, alignments, shares),
            )

    def _link(self, conn: sqlite3.Connection, story: Story) -> None:
        rows = [(story.id, a, i) for i, a in enumerate(story.articles)]
        try:
            conn.executemany(
                "INSERT INTO story_articles (story_id, article_id, position) VALUES (?, ?, ?)", rows
            )
        except sqlite3.IntegrityError:
            known = conn.execute(
                f"SELECT id FROM articles WHERE id IN ({_marks(story.articles)})", story.articles
            ).fetchall()
            missing = set(story.articles) - {r[0] for r in known}
            raise missing_article(story, sorted(missing)[0]) from None

    def story(self, story_id: str) -> Story | None:
        found = self._stories("WHERE s.id = ?", (story_id,))
        return found[0] if found else None

    def comparison(self, story_id: str) -> Comparison | None:
        rows = self._read("SELECT * FROM comparisons WHERE story_id = ?", (story_id,))
        if not rows:
            return None
        row = rows[0]
        return codec.comparison_from_dict(
            {
                "story": row["story_id"],
                "method": row["method"],
                "alignments": _loads(row["alignments"]),
                "shares": _loads(row["shares"]),
            }
        )

    def stories(self) -> list[Story]:
        return self.stories_page(limit=None)

    def stories_page(
        self,
        *,
        limit: int | None = 50,
        offset: int = 0,
        source: str | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        agency: str | None = None,
        min_size: int = 1,
        sort: str = "recent",
    ) -> list[Story]:
        """Stories in ``sort`` order (newest first by default), filtered, one page."""
        filters = Filters(source, language, since, until, agency, min_size)
        return self._stories(
            *page_where(filters, probe=self._common(filters)), limit, offset, sort=sort
        )

    def count_stories(
        self,
        *,
        source: str | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        agency: str | None = None,
        min_size: int = 1,
    ) -> int:
        return self._counted(Filters(source, language, since, until, agency, min_size))

    def _counted(self, filters: Filters) -> int:
        """:meth:`_count`, kept per store version."""
        return self._cached(("count", filters), lambda: self._count(filters))

    def _count(self, filters: Filters) -> int:
        keyed = coverage.count_sql(filters)  # one outlet, language or agency: story_keys alone
        if keyed is None:
            where, params = page_where(filters)
            keyed = f"SELECT COUNT(*) FROM stories s {where}", params
        return int(self._read(*keyed)[0][0])

    def story_facets(self, query: str | None = None, **filters: Any) -> dict[str, Any]:
        """Per facet (language, source, agency, date), the stories of each value among
        those the filters (and search ``query``) keep; see :func:`coverage.facet_lists`."""
        chosen = Filters(**filters)
        query = query if query and query.strip() else None
        facets = self._cached(("facets", query, chosen), lambda: self._facets(query, chosen))
        return {kind: [dict(row) for row in rows] for kind, rows in facets.items()}

    def _facets(self, query: str | None, chosen: Filters) -> dict[str, Any]:
        if query is not None:
            found = search_where(query, chosen)
            if not found:
                return coverage.facet_lists(())
            where, params = found
        else:
            where, params = page_where(chosen, probe=self._common(chosen))
        rows: list[tuple[str, str, int]] = []
        with self._snapshot():
            keyed = [(k, v) for k in ("source", "language", "agency")
                     if (v := getattr(chosen, k)) is not None]  # fmt: skip
            rest = Filters(min_size=chosen.min_size, **dict(keyed))
            only = query is None and chosen == rest and len(keyed) <= 1
            statements = coverage.facet_sql(where, params, chosen.min_size if only else None,
                                            keyed[0] if only and keyed else None)  # fmt: skip
            if only and (not keyed or self._mostly(chosen)):
                rows += self._every_key(chosen.min_size)
                if keyed:  # most stories have the key: every story's keys less the others'
                    less = self._read(*coverage.complement_sql(keyed[0], chosen.min_size))
                    rows = coverage.subtract(rows, less)
                statements = statements[1:]
            for sql, args in statements:
                rows += [tuple(r) for r in self._read(sql, args)]  # type: ignore[misc]
        return coverage.facet_lists(rows)

    def _common(self, filters: Filters) -> bool:
        """Whether ``filters`` name an agency that most stories of their size have."""
        agency, min_size = filters.agency, filters.min_size
        return agency is not None and self._mostly(Filters(agency=agency, min_size=min_size))

    def _mostly(self, chosen: Filters) -> bool:
        """Whether most stories of the minimum size have the one key that ``chosen`` names."""
        return 2 * self._counted(chosen) > self._counted(Filters(min_size=chosen.min_size))

    def _every_key(self, min_size: int) -> list[tuple[str, str, int]]:
        """(kind, value, stories) of every key over the stories of at least ``min_size``."""
        sql = coverage.facet_sql("", [], min_size)[0]
        return self._cached(("keys", min_size), lambda: [tuple(r) for r in self._read(*sql)])

    def stories_of(self, article_id: str) -> list[Story]:
        """Stories that contain the article, newest first."""
        where = "WHERE s.id IN (SELECT story_id FROM story_articles WHERE article_id = ?)"
        return self._stories(where, (article_id,))

    def search(
        self, query: str, *, limit: int | None = 50, offset: int = 0, **filters: Any
    ) -> list[Story]:
        """Stories with an article whose title or text contains every word of the query.

        Two exact plans, both newest first: collect every matching story and sort them (the
        cost grows with the matches), or walk the stories newest first and probe FTS5 for
        each until the page is full (the cost grows with the stories passed over). The walk
        is taken when the words are so common that it stops early (see ``_walks``)."""
        check_page(limit, offset)
        sort = coverage.check_sort(filters.pop("sort", "recent"))
        wanted, chosen = terms.parse_query(query), Filters(**filters)
        if not wanted:
            return []
        walk = self._walks(terms.fts_query(wanted), chosen, limit, offset)  # in any order
        found = search_where(query, chosen, walk=walk)
        return self._stories(*found, limit, offset, sort=sort) if found else []

    def _walks(self, match: str, filters: Filters, limit: int | None, offset: int) -> bool:
        """Whether walking the stories newest first is cheaper than collecting the matches:
        a walk passes over about (offset + limit) * stories / matches stories, each probe
        ~4x dearer than collecting one match. Matches are counted up to ``_PROBE`` only;
        the stories are estimated by the largest rowid (an upper bound that costs nothing)."""
        if limit is None or filters.source is not None or filters.language is not None:
            return False
        sql = "SELECT COUNT(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
        matches = int(self._read(sql + "LIMIT ?)", (match, _PROBE))[0][0])
        if matches < _MIN_WALK:
            return False
        stories = int(self._read("SELECT MAX(rowid) FROM stories")[0][0] or 0)
        return 4 * (offset + limit) * stories < matches * matches

    def count_search(self, query: str, *, upto: int | None = None, **filters: Any) -> int:
        """How many stories :meth:`search` finds; with ``upto``, at most ``upto`` (counting
        stops there: a common word's exact total costs a pass over every match)."""
        chosen = Filters(**filters)
        return self._cached(("search", query, upto, chosen),
                            lambda: self._count_search(query, upto, chosen))  # fmt: skip

    def _count_search(self, query: str, upto: int | None, filters: Filters) -> int:
        found = search_where(query, filters)
        if not found:
            return 0
        if upto is None:
            sql = f"SELECT COUNT(*) FROM stories s {found[0]}"
            return int(self._read(sql, found[1])[0][0])
        check_page(upto, 0)
        where, params = search_where(query, filters, first=True) or found
        return int(self._read(coverage.bounded_search_sql(where), [*params, upto])[0][0])

    def _stories(
        self,
        where: str,
        params: Sequence[Any],
        limit: int | None = None,
        offset: int = 0,
        *,
        sort: str = "recent",
    ) -> list[Story]:
        check_page(limit, offset)
        sql = f"SELECT s.id, s.title, s.method FROM stories s {where} "
        sql += f"ORDER BY {coverage.ORDER_SQL[coverage.check_sort(sort)]} LIMIT ? OFFSET ?"
        with self._snapshot():
            heads = self._read(sql, (*params, -1 if limit is None else limit, offset))
            links = self._links([h["id"] for h in heads], whole=limit is None and not where)
        return [
            Story(h["id"], tuple(links.get(h["id"], ())), h["title"], h["method"]) for h in heads
        ]

    def _links(self, ids: list[str], whole: bool) -> dict[str, list[str]]:
        sql = "SELECT story_id, article_id FROM story_articles"
        order = " ORDER BY story_id, position"
        if whole:
            rows = self._read(sql + order)
        else:
            rows = []
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                rows += self._read(f"{sql} WHERE story_id IN ({_marks(chunk)}){order}", chunk)
        links: dict[str, list[str]] = {}
        for story_id, article_id in rows:
            links.setdefault(story_id, []).append(article_id)
        return links

    # reuse

    def put_reuse(
        self,
        update: ReuseChanges,
        state: bytes | None = None,
        segment: bytes | None = None,
        *,
        restart: bool = False,
    ) -> None:
        """Apply one ReuseIndex update in one transaction (see :class:`Store`); a segment's
        ``articles`` column records how many articles were stored when it was written."""
        staged = stage_reuse(update)
        with self._write() as conn:
            self._check_reuse_articles(conn, staged)
            for group_id in staged.replaced:
                conn.execute("DELETE FROM reuse_groups WHERE id = ?", (group_id,))
            for g in staged.groups:
                _put_group(conn, g)
            conn.executemany(_INSERT_PASSAGE, [passage_key(p) + _passage_rest(p)
                                               for p in staged.passages])  # fmt: skip
            conn.executemany(
                "INSERT OR REPLACE INTO reuse_attributions (article_id, data) VALUES (?, ?)",
                [(att.article, data) for att, data in staged.attributions],
            )
            if state is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO reuse_state (name, data) VALUES (?, ?)",
                    (INDEX_STATE, sqlite3.Binary(state)),
                )
            if restart:
                conn.execute("DELETE FROM reuse_segments")
            if segment is not None:
                conn.execute(
                    "INSERT INTO reuse_segments (articles, data) SELECT COUNT(*), ? FROM articles",
                    (sqlite3.Binary(segment),),
                )

    def _check_reuse_articles(self, conn: sqlite3.Connection, staged: StagedReuse) -> None:
        wanted = sorted(staged.article_ids())
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            sql = f"SELECT id FROM articles WHERE id IN ({_marks(chunk)})"
            known = {r[0] for r in conn.execute(sql, chunk)}
            for article_id in chunk:
                if article_id not in known:
                    raise missing_reuse_article(article_id)

    def reuse_state(self) -> bytes | None:
        rows = self._read("SELECT data FROM reuse_state WHERE name = ?", (INDEX_STATE,))
        return bytes(rows[0][0]) if rows else None

    def reuse_segments(self) -> list[bytes]:
        rows = self._read("SELECT data FROM reuse_segments ORDER BY seq")
        return [bytes(r[0]) for r in rows]

    def passages_of(self, article_id: str) -> list[SharedPassage]:
        rows = self._read(
            "SELECT * FROM reuse_passages WHERE a = ? UNION SELECT * FROM reuse_passages "
            "WHERE b = ?",
            (article_id, article_id),
        )
        found = [SharedPassage(*(row[k] for k in SharedPassage.__slots__)) for row in rows]
        return sorted(found, key=lambda p: _text_order(p, article_id))

    def count_passages(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM reuse_passages")[0][0])

    def dup_groups(self) -> list[DupGroup]:
        return self._groups("")

    def dup_group_of(self, article_id: str) -> DupGroup | None:
        where = "WHERE g.id IN (SELECT group_id FROM reuse_group_articles WHERE article_id = ?)"
        found = self._groups(where, (article_id,))
        return min(found, key=lambda g: (g.kind != "near", g.id), default=None)

    def _groups(self, where: str, params: Sequence[Any] = ()) -> list[DupGroup]:
        sql = (
            "SELECT g.id, g.kind, g.similarity, g.method, m.article_id FROM reuse_groups g "
            f"JOIN reuse_group_articles m ON m.group_id = g.id {where} ORDER BY g.id, m.position"
        )
        members: dict[str, list[str]] = {}
        heads: dict[str, sqlite3.Row] = {}
        for row in self._read(sql, params):
            heads.setdefault(row["id"], row)
            members.setdefault(row["id"], []).append(row["article_id"])
        return [
            DupGroup(i, h["kind"], tuple(members[i]), h["similarity"], h["method"])
            for i, h in heads.items()
        ]

    def attribution(self, article_id: str) -> Attribution | None:
        rows = self._read("SELECT data FROM reuse_attributions WHERE article_id = ?", (article_id,))
        return attribution_from_dict(_loads(rows[0][0])) if rows else None

    def outlet_dependency(self) -> list[OutletDependency]:
        with self._snapshot():
            rows = self._read("SELECT id, source, length(text) FROM articles")
            atts = self._read("SELECT data FROM reuse_attributions")
        return dependency(
            [tuple(r) for r in rows], (attribution_from_dict(_loads(r[0])) for r in atts)
        )

    # corrections: a person's split/merge/move, replayed after automatic grouping

    def add_correction(self, correction: Correction) -> None:
        from storyline.store.corrections import correction_row

        row = correction_row(correction)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO corrections (kind, story, articles, other, at) VALUES (?, ?, ?, ?, ?)",
                row,
            )

    def corrections(self) -> list[Correction]:
        from storyline.store.corrections import correction_from_row

        rows = self._read("SELECT kind, story, articles, other, at FROM corrections ORDER BY seq")
        return [correction_from_row(r) for r in rows]

    # streaming assignment: per article, its similarity profile and the corrections before it

    def add_story_profiles(self, rows: Iterable[tuple[str, int, bytes]]) -> None:
        with self._profile_errors(), self._write() as conn:
            self._add_profiles(conn, rows)

    @staticmethod
    @contextmanager
    def _profile_errors() -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError:
            msg = "a profile names an article that is not stored; add_articles first"
            raise StoreError(msg) from None

    @staticmethod
    def _add_profiles(conn: sqlite3.Connection, rows: Iterable[tuple[str, int, bytes]]) -> None:
        conn.executemany(
            "INSERT OR IGNORE INTO story_profiles (article_id, corrections, data) VALUES (?, ?, ?)",
            [(a, int(n), bytes(d)) for a, n, d in rows],
        )

    def story_profiles(self, ids: Iterable[str] | None = None) -> list[tuple[str, int, bytes]]:
        sql = "SELECT seq, article_id, corrections, data FROM story_profiles"
        if ids is None:
            rows = self._read(sql + " ORDER BY seq")
        else:
            wanted, rows = list(dict.fromkeys(ids)), []
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                rows += self._read(f"{sql} WHERE article_id IN ({_marks(chunk)})", chunk)
            rows.sort(key=lambda r: r[0])
        return [(r[1], r[2], bytes(r[3])) for r in rows]

    def count_story_profiles(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM story_profiles")[0][0])

    def article_ids(self) -> list[str]:
        return [r[0] for r in self._read("SELECT id FROM articles ORDER BY id")]

    def assigner_state(self) -> AssignerState | None:
        rows = self._read("SELECT profiles, corrections, data FROM assigner_state WHERE id = 1")
        return AssignerState(rows[0][0], rows[0][1], bytes(rows[0][2])) if rows else None

    def put_analysis(
        self, story_id: str, analysis: Analysis, membership: tuple[Membership, ...]
    ) -> None:
        data = (codec.dumps(record_to_value(analysis)), codec.dumps(record_to_value(membership)))
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is None:
                raise StoreError(f"no story {story_id!r} is stored; put_stories first")
            conn.execute(
                "INSERT OR REPLACE INTO story_analyses (story_id, method, analysis, membership) "
                "VALUES (?, ?, ?, ?)",
                (story_id, analysis.method, *data),
            )

    def stored_analysis(self, story_id: str) -> tuple[Analysis, tuple[Membership, ...]] | None:
        sql = "SELECT analysis, membership FROM story_analyses WHERE story_id = ?"
        rows = self._read(sql, (story_id,))
        if not rows:
            return None
        analysis = record_from_value(Analysis, json.loads(rows[0][0]))
        return analysis, record_from_value(tuple[Membership, ...], json.loads(rows[0][1]))

    def save_assignment(self, assignment: Assignment) -> None:
        pairs = check_pairs(assignment.stories)
        state = assignment.state
        with self._profile_errors(), self._write() as conn:
            self._add_profiles(conn, assignment.profiles)
            for story_id in assignment.removed:
                self._delete(conn, story_id)
            for story, comparison in pairs:
                self._replace(conn, story, comparison)
            conn.execute(
                "INSERT OR REPLACE INTO assigner_state (id, profiles, corrections, data) "
                "VALUES (1, ?, ?, ?)",
                (state.profiles, state.corrections, sqlite3.Binary(state.data)),
            )

    # feed watching (SQL in store/feeds.py)

    def feed_state(self, url: str) -> FeedState | None:
        from storyline.store import feeds

        with self._lock:
            return feeds.read_state(self._open_conn(), url)

    def put_feed_state(self, state: FeedState, seen: Iterable[tuple[str, str | None]] = ()) -> None:
        from storyline.store import feeds

        rows = list(seen)
        with self._write() as conn:
            feeds.write_state(conn, state, rows)

    def seen_entries(self, keys: Iterable[str]) -> set[str]:
        from storyline.store import feeds

        with self._lock:
            return feeds.seen_keys(self._open_conn(), keys)

    # upkeep: pending work, integrity, backup (see docs/store.md)

    def stories_without_analysis(self) -> list[str]:
        """Ids of stored stories whose analysis is not stored (work an interrupted run left)."""
        sql = "SELECT id FROM stories WHERE id NOT IN (SELECT story_id FROM story_analyses)"
        return [r[0] for r in self._read(sql + " ORDER BY id")]

    def integrity_problems(self) -> list[str]:
        """What ``PRAGMA integrity_check`` and ``foreign_key_check`` find; empty when sound."""
        found = [r[0] for r in self._read("PRAGMA integrity_check") if r[0] != "ok"]
        for row in self._read("PRAGMA foreign_key_check"):
            found.append(f"table {row[0]} row {row[1]}: no {row[2]} row it refers to")
        return found

    def backup(self, out: str | os.PathLike[str]) -> None:
        """Copy the database to the new file ``out`` with SQLite's online backup API (a
        consistent snapshot while others read and write). StoreError when ``out`` exists."""
        target = Path(out)
        if target.exists():
            raise StoreError(f"{target} exists; backup writes a new file: pass another path")
        target.parent.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(target)
        try:
            with self._lock:
                self._open_conn().backup(copy)
        except BaseException:
            copy.close()
            target.unlink(missing_ok=True)
            raise
        copy.close()

    # events

    def put_events(self, events: Iterable[Event], *, stories: Iterable[str] | None = None) -> None:
        rows = [(e.id, e.story, e.title, e.method, json.dumps(list(e.articles))) for e in events]
        with self._write() as conn:
            if stories is None:
                conn.execute("DELETE FROM events")
            else:
                ids = list(dict.fromkeys(stories))
                for start in range(0, len(ids), _CHUNK):
                    chunk = ids[start : start + _CHUNK]
                    conn.execute(f"DELETE FROM events WHERE story_id IN ({_marks(chunk)})", chunk)
            conn.executemany(
                "INSERT OR REPLACE INTO events (id, story_id, title, method, articles) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def events(self, story_id: str | None = None) -> list[Event]:
        sql = "SELECT id, story_id, title, method, articles FROM events"
        where, params = (" WHERE story_id = ?", (story_id,)) if story_id else ("", ())
        rows = self._read(sql + where + " ORDER BY story_id, id", params)
        return [_event(r) for r in rows]

    def event(self, event_id: str) -> Event | None:
        sql = "SELECT id, story_id, title, method, articles FROM events WHERE id = ?"
        rows = self._read(sql, (event_id,))
        return _event(rows[0]) if rows else None


def _event(row: sqlite3.Row) -> Event:
    return Event(row[0], row[1], tuple(json.loads(row[4])), row[2], row[3])


_INSERT_PASSAGE = (
    "INSERT OR IGNORE INTO reuse_passages (a, a_start, a_end, b, b_start, b_end, words, "
    "similarity, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _passage_rest(p: SharedPassage) -> tuple[int, float, str]:
    return (p.words, p.similarity, p.method)


def _put_group(conn: sqlite3.Connection, g: DupGroup) -> None:
    conn.execute("DELETE FROM reuse_groups WHERE id = ?", (g.id,))
    conn.execute(
        "INSERT INTO reuse_groups (id, kind, similarity, method) VALUES (?, ?, ?, ?)",
        (g.id, g.kind, g.similarity, g.method),
    )
    conn.executemany(
        "INSERT INTO reuse_group_articles (group_id, article_id, position) VALUES (?, ?, ?)",
        [(g.id, a, i) for i, a in enumerate(g.articles)],
    )


def _text_order(p: SharedPassage, article_id: str) -> tuple[int, int, str]:
    if p.a == article_id:
        return (p.a_start, p.a_end, p.b)
    return (p.b_start, p.b_end, p.a)


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("SAVEPOINT write_call")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO write_call")
        conn.execute("RELEASE write_call")
        raise
    conn.execute("RELEASE write_call")


#: How long one attempt to take the write lock waits inside SQLite (milliseconds).
_ATTEMPT_MS = 500
_BUSY_MS = 5000


def _begin(
    conn: sqlite3.Connection, path: str, timeout: float, on_wait: Callable[[str], None] | None
) -> None:
    """``BEGIN IMMEDIATE``, waiting up to ``timeout`` seconds for another writer's lock;
    ``on_wait`` hears once that we wait. StoreError naming ``path`` when the time is up."""
    start, told = time.monotonic(), False
    while True:
        left = timeout - (time.monotonic() - start)
        conn.execute(f"PRAGMA busy_timeout = {max(0, min(_ATTEMPT_MS, int(left * 1000)))}")
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as e:
            if not _is_locked(e):
                raise
            if left <= 0:
                raise StoreError(_locked_message(path, timeout)) from None
            if not told and on_wait is not None:
                on_wait(f"waiting for the database lock on {path} (another writer holds it; "
                        f"giving up after {timeout:g} s)")  # fmt: skip
                told = True
        finally:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")


def _is_locked(e: sqlite3.OperationalError) -> bool:
    code = getattr(e, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in str(e)


def _connect(
    path: str, begin: Callable[[sqlite3.Connection], None], timeout: float = LOCK_TIMEOUT
) -> sqlite3.Connection:
    """A prepared connection; ``begin`` takes the write lock for a pending migration, so a
    second process opening a new database waits like any other writer. Preparing is tried
    again while SQLite says the database is locked in ways its busy timeout does not wait for
    (a schema read just before another process's commit), up to ``timeout`` seconds."""
    try:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    except (OSError, sqlite3.Error) as e:
        raise StoreError(f"{path} is not a storyline database: {e}; pass another --db path") from e
    deadline = time.monotonic() + timeout
    while True:
        try:
            _prepare(conn, path, begin)
            return conn
        except BaseException as e:
            locked = isinstance(e, sqlite3.OperationalError) and _is_locked(e)
            if locked and time.monotonic() < deadline:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                time.sleep(_RETRY_S)
                continue
            conn.close()
            if locked:
                raise StoreError(_locked_message(path, timeout)) from e
            if isinstance(e, sqlite3.Error):
                raise StoreError(
                    f"{path} is not a storyline database: {e}; pass another --db path"
                ) from e
            raise


#: Pause before preparing a connection again after a lock error.
_RETRY_S = 0.05


def _locked_message(path: str, timeout: float) -> str:
    return (
        f"{path}: the database is locked by another writer (waited {timeout:g} s); "
        "try again when it has finished, or wait longer with --lock-timeout"
    )


def _prepare(
    conn: sqlite3.Connection, path: str, begin: Callable[[sqlite3.Connection], None]
) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and "_migrations" not in tables:
        raise StoreError(
            f"{path} is not a storyline database: it holds other tables "
            f"({', '.join(sorted(tables)[:5])}); pass another --db path"
        )
    migrations.apply(conn, begin)


#: Matches counted (at most) to choose a search plan, and the fewest that make a walk worth it.
_PROBE = 20_000
_MIN_WALK = 2_000


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _loads(text: str) -> Any:
    return json.loads(text)


def _now() -> str:
    return datetime.now(UTC).isoformat()
