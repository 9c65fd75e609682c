"""Concurrent writers: ingests on one database are serialised by the write lock, say that
they wait, give up after --lock-timeout with one line, and never lose or double anything."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from storyline.errors import StoreError
from storyline.pipeline import ingest_uploads, pending
from storyline.store import open_store

from .crash import RUN_TIMEOUT, inspect, write_corpus

BODY = "Der Bundesrat hat am Mittwoch in Bern neue Regeln für die Bahn beschlossen. " * 8


@pytest.fixture()
def locked(tmp_path: Path):
    """A database whose write lock another connection holds (BEGIN IMMEDIATE)."""
    db = tmp_path / "x.db"
    open_store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield db
    holder.execute("ROLLBACK")
    holder.close()


def test_an_ingest_waits_for_the_lock_says_so_and_gives_up_with_one_line(
    locked: Path, tmp_path: Path
) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(BODY, encoding="utf-8")
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", str(doc), "--db", str(locked)]
    done = subprocess.run([*cmd, "--quiet", "--lock-timeout", "1"], capture_output=True,
                          text=True, timeout=RUN_TIMEOUT)  # fmt: skip
    assert done.returncode == 1
    assert "waiting for the database lock" in done.stderr
    assert "locked by another writer (waited 1 s)" in done.stderr
    assert "Traceback" not in done.stderr
    assert inspect(locked) == ("ok", 0)


def test_readers_and_a_new_store_do_not_wait_for_a_writer(locked: Path) -> None:
    with open_store(locked) as store:
        assert store.count_articles() == 0 and store.stories() == []


def test_an_upload_while_another_writer_holds_the_lock_fails_naming_the_file(
    locked: Path,
) -> None:
    with open_store(locked, lock_timeout=0.2) as store:
        with pytest.raises(StoreError, match=r"x\.db: the database is locked"):
            ingest_uploads(store, [("a.txt", BODY.encode())])
        assert store.count_articles() == 0


@pytest.fixture()
def new_locked(tmp_path: Path):
    """A new database (no migration applied yet) whose write lock another connection holds."""
    db = tmp_path / "new.db"
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied TEXT)")
    holder.execute("BEGIN IMMEDIATE")
    yield db, holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def test_opening_a_new_database_waits_for_the_writer_that_creates_it(new_locked) -> None:
    db, holder = new_locked
    heard: list[str] = []
    release = threading.Timer(1.0, lambda: holder.execute("COMMIT"))
    release.start()
    try:  # longer than one busy timeout would not do: the store's own lock timeout applies
        with open_store(db, lock_timeout=30, on_wait=heard.append) as store:
            assert store.count_articles() == 0
    finally:
        release.cancel()
    assert len(heard) == 1 and "waiting for the database lock" in heard[0]


def test_opening_a_new_database_gives_up_after_the_lock_timeout_naming_it(new_locked) -> None:
    db, _ = new_locked
    with pytest.raises(StoreError, match=r"new\.db: the database is locked by another writer"):
        open_store(db, lock_timeout=0.3)


@pytest.mark.slow
def test_two_ingests_at_once_on_a_new_database_lose_and_double_nothing(
    shared_data: Path, tmp_path: Path
) -> None:
    pairs = shared_data / "semeval2022-dev" / "pairs.csv"
    one = write_corpus(pairs, tmp_path / "one.jsonl", 6)
    two = write_corpus(pairs, tmp_path / "two.jsonl", 6, skip=3)  # 3 articles in both
    db = tmp_path / "both.db"
    cmd = [sys.executable, "-m", "storyline.cli", "ingest", "--db", str(db), "--quiet"]
    procs = [subprocess.Popen([*cmd, str(p)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for p in (one, two)]  # fmt: skip
    outs = [p.communicate(timeout=RUN_TIMEOUT) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert not any("Traceback" in err for _, err in outs)
    conn = sqlite3.connect(db)
    linked = conn.execute("SELECT COUNT(*), COUNT(DISTINCT article_id) FROM story_articles")
    assert linked.fetchone() == (9, 9)  # every article in exactly one story
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone() == (9,)
    conn.close()
    with open_store(db) as store:
        assert pending(store).total == 0
    assert inspect(db) == ("ok", 0)


def test_opening_tries_again_when_sqlite_says_locked_without_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite answers "database is locked" at once, without its busy timeout, when a
    connection's schema read went stale under another process's commit: preparing is tried
    again within the lock timeout, and past it the error is the usual one-line lock error."""
    from storyline.store import sqlite as backend

    real, calls = backend._prepare, []

    def stale_twice(conn: sqlite3.Connection, path: str, begin) -> None:
        calls.append(path)
        if len(calls) <= 2:
            raise sqlite3.OperationalError("database is locked")
        real(conn, path, begin)

    monkeypatch.setattr(backend, "_prepare", stale_twice)
    with open_store(tmp_path / "a.db") as store:
        assert store.count_articles() == 0
    assert len(calls) == 3

    def always(*_: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(backend, "_prepare", always)
    with pytest.raises(StoreError, match=r"b\.db: the database is locked by another writer"):
        open_store(tmp_path / "b.db", lock_timeout=0.2)
