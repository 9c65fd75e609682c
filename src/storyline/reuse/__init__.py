"""Reuse: exact and near-duplicate articles, shared passages, wire attribution.

One-shot functions for a batch of articles, and :class:`ReuseIndex` for incremental use::

    index = ReuseIndex()
    update = index.add(articles)      # only what the new articles changed
    blob = index.to_bytes()           # persist; ReuseIndex.from_bytes(blob) restores it
"""

from __future__ import annotations

from collections.abc import Iterable

from storyline.model import Article, Attribution, DupGroup, OutletDependency, SharedPassage
from storyline.reuse.attribution import attribute, outlet_dependency
from storyline.reuse.dedup import DedupConfig
from storyline.reuse.index import ReuseIndex, ReuseUpdate
from storyline.reuse.passages import PassageConfig

__all__ = [
    "DedupConfig",
    "PassageConfig",
    "ReuseIndex",
    "ReuseUpdate",
    "attribute",
    "near_duplicates",
    "outlet_dependency",
    "reuse",
    "shared_passages",
]


def near_duplicates(
    articles: Iterable[Article], config: DedupConfig | None = None
) -> list[DupGroup]:
    """Exact and near-duplicate groups among ``articles``."""
    index = ReuseIndex(dedup=config)
    index.add(articles)
    return index.groups()


def shared_passages(
    articles: Iterable[Article], config: PassageConfig | None = None
) -> tuple[SharedPassage, ...]:
    """Every passage of at least ``config.min_words`` words shared by two of ``articles``."""
    index = ReuseIndex(passage=config)
    return index.add(articles).passages


def reuse(
    articles: Iterable[Article],
) -> tuple[list[DupGroup], tuple[SharedPassage, ...], list[Attribution], list[OutletDependency]]:
    """Groups, passages, attributions and outlet dependency of a batch, in one pass."""
    items = list(articles)
    index = ReuseIndex()
    index.add(items)
    passages = index.passages()
    attributions = attribute(items, passages)
    return index.groups(), passages, attributions, outlet_dependency(items, attributions)
