"""The per-record work an engine runs on its workers, as named batch functions.

Each task takes a list of inputs and returns a list of outputs in the same order; it holds
no state of its own beyond the models the stages load once per process (encoders, lemma
indexes), so a worker that keeps running (a Ray actor, a pool process) pays for them once.
The names are what an engine sends over the wire (see :data:`TASKS`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from storyline.model import Analysis, Article, Comparison, Failure, Story

#: A cleaning task: an article as read and the lines repeated across its outlet's articles.
CleanTask = tuple[Article, frozenset[str]]


def prepare(batch: Sequence[CleanTask], model: str = "use") -> list[tuple[Article | Failure, Any]]:
    """Clean each article and compute its story profile (the per-article work of ingest).

    Returns ``(article, profile)`` per task, or ``(Failure, None)`` for an article whose
    cleaning failed (named by its input, as a local ingest names it)."""
    from storyline.clean import clean

    cleaned: list[Article | Failure] = []
    for article, repeated in batch:
        try:
            cleaned.append(clean(article, repeated=repeated))
        except Exception as exc:  # noqa: BLE001 - reported as a Failure naming the input
            cleaned.append(Failure(article.path or article.id, f"cleaning failed: {exc}"))
    good = [a for a in cleaned if isinstance(a, Article)]
    found = iter(profiles(good, model) if good else [])
    return [(a, next(found)) if isinstance(a, Article) else (a, None) for a in cleaned]


def profiles(articles: Sequence[Article], model: str = "use") -> list[Any]:
    """The story profiles of ``articles`` (what :meth:`StoryAssigner.profile` computes)."""
    from storyline.stories.features import profiles as build
    from storyline.stories.similarity import _encoders
    from storyline.stories.stream import article_text

    use, e5 = _encoders(model)
    return build([article_text(a) for a in articles], [a.language for a in articles], use, e5)


def compare_stories(
    batch: Sequence[tuple[Story, tuple[Article, ...]]],
) -> list[tuple[Comparison, Analysis]]:
    """Compare and analyse each story with its articles (the per-story work of ingest)."""
    from storyline.compare import compare
    from storyline.compare.analysis import analyse

    out = []
    for story, members in batch:
        comparison = compare(story, members)
        out.append((comparison, analyse(story, members, comparison)))
    return out


#: Task name -> batch function; an engine runs tasks by these names.
TASKS: dict[str, Callable[..., list[Any]]] = {
    "prepare": prepare,
    "compare_stories": compare_stories,
}


def run(name: str, batch: Sequence[Any], **options: Any) -> list[Any]:
    """Run task ``name`` on ``batch`` (what every engine's worker calls)."""
    try:
        task = TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; known: {', '.join(sorted(TASKS))}") from None
    return task(batch, **options)
