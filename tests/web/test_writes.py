"""Concurrent uploads are stored together (one regrouping) and each answered with its own
ids and failures; a failing batch answers every upload of it with the error."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from storyline.store import MemoryStore
from storyline.web.access import Access
from storyline.web.app import create_app
from tests.web.conftest import BASE_URL, TOKEN

AUTH = {"authorization": f"Bearer {TOKEN}"}


def report(k: int) -> dict[str, str]:
    return {"source": f"Outlet {k}", "title": f"Report {k}",
            "text": f"Storm number {k} closed the line between Bern and Thun on Tuesday {k}."}  # fmt: skip


async def upload_all(app: Any, bodies: list[Any]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=AUTH) as c:
        return await asyncio.gather(*(c.post("/api/articles", json=b) for b in bodies))


def test_concurrent_uploads_are_stored_together(monkeypatch: pytest.MonkeyPatch) -> None:
    import storyline.pipeline as pipeline

    calls: list[int] = []
    real = pipeline.store_items
    monkeypatch.setattr(pipeline, "store_items",
                        lambda store, items: calls.append(len(items)) or real(store, items))  # fmt: skip
    store = MemoryStore()
    app = create_app(store, access=Access(allow_writes=True, token=TOKEN))
    bodies: list[Any] = [report(k) for k in range(8)] + [{"title": "no text"}]
    answers = asyncio.run(upload_all(app, bodies))
    assert [r.status_code for r in answers] == [201] * 8 + [400]
    ids = [r.json()["ingested"] for r in answers[:8]]
    assert all(len(i) == 1 for i in ids) and len({i[0] for i in ids}) == 8
    assert answers[8].json()["failures"][0]["input"] == "request body:1"
    assert store.count_articles() == 8 and sum(calls) == 9
    assert len(calls) < 9, "uploads that queued were stored in one call"
    assert {a.source for a in store.articles(ids[3])} == {"Outlet 3"}


def test_a_failing_batch_answers_each_upload(monkeypatch: pytest.MonkeyPatch) -> None:
    import storyline.pipeline as pipeline

    def broken(store: Any, items: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "store_items", broken)
    app = create_app(MemoryStore(), access=Access(allow_writes=True, token=TOKEN))
    answers = asyncio.run(upload_all(app, [report(k) for k in range(3)]))
    assert [r.status_code for r in answers] == [500] * 3
    assert all("internal error" in r.json()["error"]["message"] for r in answers)


def test_time_limit_never_answers_503_for_a_stored_upload_nor_stores_an_abandoned_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first upload's store outlasts the time limit: it is answered 201 (it is stored);
    the second, still waiting for its turn at the limit, gets 503 and is never stored, not
    even by the batch of a later upload."""
    import threading

    import storyline.pipeline as pipeline

    release = threading.Event()
    real = pipeline.store_items

    def slow_first(store: Any, items: Any) -> Any:
        release.wait(10)  # the first batch outlasts the 0.3 s limit; later ones do not wait
        return real(store, items)

    monkeypatch.setattr(pipeline, "store_items", slow_first)
    store = MemoryStore()
    app = create_app(store, access=Access(allow_writes=True, token=TOKEN, timeout=0.3))
    timer = threading.Timer(1.0, release.set)
    timer.start()
    try:
        first, second = asyncio.run(upload_all(app, [report(1), report(2)]))
        (third,) = asyncio.run(upload_all(app, [report(3)]))
    finally:
        release.set()
        timer.cancel()
    assert first.status_code == 201 and third.status_code == 201
    assert second.status_code == 503 and "nothing of it stored" in second.text
    assert sorted(a.source for a in store.articles()) == [
        "Outlet 1",
        "Outlet 3",
    ]
