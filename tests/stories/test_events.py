"""Two levels: events (tight) inside stories (loose), their corrections and saved state."""

from __future__ import annotations

import pytest

from storyline.errors import InputError, NotFound
from storyline.model import Correction
from storyline.stories.state_codec import state_from_bytes, state_to_bytes
from storyline.stories.stream import StoryAssigner

from .test_stream import NOW, profiles, run  # noqa: F401 - module fixture


def _nested(assigner: StoryAssigner) -> None:
    """Every event lies in one story, and every article is in exactly one event."""
    story_of = {a: s.id for s in assigner.stories() for a in s.articles}
    seen: list[str] = []
    for event in assigner.events():
        assert {story_of[a] for a in event.articles} == {event.story}
        seen += event.articles
    assert sorted(seen) == sorted(story_of)


def test_seed_pair_is_one_event_in_one_story(seeds, profiles):  # noqa: F811
    assigner = run(seeds, profiles)
    (event,) = assigner.events()
    assert event.articles == (seeds[0].id, seeds[1].id)
    assert event.story == assigner.story_id(seeds[0].id)
    _nested(assigner)


def test_score_between_thresholds_joins_the_story_in_a_new_event(seeds, profiles):  # noqa: F811
    score = run(seeds, profiles).membership(seeds[1].id).score
    assigner = run(seeds, profiles, join_below=score + 0.01, event_below=score - 0.01)
    assert len(assigner.stories()) == 1 and len(assigner.events()) == 2
    assert assigner.event_id(seeds[0].id) != assigner.event_id(seeds[1].id)
    _nested(assigner)


def test_event_threshold_never_exceeds_the_story_one():
    assert StoryAssigner(join_below=1.2, event_below=2.0).event_below == 1.2


def test_split_move_and_merge_events(seeds, unrelated, profiles):  # noqa: F811
    forum = unrelated["putin_forum"]
    assigner = run([*seeds, forum], profiles, event_below=1.45)
    event = assigner.event_id(seeds[0].id)
    kept, new = assigner.split_event(event, [seeds[1].id])
    assert kept.articles == (seeds[0].id,) and new.articles == (seeds[1].id,)
    assert new.story == kept.story  # same story, two events
    _nested(assigner)
    merged = assigner.merge_events(event, new.id)
    assert set(merged.articles) == {seeds[0].id, seeds[1].id}
    moved = assigner.move_to_event(forum.id, event)
    assert forum.id in moved.articles
    assert assigner.story_id(forum.id) == assigner.story_id(seeds[0].id)
    assert assigner.membership(forum.id).pinned
    _nested(assigner)


def test_story_corrections_keep_events_nested(seeds, unrelated, profiles):  # noqa: F811
    forum = unrelated["putin_forum"]
    assigner = run([*seeds, forum], profiles, event_below=1.45)
    story = assigner.story_id(seeds[0].id)
    assigner.split(story, [seeds[1].id])
    _nested(assigner)
    assigner.merge(story, assigner.story_id(seeds[1].id))
    _nested(assigner)
    assigner.move(forum.id, story)
    _nested(assigner)
    assert assigner.event_id(forum.id) not in {assigner.event_id(s.id) for s in seeds}


def test_event_corrections_replay_through_apply(seeds, profiles):  # noqa: F811
    assigner = run(seeds, profiles)
    event = assigner.event_id(seeds[0].id)
    assigner.apply(Correction("split-event", event, (seeds[1].id,)))
    assert len(assigner.events()) == 2
    with pytest.raises(InputError):
        assigner.apply_event(Correction("rename-event", event))
    with pytest.raises(NotFound):
        assigner.move_to_event(seeds[0].id, "ev-missing")
    with pytest.raises(InputError):
        assigner.split_event(event, [])


def test_events_survive_the_saved_state(seeds, unrelated, profiles):  # noqa: F811
    assigner = run([*seeds, unrelated["putin_forum"]], profiles, event_below=1.45)
    assigner.split_event(assigner.event_id(seeds[0].id), [seeds[1].id])
    restored = state_from_bytes(state_to_bytes(assigner))
    assert restored.events() == assigner.events()
    assert restored.stories() == assigner.stories()
