from __future__ import annotations

from storyline.stories.explain import explain_story, shared_passages
from storyline.stories.stream import StoryAssigner


def test_shared_passages_finds_the_common_run():
    a = "Vorher. Der Präsident traf am Mittwoch den Machthaber auf dem Weltraumbahnhof im Osten. Ende."
    b = "Anders: der Präsident traf am Mittwoch den Machthaber auf dem Weltraumbahnhof im Osten, hiess es."
    assert shared_passages(a, b) == [
        "der präsident traf am mittwoch den machthaber auf dem weltraumbahnhof im osten"
    ]
    assert shared_passages(a, "ganz etwas anderes") == []


def test_seed_story_is_explained(seeds):
    assigner = StoryAssigner()
    profiles = assigner.profile(seeds)
    assigner.partial_fit(seeds, profiles)
    story = assigner.stories()[0]
    members = explain_story(story, seeds, profiles=profiles, assigner=assigner)
    assert [m.article for m in members] == [s.id for s in seeds]
    first, second = members
    assert first.reason == "founded" and second.reason == "joined"
    assert second.matches[0][0] == seeds[0].id and second.score <= assigner.join_below
    assert {"putin", "kim"} <= set(second.shared_entities)
    assert any("putin" in p for p in second.shared_passages)
    assert dict(second.parts)["use_cos"] > 0.5 and second.gap_hours == 1.0
