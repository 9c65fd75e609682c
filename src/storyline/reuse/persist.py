"""Saving and loading a ReuseIndex: one ``.npz`` byte string (arrays + JSON metadata).

The format is versioned (``FORMAT``); loading another version raises a clear error.

Incremental form: :func:`dump_segment` saves only what the articles ``[since:]`` added
(``SEGMENT_FORMAT``), :func:`load_segments` joins consecutive segments into one index. Every
array of the index is append-only per article except the sorted ones (band entries, seed
keys), which are re-sorted after joining, and the union-find, rebuilt from the link rows.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storyline.errors import StorylineError
from storyline.model import Article, Credits
from storyline.reuse import dedup as dd
from storyline.reuse import passages as ps
from storyline.reuse.tokens import Tokens

if TYPE_CHECKING:
    import numpy as np

    from storyline.reuse.index import ReuseIndex

FORMAT = "reuse.index.v1"
SEGMENT_FORMAT = "reuse.segment.v1"
_UNREADABLE = (ValueError, OSError, KeyError, EOFError, zipfile.BadZipFile)


def _meta(index: ReuseIndex, since: int = 0, form: str = FORMAT) -> dict[str, Any]:
    def when(t: datetime | None) -> str | None:
        return t.isoformat() if t else None

    return {
        "format": form,
        "dedup": dataclasses.asdict(index.dedup),
        "passage": dataclasses.asdict(index.passage),
        "find": [index.find_duplicates, index.find_passages],
        "workers": index.workers,
        "articles": [
            [
                a.id,
                a.source,
                when(a.published),
                when(a.ingested),
                list(a.credits.agencies),
                index.lengths_[a.id],
            ]
            for a in index.articles_[since:]
        ],
    } | ({"first": since} if form == SEGMENT_FORMAT else {})


def dump(index: ReuseIndex) -> bytes:
    """Bytes of the whole index."""
    import numpy as np

    links = index.links_.rows
    arrays = {
        "meta": np.frombuffer(json.dumps(_meta(index)).encode(), dtype=np.uint8),
        "starts": index.tokens_.starts,
        "ends": index.tokens_.ends,
        "offsets": index.tokens_.offsets,
        "doc_hash": index.doc_hash_,
        "rep": index.rep_,
        "sig": index.sig_,
        "sh": np.concatenate([np.zeros(0, np.uint64)] + [p[1] for p in index.shingles_]),
        "nsh": index.nshingles_,
        "bands": index.bands_,
        "seed_keys": index.seeds_.keys,
        "seed_hashes": index.seeds_.hashes,
        "seed_docs": index.seeds_.docs,
        "seed_pos": index.seeds_.pos,
        "link_ids": np.array([r[:3] for r in links], dtype=np.int64).reshape(-1, 3),
        "link_sims": np.array([r[3:] for r in links], dtype=np.float64).reshape(-1, 2),
        "passages": index.passages_,
        "passage_sim": index.passage_sim_,
    }
    out = io.BytesIO()
    np.savez(out, **arrays)  # type: ignore[arg-type]
    return out.getvalue()


def _article(row: list[Any]) -> Article:
    ident, source, published, ingested, agencies, _ = row
    return Article(
        id=ident,
        source=source,
        raw="",
        published=datetime.fromisoformat(published) if published else None,
        ingested=datetime.fromisoformat(ingested) if ingested else None,
        credits=Credits(agencies=tuple(agencies)),
    )


def load(blob: bytes) -> ReuseIndex:
    """The index saved in ``blob`` by :func:`dump`."""
    import numpy as np

    from storyline.reuse.index import ReuseIndex

    try:
        z = np.load(io.BytesIO(blob), allow_pickle=False)
        meta = json.loads(z["meta"].tobytes())
    except _UNREADABLE as err:
        raise StorylineError(
            f"reuse index: not a saved index ({err}); rebuild it with add()"
        ) from err
    if meta.get("format") != FORMAT:
        raise StorylineError(
            f"reuse index: format {meta.get('format')!r}, expected {FORMAT}; rebuild it"
        )
    index = ReuseIndex(
        dedup=dd.DedupConfig(**meta["dedup"]),
        passage=ps.PassageConfig(**meta["passage"]),
        find_duplicates=meta["find"][0],
        find_passages=meta["find"][1],
        workers=meta["workers"],
    )
    _restore(index, z, meta)
    return index


def _restore(index: ReuseIndex, z: Any, meta: dict[str, Any]) -> None:
    import numpy as np

    index.articles_ = [_article(r) for r in meta["articles"]]
    index.index_ = {a.id: i for i, a in enumerate(index.articles_)}
    index.lengths_ = {r[0]: r[5] for r in meta["articles"]}
    index.tokens_ = Tokens(np.zeros(0, np.uint64), z["starts"], z["ends"], z["offsets"])
    index.doc_hash_, index.rep_, index.sig_ = z["doc_hash"], z["rep"], z["sig"]
    index.nshingles_ = z["nsh"]
    offsets = np.concatenate(([0], np.cumsum(index.nshingles_, dtype=np.int64)))
    index.shingles_ = [(0, z["sh"], offsets)]
    index.bands_ = z["bands"]
    index.seeds_ = ps.Seeds(z["seed_keys"], z["seed_hashes"], z["seed_docs"], z["seed_pos"])
    index.passages_, index.passage_sim_ = z["passages"], z["passage_sim"]
    for (i, j, near), (jac, con) in zip(
        z["link_ids"].tolist(), z["link_sims"].tolist(), strict=True
    ):
        index.links_.rows.append((i, j, near, jac, con))
        index.links_.union(i, j)


# --- segments: what one run of ``add`` appended -------------------------------------------


def dump_segment(index: ReuseIndex, since: int) -> bytes:
    """Bytes of what the articles ``index.articles_[since:]`` added to the index: their
    words, hashes, signatures, shingles, band entries and seeds, and the link and passage rows
    found when they were added. ``since`` must be the length of the index before an ``add``
    (0 for the whole index); joining the segments with :func:`load_segments` restores it."""
    import numpy as np

    if not 0 <= since <= len(index):
        raise ValueError(f"since={since} is outside the index of {len(index)} articles")
    out = io.BytesIO()
    arrays = {"meta": _meta_bytes(_meta(index, since, SEGMENT_FORMAT))}
    arrays |= _tail_arrays(index, since) | _seed_arrays(index, since) | _row_arrays(index, since)
    np.savez(out, **arrays)  # type: ignore[arg-type]
    return out.getvalue()


def _meta_bytes(meta: dict[str, Any]) -> np.ndarray:
    import numpy as np

    return np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)


def _tail_arrays(index: ReuseIndex, since: int) -> dict[str, np.ndarray]:
    """Per-article arrays of the articles ``[since:]`` (word offsets from 0)."""
    import numpy as np

    t = index.tokens_
    lo, hi = int(t.offsets[since]), int(t.offsets[-1])
    owner = index.bands_ & np.uint64((1 << dd.OWNER_BITS) - 1)
    return {
        "starts": t.starts[lo:hi] if len(t.starts) else t.starts,
        "ends": t.ends[lo:hi] if len(t.ends) else t.ends,
        "offsets": t.offsets[since:] - t.offsets[since],
        "doc_hash": index.doc_hash_[since:],
        "rep": index.rep_[since:],
        "sig": index.sig_[since:],
        "sh": _shingles_since(index, since),
        "nsh": index.nshingles_[since:],
        "bands": index.bands_[owner >= np.uint64(since)],
    }


def _shingles_since(index: ReuseIndex, since: int) -> np.ndarray:
    """Flat shingle hashes of the articles ``[since:]``, in article order."""
    import numpy as np

    out = [np.zeros(0, np.uint64)]
    for first, hashes, offsets in index.shingles_:
        last = first + len(offsets) - 1
        if last > since:
            lo = max(since, first) - first
            out.append(hashes[offsets[lo] : offsets[-1]])
    return np.concatenate(out)


def _seed_arrays(index: ReuseIndex, since: int) -> dict[str, np.ndarray]:
    """Seeds of the articles ``[since:]`` (numbered in text order, so a suffix)."""
    import numpy as np

    s = index.seeds_
    base = int(np.count_nonzero(s.docs < since))
    low = np.uint64(0xFFFFFFFF)
    return {
        "seed_keys": s.keys[(s.keys & low) >= np.uint64(base)],
        "seed_hashes": s.hashes[base:],
        "seed_docs": s.docs[base:],
        "seed_pos": s.pos[base:],
    }


def _row_arrays(index: ReuseIndex, since: int) -> dict[str, np.ndarray]:
    """Link and passage rows found when the articles ``[since:]`` were added."""
    import numpy as np

    links = index.links_.rows
    cut = _suffix([max(r[0], r[1]) for r in links], since, "link")
    rows = index.passages_
    later = np.maximum(rows[:, 0], rows[:, 3]).tolist() if len(rows) else []
    pcut = _suffix(later, since, "passage")
    return {
        "link_ids": np.array([r[:3] for r in links[cut:]], dtype=np.int64).reshape(-1, 3),
        "link_sims": np.array([r[3:] for r in links[cut:]], dtype=np.float64).reshape(-1, 2),
        "passages": rows[pcut:],
        "passage_sim": index.passage_sim_[pcut:],
    }


def _suffix(later: list[int], since: int, what: str) -> int:
    """Where the rows whose later article is ``since`` or after begin; they must be a suffix
    (rows are appended per ``add``, and each names an article of that ``add``)."""
    cut = next((k for k, x in enumerate(later) if x >= since), len(later))
    if any(x < since for x in later[cut:]):
        raise ValueError(f"since={since} is not where an add() began ({what} rows interleave)")
    return cut


def load_segments(blobs: Iterable[bytes], *, strict: bool = True) -> ReuseIndex:
    """The index saved as consecutive segments by :func:`dump_segment` (first ``since=0``).

    Raises StorylineError naming the segment for a damaged, foreign or out-of-order one.
    ``strict=False`` skips a segment that starts before the articles already joined (one
    written by a concurrent ingest from the same stored index; its articles are then missing
    from the result, and a caller catches them up from the stored articles)."""
    import numpy as np

    from storyline.reuse.index import ReuseIndex

    parts: list[dict[str, Any]] = []
    metas: list[dict[str, Any]] = []
    total = 0
    for k, blob in enumerate(blobs):
        meta, arrays = _read_segment(k, blob)
        if metas and _config(meta) != _config(metas[0]):
            raise _segment_error(k, "was saved with other settings than segment 0")
        if not strict and isinstance(meta.get("first"), int) and meta["first"] < total:
            continue
        if meta.get("first") != total:
            raise _segment_error(k, f"starts at article {meta.get('first')}, expected {total}")
        total += len(meta["articles"])
        metas.append(meta)
        parts.append(arrays)
    if not metas:
        return ReuseIndex()
    dedup, passage, find, workers = _config(metas[0])
    index = ReuseIndex(
        dedup=dd.DedupConfig(**dedup),
        passage=ps.PassageConfig(**passage),
        find_duplicates=find[0],
        find_passages=find[1],
        workers=workers,
    )
    joined = {name: _join(name, [p[name] for p in parts]) for name in parts[0]}
    joined["bands"] = np.sort(joined["bands"])
    joined["seed_keys"] = np.sort(joined["seed_keys"])
    rows = [r for m in metas for r in m["articles"]]
    _restore(index, joined, {"articles": rows})
    return index


def _config(meta: dict[str, Any]) -> tuple[Any, ...]:
    return (meta["dedup"], meta["passage"], meta["find"], meta["workers"])


def _join(name: str, arrays: list[np.ndarray]) -> np.ndarray:
    """One array from the segments' parts; all hold global numbers (article and seed
    indices) except the word offsets, which restart at 0 in each segment."""
    import numpy as np

    if name != "offsets":
        return np.concatenate(arrays)
    shifts = np.cumsum([0] + [int(a[-1]) for a in arrays[:-1]])
    return np.concatenate(
        [arrays[0][:1]] + [a[1:] + s for a, s in zip(arrays, shifts, strict=True)]
    )


def _segment_error(k: int, why: str) -> StorylineError:
    return StorylineError(
        f"reuse index segment {k}: {why}; delete the stored segments to rebuild the index"
    )


def _read_segment(k: int, blob: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    import numpy as np

    try:
        z = np.load(io.BytesIO(blob), allow_pickle=False)
        arrays = {name: z[name] for name in z.files}
        meta = json.loads(arrays.pop("meta").tobytes())
        if meta.get("format") != SEGMENT_FORMAT:
            raise ValueError(f"format {meta.get('format')!r}, expected {SEGMENT_FORMAT}")
        _check_segment(meta, arrays)
    except (*_UNREADABLE, TypeError, AttributeError) as err:
        raise _segment_error(k, f"not a saved segment ({err})") from err
    return meta, arrays


def _check_segment(meta: dict[str, Any], a: dict[str, np.ndarray]) -> None:
    """Sizes that must agree in a segment (a damaged one fails here, not later)."""
    n = len(meta["articles"])
    sizes = {"offsets": n + 1, "doc_hash": n, "rep": n, "nsh": n, "sig": n}
    for name, size in sizes.items():
        if len(a[name]) not in (size, 0 if name in ("rep", "sig") else size):
            raise ValueError(f"{name} has {len(a[name])} entries for {n} articles")
    if int(a["nsh"].sum()) != len(a["sh"]) or len(a["starts"]) not in (0, int(a["offsets"][-1])):
        raise ValueError("shingle or word counts do not add up")
    if len(a["seed_keys"]) != len(a["seed_hashes"]) or len(a["link_ids"]) != len(a["link_sims"]):
        raise ValueError("seed or link arrays differ in length")


MANIFEST = "reuse.segments.v1"


def manifest(index: ReuseIndex, segments: int) -> bytes:
    """The small header kept in place of a whole-index blob once the index is stored as
    ``segments`` segments: it supersedes (and frees) a legacy blob."""
    return json.dumps({"format": MANIFEST, "segments": segments, "articles": len(index)}).encode()


def is_manifest(blob: bytes | None) -> bool:
    """Whether a stored state blob is a :func:`manifest` (not a whole index)."""
    return blob is not None and bytes(blob[:1]) == b"{"
