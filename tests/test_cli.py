"""The CLI end to end: store round trip, bad input in a batch, exit status."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from storyline.cli import main

from .conftest import SEED_CH, SEED_ET


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_help_lists_commands() -> None:
    code, out = run("--help")
    assert code == 0
    for command in ("compare", "ingest", "stories", "show", "clean"):
        assert command in out


def test_ingest_stories_show_round_trip(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code, out = run("ingest", str(SEED_CH), str(SEED_ET), "--db", db, "--quiet")
    assert code == 0, out
    assert "ingested 2, duplicate 0, failed 0" in out
    code, out = run("ingest", str(SEED_CH), "--db", db, "--quiet")
    assert "ingested 0, duplicate 1" in out
    code, out = run("stories", "--db", db, "--json")
    listed = json.loads(out)["stories"]
    assert len(listed) == 1 and listed[0]["size"] == 2
    code, out = run("show", listed[0]["id"], "--db", db, "--json")
    assert code == 0
    shown = json.loads(out)["stories"][0]
    assert {g["kind"] for g in shown["alignments"]} >= {"verbatim"}


def test_show_unknown_story(tmp_path: Path) -> None:
    code, out = run("show", "nope", "--db", str(tmp_path / "s.db"))
    assert code != 0
    assert "no story 'nope'" in out


def test_bad_inputs_fail_alone(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 50)
    code, out = run("compare", str(SEED_CH), str(tmp_path / "missing.txt"),
                    str(tmp_path / "empty.txt"), str(tmp_path / "binary.txt"))  # fmt: skip
    assert code == 0
    for name in ("missing.txt", "empty.txt", "binary.txt"):
        assert name in out
    assert "Story" in out


def test_nothing_processed_exits_non_zero(tmp_path: Path) -> None:
    code, out = run("compare", str(tmp_path / "missing.txt"))
    assert code == 1
    assert "missing.txt" in out


def test_clean_jsonl_shape() -> None:
    code, out = run("clean", str(SEED_ET), "--jsonl")
    assert code == 0
    line = json.loads(out.splitlines()[0])
    assert {"path", "id", "title", "text", "language", "credits", "removed"} <= set(line)
    assert {"agencies", "photo", "quoted_sources"} <= set(line["credits"])
    assert all({"line", "reason"} <= set(r) for r in line["removed"])
    assert line["language"] == "de"


def test_ingest_escapes_nothing_but_prints_text(tmp_path: Path) -> None:
    evil = tmp_path / "evil.txt"
    evil.write_text("[bold red]not markup[/] <script>alert(1)</script> steht hier im Satz.\n")
    code, out = run("compare", str(evil))
    assert code == 0
    assert "[bold red]not markup[/]" in out


def test_stories_table_keeps_ids_whole_and_shows_markup_literally(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    report = tmp_path / "r.jsonl"
    text = "Der Stadtrat hat am Dienstag den neuen Haushalt mit großer Mehrheit beschlossen."
    report.write_text(json.dumps({"source": "[red]X[/red]", "title": "[bold]T[/bold]",
                                  "text": text}) + "\n")  # fmt: skip
    assert run("ingest", str(report), "--db", db, "--quiet")[0] == 0
    (story,) = json.loads(run("stories", "--db", db, "--json")[1])["stories"]
    result = CliRunner().invoke(main, ["stories", "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert story["id"] in out and "[bold]T[/bold]" in out and "[red]X[/red]" in out
    narrow = CliRunner().invoke(main, ["stories", "--db", db], env={"COLUMNS": "50"})
    assert story["id"] in narrow.output


def test_stories_sort_and_singletons(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    other = tmp_path / "other.txt"
    other.write_text("Ein Zug fährt heute nach Wladiwostok.\nSonst nichts.\n", encoding="utf-8")
    code, out = run("ingest", str(SEED_CH), str(SEED_ET), str(other), "--db", str(db), "--quiet")
    assert code == 0, out
    by = {s: json.loads(run("stories", "--db", str(db), "--json", "--sort", s)[1])["stories"]
          for s in ("coverage", "recent", "size")}  # fmt: skip
    assert [len(r["sources"]) for r in by["coverage"]] == [2, 1]
    assert [r["size"] for r in by["size"]] == [2, 1]
    assert sorted(r["id"] for r in by["recent"]) == sorted(r["id"] for r in by["coverage"])
    hidden = json.loads(run("stories", "--db", str(db), "--json", "--no-singletons")[1])
    assert [r["size"] for r in hidden["stories"]] == [2]
    code, out = run("stories", "--db", str(db), "--sort", "loudest")
    assert code != 0 and "loudest" in out
