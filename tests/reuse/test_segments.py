"""Incremental persistence: an index saved as one segment per add behaves like the live one."""

from __future__ import annotations

import pytest

from storyline.errors import StorylineError
from storyline.model import Article
from storyline.reuse import ReuseIndex
from storyline.reuse.persist import dump, dump_segment, load, load_segments
from storyline.reuse.synthetic import generate
from tests.reuse.helpers import article, at


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    """Synthetic originals, exact and near copies and shared passages (about 120 texts)."""
    c = generate(120, seed=3)
    return [
        article(f"s{i:03d}", t, src, published=at(1 + i % 20))
        for i, (t, src) in enumerate(zip(c.texts, c.sources, strict=True))
    ]


def _segmented(corpus: list[Article], cuts: list[int], **kw: object) -> tuple[ReuseIndex, list]:
    """A live index fed in batches, and the segment written after each batch."""
    live, segments = ReuseIndex(**kw), []  # type: ignore[arg-type]
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        before = len(live)
        live.add(corpus[lo:hi])
        segments.append(dump_segment(live, before))
    return live, segments


@pytest.mark.parametrize(
    "kw",
    [{}, {"find_passages": False}, {"find_duplicates": False}],
    ids=["both", "duplicates-only", "passages-only"],
)
def test_segments_load_like_the_live_index(corpus: list[Article], kw: dict) -> None:
    live, segments = _segmented(corpus, [0, 30, 31, 55, 90], **kw)
    loaded = load_segments(segments)
    assert loaded.to_bytes() == live.to_bytes() == load(dump(live)).to_bytes()
    assert live.links() and loaded.links() == live.links() or not kw.get("find_duplicates", 1)
    # both go on the same way: same updates, same state
    for lo, hi in ((90, 100), (100, 120)):
        assert loaded.add(corpus[lo:hi]) == live.add(corpus[lo:hi])
    assert loaded.to_bytes() == live.to_bytes()
    assert loaded.groups() == live.groups() and loaded.passages() == live.passages()


def test_update_finds_something_across_segments(corpus: list[Article]) -> None:
    live, segments = _segmented(corpus, [0, 60, 90])
    loaded = load_segments(segments)
    update = loaded.add(corpus[90:])
    assert update == live.add(corpus[90:])
    assert update.links and update.passages  # the comparison is not vacuous


def test_one_segment_from_zero_is_the_whole_index(corpus: list[Article]) -> None:
    live = ReuseIndex()
    live.add(corpus[:50])
    live.add(corpus[50:80])
    whole = load_segments([dump_segment(live, 0)])
    assert whole.to_bytes() == live.to_bytes()
    # a legacy whole-index blob can start a chain of segments
    legacy = load(dump(live))
    legacy.add(corpus[80:])
    live.add(corpus[80:])
    assert load_segments([dump_segment(live, 0)]).to_bytes() == legacy.to_bytes()


def test_no_segments_is_an_empty_index() -> None:
    assert len(load_segments([])) == 0


def test_since_must_be_where_an_add_began(corpus: list[Article]) -> None:
    live = ReuseIndex()
    live.add(corpus[:60])
    with pytest.raises(ValueError, match="since"):
        dump_segment(live, 61)
    if live.links_.rows:
        with pytest.raises(ValueError, match="add"):
            dump_segment(live, max(max(r[:2]) for r in live.links_.rows))


def test_damaged_segment_is_a_clear_error(corpus: list[Article]) -> None:
    _, segments = _segmented(corpus, [0, 20, 40])
    with pytest.raises(StorylineError, match="segment 1"):
        load_segments([segments[0], segments[1][: len(segments[1]) // 2]])
    with pytest.raises(StorylineError, match="segment 1"):
        load_segments([segments[0], b"not a segment"])
    with pytest.raises(StorylineError, match="segment 0"):
        load_segments([dump(ReuseIndex())])  # a whole-index blob is not a segment


def test_segments_out_of_order_or_mixed_settings(corpus: list[Article]) -> None:
    _, segments = _segmented(corpus, [0, 20, 40])
    with pytest.raises(StorylineError, match="segment 0: starts at article 20"):
        load_segments([segments[1], segments[0]])
    with pytest.raises(StorylineError, match="segment 1: starts at article 0"):
        load_segments([segments[0], segments[0]])
    other = ReuseIndex(find_passages=False)
    other.add(corpus[:20])
    with pytest.raises(StorylineError, match="other settings"):
        load_segments([segments[0], dump_segment(other, 0)])


def _ingest(store, articles: list[Article]) -> None:
    from storyline.pipeline import update_reuse

    store.add_articles(articles)
    update_reuse(store, articles)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_pipeline_appends_one_segment_per_ingest(corpus, tmp_path, backend) -> None:
    from storyline.reuse.persist import is_manifest
    from storyline.store import open_store

    with open_store(":memory:" if backend == "memory" else str(tmp_path / "s.db")) as store:
        for lo, hi in ((0, 40), (40, 70), (70, 90)):
            _ingest(store, corpus[lo:hi])
        segments = store.reuse_segments()
        assert len(segments) == 3 and is_manifest(store.reuse_state())
        assert len(segments[2]) < len(segments[0])  # O(new), not the whole index
        live, _ = _segmented(corpus, [0, 40, 70, 90])
        assert load_segments(segments).to_bytes() == live.to_bytes()
        assert store.count_passages() == len(set(live.passages())) > 0


def test_pipeline_starts_segments_from_a_legacy_blob(corpus) -> None:
    from storyline.reuse import ReuseUpdate
    from storyline.store import open_store

    with open_store(":memory:") as store:
        store.add_articles(corpus[:50])
        legacy = ReuseIndex()
        store.put_reuse(legacy.add(corpus[:50]), legacy.to_bytes())
        _ingest(store, corpus[50:70])
        (first,) = store.reuse_segments()
        assert store.reuse_state() != legacy.to_bytes()  # the big blob is replaced
        legacy.add(corpus[50:70])
        assert load_segments([first]).to_bytes() == legacy.to_bytes()
        store.put_reuse(ReuseUpdate(), b"")  # the header lost: the segments still count
        _ingest(store, corpus[70:80])
        legacy.add(corpus[70:80])
        assert load_segments(store.reuse_segments()).to_bytes() == legacy.to_bytes()


def test_pipeline_rebuilds_a_store_without_state_into_segments(corpus) -> None:
    from storyline.store import open_store

    with open_store(":memory:") as store:
        store.add_articles(corpus[:30])  # stored, never indexed
        _ingest(store, corpus[30:45])
        segments = store.reuse_segments()  # the catch-up's, then the ingest's
        live, expected = _segmented(corpus, [0, 30, 45])
        assert segments == expected
        assert load_segments(segments).to_bytes() == live.to_bytes()


def test_lenient_load_skips_a_concurrent_segment(corpus: list[Article]) -> None:
    _, segments = _segmented(corpus, [0, 20, 40])
    other = load_segments(segments[:1])
    other.add(corpus[60:70])  # a second ingest that started from segment 0 too
    stale = dump_segment(other, 20)
    with pytest.raises(StorylineError, match="segment 2: starts at article 20, expected 40"):
        load_segments([*segments, stale])
    lenient = load_segments([*segments, stale], strict=False)
    assert lenient.to_bytes() == load_segments(segments).to_bytes()


def test_pipeline_after_two_concurrent_ingests(corpus: list[Article]) -> None:
    from storyline.store import open_store

    with open_store(":memory:") as store:
        _ingest(store, corpus[:40])
        start = store.reuse_segments()
        for lo, hi in ((40, 60), (60, 70)):  # both loaded the index before either stored
            store.add_articles(corpus[lo:hi])
            index = load_segments(start)
            store.put_reuse(index.add(corpus[lo:hi]), None, dump_segment(index, 40))
        _ingest(store, corpus[70:80])
        index = load_segments(store.reuse_segments(), strict=False)
        assert sorted(index.index_) == sorted(a.id for a in corpus[:80])
        fresh = ReuseIndex()
        fresh.add(corpus[:80])
        assert set(index.passages()) == set(fresh.passages())
        assert index.groups() == fresh.groups()
        assert store.count_passages() == len(set(fresh.passages()))


def test_a_large_ingest_is_stored_in_chunks(corpus: list[Article], monkeypatch) -> None:
    import storyline.pipeline as pl
    from storyline.store import open_store

    monkeypatch.setattr(pl, "REUSE_SEGMENT_ARTICLES", 15)
    with open_store(":memory:") as store:
        store.add_articles(corpus[:20])  # stored, never indexed: caught up in 2 chunks
        store.add_articles(corpus[20:60])
        update = pl.update_reuse(store, corpus[20:60])  # 3 chunks
        assert len(store.reuse_segments()) == 5
        whole = ReuseIndex()
        whole.add(corpus[:20])
        once = whole.add(corpus[20:60])
        loaded = load_segments(store.reuse_segments())
    assert loaded.groups() == whole.groups()
    assert set(loaded.passages()) == set(whole.passages())
    assert update.added == once.added and set(update.passages) == set(once.passages)
    assert update.groups == once.groups and set(update.links) == set(once.links)
    by_article = {a.article: a for a in update.attributions}
    assert by_article == {a.article: a for a in once.attributions}
