"""Profiles of many articles on every core (see :mod:`storyline.parallel`).

A profile (:mod:`storyline.stories.features`) is per-article work: sentence encoding,
lemmas, entities, numbers and shingles of one text, independent of every other article. A
large batch is split into chunks of :data:`CHUNK` articles profiled by forked workers that
share the parent's loaded encoder and lemma indexes.

Results are those of :meth:`StoryAssigner.profile` on the whole batch: every text is encoded
on its own (a vector does not depend on its batch beyond float32 rounding, ~1e-7) and the
rest is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from storyline.model import Article
from storyline.parallel import chunked_map

if TYPE_CHECKING:
    from storyline.stories.features import Profile
    from storyline.stories.stream import StoryAssigner

#: Batches smaller than this are profiled in this process (forking costs more than it saves).
PARALLEL_MIN = 256
#: Articles per task sent to a worker.
CHUNK = 64

_assigner: StoryAssigner | None = None  # the assigner the forked workers profile with


def profile_many(
    assigner: StoryAssigner, articles: Sequence[Article], *, workers: int | None = None
) -> list[Profile]:
    """Profiles of ``articles`` (in order) by ``assigner``'s encoders; ``workers`` processes
    (None: one per available core) for batches of at least :data:`PARALLEL_MIN` articles."""
    global _assigner
    _assigner = assigner
    try:
        return chunked_map(
            _profile_chunk, articles, chunk=CHUNK, min_items=PARALLEL_MIN, workers=workers
        )
    finally:
        _assigner = None


def _profile_chunk(articles: list[Article]) -> list[Profile]:
    assert _assigner is not None, "profile_many sets the assigner before forking"
    return _assigner.profile(articles)


__all__ = ["CHUNK", "PARALLEL_MIN", "profile_many"]
