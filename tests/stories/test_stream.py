from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from storyline.errors import NotFound
from storyline.model import Correction
from storyline.stories.stream import StoryAssigner

from .conftest import article

NOW = datetime(2023, 9, 14, tzinfo=UTC)


@pytest.fixture(scope="module")
def profiles(seeds, unrelated):
    """Profiles computed once (encoding is the slow part, not assignment)."""
    arts = [*seeds, *unrelated.values()]
    return dict(zip([a.id for a in arts], StoryAssigner().profile(arts), strict=True))


def run(arts, profiles, now=NOW, **settings):
    assigner = StoryAssigner(**settings)
    assigner.partial_fit(arts, [profiles[a.id] for a in arts], now=now)
    return assigner


def test_seed_pair_forms_one_story(seeds, profiles):
    assigner = run(seeds, profiles)
    assert len(assigner.stories()) == 1
    assert assigner.predict(seeds)[0] == assigner.predict(seeds)[1]
    m = assigner.membership(seeds[1].id)
    assert m.reason == "joined" and m.matches[0][0] == seeds[0].id and m.gap_hours == 1.0


def test_same_day_same_people_other_events_stay_apart(seeds, unrelated, profiles):
    """Hand-made reports of other events with the same people on the same day. The shipped
    thresholds are fitted on real pairs (docs/stories.md): the seed pair stays one event, the
    2019 report stays apart, and the same-day reports join the seed story (the forum report,
    ~1.7, and the phone call, ~2.0, its event; the tractor factory, ~2.4 against the first
    seed report, through the dated margin: known errors, documented). At the old tight
    setting (1.45, no margin) all of them stay apart."""
    arts = [seeds[0], *unrelated.values(), seeds[1]]
    assigner = run(arts, profiles)
    seed_event = assigner.event_id(seeds[0].id)
    assert assigner.event_id(seeds[1].id) == seed_event
    old = next(k for k in unrelated if k.endswith("2019"))
    assert assigner.story_id(old) != assigner.story_id(seeds[0].id)
    tight = run(arts, profiles, join_below=1.45, event_below=1.45, dated_margin=0.0)
    assert tight.members(tight.story_id(seeds[0].id)) == (seeds[0].id, seeds[1].id)
    assert len(tight.stories()) == 1 + len(unrelated)


def test_moved_article_stays_and_later_matches_follow_it(seeds, unrelated, profiles):
    forum = unrelated["putin_forum"]
    assigner = run([seeds[0], forum], profiles)
    assigner.move(seeds[0].id, assigner.story_id(forum.id))
    assigner.partial_fit([seeds[1]], [profiles[seeds[1].id]], now=NOW)
    assert assigner.story_id(seeds[0].id) == assigner.story_id(forum.id)
    assert assigner.story_id(seeds[1].id) == assigner.story_id(seeds[0].id)
    assigner.partial_fit([seeds[0]], [profiles[seeds[0].id]], now=NOW)  # seen again
    assert assigner.membership(seeds[0].id).pinned
    assert assigner.membership(seeds[0].id).reason == "moved"


def test_split_then_merge(seeds, profiles):
    assigner = run(seeds, profiles)
    story = assigner.story_id(seeds[0].id)
    kept, new = assigner.split(story, [seeds[1].id])
    assert kept.articles == (seeds[0].id,) and new.articles == (seeds[1].id,)
    merged = assigner.apply(Correction("merge", story=new.id, other=kept.id))[0]
    assert set(merged.articles) == {seeds[0].id, seeds[1].id}
    assert assigner.story_id(seeds[0].id) == new.id
    assert [s.id for s in assigner.stories()] == [new.id]


def test_unknown_ids_raise_not_found(seeds, profiles):
    assigner = run(seeds[:1], profiles)
    with pytest.raises(NotFound):
        assigner.predict([seeds[1]])
    with pytest.raises(NotFound):
        assigner.move(seeds[0].id, "st-missing")


def test_undated_and_future_articles_are_placed_at_the_stream_clock(seeds, profiles):
    """Both are noted and take the stream clock: a report of the same event still joins (a
    date kept as 2099 would put it outside every window)."""
    undated = dataclasses.replace(seeds[1], published=None)
    future = dataclasses.replace(seeds[1], id="future", published=datetime(2099, 1, 1, tzinfo=UTC))
    assigner = run([seeds[0], undated, future], {**profiles, "future": profiles[seeds[1].id]})
    assert assigner.membership(undated.id).notes == ("undated",)
    assert assigner.story_id(undated.id) == assigner.story_id(seeds[0].id)
    assert assigner.membership(future.id).notes == ("future_date",)
    assert assigner.story_id(future.id) == assigner.story_id(seeds[0].id)


def test_dated_margin_applies_only_between_two_dated_articles(seeds, profiles):
    """A dated article may join a dated candidate at ``join_below + dated_margin``; an
    undated one (placed at the stream clock) only at ``join_below``."""
    score = run(seeds, profiles).membership(seeds[1].id).score
    settings = {"join_below": score - 0.1, "event_below": score - 0.1, "dated_margin": 0.2}
    dated = run(seeds, profiles, **settings)
    assert dated.story_id(seeds[1].id) == dated.story_id(seeds[0].id)
    assert dated.membership(seeds[1].id).reason == "joined"
    assert dated.event_id(seeds[1].id) != dated.event_id(seeds[0].id)  # event_below unchanged
    undated = dataclasses.replace(seeds[1], published=None)
    apart = run([seeds[0], undated], {**profiles, undated.id: profiles[seeds[1].id]}, **settings)
    assert apart.story_id(undated.id) != apart.story_id(seeds[0].id)
    first_undated = dataclasses.replace(seeds[0], published=None)
    later = run([first_undated, seeds[1]], profiles, **settings)  # the candidate is undated
    assert later.story_id(seeds[1].id) != later.story_id(first_undated.id)
    assert len(run(seeds, profiles, **{**settings, "dated_margin": 0.0}).stories()) == 2


def test_decades_apart_reports_do_not_join(seeds, profiles):
    old = dataclasses.replace(seeds[1], published=datetime(1990, 9, 13, tzinfo=UTC))
    assigner = run([seeds[0], old], profiles)
    assert len(assigner.stories()) == 2


def test_short_and_languageless_articles(seeds, profiles):
    assigner = StoryAssigner()
    assigner.partial_fit(seeds[:1], [profiles[seeds[0].id]], now=NOW)
    word = article("one-word", "Putin")
    nolang = dataclasses.replace(seeds[1], id="nolang", language=None)
    assigner.partial_fit([word, nolang], now=NOW)
    assert assigner.membership("one-word").notes == ("too_short",)
    assert assigner.members(assigner.story_id("one-word")) == ("one-word",)
    assert "no_language" in assigner.membership("nolang").notes
    assert assigner.story_id("nolang") == assigner.story_id(seeds[0].id)
    again = article("one-word-2", "Putin")
    assigner.partial_fit([again], now=NOW)
    assert assigner.story_id("one-word-2") != assigner.story_id("one-word")


def test_quiet_story_closes(seeds, profiles):
    later = dataclasses.replace(seeds[1], published=datetime(2023, 9, 20, tzinfo=UTC))
    now = datetime(2023, 10, 1, tzinfo=UTC)
    assigner = run([seeds[0], later], profiles, now=now, quiet_hours=24, window_hours=24 * 30)
    assert len(assigner.stories()) == 2
    wide = {"quiet_hours": 24 * 10, "window_hours": 24 * 30}
    assert len(run([seeds[0], later], profiles, now=now, **wide).stories()) == 1


def test_index_terms_do_not_depend_on_string_hashing():
    """Terms without postings tie (every term of a new topic): they go by key, so a stream
    indexes the same terms, and makes the same stories, in any process."""
    import os
    import subprocess
    import sys

    code = (
        "import numpy as np\n"
        "from storyline.stories import features as F\n"
        "from storyline.stories.stream import StoryAssigner\n"
        "z = np.zeros(512, np.float32)\n"
        "p = F.Profile(language='de', chars=0, numbers=frozenset(), shingles=frozenset(),\n"
        "    lemmas=frozenset(f'lemma{k:03d}' for k in range(60)),\n"
        "    entities=frozenset(f'name{k}' for k in range(20)), use=z, use_lead=z,\n"
        "    use_sentences=z[None])\n"
        "print(StoryAssigner()._terms(p)[0])\n"
    )
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}, timeout=120).stdout
        for seed in (1, 2, 3)
    }  # fmt: skip
    assert len(runs) == 1 and runs.pop().count(",") == StoryAssigner().terms - 1


def test_thresholds_follow_the_pair_model():
    from storyline.stories.stream import THRESHOLDS

    use, e5 = StoryAssigner(), StoryAssigner(model="e5")
    assert (use.join_below, use.event_below, use.dated_margin) == THRESHOLDS["use"]
    assert (e5.join_below, e5.event_below, e5.dated_margin) == THRESHOLDS["e5"]
    assert StoryAssigner(model="e5", join_below=1.5).event_below == 1.5  # never above the join
    with pytest.raises(ValueError, match="unknown pair model"):
        StoryAssigner(model="bert")
