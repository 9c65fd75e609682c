"""The Store protocol: the one narrow interface every backend implements, in the domain's words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

from storyline.model import Article, Comparison, Story


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
    ) -> list[Story]:
        """One page of stories, newest first (by their latest article's published, else
        ingested, time; ties by id). ``source``/``language`` keep stories with at least one
        such article; ``since``/``until`` keep stories whose latest time is in [since, until)."""
        ...

    def count_stories(
        self,
        *,
        source: str | None = None,
        language: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many stories :meth:`stories_page` would page through with these filters."""
        ...

    def stories_of(self, article_id: str) -> list[Story]:
        """Stories that contain the article, newest first."""
        ...

    def search(
        self, query: str, *, limit: int | None = 50, offset: int = 0, **filters: Any
    ) -> list[Story]:
        """Stories with an article whose title or text holds every word of ``query``
        (``word*`` for a prefix), newest first; takes the filters of :meth:`stories_page`.
        Any input is safe: punctuation separates words and is never syntax."""
        ...

    def count_search(self, query: str, **filters: Any) -> int: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
