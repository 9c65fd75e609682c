"""The SQLite store's two search plans (collect the matches, or walk the stories newest
first probing FTS5) give the same pages, so the web's search cannot change with the plan."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from storyline.model import Article, Story
from storyline.store import open_store
from storyline.store import sqlite as backend

WORDS = "kim putin zug treffen raketen kreml minister hafen".split()
T0 = datetime(2023, 9, 13, tzinfo=UTC)


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """300 stories of 1-2 articles; some stories share their newest date (ties)."""
    rng = random.Random(7)
    store = open_store(tmp_path_factory.mktemp("plans") / "s.db")
    articles, stories = [], []
    for k in range(300):
        ids = [f"a{k}-{j}" for j in range(rng.randint(1, 2))]
        for aid in ids:
            text = " ".join(rng.choices(WORDS, k=6)) + "."
            articles.append(Article(id=aid, source=f"src{k % 3}", raw=text, text=text,
                                    language=rng.choice(["de", "en"]),
                                    published=T0 - timedelta(hours=k // 2)))  # fmt: skip
        stories.append(Story(f"s{k:03d}", tuple(ids), f"Story {k}"))
    store.add_articles(articles)
    store.put_stories((s, None) for s in stories)
    yield store
    store.close()


def pages(store: Any, query: str, *, walk: bool, **kw: Any) -> list[str]:
    store._walks = lambda *a: walk  # choose the plan
    try:
        return [s.id for s in store.search(query, **kw)]
    finally:
        del store._walks


@pytest.mark.parametrize("query", ["kim", "kim putin", "kre*", "hafen zug minister", "nothing"])
@pytest.mark.parametrize(
    "kw",
    [{}, {"limit": 7, "offset": 0}, {"limit": 7, "offset": 40}, {"limit": 300},
     {"since": T0 - timedelta(hours=60)}, {"until": T0 - timedelta(hours=20), "limit": 5}],
)  # fmt: skip
def test_walk_and_collect_give_the_same_page(news: Any, query: str, kw: dict) -> None:
    collected = pages(news, query, walk=False, **kw)
    assert pages(news, query, walk=True, **kw) == collected
    if query != "nothing" and not kw.get("offset"):
        assert collected, "the corpus is built so that these words match"


def test_common_words_take_the_walk_and_rare_ones_do_not(
    news: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backend, "_MIN_WALK", 10)
    match = '"kim"'
    assert news._walks(match, backend.Filters(), 5, 0)
    assert not news._walks('"nothing"', backend.Filters(), 5, 0)
    assert not news._walks(match, backend.Filters(), 5, 10_000), "deep pages collect"
    assert not news._walks(match, backend.Filters(source="src1"), 5, 0)


def test_the_web_search_answers_the_same_with_either_plan(
    news: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from storyline.web.app import create_app
    from tests.web.conftest import Client

    client = Client(create_app(news))
    collected = client.get("/api/stories?q=kim+putin&limit=9&offset=9").json()
    monkeypatch.setattr(backend, "_MIN_WALK", 0)
    monkeypatch.setattr(backend.SQLiteStore, "_walks", lambda *a: True)
    walked = client.get("/api/stories?q=kim+putin&limit=9&offset=9").json()
    assert walked == collected and collected["total"] > 18


@pytest.mark.parametrize("sort", ["coverage", "size"])
@pytest.mark.parametrize("kw", [{}, {"limit": 7, "offset": 20}, {"min_size": 2, "limit": 9}])
def test_walk_and_collect_agree_in_every_order(news: Any, sort: str, kw: dict) -> None:
    collected = pages(news, "kim", walk=False, sort=sort, **kw)
    assert collected and pages(news, "kim", walk=True, sort=sort, **kw) == collected
