"""No route answers 5xx to any input: paging bounds (#17 item 1) and a fuzz test of every route.

The fuzz test walks the app's own routes (API and pages, as FastAPI declares them) and draws
each one's path and query parameters, and for POST routes a body, with hypothesis; the app
runs in-process over a SQLite store (where an unbounded integer once reached SQLite).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.store import open_store
from storyline.web.access import Access
from storyline.web.app import create_app
from tests.web.conftest import BASE_URL, TOKEN, fill

HUGE = "99999999999999999999"
LISTS = ["/api/stories", "/api/articles", "/api/outlets", "/", "/outlets"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    store = fill(open_store(tmp_path_factory.mktemp("fuzz") / "fuzz.db"))
    access = Access(allow_writes=True, token=TOKEN, rate=0)
    yield create_app(store, max_upload=20_000, access=access)
    store.close()


async def _send(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        return await c.request(method, url, **kw)


def send(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    return asyncio.run(_send(app, method, url, **kw))


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("param", ["offset", "limit"])
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "1e9", "0x10", "1000000001"])
def test_out_of_range_paging_is_400(app: Any, path: str, param: str, value: str) -> None:
    r = send(app, "GET", path, params={param: value})
    assert r.status_code == 400, r.text
    if path.startswith("/api/"):
        assert param in r.json()["error"]["message"]
    else:
        assert r.headers["content-type"].startswith("text/html") and "Bad request" in r.text


@pytest.mark.parametrize("path", LISTS)
def test_largest_offset_is_an_empty_page(app: Any, path: str) -> None:
    from storyline.web.views import MAX_OFFSET

    r = send(app, "GET", path, params={"offset": MAX_OFFSET, "limit": 200})
    assert r.status_code == 200


def routes(app: Any) -> list[tuple[str, str, list[str], list[str]]]:
    """(method, path, path parameters, query parameters) of every route the app declares."""
    from fastapi.routing import APIRoute

    out = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            query, path = (
                _params(route.dependant, "query_params"),
                _params(route.dependant, "path_params"),
            )
            out.extend((method, route.path, path, query) for method in sorted(route.methods))
    return out


def _params(dependant: Any, kind: str) -> list[str]:
    """The names of ``kind`` parameters of a route, its dependencies' included."""
    names = [p.alias for p in getattr(dependant, kind)]
    for sub in dependant.dependencies:
        names.extend(n for n in _params(sub, kind) if n not in names)
    return names


NUMBERS = st.one_of(
    st.integers(), st.integers(-(2**80), 2**80), st.sampled_from([HUGE, "0", "-1", "200", "201"])
)
VALUES = st.one_of(
    NUMBERS.map(str),
    st.text(max_size=40),
    st.sampled_from(["", "a1", "s1", "2023-09-12", "word*", '"', "NEAR(", "a OR", "\x00", "%"]),
    st.floats(allow_nan=True).map(str),
)
BODIES = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"", b"{}", b"[]", b'{"articles": []}', b'{"text": "A short report."}',
                     b'[{"text": 1}]', b'{"html": null}', b"\xff\xfe", b"[" * 5000]),
)  # fmt: skip
CONTENT_TYPES = st.sampled_from([
    "application/json", "multipart/form-data", "multipart/form-data; boundary=x",
    "text/plain", "application/x-www-form-urlencoded", "",
])  # fmt: skip


def test_the_fuzz_covers_every_route(app: Any) -> None:
    found = {(m, p) for m, p, _, _ in routes(app)}
    assert {("GET", "/api/stories"), ("GET", "/stories/{story_id}"),
            ("POST", "/api/articles"), ("POST", "/ingest"), ("GET", "/outlets")} <= found  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_route_answers_5xx(app: Any, data: st.DataObject) -> None:
    method, path, path_params, query_params = data.draw(st.sampled_from(routes(app)))
    for name in path_params:
        value = data.draw(st.one_of(VALUES, st.sampled_from(["s1", "a1", "a2"])))
        path = path.replace("{" + name + "}", quote(value, safe="") or "x")
    params = {n: data.draw(VALUES) for n in query_params if data.draw(st.booleans())}
    kw: dict[str, Any] = {"params": params, "headers": {"authorization": f"Bearer {TOKEN}"}}
    if method == "POST":
        kw["content"] = data.draw(BODIES)
        kw["headers"]["content-type"] = data.draw(CONTENT_TYPES)
    r = send(app, method, path, **kw)
    assert r.status_code < 500, (method, path, params, r.status_code, r.text[:300])


@pytest.mark.parametrize("as_file", [False, True])
def test_deeply_nested_json_is_400_not_500(app: Any, as_file: bool) -> None:
    deep = b"[" * 9_000 + b"]" * 9_000  # deeper than Python parses, within the 20 kB limit
    headers = {"authorization": f"Bearer {TOKEN}"}
    if as_file:
        r = send(
            app, "POST", "/api/articles", files={"files": ("deep.jsonl", deep)}, headers=headers
        )
        assert r.status_code == 400 and "deep.jsonl:1: malformed JSON" in r.text
    else:
        headers["content-type"] = "application/json"
        r = send(app, "POST", "/api/articles", content=deep, headers=headers)
        assert r.status_code == 400 and "nested too deeply" in r.text
