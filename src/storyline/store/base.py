"""The Store protocol: the one narrow interface every backend implements, in the domain's words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

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
from storyline.store.reuse_codec import ReuseChanges


@runtime_checkable
class Store(Protocol):
    """Where articles, stories and comparisons live.

    Writes are atomic per call: a call that raises leaves the store as it was.
    """

    def add_articles(self, articles: Iterable[Article]) -> list[bool]:
        """Store articles; per article True if new, False if its id was already stored."""
        ...

    def article(self, article_id: str) -> Article | None:
        """One article by id, or None."""
        ...

    def articles(self, ids: Iterable[str] | None = None) -> Iterator[Article]:
        """The given articles (in the given order), or all of them in ingest order."""
        ...

    def count_articles(self) -> int: ...

    def put_stories(self, stories: Iterable[tuple[Story, Comparison | None]]) -> None:
        """Replace the stored stories with these (story, comparison) pairs, atomically."""
        ...

    def stories(self) -> list[Story]:
        """All stories, newest first."""
        ...

    def story(self, story_id: str) -> Story | None: ...

    def comparison(self, story_id: str) -> Comparison | None: ...

    def put_story(self, story: Story, comparison: Comparison | None = None) -> None:
        """Insert or replace one story and its comparison (None removes a stored one)."""
        ...

    def delete_story(self, story_id: str) -> bool:
        """Remove one story and its comparison; False if it was not stored."""
        ...

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
        """One page of stories, newest first (by their latest article's published, else
        ingested, time; ties by id). ``source``/``language``/``agency`` keep stories with at
        least one such article (``agency``: credited by it); ``since``/``until`` keep stories
        whose latest time is in [since, until); ``min_size`` keeps stories of at least that
        many articles (2 hides singletons). ``sort``: ``recent`` (newest first), ``coverage``
        (most outlets, then most languages, then newest) or ``size`` (most articles, then
        newest); another value raises InputError."""
        ...

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
        """How many stories :meth:`stories_page` would page through with these filters."""
        ...

    def story_facets(self, query: str | None = None, **filters: Any) -> dict[str, Any]:
        """Facets of the stories that the filters of :meth:`stories_page` (and a search
        ``query``, as :meth:`search`) keep: ``{"language"|"source"|"agency"|"date": [{"value",
        "count"}, ...]}``, the count being stories; most frequent first (``date``, the day of
        a story's latest report: newest first), at most ``coverage.FACET_TOP`` each."""
        ...

    def stories_of(self, article_id: str) -> list[Story]:
        """Stories that contain the article, newest first."""
        ...

    def search(
        self, query: str, *, limit: int | None = 50, offset: int = 0, **filters: Any
    ) -> list[Story]:
        """Stories with an article whose title or text holds every word of ``query``
        (``word*`` for a prefix), newest first; takes the filters and ``sort`` of
        :meth:`stories_page`.
        Any input is safe: punctuation separates words and is never syntax."""
        ...

    def count_search(self, query: str, *, upto: int | None = None, **filters: Any) -> int:
        """How many stories :meth:`search` finds (same filters); with ``upto``, counting
        stops there: the answer is ``min(found, upto)``."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    # reuse: duplicate groups, shared passages, attribution (see docs/reuse.md)

    def put_reuse(
        self,
        update: ReuseChanges,
        state: bytes | None = None,
        segment: bytes | None = None,
        *,
        restart: bool = False,
    ) -> None:
        """Apply one ``ReuseIndex.add`` result atomically: drop the ``replaced`` groups,
        insert or replace ``groups`` and ``attributions``, add ``passages`` (a passage stored
        already is kept once); ``state`` (a whole serialised index, legacy) replaces the
        stored one; ``segment`` (what the add appended to the index) is appended after the
        stored segments, in the same transaction (after deleting them all when ``restart``:
        the first segment of a rebuilt index)."""
        ...

    def reuse_state(self) -> bytes | None:
        """The serialised ReuseIndex stored by :meth:`put_reuse`, or None."""
        ...

    def reuse_segments(self) -> list[bytes]:
        """The index segments stored by :meth:`put_reuse`, in the order appended."""
        ...

    def passages_of(self, article_id: str) -> list[SharedPassage]:
        """Shared passages the article takes part in (as ``a`` or ``b``), in text order."""
        ...

    def count_passages(self) -> int: ...

    def dup_groups(self) -> list[DupGroup]:
        """Every duplicate group, by id."""
        ...

    def dup_group_of(self, article_id: str) -> DupGroup | None:
        """The near-duplicate group holding the article (else its exact group), or None."""
        ...

    def attribution(self, article_id: str) -> Attribution | None: ...

    def outlet_dependency(self) -> list[OutletDependency]:
        """Per source of the stored articles: wire share and agency dependency, by source."""
        ...

    # corrections (see docs/stories.md)

    def add_correction(self, correction: Correction) -> None:
        """Record a person's split/merge/move (InputError for one that cannot be replayed)."""
        ...

    def corrections(self) -> list[Correction]:
        """Every recorded correction, oldest first (the order they are replayed in)."""
        ...

    # streaming story assignment (see docs/stories.md, "In the CLI")

    def add_story_profiles(self, rows: Iterable[tuple[str, int, bytes]]) -> None:
        """Keep, per assigned article, ``(article_id, corrections recorded before it was
        assigned, serialised similarity profile)``; an article stored already keeps its row;
        an unknown article id raises StoreError and stores nothing."""
        ...

    def story_profiles(self, ids: Iterable[str] | None = None) -> list[tuple[str, int, bytes]]:
        """The rows of :meth:`add_story_profiles`, in the order they were added (only those
        of ``ids`` when given)."""
        ...

    def count_story_profiles(self) -> int: ...

    def article_ids(self) -> list[str]:
        """The ids of every stored article (cheap: no article is read)."""
        ...

    def assigner_state(self) -> AssignerState | None:
        """The assigner state saved by :meth:`save_assignment`, or None."""
        ...

    def put_analysis(
        self, story_id: str, analysis: Analysis, membership: tuple[Membership, ...]
    ) -> None:
        """Keep a stored story's analysis and explained membership (derived data, computed
        at ingest); replacing or deleting the story drops them. Unknown id: StoreError."""
        ...

    def stored_analysis(self, story_id: str) -> tuple[Analysis, tuple[Membership, ...]] | None:
        """What :meth:`put_analysis` kept for the story as it is now, or None."""
        ...

    def save_assignment(self, assignment: Assignment) -> None:
        """Atomically add the new profile rows (as :meth:`add_story_profiles`), replace the
        assigner state, insert or replace the changed stories with their comparisons and
        delete the removed ones; unknown article ids raise StoreError and store nothing."""
        ...

    # feed watching (storyline watch, see docs/ingest.md)

    def feed_state(self, url: str) -> FeedState | None:
        """What :meth:`put_feed_state` kept for the feed or sitemap ``url``, or None."""
        ...

    def put_feed_state(self, state: FeedState, seen: Iterable[tuple[str, str | None]] = ()) -> None:
        """Atomically keep ``state`` and mark the entry keys of ``seen`` (``(key, article id
        or None)``; a key is an entry's link, else its id) as read from ``state.url``."""
        ...

    def seen_entries(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` marked by :meth:`put_feed_state`, from any feed."""

    # crash safety (see docs/store.md)

    def batch(self) -> AbstractContextManager[None]:
        """A block whose writes (from this thread) land together or not at all: a batch
        interrupted by an exception or a kill leaves the durable store as it was before."""
        ...

    def stories_without_analysis(self) -> list[str]:
        """Ids of stored stories without a stored analysis (work an interrupted run left)."""

        ...

    # events: the tight level inside stories (see docs/stories.md, "Two levels")

    def put_events(self, events: Iterable[Event], *, stories: Iterable[str] | None = None) -> None:
        """Replace the stored events of ``stories`` (every stored event when None) with
        ``events``, in one transaction."""
        ...

    def events(self, story_id: str | None = None) -> list[Event]:
        """Stored events (only those of ``story_id`` when given), by story then id."""
        ...

    def event(self, event_id: str) -> Event | None: ...
