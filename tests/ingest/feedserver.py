"""A fixture web server on 127.0.0.1 for the feed, sitemap and fetch tests.

Routes map a path to a :class:`Route`: a body with a content type (served with an ETag and a
Last-Modified, answering 304 to a matching conditional request), a status, a redirect, a
body that never comes (``hang``: waits on an event that the server sets when it stops) or a
large body streamed without a length. Every request is logged.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Wed, 13 Sep 2023 08:30:00 GMT"


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None
    hang: bool = False
    stream_bytes: int = 0
    validators: bool = True
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    path: str
    conditional: bool
    user_agent: str


class FeedServer:
    """``with FeedServer() as server: server.routes["/feed.xml"] = Route(...)``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.inflight = self.max_inflight = 0
        self.httpd = _Quiet(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def count(self, path: str | None = None, conditional: bool | None = None) -> int:
        with self.lock:
            return sum(
                1
                for h in self.hits
                if (path is None or h.path == path)
                and (conditional is None or h.conditional == conditional)
            )


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up at its size limit or timeout is expected here


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            conditional = bool(
                self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")
            )
            with server.lock:
                server.hits.append(Hit(self.path, conditional, self.headers.get("User-Agent", "")))
                server.inflight += 1
                server.max_inflight = max(server.max_inflight, server.inflight)
            try:
                self._route(conditional)
            finally:
                with server.lock:
                    server.inflight -= 1

        def _route(self, conditional: bool) -> None:
            route = server.routes.get(self.path)
            if route is None:
                self._send(404, b"not found", "text/plain")
            elif route.hang:
                server.stopping.wait(timeout=30)
                self._send(200, b"too late", "text/plain")
            elif route.location:
                self.send_response(route.status or 302)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif route.stream_bytes:
                self._stream(route)
            else:
                self._serve(route)

        def _serve(self, route: Route) -> None:
            etag = etag_of(route.body)
            if route.validators and route.status == 200:
                tag = self.headers.get("If-None-Match")  # wins over the date (RFC 9110)
                since = self.headers.get("If-Modified-Since") == LAST_MODIFIED
                if (tag == etag) if tag else since:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            extra = {"ETag": etag, "Last-Modified": LAST_MODIFIED} if route.validators else {}
            self._send(route.status, route.body, route.content_type, {**extra, **route.headers})

        def _stream(self, route: Route) -> None:
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Connection", "close")
            self.end_headers()
            block = b"<p>" + b"x" * 65_530 + b"</p>\n"
            sent = 0
            try:
                while sent < route.stream_bytes and not server.stopping.is_set():
                    self.wfile.write(block)
                    sent += len(block)
            except OSError:  # the client hung up at its size limit
                pass
            self.close_connection = True

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
