"""`storyline pairs IN.csv --out OUT.csv`: judged rows, malformed rows reported by line."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from storyline.cli import main
from storyline.compare.pairs import judge_csv


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_pairs_adds_kind_score_conflicts_and_skips_bad_rows(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "in.csv",
        "id,sentence1,sentence2,language\n"
        "1,Company profits rose.,Company profits fell.,en\n"
        "2,only one field\n"
        '3,"Der Bundestag hat das Gesetz angenommen.","Der Bundestag hat das Gesetz nicht '
        'angenommen.",de\n'
        "4,a,b,en,extra\n"
        "5,Putin empfing Kim.,Putin empfing Kim.,\n",
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["pairs", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "line 3: no sentence2 field" in result.output
    assert "line 5: more fields than the header has" in result.output
    assert "judged 3 pairs" in result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == ["1", "3", "5"]
    assert list(rows[0])[-3:] == ["kind", "score", "conflicts"]
    assert (rows[0]["kind"], rows[0]["conflicts"]) == ("conflict", "direction")
    assert (rows[1]["kind"], rows[1]["conflicts"]) == ("conflict", "negation")
    assert rows[2]["kind"] == "verbatim" and float(rows[2]["score"]) == 1.0


def test_pairs_without_the_columns_is_a_clear_error(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.csv", "a,b\nx,y\n")
    result = CliRunner().invoke(main, ["pairs", str(src), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code != 0
    assert "in.csv" in result.output and "sentence1, sentence2" in result.output


def test_pairs_missing_file_names_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["pairs", str(tmp_path / "nope.csv"), "--out", "x.csv"])
    assert result.exit_code != 0 and "nope.csv" in result.output


def test_judge_csv_reports_a_csv_syntax_error_and_goes_on(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "in.csv",
        'sentence1,sentence2\n"a"b,"c"\nEr kam.,Er kam.\n' + "x\0y,z\n",
    )
    report = judge_csv(src, tmp_path / "out.csv")
    assert report.judged >= 1
    assert all("in.csv: line" in m for m in report.skipped)
