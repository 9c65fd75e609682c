"""Bytes for the whole state of a :class:`~storyline.stories.stream.StoryAssigner`, so
``storyline ingest`` resumes it in time proportional to the bytes instead of assigning every
stored article again.

Format ("stories.state.v2"; a v1 state is rebuilt by replay): a numpy ``.npz`` archive (never pickled, safe to load from an
untrusted file) with the index arrays and one JSON member for ids, settings and notes. The
cached similarity profiles are not included (10-40 KB each): only which articles were cached,
in order; their profiles are read back from the store on demand through
``StoryAssigner.profile_loader_``. About 300-400 bytes per assigned article.
"""

from __future__ import annotations

import io
import json
import zipfile
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from storyline.stories.stream import StoryAssigner, _Centroids, _StoryState

FORMAT = "stories.state.v2"  # v2: events inside stories
SETTINGS = (
    "quiet_hours", "window_hours", "join_below", "event_below", "dated_margin", "candidates",
    "rescore", "terms", "postings_scan", "dims", "min_words", "max_future_hours", "max_profiles",
    "model", "seed",
)  # fmt: skip
_COLUMNS = {
    "times_": "q", "story_of_": "i", "best_": "i", "score_": "f", "reason_": "b",
    "event_of_": "i", "event_story_": "i",
}  # fmt: skip


def _flat(groups: Sequence[array], dtype: str) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.fromiter((len(g) for g in groups), np.int64, len(groups))
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    values = np.concatenate([np.frombuffer(g, dtype) for g in groups]) if groups else None
    return offsets, values if values is not None else np.zeros(0, dtype)


def _groups(offsets: np.ndarray, values: np.ndarray, code: str) -> list[array]:
    return [
        array(code, values[offsets[k] : offsets[k + 1]].tobytes()) for k in range(len(offsets) - 1)
    ]


def _meta(a: StoryAssigner) -> dict[str, object]:
    return {
        "format": FORMAT,
        "settings": {k: getattr(a, k) for k in SETTINGS},
        "ids": a.ids_,
        "stories": [s.id for s in a.stories_],
        "story_index": a.story_index_,
        "events": [e.id for e in a.events_],
        "event_index": a.event_index_,
        "notes": {str(k): list(v) for k, v in a.notes_.items()},
        "swept": a.swept_,
        "clock": a.clock_,
    }


def state_to_bytes(a: StoryAssigner) -> bytes:
    """Serialise an assigner's learned state (not its cached profiles' contents)."""
    n, keys = len(a.ids_), sorted(a.postings_)
    post_off, post_val = _flat([a.postings_[k] for k in keys], "i")
    mem_off, mem_val = _flat([s.members for s in a.stories_], "i")
    ev_off, ev_val = _flat([e.members for e in a.events_], "i")
    arrays: dict[str, Any] = {k: np.frombuffer(getattr(a, k), code) for k, code in _COLUMNS.items()}
    arrays |= {
        "vectors": a.vectors_[:n],
        "pinned": np.array(sorted(a.pinned_), np.int64),
        "posting_keys": np.array(keys, np.int64),
        "posting_offsets": post_off,
        "posting_values": post_val,
        "member_offsets": mem_off,
        "member_values": mem_val,
        "story_times": np.array([(s.first, s.last, s.forward) for s in a.stories_], np.int64),
        "event_member_offsets": ev_off,
        "event_member_values": ev_val,
        "event_times": np.array([(e.first, e.last, e.forward) for e in a.events_], np.int64),
        "open_stories": np.array(a.open_.story, np.int64),
        "open_sums": a.open_.sums[: len(a.open_.story)],
        "cached": np.fromiter(a.profiles_.keys(), np.int64, len(a.profiles_)),
    }
    meta = np.frombuffer(json.dumps(_meta(a)).encode(), np.uint8)
    buf = io.BytesIO()
    np.savez(buf, meta=meta, **arrays)
    return buf.getvalue()


def state_from_bytes(data: bytes) -> StoryAssigner:
    """The assigner saved by :func:`state_to_bytes` (ValueError for other bytes). Its cached
    profiles are placeholders until ``profile_loader_`` fills them."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            if meta.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} assigner state")
            # a state saved before dated_margin existed assigned without one
            a = StoryAssigner(**{"dated_margin": 0.0, **meta["settings"]})
            _restore_articles(a, meta, z)
            _restore_stories(a, meta, z)
    except (ValueError, KeyError, TypeError, OSError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"{err}; not a usable {FORMAT} assigner state, rebuild it") from err
    return a


def _restore_articles(a: StoryAssigner, meta: dict, z: np.lib.npyio.NpzFile) -> None:
    a.ids_ = list(meta["ids"])
    a.index_ = {aid: k for k, aid in enumerate(a.ids_)}
    vectors = z["vectors"]
    a.vectors_ = np.zeros((max(1024, 2 * len(vectors)), a.dims), np.int8)
    a.vectors_[: len(vectors)] = vectors
    for name, code in _COLUMNS.items():
        setattr(a, name, array(code, z[name].tobytes()))
    a.pinned_ = {int(k) for k in z["pinned"]}
    a.notes_ = {int(k): tuple(v) for k, v in meta["notes"].items()}
    keys = z["posting_keys"].tolist()
    postings = _groups(z["posting_offsets"], z["posting_values"], "i")
    a.postings_ = dict(zip(keys, postings, strict=True))
    a.profiles_ = OrderedDict((int(k), None) for k in z["cached"])  # type: ignore[misc]
    a.swept_, a.clock_ = meta["swept"], meta["clock"]


def _restore_stories(a: StoryAssigner, meta: dict, z: np.lib.npyio.NpzFile) -> None:
    a.stories_ = _states(meta["stories"], z["member_offsets"], z["member_values"], z["story_times"])
    a.story_index_ = {k: int(v) for k, v in meta["story_index"].items()}
    a.events_ = _states(
        meta["events"], z["event_member_offsets"], z["event_member_values"], z["event_times"]
    )
    a.event_index_ = {k: int(v) for k, v in meta["event_index"].items()}
    a.open_ = _Centroids(a.dims)
    sums = z["open_sums"]
    a.open_.sums = np.zeros((max(256, 2 * len(sums)), a.dims), np.float32)
    a.open_.sums[: len(sums)] = sums
    a.open_.story = [int(s) for s in z["open_stories"]]
    a.open_.slot = {s: k for k, s in enumerate(a.open_.story)}


def _states(
    ids: list[str], offsets: np.ndarray, values: np.ndarray, times: np.ndarray
) -> list[_StoryState]:
    members = _groups(offsets, values, "i")
    rows = times.reshape(-1, 3).tolist()
    return [
        _StoryState(sid, m, last=t[1], first=t[0], forward=t[2])
        for sid, m, t in zip(ids, members, rows, strict=True)
    ]


def uses_defaults(a: StoryAssigner) -> bool:
    """Whether ``a`` runs with today's default settings (a state saved under other defaults
    is rebuilt instead of resumed, so a settings change takes effect)."""
    default = StoryAssigner(model=a.model)
    return all(getattr(a, k) == getattr(default, k) for k in SETTINGS)
