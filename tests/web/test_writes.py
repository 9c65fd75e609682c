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


def test_an_upload_that_cannot_be_read_fails_alone_in_its_batch() -> None:
    """Uploads are read in the writer, in the batch: one in an unknown format gets its own
    400; the uploads stored with it are not affected."""
    store = MemoryStore()
    app = create_app(store, access=Access(allow_writes=True, token=TOKEN))

    async def both() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=AUTH) as c:
            bad = c.post("/api/articles", data={"format": "tiff"},
                         files={"files": ("a.txt", b"Some words to read here.")})  # fmt: skip
            return await asyncio.gather(bad, *(c.post("/api/articles", json=report(k))
                                               for k in range(3)))  # fmt: skip

    answers = asyncio.run(both())
    assert [r.status_code for r in answers] == [400, 201, 201, 201]
    assert "tiff" in answers[0].json()["error"]["message"]
    assert store.count_articles() == 3


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


def test_over_a_database_file_a_child_process_writes_and_a_killed_one_loses_nothing(
    tmp_path: Any,
) -> None:
    """Uploads to a file store are read, cleaned and stored in a child process. A child
    killed during its batch fails that batch (500, nothing stored); a child killed between
    batches is replaced without failing the next upload."""
    import os
    import signal
    import threading
    import time

    from storyline.store import open_store

    with open_store(tmp_path / "w.db") as store:
        app = create_app(store, access=Access(allow_writes=True, token=TOKEN))
        writes = app.state.writes
        try:
            killed: list[int] = []

            def kill_when_started() -> None:
                deadline = time.monotonic() + 30
                while not writes.pids() and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.5)  # spawned, still importing or reading: mid-batch
                for pid in writes.pids():
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

            killer = threading.Thread(target=kill_when_started)
            killer.start()
            (first,) = asyncio.run(upload_all(app, [report(1)]))
            killer.join(35)
            assert killed and killed[0] != os.getpid()
            assert first.status_code == 500 and store.count_articles() == 0

            answers = asyncio.run(upload_all(app, [report(k) for k in (2, 3, 4)]))
            assert [r.status_code for r in answers] == [201] * 3
            assert store.count_articles() == 3  # the server's own connection sees the commit
            (child,) = writes.pids()
            # the writer yields the CPU to the readers
            assert os.getpriority(os.PRIO_PROCESS, child) >= os.getpriority(os.PRIO_PROCESS, 0) + 1
            os.kill(child, signal.SIGKILL)  # between batches
            deadline = time.monotonic() + 10
            while writes._child is not None and not writes._child._broken:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            (after,) = asyncio.run(upload_all(app, [report(5)]))
            assert after.status_code == 201 and store.count_articles() == 4
            assert writes.pids() and writes.pids()[0] != child
        finally:
            writes.close()
