"""Uploads stored together: a group commit for the web app's writes.

Each upload is read and cleaned on its own (in a worker thread), then queued. One upload at
a time stores: it takes every upload queued so far and stores them in one
``pipeline.store_items`` call (one regrouping, one reuse update), then answers each with its
own ids and failures. An ingest costs about the same for one article as for fifty, so under
many concurrent uploads this multiplies the write throughput. All write work runs in one
thread of its own, so uploads neither wait behind reads in the shared worker pool nor take
its threads from them.

An upload abandoned (its request cut at the time limit) before its batch was taken is
dropped from the queue, so it is never stored after its client was told otherwise; once
taken, ``on_storing`` tells the request, which is then answered whatever the time (see
``access.STORING``).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from storyline.model import Article, Failure
from storyline.store.base import Store
from storyline.web import views

Files = Sequence[tuple[str, bytes]]


@dataclass
class _Upload:
    items: list[Article | Failure]
    done: asyncio.Future[Any]
    on_storing: Callable[[], None] | None = None


@dataclass
class _Queue:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: list[_Upload] = field(default_factory=list)


class WriteBatcher:
    """Stores the uploads of one app; ``submit`` answers like ``views.ingest_view``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._queues: weakref.WeakKeyDictionary[Any, _Queue] = weakref.WeakKeyDictionary()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-writes")

    async def _run(self, call: Any, *args: Any, **kw: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, partial(call, *args, **kw))

    async def submit(
        self,
        files: Files,
        *,
        source: str | None,
        format: str,
        on_storing: Callable[[], None] | None = None,
    ) -> dict[str, Any]:
        items = await self._run(views.read_uploads, files, source=source, format=format)
        queue = self._queues.setdefault(asyncio.get_running_loop(), _Queue())
        upload = _Upload(items, asyncio.get_running_loop().create_future(), on_storing)
        queue.pending.append(upload)
        try:
            async with queue.lock:
                if not upload.done.done():  # nobody stored it while this one waited
                    batch, queue.pending = queue.pending, []
                    for taken in batch:
                        if taken.on_storing is not None:
                            taken.on_storing()
                    # shielded: a request abandoned at its time limit still answers the others
                    await asyncio.shield(asyncio.ensure_future(self._store(batch)))
            report = await asyncio.shield(upload.done)
        except asyncio.CancelledError:
            if upload in queue.pending:  # abandoned before its batch was taken: never stored
                queue.pending.remove(upload)
            raise
        return await self._run(views.ingest_result, self.store, files, items, report)

    async def _store(self, batch: list[_Upload]) -> None:
        from storyline.pipeline import store_items

        every = [x for upload in batch for x in upload.items]
        try:
            report = await self._run(store_items, self.store, every)
        except Exception as exc:  # every upload of the batch gets the error
            for upload in batch:
                if not upload.done.done():
                    upload.done.set_exception(exc)
            return
        for upload in batch:
            if not upload.done.done():
                upload.done.set_result(report)
