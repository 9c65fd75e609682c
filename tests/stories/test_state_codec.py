"""The saved assigner state resumes exactly where the live assigner was."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from storyline.model import Correction
from storyline.stories.state_codec import state_from_bytes, state_to_bytes, uses_defaults
from storyline.stories.stream import StoryAssigner

from .test_stream import NOW, profiles, run  # noqa: F401  (fixture)


def _snapshot(assigner: StoryAssigner, known: dict) -> StoryAssigner:
    restored = state_from_bytes(state_to_bytes(assigner))
    restored.profile_loader_ = lambda ids: [known[a] for a in ids]
    return restored


def _view(a: StoryAssigner) -> list:
    return [(s.id, s.articles, [a.membership(x) for x in s.articles]) for s in a.stories()]


def test_resumed_assigner_continues_like_the_live_one(seeds, unrelated, profiles):  # noqa: F811
    others = list(unrelated.values())
    live = run([seeds[0], *others[:2]], profiles)
    live.move(others[0].id, live.story_id(seeds[0].id))
    resumed = _snapshot(live, profiles)
    assert _view(resumed) == _view(live)
    rest = [seeds[1], *others[2:]]
    for a in (live, resumed):
        a.partial_fit(rest, [profiles[x.id] for x in rest], now=NOW)
    assert _view(resumed) == _view(live)
    assert state_to_bytes(resumed) == state_to_bytes(live)
    assert live.story_id(seeds[1].id) == live.story_id(seeds[0].id)


def test_corrections_survive_the_round_trip(seeds, profiles):  # noqa: F811
    live = run(seeds, profiles)
    story = live.story_id(seeds[0].id)
    _, new = live.split(story, [seeds[1].id])
    live.merge(story, new.id)
    resumed = _snapshot(live, profiles)
    assert _view(resumed) == _view(live)
    assert resumed.members(new.id) == resumed.members(story)  # the merged story forwards
    resumed.apply(Correction("split", story, (seeds[0].id,)))
    assert len(resumed.stories()) == 2


def test_restored_assigner_reads_profiles_only_through_its_loader(seeds, profiles):  # noqa: F811
    restored = state_from_bytes(state_to_bytes(run(seeds[:1], profiles)))
    with pytest.raises(RuntimeError, match="profile_loader_"):
        restored.partial_fit(seeds[1:], [profiles[seeds[1].id]], now=NOW)


def test_empty_assigner_round_trips():
    restored = state_from_bytes(state_to_bytes(StoryAssigner()))
    assert restored.stories() == [] and uses_defaults(restored)
    assert not uses_defaults(state_from_bytes(state_to_bytes(StoryAssigner(join_below=1.0))))


def test_state_saved_before_dated_margin_restores_without_one():
    """A state saved before ``dated_margin`` existed assigned with none: it restores with 0.0,
    and when today's default differs, ``uses_defaults`` says rebuild."""
    with np.load(io.BytesIO(state_to_bytes(StoryAssigner()))) as z:
        members = {k: z[k] for k in z.files}
    meta = json.loads(bytes(members["meta"]).decode())
    del meta["settings"]["dated_margin"]
    members["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **members)
    old = state_from_bytes(buf.getvalue())
    assert old.dated_margin == 0.0
    assert uses_defaults(old) == (StoryAssigner().dated_margin == 0.0)


def test_other_bytes_are_refused():
    with pytest.raises(ValueError):
        state_from_bytes(b"not a state")
    buf = io.BytesIO()
    np.savez(buf, meta=np.frombuffer(json.dumps({"format": "x"}).encode(), np.uint8))
    with pytest.raises(ValueError, match="stories.state.v2"):
        state_from_bytes(buf.getvalue())


def test_damaged_state_is_refused_with_value_error(seeds, profiles):  # noqa: F811
    data = state_to_bytes(run(seeds, profiles))
    for bad in (data[: len(data) // 2], data[:100] + b"\x00" * 100 + data[200:]):
        with pytest.raises(ValueError, match="stories.state.v2"):
            state_from_bytes(bad)
