"""Corrections over batch grouping: ids kept across regroupings, corrections replayed."""

from __future__ import annotations

from storyline.model import Article, Correction, Story
from storyline.stories.corrections import apply_corrections, keep_ids


def _articles(*ids: str) -> dict[str, Article]:
    return {i: Article(id=i, source="src", raw=i, text=f"Report {i}.", title=f"T{i}") for i in ids}


def test_keep_ids_follows_the_largest_overlap():
    previous = [Story("old1", ("a", "b")), Story("old2", ("c",))]
    regrouped = [Story("h1", ("a", "b", "c")), Story("h2", ("d",)), Story("h3", ("e",))]
    kept = keep_ids(regrouped, previous)
    assert [s.id for s in kept] == ["old1", "h2", "h3"]
    assert [s.articles for s in kept] == [s.articles for s in regrouped]


def test_keep_ids_uses_each_old_id_once():
    previous = [Story("old", ("a", "b", "c", "d"))]
    kept = keep_ids([Story("h1", ("a",)), Story("h2", ("b", "c", "d"))], previous)
    assert [s.id for s in kept] == ["h1", "old"]


def test_corrections_replay_in_order():
    arts = _articles("a", "b", "c", "d")
    stories = [Story("s1", ("a", "b")), Story("s2", ("c", "d"))]
    done = apply_corrections(stories, [Correction("move", "s2", ("a",))], arts)
    assert {s.id: s.articles for s in done} == {"s1": ("b",), "s2": ("c", "d", "a")}
    split = Correction("split", "s2", ("d",), other="s3")
    done = apply_corrections(stories, [Correction("move", "s2", ("a",)), split], arts)
    assert {s.id: s.articles for s in done} == {"s1": ("b",), "s2": ("c", "a"), "s3": ("d",)}
    merge = Correction("merge", "s1", ("c", "d"), other="s2")
    done = apply_corrections(stories, [merge], arts)
    assert {s.id: s.articles for s in done} == {"s1": ("a", "b", "c", "d")}


def test_corrections_skip_unknown_articles_and_keep_unchanged_stories():
    arts = _articles("a", "b")
    stories = [Story("s1", ("a",), "kept title"), Story("s2", ("b",))]
    done = apply_corrections(stories, [Correction("move", "s2", ("gone",))], arts)
    assert done == stories
