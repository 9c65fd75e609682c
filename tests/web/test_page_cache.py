"""Read answers kept per store version (web/pages.py): served again until any commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.model import Article
from storyline.store import MemoryStore, open_store
from tests.web.conftest import TOKEN, Client, fill


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cache.db"
    with open_store(path) as store:
        fill(store)
    return path


def app_on(store):
    from storyline.web.access import Access
    from storyline.web.app import create_app

    app = create_app(store, access=Access(allow_writes=True, token=TOKEN))
    return app, Client(app, headers={"Authorization": f"Bearer {TOKEN}"})


def at_once(app, urls: list[str]) -> list:
    """The answers to GETs of ``urls``, all sent at once to ``app``."""
    import asyncio

    import httpx

    from tests.web.conftest import BASE_URL

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
            return await asyncio.gather(*(c.get(url) for url in urls))

    return asyncio.run(burst())


def page_cache(app):
    """The PageCache middleware instance of a built app."""
    from storyline.web.pages import PageCache

    app.middleware_stack = app.middleware_stack or app.build_middleware_stack()
    layer = app.middleware_stack
    while not isinstance(layer, PageCache):
        layer = layer.app
    return layer.cache


def test_a_second_read_is_served_from_the_cache_with_every_header(db: Path) -> None:
    with open_store(db) as store:
        app, client = app_on(store)
        first = client.get("/stories/s1")
        cache = page_cache(app)
        hits = cache.hits
        again = client.get("/stories/s1")
        assert again.status_code == 200 and again.text == first.text
        assert cache.hits == hits + 1
        assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
        assert again.headers["content-type"] == first.headers["content-type"]
        client.get("/stories/s1?a=a1")
        assert ("/stories/s1", b"a=a1") in cache._answers  # the query is part of the key


def test_a_commit_of_this_store_or_of_another_process_empties_it(db: Path) -> None:
    new = Article(id="z9", source="Zeta", raw="Zeta text.", text="Zeta alone reports this.")
    with open_store(db) as store:
        app, client = app_on(store)
        assert "Zeta" not in client.get("/api/articles").text
        assert "Zeta" not in client.get("/api/articles").text  # kept
        store.add_articles([new])  # a commit of this store
        assert "Zeta" in client.get("/api/articles").text
        assert "Eta Courier" not in client.get("/outlets").text
        with open_store(db) as other:  # another connection, as another process would
            other.add_articles([Article(id="z8", source="Eta Courier", raw="Eta.",
                                        text="Eta alone reports that.")])  # fmt: skip
        assert "Eta Courier" in client.get("/outlets").text
        assert "Eta alone" in client.get("/api/articles").text


def test_an_upload_shows_at_once(db: Path) -> None:
    with open_store(db) as store:
        app, client = app_on(store)
        before = client.get("/api/articles?limit=200").json()
        body = {"source": "Upload Daily", "title": "Uploaded",
                "text": "The uploaded report says the bridge opened on Monday after years."}  # fmt: skip
        assert client.post("/api/articles", json=body).status_code == 201
        after = client.get("/api/articles?limit=200").json()
        assert len(str(after)) > len(str(before)) and "Upload Daily" in str(after)


def test_errors_writes_and_the_memory_store_are_not_kept(db: Path) -> None:
    with open_store(db) as store:
        app, client = app_on(store)
        assert client.get("/stories/nope").status_code == 404
        client.get("/api/health")
        assert not any(k[0] in ("/stories/nope", "/api/health") for k in page_cache(app)._answers)
    app, client = app_on(fill(MemoryStore()))
    assert client.get("/stories/s1").status_code == 200
    assert page_cache(app) is None


def test_concurrent_requests_for_one_page_render_it_once(db: Path, monkeypatch) -> None:
    """Many clients asking for the same page at the same version wait for one rendering."""
    import time

    from storyline.web import views

    calls: list[str] = []
    real = views.story_view

    def slow_view(*args, **kw):
        calls.append("x")
        time.sleep(0.3)
        return real(*args, **kw)

    monkeypatch.setattr(views, "story_view", slow_view)
    with open_store(db) as store:
        answers = at_once(app_on(store)[0], ["/api/stories/s1"] * 6)
        assert {r.status_code for r in answers} == {200}
        assert len({r.text for r in answers}) == 1
        assert len(calls) == 1


def test_renderings_of_different_pages_take_turns(db: Path, monkeypatch) -> None:
    """A burst of pages not kept yet (every page after a commit) renders at most
    ``pages.RENDERS`` at once; every request is answered."""
    import threading
    import time

    from storyline.web import pages, views

    running, most, lock = [0], [0], threading.Lock()
    real = views.story_view

    def slow_view(*args, **kw):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return real(*args, **kw)

    monkeypatch.setattr(views, "story_view", slow_view)
    with open_store(db) as store:
        answers = at_once(app_on(store)[0], [f"/api/stories/s1?k={k}" for k in range(8)])
        assert [r.status_code for r in answers] == [200] * 8
        assert most[0] == pages.RENDERS < 8
