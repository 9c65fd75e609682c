"""storyline watch against a fixture server on 127.0.0.1: new entries once, 304s after,
state across restarts, bad sources isolated, stop between batches."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.ingest.http import FetchConfig, Fetcher
from storyline.store import open_store
from storyline.watch import Watch, poll_round, read_sources, run
from tests.ingest.feedfixtures import article_page, atom, news_sitemap, paragraphs, rss
from tests.ingest.feedserver import FeedServer, Route

CONFIG = FetchConfig(allow_private=True, delay=0, retries=0, timeout=5)


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def _feed(server, name: str, first: int, count: int, kind: str = "rss") -> None:
    """A feed at /<name> whose entries link to pages /<name>/<k>.html (summary only)."""
    items = []
    for k in range(first, first + count):
        path = f"/{name}/{k}.html"
        server.routes[path] = Route(
            article_page(f"{name} Meldung {k}", paragraphs(k + 100 * len(name)))
        )
        items.append({"title": f"{name} Meldung {k}", "link": server.url(path),
                      "date": "2023-09-13T08:30:00+02:00", "summary": "Kurz."})  # fmt: skip
    body = (atom if kind == "atom" else rss)(items)
    server.routes[f"/{name}"] = Route(body, content_type="application/rss+xml")


def _sources(tmp_path: Path, server, names: list[str], extra: str = "") -> str:
    path = tmp_path / "sources.txt"
    lines = ["# feeds to watch", *(server.url(f"/{n}") for n in names), extra]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _watch(db: Path, **settings) -> Watch:
    return Watch(open_store(db), Fetcher(CONFIG), every=60, **settings)


def test_first_round_ingests_everything_once_second_round_only_conditional(tmp_path, server):
    _feed(server, "a", 0, 3)
    _feed(server, "bb", 0, 2, kind="atom")
    links = [{"url": server.url(f"/bb/{k}.html"), "title": f"Sitemap {k}", "date": "2023-09-13"}
             for k in range(2)]  # fmt: skip
    server.routes["/copy/1.html"] = server.routes["/a/1.html"]  # same page, another address
    links.append({"url": server.url("/copy/1.html"), "title": "Kopie", "date": "2023-09-13"})
    server.routes["/news.xml"] = Route(news_sitemap(links), content_type="application/xml")
    sources = _sources(tmp_path, server, ["a", "bb", "news.xml"])
    job = _watch(tmp_path / "w.db")
    first = poll_round(job, sources)
    assert [r.status for r in first.results] == ["new", "new", "new"]
    assert [r.ingested for r in first.results] == [3, 2, 0]
    assert first.results[2].new == 1  # the pages of feed bb are known by their link
    assert first.results[2].duplicates == 1  # the copy is known by its content id
    assert job.store.count_articles() == 5
    pages = server.count()
    second = poll_round(job, sources, 2)
    assert [r.status for r in second.results] == ["not modified"] * 3
    assert second.requests == 3 and server.count() == pages + 3
    assert server.count(conditional=True) == 3 and second.ingested == 0


def test_changed_feed_reads_only_new_entries_and_state_survives_a_restart(tmp_path, server):
    _feed(server, "a", 0, 3)
    sources = _sources(tmp_path, server, ["a"])
    db = tmp_path / "w.db"
    job = _watch(db)
    poll_round(job, sources)
    job.store.close()
    _feed(server, "a", 1, 4)  # entries 1..4: two new ones, 1 and 2 already read
    again = _watch(db)  # a restart: a new process would open the same file
    result = poll_round(again, sources).results[0]
    assert (result.status, result.entries, result.new, result.ingested) == ("new", 4, 2, 2)
    assert server.count("/a/1.html") == 1 and server.count("/a/4.html") == 1
    assert server.count("/a", conditional=True) == 1
    assert again.store.count_articles() == 5


def test_bad_sources_never_stop_the_others_and_back_off(tmp_path, server):
    _feed(server, "good", 0, 2)
    server.routes["/500"] = Route(b"boom", status=500, validators=False)
    server.routes["/page"] = Route(article_page("Eine Seite", paragraphs(1)))
    server.routes["/broken"] = Route(b"<rss><channel><<<", content_type="application/xml")
    sources = _sources(tmp_path, server, ["500", "page", "broken", "good"], extra="ftp://x/y")
    clock = [datetime(2024, 1, 1, tzinfo=UTC)]
    job = _watch(tmp_path / "w.db", now=lambda: clock[0])
    report = poll_round(job, sources)
    statuses = {r.url.rsplit("/", 1)[-1]: r.status for r in report.results}
    assert statuses == {"sources.txt:6": "invalid", "500": "failed", "page": "failed",
                        "broken": "failed", "good": "new"}  # fmt: skip
    reasons = [r.failures[0].reason for r in report.results if r.status != "new"]
    assert reasons[0] == "not an http(s) URL: 'ftp://x/y'"
    assert reasons[1].startswith("HTTP status 500")
    assert reasons[2].startswith("not a feed: this is an HTML page")
    assert reasons[3].startswith("malformed XML")
    assert job.store.count_articles() == 2
    clock[0] += timedelta(seconds=60)
    poll_round(job, sources)  # second failure in a row: wait 2 rounds
    clock[0] += timedelta(seconds=60)
    third = {r.url.rsplit("/", 1)[-1]: r.status for r in poll_round(job, sources).results}
    assert third["500"] == "waiting" and third["good"] == "not modified"
    state = job.store.feed_state(server.url("/500"))
    assert state.failures == 2 and state.next_poll == datetime(2024, 1, 1, 0, 3, tzinfo=UTC)


def test_failed_page_is_retried_next_round(tmp_path, server):
    _feed(server, "a", 0, 2)
    page = server.routes["/a/0.html"]
    server.routes["/a/0.html"] = Route(b"busy", status=503, validators=False)
    sources = _sources(tmp_path, server, ["a"])
    job = _watch(tmp_path / "w.db")
    first = poll_round(job, sources).results[0]
    assert first.ingested == 1 and "HTTP status 503" in first.failures[0].reason
    server.routes["/a/0.html"] = page
    second = poll_round(job, sources).results[0]  # no 304: an entry is still to be read
    assert (second.status, second.new, second.ingested) == ("new", 1, 1)
    assert poll_round(job, sources).results[0].status == "not modified"


def test_stop_between_batches_loses_nothing(tmp_path, server):
    for name in ("a", "bb", "ccc"):
        _feed(server, name, 0, 2)
    sources = _sources(tmp_path, server, ["a", "bb", "ccc"])
    job = _watch(tmp_path / "w.db")
    rounds = run(job, sources, on_source=lambda result: job.stop.set())
    assert len(rounds) == 1 and rounds[0].stopped and len(rounds[0].results) == 1
    assert job.store.count_articles() == 2
    job.stop.clear()
    rest = poll_round(job, sources).results
    assert [r.status for r in rest] == ["not modified", "new", "new"]
    assert job.store.count_articles() == 6


def test_read_sources_skips_comments_and_names_bad_lines(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text(
        "# c\n\nhttps://a.example/feed  # trailing\nnot a url\nhttps://a.example/feed\n"
    )
    urls, bad = read_sources(str(path))
    assert urls == ["https://a.example/feed"]
    assert [(f.input, f.reason) for f in bad] == [(f"{path}:4", "not an http(s) URL: 'not a url'")]


def test_cli_watch_once_json(tmp_path, server):
    _feed(server, "a", 0, 2)
    sources = _sources(tmp_path, server, ["a"])
    args = ["watch", sources, "--db", str(tmp_path / "c.db"), "--once", "--json",
            "--allow-private", "--delay", "0"]  # fmt: skip
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.output.splitlines()]
    assert lines[0]["type"] == "source" and lines[0]["ingested"] == 2
    assert lines[1] == {**lines[1], "type": "round", "round": 1, "new": 1, "ingested": 2}
    again = CliRunner().invoke(main, args)
    assert json.loads(again.output.splitlines()[0])["status"] == "not modified"


def test_cli_watch_fails_when_every_source_fails(tmp_path, server):
    sources = _sources(tmp_path, server, ["missing"])
    args = ["watch", sources, "--db", str(tmp_path / "c.db"), "--once", "--delay", "0"]
    out = CliRunner().invoke(main, args)  # no --allow-private: 127.0.0.1 is refused
    assert out.exit_code == 1
    shown = " ".join(out.output.split())
    assert "refused: 127.0.0.1 is a private, loopback or reserved address" in shown
    assert "round 1: 1 sources (1 failed); ingested 0" in shown


def test_sigterm_stops_the_watch_between_batches(tmp_path, server):
    _feed(server, "a", 0, 2)
    sources = _sources(tmp_path, server, ["a"])
    db = tmp_path / "s.db"
    command = [sys.executable, "-m", "storyline.cli", "watch", sources, "--db", str(db),
               "--every", "1", "--json", "--allow-private", "--delay", "0"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # read until the first round's summary
            line = process.stdout.readline()
            lines.append(line)
            if not line or '"type": "round"' in line:
                break
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert json.loads(lines[-1])["ingested"] == 2
    with open_store(db) as store:
        assert store.count_articles() == 2
        assert store.feed_state(server.url("/a")).etag
