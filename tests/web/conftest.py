"""Fixtures for the web tests: a small synthetic store and an in-process client."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from storyline.model import (
    PARAPHRASE,
    UNIQUE,
    VERBATIM,
    Alignment,
    Article,
    Comparison,
    Credits,
    Member,
    Residue,
    Share,
    Story,
)
from storyline.store import MemoryStore

#: Where the in-process app is reached: a loopback name, which the Host check allows.
BASE_URL = "http://127.0.0.1:8000"
#: The write token of the apps that accept uploads in the tests.
TOKEN = "test-token"
LEAD = "The leaders met at the spaceport on Wednesday."


def _article(id: str, source: str, lines: list[str], when: datetime, **kw: Any) -> Article:
    text = "\n".join(lines)
    return Article(id=id, source=source, raw=kw.pop("raw", text), text=text, published=when,
                   language=kw.pop("language", "en"), **kw)  # fmt: skip


def synthetic_articles() -> list[Article]:
    a1 = _article(
        "a1", "Alpha News",
        [LEAD, "Talks lasted four hours.", "Alpha alone reports a banquet."], datetime(2023, 9, 13, 8, tzinfo=UTC),
        title="Leaders meet at the spaceport",
        raw=f"Share this\n{LEAD}\nTalks lasted four hours.\nAlpha alone reports a banquet.\n(dpa/red)",
        removed=(Residue("Share this", "share-widget", 1), Residue("(dpa/red)", "credit", 5)),
        credits=Credits(agencies=("dpa",), desk=("red",), photo=("Pool/AP",),
                        quoted_sources=("Tass",), lines=("(dpa/red)",)),
    )  # fmt: skip
    a2 = _article(
        "a2", "Beta Post",
        [LEAD, "The meeting went on for four hours.", "Beta says Kim arrived by train."],
        datetime(2023, 9, 13, 10, 30, tzinfo=UTC),
        title="Kim and Putin <b>meet</b>", credits=Credits(agencies=("Reuters",)),
    )  # fmt: skip
    a3 = _article(
        "a3", "Gamma Zeitung", ["Ein Zug fährt nach Wladiwostok.", "Sonst nichts."],
        datetime(2023, 9, 10, tzinfo=UTC),
        title="Zugfahrt", language="de",
    )  # fmt: skip
    return [a1, a2, a3]


def synthetic_comparisons() -> list[tuple[Story, Comparison]]:
    def m(a: str, k: int, text: str) -> Member:
        return Member(a, k, text)

    s1 = Story("s1", ("a1", "a2"), "Leaders meet at the spaceport")
    groups = (
        Alignment(VERBATIM, (m("a1", 0, LEAD), m("a2", 0, LEAD)), 1.0),
        Alignment(PARAPHRASE, (m("a1", 1, "Talks lasted four hours."),
                               m("a2", 1, "The meeting went on for four hours.")), 0.8),
        Alignment(UNIQUE, (m("a1", 2, "Alpha alone reports a banquet."),), 0.0),
        Alignment(UNIQUE, (m("a2", 2, "Beta says Kim arrived by train."),), 0.0),
    )  # fmt: skip
    shares = tuple(
        Share(a, 3, verbatim=1 / 3, paraphrase=1 / 3, unique=1 / 3) for a in ("a1", "a2")
    )
    s2 = Story("s2", ("a3",), "Zugfahrt")
    c2 = Comparison("s2", (Alignment(UNIQUE, (m("a3", 0, "Ein Zug fährt nach Wladiwostok."),), 0),
                           Alignment(UNIQUE, (m("a3", 1, "Sonst nichts."),), 0)),
                    (Share("a3", 2, unique=1.0),))  # fmt: skip
    return [(s1, Comparison("s1", groups, shares)), (s2, c2)]


def fill(store: Any) -> Any:
    """The synthetic articles, stories and their reuse (computed by the real reuse stage:
    a1 and a2 share their lead sentence)."""
    from storyline.pipeline import update_reuse

    store.add_articles(synthetic_articles())
    store.put_stories(synthetic_comparisons())
    update_reuse(store, synthetic_articles())
    return store


@pytest.fixture
def store() -> MemoryStore:
    return fill(MemoryStore())


class Client:
    """A synchronous face on httpx.AsyncClient over ASGITransport (the app runs in-process)."""

    def __init__(self, app: Any, headers: dict[str, str] | None = None) -> None:
        self.app, self.headers = app, headers or {}

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=BASE_URL,
                                         headers=self.headers) as c:  # fmt: skip
                return await c.request(method, url, **kw)

        return asyncio.run(go())

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)


@pytest.fixture
def client(store: MemoryStore) -> Client:
    from storyline.web.access import Access
    from storyline.web.app import create_app

    app = create_app(store, max_upload=64_000, access=Access(allow_writes=True, token=TOKEN))
    return Client(app, headers={"Authorization": f"Bearer {TOKEN}"})
