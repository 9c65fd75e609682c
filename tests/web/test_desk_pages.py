"""The desk's story page at scale, the outlets list and page, and the article's URL link."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from html import unescape

import pytest

from storyline.model import AgencyCredit, Article, Attribution, CopiedPassage, OutletDependency
from storyline.store import MemoryStore
from storyline.web import desk
from tests.web.conftest import Client
from tests.web.scale import add_story


@pytest.fixture(scope="module")
def big() -> Client:
    from storyline.web.app import create_app

    store = MemoryStore()
    add_story(store, 12, "big")
    add_story(store, 3, "small")
    return Client(create_app(store))


def test_story_api_has_coverage_chart_matrix_and_picks(big: Client) -> None:
    body = big.get("/api/stories/big").json()
    cover = body["coverage"]
    assert cover["articles"] == 12 and sum(r["count"] for r in cover["outlets"]) == 12
    assert cover["agencies"][0]["count"] >= cover["agencies"][-1]["count"]
    chart = body["timeline_chart"]
    assert chart["first"]["article"] == body["timeline"][0]["article"]
    dots = [d for row in chart["rows"] for d in row["dots"]]
    assert len(dots) == 12 and sum(d["first"] for d in dots) == 1
    assert all(desk.CHART_LEFT <= d["x"] <= desk.CHART_WIDTH for d in dots)
    matrix = body["fact_matrix"]
    assert matrix["total"] == len(body["analysis"]["facts"])
    widths = [r["sources"] for r in matrix["rows"]]
    assert widths == sorted(widths, reverse=True) and widths[0] > 1
    assert all(sum(r["cells"]) == r["sources"] for r in matrix["rows"])
    assert len(body["picked"]) == 2 and not body["picked_by_hand"]


def test_default_picks_are_the_two_most_different_versions(big: Client) -> None:
    body = big.get("/api/stories/big").json()
    groups = {a: {s["group"] for s in rows if s["group"]} for a, rows in body["sentences"].items()}

    def overlap(a: str, b: str) -> float:
        return len(groups[a] & groups[b]) / (len(groups[a] | groups[b]) or 1)

    a, b = body["picked"]
    ids = list(groups)
    assert overlap(a, b) == min(overlap(x, y) for i, x in enumerate(ids) for y in ids[i + 1 :])


def test_story_page_shows_picked_columns_and_a_picker(big: Client) -> None:
    html = big.get("/stories/big").text
    assert len(re.findall(r'<section class="col"', html)) == 2
    assert html.count('<select name="a">') == 3
    assert 'role="img"' in html and "<title" in html and 'class="dot first"' in html
    assert 'class="fact-matrix"' in html and "<script" not in html.split("</head>")[1]
    body = big.get("/api/stories/big").json()
    chosen = [t["article"] for t in body["timeline"][:3]]
    html = big.get("/stories/big?" + "&".join(f"a={c}" for c in chosen)).text
    assert re.findall(r'<section class="col" id="col-([^"]+)"', html) == sorted(
        chosen, key=[a["id"] for a in body["articles"]].index
    )


def test_small_story_shows_every_article_without_a_picker(big: Client) -> None:
    html = big.get("/stories/small").text
    assert len(re.findall(r'<section class="col"', html)) == 3
    assert '<select name="a">' not in html


@pytest.mark.parametrize("query", ["a=nope", "a=x&a=y&a=z&a=w"])
def test_bad_picks_are_400_naming_them(big: Client, query: str) -> None:
    r = big.get(f"/api/stories/big?{query}")
    assert r.status_code == 400 and "a=" in r.json()["error"]["message"]
    assert big.get(f"/stories/big?{query}").status_code == 400


def test_articles_and_sentences_carry_lang_and_dir(big: Client) -> None:
    html = big.get("/stories/small").text
    spans = re.findall(r'<span class="s [^>]*data-index[^>]*>', html)
    assert spans and all('lang="de"' in s and 'dir="auto"' in s for s in spans)
    assert re.search(r'<div class="text" lang="de" dir="auto">', html)


# ------------------------------------------------------------------ outlets


def test_natural_order_reads_numbers_as_numbers() -> None:
    names = ["o10", "o2", "O1", "o11", "o1b", "Outlet 100", "Outlet 20", "o", "7", "o1"]
    assert sorted(names, key=desk.natural_key) == [
        "7", "o", "O1", "o1", "o1b", "o2", "o10", "o11", "Outlet 20", "Outlet 100"
    ]  # fmt: skip


def _deps() -> list[OutletDependency]:
    return [OutletDependency("o10", 5, 0.5), OutletDependency("o2", 9, 0.1),
            OutletDependency("o1", 1, 0.9)]  # fmt: skip


@pytest.mark.parametrize(
    ("sort", "order"),
    [("name", ["o1", "o2", "o10"]), ("articles", ["o2", "o10", "o1"]),
     ("wire", ["o1", "o10", "o2"])],
)  # fmt: skip
def test_outlets_sort(sort: str, order: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.web.app import create_app

    store = MemoryStore()
    monkeypatch.setattr(store, "outlet_dependency", _deps)
    client = Client(create_app(store))
    body = client.get(f"/api/outlets?sort={sort}").json()
    assert [o["source"] for o in body["outlets"]] == order
    html = client.get(f"/outlets?sort={sort}").text
    assert re.findall(r'<tr data-source="([^"]+)"', html) == order
    assert re.search(r'aria-sort="(ascending|descending)"><a href="/outlets\?sort=' + sort, html)
    assert client.get("/api/outlets?sort=loud").status_code == 400


def test_outlet_page_draws_wire_share_over_time_and_what_it_alone_reports(big: Client) -> None:
    outlets = big.get("/api/outlets").json()["outlets"]
    name = outlets[0]["source"]
    body = big.get(f"/api/outlets/{name}").json()
    assert body["outlet"]["source"] == name and body["total"] >= 1
    assert body["over_time"]["unit"] == "day" and body["over_time"]["periods"]
    assert body["analysed_stories"] >= 1
    for f in body["alone"]:
        story = big.get(f"/api/stories/{f['story']}").json()
        mine = {a["id"] for a in story["articles"] if a["source"] == name}
        only = [b for b in story["analysis"]["blindspots"] if b["article"] in mine]
        texts = {x["text"] for x in story["analysis"]["facts"]
                 if any(x["id"] in b["only_here"] for b in only)}  # fmt: skip
        assert f["text"] in texts
    html = big.get(f"/outlets/{name.replace(' ', '%20')}").text
    assert "Wire share by agency over time" in html and "What it alone reports" in html
    assert big.get("/outlets/nobody").status_code == 404
    assert big.get("/api/outlets/nobody").json()["error"]["status"] == 404


def test_wire_over_time_stacks_agencies_per_period() -> None:
    day = datetime(2024, 1, 1, tzinfo=UTC)
    arts = [Article(id=f"x{k}", source="o", raw="t" * 100, text="t" * 100,
                    published=day.replace(day=1 + k)) for k in range(3)]  # fmt: skip
    atts = [Attribution("x0", (CopiedPassage(0, 50, ("y",), "y", (AgencyCredit("dpa", "x0", "o"),)),), 0.5, False,
                        wire_share=0.5)]  # fmt: skip
    chart = desk.wire_over_time(arts, atts)
    assert [p["period"] for p in chart["periods"]] == ["2024-01-01", "2024-01-02", "2024-01-03"]
    first = chart["periods"][0]
    assert first["by_agency"] == {"dpa": 0.5} and first["bars"][0]["height"] == 50.0
    assert chart["periods"][1]["bars"] == []


# ------------------------------------------------------------------ the article's URL


@pytest.mark.parametrize(
    ("url", "linked"),
    [("https://example.org/a?b=1&c=2", True), ("http://example.org/", True),
     ("javascript:alert(1)", False), ("data:text/html,x", False), ("//evil.example/x", False),
     ("example.org/a", False), ('https://e.org/"><script>x</script>', True)],
)  # fmt: skip
def test_article_url_is_a_link_only_for_http(url: str, linked: bool) -> None:
    from storyline.web.app import create_app

    store = MemoryStore()
    store.add_articles([Article(id="u1", source="o", raw="x", text="x", url=url)])
    html = Client(create_app(store)).get("/articles/u1").text
    dd = re.search(r'<dd class="url">(.*?)</dd>', html, re.S)[1]
    assert "<script>" not in dd
    if linked:
        href = re.search(r'<a href="([^"]*)" rel="noopener noreferrer"', dd)
        assert href is not None and unescape(href[1]) == url
    else:
        assert "<a " not in dd and unescape(dd) == url


def test_timeline_chart_keeps_at_most_chart_rows() -> None:
    day = datetime(2024, 1, 1, tzinfo=UTC)
    arts = [Article(id=f"x{k}", source=f"o{k}", raw="t", text="t",
                    published=day.replace(hour=k % 24, minute=k)) for k in range(40)]  # fmt: skip
    chart = desk.timeline_chart(arts)
    assert len(chart["rows"]) == desk.CHART_ROWS
    assert chart["rows"][-1]["source"] == f"{40 - desk.CHART_ROWS + 1} other outlets"
    assert sum(len(r["dots"]) for r in chart["rows"]) == 40
    assert chart["first"]["article"] == "x0"


def test_cached_reuse_follows_a_new_article_sharing_a_passage(client: Client, store) -> None:
    from storyline.pipeline import update_reuse
    from tests.web.conftest import LEAD

    before = client.get("/api/stories/s1").json()
    again = client.get("/api/stories/s1").json()
    assert again["passage_groups"] == before["passage_groups"]
    copy = Article(id="a9", source="Copy Desk", raw=LEAD, text=f"{LEAD}\nNothing else here.",
                   published=datetime(2023, 9, 14, tzinfo=UTC))  # fmt: skip
    store.add_articles([copy])
    update_reuse(store, [copy])
    after = client.get("/api/stories/s1").json()
    carriers = {c["article"] for g in after["passage_groups"] for c in g["articles"]}
    assert "a9" in carriers and len(after["passages"]) > len(before["passages"])


def test_one_report_gets_one_tick_and_no_matrix() -> None:
    art = Article(id="x", source="o", raw="t", text="t", published=datetime(2024, 1, 1, tzinfo=UTC))
    chart = desk.timeline_chart([art])
    assert len(chart["ticks"]) == 1 and chart["rows"][0]["dots"][0]["first"]
    facts = [{"id": 0, "kind": "unique", "text": "t", "sources": ["o"]}]
    assert desk.fact_matrix(facts, [art])["rows"] == []
    assert desk.timeline_chart([replace(art, published=None)])["undated"] == 1
