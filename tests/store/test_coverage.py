"""Stories list order, singleton hiding and facets: every backend against one definition."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from storyline.errors import InputError
from storyline.model import Article, Credits, Story
from storyline.store import Store, open_store
from tests.store.test_contract import T0, art, store  # noqa: F401  (the backend fixture)

SOURCES = ["o1", "o2", "o10", "o3", "o11"]
LANGS = ["de", "en", "fr", "ar"]
AGENCIES = [(), ("dpa",), ("Reuters",), ("dpa", "AFP")]


def _articles(n: int = 40) -> list[Article]:
    return [
        art(f"a{i}", f"Bericht {i}", source=SOURCES[(i * 3) % 5], language=LANGS[i % 4],
            credits=Credits(agencies=AGENCIES[(i // 2) % 4]),
            published=T0 + timedelta(hours=5 * i))
        for i in range(n)
    ]  # fmt: skip


def _stories(n: int = 40) -> list[Story]:
    """Stories of 1 to 5 articles (some singletons), each article in one story."""
    out, start, k = [], 0, 0
    while start < n:
        size = 1 + (k * 7) % 5
        out.append(Story(f"s{k:02d}", tuple(f"a{i}" for i in range(start, min(n, start + size)))))
        start += size
        k += 1
    return out


@pytest.fixture
def filled(store: Store) -> Store:  # noqa: F811
    store.add_articles(_articles())
    store.put_stories((s, None) for s in _stories())
    return store


def _cover(db: Store, story: Story) -> tuple[int, int, int, str, set[tuple[str, str]]]:
    arts = list(db.articles(story.articles))
    latest = max(a.published for a in arts if a.published).isoformat()
    keys = {("source", a.source) for a in arts} | {("language", a.language) for a in arts}
    keys |= {("agency", g) for a in arts for g in a.credits.agencies}
    keys.add(("date", latest[:10]))
    outlets = len({a.source for a in arts})
    return len(arts), outlets, len({a.language for a in arts}), latest, keys


def _expected(db: Store, sort: str, **filters) -> list[str]:
    rows = []
    for s in db.stories():
        size, outlets, langs, latest, keys = _cover(db, s)
        if size < filters.get("min_size", 1):
            continue
        if "agency" in filters and ("agency", filters["agency"]) not in keys:
            continue
        if "language" in filters and ("language", filters["language"]) not in keys:
            continue
        rows.append((s.id, size, outlets, langs, latest))
    rows.sort(key=lambda r: r[0])
    rows.sort(key=lambda r: r[4], reverse=True)
    if sort == "coverage":
        rows.sort(key=lambda r: (-r[2], -r[3]))
    elif sort == "size":
        rows.sort(key=lambda r: -r[1])
    return [r[0] for r in rows]


@pytest.mark.parametrize("sort", ["coverage", "recent", "size"])
@pytest.mark.parametrize(
    "filters", [{}, {"min_size": 2}, {"agency": "dpa"}, {"language": "ar", "min_size": 3}]
)
def test_sorts_and_filters_match_their_definition(filled: Store, sort: str, filters) -> None:
    expected = _expected(filled, sort, **filters)
    assert expected, "the case keeps some stories"
    got = [s.id for s in filled.stories_page(limit=None, sort=sort, **filters)]
    assert got == expected
    assert filled.count_stories(**filters) == len(expected)
    assert [s.id for s in filled.stories_page(limit=3, offset=2, sort=sort, **filters)] == (
        expected[2:5]
    )


def test_coverage_puts_the_most_outlets_first(filled: Store) -> None:
    first = filled.stories_page(limit=1, sort="coverage")[0]
    outlets = max(_cover(filled, s)[1] for s in filled.stories())
    assert _cover(filled, first)[1] == outlets > 1


def test_hiding_singletons_counts_them(filled: Store) -> None:
    singles = [s for s in filled.stories() if len(s.articles) == 1]
    assert singles
    assert filled.count_stories() - filled.count_stories(min_size=2) == len(singles)
    assert not set(filled.stories_page(limit=None, min_size=2)) & set(singles)


def test_search_takes_sort_and_filters(filled: Store) -> None:
    found = filled.search("bericht", limit=None, sort="size", min_size=2)
    assert [s.id for s in found] == _expected(filled, "size", min_size=2)
    assert filled.count_search("bericht", min_size=2) == len(found)


@pytest.mark.parametrize("filters", [{}, {"min_size": 2}, {"agency": "dpa"}, {"language": "de"}])
def test_facets_count_the_kept_stories(filled: Store, filters) -> None:
    counts: dict[tuple[str, str], int] = {}
    for sid in _expected(filled, "recent", **filters):
        for key in _cover(filled, filled.story(sid))[4]:  # type: ignore[arg-type]
            counts[key] = counts.get(key, 0) + 1
    facets = filled.story_facets(**filters)
    assert set(facets) == {"language", "source", "agency", "date"}
    for kind, rows in facets.items():
        mine = {v: n for (k, v), n in counts.items() if k == kind}
        assert {r["value"]: r["count"] for r in rows}.items() <= mine.items()
        assert len(rows) == min(len(mine), 12)
        if kind != "date":
            assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)
        else:
            assert [r["value"] for r in rows] == sorted(mine, reverse=True)[:12]


def test_facets_of_a_search(filled: Store) -> None:
    facets = filled.story_facets("bericht", agency="Reuters")
    assert facets["agency"][0] == {
        "value": "Reuters",
        "count": filled.count_stories(agency="Reuters"),
    }
    assert filled.story_facets("nowhere") == {
        k: [] for k in ("language", "source", "agency", "date")
    }


def test_unknown_sort_is_refused(filled: Store) -> None:
    with pytest.raises(InputError, match="sort.*coverage, recent, size"):
        filled.stories_page(sort="loudest")


def test_coverage_follows_story_writes(filled: Store) -> None:
    big = Story("big", tuple(f"a{i}" for i in range(0, 40, 4)))
    filled.put_story(big)
    assert filled.stories_page(limit=1, sort="size")[0].id == "big"
    filled.delete_story("big")
    assert "big" not in {s.id for s in filled.stories_page(limit=None, sort="coverage")}
    assert all(r["count"] <= 40 for r in filled.story_facets()["source"])


def test_migration_fills_coverage_of_stories_stored_before_it(tmp_path) -> None:
    path = tmp_path / "old.db"
    with open_store(path) as s:
        s.add_articles(_articles())
        s.put_stories((x, None) for x in _stories())
        before = [x.id for x in s.stories_page(limit=None, sort="coverage")]
        facets = s.story_facets(min_size=2)
    conn = sqlite3.connect(path)
    for statement in (
        "DROP TABLE story_keys",
        "DROP INDEX stories_coverage",
        "DROP INDEX stories_size",
        "ALTER TABLE stories DROP COLUMN size",
        "ALTER TABLE stories DROP COLUMN outlets",
        "ALTER TABLE stories DROP COLUMN languages",
        "DELETE FROM _migrations WHERE name = '0010_story_coverage'",
    ):
        conn.execute(statement)
    conn.commit()
    conn.close()
    with open_store(path) as s:
        assert [x.id for x in s.stories_page(limit=None, sort="coverage")] == before
        assert s.story_facets(min_size=2) == facets
