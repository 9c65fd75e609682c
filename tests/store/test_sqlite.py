"""What only the SQLite backend has: a file, a schema, migrations, pragmas."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storyline.errors import StoreError
from storyline.model import Article, Story
from storyline.store import migrations, open_store
from storyline.store.sqlite import SQLiteStore


def art(article_id: str, text: str = "") -> Article:
    return Article(article_id, "src", text, text, published=datetime(2023, 9, 13, tzinfo=UTC))


def rows(path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_migrations_applied_once_and_recorded(tmp_path) -> None:
    path = tmp_path / "s.db"
    open_store(path).close()
    first = rows(path, "SELECT name, applied FROM _migrations ORDER BY rowid")
    assert [name for name, _ in first] == [name for name, _ in migrations.MIGRATIONS]
    assert all(datetime.fromisoformat(applied).tzinfo for _, applied in first)
    with open_store(path) as store:
        assert migrations.apply(store._conn) == []
    assert rows(path, "SELECT name, applied FROM _migrations ORDER BY rowid") == first


def test_a_new_migration_runs_once_on_an_old_database(tmp_path, monkeypatch) -> None:
    path = tmp_path / "s.db"
    open_store(path).close()
    calls = []

    def add_notes(conn: sqlite3.Connection) -> None:
        calls.append(1)
        conn.execute("CREATE TABLE notes (story_id TEXT REFERENCES stories (id), note TEXT)")

    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, ("9999_notes", add_notes)]
    )
    open_store(path).close()
    open_store(path).close()
    assert calls == [1]
    assert rows(path, "SELECT name FROM _migrations WHERE name = '9999_notes'") == [("9999_notes",)]


def test_a_failing_migration_is_rolled_back(tmp_path, monkeypatch) -> None:
    path = tmp_path / "s.db"
    open_store(path).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half (x)")
        conn.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, ("9999_broken", broken)])
    with pytest.raises(StoreError, match=str(path)):
        open_store(path)
    assert rows(path, "SELECT name FROM sqlite_master WHERE name = 'half'") == []
    assert rows(path, "SELECT name FROM _migrations WHERE name = '9999_broken'") == []


def test_registering_a_name_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="0001_articles"):
        migrations.migration("0001_articles")(lambda conn: None)


def test_database_from_a_newer_version_is_refused(tmp_path) -> None:
    path = tmp_path / "s.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _migrations VALUES ('9999_future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer version"):
        open_store(path)


def test_reopen_keeps_data(tmp_path) -> None:
    path = tmp_path / "deep" / "er" / "s.db"
    with open_store(path) as store:
        store.add_articles([art("a", "Kim trifft Putin"), art("b")])
        store.put_stories([(Story("s", ("b", "a"), "T"), None)])
    with open_store(path) as store:
        assert store.count_articles() == 2
        assert store.stories() == [Story("s", ("b", "a"), "T")]
        assert store.search("putin") == [Story("s", ("b", "a"), "T")]
        assert store.add_articles([art("a")]) == [False]


def test_wal_mode_and_foreign_keys_are_on(tmp_path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert rows(tmp_path / "s.db", "PRAGMA journal_mode") == [("wal",)]


def test_created_survives_regrouping(tmp_path) -> None:
    path = tmp_path / "s.db"
    with open_store(path) as store:
        store.add_articles([art("a"), art("b")])
        store.put_stories([(Story("s", ("a",)), None)])
        (created,) = rows(path, "SELECT created FROM stories")[0]
        store.put_stories([(Story("s", ("a", "b")), None), (Story("t", ("b",)), None)])
        assert rows(path, "SELECT created FROM stories WHERE id = 's'") == [(created,)]


@pytest.mark.parametrize(
    "content",
    [b"this is a text file, not a database\n" * 50, bytes(range(256)) * 20],
)
def test_non_database_file_names_the_path(tmp_path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="pass another --db path") as info:
        open_store(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == content


def test_foreign_sqlite_database_is_refused(tmp_path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="customers"):
        open_store(path)
    assert rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'") == [("customers",)]


def test_directory_path_cannot_be_opened(tmp_path) -> None:
    with pytest.raises(StoreError, match=str(tmp_path)):
        open_store(tmp_path)


def test_hostile_search_leaves_tables(tmp_path) -> None:
    path = tmp_path / "s.db"
    with open_store(path) as store:
        store.add_articles([art("a", "x")])
        store.search("'); DROP TABLE articles; --")
        store.search('" OR 1=1 --')
    assert rows(path, "SELECT COUNT(*) FROM articles") == [(1,)]


def test_every_write_is_committed_for_other_connections(tmp_path) -> None:
    path = tmp_path / "s.db"
    with open_store(path) as store:
        store.add_articles([art("a")])
        assert rows(path, "SELECT id FROM articles") == [("a",)]
        store.put_story(Story("s", ("a",)))
        assert rows(path, "SELECT story_id, article_id, position FROM story_articles") == [
            ("s", "a", 0)
        ]


def test_seed_reports_come_back_byte_for_byte(tmp_path) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    paths = sorted(examples.glob("*.txt"))
    if not paths:
        pytest.skip("examples/ is absent")
    raws = [p.read_bytes().decode("utf-8") for p in paths]
    articles = [
        Article(p.stem, "seed", raw, raw.strip(), path=str(p))
        for p, raw in zip(paths, raws, strict=True)
    ]
    with open_store(tmp_path / "s.db") as store:
        store.add_articles(articles)
    with open_store(tmp_path / "s.db") as store:
        assert [a.raw for a in store.articles()] == raws
        assert list(store.articles()) == articles


def test_each_thread_reads_on_its_own_connection_and_sees_every_commit(tmp_path) -> None:
    """Over a file, reads of other threads do not queue for the writers' lock: a thread
    reads while another holds it in a write; writes of this store and of another
    connection show at once; a read inside a write sees that write; close ends them all."""
    import threading

    a = Article(id="a1", source="Alpha", raw="r", text="Alpha reports the storm.")
    b = Article(id="b1", source="Beta", raw="r", text="Beta reports the flood.")
    store = open_store(tmp_path / "t.db")
    store.add_articles([a])
    seen: list[int] = []
    inside = threading.Event()
    go_on = threading.Event()

    def write_slowly() -> None:
        with store._write() as conn:  # holds the writers' lock
            conn.execute("UPDATE articles SET title = 'x' WHERE id = 'a1'")
            seen.append(store.count_articles())  # a read inside its own write
            inside.set()
            go_on.wait(10)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    assert inside.wait(10)
    reader = threading.Thread(target=lambda: seen.append(store.count_articles()))
    reader.start()
    reader.join(5)
    assert not reader.is_alive(), "a read waited for another thread's write"
    go_on.set()
    writer.join(10)
    assert seen == [1, 1] and store.article("a1").title == "x"
    with open_store(tmp_path / "t.db") as other:
        other.add_articles([b])
    assert store.count_articles() == 2
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.count_articles()
