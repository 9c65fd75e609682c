"""A JSONL file over the per-file limit is read line by line: the same records as a whole
read, the limit per line, bad lines as Failures naming them, the rest goes on."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from storyline.ingest import read, stream
from storyline.model import Article, Failure

TEXT = "Der Bundesrat hat am Mittwoch in Bern neue Regeln für die Bahn beschlossen. Größe: {k}."


def records(n: int) -> list[str]:
    return [json.dumps({"source": f"Outlet {k % 7}", "title": f"Nr. {k}",
                        "text": TEXT.format(k=k)}, ensure_ascii=k % 2 == 0) for k in range(n)]  # fmt: skip


def same(items: list) -> list:
    return [dataclasses.replace(i, ingested=None) if isinstance(i, Article) else i for i in items]


def test_a_jsonl_file_over_the_limit_gives_the_records_a_whole_read_gives(tmp_path: Path) -> None:
    path = tmp_path / "stream.jsonl"
    lines = records(300)
    lines[5] = "{not json"
    lines[9] = "[1, 2]"
    lines[12] = ""
    path.write_text("\r\n".join(lines) + "\n", encoding="utf-8")
    whole = list(read([path]))
    assert stream.streams(str(path), "auto", 1000) and not stream.streams(str(path), "auto", 10**8)
    streamed = list(read([path], max_bytes=1000))  # every line is under 1,000 bytes
    assert same(streamed) == same(whole)
    assert sum(isinstance(i, Article) for i in streamed) == 297
    assert [f.input for f in streamed if isinstance(f, Failure)] == [f"{path}:6", f"{path}:10"]


def test_a_line_over_the_limit_is_one_failure_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    huge = json.dumps({"text": "Wort " * 2000})
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join([*records(3), huge, *records(2)]).encode())
    items = list(read([path], max_bytes=5000))
    assert [type(i).__name__ for i in items] == ["Article"] * 3 + ["Failure"] + ["Article"] * 2
    assert items[3] == Failure(f"{path}:4", "line too large: more than 5,000 bytes (one record; "
                               "raise --max-bytes to read it)")  # fmt: skip
    assert items[0].title == "Nr. 0"  # the byte order mark is not part of the first record


def test_a_large_cp1252_jsonl_file_is_decoded_as_a_whole_read_would(tmp_path: Path) -> None:
    path = tmp_path / "alt.jsonl"
    path.write_bytes("\n".join(records(50)).encode("cp1252"))
    assert same(list(read([path], max_bytes=500))) == same(list(read([path])))


def test_a_binary_file_named_jsonl_over_the_limit_is_one_failure(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"\x00\x01" * 5000)
    (failure,) = read([path], max_bytes=100)
    assert isinstance(failure, Failure) and failure.input == str(path)
    assert failure.reason.startswith("binary file")
