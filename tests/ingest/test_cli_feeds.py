"""`storyline ingest` with a feed file, a WARC file and URLs (fixture server on 127.0.0.1)."""

from __future__ import annotations

from click.testing import CliRunner

from storyline.cli import main
from tests.ingest.feedfixtures import article_page, paragraphs, rss
from tests.ingest.feedserver import FeedServer, Route
from tests.ingest.test_warc import build


def _run(*args: str):
    return CliRunner().invoke(main, ["ingest", *args, "--quiet"])


def test_ingest_warc_and_feed_files(tmp_path):
    data, _ = build(True, pages=2)
    (tmp_path / "crawl.warc.gz").write_bytes(data)
    items = [{"title": "Voll", "link": "http://example.org/v",
              "content": "".join(f"<p>{p}</p>" for p in paragraphs(7))}]  # fmt: skip
    (tmp_path / "feed.rss").write_bytes(rss(items))
    db = str(tmp_path / "x.db")
    out = _run(str(tmp_path / "crawl.warc.gz"), str(tmp_path / "feed.rss"), "--db", db)
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert "skipped 4 records (1 not HTML, 1 status 404, 1 truncated, 1 revisit)" in text
    assert "ingested 3, duplicate 0, failed 1" in text


def test_ingest_url_needs_fetch_then_reads_feed_and_pages(tmp_path):
    with FeedServer() as server:
        server.routes["/p.html"] = Route(article_page("Seite", paragraphs(3)))
        items = [{"title": "Seite", "link": server.url("/p.html"), "summary": "Kurz."}]
        server.routes["/feed"] = Route(rss(items), content_type="application/rss+xml")
        db = str(tmp_path / "y.db")
        refused = _run(server.url("/feed"), "--db", db)
        private = _run(server.url("/feed"), "--db", db, "--fetch")
        fetched = _run(server.url("/feed"), "--db", db, "--fetch", "--allow-private")
    assert refused.exit_code == 1 and "pass --fetch" in refused.output
    assert private.exit_code == 1 and "pass --allow-private" in " ".join(private.output.split())
    assert fetched.exit_code == 0 and "ingested 1, duplicate 0, failed 0" in fetched.output
