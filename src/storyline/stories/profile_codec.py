"""Bytes for a similarity :class:`~storyline.stories.features.Profile`, so the streaming
assigner can resume from stored profiles instead of encoding every stored article again.

Format ("stories.profile.v1"): a numpy ``.npz`` archive (not pickled) holding the vectors
(sentence vectors as float16) and one JSON member with the language, length and term sets.
Typically 10-40 KB per article.
"""

from __future__ import annotations

import io
import json
from dataclasses import fields, replace
from functools import cache
from typing import Any

import numpy as np

from storyline.stories.features import Profile

FORMAT = "stories.profile.v1"


def stored_form(prof: Profile) -> Profile:
    """The profile as the store keeps it (sentence vectors float16). The streaming assigner
    scores only this form, so replaying stored profiles repeats its live decisions exactly."""
    if prof.use_sentences.dtype == np.float16:
        return prof
    return replace(prof, use_sentences=prof.use_sentences.astype(np.float16))


@cache
def _kinds() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(set fields, array fields) of Profile, read off its annotations so a field added to
    the profile is stored without touching this codec."""
    sets = tuple(f.name for f in fields(Profile) if str(f.type).startswith("frozenset"))
    arrays = tuple(f.name for f in fields(Profile) if "ndarray" in str(f.type))
    return sets, arrays


def profile_to_bytes(p: Profile) -> bytes:
    """Serialise one profile (sentence vectors are kept as float16)."""
    sets, arrays_of = _kinds()
    meta: dict[str, object] = {"format": FORMAT, "language": p.language, "chars": p.chars}
    meta.update({k: sorted(getattr(p, k)) for k in sets})
    p = stored_form(p)
    arrays = {k: getattr(p, k) for k in arrays_of if getattr(p, k) is not None}
    buf = io.BytesIO()
    np.savez_compressed(buf, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays)
    return buf.getvalue()


def profile_from_bytes(data: bytes) -> Profile:
    """The profile stored by :func:`profile_to_bytes` (ValueError for other bytes). Fields a
    profile stored by an older version lacks take their defaults."""
    sets, arrays_of = _kinds()
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        meta = json.loads(bytes(z["meta"]).decode())
        if meta.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} profile; re-profile the article")
        arrays: dict[str, Any] = {k: z[k] for k in arrays_of if k in z.files}
    kept: dict[str, Any] = {k: frozenset(meta[k]) for k in sets if k in meta}
    return Profile(language=meta["language"], chars=meta["chars"], **kept, **arrays)
