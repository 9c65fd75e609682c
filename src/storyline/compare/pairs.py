"""Judge a CSV of sentence pairs (``storyline pairs IN.csv --out OUT.csv``).

Input columns: ``sentence1``, ``sentence2`` and optionally ``language`` (ISO 639-1, empty =
detect); any other columns are copied through. Output: the input columns plus ``kind``,
``score`` and ``conflicts`` (conflict kinds joined by ``;``). A malformed row (a missing
sentence, more fields than the header, a CSV syntax error) is reported by its line number
and skipped; the rest goes on. Pairs are judged in batches of :data:`BATCH`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from storyline.compare.judgement import judge_many
from storyline.errors import InputError

BATCH = 2048
REQUIRED = ("sentence1", "sentence2")
ADDED = ("kind", "score", "conflicts")


@dataclass
class PairsReport:
    """What :func:`judge_csv` did: pairs judged and one message per skipped row."""

    judged: int = 0
    skipped: list[str] = field(default_factory=list)


def _reader(f: TextIO, name: str) -> csv.DictReader[str]:
    reader = csv.DictReader(f, restkey="\0extra")
    if reader.fieldnames is None or not set(REQUIRED) <= set(reader.fieldnames):
        raise InputError(name, f"needs a header with columns {', '.join(REQUIRED)}[, language]")
    return reader


def _rows(reader: csv.DictReader[str], name: str, report: PairsReport) -> Iterator[dict]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.skipped.append(f"{name}: line {reader.line_num}: {exc}; row skipped")
            continue
        problem = _problem(row)
        if problem:
            report.skipped.append(f"{name}: line {reader.line_num}: {problem}; row skipped")
        else:
            yield row


def _problem(row: dict[str, str]) -> str:
    if "\0extra" in row:
        return "more fields than the header has"
    missing = [k for k in REQUIRED if row.get(k) is None]
    return f"no {' or '.join(missing)} field" if missing else ""


def _judged(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    pairs = [(r["sentence1"], r["sentence2"]) for r in rows]
    langs = [(r.get("language") or "").strip() or None for r in rows]
    out = []
    for row, j in zip(rows, judge_many(pairs, langs), strict=True):
        conflicts = ";".join(dict.fromkeys(c.kind for c in j.conflicts))
        out.append({**row, "kind": j.kind, "score": f"{j.score:.4f}", "conflicts": conflicts})
    return out


def judge_csv(source: str | Path, out: str | Path) -> PairsReport:
    """Judge every pair of the CSV file ``source`` and write ``out`` (UTF-8 CSV)."""
    name = str(source)
    report = PairsReport()
    try:
        f = Path(source).open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror}); check the path") from exc
    with f, Path(out).open("w", encoding="utf-8", newline="") as g:
        reader = _reader(f, name)
        fields = [*(k for k in reader.fieldnames or () if k not in ADDED), *ADDED]
        writer = csv.DictWriter(g, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        batch: list[dict[str, str]] = []
        for row in _rows(reader, name, report):
            batch.append(row)
            if len(batch) >= BATCH:
                writer.writerows(_judged(batch))
                report.judged, batch = report.judged + len(batch), []
        if batch:
            writer.writerows(_judged(batch))
            report.judged += len(batch)
    return report


__all__ = ["ADDED", "BATCH", "REQUIRED", "PairsReport", "judge_csv"]
