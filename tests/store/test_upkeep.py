"""storyline backup and check, and a database newer than the code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.errors import StoreError
from storyline.maintenance import backup, check, content_digest
from storyline.store import open_store

BODY = "Der Bundesrat hat am Mittwoch in Bern neue Regeln für die Bahn beschlossen. " * 8


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    doc = tmp_path / "a.txt"
    doc.write_text(BODY, encoding="utf-8")
    path = tmp_path / "x.db"
    result = CliRunner().invoke(main, ["ingest", str(doc), "--db", str(path), "--quiet"])
    assert result.exit_code == 0, result.output
    return path


def test_backup_copies_the_content_while_another_writer_holds_the_lock(
    db: Path, tmp_path: Path
) -> None:
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM story_analyses")  # uncommitted: not in the copy
    out = tmp_path / "copy" / "x.db"
    result = CliRunner().invoke(main, ["backup", "--db", str(db), str(out)])
    holder.execute("ROLLBACK")
    holder.close()
    assert result.exit_code == 0, result.output
    assert content_digest(out) == content_digest(db)
    with open_store(out) as store:
        assert check(store).ok and store.count_articles() == 1


def test_backup_never_overwrites(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "old.db"
    out.write_bytes(b"keep me")
    result = CliRunner().invoke(main, ["backup", "--db", str(db), str(out)])
    assert result.exit_code == 1 and "exists" in result.output
    assert out.read_bytes() == b"keep me"
    with open_store(None) as memory, pytest.raises(StoreError, match="only a SQLite store"):
        backup(memory, tmp_path / "m.db")


def test_check_reports_ok_and_json(db: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--db", str(db)])
    assert result.exit_code == 0 and result.output.strip().endswith(": ok")
    result = CliRunner().invoke(main, ["check", "--db", str(db), "--json"])
    assert '"ok": true' in result.output and '"unassigned": 0' in result.output


def test_check_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {tmp_path / 'none.db'}: no such database file; pass --db FILE"
    ]
    assert not (tmp_path / "none.db").exists()


def test_check_finds_damage(db: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    with conn:
        conn.execute("INSERT INTO story_articles VALUES ((SELECT id FROM stories), 'nope', 99)")
    conn.close()
    result = CliRunner().invoke(main, ["check", "--db", str(db)])
    assert result.exit_code == 1
    assert "damaged: table story_articles" in result.output and "restore a backup" in result.output


def test_a_database_newer_than_the_code_is_refused_in_one_line(db: Path) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO _migrations VALUES ('9999_from_the_future', 'x')")
    conn.close()
    for args in (["stories"], ["check"], ["ingest", str(db.parent / "a.txt"), "--quiet"]):
        result = CliRunner().invoke(main, [*args, "--db", str(db)])
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "newer version: upgrade storyline" in lines[0], result.output
