"""In-memory store: the reference backend for tests and one-shot commands."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storyline.errors import StoreError
from storyline.model import (
    Analysis,
    Article,
    AssignerState,
    Assignment,
    Attribution,
    Comparison,
    Correction,
    DupGroup,
    Event,
    FeedState,
    Membership,
    OutletDependency,
    SharedPassage,
    Story,
)
from storyline.store import coverage, terms
from storyline.store.checks import (
    Filters,
    article_row,
    check_page,
    check_pair,
    check_pairs,
    missing_article,
)
from storyline.store.reuse_codec import (
    ReuseChanges,
    StagedReuse,
    dependency,
    missing_reuse_article,
    passage_key,
    stage_reuse,
)


class MemoryStore:
    """Articles, stories and comparisons in dicts. Same contract as :class:`SQLiteStore`."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._articles: dict[str, Article] = {}
        self._words: dict[str, frozenset[str]] = {}
        self._keys: dict[str, str] = {}
        self._stories: dict[str, Story] = {}
        self._comparisons: dict[str, Comparison] = {}
        self._latest: dict[str, str] = {}
        self._order: list[Story] | None = None
        self._closed = False
        self._reuse = _ReuseTables()
        self._corrections: list[Correction] = []
        self._profiles: dict[str, tuple[str, int, bytes]] = {}
        self._assigner: AssignerState | None = None
        self._analyses: dict[str, tuple[Analysis, tuple[Membership, ...]]] = {}
        self._feeds: dict[str, FeedState] = {}
        self._seen: dict[str, tuple[str, str | None]] = {}

        self._events: dict[str, Event] = {}

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True

    # articles

    def add_articles(self, articles: Iterable[Article]) -> list[bool]:
        with self._lock:
            self._check_open()
            staged: dict[str, tuple[Article, dict[str, Any]]] = {}
            added = [self._stage(article, staged) for article in articles]
            for article_id, (article, row) in staged.items():
                self._articles[article_id] = article
                self._keys[article_id] = row["time_key"]
                self._words[article_id] = frozenset(_words(article))
            return added

    def _stage(self, article: Article, staged: dict[str, tuple[Article, dict[str, Any]]]) -> bool:
        row = article_row(article)
        if article.id in self._articles or article.id in staged:
            return False
        staged[article.id] = (article, row)
        return True

    def article(self, article_id: str) -> Article | None:
        self._check_open()
        return self._articles.get(article_id)

    def articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        self._check_open()
        if ids is None:
            yield from list(self._articles.values())
            return
        for article_id in ids:
            if article_id in self._articles:
                yield self._articles[article_id]

    def count_articles(self) -> int:
        self._check_open()
        return len(self._articles)

    # stories

    def put_stories(self, stories: Iterable[tuple[Story, Comparison | None]]) -> None:
        with self._lock:
            self._check_open()
            pairs = check_pairs(stories)
            for story, _ in pairs:
                self._check_articles(story)
            self._stories, self._comparisons, self._latest = {}, {}, {}
            self._analyses = {}
            self._order = None
            for story, comparison in pairs:
                self._put(story, comparison)

    def put_story(self, story: Story, comparison: Comparison | None = None) -> None:
        """Insert or replace one story and its comparison (None removes a stored one)."""
        with self._lock:
            self._check_open()
            check_pair(story, comparison)
            self._check_articles(story)
            self._put(story, comparison)

    def delete_story(self, story_id: str) -> bool:
        """Remove one story and its comparison; False if it was not stored."""
        with self._lock:
            self._check_open()
            found = self._stories.pop(story_id, None) is not None
            self._comparisons.pop(story_id, None)
            self._analyses.pop(story_id, None)
            self._latest.pop(story_id, None)
            self._order = None
            return found

    def _check_articles(self, story: Story) -> None:
        for article_id in story.articles:
            if article_id not in self._articles:
                raise missing_article(story, article_id)

    def _put(self, story: Story, comparison: Comparison | None) -> None:
        self._analyses.pop(story.id, None)
        self._stories[story.id] = story
        self._comparisons.pop(story.id, None)
        if comparison is not None:
            self._comparisons[story.id] = comparison
        self._latest[story.id] = max((self._keys[a] for a in story.articles), default="")
        self._order = None

    def story(self, story_id: str) -> Story | None:
        self._check_open()
        return self._stories.get(story_id)

    def comparison(self, story_id: str) -> Comparison | None:
        self._check_open()
        return self._comparisons.get(story_id)

    def stories(self) -> list[Story]:
        return self.stories_page(limit=None)

    def stories_page(
        self,
        *,
        limit: int | None = 50,
        offset: int = 0,
        source: str | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        agency: str | None = None,
        min_size: int = 1,
        sort: str = "recent",
    ) -> list[Story]:
        """Stories in ``sort`` order (newest first by default), filtered, one page."""
        kept = self._filtered(Filters(source, language, since, until, agency, min_size))
        return _page(self._sorted(kept, sort), limit, offset)

    def count_stories(
        self,
        *,
        source: str | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        agency: str | None = None,
        min_size: int = 1,
    ) -> int:
        return len(self._filtered(Filters(source, language, since, until, agency, min_size)))

    def story_facets(self, query: str | None = None, **filters: Any) -> dict[str, Any]:
        """Per facet, the stories of each value among those kept (see the Store protocol)."""
        chosen = Filters(**filters)
        kept = self._found(query, chosen) if query and query.strip() else self._filtered(chosen)
        pairs = ((self._coverage(s), self._latest[s.id]) for s in kept)
        return coverage.facet_lists(coverage.count_facets(pairs))

    def _coverage(self, story: Story) -> coverage.Coverage:
        return coverage.coverage(self._articles[a] for a in story.articles)

    def _sorted(self, stories: list[Story], sort: str) -> list[Story]:
        if coverage.check_sort(sort) == "recent":
            return stories
        return sorted(stories, key=lambda s: coverage.sort_key(sort, self._coverage(s)))

    def stories_of(self, article_id: str) -> list[Story]:
        """Stories that contain the article, newest first."""
        return [s for s in self._ordered() if article_id in s.articles]

    def search(
        self, query: str, *, limit: int | None = 50, offset: int = 0, **filters: Any
    ) -> list[Story]:
        """Stories with an article whose title or text contains every word of the query."""
        sort = filters.pop("sort", "recent")
        return _page(self._sorted(self._found(query, Filters(**filters)), sort), limit, offset)

    def count_search(self, query: str, *, upto: int | None = None, **filters: Any) -> int:
        found = len(self._found(query, Filters(**filters)))
        return found if upto is None else min(found, upto)

    def _found(self, query: str, filters: Filters) -> list[Story]:
        wanted = terms.parse_query(query)
        if not wanted:
            return []
        hits = {a for a, words in self._words.items() if terms.matches(wanted, words)}
        return [s for s in self._filtered(filters) if hits.intersection(s.articles)]

    def _filtered(self, filters: Filters) -> list[Story]:
        if filters == Filters():
            return self._ordered()
        since, until = filters.keys()
        return [s for s in self._ordered() if self._keep(s, filters, since, until)]

    def _keep(self, story: Story, f: Filters, since: str | None, until: str | None) -> bool:
        latest = self._latest[story.id]
        if since is not None and not latest >= since:
            return False
        if until is not None and not ("" < latest < until):
            return False
        if len(story.articles) < f.min_size:
            return False
        if f.agency is not None and ("agency", f.agency) not in self._coverage(story).keys:
            return False
        return self._has(story, "source", f.source) and self._has(story, "language", f.language)

    def _has(self, story: Story, field: str, value: str | None) -> bool:
        if value is None:
            return True
        return any(getattr(self._articles[a], field) == value for a in story.articles)

    def _ordered(self) -> list[Story]:
        """All stories newest first; cached until the next story write."""
        self._check_open()
        with self._lock:
            if self._order is None:
                order = sorted(self._stories.values(), key=lambda s: s.id)
                order.sort(key=lambda s: self._latest[s.id], reverse=True)
                self._order = order
            return self._order

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the in-memory store is closed; open a new one with open_store()")

    # reuse

    def put_reuse(
        self,
        update: ReuseChanges,
        state: bytes | None = None,
        segment: bytes | None = None,
        *,
        restart: bool = False,
    ) -> None:
        """Apply one ReuseIndex update atomically (see :class:`Store`)."""
        with self._lock:
            self._check_open()
            staged = stage_reuse(update)
            for article_id in sorted(staged.article_ids()):
                if article_id not in self._articles:
                    raise missing_reuse_article(article_id)
            self._reuse.apply(staged, state)
            if restart:
                self._reuse.segments.clear()
            if segment is not None:
                self._reuse.segments.append(bytes(segment))

    def reuse_state(self) -> bytes | None:
        self._check_open()
        return self._reuse.state

    def reuse_segments(self) -> list[bytes]:
        self._check_open()
        return list(self._reuse.segments)

    def passages_of(self, article_id: str) -> list[SharedPassage]:
        self._check_open()
        found = self._reuse.passages_by_article.get(article_id, {})
        return sorted(found.values(), key=lambda p: _text_order(p, article_id))

    def count_passages(self) -> int:
        self._check_open()
        return len(self._reuse.passages)

    def dup_groups(self) -> list[DupGroup]:
        self._check_open()
        return sorted(self._reuse.groups.values(), key=lambda g: g.id)

    def dup_group_of(self, article_id: str) -> DupGroup | None:
        found = [g for g in self.dup_groups() if article_id in g.articles]
        return min(found, key=lambda g: (g.kind != "near", g.id), default=None)

    def attribution(self, article_id: str) -> Attribution | None:
        self._check_open()
        return self._reuse.attributions.get(article_id)

    def outlet_dependency(self) -> list[OutletDependency]:
        self._check_open()
        rows = [(a.id, a.source, len(a.text)) for a in self._articles.values()]
        return dependency(rows, self._reuse.attributions.values())

    # corrections: a person's split/merge/move, replayed after automatic grouping

    def add_correction(self, correction: Correction) -> None:
        from storyline.store.corrections import check_correction

        check_correction(correction)
        with self._lock:
            self._check_open()
            self._corrections.append(correction)

    def corrections(self) -> list[Correction]:
        self._check_open()
        return list(self._corrections)

    # streaming assignment: per article, its similarity profile and the corrections before it

    def add_story_profiles(self, rows: Iterable[tuple[str, int, bytes]]) -> None:
        with self._lock:
            self._check_open()
            self._add_profiles(self._checked_profiles(rows))

    def _checked_profiles(
        self, rows: Iterable[tuple[str, int, bytes]]
    ) -> list[tuple[str, int, bytes]]:
        rows = list(rows)
        for article_id, _, _ in rows:
            if article_id not in self._articles:
                raise StoreError(f"article {article_id!r} is not stored; add_articles first")
        return rows

    def _add_profiles(self, rows: list[tuple[str, int, bytes]]) -> None:
        for article_id, before, data in rows:
            self._profiles.setdefault(article_id, (article_id, int(before), bytes(data)))

    def story_profiles(self, ids: Iterable[str] | None = None) -> list[tuple[str, int, bytes]]:
        self._check_open()
        if ids is None:
            return list(self._profiles.values())
        wanted = set(ids)
        return [row for row in self._profiles.values() if row[0] in wanted]

    def count_story_profiles(self) -> int:
        self._check_open()
        return len(self._profiles)

    def article_ids(self) -> list[str]:
        self._check_open()
        return sorted(self._articles)

    def assigner_state(self) -> AssignerState | None:
        self._check_open()
        return self._assigner

    def put_analysis(
        self, story_id: str, analysis: Analysis, membership: tuple[Membership, ...]
    ) -> None:
        with self._lock:
            self._check_open()
            if story_id not in self._stories:
                raise StoreError(f"no story {story_id!r} is stored; put_stories first")
            self._analyses[story_id] = (analysis, tuple(membership))

    def stored_analysis(self, story_id: str) -> tuple[Analysis, tuple[Membership, ...]] | None:
        self._check_open()
        return self._analyses.get(story_id)

    def save_assignment(self, assignment: Assignment) -> None:
        with self._lock:
            self._check_open()
            rows = self._checked_profiles(assignment.profiles)
            pairs = check_pairs(assignment.stories)
            for story, _ in pairs:
                self._check_articles(story)
            self._add_profiles(rows)
            for story_id in assignment.removed:
                self.delete_story(story_id)
            for story, comparison in pairs:
                self._put(story, comparison)
            self._assigner = assignment.state

    # feed watching

    def feed_state(self, url: str) -> FeedState | None:
        with self._lock:
            self._check_open()
            return self._feeds.get(url)

    def put_feed_state(self, state: FeedState, seen: Iterable[tuple[str, str | None]] = ()) -> None:
        with self._lock:
            self._check_open()
            rows = list(seen)
            self._feeds[state.url] = state
            for key, article_id in rows:
                self._seen.setdefault(key, (state.url, article_id))

    def seen_entries(self, keys: Iterable[str]) -> set[str]:
        with self._lock:
            self._check_open()
            return {key for key in keys if key in self._seen}

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the store for one thread's writes (a memory store has no crash to survive:
        an exception inside leaves the calls made before it)."""
        with self._lock:
            yield

    def stories_without_analysis(self) -> list[str]:
        with self._lock:
            return sorted(set(self._stories) - set(self._analyses))

    # events

    def put_events(self, events: Iterable[Event], *, stories: Iterable[str] | None = None) -> None:
        with self._lock:
            self._check_open()
            events = list(events)
            if stories is None:
                self._events = {}
            else:
                gone = set(stories)
                self._events = {k: e for k, e in self._events.items() if e.story not in gone}
            self._events.update((e.id, e) for e in events)

    def events(self, story_id: str | None = None) -> list[Event]:
        self._check_open()
        found = [e for e in self._events.values() if story_id is None or e.story == story_id]
        return sorted(found, key=lambda e: (e.story, e.id))

    def event(self, event_id: str) -> Event | None:
        self._check_open()
        return self._events.get(event_id)


@dataclass(slots=True)
class _ReuseTables:
    """The memory backend's reuse tables."""

    groups: dict[str, DupGroup] = field(default_factory=dict)
    passages: dict[tuple, SharedPassage] = field(default_factory=dict)
    passages_by_article: dict[str, dict[tuple, SharedPassage]] = field(default_factory=dict)
    attributions: dict[str, Attribution] = field(default_factory=dict)
    state: bytes | None = None
    segments: list[bytes] = field(default_factory=list)

    def apply(self, staged: StagedReuse, state: bytes | None) -> None:
        for group_id in staged.replaced:
            self.groups.pop(group_id, None)
        self.groups.update((g.id, g) for g in staged.groups)
        for p in staged.passages:
            key = passage_key(p)
            self.passages.setdefault(key, p)
            for article_id in (p.a, p.b):
                self.passages_by_article.setdefault(article_id, {}).setdefault(key, p)
        self.attributions.update((att.article, att) for att, _ in staged.attributions)
        if state is not None:
            self.state = bytes(state)


def _text_order(p: SharedPassage, article_id: str) -> tuple[int, int, str]:
    if p.a == article_id:
        return (p.a_start, p.a_end, p.b)
    return (p.b_start, p.b_end, p.a)


def _words(article: Article) -> list[str]:
    return terms.words(f"{article.title or ''}\n{article.text}")


def _page(stories: list[Story], limit: int | None, offset: int) -> list[Story]:
    check_page(limit, offset)
    if limit is None:
        return stories[offset:]
    return stories[offset : offset + limit]
