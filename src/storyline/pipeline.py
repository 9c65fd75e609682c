"""Wires the stages together: the one place that knows their order.

ingest -> clean -> (store) -> stories -> compare -> (store). The shells (CLI, web) call the
functions here and nothing deeper.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from storyline.errors import NotFound
from storyline.model import Analysis, Article, Comparison, Failure, Story
from storyline.store.base import Store

Paths = Iterable[str | os.PathLike[str]]
Progress = Callable[[Article | Failure], None]


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest did: new article ids, ids already stored, and failed inputs."""

    ingested: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()
    stories: int = 0


@dataclass(frozen=True, slots=True)
class StoryReport:
    """One story with its articles (in story order), their comparison and its analysis
    (entities, numbers, quotes, conflicts, chain of sources, blindspots, timeline)."""

    story: Story
    articles: tuple[Article, ...]
    comparison: Comparison
    analysis: Analysis | None = None
    extras: dict[str, object] = field(default_factory=dict)


def analysed(report: StoryReport) -> StoryReport:
    """The report with its deeper analysis filled in (computed on demand: it is derived)."""
    if report.analysis is not None:
        return report
    from storyline.compare.analysis import analyse

    analysis = analyse(report.story, report.articles, report.comparison)
    return replace(report, analysis=analysis)


def prepare(
    paths: Paths,
    *,
    source: str | None = None,
    format: str = "auto",
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> Iterator[Article | Failure]:
    """Read and clean inputs: cleaned Articles, and a Failure per input that failed."""
    from storyline.ingest import MAX_BYTES, read

    items = read(paths, source=source, format=format, max_bytes=max_bytes or MAX_BYTES)
    yield from clean_items(items, progress=progress)


def clean_items(
    items: Iterable[Article | Failure], *, progress: Progress | None = None
) -> Iterator[Article | Failure]:
    """Clean the read articles as one batch (repeated lines per source); pass failures on."""
    from storyline.clean import clean_batch

    articles: list[Article] = []
    for item in items:
        if isinstance(item, Failure):
            _tick(progress, item)
            yield item
        else:
            articles.append(item)
    for article in _clean_safely(articles, clean_batch):
        _tick(progress, article)
        yield article


def _clean_safely(articles: list[Article], clean_batch: Callable) -> Iterator[Article | Failure]:
    """Clean the batch; if the batch fails, clean one by one so one bad article fails alone."""
    try:
        yield from list(clean_batch(articles))
        return
    except Exception:  # noqa: BLE001 - isolate the article that breaks, below
        pass
    for article in articles:
        try:
            yield from list(clean_batch([article]))
        except Exception as exc:  # noqa: BLE001 - reported as a Failure naming the input
            yield Failure(article.path or article.id, f"cleaning failed: {exc}")


def _tick(progress: Progress | None, item: Article | Failure) -> None:
    if progress is not None:
        progress(item)


def build_stories(articles: Sequence[Article]) -> list[StoryReport]:
    """Group articles into stories and compare each story's articles."""
    from storyline.compare import compare
    from storyline.stories import group

    by_id = {a.id: a for a in articles}
    reports = []
    for story in group(list(articles)):
        members = tuple(by_id[i] for i in story.articles)
        reports.append(StoryReport(story, members, compare(story, members)))
    return reports


def compare_paths(
    paths: Paths, *, source: str | None = None, format: str = "auto", max_bytes: int | None = None
) -> tuple[list[StoryReport], list[Failure]]:
    """One shot, in memory: ingest, clean, group and compare the given inputs."""
    articles: dict[str, Article] = {}
    failures: list[Failure] = []
    for item in prepare(paths, source=source, format=format, max_bytes=max_bytes):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            articles.setdefault(item.id, item)
    return build_stories(list(articles.values())), failures


def ingest(
    store: Store,
    paths: Paths,
    *,
    source: str | None = None,
    format: str = "auto",
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, clean and store inputs, then regroup and compare the stored articles."""
    items = prepare(paths, source=source, format=format, max_bytes=max_bytes, progress=progress)
    return store_items(store, items)


def store_items(store: Store, items: Iterable[Article | Failure]) -> IngestReport:
    """Store cleaned articles (idempotent), then regroup; failures are passed through."""
    items = list(items)
    failures = tuple(i for i in items if isinstance(i, Failure))
    articles = _unique([i for i in items if isinstance(i, Article)])
    added = store.add_articles(articles) if articles else []
    new = tuple(a.id for a, is_new in zip(articles, added, strict=True) if is_new)
    old = tuple(a.id for a, is_new in zip(articles, added, strict=True) if not is_new)
    stories = restory(store) if new else store.count_stories()
    return IngestReport(new, old, failures, stories)


def _unique(articles: list[Article]) -> list[Article]:
    seen: dict[str, Article] = {}
    for article in articles:
        seen.setdefault(article.id, article)
    return list(seen.values())


def restory(store: Store) -> int:
    """Regroup every stored article into stories and store them with their comparisons."""
    reports = build_stories(list(store.articles()))
    store.put_stories((r.story, r.comparison) for r in reports)
    return len(reports)


def story_report(store: Store, story_id: str) -> StoryReport:
    """A stored story with its articles and comparison; NotFound for an unknown id."""
    story = store.story(story_id)
    if story is None:
        raise NotFound(f"no story {story_id!r} in this database; list them with: storyline stories")
    articles = tuple(store.articles(story.articles))
    comparison = store.comparison(story_id)
    if comparison is None:
        from storyline.compare import compare

        comparison = compare(story, articles)
    return StoryReport(story, articles, comparison)


def story_reports(store: Store) -> list[StoryReport]:
    """Every stored story as a report, newest first."""
    return [story_report(store, s.id) for s in store.stories()]


def ingest_uploads(
    store: Store,
    files: Sequence[tuple[str, bytes]],
    *,
    source: str | None = None,
    format: str = "auto",
) -> IngestReport:
    """Like :func:`ingest` for in-memory inputs (uploads): ``(name, content)`` pairs."""
    from storyline.ingest import read_text

    items = (
        x for name, data in files for x in read_text(data, name=name, source=source, format=format)
    )
    return store_items(store, clean_items(items))
