"""The stories list's facets and totals: kept per store version (SQLite), never stale after
a write from this store, its batch or another connection; bounded search totals."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.model import Story
from storyline.store import Store, open_store
from storyline.store.memo import VersionCache
from storyline.store.sqlite import SQLiteStore
from tests.store.test_contract import T0, store  # noqa: F401  (the backend fixture)
from tests.store.test_coverage import _articles, _expected, _stories, filled  # noqa: F401


def _figures(db: Store) -> tuple[Any, ...]:
    return (
        db.story_facets(min_size=2),
        db.story_facets(agency="dpa", min_size=2),
        db.story_facets("bericht", min_size=2),
        db.count_stories(min_size=2),
        db.count_stories(agency="dpa"),
        db.count_search("bericht", min_size=2),
        db.count_search("bericht", upto=3),
    )


@pytest.mark.parametrize("upto", [1, 3, 8, 1000])
@pytest.mark.parametrize("filters", [{}, {"min_size": 2}, {"agency": "dpa"}, {"source": "o3"}])
def test_a_bounded_search_count_stops_at_the_bound(filled: Store, upto, filters) -> None:  # noqa: F811
    exact = filled.count_search("bericht", **filters)
    assert exact == len(filled.search("bericht", limit=None, **filters))
    assert filled.count_search("bericht", upto=upto, **filters) == min(exact, upto)
    assert filled.count_search("nowhere", upto=upto, **filters) == 0


@pytest.mark.parametrize(
    "filters",
    [
        {"source": "o3"},
        {"source": "o3", "min_size": 2},
        {"language": "fr"},
        {"agency": "AFP", "min_size": 3},
        {"source": "nowhere"},
    ],  # fmt: skip
)
def test_one_key_counts_match_the_definition(filled: Store, filters) -> None:  # noqa: F811
    expected = [
        s.id
        for s in filled.stories()
        if len(s.articles) >= filters.get("min_size", 1)
        and any(a.source == filters.get("source", a.source) and
                a.language == filters.get("language", a.language) and
                filters.get("agency", "x") in (*a.credits.agencies, "x")
                for a in filled.articles(s.articles))
    ]  # fmt: skip
    assert filled.count_stories(**filters) == len(expected)
    if "source" not in filters:
        assert len(expected) == len(_expected(filled, "recent", **filters))


def test_repeated_reads_are_served_from_the_cache(tmp_path) -> None:
    with open_store(tmp_path / "s.db") as db:
        assert isinstance(db, SQLiteStore)
        db.add_articles(_articles())
        db.put_stories((s, None) for s in _stories())
        first = _figures(db)
        hits = db._memo.hits
        assert _figures(db) == first
        assert db._memo.hits == hits + len(first)


def test_answers_follow_this_stores_writes(store: Store) -> None:  # noqa: F811
    store.add_articles(_articles())
    store.put_stories((s, None) for s in _stories())
    before = _figures(store)
    store.put_story(Story("big", tuple(f"a{i}" for i in range(0, 40, 4))))
    after = _figures(store)
    assert after != before
    assert after[3] == before[3] + 1
    store.delete_story("big")
    assert _figures(store) == before


def test_answers_follow_a_batch_and_another_connection(tmp_path) -> None:
    path = tmp_path / "s.db"
    with open_store(path) as server, open_store(path) as ingest:
        ingest.add_articles(_articles())
        ingest.put_stories((s, None) for s in _stories()[:4])
        assert server.count_stories() == 4
        facets = server.story_facets()
        for story in _stories()[4:]:  # another connection commits
            ingest.put_story(story)
        assert server.count_stories() == len(_stories())
        assert server.story_facets() != facets
        with server.batch():
            server.put_story(Story("big", tuple(f"a{i}" for i in range(0, 40, 4))))
            assert server.count_stories() == len(_stories()) + 1, "a batch sees its own writes"
        assert server.count_stories() == len(_stories()) + 1
        assert ingest.count_stories() == len(_stories()) + 1


def test_a_cached_answer_is_a_copy(tmp_path) -> None:
    with open_store(tmp_path / "s.db") as db:
        db.add_articles(_articles())
        db.put_stories((s, None) for s in _stories())
        db.story_facets()["source"].clear()
        db.story_facets()["agency"][0]["count"] = -1
        assert db.story_facets()["source"] and db.story_facets()["agency"][0]["count"] > 0


def test_version_cache_drops_answers_of_an_older_version() -> None:
    version = [0]
    cache = VersionCache(lambda: version[0], size=2)
    calls: list[str] = []

    def answer(key: str) -> str:
        return cache.get(key, lambda: calls.append(key) or f"{key}@{version[0]}")

    assert [answer("a"), answer("a"), answer("b")] == ["a@0", "a@0", "b@0"]
    version[0] = 1
    assert answer("a") == "a@1"
    answer("b"), answer("c"), answer("a")  # size 2: "a" was the least recently used
    assert calls == ["a", "b", "a", "b", "c", "a"]


def test_an_answer_computed_across_a_write_is_not_served_after_it() -> None:
    version = [0]
    cache = VersionCache(lambda: version[0])

    def slow() -> str:
        version[0] = 1  # a commit lands while the answer is computed
        return "old"

    assert cache.get("k", slow) == "old"
    assert cache.get("k", lambda: "new") == "new"


def test_facets_of_a_common_key_count_from_the_stories_without_it(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.store import MemoryStore, coverage

    memory, path = MemoryStore(), tmp_path / "s.db"
    with open_store(path) as db:
        for each in (memory, db):
            each.add_articles(_articles())
            each.put_stories((s, None) for s in _stories())
        complements, cases = [], 0
        real = coverage.complement_sql
        monkeypatch.setattr(coverage, "complement_sql",
                            lambda *a: complements.append(a) or real(*a))  # fmt: skip
        for kind in ("source", "language", "agency"):
            for row in memory.story_facets()[kind]:
                for min_size in (1, 2, 3):
                    chosen = {kind: row["value"], "min_size": min_size}
                    assert db.story_facets(**chosen) == memory.story_facets(**chosen), chosen
                    cases += 1
        assert 0 < len(complements) < cases, "both ways are taken"


def test_pages_of_a_common_or_rare_agency_match_the_definition(tmp_path) -> None:
    from storyline.store import MemoryStore
    from storyline.store.checks import Filters

    memory = MemoryStore()
    with open_store(tmp_path / "s.db") as db:
        assert isinstance(db, SQLiteStore)
        for each in (memory, db):
            each.add_articles(_articles())
            each.put_stories((s, None) for s in _stories())
        ways = set()
        for agency in ("dpa", "AFP", "Reuters", "nowhere"):
            for min_size in (1, 2, 3):
                ways.add(db._common(Filters(agency=agency, min_size=min_size)))
                for sort in ("coverage", "recent", "size"):
                    for limit, offset in ((None, 0), (2, 1)):
                        page = {"agency": agency, "min_size": min_size, "sort": sort,
                                "limit": limit, "offset": offset}  # fmt: skip
                        assert db.stories_page(**page) == memory.stories_page(**page), page
                chosen = {"agency": agency, "min_size": min_size, "since": T0}
                assert db.story_facets(**chosen) == memory.story_facets(**chosen), chosen
        assert ways == {True, False}, "agencies in most stories are probed, rare ones listed"


def test_threads_asking_for_an_answer_being_computed_wait_for_it() -> None:
    """One computation per key and version, however many threads ask at once; a failed
    one leaves the others to compute their own."""
    import threading
    import time

    cache = VersionCache(lambda: 0)
    calls: list[int] = []

    def dear() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "answer"

    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("k", dear)))
               for _ in range(8)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert got == ["answer"] * 8 and len(calls) == 1

    def broken() -> str:
        time.sleep(0.1)
        raise RuntimeError("no")

    errors: list[BaseException] = []

    def ask() -> None:
        try:
            got.append(cache.get("x", broken if not errors and not got[8:] else lambda: "ok"))
        except RuntimeError as exc:
            errors.append(exc)

    first = threading.Thread(target=ask)
    first.start()
    time.sleep(0.03)
    second = threading.Thread(target=lambda: got.append(cache.get("x", lambda: "ok")))
    second.start()
    first.join(10)
    second.join(10)
    assert len(errors) == 1 and got[8:] == ["ok"]
