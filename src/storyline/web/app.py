"""The web app: HTML pages and a JSON REST API built from the same views.

``create_app(store)`` returns a FastAPI app. Pages live at ``/``, ``/stories/{id}``,
``/articles/{id}``, ``/outlets`` and ``/ingest``; the API under ``/api/`` (OpenAPI at
``/api/openapi.json``, a reference page at ``/api/docs``). Every page is a Jinja2 template
with autoescaping on, served with a Content-Security-Policy that allows scripts from
``/static`` only. See docs/web.md and docs/api.md.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from starlette.datastructures import Headers, MutableHeaders, UploadFile
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.errors import NotFound
from storyline.store.base import Store
from storyline.web import views
from storyline.web.access import STORING, Access, AccessGuard, Denied, Watched, check_write
from storyline.web.judge import judge_routes
from storyline.web.pages import PageCache
from storyline.web.views import BadRequest, StoryQuery
from storyline.web.writes import WriteBatcher

HERE = Path(__file__).parent
LOG = logging.getLogger("storyline.web")
#: Longest table or list a page shows of one kind (the rest is in the JSON).
LIMIT_ROWS = 50
#: Longest list in one card of a page (one outlet's facts).
LIMIT_ITEMS = 12
#: What a client learns of an unhandled error; the details go to the server log only.
INTERNAL_ERROR = "internal error; the server log has the details"
#: Default limit on a request body (uploads), bytes.
MAX_UPLOAD = 10 * 1024 * 1024
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    "source": {"type": "string", "description": "outlet for every upload"},
                    "format": {"type": "string", "enum": ["auto", "text", "html", "jsonl", "csv"]},
                },
                "required": ["files"],
            }
        },
        "application/json": {
            "schema": {
                "description": 'An article object, a list of them, or {"articles": [...]}; '
                "fields as in JSONL input: text or html (required), source, title, url, "
                "published, author, language.",
                "type": "object",
            }
        },
    },
}


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
        }
    },
}


class BodyTooLarge(Exception):
    """The request body passed the app's upload limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the upload is larger than the limit of {limit:,} bytes; "
                         "send smaller files or fewer at once")  # fmt: skip


class Guard:
    """ASGI middleware: security headers on every response (error pages included), a request
    body size limit, and a generic 500 answer for an unhandled error (logged, never shown)."""

    def __init__(self, app: ASGIApp, *, max_body: int, reject: Callable[..., Response]) -> None:
        self.app, self.max_body, self.reject = app, max_body, reject

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(SECURITY_HEADERS)
            await send(message)

        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            response = self.reject(scope["path"], 413, str(BodyTooLarge(self.max_body)))
            await response(scope, receive, send_secured)
            return
        await self._guarded(scope, self._counting(receive), send_secured)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        watch = Watched(send)
        try:
            await self.app(scope, receive, watch)
        except BodyTooLarge as exc:  # raised while a body streamed in, outside any handler
            if watch.started:
                raise
            await self.reject(scope["path"], 413, str(exc))(scope, receive, send)
        except Exception:
            LOG.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if watch.started:
                raise
            await self.reject(scope["path"], 500, INTERNAL_ERROR)(scope, receive, send)

    def _counting(self, receive: Receive) -> Callable[[], Awaitable[Message]]:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise BodyTooLarge(self.max_body)
            return message

        return counted


def templates() -> Environment:
    """The Jinja2 environment: autoescaping always on, a few display filters."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    env.filters["when"] = lambda v: (v or "")[:16].replace("T", " ")
    env.filters["pct"] = lambda v: f"{100 * (v or 0):.0f}%"
    env.filters["kind_label"] = lambda k: (k or "").replace("_", "-")
    env.filters["page_query"] = page_query
    env.globals["link_query"] = link_query
    env.filters["next_day"] = next_day
    env.filters["path_quote"] = lambda v: quote(str(v), safe="")
    env.filters["web_url"] = web_url
    env.globals["limit_rows"], env.globals["limit_items"] = LIMIT_ROWS, LIMIT_ITEMS
    return env


def page_query(query: dict[str, Any], offset: int) -> str:
    """The stories list's query string for another page, unset fields left out."""
    return link_query(query, offset=offset)


def web_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) address (safe to link), else None."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    return url.strip() if url and parts.scheme in ("http", "https") and parts.netloc else None


def next_day(day: str) -> str:
    """The day after a ``YYYY-MM-DD`` day (a date facet's ``until``)."""
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


#: Stories list parameters left out of a link when they have these (default) values.
LINK_DEFAULTS = {"sort": "coverage", "singletons": False, "limit": 50}


def link_query(query: dict[str, Any], **changes: Any) -> str:
    """The stories list's query string with ``changes`` (None drops a field), unset and
    default fields and the offset (unless changed) left out."""
    from urllib.parse import urlencode

    merged = {k: v for k, v in query.items() if k != "offset"} | changes
    keep = {k: v for k, v in merged.items()
            if v not in (None, "") and LINK_DEFAULTS.get(k, object()) != v}  # fmt: skip
    return urlencode({k: str(v).lower() if isinstance(v, bool) else v for k, v in keep.items()})


def create_app(
    store: Store, *, max_upload: int = MAX_UPLOAD, access: Access | None = None
) -> FastAPI:
    """The storyline web app over ``store``; request bodies above ``max_upload`` bytes get 413.

    ``access`` (default: ``Access()``, read-only, loopback hosts only) decides who may do
    what; see :mod:`storyline.web.access`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.writes.close()  # the write process ends with the server

    app = FastAPI(title="storyline", version=_version(), openapi_url="/api/openapi.json",
                  docs_url=None, redoc_url=None, description=__doc__, lifespan=lifespan,
                  dependencies=[Depends(check_write)])  # fmt: skip
    env = templates()

    def page(name: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**data), status_code=status)

    def reject(path: str, status: int, message: str, **extra: Any) -> Response:
        if path.startswith("/api/"):
            return JSONResponse({"error": {"status": status, "message": message}, **extra}, status)
        return page("error.html", {"status": status, "message": message, **extra}, status)

    _handle_errors(app, reject)
    app.state.access = access or Access()
    app.add_middleware(PageCache, version=getattr(store, "data_version", None),
                       inline=getattr(store, "path", ":memory:") != ":memory:")  # fmt: skip
    app.add_middleware(AccessGuard, access=app.state.access, reject=reject)
    app.add_middleware(Guard, max_body=max_upload, reject=reject)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.store, app.state.page, app.state.env = store, page, env
    app.state.derived = views.Derived()
    app.state.writes = WriteBatcher(store)
    _api_routes(app, store)
    judge_routes(app)  # POST /api/judge: a computation, stores nothing (web/judge.py)
    _page_routes(app, store, page)
    _document_errors(app)
    return app


def _document_errors(app: FastAPI) -> None:
    """Describe the API's real error answers: 400 (not FastAPI's 422) with an error object."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        spec = original()
        for ops in spec.get("paths", {}).values():
            for op in ops.values():
                codes = op.get("responses", {})
                if codes.pop("422", None) is not None:
                    codes.setdefault("400", {"description": "bad parameter"})
                for code, answer in codes.items():
                    if code[0] in "45":
                        answer["content"] = {"application/json": {"schema": ERROR_SCHEMA}}
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storyline")
    except PackageNotFoundError:
        return "0"


def _handle_errors(app: FastAPI, reject: Callable[..., Response]) -> None:
    def on(exc_type: type[Exception], status: int) -> None:
        async def handler(request: Request, exc: Exception) -> Response:
            return reject(request.url.path, status, str(exc))

        app.add_exception_handler(exc_type, handler)

    on(NotFound, 404)
    on(BadRequest, 400)
    on(BodyTooLarge, 413)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return reject(request.url.path, 400, _validation_message(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return reject(request.url.path, exc.status_code, str(exc.detail))

    async def denied(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Denied)
        return reject(request.url.path, exc.status, str(exc))

    app.add_exception_handler(Denied, denied)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


PICK_HELP = ("articles to show side by side (repeat: a=ID&a=ID); default for stories of "
             "more than 4 articles: the two most different versions")  # fmt: skip
OUTLET_SORT = "^(name|articles|wire)$"
OUTLET_SORT_HELP = ("`name` (natural order: numbers inside names as numbers), `articles` "
                    "(most first) or `wire` (highest wire share first)")  # fmt: skip
SORT_PATTERN = "^(coverage|recent|size)$"
SORT_HELP = ("order: `coverage` (most outlets, then most languages, then newest), `recent` "
             "(newest first) or `size` (most articles, then newest)")  # fmt: skip


def story_query(
    q: str | None = Query(None, description="words that must all occur (FTS5); word* = prefix"),
    source: str | None = Query(None, description="only stories with an article from this outlet"),
    language: str | None = Query(None, description="only stories with an article in it"),
    since: str | None = Query(None, description="latest article on or after (YYYY-MM-DD)"),
    until: str | None = Query(None, description="latest article before (YYYY-MM-DD)"),
    limit: int = Query(50, ge=1, le=views.MAX_LIMIT, description="page size"),
    offset: int = Query(0, ge=0, le=views.MAX_OFFSET, description="stories to skip"),
    agency: str | None = Query(None, description="only stories with an article crediting it"),
    sort: str = Query("coverage", pattern=SORT_PATTERN, description=SORT_HELP),
    singletons: bool = Query(
        False, description="include one-article stories (hidden: counted in `hidden_singletons`)"
    ),
) -> StoryQuery:
    """The stories list's query parameters; empty strings (from the HTML form) mean unset."""
    return StoryQuery(q=q or None, source=source or None, language=language or None,
                      since=views.parse_day("since", since), until=views.parse_day("until", until),
                      limit=limit, offset=offset, agency=agency or None, sort=sort,
                      singletons=singletons)  # fmt: skip


async def read_upload(request: Request) -> tuple[list[tuple[str, bytes]], str | None, str]:
    """(files, source, format) from a multipart form or a JSON body; BadRequest otherwise."""
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        return [(views.BODY_NAME, views.body_items(await request.body()))], None, "jsonl"
    if not ctype.startswith("multipart/form-data"):
        raise BadRequest(f"unsupported content type {ctype!r}; send multipart/form-data "
                         "with 'files' or an application/json body")  # fmt: skip
    form = await request.form(max_files=1000)
    files = [(f.filename or f"upload-{k}", await f.read())
             for k, f in enumerate(form.getlist("files")) if isinstance(f, UploadFile)]  # fmt: skip
    source, fmt = form.get("source"), form.get("format")
    return files, (source if isinstance(source, str) and source else None), str(fmt or "auto")


async def ingest(store: Store, request: Request) -> tuple[dict[str, Any], int]:
    """Run one upload; 400 when nothing in it could be read (the result lists why)."""
    files, source, fmt = await read_upload(request)
    writes: WriteBatcher = request.app.state.writes  # concurrent uploads are stored together
    storing = partial(request.scope.__setitem__, STORING, True)  # no 503 once it is stored
    result = await writes.submit(files, source=source, format=fmt, on_storing=storing)
    if not result["ingested"] and not result["duplicates"]:
        reasons = "; ".join(f"{f['input']}: {f['reason']}" for f in result["failures"][:5])
        result["error"] = {"status": 400, "message": f"nothing could be read: {reasons}"}
        return result, 400
    return result, 201 if result["ingested"] else 200


def _api_routes(app: FastAPI, store: Store) -> None:
    api: dict[str, Any] = {"tags": ["api"], "response_class": JSONResponse}

    @app.get("/api/health", **api)
    def health() -> JSONResponse:
        """Liveness and counts of stored articles and stories."""
        return JSONResponse(views.health_view(store))

    @app.get("/api/stories", **api)
    def list_stories(query: Annotated[StoryQuery, Depends(story_query)]) -> JSONResponse:
        """Stories by coverage (unless `sort` says otherwise), one-article stories hidden
        unless `singletons=true`: `stories` (summaries as in `storyline stories --json`),
        `total`, `limit`, `offset`, `next`, `prev`, `total_exact`, `hidden_singletons` and
        `facets` (`language`, `source`, `agency`, `date`: `[{"value", "count"}]`, counts of
        stories over every page). With `q`: full-text search, its total counted up to 5,000
        (`total_exact: false` past that: "more than `total`")."""
        return JSONResponse(views.stories_view(store, query))

    @app.get("/api/stories/{story_id}", **api, responses={404: {"description": "unknown id"}})
    def get_story(
        story_id: str,
        a: Annotated[list[str], Query(description=PICK_HELP)] = [],  # noqa: B006
    ) -> JSONResponse:
        """One story as `storyline show --json`: comparison, `analysis` (entities, numbers,
        quotes, conflicts, chain of sources, facts, blindspots, timeline), `membership` (why
        each article is in it), `passages`, `attribution` and `dup_groups`; plus `sentences`
        per article, a publication `timeline` and `passage_groups` (passages by text); and
        what the story page draws: `coverage`, `timeline_chart`, `fact_matrix`, `picked`."""
        return JSONResponse(views.story_view(store, story_id, app.state.derived, a))

    @app.get("/api/events/{event_id}", **api, responses={404: {"description": "unknown id"}})
    def get_event(event_id: str) -> JSONResponse:
        """One event (the tight level inside a story): its articles compared, as a story,
        plus `event_of` (the story it lies in)."""
        return JSONResponse(views.event_view(store, event_id))

    @app.get("/api/articles", **api)
    def list_articles(limit: int = Query(50, ge=1, le=views.MAX_LIMIT),
                      offset: int = Query(0, ge=0, le=views.MAX_OFFSET)) -> JSONResponse:  # fmt: skip
        """Stored articles in ingest order, one page (without raw text)."""
        return JSONResponse(views.articles_view(store, limit=limit, offset=offset))

    @app.get("/api/articles/{article_id}", **api, responses={404: {"description": "unknown id"}})
    def get_article(article_id: str) -> JSONResponse:
        """One article as `storyline article --json`: `article` in full (raw and cleaned
        text, removed residue, credits), its shared `passages`, `dup_group` and
        `attribution`; plus `raw_lines` (each raw line with its removal reason) and the
        `stories` it is in."""
        return JSONResponse(views.article_view(store, article_id))

    @app.get("/api/outlets", **api)
    def list_outlets(limit: int = Query(50, ge=1, le=views.MAX_LIMIT),
                     offset: int = Query(0, ge=0, le=views.MAX_OFFSET),
                     sort: str = Query("name", pattern=OUTLET_SORT,
                                       description=OUTLET_SORT_HELP)) -> JSONResponse:  # fmt: skip
        """Per outlet (as `storyline outlets --json`): `articles`, `wire_share` and
        `by_agency` (share of its text from each agency); one page, by `sort`."""
        return JSONResponse(views.outlets_view(store, limit=limit, offset=offset, sort=sort))

    @app.get("/api/outlets/{source:path}", **api, responses={404: {"description": "unknown"}})
    def get_outlet(source: str, limit: int = Query(50, ge=1, le=views.MAX_LIMIT),
                   offset: int = Query(0, ge=0, le=views.MAX_OFFSET)) -> JSONResponse:  # fmt: skip
        """One outlet: `outlet` (as in the list), `over_time` (wire share by agency per day,
        week or month), one page of its `stories` by coverage, and `alone`: facts only it
        reports in its stories of several outlets (from the analyses stored at ingest)."""
        return JSONResponse(views.outlet_view(store, source, limit=limit, offset=offset))

    @app.post("/api/articles", **api, openapi_extra={"requestBody": UPLOAD_BODY},
              responses={201: {"description": "new articles stored"},
                         400: {"description": "nothing readable"},
                         413: {"description": "upload too large"}})  # fmt: skip
    async def post_articles(request: Request) -> JSONResponse:
        """Ingest articles: files (text, HTML, JSONL, CSV) as multipart `files`, or a JSON
        body. Returns `ingested` and `duplicates` ids, `failures` and per-file results;
        201 when something new was stored, 400 when nothing could be read."""
        result, status = await ingest(store, request)
        return JSONResponse(result, status)


def _page_routes(app: FastAPI, store: Store, page: Callable[..., HTMLResponse]) -> None:
    html: dict[str, Any] = {"include_in_schema": False, "response_class": HTMLResponse}

    @app.get("/", **html)
    def stories_page(query: Annotated[StoryQuery, Depends(story_query)]) -> HTMLResponse:
        return page("stories.html", views.stories_view(store, query))

    @app.get("/stories/{story_id}", **html)
    def story_page(story_id: str, a: Annotated[list[str], Query()] = []) -> HTMLResponse:  # noqa: B006
        return page("story.html", views.story_view(store, story_id, app.state.derived, a))

    @app.get("/events/{event_id}", **html)
    def event_page(event_id: str) -> HTMLResponse:
        return page("story.html", views.event_view(store, event_id))

    @app.get("/articles/{article_id}", **html)
    def article_page(article_id: str) -> HTMLResponse:
        return page("article.html", views.article_view(store, article_id))

    @app.get("/outlets", **html)
    def outlets_page(limit: int = Query(50, ge=1, le=views.MAX_LIMIT),
                     offset: int = Query(0, ge=0, le=views.MAX_OFFSET),
                     sort: str = Query("name", pattern=OUTLET_SORT)) -> HTMLResponse:  # fmt: skip
        return page("outlets.html", views.outlets_view(store, limit=limit, offset=offset,
                                                       sort=sort))  # fmt: skip

    @app.get("/outlets/{source:path}", **html)
    def outlet_page(source: str, limit: int = Query(50, ge=1, le=views.MAX_LIMIT),
                    offset: int = Query(0, ge=0, le=views.MAX_OFFSET)) -> HTMLResponse:  # fmt: skip
        return page("outlet.html", views.outlet_view(store, source, limit=limit, offset=offset))

    @app.get("/ingest", **html)
    def ingest_form() -> HTMLResponse:
        return page("ingest.html", {"result": None, "access": _access_view(app)})

    @app.post("/ingest", **html)
    async def ingest_page(request: Request) -> HTMLResponse:
        result, status = await ingest(store, request)
        return page("ingest.html", {"result": result, "access": _access_view(app)}, status)

    @app.get("/api/docs", **html)
    def api_docs() -> HTMLResponse:
        return page("api.html", {"spec": app.openapi()})


def _access_view(app: FastAPI) -> dict[str, bool]:
    """What the ingest form must say: whether uploads are served and need a token."""
    access: Access = app.state.access
    return {"writes": access.allow_writes, "token": bool(access.token)}
