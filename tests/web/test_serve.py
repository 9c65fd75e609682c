"""`storyline serve`: binds to 127.0.0.1:8000 by default and serves the app over --db."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storyline.cli import main


def test_serve_runs_uvicorn_on_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    db = tmp_path / "web.db"
    result = CliRunner().invoke(main, ["serve", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/" in result.output
    (call,) = calls
    assert (call["host"], call["port"]) == ("127.0.0.1", 8000)
    assert call["app"].openapi_url == "/api/openapi.json"
    assert db.exists()


def test_serve_takes_host_and_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    args = ["serve", "--db", str(tmp_path / "x.db"), "--host", "0.0.0.0", "--port", "9123"]
    args += ["--token", "secret"]  # a non-loopback address needs one
    assert CliRunner().invoke(main, args).exit_code == 0
    assert (calls[0]["host"], calls[0]["port"]) == ("0.0.0.0", 9123)
