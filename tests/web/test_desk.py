"""The desk's view: the stories list by coverage with facets, in the page and in the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from storyline.model import Article, Credits, Story
from storyline.store import MemoryStore
from tests.web.conftest import Client

T0 = datetime(2024, 3, 1, 8, tzinfo=UTC)


def desk_store() -> MemoryStore:
    """Stories of 1 to 4 outlets; the newest is a singleton, the widest is the oldest."""
    store = MemoryStore()
    plan = {  # story: [(outlet, language, agency), ...], oldest story first
        "wide": [("o1", "de", "dpa"), ("o2", "en", "AFP"), ("o10", "fr", ""), ("o3", "de", "dpa")],
        "pair": [("o1", "de", "dpa"), ("o2", "de", "")],
        "samesource": [("o3", "en", ""), ("o3", "en", ""), ("o3", "en", "")],
        "single": [("o11", "ar", "Reuters")],
    }
    articles, stories = [], []
    for k, (sid, rows) in enumerate(plan.items()):
        ids = []
        for j, (outlet, lang, agency) in enumerate(rows):
            aid = f"{sid}-{j}"
            ids.append(aid)
            articles.append(Article(
                id=aid, source=outlet, raw=f"Text {aid}.", text=f"Text {aid}.", language=lang,
                published=T0 + timedelta(days=k, hours=j), title=f"Title {sid} <i>{j}</i>",
                credits=Credits(agencies=(agency,) if agency else ())))  # fmt: skip
        stories.append((Story(sid, tuple(ids), f"Story {sid} <i>!</i>"), None))
    store.add_articles(articles)
    store.put_stories(stories)
    return store


@pytest.fixture
def desk() -> Client:
    from storyline.web.app import create_app

    return Client(create_app(desk_store()))


def ids(body: dict) -> list[str]:
    return [s["id"] for s in body["stories"]]


def test_api_lists_by_coverage_and_hides_singletons(desk: Client) -> None:
    body = desk.get("/api/stories").json()
    assert ids(body) == ["wide", "pair", "samesource"]
    assert (body["total"], body["hidden_singletons"]) == (3, 1)
    assert body["query"]["sort"] == "coverage"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=recent", ["samesource", "pair", "wide"]),
        ("sort=size", ["wide", "samesource", "pair"]),
        ("sort=recent&singletons=true", ["single", "samesource", "pair", "wide"]),
        ("agency=dpa", ["wide", "pair"]),
        ("language=en&sort=size", ["wide", "samesource"]),
        ("q=text&sort=size", ["wide", "samesource", "pair"]),
        ("since=2024-03-02&until=2024-03-03", ["pair"]),
    ],
)
def test_api_sorts_and_filters(desk: Client, query: str, expected: list[str]) -> None:
    assert ids(desk.get(f"/api/stories?{query}").json()) == expected


def test_api_facets_count_the_stories_of_every_page(desk: Client) -> None:
    facets = desk.get("/api/stories?limit=1").json()["facets"]
    assert facets["source"][:2] == [{"value": "o1", "count": 2}, {"value": "o2", "count": 2}]
    assert {"value": "o11", "count": 1} not in facets["source"], "singletons hidden"
    assert facets["language"][0] == {"value": "de", "count": 2}
    assert facets["agency"] == [{"value": "AFP", "count": 1}, {"value": "dpa", "count": 2}][::-1]
    assert [d["value"] for d in facets["date"]] == ["2024-03-03", "2024-03-02", "2024-03-01"]
    with_single = desk.get("/api/stories?singletons=true").json()["facets"]
    assert {"value": "Reuters", "count": 1} in with_single["agency"]


@pytest.mark.parametrize("query", ["sort=loudest", "singletons=maybe"])
def test_bad_sort_or_switch_is_400_naming_it(desk: Client, query: str) -> None:
    r = desk.get(f"/api/stories?{query}")
    assert r.status_code == 400
    assert query.split("=")[0] in r.json()["error"]["message"]


def test_page_opens_on_coverage_with_a_singleton_switch(desk: Client) -> None:
    html = desk.get("/").text
    order = re.findall(r'href="/stories/(\w+)"', html)
    assert order == ["wide", "pair", "samesource"]
    assert "1 one-article story hidden" in html
    shown = desk.get("/?" + unescape(re.search(r'href="/\?([^"]*)">show them', html)[1])).text
    assert re.findall(r'href="/stories/(\w+)"', shown) == ["wide", "pair", "single", "samesource"]
    assert "hide them" in shown
    assert "<i>" not in html and "&lt;i&gt;" in html, "titles are escaped"


def test_page_sort_links_keep_the_filters(desk: Client) -> None:
    html = desk.get("/?agency=dpa&sort=recent").text
    links = dict(re.findall(r'<a href="/\?([^"]*)"[^>]*>(most outlets|newest|most articles)', html))
    assert "agency=dpa" in links, "coverage is the default, left out of the link"
    assert unescape(next(k for k in links if "sort=size" in k)) == "agency=dpa&sort=size"
    assert re.search(r'aria-current="true">newest', html)


def test_facet_links_filter_and_unfilter(desk: Client) -> None:
    html = desk.get("/").text
    facet = re.search(r'<a href="/\?([^"]*)"[^>]*>AFP</a> <span class="n">1</span>', html)
    assert facet is not None
    filtered = desk.get("/?" + unescape(facet[1])).text
    assert re.findall(r'href="/stories/(\w+)"', filtered) == ["wide"]
    back = re.search(r'<a href="/\?([^"]*)" aria-current="true" class="on">AFP', filtered)
    assert back is not None and "agency" not in back[1]
    day = re.search(r'<a href="/\?([^"]*)"[^>]*>2024-03-02</a>', html)
    assert unescape(day[1]) == "since=2024-03-02&until=2024-03-03"


def test_facet_values_are_escaped(desk: Client) -> None:
    from storyline.web.app import create_app

    store = desk_store()
    hostile = '"><script>alert(1)</script>'
    store.add_articles([Article(id="h1", source=hostile, raw="x", text="x"),
                        Article(id="h2", source="o1", raw="y", text="y")])  # fmt: skip
    store.put_story(Story("h", ("h1", "h2"), "h"))
    html = Client(create_app(store)).get("/").text
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html


def test_a_huge_search_gets_the_facets_of_its_filters(
    desk: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.web import views

    small = desk.get("/api/stories?q=wide").json()
    assert small["facets_of_search"] and [r["value"] for r in small["facets"]["agency"]] == [
        "AFP", "dpa"
    ]  # fmt: skip
    monkeypatch.setattr(views, "FACET_SEARCH_MAX", 0)
    big = desk.get("/api/stories?q=wide").json()
    assert not big["facets_of_search"] and ids(big) == ids(small)
    assert big["hidden_singletons"] is None, "a huge search is not counted twice"
    assert big["facets"] == desk.get("/api/stories").json()["facets"]
    page = desk.get("/?q=wide").text
    assert "Counts without the search" in page and "One-article stories hidden" in page


def test_a_huge_search_total_is_bounded_and_says_so(
    desk: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.web import views

    exact = desk.get("/api/stories?q=text&limit=1").json()
    assert (exact["total"], exact["total_exact"], exact["next"]) == (3, True, 1)
    monkeypatch.setattr(views, "SEARCH_TOTAL_MAX", 1)  # counted up to one past the page
    first = desk.get("/api/stories?q=text&limit=1").json()
    assert (first["total"], first["total_exact"], first["next"]) == (2, False, 1)
    assert ids(first) == ids(exact)
    assert not first["facets_of_search"] and first["hidden_singletons"] is None, "not counted"
    last = desk.get("/api/stories?q=text&limit=1&offset=2").json()
    assert (last["total"], last["total_exact"], last["next"]) == (3, True, None)
    assert desk.get("/api/stories").json()["total_exact"], "a list without search is exact"
    page = unescape(desk.get("/?q=text&limit=1").text)
    assert "More than 2 stories (counted up to there), showing 1–1." in page
    assert "3 stories, showing 3–3." in unescape(desk.get("/?q=text&limit=1&offset=2").text)
