"""Export of a store as tables: Parquet (partitioned by date), JSONL, CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.pipeline import ingest
from storyline.store import open_store
from storyline.tables import TABLES, export


@pytest.fixture(scope="module")
def db(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tables") / "s.db"
    with open_store(path) as store:
        ingest(store, [corpus])
    return path


def counts(db: Path) -> dict[str, int]:
    with open_store(db) as store:
        stories = store.stories()
        articles = list(store.articles())
        return {"articles": len(articles), "stories": len(stories)}


def test_jsonl_has_every_table_and_row(db: Path, tmp_path: Path) -> None:
    with open_store(db) as store:
        written = export(store, tmp_path, "jsonl")
    assert list(written) == list(TABLES)
    assert {k: written[k] for k in ("articles", "stories")} == counts(db)
    rows = [json.loads(x) for x in (tmp_path / "articles.jsonl").read_text().splitlines()]
    assert all(r["story"] and r["date"] for r in rows)
    rows = [json.loads(x) for x in (tmp_path / "alignments.jsonl").open()]
    with open_store(db) as store:
        groups = [(s.id, g) for s in store.stories() for g in store.comparison(s.id).alignments]
    assert len(rows) == written["alignments"] == sum(len(g.members) for _, g in groups)
    assert {(r["story"], r["kind"]) for r in rows} == {(sid, g.kind) for sid, g in groups}
    assert written["passages"] >= 1


def test_csv_joins_lists_and_replaces_an_older_export(db: Path, tmp_path: Path) -> None:
    (tmp_path / "stories.csv").write_text("stale\n")
    with open_store(db) as store:
        written = export(store, tmp_path, "csv")
    with (tmp_path / "stories.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == written["stories"]
    assert any(";" in r["articles"] for r in rows)
    assert not list(tmp_path.glob("*.tmp"))


def test_parquet_is_partitioned_by_date(db: Path, tmp_path: Path) -> None:
    ds = pytest.importorskip("pyarrow.dataset")
    with open_store(db) as store:
        written = export(store, tmp_path, "parquet")
    parts = sorted(p.name for p in (tmp_path / "articles").iterdir())
    assert parts and all(p.startswith("date=") for p in parts)
    table = ds.dataset(tmp_path / "articles", format="parquet", partitioning="hive").to_table()
    assert table.num_rows == written["articles"]
    assert {"id", "story", "source", "text", "agencies", "date"} <= set(table.column_names)


def test_unknown_format_is_refused(db: Path, tmp_path: Path) -> None:
    with open_store(db) as store, pytest.raises(ValueError, match="unknown format 'xml'"):
        export(store, tmp_path, "xml")


def test_cli_ingest_out_writes_parquet_and_its_database(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (out / "storyline.db").exists()
    assert (out / "stories").is_dir() and "wrote" in result.output


def test_cli_export(db: Path, tmp_path: Path) -> None:
    args = ["export", "--db", str(db), "--format", "jsonl", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "passages.jsonl").exists()
