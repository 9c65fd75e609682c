"""Bytes for a similarity :class:`~storyline.stories.features.Profile`, so the streaming
assigner can resume from stored profiles instead of encoding every stored article again.

Format ("stories.profile.v1"): a numpy ``.npz`` archive (not pickled) holding the vectors
(sentence vectors as float16) and one JSON member with the language, length and term sets.
Typically 10-40 KB per article.
"""

from __future__ import annotations

import io
import json

import numpy as np

from storyline.stories.features import Profile

FORMAT = "stories.profile.v1"
_SETS = ("lemmas", "entities", "numbers", "shingles")
_ARRAYS = ("use", "use_lead", "use_sentences", "e5", "e5_lead")


def profile_to_bytes(p: Profile) -> bytes:
    """Serialise one profile (sentence vectors are kept as float16)."""
    meta: dict[str, object] = {"format": FORMAT, "language": p.language, "chars": p.chars}
    meta.update({k: sorted(getattr(p, k)) for k in _SETS})
    arrays = {k: getattr(p, k) for k in _ARRAYS if getattr(p, k) is not None}
    arrays["use_sentences"] = np.asarray(p.use_sentences, dtype=np.float16)
    buf = io.BytesIO()
    np.savez_compressed(buf, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays)
    return buf.getvalue()


def profile_from_bytes(data: bytes) -> Profile:
    """The profile stored by :func:`profile_to_bytes` (ValueError for other bytes)."""
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        meta = json.loads(bytes(z["meta"]).decode())
        if meta.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} profile; re-profile the article")
        arrays = {k: z[k] for k in _ARRAYS if k in z.files}
    return Profile(
        language=meta["language"],
        chars=meta["chars"],
        lemmas=frozenset(meta["lemmas"]),
        entities=frozenset(meta["entities"]),
        numbers=frozenset(meta["numbers"]),
        shingles=frozenset(meta["shingles"]),
        use=arrays["use"],
        use_lead=arrays["use_lead"],
        use_sentences=arrays["use_sentences"],
        e5=arrays.get("e5"),
        e5_lead=arrays.get("e5_lead"),
    )
