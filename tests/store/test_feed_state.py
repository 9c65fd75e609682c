"""Feed-watching state (``storyline watch``) behaves the same on every backend."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.model import FeedState
from storyline.store import open_store
from tests.store.test_contract import store  # noqa: F401 - the per-backend fixture


def test_feed_state_round_trip_and_seen_entries(store):  # noqa: F811
    assert store.feed_state("https://a.example/feed") is None
    state = FeedState("https://a.example/feed", etag='"x1"', last_modified="Wed, 13 Sep 2023 08:30:00 GMT",
                      checked=datetime(2024, 1, 1, tzinfo=UTC), failures=2,
                      next_poll=datetime(2024, 1, 1, 0, 10, tzinfo=UTC), error="HTTP status 500")  # fmt: skip
    store.put_feed_state(state, [("https://a.example/1", None), ("id:g2", None)])
    assert store.feed_state(state.url) == state
    assert store.seen_entries(["https://a.example/1", "id:g2", "https://a.example/3"]) == {
        "https://a.example/1", "id:g2"}  # fmt: skip
    newer = FeedState(state.url, etag='"x2"')
    store.put_feed_state(newer, [("https://a.example/1", None)])  # marking twice is harmless
    assert store.feed_state(state.url) == newer
    assert store.seen_entries([]) == set()


def test_feed_state_survives_reopening(tmp_path):
    path = tmp_path / "s.db"
    with open_store(path) as first:
        first.put_feed_state(FeedState("https://a.example/feed", etag='"e"'), [("k", None)])
    with open_store(path) as again:
        assert again.feed_state("https://a.example/feed").etag == '"e"'
        assert again.seen_entries(["k", "other"]) == {"k"}
