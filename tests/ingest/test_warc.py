"""WARC and WARC.gz archives, written here with warcio."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from storyline.ingest import read
from storyline.ingest.warc import read_warc
from storyline.model import Article, Failure
from tests.ingest.feedfixtures import article_page, paragraphs

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

WHEN = "2023-09-13T06:30:00Z"


def _response(writer, url, body, content_type="text/html; charset=utf-8", status="200 OK",
              extra=()):  # fmt: skip
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers,
        warc_headers_dict={"WARC-Date": WHEN, **dict(extra)},
    )  # fmt: skip
    writer.write_record(record)


def build(gzip: bool, pages: int = 3, others: bool = True) -> tuple[bytes, list[int]]:
    """A WARC with ``pages`` HTML pages (and skip-worthy records); the offset of each record."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    offsets = []
    for k in range(pages):
        offsets.append(buffer.tell())
        _response(writer, f"http://example.org/{k}", article_page(f"Seite {k}", paragraphs(k)))
    if others:
        offsets.append(buffer.tell())
        _response(writer, "http://example.org/logo.png", b"\x89PNG....", "image/png")
        offsets.append(buffer.tell())
        _response(writer, "http://example.org/gone", b"gone", status="404 Not Found")
        offsets.append(buffer.tell())
        _response(writer, "http://example.org/cut", b"<html>", extra=[("WARC-Truncated", "length")])
        offsets.append(buffer.tell())
        revisit = writer.create_revisit_record(
            "http://example.org/0", "sha1:X", "http://example.org/0", WHEN
        )
        writer.write_record(revisit)
        offsets.append(buffer.tell())
        writer.write_record(writer.create_warc_record("http://example.org/0", "request",
                                                      payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))  # fmt: skip
    return buffer.getvalue(), offsets


def _split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [
        i for i in items if isinstance(i, Failure)
    ]


@pytest.mark.parametrize("gzip", [True, False])
def test_html_response_records_become_articles(tmp_path, gzip):
    data, _ = build(gzip)
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    path.write_bytes(data)
    articles, failures = _split(read([path]))
    assert [a.url for a in articles] == [f"http://example.org/{k}" for k in range(3)]
    assert articles[0].format == "warc" and articles[0].path == str(path)
    assert articles[0].published == datetime(2023, 9, 13, 6, 30, tzinfo=UTC)  # WARC-Date
    assert paragraphs(2)[1] in articles[2].text
    assert failures == [Failure(str(path), "skipped 4 records (1 not HTML, 1 status 404, "
                                           "1 truncated, 1 revisit)")]  # fmt: skip


def test_warc_is_sniffed_without_its_extension(tmp_path):
    data, _ = build(True, others=False)
    path = tmp_path / "download.bin"
    path.write_bytes(data)
    articles, failures = _split(read([path]))
    assert len(articles) == 3 and failures == []


@pytest.mark.parametrize("gzip", [True, False])
def test_broken_record_in_the_middle_is_skipped(tmp_path, gzip):
    data, offsets = build(gzip, pages=4, others=False)
    broken = bytearray(data)
    start = offsets[1] + (40 if gzip else 0)
    broken[start : start + 24] = (
        b"\x00garbage-garbage-garbag" if gzip else b"NOT-A-WARC-RECORD-HERE\r\n"
    )
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(bytes(broken))
    articles, failures = _split(read([path]))
    assert [a.url for a in articles] == ["http://example.org/0", "http://example.org/2",
                                         "http://example.org/3"]  # fmt: skip
    (failure,) = failures
    assert failure.input == f"{path}: record 2"
    assert failure.reason.startswith(f"broken record at byte {offsets[1]}: ")
    assert failure.reason.endswith("; reading goes on at the next record")


def test_gzip_that_ends_early(tmp_path):
    data, offsets = build(True, pages=3, others=False)
    for cut, expected in ((len(data) - 40, "the gzip data ends early inside record 3"),
                          (offsets[2] + 30, "the file ends early: 30 bytes after record 2")):  # fmt: skip
        path = tmp_path / f"cut{cut}.warc.gz"
        path.write_bytes(data[:cut])
        articles, failures = _split(read([path]))
        assert [a.url for a in articles] == ["http://example.org/0", "http://example.org/1"]
        (failure,) = failures
        assert failure.input == str(path) and failure.reason.startswith(expected)


def test_parallel_extraction_gives_the_serial_result(tmp_path):
    data, _ = build(True, pages=40, others=False)
    path = tmp_path / "many.warc.gz"
    path.write_bytes(data)
    when = datetime(2024, 1, 1, tzinfo=UTC)
    serial = list(read_warc(str(path), source=None, ingested=when, max_bytes=10**7, workers=1))
    parallel = list(read_warc(str(path), source=None, ingested=when, max_bytes=10**7, workers=2))
    assert len(serial) == 40 and serial == parallel


def test_record_over_the_size_limit_is_skipped(tmp_path):
    data, _ = build(False, pages=2, others=False)
    path = tmp_path / "small.warc"
    path.write_bytes(data)
    articles, failures = _split(read([path], max_bytes=500))
    assert articles == [] and failures == [Failure(str(path), "skipped 2 records (2 too large)")]
