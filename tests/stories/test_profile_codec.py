"""Stored similarity profiles round-trip (vectors exact, sentence vectors as float16)."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.stories.features import Profile
from storyline.stories.profile_codec import profile_from_bytes, profile_to_bytes


def _profile(e5: bool) -> Profile:
    rng = np.random.default_rng(0)
    vec = lambda *shape: rng.standard_normal(shape).astype(np.float32)  # noqa: E731
    return Profile(
        language="de", chars=120, lemmas=frozenset({"treffen", "kim"}),
        entities=frozenset({"putin"}), numbers=frozenset({"2023"}), shingles=frozenset({7, -3}),
        use=vec(512), use_lead=vec(512), use_sentences=vec(3, 512),
        e5=vec(384) if e5 else None, e5_lead=vec(384) if e5 else None,
    )  # fmt: skip


@pytest.mark.parametrize("e5", [False, True])
def test_profile_round_trip(e5):
    p = _profile(e5)
    q = profile_from_bytes(profile_to_bytes(p))
    assert (q.language, q.chars, q.lemmas, q.entities, q.numbers, q.shingles) == (
        p.language, p.chars, p.lemmas, p.entities, p.numbers, p.shingles)  # fmt: skip
    assert np.array_equal(q.use, p.use) and np.array_equal(q.use_lead, p.use_lead)
    assert np.allclose(q.use_sentences, p.use_sentences, atol=2e-3)
    assert (q.e5 is None) == (not e5)


def test_other_bytes_are_refused():
    with pytest.raises(Exception):  # noqa: B017 - numpy raises various errors on garbage
        profile_from_bytes(b"not a profile")


def test_every_profile_field_survives(seeds):
    """A field added to Profile is stored too: replay must see what the live assigner saw."""
    from dataclasses import fields

    from storyline.stories.profile_codec import stored_form
    from storyline.stories.stream import StoryAssigner

    p = stored_form(StoryAssigner().profile(seeds[:1])[0])
    q = profile_from_bytes(profile_to_bytes(p))
    for f in fields(Profile):
        a, b = getattr(p, f.name), getattr(q, f.name)
        same = np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
        assert same, f.name
