"""The REST API and the pages, in-process through httpx.ASGITransport."""

from __future__ import annotations

import re

import pytest

from storyline import export
from storyline.pipeline import analysed, explained, stored_reuse, story_report
from tests.web.conftest import LEAD, Client


def test_health_counts_what_is_stored(client: Client) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json() | {"version": "x"} == {
        "status": "ok", "version": "x", "articles": 3, "stories": 2
    }  # fmt: skip


def test_stories_newest_first_with_cli_summary_fields(client: Client, store) -> None:
    body = client.get("/api/stories?sort=recent&singletons=true").json()
    assert [s["id"] for s in body["stories"]] == ["s1", "s2"]
    s1 = store.story("s1")
    assert body["stories"][0] == export.story_summary(s1, store.articles(s1.articles))
    assert body["stories"][0]["sources"] == ["Alpha News", "Beta Post"]
    assert body["stories"][0]["agencies"] == ["Reuters", "dpa"]
    assert (body["total"], body["next"], body["prev"]) == (2, None, None)


def test_stories_paginate(client: Client) -> None:
    first = client.get("/api/stories?limit=1&singletons=true").json()
    assert ([s["id"] for s in first["stories"]], first["next"], first["prev"]) == (["s1"], 1, None)
    second = client.get("/api/stories?limit=1&offset=1&singletons=true").json()
    assert ([s["id"] for s in second["stories"]], second["next"], second["prev"]) == (
        ["s2"],
        None,
        0,
    )


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("source=Gamma+Zeitung", ["s2"]),
        ("language=en", ["s1"]),
        ("since=2023-09-12", ["s1"]),
        ("until=2023-09-12", ["s2"]),
        ("q=banquet", ["s1"]),
        ("q=Wladiwostok&language=de", ["s2"]),
        ("q=banquet&language=de", []),
        ("source=&language=&since=&until=&q=", ["s1", "s2"]),
    ],
)
def test_stories_filter_and_search(client: Client, query: str, ids: list[str]) -> None:
    body = client.get(f"/api/stories?{query}&singletons=true").json()
    assert [s["id"] for s in body["stories"]] == ids
    assert body["total"] == len(ids)


@pytest.mark.parametrize("query", ["since=yesterday", "limit=0", "limit=100000", "offset=-1"])
def test_bad_list_parameters_are_400_with_the_reason(client: Client, query: str) -> None:
    r = client.get(f"/api/stories?{query}")
    assert r.status_code == 400
    assert query.split("=")[0] in r.json()["error"]["message"]


def test_story_has_the_cli_fields_and_sentence_groups(client: Client, store) -> None:
    body = client.get("/api/stories/s1").json()
    cli = export.story_dict(stored_reuse(store, explained(analysed(story_report(store, "s1")))))
    assert {k: body[k] for k in cli} == cli
    a1, a2 = body["sentences"]["a1"], body["sentences"]["a2"]
    assert (a1[0]["text"], a1[0]["kind"], a1[0]["group"]) == (LEAD, "verbatim", "g0")
    assert (a2[0]["group"], a2[1]["group"], a2[1]["kind"]) == ("g0", "g1", "paraphrase")
    assert body["alignments"][0]["kind"] == "verbatim"
    assert (a1[2]["kind"], a1[2]["group"]) == ("unique", None)
    assert body["unique"]["a2"] == ["Beta says Kim arrived by train."]


def test_story_timeline_in_publication_order(client: Client) -> None:
    timeline = client.get("/api/stories/s1").json()["timeline"]
    assert [(t["source"], t["hours_after_first"]) for t in timeline] == [
        ("Alpha News", 0.0), ("Beta Post", 2.5)
    ]  # fmt: skip


def test_article_in_full_with_residue_marked(client: Client) -> None:
    body = client.get("/api/articles/a1").json()
    article = body["article"]
    assert article["raw"].startswith("Share this")
    assert article["removed"][0] == {"line": "Share this", "reason": "share-widget", "lineno": 1}
    marked = {line["lineno"]: line["reason"] for line in body["raw_lines"] if line["reason"]}
    assert marked == {1: "share-widget", 5: "credit"}
    assert body["stories"] == [{"id": "s1", "title": "Leaders meet at the spaceport"}]
    assert article["credits"]["photo"] == ["Pool/AP"]


def test_articles_list_paginates(client: Client) -> None:
    body = client.get("/api/articles?limit=2&offset=1").json()
    assert [a["id"] for a in body["articles"]] == ["a2", "a3"]
    assert (body["total"], body["next"], body["prev"]) == (3, None, 0)
    assert "raw" not in body["articles"][0]


@pytest.mark.parametrize("url", ["/api/stories/nope", "/api/articles/nope", "/api/nothing"])
def test_unknown_ids_are_json_404(client: Client, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert r.json()["error"]["status"] == 404


@pytest.mark.parametrize("url", ["/stories/nope", "/articles/nope", "/nothing"])
def test_unknown_ids_are_404_pages(client: Client, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "404" in r.text and "Back to the stories" in r.text


def test_openapi_and_docs_describe_the_api(client: Client) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles", "/api/health",
            "/api/outlets"} <= paths  # fmt: skip
    assert "/outlets" not in paths
    assert "/stories/{story_id}" not in paths
    assert "post" in spec["paths"]["/api/articles"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "GET /api/stories/{story_id}" in docs.text


# ------------------------------------------------------------------ pages


def test_stories_page_lists_and_links(client: Client) -> None:
    r = client.get("/?limit=1&singletons=true")
    assert r.status_code == 200
    assert 'href="/stories/s1"' in r.text and "Leaders meet at the spaceport" in r.text
    assert 'rel="next" href="/?limit=1&amp;singletons=true&amp;offset=1"' in r.text


def test_story_page_marks_sentences_by_kind_and_group(client: Client) -> None:
    html = client.get("/stories/s1").text
    spans = re.findall(r'<span class="s k-(\w+)" data-index="(\d)"(?: data-group="(g\d+)")?', html)
    assert spans == [
        ("verbatim", "0", "g0"), ("paraphrase", "1", "g1"), ("unique", "2", ""),
        ("verbatim", "0", "g0"), ("paraphrase", "1", "g1"), ("unique", "2", ""),
    ]  # fmt: skip
    assert "Only here: 1 sentence" in html and "Pool/AP" in html and "Tass" in html


def test_article_page_shows_raw_lines_with_reasons(client: Client) -> None:
    html = client.get("/articles/a1").text
    assert '<li class="removed" value="1"><span class="reason">share-widget</span>' in html
    assert "Cleaned text" in html and "Alpha alone reports a banquet." in html


def test_pages_are_escaped_and_script_free(client: Client) -> None:
    for url in ["/", "/stories/s1", "/articles/a2", "/ingest", "/api/docs"]:
        r = client.get(url)
        assert "Content-Security-Policy" in r.headers
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert re.findall(r"<script\b[^>]*>", r.text) == [
            '<script src="/static/storyline.js" defer>'
        ]
        assert not re.search(r"\son[a-z]+\s*=", r.text), url
    assert "Kim and Putin &lt;b&gt;meet&lt;/b&gt;" in client.get("/stories/s1").text


def test_static_script_is_served(client: Client) -> None:
    r = client.get("/static/storyline.js")
    assert r.status_code == 200 and "data-group" in r.text


# ------------------------------------------------------------------ bad uploads


def _snapshot(store) -> tuple:
    return store.count_articles(), [(s.id, s.articles) for s in store.stories()]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "item 0 is not a JSON object"),
        (b"[]", "send an article object"),
    ],
)
def test_malformed_json_is_400_and_stores_nothing(client: Client, store, body, reason) -> None:
    before = _snapshot(store)
    r = client.post("/api/articles", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert reason in r.json()["error"]["message"]
    assert _snapshot(store) == before


def test_oversized_upload_is_413_and_stores_nothing(client: Client, store) -> None:
    before = _snapshot(store)
    big = b"x" * 70_000
    r = client.post("/api/articles", files={"files": ("big.txt", big, "text/plain")})
    assert r.status_code == 413
    assert "64,000 bytes" in r.json()["error"]["message"]
    page = client.post("/ingest", files={"files": ("big.txt", big, "text/plain")})
    assert page.status_code == 413 and "Upload too large" in page.text
    assert _snapshot(store) == before


def test_oversized_stream_without_length_is_413(client: Client, store) -> None:
    before = _snapshot(store)

    async def chunks():
        for _ in range(10):
            yield b"y" * 10_000

    headers = {"content-type": "application/json"}
    r = client.post("/api/articles", content=chunks(), headers=headers)
    assert r.status_code == 413
    assert _snapshot(store) == before


def test_unsupported_body_is_400(client: Client) -> None:
    r = client.post("/api/articles", content=b"hello", headers={"content-type": "text/plain"})
    assert r.status_code == 400 and "multipart/form-data" in r.json()["error"]["message"]


def test_upload_without_files_is_400(client: Client) -> None:
    r = client.post("/api/articles", data={"source": "x"}, files={"other": ("a.txt", b"hi")})
    assert r.status_code == 400 and "no files" in r.json()["error"]["message"]


@pytest.mark.parametrize("url", ["/api/articles/a1", "/articles/a1", "/api/stories/s1"])
def test_a_crash_is_a_generic_500_with_the_security_headers(
    store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, url: str
) -> None:
    from storyline.web.app import SECURITY_HEADERS, create_app

    def broken(*args: object) -> None:
        raise RuntimeError("disk on fire at /srv/secret.db")

    monkeypatch.setattr(store, "article", broken)
    monkeypatch.setattr(store, "story", broken)
    r = Client(create_app(store)).get(url)  # raises if the app lets the error escape
    assert r.status_code == 500
    assert {k: r.headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
    message = r.json()["error"]["message"] if url.startswith("/api/") else r.text
    assert "internal error; the server log has the details" in message
    assert "secret" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    assert "disk on fire" in caplog.text  # the details go to the log


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [("GET", "/api/stories/nope", 404), ("GET", "/nothing", 404), ("GET", "/?limit=0", 400),
     ("GET", "/api/stories?since=x", 400), ("POST", "/api/articles", 413),
     ("GET", "/static/nothing.css", 404), ("GET", "/api/outlets", 200)],
)  # fmt: skip
def test_every_answer_carries_the_security_headers(
    client: Client, method: str, url: str, status: int
) -> None:
    from storyline.web.app import SECURITY_HEADERS

    body = {"content": b"x" * 70_000} if status == 413 else {}
    r = client.request(method, url, **body)
    assert r.status_code == status
    assert {k: r.headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
