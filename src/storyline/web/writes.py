"""Uploads stored together: a group commit for the web app's writes.

Each upload is queued as it came (its files). One upload at a time stores: it takes every
upload queued so far and has the writer read and clean each of them and store them all in
one ``pipeline.store_items`` call (one regrouping, one reuse update), then answers each with
its own ids and failures (an upload that cannot be read gets its own error; the others of
the batch are stored). An ingest costs about the same for one article as for fifty, so under
many concurrent uploads this multiplies the write throughput. All write work runs in one
thread of its own, so uploads neither wait behind reads in the shared worker pool nor take
its threads from them.

An upload abandoned (its request cut at the time limit) before its batch was taken is
dropped from the queue, so it is never stored after its client was told otherwise; once
taken, ``on_storing`` tells the request, which is then answered whatever the time (see
``access.STORING``).

Over a database file, the write work (reading, cleaning, storing) runs in one child process
of its own (started with ``spawn``; it opens the same database and keeps its models loaded),
so a long batch holds neither this process's interpreter lock nor its reads back (it runs
at a lower priority, ``CHILD_NICE``, with one BLAS thread); the readers see each batch when
it commits (``store.data_version``). A child that dies (killed,
out of memory) fails its batch, which committed nothing; the next upload starts a new one.
An in-memory store is written in the thread.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from storyline.model import Article, Failure
from storyline.store.base import Store
from storyline.web import views

if TYPE_CHECKING:
    from storyline.pipeline import IngestReport

Files = Sequence[tuple[str, bytes]]


@dataclass
class _Upload:
    files: Files
    source: str | None
    format: str
    done: asyncio.Future[Any]  # (items read, IngestReport of its batch)
    on_storing: Callable[[], None] | None = None


@dataclass
class _Queue:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: list[_Upload] = field(default_factory=list)


class WriteBatcher:
    """Stores the uploads of one app; ``submit`` answers like ``views.ingest_view``.

    ``processes``: write in a child process (default: when the store is a database file)."""

    def __init__(self, store: Store, *, processes: bool | None = None) -> None:
        self.store = store
        self._queues: weakref.WeakKeyDictionary[Any, _Queue] = weakref.WeakKeyDictionary()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-writes")
        path = getattr(store, "path", None)
        self._path = str(path) if path and str(path) != ":memory:" else None
        self._processes = self._path is not None if processes is None else processes
        self._child: ProcessPoolExecutor | None = None

    def _writer(self) -> Executor:
        if not self._processes:
            return self._thread
        if self._child is None:
            self._child = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=partial(_open_child_store, str(self._path),
                                    getattr(self.store, "lock_timeout", None)),
            )  # fmt: skip
        return self._child

    def pids(self) -> list[int]:
        """The write child's process id, when one runs (for tests and benchmarks)."""
        return list(getattr(self._child, "_processes", None) or {})

    def close(self) -> None:
        if self._child is not None:
            self._child.shutdown(wait=True, cancel_futures=True)
            self._child = None
        self._thread.shutdown(wait=False)

    async def _run(self, call: Any, *args: Any, **kw: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, partial(call, *args, **kw))

    async def _write(self, call: Any, *args: Any, **kw: Any) -> Any:
        """``call`` where writes run: the child process (a dead child fails this call and is
        replaced for the next) or the write thread."""
        executor = self._writer()
        child = self._child if self._processes else None
        # the write thread uses this app's store; the child its own connection (None here)
        job = partial(_in_writer, None if child else self.store, call, *args, **kw)
        try:
            try:
                future = executor.submit(job)
            except BrokenProcessPool:  # the child died between calls: nothing was running
                self._replace(child)
                executor = self._writer()
                child = self._child
                future = executor.submit(job)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._replace(child)
            raise RuntimeError("the write process died; nothing of this batch was stored") from None

    def _replace(self, child: ProcessPoolExecutor | None) -> None:
        """Forget a dead write process: the next write starts a new one."""
        if child is not None and child is self._child:
            self._child = None
            child.shutdown(wait=False, cancel_futures=True)

    async def submit(
        self,
        files: Files,
        *,
        source: str | None,
        format: str,
        on_storing: Callable[[], None] | None = None,
    ) -> dict[str, Any]:
        queue = self._queues.setdefault(asyncio.get_running_loop(), _Queue())
        upload = _Upload(files, source, format, asyncio.get_running_loop().create_future(),
                         on_storing)  # fmt: skip
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
            items, report = await asyncio.shield(upload.done)
        except asyncio.CancelledError:
            if upload in queue.pending:  # abandoned before its batch was taken: never stored
                queue.pending.remove(upload)
            raise
        return await self._run(views.ingest_result, self.store, files, items, report)

    async def _store(self, batch: list[_Upload]) -> None:
        uploads = [(u.files, u.source, u.format) for u in batch]
        try:
            read, report = await self._write(read_and_store, STORE, uploads)
        except Exception as exc:  # every upload of the batch gets the error
            for upload in batch:
                if not upload.done.done():
                    upload.done.set_exception(exc)
            return
        for upload, items in zip(batch, read, strict=True):
            if upload.done.done():
                continue
            if isinstance(items, Exception):
                upload.done.set_exception(items)
            else:
                upload.done.set_result((items, report))


def read_and_store(
    store: Store, uploads: Sequence[tuple[Files, str | None, str]]
) -> tuple[list[list[Article | Failure] | Exception], IngestReport]:
    """Read and clean each upload ``(files, source, format)``, then store what they hold in
    one ``pipeline.store_items`` call; per upload its items or the error that stopped it
    (a ``BadRequest``: no files, an unknown format), and the batch's report."""
    from storyline.pipeline import store_items

    read: list[list[Article | Failure] | Exception] = []
    for files, source, format in uploads:
        try:
            read.append(views.read_uploads(files, source=source, format=format))
        except views.BadRequest as exc:
            read.append(exc)
    every = [x for items in read if not isinstance(items, Exception) for x in items]
    return read, store_items(store, every)


#: Stands for "the store" in a write call: the app's store in the thread, the child's own
#: connection to the same database in the child process.
STORE = "storyline.web.writes:store"
#: The child process's own connection to the app's database (see :func:`_open_child_store`).
_CHILD_STORE: Store | None = None


#: Niceness of the write process: a batch runs on what CPU the reads leave it, so a long
#: regrouping does not hold readers back (on 2 cores it took the second one in bursts).
CHILD_NICE = 10


def _open_child_store(path: str, lock_timeout: float | None) -> None:
    """The write process's start: lower priority, one BLAS thread, its own store."""
    global _CHILD_STORE
    import os

    from storyline.store import open_store
    from storyline.stories.stream import _one_blas_thread

    os.nice(CHILD_NICE)
    _one_blas_thread()  # the limit applies when made and stays: the other cores serve reads
    _CHILD_STORE = open_store(path, lock_timeout=lock_timeout)


def _in_writer(store: Store | None, call: Any, *args: Any, **kw: Any) -> Any:
    """``call(*args)``, the :data:`STORE` argument replaced by ``store``, or in the child
    process (``store`` None) by the child's own store."""
    store = _CHILD_STORE if store is None else store
    args = tuple(store if isinstance(a, str) and a == STORE else a for a in args)
    return call(*args, **kw)
