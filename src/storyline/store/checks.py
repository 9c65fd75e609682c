"""Checks and encodings every backend applies before writing, so both refuse the same input."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from storyline.errors import StoreError
from storyline.model import Article, Comparison, Story
from storyline.store import codec


@dataclass(frozen=True, slots=True)
class Filters:
    """Which stories a page or count keeps; None means no restriction."""

    source: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    agency: str | None = None
    min_size: int = 1

    def keys(self) -> tuple[str | None, str | None]:
        """``since`` and ``until`` as sortable time keys."""
        since = codec.time_key(self.since) if self.since is not None else None
        until = codec.time_key(self.until) if self.until is not None else None
        return since, until


def article_row(article: Article) -> dict[str, object]:
    """The ``articles`` row for an article, or StoreError naming the article."""
    if not isinstance(article, Article):
        raise StoreError(f"expected an Article, got {type(article).__name__}; nothing was stored")
    try:
        row = codec.article_to_row(article)
    except (TypeError, ValueError) as e:
        raise StoreError(
            f"article {article.id!r} cannot be stored: {e}; nothing of this call was stored"
        ) from e
    row["time_key"] = codec.time_key(article.published or article.ingested)
    return row


def encode_comparison(comparison: Comparison) -> tuple[str, str]:
    """Alignments and shares as JSON text, or StoreError naming the story."""
    try:
        data = codec.comparison_to_dict(comparison)
        return codec.dumps(data["alignments"]), codec.dumps(data["shares"])
    except (TypeError, ValueError, AttributeError, KeyError) as e:
        raise StoreError(
            f"comparison of story {comparison.story!r} cannot be stored: {e}; "
            "nothing of this call was stored"
        ) from e


def check_pairs(
    pairs: Iterable[tuple[Story, Comparison | None]],
) -> list[tuple[Story, Comparison | None]]:
    """The pairs as a list, after checking ids are unique and each comparison is its story's."""
    checked = [check_pair(story, comparison) for story, comparison in pairs]
    seen: set[str] = set()
    for story, _ in checked:
        if story.id in seen:
            raise StoreError(f"story id {story.id!r} appears twice; nothing was stored")
        seen.add(story.id)
    return checked


def check_pair(story: Story, comparison: Comparison | None) -> tuple[Story, Comparison | None]:
    if not isinstance(story, Story) or not isinstance(story.id, str):
        raise StoreError(f"expected a Story with a str id, got {story!r:.80}; nothing was stored")
    if not isinstance(story.articles, tuple) or not all(isinstance(a, str) for a in story.articles):
        raise StoreError(f"story {story.id!r}: articles must be a tuple of article ids")
    if comparison is not None:
        if comparison.story != story.id:
            raise StoreError(
                f"comparison of story {comparison.story!r} was given with story {story.id!r}; "
                "pair each story with its own comparison"
            )
        encode_comparison(comparison)
    return story, comparison


def missing_article(story: Story, missing: str) -> StoreError:
    return StoreError(
        f"story {story.id!r} lists article {missing!r}, which is not stored; "
        "add_articles first. Nothing of this call was stored"
    )


def check_page(limit: int | None, offset: int) -> None:
    """Refuse a negative limit or offset (SQL and list slicing would disagree on them)."""
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError(f"limit and offset must be >= 0, got limit={limit}, offset={offset}")
