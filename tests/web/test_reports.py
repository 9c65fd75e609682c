"""Story, article and outlet reports in the web: the same JSON as the CLI's --json, and
the pages that show them (analysis, membership, reuse)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.model import Article, Story
from storyline.store import MemoryStore, open_store
from storyline.web import views
from storyline.web.app import create_app
from tests.web.conftest import LEAD, Client, fill

CONFLICT = "Putin and Kim talked for {} hours in Vostochny on Wednesday."


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "storyline.db"
    store = fill(open_store(path))
    store.close()
    return path


@pytest.fixture(scope="module")
def sqlite_client(db: Path) -> Any:
    store = open_store(db)
    yield Client(create_app(store))
    store.close()


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# ------------------------------------------------------------------ same JSON as the CLI


def test_story_api_is_the_cli_show_json_plus_page_fields(db: Path, sqlite_client) -> None:
    body = sqlite_client.get("/api/stories/s1").json()
    (cli,) = cli_json("show", "s1", "--db", str(db))["stories"]
    assert {k: body[k] for k in cli} == cli
    assert set(body) - set(cli) == {"sentences", "timeline", "passage_groups", "coverage",
                                    "timeline_chart", "fact_matrix", "picked", "picked_by_hand",
                                    "events"}  # fmt: skip
    assert {"analysis", "membership", "passages", "attribution", "dup_groups"} <= set(cli)


def test_article_api_is_the_cli_article_json_plus_page_fields(db: Path, sqlite_client) -> None:
    body = sqlite_client.get("/api/articles/a2").json()
    cli = cli_json("article", "a2", "--db", str(db))
    assert {k: body[k] for k in cli} == cli
    assert set(body) - set(cli) == {"stories", "raw_lines"}


def test_outlets_api_is_the_cli_outlets_json_in_pages(db: Path, sqlite_client) -> None:
    cli = cli_json("outlets", "--db", str(db))["outlets"]
    first = sqlite_client.get("/api/outlets?limit=2").json()
    second = sqlite_client.get("/api/outlets?limit=2&offset=2").json()
    assert first["outlets"] + second["outlets"] == cli
    assert (first["total"], first["next"], second["prev"], second["next"]) == (3, 2, 0, None)


# ------------------------------------------------------------------ story content


def test_story_carries_analysis_membership_and_reuse(client: Client) -> None:
    body = client.get("/api/stories/s1").json()
    an = body["analysis"]
    facts = {f["id"]: f["text"] for f in an["facts"]}
    only = {b["source"]: [facts[i] for i in b["only_here"]] for b in an["blindspots"]}
    assert only == {"Alpha News": ["Alpha alone reports a banquet."],
                    "Beta Post": ["Beta says Kim arrived by train."]}  # fmt: skip
    first = {t["source"]: len(t["first_facts"]) for t in an["timeline"]}
    assert first == {"Alpha News": 3, "Beta Post": 1}
    assert ["Tass", "dpa", "Alpha News"] in an["chain_paths"]
    members = {m["article"]: m for m in body["membership"]}
    assert members["a2"]["matches"][0]["article"] == "a1"
    assert members["a2"]["gap_hours"] == 2.5
    assert [(p["a"], p["b"], p["a_start"]) for p in body["passages"]] == [("a1", "a2", 0)]
    (group,) = body["passage_groups"]
    assert (group["text"], group["pairs"]) == (LEAD[:-1], 1)
    assert group["articles"] == [{"article": "a1", "start": 0, "end": 45},
                                 {"article": "a2", "start": 0, "end": 45}]  # fmt: skip
    assert body["attribution"]["a2"]["passages"][0]["earliest"] == "a1"
    assert body["attribution"]["a1"]["original"] is True


def test_story_page_shows_every_section(client: Client) -> None:
    html = client.get("/stories/s1").text
    for anchor in ["facts", "first-seen", "conflicts", "quotes", "numbers", "entities",
                   "chain", "reuse", "membership"]:  # fmt: skip
        assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html, anchor
    facts = html[html.index('id="facts"') : html.index('id="first-seen"')]
    assert "Alpha alone reports a banquet." in facts
    assert "<li>Tass → dpa → Alpha News</li>" in html
    reuse = html[html.index('id="reuse"') : html.index('id="membership"')]
    assert '<td class="passage">The leaders met at the spaceport on Wednesday</td>' in reuse
    assert '<a href="/articles/a2">Beta Post</a> <small>0–45</small>' in reuse
    assert re.search(r'data-article="a2">.*?<td>Alpha News</td>', reuse, re.S)  # earliest
    why = html[html.index('id="membership"') :]
    assert "joined" in why and "2.5 h apart" in why and "use_cos" in why


def conflict_store() -> MemoryStore:
    from storyline.compare import compare

    when = datetime(2023, 9, 13, 8, tzinfo=UTC)
    c1 = Article(id="c1", source="Alpha", raw="-", language="en", published=when,
                 text=CONFLICT.format("four") + ' Vladimir Putin said: "We are glad."')  # fmt: skip
    c2 = Article(id="c2", source="Beta", raw="-", language="en", published=when,
                 text=CONFLICT.format("five") + " Kim praised the talks.")  # fmt: skip
    story = Story("c", ("c1", "c2"), "Talks")
    store = MemoryStore()
    store.add_articles([c1, c2])
    store.put_stories([(story, compare(story, [c1, c2]))])
    return store


def test_conflicts_show_both_sentences_and_quotes_their_speaker() -> None:
    client = Client(create_app(conflict_store()))
    (conflict,) = client.get("/api/stories/c").json()["analysis"]["conflicts"]
    assert conflict["values"] == ["four hours", "five hours"]
    html = client.get("/stories/c").text
    part = html[html.index('id="conflicts"') : html.index('id="quotes"')]
    assert CONFLICT.format("four") in part and CONFLICT.format("five") in part
    assert '<span class="value">four hours</span> vs <span class="value">five hours</span>' in part
    quotes = html[html.index('id="quotes"') : html.index('id="numbers"')]
    assert "<td>Vladimir Putin</td>" in quotes and "<q>We are glad.</q>" in quotes


# ------------------------------------------------------------------ article and outlets pages


def test_article_page_shows_its_reuse(client: Client) -> None:
    html = client.get("/articles/a2").text
    reuse = html[html.index('id="reuse"') :]
    assert "<dt>earliest publisher</dt><dd>Alpha News</dd>" in reuse
    assert '<a href="/articles/a1">Alpha News</a> <small>0–45</small>' in reuse
    assert "39% of the text" in reuse
    assert "this article, of every passage" in client.get("/articles/a1").text


def test_outlets_page_is_in_the_nav_and_pages(client: Client) -> None:
    assert '<a href="/outlets">Outlets</a>' in client.get("/").text
    html = client.get("/outlets?limit=2").text
    assert re.findall(r'<tr data-source="([^"]+)">', html) == ["Alpha News", "Beta Post"]
    assert '<span class="agency">dpa 44%</span>' in html
    assert 'rel="next" href="/outlets?limit=2&amp;offset=2"' in html


# ------------------------------------------------------------------ derived-data cache


def test_derived_cache_reuses_and_evicts() -> None:
    cache, calls = views.Derived(size=2), []

    def make(key: str) -> Any:
        return lambda: calls.append(key) or key.upper()

    assert [cache.get(k, make(k)) for k in ["a", "a", "b", "a", "c", "b"]] == list("AABACB")
    assert calls == ["a", "b", "c", "b"]  # "b" was least recently used when "c" came


def test_story_cache_misses_when_a_correction_is_recorded(store) -> None:
    from storyline.model import Correction

    cache = views.Derived()
    first = views.show_report(store, "s1", cache)
    again = views.show_report(store, "s1", cache)
    assert again.extras["membership"] is first.extras["membership"]
    store.add_correction(Correction("move", "s1", ("a2",), None, datetime(2024, 1, 1, tzinfo=UTC)))
    moved = {
        m.article: (m.reason, m.pinned)
        for m in views.show_report(store, "s1", cache).extras["membership"]
    }
    assert moved["a2"] == ("moved", True)
    assert {m.article: m.reason for m in first.extras["membership"]}["a2"] == "joined"
