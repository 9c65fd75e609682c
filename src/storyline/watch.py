"""``storyline watch``: poll feeds and sitemaps, ingest only what is new, remember it.

Each round polls every source of the sources file with a conditional GET (the ETag and
Last-Modified of the last answer), reads the entries whose link (else id) was never read,
fetches their pages when the entry holds only a summary, then cleans and stores them with
:func:`storyline.pipeline.store_items`: one batch per source. Only after the batch is stored
are the entries marked read and the validators kept (``Store.put_feed_state``), so a stop at
any moment loses nothing; the next round reads again what was not marked. A source that
fails is retried with exponential backoff across rounds (``every * 2**(failures-1)``, at most
a day); one bad source never stops the others. See docs/ingest.md and docs/cli.md.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from storyline.errors import InputError
from storyline.ingest.http import Fetcher, FetchError, Response, fetch_all, is_url
from storyline.model import Article, Failure, FeedState
from storyline.store.base import Store

METHOD = "watch.v1"
MAX_BACKOFF = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class SourceResult:
    """One poll of one source. ``status``: ``new`` (read), ``not modified`` (304),
    ``failed``, ``waiting`` (in backoff) or ``invalid`` (a bad line of the sources file)."""

    url: str
    status: str
    entries: int = 0
    new: int = 0
    ingested: int = 0
    duplicates: int = 0
    failures: tuple[Failure, ...] = ()
    stories: int | None = None


@dataclass(frozen=True, slots=True)
class RoundReport:
    """One round over every source."""

    round: int
    results: tuple[SourceResult, ...]
    seconds: float
    requests: int
    stopped: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ingested(self) -> int:
        return sum(r.ingested for r in self.results)


@dataclass(slots=True)
class Watch:
    """Settings and state of a watch run; ``stop`` ends it between batches."""

    store: Store
    fetcher: Fetcher
    every: float = 300.0
    source: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


def read_sources(path: str) -> tuple[list[str], list[Failure]]:
    """The URLs of a sources file (one a line; blank lines and ``#`` comments skipped)."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Failure(path, f"cannot read the sources file: {exc}")]
    urls, bad = [], []
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not text:
            continue
        if is_url(text) and text.lower().startswith(("http://", "https://")):
            urls.append(text)
        else:
            bad.append(Failure(f"{path}:{number}", f"not an http(s) URL: {text[:80]!r}"))
    return list(dict.fromkeys(urls)), bad


def run(
    watch: Watch,
    sources: str,
    *,
    once: bool = False,
    on_source: Callable[[SourceResult], None] | None = None,
    on_round: Callable[[RoundReport], None] | None = None,
) -> list[RoundReport]:
    """Poll the sources file round after round (one round with ``once``) until stopped."""
    rounds: list[RoundReport] = []
    while not watch.stop.is_set():
        report = poll_round(watch, sources, len(rounds) + 1, on_source=on_source)
        rounds.append(report)
        if on_round is not None:
            on_round(report)
        if once or watch.stop.wait(watch.every):
            break
    return rounds


def poll_round(
    watch: Watch,
    sources: str,
    number: int = 1,
    *,
    on_source: Callable[[SourceResult], None] | None = None,
) -> RoundReport:
    """One round: each source in the file's order; stops early (between sources) on stop."""
    started, requests = time.monotonic(), watch.fetcher.requests
    urls, bad = read_sources(sources)
    results = [SourceResult(f.input, "invalid", failures=(f,)) for f in bad]
    for result in results:
        if on_source is not None:
            on_source(result)
    for url in urls:
        if watch.stop.is_set():
            break
        result = poll_source(watch, url)
        results.append(result)
        if on_source is not None:
            on_source(result)
    return RoundReport(number, tuple(results), time.monotonic() - started,
                       watch.fetcher.requests - requests, watch.stop.is_set())  # fmt: skip


def poll_source(watch: Watch, url: str) -> SourceResult:
    """Poll one source and store its new entries; never raises for a bad source."""
    state = watch.store.feed_state(url) or FeedState(url)
    now = watch.now()
    if state.next_poll is not None and now < state.next_poll:
        return SourceResult(url, "waiting")
    try:
        got = watch.fetcher.get(url, etag=state.etag, last_modified=state.last_modified)
    except FetchError as exc:
        return _failed(watch, state, Failure(exc.input, exc.reason))
    if got.not_modified:
        watch.store.put_feed_state(replace(state, checked=now, failures=0, next_poll=None,
                                           error=None))  # fmt: skip
        return SourceResult(url, "not modified")
    try:
        return _ingest(watch, state, got)
    except InputError as exc:  # not a feed, malformed XML, binary: the source fails
        return _failed(watch, state, Failure(exc.input, exc.reason))
    except Exception as exc:  # noqa: BLE001 - one bad source never stops the others
        return _failed(watch, state, Failure(url, f"{type(exc).__name__}: {exc}"))


def _failed(watch: Watch, state: FeedState, failure: Failure) -> SourceResult:
    failures = state.failures + 1
    wait = None
    if failures >= 2:
        wait = watch.now() + min(timedelta(seconds=watch.every * 2 ** (failures - 1)), MAX_BACKOFF)
    watch.store.put_feed_state(replace(state, checked=watch.now(), failures=failures,
                                       next_poll=wait, error=failure.reason))  # fmt: skip
    return SourceResult(state.url, "failed", failures=(failure,))


@dataclass(frozen=True, slots=True)
class _Item:
    """One entry (or sitemap link) to read: its key, its page URL when it must be fetched."""

    key: str
    page: str | None
    build: Callable[[Response | None], Article | Failure]


def _ingest(watch: Watch, state: FeedState, got: Response) -> SourceResult:
    from storyline.pipeline import clean_items, store_items

    items, problems = _items(watch, got)
    seen = watch.store.seen_entries(i.key for i in items)
    new = [i for i in items if i.key not in seen]
    read, marked, failures = _read(watch.fetcher, new)
    report = store_items(watch.store, clean_items(read))
    ids = {a.id for a in read if isinstance(a, Article)}
    stored = set(report.ingested) | set(report.duplicates)
    done = [(key, aid) for key, aid in marked if aid is None or (aid in ids and aid in stored)]
    complete = len(done) == len(new)  # else keep no validators: next poll reads it all again
    fresh = replace(state, etag=got.etag if complete else None,
                    last_modified=got.last_modified if complete else None,
                    checked=watch.now(), failures=0, next_poll=None, error=None)  # fmt: skip
    watch.store.put_feed_state(fresh, done)
    every = (*problems, *failures, *report.failures)
    return SourceResult(state.url, "new", len(items), len(new), len(report.ingested),
                        len(report.duplicates), every, report.stories)  # fmt: skip


def _read(
    fetcher: Fetcher, items: list[_Item]
) -> tuple[list[Article | Failure], list[tuple[str, str | None]], list[Failure]]:
    """Articles of the new items; the ``(key, article id)`` to mark read; failures to retry.

    An item whose fetch failed in a way that may pass (timeout, 5xx) is not marked read.
    """
    pages = dict(fetch_all(fetcher, [i.page for i in items if i.page]))
    read: list[Article | Failure] = []
    marked: list[tuple[str, str | None]] = []
    retry: list[Failure] = []
    for item in items:
        got = pages.get(item.page) if item.page else None
        if isinstance(got, FetchError):
            (retry if got.retry else read).append(Failure(got.input, got.reason))
            marked.extend([] if got.retry else [(item.key, None)])
            continue
        found = item.build(got)
        read.append(found)
        marked.append((item.key, found.id if isinstance(found, Article) else None))
    return read, marked, retry


def _items(watch: Watch, got: Response) -> tuple[list[_Item], list[Failure]]:
    """The entries of a feed, or the links of a sitemap, as items to read."""
    from storyline.ingest.formats import xml_kind
    from storyline.ingest.pages import decode_page

    text = decode_page(got.body, got.charset, got.url)
    kind = xml_kind(text.lstrip("\ufeff \t\r\n")[:4096])
    if kind == "sitemap":
        return _sitemap_items(watch, text, got.url)
    return _feed_items(watch, text, got.url)


def _feed_items(watch: Watch, text: str, url: str) -> tuple[list[_Item], list[Failure]]:
    from storyline.ingest.feeds import entry_article, entry_meta, needs_page, parse_feed
    from storyline.ingest.pages import page_article

    feed = parse_feed(text, url)  # InputError: the source fails as a whole
    when = watch.now()

    def build(entry: Any) -> Callable[[Response | None], Article | Failure]:
        def made(page: Response | None) -> Article | Failure:
            if page is None:
                return entry_article(entry, name=url, source=watch.source,
                                     feed_title=feed.title, ingested=when)  # fmt: skip
            return page_article(page.body, url=page.url, content_type=page.content_type,
                                charset=page.charset, source=watch.source or entry.source,
                                ingested=when, meta=entry_meta(entry), format="feed")  # fmt: skip

        return made

    items = [
        _Item(_key(e.link, e.guid, e.raw), e.link if e.link and needs_page(e) else None, build(e))
        for e in feed.entries
    ]
    return items, [Failure(url, p) for p in feed.problems]


def _sitemap_items(watch: Watch, text: str, url: str) -> tuple[list[_Item], list[Failure]]:
    from storyline.ingest.pages import page_article
    from storyline.ingest.sitemaps import link_meta, parse_sitemap

    sitemap = parse_sitemap(text, url)
    when = watch.now()

    def build(link: Any) -> Callable[[Response | None], Article | Failure]:
        def made(page: Response | None) -> Article | Failure:
            assert page is not None  # every sitemap item has a page to fetch
            return page_article(page.body, url=page.url, content_type=page.content_type,
                                charset=page.charset, source=watch.source or link.source,
                                ingested=when, meta=link_meta(link), format="sitemap")  # fmt: skip

        return made

    items = [_Item(link.url, link.url, build(link)) for link in sitemap.links]
    problems = [Failure(url, p) for p in sitemap.problems]
    if sitemap.children:
        problems.append(Failure(url, f"a sitemap index ({len(sitemap.children)} sitemaps): "
                                     "list the sitemaps themselves in the sources file"))  # fmt: skip
    return items, problems


def _key(link: str | None, guid: str | None, raw: str) -> str:
    """An entry's identity across polls: its link, else its id, else its content id."""
    if link:
        return link
    if guid:
        return f"id:{guid}"
    from storyline.ingest.article import article_id

    return f"content:{article_id(raw)}"


def summary_line(report: RoundReport) -> str:
    """``round 2: 20 sources, 20 not modified, 0 failed; ingested 0 ...`` for the terminal."""
    parts = [f"{report.count(s)} {s}" for s in ("new", "not modified", "failed", "waiting",
                                                "invalid") if report.count(s)]  # fmt: skip
    stop = "; stopped" if report.stopped else ""
    return (
        f"round {report.round}: {len(report.results)} sources ({', '.join(parts) or 'none'}); "
        f"ingested {report.ingested}; {report.requests} requests in {report.seconds:.1f} s{stop}"
    )


def source_dict(result: SourceResult) -> dict[str, Any]:
    """The stable JSON form of one poll (``storyline watch --json``)."""
    return {"type": "source", "url": result.url, "status": result.status,
            "entries": result.entries, "new": result.new, "ingested": result.ingested,
            "duplicates": result.duplicates, "stories": result.stories,
            "failures": [{"input": f.input, "reason": f.reason} for f in result.failures]}  # fmt: skip


def round_dict(report: RoundReport) -> dict[str, Any]:
    """The stable JSON form of a round's summary (``storyline watch --json``)."""
    counts = {s: report.count(s) for s in ("new", "not modified", "failed", "waiting", "invalid")}
    return {"type": "round", "round": report.round, "sources": len(report.results),
            **{k.replace(" ", "_"): v for k, v in counts.items()}, "ingested": report.ingested,
            "requests": report.requests, "seconds": round(report.seconds, 3),
            "stopped": report.stopped}  # fmt: skip


def iter_failures(results: tuple[SourceResult, ...]) -> Iterator[Failure]:
    for result in results:
        yield from result.failures
