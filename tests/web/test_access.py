"""Who may do what: Host check, read-only serving, write token, cross-site refusal, limits."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.store import MemoryStore
from storyline.web.access import (
    Access,
    RateLimiter,
    bind_refusal,
    host_name,
    read_only,
    serve_access,
    serve_hosts,
)
from storyline.web.app import create_app
from tests.web.conftest import TOKEN, Client, fill

STORY = "Putin and Kim met at the Vostochny spaceport on Wednesday.\nThe talks lasted hours.\n"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FILES = {"files": ("report.txt", STORY.encode(), "text/plain")}


def app_with(store: Any = None, **access: Any) -> Any:
    return create_app(store if store is not None else MemoryStore(), access=Access(**access))


# ------------------------------------------------------------------ Host check (#17 item 2)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.nip.io"])
@pytest.mark.parametrize("path", ["/api/stories", "/", "/static/storyline.css", "/nowhere"])
def test_foreign_host_is_refused_everywhere(host: str, path: str) -> None:
    r = Client(app_with(fill(MemoryStore()))).get(path, headers={"host": host})
    assert r.status_code == 400
    assert "is not served here" in r.text
    assert r.headers["x-frame-options"] == "DENY", "security headers on the refusal too"


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000"])
def test_loopback_hosts_are_served(host: str) -> None:
    r = Client(app_with(fill(MemoryStore()))).get(
        "/api/stories?singletons=true", headers={"host": host}
    )
    assert r.status_code == 200 and r.json()["total"] == 2


def test_allowed_host_adds_a_name() -> None:
    app = app_with(allowed_hosts=serve_hosts("127.0.0.1", ["news.example"]))
    assert Client(app).get("/api/health", headers={"host": "news.example:80"}).status_code == 200
    assert Client(app).get("/api/health", headers={"host": "evil.example"}).status_code == 400
    anyhost = app_with(allowed_hosts=("*",))
    assert Client(anyhost).get("/api/health", headers={"host": "x.example"}).status_code == 200


def test_serve_hosts_and_host_names() -> None:
    assert serve_hosts("0.0.0.0") == ("127.0.0.1", "localhost", "[::1]", "::1")
    assert serve_hosts("192.168.1.5", [" Desk.Local "])[-2:] == ("192.168.1.5", "desk.local")
    assert serve_hosts("fe80::1")[-1] == "[fe80::1]"
    assert [host_name(h) for h in ["[::1]:80", "A.example:8000", "[::1]", "x"]] == [
        "[::1]", "a.example", "[::1]", "x"
    ]  # fmt: skip


# ------------------------------------------------------------------ writes (#14 item 4)


def test_default_app_is_read_only(tmp_path: Path) -> None:
    store = MemoryStore()
    client = Client(create_app(store), headers=AUTH)
    r = client.post("/api/articles", files=FILES)
    assert r.status_code == 403 and "read-only" in r.json()["error"]["message"]
    assert client.post("/api/articles", json={"text": STORY}).status_code == 403
    page = client.post("/ingest", files=FILES)
    assert page.status_code == 403 and "--allow-writes" in page.text
    assert "read-only" in client.get("/ingest").text
    assert store.count_articles() == 0


def test_the_issues_cross_site_multipart_post_is_refused() -> None:
    store = MemoryStore()
    client = Client(app_with(store, allow_writes=True, token=TOKEN))
    for headers in [
        {"origin": "http://evil.example"},
        {"origin": "http://evil.example", **AUTH},
        {"origin": "null", **AUTH},
        {"referer": "http://evil.example/page.html", **AUTH},
        {"sec-fetch-site": "cross-site", **AUTH},
        {"origin": "http://127.0.0.1:9999", **AUTH},  # another port is another origin
    ]:
        r = client.post("/api/articles", files=FILES, headers=headers)
        assert r.status_code == 403, headers
        assert "cross-site" in r.json()["error"]["message"]
    assert store.count_articles() == 0


def test_writes_need_the_token() -> None:
    store = MemoryStore()
    client = Client(app_with(store, allow_writes=True, token=TOKEN))
    same_site = {"origin": "http://127.0.0.1:8000"}
    assert client.post("/api/articles", files=FILES, headers=same_site).status_code == 401
    wrong = {"authorization": "Bearer nope", **same_site}
    assert client.post("/api/articles", files=FILES, headers=wrong).status_code == 401
    assert store.count_articles() == 0
    r = client.post("/api/articles", files=FILES, headers={**AUTH, **same_site})
    assert r.status_code == 201, r.text
    other = {"files": ("b.txt", b"Another report about a storm in Bern on Tuesday.\n")}
    r = client.post("/api/articles", files=other, headers={"x-storyline-token": TOKEN})
    assert r.status_code == 201, r.text
    assert store.count_articles() == 2


def test_ingest_form_carries_the_token() -> None:
    store = MemoryStore()
    client = Client(app_with(store, allow_writes=True, token=TOKEN))
    assert 'name="token"' in client.get("/ingest").text
    same_site = {"origin": "http://127.0.0.1:8000", "referer": "http://127.0.0.1:8000/ingest"}
    bad = client.post("/ingest", files=FILES, data={"token": "guess"}, headers=same_site)
    assert bad.status_code == 401 and "token" in bad.text
    r = client.post("/ingest", files=FILES, data={"token": TOKEN}, headers=same_site)
    assert r.status_code == 201 and "1 new article" in r.text
    assert store.count_articles() == 1


def test_read_only_route_is_served_without_token_but_not_cross_site() -> None:
    app = app_with(fill(MemoryStore()))

    @app.post("/api/echo")
    @read_only
    async def echo(body: dict[str, Any]) -> dict[str, Any]:
        return body

    client = Client(app)
    assert client.post("/api/echo", json={"x": 1}).json() == {"x": 1}
    assert client.post("/api/echo", json={}, headers={"origin": "http://e.x"}).status_code == 403


def test_writes_without_a_token_are_a_setup_error() -> None:
    with pytest.raises(ValueError, match="token"):
        Access(allow_writes=True)


# ------------------------------------------------------------------ limits


def test_rate_limit_per_client() -> None:
    limiter = RateLimiter(rate=2, burst=3)
    assert [limiter.allow("a", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", now=0.0), "another client has its own bucket"
    assert limiter.allow("a", now=0.5) and not limiter.allow("a", now=0.5)
    assert RateLimiter(rate=0, burst=1).allow("a", now=0.0)


def test_rate_limit_answers_429() -> None:
    client = Client(app_with(MemoryStore(), rate=0.001, burst=2))
    codes = [client.get("/api/health").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert "too many requests" in client.get("/api/health").json()["error"]["message"]


def test_time_limit_answers_503() -> None:
    app = app_with(MemoryStore(), timeout=0.05)

    @app.get("/api/stuck")
    async def stuck() -> dict[str, Any]:
        await asyncio.Event().wait()  # never set: only the time limit ends it
        return {}

    r = Client(app).get("/api/stuck")
    assert r.status_code == 503 and "longer than 0.05 s" in r.json()["error"]["message"]


# ------------------------------------------------------------------ storyline serve


def test_bind_refusal() -> None:
    assert bind_refusal("127.0.0.1", None) is None and bind_refusal("::1", None) is None
    assert bind_refusal("localhost", None) is None and bind_refusal("0.0.0.0", "t") is None
    assert "without a token" in (bind_refusal("0.0.0.0", None) or "")
    assert serve_access("127.0.0.1", allow_writes=True).token, "a token is made up"


def test_serve_refuses_a_public_address_without_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: pytest.fail("must not start"))
    db = tmp_path / "x.db"
    result = CliRunner().invoke(main, ["serve", "--db", str(db), "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "without a token" in result.output
    assert not db.exists()


def test_serve_passes_its_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(app))
    monkeypatch.setenv("STORYLINE_TOKEN", "from-env")
    args = ["serve", "--db", str(tmp_path / "x.db"), "--host", "0.0.0.0", "--allow-writes",
            "--allowed-host", "desk.example", "--rate", "5", "--timeout", "9"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    access = calls[0].state.access
    assert (access.token, access.allow_writes, access.rate, access.timeout) == (
        "from-env", True, 5.0, 9.0
    )  # fmt: skip
    assert "desk.example" in access.allowed_hosts and "token" not in result.output


def test_serve_allow_writes_shows_a_made_up_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[Any] = []
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(app))
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "x.db"), "--allow-writes"])
    assert result.exit_code == 0, result.output
    token = calls[0].state.access.token
    assert len(token) >= 24 and f"uploads need this token: {token}" in result.output
