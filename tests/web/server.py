"""Run the web app on a free 127.0.0.1 port in a thread, and launch Debian's Chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(store: Any, **options: Any) -> Iterator[str]:
    """The app over ``store`` served by uvicorn in a thread (uploads allowed with the tests'
    ``TOKEN`` unless ``access`` says otherwise); yields its base URL."""
    import uvicorn

    from storyline.web.access import Access
    from storyline.web.app import create_app
    from tests.web.conftest import TOKEN

    options.setdefault("access", Access(allow_writes=True, token=TOKEN))
    port = free_port()
    config = uvicorn.Config(create_app(store, **options), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:  # readiness poll, not a timing assertion
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test server on port {port} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def seed_store(db: Path, paths: list[Path]) -> Any:
    """A SQLite store at ``db`` holding the given reports, ingested by the real pipeline."""
    from storyline.pipeline import ingest
    from storyline.store import open_store

    store = open_store(db)
    report = ingest(store, paths)
    if report.failures:
        raise RuntimeError(f"seed ingest failed: {report.failures}")
    return store
