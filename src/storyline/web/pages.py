"""Finished answers of read requests, kept per store version (an ASGI middleware).

A page or API answer is a function of its URL and of the stored data only (no cookies, no
per-request nonce: see the templates), so the bytes of a ``200`` answer to a ``GET`` are
kept under ``(path, query)`` for as long as the store's :meth:`data_version` stays what it
was *before* the answer was computed; any commit (an upload, an ingest in another process,
a correction) changes the version and empties the cache, so no answer is older than the
data. Under load this turns the same story page asked for by many clients into one
rendering per version. Writes, uploads, static files and the health check are never kept;
a store without ``data_version`` (the memory store) is served uncached.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.store.memo import MISSING, VersionCache

#: Answers kept for one version (a story page is about 20-200 KB).
SIZE = 512
#: Paths whose answers are never kept.
UNCACHED = ("/static/", "/api/health", "/ingest")


class PageCache:
    """ASGI middleware keeping ``GET`` answers per store version (see the module doc)."""

    def __init__(self, app: ASGIApp, *, version: Callable[[], Hashable] | None,
                 size: int = SIZE) -> None:  # fmt: skip
        self.app = app
        self.cache = VersionCache(version, size) if version is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cache = self.cache
        if (cache is None or scope["type"] != "http" or scope["method"] != "GET"
                or scope["path"].startswith(UNCACHED)):  # fmt: skip
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""))
        # the version query may wait for the store's lock: never on the event loop
        version, kept = await run_in_threadpool(cache.lookup, key)
        if kept is not MISSING:
            start, body = kept
            await send({**start, "headers": list(start["headers"])})
            await send({"type": "http.response.body", "body": body})
            return
        start_of: list[Message] = []
        parts: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start_of.append({**message, "headers": list(message.get("headers", []))})
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if not message.get("more_body") and start_of and start_of[0]["status"] == 200:
                    cache.keep(version, key, (start_of[0], b"".join(parts)))
            await send(message)

        await self.app(scope, receive, keep)
