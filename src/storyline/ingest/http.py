"""Polite HTTP fetching for feeds, sitemaps and article pages (httpx).

One :class:`Fetcher` per run: a descriptive User-Agent, a timeout and a size limit per
response, conditional GET (ETag, Last-Modified), at most one request per host at a time with a
polite delay between them, exponential backoff on errors, and no fetch of non-http(s) URLs or of
private, loopback and link-local addresses unless ``allow_private`` is set. Every problem is a
:class:`FetchError` naming the URL. See docs/ingest.md.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from storyline.errors import InputError

__all__ = ["FetchConfig", "FetchError", "Fetcher", "Response", "fetch_all", "is_url"]

USER_AGENT = "storyline/0.1 (news report comparison; feed and page reader; polite: 1 request per host at a time)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY = frozenset({429, 500, 502, 503, 504})


def is_url(text: str) -> bool:
    """Whether ``text`` looks like a URL (``scheme://...``) rather than a file path."""
    head, sep, _ = text.partition("://")
    return bool(sep) and head.isalpha() and len(head) > 1


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Settings of a :class:`Fetcher`; times in seconds, sizes in bytes."""

    user_agent: str = USER_AGENT
    timeout: float = 20.0
    max_bytes: int = 20_000_000
    delay: float = 1.0
    retries: int = 2
    backoff: float = 1.0
    max_redirects: int = 5
    allow_private: bool = False


@dataclass(frozen=True, slots=True)
class Response:
    """One fetched URL: status 200 with the body, or 304 (not modified, empty body)."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(InputError):
    """A URL that could not be fetched; ``retry`` says whether trying again may help."""

    def __init__(self, url: str, reason: str, *, retry: bool = False) -> None:
        super().__init__(url, reason)
        self.retry = retry


@dataclass(slots=True)
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = float("-inf")


class Fetcher:
    """Fetches URLs politely; thread-safe; use as a context manager (or call :meth:`close`).

    ``sleep`` and ``clock`` are injectable so tests check delays without waiting.
    """

    def __init__(
        self,
        config: FetchConfig | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import httpx

        self.config = config or FetchConfig()
        self.requests = 0
        self._sleep, self._clock = sleep, clock
        self._hosts: dict[str, _Host] = {}
        self._guard = threading.Lock()
        self._client = httpx.Client(
            headers={"User-Agent": self.config.user_agent},
            timeout=httpx.Timeout(self.config.timeout),
            follow_redirects=False,
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        """Fetch ``url`` (following redirects, each hop checked); 304 when the validators match.

        Retries connection errors, timeouts, 429 and 5xx with exponential backoff
        (``backoff``, ``2 * backoff``, ...); raises FetchError when it gives up.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                return self._follow(url, headers)
            except FetchError as exc:
                if not exc.retry or attempt >= self.config.retries:
                    raise
                self._sleep(self.config.backoff * 2**attempt)
                attempt += 1

    def _follow(self, url: str, headers: dict[str, str]) -> Response:
        seen = [url]
        for _ in range(self.config.max_redirects + 1):
            self._check(url)
            found = self._polite(url, headers)
            if isinstance(found, Response):
                return found
            url = urljoin(url, found)
            if url in seen:
                raise FetchError(seen[0], f"redirect loop ({' -> '.join([*seen, url])})")
            seen.append(url)
        raise FetchError(seen[0], f"too many redirects (more than {self.config.max_redirects})")

    def _check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(url, "not an http(s) URL; only http:// and https:// are fetched")
        if not parts.hostname:
            raise FetchError(url, "no host name in the URL")
        if not self.config.allow_private:
            _refuse_private(url, parts.hostname, parts.port)

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        with self._guard:
            return self._hosts.setdefault(key, _Host())

    def _polite(self, url: str, headers: dict[str, str]) -> Response | str:
        """One request, alone on its host and at least ``delay`` after the previous one."""
        host = self._host(url)
        with host.lock:
            wait = host.last + self.config.delay - self._clock()
            if wait > 0:
                self._sleep(wait)
            try:
                return self._request(url, headers)
            finally:
                host.last = self._clock()

    def _request(self, url: str, headers: dict[str, str]) -> Response | str:
        import httpx

        self.requests += 1
        deadline = self._clock() + self.config.timeout
        try:
            with self._client.stream("GET", url, headers=headers) as reply:
                return self._reply(url, reply, deadline)
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out after {self.config.timeout:g} s", retry=True) from exc
        except httpx.TransportError as exc:
            raise FetchError(
                url, f"cannot connect: {exc or type(exc).__name__}", retry=True
            ) from exc

    def _reply(self, url: str, reply: Any, deadline: float) -> Response | str:
        status = reply.status_code
        if status in _REDIRECTS and reply.headers.get("location"):
            return str(reply.headers["location"])
        if status == 304:
            return _response(url, reply, b"")
        if status != 200:
            raise FetchError(url, _status_reason(status), retry=status in _RETRY)
        return _response(url, reply, self._body(url, reply, deadline))

    def _body(self, url: str, reply: Any, deadline: float) -> bytes:
        limit = self.config.max_bytes
        declared = reply.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, _too_large(int(declared), limit))
        chunks, size = [], 0
        for chunk in reply.iter_bytes():
            size += len(chunk)
            if size > limit:  # the limit passed, not the bytes read: those depend on chunking
                raise FetchError(url, _too_large(limit, limit, at_least=True))
            if self._clock() > deadline:
                raise FetchError(url, f"timed out after {self.config.timeout:g} s", retry=True)
            chunks.append(chunk)
        return b"".join(chunks)


def content_type(header: str) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` from ``text/html; charset="UTF-8"``."""
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip("\"' "):
            charset = value.strip("\"' ").lower()
    return media.strip().lower(), charset


def _response(url: str, reply: Any, body: bytes) -> Response:
    media, charset = content_type(reply.headers.get("content-type", ""))
    return Response(
        url=url,
        status=reply.status_code,
        body=body,
        content_type=media,
        charset=charset,
        etag=reply.headers.get("etag"),
        last_modified=reply.headers.get("last-modified"),
    )


def _status_reason(status: int) -> str:
    hint = "a server error" if status >= 500 else "check the URL"
    return f"HTTP status {status} ({hint})"


def _too_large(size: int, limit: int, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return f"response too large: {more}{_size(size)} > {_size(limit)} limit"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def _refuse_private(url: str, host: str, port: int | None) -> None:
    try:
        infos = socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve host {host!r}: {exc}", retry=True) from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise FetchError(
                url,
                f"refused: {host} is a private, loopback or reserved address ({address}); "
                "pass --allow-private to fetch it",
            )


def fetch_all(
    fetcher: Fetcher, urls: Iterable[str], *, workers: int = 8
) -> Iterator[tuple[str, Response | FetchError]]:
    """``(url, Response or FetchError)`` for each URL, in the given order.

    Hosts are fetched side by side (up to ``workers``), each host's URLs one after another.
    """
    ordered = list(urls)
    by_host: dict[str, list[str]] = {}
    for url in dict.fromkeys(ordered):
        by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)
    results: dict[str, Response | FetchError] = {}

    def run(batch: list[str]) -> None:
        for url in batch:
            try:
                results[url] = fetcher.get(url)
            except FetchError as exc:
                results[url] = exc

    if by_host:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(by_host)))) as pool:
            list(pool.map(run, by_host.values()))
    for url in ordered:
        yield url, results[url]
