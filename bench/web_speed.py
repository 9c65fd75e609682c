"""Web speed: server time of the story page for a 100-article story, and of the stories list
(by coverage, with facets) and search over 100,000 stories in SQLite, against what a user
would otherwise do in the same run (build the CLI's ``show --json`` dict; load every story
and count facets and coverage in Python).

    .venv/bin/python bench/web_speed.py [--stories 100000] [--articles 100] [--repeat 20]

Server time is measured in-process (httpx.ASGITransport): the app's whole request handling,
template rendering included, without a network. Targets: story page < 500 ms, list with
facets < 150 ms. The 100,000 stories are one in five of 2 to 6 articles from as many outlets,
the rest one article (hidden from the list by default, as on a real news stream).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from storyline.model import Article, Credits, Story
from storyline.store import open_store
from storyline.web.app import create_app

WORDS = (
    "Präsident Regierung Kreml Machthaber Gespräche Weltraumbahnhof berichtete Agentur zufolge "
    "Besuch Russland Nordkorea Waffen Treffen Zug Interesse Raketentechnik sagte Mittwoch Stadt "
    "Grenze Kilometer Forum militärische Themen Beziehungen Länder zwei erste Delegation Minister"
).split()
SOURCES = [f"Outlet {k}" for k in range(40)]
T0 = datetime(2023, 9, 13, tzinfo=UTC)


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(8, 18))).capitalize() + "."


def story_articles(n: int, rng: random.Random) -> list[Article]:
    """``n`` reports of one event: 10 wire sentences shared by all, 20 of their own."""
    wire = [sentence(rng) for _ in range(10)]
    articles = []
    for k in range(n):
        own = [sentence(rng) for _ in range(20)]
        lines = [" ".join(wire[i : i + 2] + own[2 * i : 2 * i + 4]) for i in range(0, 10, 2)]
        text = "\n".join(lines)
        articles.append(Article(id=f"art{k:03d}", source=SOURCES[k % 40], raw=text, text=text,
                                title=f"Report {k}", language="de",
                                published=T0 + timedelta(minutes=7 * k),
                                credits=Credits(agencies=("dpa",))))  # fmt: skip
    return articles


class Timing(float):
    """A median wall time in ms, with the median CPU time of this process in ``cpu``: on a
    machine shared with other jobs the CPU time stays near what an idle machine's wall
    time would be, while the wall time grows with the load."""

    cpu: float = float("nan")


def timed(fn: Callable[[], Any], repeat: int) -> Timing:
    """Median wall (and CPU) time of ``fn`` in milliseconds (after one warm-up call)."""
    fn()
    times, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(1000 * (time.perf_counter() - start))
        cpus.append(1000 * (time.process_time() - cpu))
    out = Timing(statistics.median(times))
    out.cpu = statistics.median(cpus)
    return out


def get(app: Any, url: str) -> Callable[[], None]:
    transport = httpx.ASGITransport(app=app)
    loop = asyncio.new_event_loop()
    client = httpx.AsyncClient(transport=transport, base_url="http://localhost")

    def call() -> None:
        r = loop.run_until_complete(client.get(url))
        assert r.status_code == 200, (url, r.status_code, r.text[:200])

    return call


def bench_story(folder: Path, n: int, repeat: int) -> list[tuple[str, float, str]]:
    from storyline.compare.align import compare
    from storyline.pipeline import store_analyses, story_report, update_reuse

    store = open_store(folder / "story.db")
    articles = story_articles(n, random.Random(1))
    story = Story("big", tuple(a.id for a in articles), f"A {n}-article story")
    store.add_articles(articles)
    store.put_stories([(story, compare(story, articles))])
    update_reuse(store, articles)
    store_profiles(store, articles)
    app = create_app(store)
    page, cold = get(app, "/stories/big"), max(1, repeat // 10)
    computed = timed(cleared(app, page), cold)
    store_analyses(store, [story_report(store, "big")])  # what ingest does for a changed story
    rows = [(f"story page HTML, {n} articles, first view", timed(cleared(app, page), cold), "500")]
    rows.append(("  vs first view computing analysis and membership", computed, ""))
    rows.append((f"story page HTML, {n} articles, again", timed(page, repeat), "500"))
    rows.append((f"story API JSON, {n} articles, again", timed(get(app, "/api/stories/big"),
                                                                  repeat), ""))  # fmt: skip
    rows.append(
        ("  vs CLI show --json dict (same library calls)", timed(cli_show(store), cold), "")
    )
    store.close()
    return rows


def store_profiles(store: Any, articles: list[Article]) -> None:
    """The similarity profiles ingest stores per article (explanations read them back)."""
    from storyline.stories.profile_codec import profile_to_bytes
    from storyline.stories.stream import StoryAssigner

    profiles = StoryAssigner().profile(articles)
    rows = [(a.id, 0, profile_to_bytes(p)) for a, p in zip(articles, profiles, strict=True)]
    store.add_story_profiles(rows)


def cleared(app: Any, call: Callable[[], None]) -> Callable[[], None]:
    """``call`` with the app's cache of derived story data (analysis, membership) emptied."""

    def first_view() -> None:
        app.state.derived.clear()
        call()

    return first_view


def cli_show(store: Any) -> Callable[[], Any]:
    """What ``storyline show big --json`` computes, without printing."""
    from storyline.export import stories_dict
    from storyline.pipeline import analysed, explained, stored_reuse, story_report

    def show() -> Any:
        report = story_report(store, "big")
        report = explained(analysed(report), store.corrections(), store=store)
        return stories_dict([stored_reuse(store, report)])

    return show


def fill_stories(store: Any, n: int) -> None:
    """``n`` stories, one in five of 2 to 6 articles (distinct outlets), the rest of one;
    ``mark<k>`` (k < 1000) occurs in every thousandth text, a selective search word."""
    rng = random.Random(2)
    stories, k = [], 0
    for start in range(0, n, 5000):
        batch, members = [], []
        for s in range(start, min(n, start + 5000)):
            size = 1 if s % 5 else rng.randint(2, 6)
            outlets = rng.sample(SOURCES, size)
            arts = [_one(k + j, rng, outlets[j]) for j in range(size)]
            k += size
            batch += arts
            members.append(Story(f"s{s:07d}", tuple(a.id for a in arts), arts[0].title))
        store.add_articles(batch)
        stories += members
    store.put_stories((s, None) for s in stories)


def _one(k: int, rng: random.Random, source: str) -> Article:
    text = " ".join(sentence(rng) for _ in range(3)) + f" Kennung mark{k % 1000}."
    agencies = rng.choice([(), ("dpa",), ("AFP",), ("Reuters",), ("dpa", "AFP")])
    return Article(id=f"{k:07d}", source=source, raw=text, text=text,
                   title=f"Story {k}: {sentence(rng)[:40]}", language=rng.choice(["de", "en"]),
                   published=T0 - timedelta(minutes=k), credits=Credits(agencies=agencies))  # fmt: skip


def bench_list(folder: Path, n: int, repeat: int) -> list[tuple[str, float, str]]:
    store = open_store(folder / "list.db")
    start = time.perf_counter()
    fill_stories(store, n)
    print(f"(filled {n:,} stories in {time.perf_counter() - start:.0f} s)")
    app = create_app(store)
    rows = []
    for label, url in [
        ("stories page 1 HTML (coverage, facets)", "/"),
        ("stories page 1 API (coverage, facets)", "/api/stories"),
        ("stories page 1, sort=recent", "/?sort=recent"),
        ("stories page 1, sort=size", "/?sort=size"),
        ("stories page 1, singletons shown", "/?singletons=true"),
        ("stories page 1 HTML, before this issue's order", "/?sort=recent&singletons=true"),
        (f"stories page at offset {n // 10:,}", f"/?offset={n // 10}"),
        ("stories filtered by outlet", "/?source=Outlet+7"),
        ("stories filtered by agency", "/?agency=AFP"),
        ("stories filtered by date", "/?since=2023-09-01&until=2023-09-10"),
        ("search, rare word (FTS5)", "/?q=mark42"),
        ("search, two words in most texts (FTS5)", "/?q=Kreml+Minister"),
    ]:
        rows.append((f"{label}, {n:,} stories", timed(get(app, url), repeat), "150"))
        if url in ("/", "/?agency=AFP", "/?q=Kreml+Minister"):
            rows.append(("  first view after a write (facets, totals computed)",
                         timed(uncached(store, get(app, url)), repeat), "150"))  # fmt: skip
    rows += search_parts(store, "Kreml Minister", repeat)
    rows.append(("  of which the facets (store.story_facets, computed)",
                 timed(uncached(store, lambda: store.story_facets(min_size=2)), repeat), ""))  # fmt: skip
    rows.append(("  vs facets and coverage order counted in Python",
                 timed(lambda: python_facets(store), 1), ""))  # fmt: skip
    store.close()
    return rows


def uncached(store: Any, call: Callable[[], Any]) -> Callable[[], None]:
    """``call`` with the store's facets and totals (kept per store version) forgotten, as
    after any write: what the first view of a list costs."""

    def first_view() -> None:
        store._memo.clear()
        call()

    return first_view


def python_facets(store: Any) -> Any:
    """What a user would otherwise do: every story and its articles loaded, the facets
    counted and the stories ordered by coverage in Python."""
    from storyline.store.coverage import count_facets, coverage, facet_lists

    stories = store.stories()
    by_id = {a.id: a for a in store.articles()}
    covers = [(coverage(by_id[i] for i in s.articles), s) for s in stories]
    covers = [(c, s) for c, s in covers if c.size > 1]
    covers.sort(key=lambda cs: (-cs[0].outlets, -cs[0].languages))
    return facet_lists(count_facets((c, "") for c, _ in covers)), covers[:50]


def search_parts(store: Any, query: str, repeat: int) -> list[tuple[str, float, str]]:
    """Where a common-word search spends its time: the page of stories (the plan the store
    picks, and the collect-and-sort plan it replaced) and the exact total."""
    page = timed(lambda: store.search(query), repeat)
    store._walks = lambda *args: False  # force the collect-and-sort plan
    collect = timed(lambda: store.search(query), repeat)
    del store._walks
    bounded = timed(uncached(store, lambda: store.count_search(query, upto=5_001, min_size=2)),
                    repeat)  # fmt: skip
    count = timed(uncached(store, lambda: store.count_search(query, min_size=2)), repeat)
    return [("  of which the page of 50 (store.search, walk)", page, ""),
            ("    vs collect all matches and sort (previous plan)", collect, ""),
            ("  of which the total up to 5,000 (count_search upto, computed)", bounded, ""),
            ("    vs the exact total (store.count_search, computed)", count, "")]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", choices=["story", "list"], help="run one half only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [] if args.only == "list" else bench_story(Path(tmp), args.articles, args.repeat)
        if args.only != "story":
            rows += bench_list(Path(tmp), args.stories, args.repeat)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (uptime)")
    print(f"{'request':<64} {'median ms':>10} {'CPU ms':>8} {'target ms':>10}")
    for label, ms, target in rows:
        cpu = getattr(ms, "cpu", float("nan"))
        print(f"{label:<64} {ms:>10.1f} {cpu:>8.1f} {target:>10}")


if __name__ == "__main__":
    main()
