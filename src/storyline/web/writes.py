"""Uploads stored together: a group commit for the web app's writes.

Each upload is read and cleaned on its own (in a worker thread), then queued. One upload at
a time stores: it takes every upload queued so far and stores them in one
``pipeline.store_items`` call (one regrouping, one reuse update), then answers each with its
own ids and failures. An ingest costs about the same for one article as for fifty, so under
many concurrent uploads this multiplies the write throughput. All write work runs in one
thread of its own, so uploads neither wait behind reads in the shared worker pool nor take
its threads from them.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from storyline.model import Article, Failure
from storyline.store.base import Store
from storyline.web import views

Files = Sequence[tuple[str, bytes]]


@dataclass
class _Queue:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: list[tuple[list[Article | Failure], asyncio.Future[Any]]] = field(default_factory=list)


class WriteBatcher:
    """Stores the uploads of one app; ``submit`` answers like ``views.ingest_view``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._queues: weakref.WeakKeyDictionary[Any, _Queue] = weakref.WeakKeyDictionary()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-writes")

    async def _run(self, call: Any, *args: Any, **kw: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, partial(call, *args, **kw))

    async def submit(self, files: Files, *, source: str | None, format: str) -> dict[str, Any]:
        items = await self._run(views.read_uploads, files, source=source, format=format)
        queue = self._queues.setdefault(asyncio.get_running_loop(), _Queue())
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        queue.pending.append((items, done))
        async with queue.lock:
            if not done.done():  # nobody stored it while this one waited: store the queue
                batch, queue.pending = queue.pending, []
                # shielded: a request abandoned at its time limit still answers the others
                await asyncio.shield(asyncio.ensure_future(self._store(batch)))
        report = await done
        return await self._run(views.ingest_result, self.store, files, items, report)

    async def _store(
        self, batch: list[tuple[list[Article | Failure], asyncio.Future[Any]]]
    ) -> None:
        from storyline.pipeline import store_items

        every = [x for items, _ in batch for x in items]
        try:
            report = await self._run(store_items, self.store, every)
        except Exception as exc:  # every upload of the batch gets the error
            for _, done in batch:
                done.set_exception(exc)
            return
        for _, done in batch:
            done.set_result(report)
