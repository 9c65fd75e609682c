"""Events (the tight level inside stories) in every backend."""

from __future__ import annotations

from storyline.model import Event

from .test_contract import store  # noqa: F401 - the backend-parametrised fixture


def test_events_round_trip_replace_per_story_and_all(store):  # noqa: F811
    e1 = Event("ev-1", "s1", ("a", "b"), "One <b>")
    e2 = Event("ev-2", "s1", ("c",))
    e3 = Event("ev-3", "s2", ("d",), method="x")
    store.put_events([e1, e2, e3])
    assert store.events() == [e1, e2, e3]
    assert store.events("s2") == [e3] and store.event("ev-1") == e1
    assert store.event("ev-nope") is None and store.events("s-nope") == []
    e4 = Event("ev-4", "s1", ("a", "b", "c"))
    store.put_events([e4], stories=["s1"])  # s1's events replaced, s2's kept
    assert store.events() == [e4, e3]
    store.put_events([], stories=["s2", "s-unknown"])
    assert store.events() == [e4]
    store.put_events([e1])
    assert store.events() == [e1]
