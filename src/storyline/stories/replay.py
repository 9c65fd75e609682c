"""Resume the streaming assigner from stored profiles ("stories.stream.v1" over a store).

A :class:`~storyline.stories.stream.StoryAssigner` lives in memory; a store keeps, per assigned
article, its similarity profile and how many corrections had been recorded before it was
assigned. :func:`replay` rebuilds the assigner by assigning the stored articles again in the
order they were first assigned, with each recorded correction applied at the point it was
made, and then assigns the new articles in time order. No text is encoded again (profiles are
stored), so replay costs the candidate search and rescoring only; the result equals the one
of a long-running assigner that saw the same articles and corrections.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storyline.errors import StorylineError
from storyline.model import Article, Correction, Event, Story
from storyline.stories import features as F
from storyline.stories.stream import METHOD, StoryAssigner, minutes


def arrival_order(articles: Sequence[Article]) -> list[Article]:
    """Articles by publication time (else ingest time; undated last), then id."""

    def key(a: Article) -> tuple[int, str]:
        when = a.published or a.ingested
        return (minutes(when) if when else 2**62, a.id)

    return sorted(articles, key=key)


def replay(
    articles: Mapping[str, Article],
    stored: Sequence[tuple[str, int, F.Profile]],
    corrections: Sequence[Correction],
    new: Sequence[tuple[Article, F.Profile]] = (),
    **settings: object,
) -> StoryAssigner:
    """The assigner after ``stored`` rows ``(article id, corrections before it, profile)`` in
    order, the corrections at their points, then ``new`` (article, profile) pairs in order.
    A correction that no longer applies (an id it names is gone) is skipped."""
    assigner = StoryAssigner(**settings)  # type: ignore[arg-type]
    done = 0
    for article_id, before, profile in stored:
        done = apply_upto(assigner, corrections, done, before)
        if article_id in articles:
            assigner.assign(articles[article_id], profile)
    done = apply_upto(assigner, corrections, done, len(corrections))
    for article, profile in new:
        assigner.assign(article, profile)
    return assigner


def apply_upto(
    assigner: StoryAssigner, corrections: Sequence[Correction], done: int, upto: int
) -> int:
    """Apply ``corrections[done:upto]`` (skipping those that no longer apply); returns the
    new count of applied corrections."""
    for correction in corrections[done:upto]:
        try:
            assigner.apply(correction)
        except StorylineError:
            continue  # made on stories of an earlier grouping: nothing left to correct
    return max(done, min(upto, len(corrections)))


def titled(
    stories: Sequence[Story], articles: Mapping[str, Article], previous: Mapping[str, Story] = {}
) -> list[Story]:
    """``stories`` (from ``StoryAssigner.stories()``) with titles: the earliest article's title,
    else its lead; a story with the same articles as in ``previous`` keeps that title.
    ``articles`` must hold the articles of every story that is new or changed."""
    from storyline.stories.group import _title

    out = []
    for s in stories:
        old = previous.get(s.id)
        same = old is not None and old.articles == s.articles
        title = old.title if same and old else _title([articles[a] for a in s.articles])
        out.append(Story(s.id, s.articles, title, METHOD))
    return out


def titled_events(events: Sequence[Event], articles: Mapping[str, Article]) -> list[Event]:
    """``events`` with titles (the earliest article's title, else its lead), as :func:`titled`."""
    from dataclasses import replace

    from storyline.stories.group import _title

    return [replace(e, title=_title([articles[a] for a in e.articles])) for e in events]
