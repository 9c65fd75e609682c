"""`storyline ingest FOLDER --db FOLDER/x.db` never reads its own database (#17 item 3), nor
dot-files, journals, backups or partial downloads found in a folder or by a glob."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.ingest import files, read
from storyline.pipeline import ingest
from storyline.store import open_store

from .conftest import EXAMPLES, articles, failures

NOISE = [
    "x.db-wal", "x.db-shm", "x.db-journal", "old.sqlite", "cache.sqlite3", "Thumbs.db",
    "notes.txt~", "#draft.txt#", "report.txt.bak", ".report.txt.swp", "r.swo", "dl.part",
    "dl.crdownload", "t.tmp", ".DS_Store", "desktop.ini",
]  # fmt: skip


def folder(tmp_path: Path) -> Path:
    """The two seed reports and, beside them, binary noise under every skipped kind of name."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed in EXAMPLES.glob("*.txt"):
        shutil.copy(seed, inbox / seed.name)
    for name in NOISE:
        (inbox / name).write_bytes(b"SQLite format 3\x00" + bytes(range(256)))
    return inbox


def test_ingest_into_its_own_folder_reads_only_the_reports(tmp_path: Path) -> None:
    inbox = folder(tmp_path)
    db = inbox / "x.db"
    for run in range(2):  # the second run finds the database (and maybe its journal) there
        result = CliRunner().invoke(main, ["ingest", str(inbox), "--db", str(db), "--quiet"])
        assert result.exit_code == 0, result.output
        assert "failed 0" in result.output and "error" not in result.output, result.output
        new, old = (2, 0) if run == 0 else (0, 2)
        assert f"ingested {new}, duplicate {old}" in result.output


def test_own_database_is_skipped_under_any_name_and_by_glob(tmp_path: Path) -> None:
    inbox = folder(tmp_path)
    db = inbox / "archive.data"  # not a skipped name: skipped because it is the store's file
    with open_store(db) as store:
        report = ingest(store, [str(inbox), str(inbox / "*"), str(db)])
        # its journal is there while the store is open (overwriting it would corrupt the
        # database itself, which a batch reopening the file then rightly reports)
        assert (inbox / "archive.data-wal").exists()
        again = ingest(store, [str(inbox / "*")])
    assert report.failures == () and len(report.ingested) == 2
    assert again.failures == () and len(again.duplicates) == 2


def test_a_named_file_is_read_even_with_a_skipped_name(tmp_path: Path) -> None:
    path = tmp_path / "report.txt.bak"
    shutil.copy(next(EXAMPLES.glob("*.txt")), path)
    assert len(articles(list(read([path])))) == 1
    assert list(failures(list(read([tmp_path])))) == [str(tmp_path)], "only a skipped name in it"


@pytest.mark.parametrize("name", NOISE + ["X.DB", "a.Db-Wal"])
def test_skipped_names(name: str) -> None:
    assert files.skipped(name)


@pytest.mark.parametrize("name", ["report.txt", "db.txt", "wal.html", "tmp.jsonl", "a.csv"])
def test_reports_are_not_skipped(name: str) -> None:
    assert not files.skipped(name)


def test_database_files() -> None:
    assert files.database_files("d/x.db") == (
        "d/x.db",
        "d/x.db-wal",
        "d/x.db-shm",
        "d/x.db-journal",
    )
    assert files.database_files(None) == files.database_files(":memory:") == ()
