"""Finished answers of read requests, kept per store version (an ASGI middleware).

A page or API answer is a function of its URL and of the stored data only (no cookies, no
per-request nonce: see the templates), so the bytes of a ``200`` answer to a ``GET`` are
kept under ``(path, query)`` for as long as the store's :meth:`data_version` stays what it
was *before* the answer was computed; any commit (an upload, an ingest in another process,
a correction) changes the version and empties the cache, so no answer is older than the
data. Under load this turns the same story page asked for by many clients into one
rendering per version: requests for a page that is being rendered for the current version
wait for that rendering instead of starting their own, and renderings of different pages
take turns, at most :data:`RENDERS` at once, in the order they came: after a commit every
page is rendered anew, and a burst of renderings run together on one interpreter lock
would all finish late (a hundred clients freed at once by their upload batch); in turn,
most finish early. A slow rendering (a large search) holds one turn. Writes, uploads,
static files and the health check are never kept; a store without ``data_version`` (the
memory store) is served uncached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.store.memo import MISSING, VersionCache

#: Answers kept for one version (a story page is about 20-200 KB).
SIZE = 512
#: Paths whose answers are never kept.
UNCACHED = ("/static/", "/api/health", "/ingest")
#: Renderings (answers not kept yet) that run at once; the others wait their turn in order.
RENDERS = 2


class PageCache:
    """ASGI middleware keeping ``GET`` answers per store version (see the module doc)."""

    def __init__(self, app: ASGIApp, *, version: Callable[[], Hashable] | None,
                 size: int = SIZE, inline: bool = False) -> None:  # fmt: skip
        """``inline``: ``version`` never waits (the SQLite store over a file asks a
        connection of its own), so a lookup runs on the event loop, not in a worker thread."""
        self.app = app
        self.cache = VersionCache(version, size) if version is not None else None
        self.inline = inline
        #: Renderings share one interpreter lock: run together, a burst of them (every
        #: page after a commit) all finish late; taken in turn, most finish early.
        self.renders = asyncio.Semaphore(RENDERS)
        #: Answers being computed, per (version, key): requests for the same page at the
        #: same version wait for the first one's answer instead of computing it again.
        self.flights: dict[tuple[Hashable, Hashable], asyncio.Future[Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cache = self.cache
        if (cache is None or scope["type"] != "http" or scope["method"] != "GET"
                or scope["path"].startswith(UNCACHED)):  # fmt: skip
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""))
        # a version query that may wait for the store's lock never runs on the event loop
        version, kept = (cache.lookup(key) if self.inline
                         else await run_in_threadpool(cache.lookup, key))  # fmt: skip
        if kept is MISSING and (version, key) in self.flights:  # being computed: wait for it
            kept = await asyncio.shield(self.flights[(version, key)])
        if kept is not MISSING:
            start, body = kept
            await send({**start, "headers": list(start["headers"])})
            await send({"type": "http.response.body", "body": body})
            return
        flight = self.flights[(version, key)] = asyncio.get_running_loop().create_future()
        start_of: list[Message] = []
        parts: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start_of.append({**message, "headers": list(message.get("headers", []))})
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if not message.get("more_body") and start_of and start_of[0]["status"] == 200:
                    answer = (start_of[0], b"".join(parts))
                    cache.keep(version, key, answer)
                    if not flight.done():
                        flight.set_result(answer)
            await send(message)

        try:
            async with self.renders:
                await self.app(scope, receive, keep)
        finally:  # not a 200, an error, a cut request: the waiting ones compute their own
            if self.flights.get((version, key)) is flight:
                del self.flights[(version, key)]
            if not flight.done():
                flight.set_result(MISSING)
