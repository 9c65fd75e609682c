"""Who may do what: the Host check, read-only serving, write tokens, CSRF and rate/time limits.

:class:`Access` holds the policy; :func:`create_app` applies it in two places:

- :class:`AccessGuard`, an ASGI middleware in front of every request (static files and 404s
  included): a ``Host`` header that names none of ``allowed_hosts`` gets 400 (DNS
  rebinding), a client over its request rate gets 429, and a request still running after
  ``timeout`` seconds gets 503, unless its write is being stored (see :data:`STORING`): a
  503 always means that nothing of the request was stored.
- :func:`check_write`, a dependency of every route: a request with an unsafe method (POST,
  PUT, PATCH, DELETE) is a *write* unless its endpoint is marked :func:`read_only` (a
  computation that stores nothing). A write needs ``allow_writes``, a cross-site check
  (``Origin``/``Referer``/``Sec-Fetch-Site`` must name this server) and the ``token``
  (``Authorization: Bearer TOKEN``, ``X-Storyline-Token: TOKEN``, or a ``token`` form
  field from the ingest page). A read-only POST still gets the cross-site check.

See docs/web.md ("Exposing the server").
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.errors import StorylineError

#: The names of this machine that no DNS rebinding can fake.
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")
#: Environment variable read by ``storyline serve`` when ``--token`` is not given.
TOKEN_ENV = "STORYLINE_TOKEN"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Scope key a write route sets once its upload is being stored: the time limit then waits
#: for the answer instead of abandoning a request whose articles will be stored anyway.
STORING = "storyline.storing"
#: Attribute set by :func:`read_only` on an endpoint.
ACCESS_ATTR = "__storyline_access__"
F = TypeVar("F", bound=Callable[..., Any])


class Denied(StorylineError):
    """A request the access policy refuses; ``status`` is its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Access:
    """The access policy of one app.

    ``allowed_hosts``: names the ``Host`` header may give (``"*"`` allows any). ``allow_writes``:
    whether writes are served at all; they then need ``token``. ``rate``: requests per second
    per client address, with bursts up to ``burst`` (0 turns the limit off). ``timeout``:
    seconds a request may run before it is answered 503 (0: no limit).
    """

    allowed_hosts: tuple[str, ...] = LOOPBACK
    allow_writes: bool = False
    token: str | None = None
    rate: float = 50.0
    burst: int = 200
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.allow_writes and not self.token:
            raise ValueError("writes need a token: pass token=... (storyline serve --token)")
        if self.rate < 0 or self.burst < 1 or self.timeout < 0:
            raise ValueError("rate and timeout must be >= 0 and burst >= 1")


def read_only(endpoint: F) -> F:
    """Mark an endpoint with an unsafe method (a POST computation) as storing nothing: it is
    served by a read-only server and needs no token (it still gets the cross-site check)."""
    setattr(endpoint, ACCESS_ATTR, "read")
    return endpoint


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def bind_refusal(host: str, token: str | None) -> str | None:
    """Why ``serve`` must not bind to ``host`` with ``token`` (None: it may)."""
    if is_loopback(host) or token:
        return None
    return (f"refusing to serve on {host} without a token: anyone on the network could reach "
            f"the database; pass --token (or set {TOKEN_ENV}) or bind to 127.0.0.1")  # fmt: skip


def serve_hosts(bound: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The allowed ``Host`` names of a server bound to ``bound``: loopback, the bound address
    itself unless it is a wildcard (0.0.0.0, ::), and ``extra`` (``--allowed-host``)."""
    hosts = list(LOOPBACK)
    name = bound.lower()
    if name not in ("0.0.0.0", "::", "[::]", ""):
        hosts.append(f"[{name}]" if ":" in name and not name.startswith("[") else name)
    hosts.extend(h.strip().lower() for h in extra if h.strip())
    return tuple(dict.fromkeys(hosts))


def host_name(header: str) -> str:
    """The host of a ``Host`` header without its port, lower case ("[::1]:80" -> "[::1]")."""
    value = header.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[: end + 1] if end > 0 else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class RateLimiter:
    """A token bucket per client: ``rate`` per second, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: int, clients: int = 10_000) -> None:
        self.rate, self.burst, self.clients = rate, burst, clients
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if len(self._buckets) >= self.clients and client not in self._buckets:
                self._buckets.clear()  # bounded memory; forgetting favours the clients
            self._buckets[client] = (tokens - 1 if tokens >= 1 else tokens, now)
            return tokens >= 1


class Watched:
    """An ASGI ``send`` that remembers whether the response has started (after which an
    error can no longer be answered with an error page)."""

    def __init__(self, send: Send) -> None:
        self.send, self.started = send, False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self.send(message)


class AccessGuard:
    """ASGI middleware: the Host check, the rate limit and the time limit of ``access``."""

    def __init__(self, app: ASGIApp, *, access: Access, reject: Callable[..., Response]) -> None:
        self.app, self.access, self.reject = app, access, reject
        self.hosts = frozenset(h.lower() for h in access.allowed_hosts)
        self.limiter = RateLimiter(access.rate, access.burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        denied = self._check(scope)
        if denied is not None:
            await self.reject(scope["path"], denied.status, str(denied))(scope, receive, send)
            return
        await self._timed(scope, receive, send)

    def _check(self, scope: Scope) -> Denied | None:
        host = host_name(Headers(scope=scope).get("host", ""))
        if "*" not in self.hosts and host not in self.hosts:
            return Denied(400, f"host {host[:100]!r} is not served here; start the server "
                          "with --allowed-host NAME to allow it")  # fmt: skip
        client = (scope.get("client") or ("?", 0))[0]
        if not self.limiter.allow(str(client)):
            return Denied(429, f"too many requests; the limit is {self.access.rate:g} per "
                          "second per client (storyline serve --rate)")  # fmt: skip
        return None

    async def _timed(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.access.timeout:
            await self.app(scope, receive, send)
            return
        watch = Watched(send)
        task = asyncio.ensure_future(self.app(scope, receive, watch))
        done, _ = await asyncio.wait({task}, timeout=self.access.timeout)
        if task in done or scope.get(STORING):  # finished, or a write being stored: answer it
            await task
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if watch.started:
            raise TimeoutError(f"{scope['path']}: answer cut at the time limit")
        message = (f"the request took longer than {self.access.timeout:g} s and was "
                   "abandoned, nothing of it stored; ask for less (a smaller page or "
                   "upload) or try again later")  # fmt: skip
        await self.reject(scope["path"], 503, message)(scope, receive, send)


async def check_write(request: Request) -> None:
    """Dependency of every route: refuse a write the app's :class:`Access` does not allow."""
    if request.method in SAFE_METHODS:
        return
    check_origin(request)
    if getattr(request.scope.get("endpoint"), ACCESS_ATTR, None) == "read":
        return
    access: Access = request.app.state.access
    if not access.allow_writes:
        raise Denied(403, "this server is read-only; start it with --allow-writes and a "
                     "--token to accept uploads")  # fmt: skip
    if not _token_ok(await _given_token(request), access.token):
        raise Denied(401, "a write needs the server's token: send 'Authorization: Bearer "
                     "TOKEN' (or the token field of the ingest form)")  # fmt: skip


def check_origin(request: Request) -> None:
    """Refuse a cross-site request: ``Sec-Fetch-Site: cross-site``, or an ``Origin`` (else a
    ``Referer``) that names another host than the request's own ``Host``."""
    headers = request.headers
    if headers.get("sec-fetch-site", "") == "cross-site":
        raise Denied(403, "cross-site request refused (Sec-Fetch-Site: cross-site)")
    origin = headers.get("origin") or headers.get("referer")
    if origin is None:
        return
    parts = urlsplit(origin) if origin != "null" else None
    if parts is None or parts.netloc.lower() != headers.get("host", "").lower():
        raise Denied(403, f"cross-site request refused: origin {origin[:100]!r} is not "
                     "this server")  # fmt: skip


async def _given_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    if "x-storyline-token" in request.headers:
        return request.headers["x-storyline-token"]
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        value = (await request.form(max_files=1000)).get("token")
        return value if isinstance(value, str) else None
    return None


def _token_ok(given: str | None, token: str | None) -> bool:
    if not given or not token:
        return False
    return hmac.compare_digest(given.encode(), token.encode())


class RefusedToServe(StorylineError):
    """``serve`` settings that would expose the database; the message says what to change."""


def serve_access(
    host: str,
    *,
    token: str | None = None,
    allow_writes: bool = False,
    allowed_hosts: Iterable[str] = (),
    rate: float = 50.0,
    timeout: float = 60.0,
) -> Access:
    """The :class:`Access` of ``storyline serve`` bound to ``host``: RefusedToServe for a
    non-loopback address without a token; with ``allow_writes`` and no token, a random one
    (``Access.token``; the caller shows it)."""
    reason = bind_refusal(host, token)
    if reason:
        raise RefusedToServe(reason)
    if allow_writes and not token:
        import secrets

        token = secrets.token_urlsafe(24)
    return Access(allowed_hosts=serve_hosts(host, allowed_hosts), allow_writes=allow_writes,
                  token=token or None, rate=rate, timeout=timeout)  # fmt: skip
