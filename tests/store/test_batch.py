"""Store.batch(): one thread's writes land together; SQLite rolls the whole batch back."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from storyline.errors import StoreError
from storyline.model import Article, Story
from storyline.store import open_store

from .test_contract import art


def test_sqlite_batch_rolls_back_every_call_when_it_raises(tmp_path: Path) -> None:
    with open_store(tmp_path / "x.db") as store:
        store.add_articles([art("a1", "one")])
        with pytest.raises(RuntimeError), store.batch():
            store.add_articles([art("a2", "two")])
            store.put_story(Story("st-1", ("a1", "a2")))
            assert store.count_articles() == 2  # the batch reads its own writes
            raise RuntimeError("boom")
        assert store.article_ids() == ["a1"] and store.stories() == []


def test_a_call_that_fails_inside_a_batch_leaves_nothing_of_itself(tmp_path: Path) -> None:
    with open_store(tmp_path / "x.db") as store:
        with store.batch():
            store.add_articles([art("a1", "one")])
            with pytest.raises(StoreError):
                store.put_story(Story("st-1", ("a1", "missing")))
            store.put_story(Story("st-2", ("a1",)))
        assert [s.id for s in store.stories()] == ["st-2"]


def test_other_threads_see_the_batch_only_after_its_commit(tmp_path: Path) -> None:
    with open_store(tmp_path / "x.db") as store:
        seen: list[int] = []
        with store.batch():
            store.add_articles([art("a1", "one")])
            reader = threading.Thread(target=lambda: seen.append(store.count_articles()))
            reader.start()
            reader.join(timeout=30)
        assert seen == [0] and store.count_articles() == 1


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_batches_nest_and_stories_without_analysis_are_listed(backend: str, tmp_path) -> None:
    with open_store(None if backend == "memory" else tmp_path / "x.db") as store:
        with store.batch(), store.batch():
            store.add_articles([art("a1", "one"), art("a2", "two")])
            store.put_story(Story("st-1", ("a1",)))
            store.put_story(Story("st-2", ("a2",)))
        assert store.stories_without_analysis() == ["st-1", "st-2"]
        assert isinstance(store.article("a1"), Article)
