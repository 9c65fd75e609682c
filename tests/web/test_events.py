"""Events in the web UI and API: a story page lists its events, an event page compares."""

from __future__ import annotations

from storyline.model import Event

EVENTS = [
    Event("ev-1", "s1", ("a1",), "Leaders <b>meet</b>"),
    Event("ev-2", "s1", ("a2",), "Kim arrives by train"),
]


def test_story_page_lists_its_events_escaped(client, store):
    store.put_events(EVENTS)
    page = client.get("/stories/s1")
    assert page.status_code == 200
    assert 'href="/events/ev-1"' in page.text and 'href="/events/ev-2"' in page.text
    assert "Leaders &lt;b&gt;meet&lt;/b&gt;" in page.text and "<b>meet</b>" not in page.text
    api = client.get("/api/stories/s1").json()
    assert {e["id"] for e in api["events"]} == {"ev-1", "ev-2"}


def test_story_with_one_event_shows_no_event_list(client, store):
    store.put_events([Event("ev-1", "s1", ("a1", "a2"), "Both")])
    assert 'id="events"' not in client.get("/stories/s1").text


def test_event_page_is_a_comparison_naming_its_story(client, store):
    store.put_events([Event("ev-1", "s1", ("a1", "a2"), "Both")])
    page = client.get("/events/ev-1")
    assert page.status_code == 200
    assert 'href="/stories/s1"' in page.text and 'href="/api/events/ev-1"' in page.text
    data = client.get("/api/events/ev-1").json()
    assert data["event_of"]["id"] == "s1" and len(data["articles"]) == 2
    assert any(g["kind"] == "verbatim" for g in data["alignments"])


def test_unknown_event_is_404(client):
    response = client.get("/api/events/ev-nope")
    assert response.status_code == 404 and "ev-nope" in response.text
    assert client.get("/events/ev-nope").status_code == 404
