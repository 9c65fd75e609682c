"""The seed pair served as two HTML pages behind an RSS feed on 127.0.0.1 gives the same
story and comparison as the two text files."""

from __future__ import annotations

from html import escape

import pytest

from storyline.clean import clean
from storyline.ingest import read
from storyline.ingest.http import FetchConfig, Fetcher
from storyline.pipeline import compare_paths
from tests.conftest import SEED_CH, SEED_ET
from tests.ingest.feedfixtures import rss
from tests.ingest.feedserver import FeedServer, Route


def _page(path, title: str, site: str) -> bytes:
    """The report as a news site would serve it: each line of the text a paragraph."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = "\n".join(f"<p>{escape(line)}</p>" for line in lines)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<meta property='og:site_name' content='{escape(site)}'></head>"
        f"<body><article>{body}</article></body></html>"
    ).encode()


def _headline(path) -> str | None:
    """The headline the cleaning finds in the text file: what the page's <title> would say."""
    (article,) = read([path])
    return clean(article).title


def _seed_of(text: str) -> str:
    """Which seed file an article's text came from (its first line is in that file)."""
    first = " ".join(text.splitlines()[0].split())
    found = [p.stem for p in (SEED_CH, SEED_ET) if first in " ".join(p.read_text().split())]
    assert len(found) == 1, first
    return found[0]


def _shape(reports) -> list:
    """Each story as its aligned groups: (kind, sorted (seed, sentence)) in a stable order."""
    out = []
    for report in reports:
        seed = {a.id: _seed_of(a.text) for a in report.articles}
        groups = sorted(
            (group.kind, tuple(sorted((seed[m.article], " ".join(m.text.split()))
                                      for m in group.members)))
            for group in report.comparison.alignments
        )  # fmt: skip
        out.append((sorted(seed.values()), groups))
    return out


@pytest.fixture(scope="module")
def from_text():
    reports, failures = compare_paths([SEED_CH, SEED_ET])
    assert failures == [] and len(reports) == 1
    return reports


@pytest.fixture(scope="module")
def from_feed():
    with FeedServer() as server:
        items = []
        for n, (path, site) in enumerate(((SEED_CH, "Zeitung"), (SEED_ET, "Epoch Times"))):
            title = _headline(path) or f"Meldung {n}"
            server.routes[f"/seed/{n}.html"] = Route(_page(path, title, site))
            items.append({"title": title, "link": server.url(f"/seed/{n}.html"),
                          "date": "Wed, 13 Sep 2023 08:30:00 +0200", "summary": "Kurz."})  # fmt: skip
        server.routes["/feed.xml"] = Route(rss(items), content_type="application/rss+xml")
        config = FetchConfig(allow_private=True, delay=0, retries=0)
        with Fetcher(config) as fetcher:
            reports, failures = compare_paths([server.url("/feed.xml")], fetcher=fetcher)
    assert failures == []
    return reports


def test_same_story_and_comparison_as_the_text_files(from_text, from_feed):
    assert len(from_feed) == 1 and len(from_feed[0].articles) == 2
    assert _shape(from_feed) == _shape(from_text)
