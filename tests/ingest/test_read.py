import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from storyline.ingest import files, read, read_text
from storyline.model import Article, Failure

from .conftest import BODY, EXAMPLES, HTML, articles, failures


def test_seed_reports_are_read_as_text_with_raw_kept() -> None:
    items = list(read([EXAMPLES]))
    assert [a.path for a in articles(items)] == sorted(str(p) for p in EXAMPLES.glob("*.txt"))
    swiss, epoch = articles(items)
    assert swiss.raw == (EXAMPLES / "000_98dadad234490a67.txt").read_text(encoding="utf-8")
    assert swiss.source == "000_98dadad234490a67"
    assert epoch.source == "Epoch Times"
    assert epoch.format == "text" and epoch.published is None
    assert epoch.text.startswith("Logo Epoch Times\n")  # ingest never cleans


def test_text_is_nfc_with_unix_newlines_and_raw_untouched(write) -> None:
    raw = "Logo Der Bund\r\nPra\u0308sident Putin\rempfa\u0308ngt Kim.\r\n"
    path = write("bund.txt", raw.encode("utf-8"))
    (article,) = read([path])
    assert article.raw == raw
    assert article.text == "Logo Der Bund\nPräsident Putin\nempfängt Kim.\n"
    assert article.source == "Der Bund"
    assert article.ingested is not None and article.ingested.tzinfo is not None


def test_explicit_source_wins(write) -> None:
    (article,) = read([write("x.txt", "Logo Epoch Times\n" + BODY)], source="Reuters")
    assert article.source == "Reuters"


def test_html_body_and_metadata(write) -> None:
    (article,) = read([write("page.html", HTML)])
    assert isinstance(article, Article), article
    assert article.format == "html" and article.raw == HTML
    assert article.source == "Der Bund"
    assert article.title == "Putin trifft Kim"
    assert article.author == "Hans Muster"
    assert article.url == "https://www.derbund.ch/putin-kim-123"
    assert article.published == datetime(2023, 9, 13, 8, 30, tzinfo=timezone(timedelta(hours=2)))
    assert BODY in article.text and "Tass berichtete." in article.text
    assert "Impressum" not in article.text and "Home" not in article.text
    assert "\n" in article.text  # paragraphs on their own lines


def test_html_without_body_is_a_failure_and_the_batch_goes_on(write) -> None:
    empty = write(
        "empty.html", "<html><head><title>x</title></head><body><div></div></body></html>"
    )
    nav = write(
        "nav.htm",
        "<html><body><nav><a href='/'>Home</a> <a href='/a'>Ausland</a></nav></body></html>",
    )
    good = write("good.txt", BODY)
    items = list(read([empty, nav, good]))
    reason = "no article body found in the HTML"
    assert failures(items) == {str(empty): reason, str(nav): reason}
    assert [a.path for a in articles(items)] == [str(good)]


def test_jsonl_records_and_malformed_lines(write) -> None:
    lines = [
        json.dumps(
            {
                "source": "SRF",
                "url": "https://srf.ch/1",
                "title": "T1",
                "text": BODY,
                "published": "2023-09-13T08:30:00Z",
            }
        ),
        '{"source": "broken", "text": "no closing brace"',
        "",
        json.dumps({"html": HTML, "title": "Own title"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"source": "X", "title": "nothing"}),
        json.dumps({"text": BODY, "published": "yesterday-ish"}),
    ]
    path = write("feed.jsonl", "\n".join(lines))
    items = list(read([path]))
    first, second = articles(items)
    assert (first.source, first.url, first.title, first.format) == (
        "SRF",
        "https://srf.ch/1",
        "T1",
        "jsonl",
    )
    assert first.published == datetime(2023, 9, 13, 8, 30, tzinfo=UTC)
    assert first.raw == lines[0] and first.text == BODY
    assert (second.source, second.title, second.raw) == ("Der Bund", "Own title", lines[3])
    assert BODY in second.text and second.format == "jsonl"
    reasons = failures(items)
    assert sorted(reasons) == [f"{path}:2", f"{path}:5", f"{path}:6", f"{path}:7"]
    assert reasons[f"{path}:2"].startswith("malformed JSON: ")
    assert "JSON object" in reasons[f"{path}:5"]
    assert "text or html" in reasons[f"{path}:6"]
    assert "ISO 8601" in reasons[f"{path}:7"]


def test_csv_rows_multiline_fields_and_malformed_rows(write) -> None:
    content = (
        "source,title,published,text,extra\n"
        'NZZ,Eins,13.09.2023,"Erster Absatz.\nZweiter Absatz, mit Komma.",x\n'
        "Blick,Zwei,2023-09-13,too,many,fields,here\n"
        'SDA,Drei,,"' + BODY + '",\n'
    )
    path = write("reports.csv", content)
    items = list(read([path]))
    nzz, sda = articles(items)
    assert nzz.text == "Erster Absatz.\nZweiter Absatz, mit Komma."
    assert nzz.raw == 'NZZ,Eins,13.09.2023,"Erster Absatz.\nZweiter Absatz, mit Komma.",x'
    assert nzz.published == datetime(2023, 9, 13) and nzz.format == "csv"
    assert (sda.source, sda.title, sda.published) == ("SDA", "Drei", None)
    reasons = failures(items)
    assert list(reasons) == [f"{path}:row 3"]  # spreadsheet numbering: the header is row 1
    assert reasons[f"{path}:row 3"].startswith(
        "malformed CSV row: 7 field(s), the header has 5 (line 4)"
    )


def test_csv_unterminated_quote_is_a_failure(write) -> None:
    path = write("cut.csv", f'source,text\nA,"{BODY}"\nB,"cut off here\n')
    items = list(read([path]))
    assert [a.source for a in articles(items)] == ["A"]
    assert failures(items) == {
        f"{path}:row 3": "malformed CSV row: unexpected end of data (line 3)"
    }


def test_tsv_and_semicolon_csv(write) -> None:
    tsv = write("a.tsv", f"source\ttext\nSRF\t{BODY}\n")
    semi = write("b.csv", f"source;text\nORF;{BODY}\n")
    assert [a.source for a in articles(list(read([tsv, semi])))] == ["SRF", "ORF"]


def test_csv_without_body_column_is_one_failure(write) -> None:
    path = write("meta.csv", "source,title\nNZZ,Eins\nSRF,Zwei\n")
    items = list(read([path]))
    assert len(items) == 1 and isinstance(items[0], Failure)
    assert items[0].input == str(path) and "no text or html column" in items[0].reason


def test_directory_recursion_sorted_and_hidden_skipped(tmp_path: Path, write) -> None:
    for name in ("b/2.txt", "a/1.txt", "a/z/3.txt", "0.txt", ".hidden.txt", ".git/4.txt"):
        write(name, f"{name}: {BODY}")
    paths = [a.path for a in articles(list(read([tmp_path])))]
    expected = ["0.txt", "a/1.txt", "a/z/3.txt", "b/2.txt"]
    assert paths == [str(tmp_path / name) for name in expected]


def test_glob_patterns(tmp_path: Path, write) -> None:
    for name in ("x/1.txt", "x/2.html", "y/3.txt"):
        write(name, BODY)
    found = articles(list(read([str(tmp_path / "**" / "*.txt")])))
    assert [Path(a.path).name for a in found] == ["1.txt", "3.txt"]
    pattern = str(tmp_path / "*.jsonl")
    assert list(read([pattern])) == [
        Failure(pattern, f"{files.NO_MATCH}; check the pattern (quote it so the shell keeps it)")
    ]


def test_bad_inputs_each_fail_with_their_path_and_the_rest_is_read(tmp_path: Path, write) -> None:
    missing = tmp_path / "missing.txt"
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    png = write("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    blank = write("blank.txt", "  \n\t\n")
    nothing = write("nothing.txt", b"")
    undecodable = write("weird.txt", bytes(range(1, 32)) * 20 + b"\x81\x8d\x8f\x90\x9d" * 20)
    good = write("good.txt", BODY)
    items = list(read([missing, empty_dir, png, blank, nothing, undecodable, good]))
    reasons = failures(items)
    assert reasons[str(missing)].startswith("no such file or directory")
    assert reasons[str(empty_dir)].startswith("no input files found in directory")
    assert reasons[str(png)].startswith("binary file, not text: ") and "PNG" in reasons[str(png)]
    assert reasons[str(blank)] == reasons[str(nothing)] == "empty file"
    assert reasons[str(undecodable)].startswith("binary file, not text: ")
    assert [a.path for a in articles(items)] == [str(good)]


def test_large_file_is_refused_without_reading_it(tmp_path: Path, write, monkeypatch) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(50_000_000)  # sparse: instant, no disk used
    opened: list[str] = []
    real_open = open

    def spy(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files, "open", spy, raising=False)
    good = write("good.txt", BODY)
    items = list(read([big, good]))
    assert items[0] == Failure(
        str(big), "file too large: 50.0 MB > 20.0 MB limit (raise --max-bytes to read it)"
    )
    assert str(big) not in opened and str(good) in opened
    assert isinstance(items[1], Article)


def test_unreadable_file_is_a_failure(write, monkeypatch) -> None:
    locked = write("locked.txt", BODY)
    good = write("good.txt", BODY)
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files, "open", deny, raising=False)
    items = list(read([locked, good]))
    assert failures(items)[str(locked)].startswith("permission denied")
    assert len(articles(items)) == 1


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_chmod_000_file_is_a_failure(write) -> None:
    locked = write("locked.txt", BODY)
    locked.chmod(0)
    assert failures(list(read([locked])))[str(locked)].startswith("permission denied")


def test_cp1252_and_bom_files(write) -> None:
    latin = write("alt.txt", "Der Präsident sprach über Größe – „Zitat“.".encode("cp1252"))
    bom8 = write("bom8.txt", b"\xef\xbb\xbf" + BODY.encode("utf-8"))
    bom16 = write("bom16.txt", BODY.encode("utf-16"))
    texts = [a.text for a in articles(list(read([latin, bom8, bom16])))]
    assert texts == ["Der Präsident sprach über Größe – „Zitat“.", BODY, BODY]


def test_read_text_for_uploads() -> None:
    (from_bytes,) = read_text(BODY.encode("cp1252"), name="upload.txt", source="SRF")
    (from_str,) = read_text(BODY, name="upload.txt", source="SRF")
    assert from_bytes.text == from_str.text == BODY
    assert from_bytes.id == from_str.id and from_bytes.path == "upload.txt"
    assert read_text(b"", name="e.txt") == [Failure("e.txt", "empty file")]
    assert read_text("x" * 2_000_001, name="big.txt", max_bytes=1_000_000)[0].reason.startswith(
        "file too large: 2.0 MB > 1.0 MB"
    )


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("page", HTML, "html"),
        ("feed", json.dumps({"text": BODY}) + "\n", "jsonl"),
        ("notes", BODY, "text"),
        ("doc.md", "<p>looks like html</p>", "text"),
    ],
)
def test_format_sniffing(name: str, content: str, fmt: str) -> None:
    (item,) = read_text(content, name=name)
    assert isinstance(item, Article) and item.format == fmt


def test_forced_format_and_unknown_format() -> None:
    (item,) = read_text(HTML, name="page.txt", format="html")
    assert item.format == "html" and "Impressum" not in item.text
    with pytest.raises(ValueError, match="use one of auto, text, html, jsonl, csv"):
        read([], format="pdf")


def test_terminal_control_codes_never_reach_an_article() -> None:
    line = {"source": "Bad\x1b]0;owned\x07 Outlet", "title": "T\x1b[2J",
            "text": "Der Rat hat \x1b[31mheute\x1b[0m den Haushalt beschlossen."}  # fmt: skip
    (article,) = articles(read_text(json.dumps(line) + "\n", name="x.jsonl"))
    for value in (article.source, article.title, article.text):
        assert "\x1b" not in value and "\x07" not in value
    assert "\\u001b" in article.raw  # raw stays exactly as it came in (JSON-escaped here)
