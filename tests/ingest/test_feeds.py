"""Feeds (RSS 2.0, RDF, Atom) and news sitemaps, from files and from a server on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storyline.ingest import read, read_text
from storyline.ingest.http import FetchConfig, Fetcher
from storyline.model import Article, Failure
from tests.ingest.feedfixtures import (
    article_page,
    atom,
    news_sitemap,
    paragraphs,
    rdf,
    rss,
    sitemap_index,
)
from tests.ingest.feedserver import FeedServer, Route

CET = timezone(timedelta(hours=2))


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def fetcher():
    with Fetcher(FetchConfig(allow_private=True, delay=0, retries=0, timeout=5)) as f:
        yield f


def _split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [
        i for i in items if isinstance(i, Failure)
    ]


def _pages(server, n: int) -> list[dict]:
    items = []
    for k in range(n):
        title = f"Budgetdebatte {k}"
        server.routes[f"/a/{k}.html"] = Route(article_page(title, paragraphs(k)))
        items.append({"title": title, "link": server.url(f"/a/{k}.html"),
                      "date": f"Wed, 13 Sep 2023 0{k % 10}:30:00 +0200",
                      "summary": f"Kurz: Debatte {k}."})  # fmt: skip
    return items


def test_rss_file_with_full_content_gives_one_article_per_entry(tmp_path):
    items = [{"title": f"Titel {k}", "link": f"http://example.org/{k}", "guid": f"g{k}",
              "date": "Wed, 13 Sep 2023 08:30:00 +0200", "summary": "Kurz.",
              "content": "".join(f"<p>{p}</p>" for p in paragraphs(k))} for k in range(3)]  # fmt: skip
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(items))
    articles, failures = _split(read([path]))
    assert failures == [] and len(articles) == 3
    first = articles[0]
    assert first.title == "Titel 0" and first.url == "http://example.org/0"
    assert first.published == datetime(2023, 9, 13, 8, 30, tzinfo=CET)
    assert first.format == "feed" and first.source == "Testblatt - Neueste"
    assert first.text.splitlines() == paragraphs(0)
    assert '"link": "http://example.org/0"' in first.raw  # the entry as the feed gave it
    assert [a.id for a in read([path]) if isinstance(a, Article)] == [a.id for a in articles]


def test_summary_only_entry_needs_fetch(tmp_path, server):
    items = _pages(server, 1)
    path = tmp_path / "news.rss"
    path.write_bytes(rss(items))
    (failure,) = read([path])
    assert isinstance(failure, Failure)
    assert failure.input == f"{path}: entry 1 'Budgetdebatte 0'"
    assert "only a summary (3 words) in the entry; pass --fetch" in failure.reason


def test_rss_with_fetch_reads_linked_pages_and_keeps_feed_metadata(tmp_path, server, fetcher):
    items = _pages(server, 3)
    path = tmp_path / "news.rss"
    path.write_bytes(rss(items))
    articles, failures = _split(read([path], fetcher=fetcher))
    assert failures == [] and len(articles) == 3
    assert [a.url for a in articles] == [i["link"] for i in items]
    assert articles[1].published == datetime(2023, 9, 13, 1, 30, tzinfo=CET)
    assert articles[1].title == "Budgetdebatte 1" and articles[1].source == "Testblatt"
    assert articles[1].raw.startswith("<!DOCTYPE html>") and articles[1].format == "feed"
    assert paragraphs(1)[0] in articles[1].text


@pytest.mark.parametrize("kind", ["atom", "rdf"])
def test_atom_and_rdf_feeds_from_a_url(kind, server, fetcher):
    items = _pages(server, 2)
    for item in items:
        item["date"] = "2023-09-13T08:30:00+02:00"
    server.routes["/feed"] = Route((atom if kind == "atom" else rdf)(items),
                                   content_type="application/xml")  # fmt: skip
    articles, failures = _split(read([server.url("/feed")], fetcher=fetcher))
    assert failures == [] and [a.title for a in articles] == ["Budgetdebatte 0", "Budgetdebatte 1"]
    assert all(a.published == datetime(2023, 9, 13, 8, 30, tzinfo=CET) for a in articles)


def test_atom_entry_with_content_needs_no_fetch(server, fetcher):
    items = [{"title": "Voll", "link": server.url("/nowhere"), "date": "2023-09-13T06:30:00Z",
              "content": "".join(f"<p>{p}</p>" for p in paragraphs(5))}]  # fmt: skip
    server.routes["/atom"] = Route(atom(items), content_type="application/atom+xml")
    (article,) = read([server.url("/atom")], fetcher=fetcher)
    assert isinstance(article, Article) and article.text.splitlines() == paragraphs(5)
    assert article.published == datetime(2023, 9, 13, 6, 30, tzinfo=UTC)
    assert server.count("/nowhere") == 0


def test_news_sitemap_lists_pages_to_fetch(server, fetcher):
    items = _pages(server, 2)
    links = [{"url": i["link"], "title": f"Sitemap {k}", "date": "2023-09-13T10:00:00+02:00",
              "name": "Sitemap-Blatt"} for k, i in enumerate(items)]  # fmt: skip
    server.routes["/news.xml"] = Route(news_sitemap(links), content_type="application/xml")
    server.routes["/index.xml"] = Route(sitemap_index([server.url("/news.xml")]),
                                        content_type="application/xml")  # fmt: skip
    articles, failures = _split(read([server.url("/index.xml")], fetcher=fetcher))
    assert failures == [] and [a.title for a in articles] == ["Sitemap 0", "Sitemap 1"]
    assert articles[0].source == "Sitemap-Blatt" and articles[0].language == "de"
    assert articles[0].published == datetime(2023, 9, 13, 10, 0, tzinfo=CET)
    assert articles[0].format == "sitemap"


def test_sitemap_without_fetch_says_what_to_do(tmp_path):
    path = tmp_path / "sitemap.xml"
    path.write_bytes(news_sitemap([{"url": "http://example.org/a", "title": "A",
                                    "date": "2023-09-13"}]))  # fmt: skip
    (failure,) = read([path])
    assert failure == Failure(
        str(path), "a sitemap lists 1 pages and 0 sitemaps to fetch; pass --fetch to fetch them"
    )


def test_url_without_fetcher_is_one_clear_line():
    (failure,) = read(["https://example.org/feed.xml"])
    assert failure.reason.startswith("a URL; pass --fetch")


def test_declared_encoding_is_honoured():
    body = rss([{"title": "Zürich", "link": "http://example.org/z", "content": "<p>" +
                 paragraphs(1)[0] + "</p>"}]).replace(b'encoding="utf-8"', b'encoding="ISO-8859-1"')  # fmt: skip
    body = body.decode("utf-8").encode("iso-8859-1")
    (article,) = read_text(body, name="latin.xml")
    assert isinstance(article, Article) and article.title == "Zürich"
    assert "Zürich" in article.text or "Gemeinderat" in article.text


# --- bad input: one clear line each, the rest goes on ---


def test_malformed_xml_keeps_the_entries_before_the_error(tmp_path):
    items = [{"title": f"T{k}", "link": f"http://example.org/{k}",
              "content": f"<p>{paragraphs(k)[0]}</p>"} for k in range(3)]  # fmt: skip
    cut = rss(items).decode()
    cut = cut[: cut.rindex("<item>")] + "<item><title>kaputt</titel></item>"
    path = tmp_path / "broken.rss"
    path.write_text(cut)
    articles, failures = _split(read([path]))
    assert [a.title for a in articles] == ["T0", "T1"]
    assert [f.reason for f in failures] == [
        "malformed XML: mismatched tag (line 14, column 21); the entries before it are read",
        "no link and no text (0 words) in the entry; nothing to read",  # the cut-off entry
    ]


def test_garbage_xml_is_one_line(tmp_path):
    path = tmp_path / "bad.rss"
    path.write_text("<rss><channel><<<")
    (failure,) = read([path])
    assert failure.input == str(path) and failure.reason.startswith("malformed XML")


def test_feed_that_is_html_names_the_real_feed(tmp_path):
    path = tmp_path / "feed.rss"
    path.write_text('<!DOCTYPE html><html><head><link rel="alternate" '
                    'type="application/rss+xml" href="/rss.xml"></head><body><p>Hallo</p></body></html>')  # fmt: skip
    (failure,) = read([path])
    assert failure.reason == (
        "not a feed: this is an HTML page; give the feed's address instead "
        "(the page names its feed: /rss.xml)"
    )


def test_entry_without_link_or_text_and_pdf_link(tmp_path, server, fetcher):
    items = _pages(server, 1)
    server.routes["/doc.pdf"] = Route(b"%PDF-1.4 ...", content_type="application/pdf")
    items += [{"title": "Ohne alles"}, {"title": "PDF", "link": server.url("/doc.pdf"),
                                         "summary": "Ein Dokument."}]  # fmt: skip
    path = tmp_path / "mixed.rss"
    path.write_bytes(rss(items))
    articles, failures = _split(read([path], fetcher=fetcher))
    assert len(articles) == 1 and articles[0].title == "Budgetdebatte 0"
    assert [f.reason for f in failures] == [
        "no link and no text (0 words) in the entry; nothing to read",
        "not an HTML page (application/pdf); only HTML pages are read",
    ]
    assert failures[0].input == f"{path}: entry 2 'Ohne alles'"
    assert failures[1].input == server.url("/doc.pdf")


def test_entry_without_date_is_read_undated(tmp_path):
    items = [{"title": "Undatiert", "link": "http://example.org/u",
              "content": "".join(f"<p>{p}</p>" for p in paragraphs(2))}]  # fmt: skip
    path = tmp_path / "undated.rss"
    path.write_bytes(rss(items))
    (article,) = read([path])
    assert isinstance(article, Article) and article.published is None


def test_failed_page_does_not_stop_the_others(tmp_path, server, fetcher):
    items = _pages(server, 2)
    server.routes["/a/0.html"] = Route(b"boom", status=500, validators=False)
    path = tmp_path / "news.rss"
    path.write_bytes(rss(items))
    articles, failures = _split(read([path], fetcher=fetcher))
    assert [a.title for a in articles] == ["Budgetdebatte 1"]
    assert failures == [Failure(server.url("/a/0.html"),
                                "HTTP status 500 (a server error)")]  # fmt: skip


def test_page_charset_from_header_else_meta(tmp_path, server, fetcher):
    items = _pages(server, 2)
    text = article_page("Zürich", paragraphs(0)).replace(
        b"charset='utf-8'", b"charset='windows-1252'"
    )
    server.routes["/a/0.html"] = Route(text.decode().encode("cp1252"), content_type="text/html")
    server.routes["/a/1.html"] = Route(article_page("Zürich", paragraphs(1)).decode().encode("cp1252"),
                                       content_type="text/html; charset=windows-1252")  # fmt: skip
    path = tmp_path / "news.rss"
    path.write_bytes(rss(items))
    articles, failures = _split(read([path], fetcher=fetcher))
    assert failures == [] and all("Zürich" in a.raw for a in articles)


def test_sitemap_with_entities_is_refused(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "aaaa">]>'
                    "<urlset><url><loc>&a;</loc></url></urlset>")  # fmt: skip
    (failure,) = read([path], format="sitemap")
    assert failure.reason == "refused: the sitemap declares a DTD or entities (none are allowed)"
