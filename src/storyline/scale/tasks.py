"""The per-record work an engine runs on its workers, as named batch functions.

Each task takes a list of inputs and returns a list of outputs in the same order; it holds
no state of its own beyond the models the stages load once per process (encoders, lemma
indexes), so a worker that keeps running (a Ray actor, a pool process) pays for them once.
The names are what an engine sends over the wire (see :data:`TASKS`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from storyline.model import Analysis, Article, Comparison, Failure, Story

if TYPE_CHECKING:
    from storyline.clean.cleaner import Repeated

#: A cleaning task: an article as read and what repeats across its outlet's reports.
CleanTask = tuple[Article, "Repeated"]


def clean(batch: Sequence[CleanTask]) -> list[Article | Failure]:
    """Clean each article with the lines its outlet repeats (the per-article cleaning of
    ingest); an article whose cleaning fails becomes a Failure naming its input, as in a
    local ingest."""
    from storyline.clean import clean as clean_one

    out: list[Article | Failure] = []
    for article, repeated in batch:
        try:
            out.append(clean_one(article, repeated=repeated))
        except Exception as exc:  # noqa: BLE001 - reported as a Failure naming the input
            out.append(Failure(article.path or article.id, f"cleaning failed: {exc}"))
    return out


def profiles(articles: Sequence[Article], model: str = "use") -> list[Any]:
    """The story profiles of ``articles`` (what :meth:`StoryAssigner.profile` computes, in
    one batch: the caller cuts the chunks, see ``pipeline.profile_articles``)."""
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
    "clean": clean,
    "profiles": profiles,
    "compare_stories": compare_stories,
}


def run(name: str, batch: Sequence[Any], **options: Any) -> list[Any]:
    """Run task ``name`` on ``batch`` (what every engine's worker calls)."""
    try:
        task = TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; known: {', '.join(sorted(TASKS))}") from None
    return task(batch, **options)
