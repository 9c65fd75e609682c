"""Shared passages from an n-gram (seed) index, extended through small edits.

Every run of ``seed`` words is a seed hash. Texts sharing a seed give a hit (a, pos_a, b,
pos_b); hits on one diagonal (pos_b - pos_a) form segments, and segments of one pair that
follow each other within ``max_gap`` words in both texts merge into one passage, so a changed
word, an inserted word, ``ß``/``ss`` or a different quote style do not split a passage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.reuse.tokens import Tokens, mix

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

METHOD = "reuse.passages.v1"


@dataclass(frozen=True, slots=True)
class PassageConfig:
    """``min_words``: shortest passage reported; ``seed``: words per seed n-gram (<= min_words);
    ``max_gap``: words of edits bridged inside one passage; ``max_df``: seeds found in more
    texts than this are ignored (boilerplate), which keeps the index linear."""

    min_words: int = 8
    seed: int = 5
    max_gap: int = 4
    max_df: int = 64

    def __post_init__(self) -> None:
        if not 1 <= self.seed <= self.min_words:
            raise ValueError(f"seed ({self.seed}) must be between 1 and min_words")


_HIGH = 0xFFFFFFFF00000000
_LOW = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class Seeds:
    """Seeds numbered in text order (text, then word position).

    ``keys``: sorted uint64, high 32 bits of the seed hash above the seed's number, so one
    value sort (no argsort) groups equal seeds. ``hashes``/``docs``/``pos``: full hash, text
    index and word position by seed number.
    """

    keys: np.ndarray
    hashes: np.ndarray
    docs: np.ndarray
    pos: np.ndarray

    @classmethod
    def empty(cls) -> Seeds:
        import numpy as np

        none = np.zeros(0, np.int32)
        return cls(np.zeros(0, np.uint64), np.zeros(0, np.uint64), none, none)


def seeds(tokens: Tokens, k: int, first_doc: int = 0, first_seed: int = 0) -> Seeds:
    """Seeds of every run of ``k`` words inside each text, numbered from ``first_seed``."""
    import numpy as np

    n, counts = len(tokens.hashes), tokens.counts()
    doc = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    pos = (np.arange(n, dtype=np.int64) - tokens.offsets[doc]).astype(np.int32)
    keep = pos + k <= counts[doc]
    padded = np.concatenate((tokens.hashes, np.zeros(k, dtype=np.uint64)))
    acc = padded[:n].copy()
    for t in range(1, k):
        acc *= np.uint64(0x100000001B3)
        acc += padded[t : t + n]
    h = mix(acc[keep])
    num = np.arange(first_seed, first_seed + len(h), dtype=np.uint64)
    keys = np.sort((h & np.uint64(_HIGH)) | num)
    return Seeds(keys, h, doc[keep] + np.int32(first_doc), pos[keep])


def concat_seeds(
    parts: Sequence[Seeds], first_doc: int, first_seed: int, docs: Sequence[int]
) -> Seeds:
    """One seed set from seeds of consecutive batches numbered from 0 each.

    ``docs``: texts per batch; the result numbers texts from ``first_doc`` and seeds from
    ``first_seed``.
    """
    import numpy as np

    doc_shift = np.cumsum([first_doc, *docs[:-1]])
    seed_shift = np.cumsum([first_seed] + [len(p.hashes) for p in parts[:-1]])
    keys = np.concatenate([p.keys + np.uint64(s) for p, s in zip(parts, seed_shift, strict=True)])
    keys.sort()
    return Seeds(
        keys,
        np.concatenate([p.hashes for p in parts]),
        np.concatenate([p.docs + np.int32(d) for p, d in zip(parts, doc_shift, strict=True)]),
        np.concatenate([p.pos for p in parts]),
    )


def merge_seeds(old: Seeds, new: Seeds) -> Seeds:
    """One seed index from a stored one and the next numbers' seeds."""
    import numpy as np

    return Seeds(
        np.sort(np.concatenate((old.keys, new.keys))),
        np.concatenate((old.hashes, new.hashes)),
        np.concatenate((old.docs, new.docs)),
        np.concatenate((old.pos, new.pos)),
    )


def _expand(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges (start, count): (range number, index) of every member."""
    import numpy as np

    owner = np.repeat(np.arange(len(counts)), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.repeat(starts, counts) + np.arange(int(counts.sum())) - first


def _runs(keys: np.ndarray, max_df: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``keys`` of seeds whose hash (high 32 bits) occurs 2..max_df times, and
    the run each belongs to. Only the (rare) repeated seeds are materialised."""
    import numpy as np

    eq = np.flatnonzero((keys[1:] ^ keys[:-1]) <= np.uint64(_LOW))
    with_next = np.zeros(len(keys) + 1, dtype=bool)
    with_next[eq] = True
    member = with_next.copy()
    member[eq + 1] = True
    members = np.flatnonzero(member[:-1])
    cont = with_next[members - 1] & (members > 0)
    rid = np.cumsum(~cont) - 1
    keep = np.bincount(rid)[rid] <= max_df if len(rid) else cont
    return members[keep], rid[keep]


def hits(index: Seeds, first_seed: int, max_df: int) -> np.ndarray:
    """Hits of the seeds numbered from ``first_seed`` against every earlier equal seed.

    Returns uint64 (earlier number << 32 | later number) for each pair of equal seeds in
    different texts, skipping seeds found more than ``max_df`` times.
    """
    import numpy as np

    cand, rid = _runs(index.keys, max_df)
    nums = index.keys[cand] & np.uint64(_LOW)
    out = [np.zeros(0, dtype=np.uint64)]
    for d in range(1, max_df):
        same = rid[d:] == rid[:-d]
        if not same.any():
            break
        own, other = nums[d:][same], nums[:-d][same]
        keep = own >= first_seed
        own, other = own[keep], other[keep]
        keep = (index.hashes[own] == index.hashes[other]) & (index.docs[own] != index.docs[other])
        out.append((other[keep] << np.uint64(32)) | own[keep])
    return np.concatenate(out)


def segments(pairs: np.ndarray, index: Seeds, k: int) -> np.ndarray:
    """Runs of hits on one diagonal: int64 [s, 6] (a, a0, a1, b, b0, b1) in words."""
    import numpy as np

    if not len(pairs):
        return np.zeros((0, 6), dtype=np.int64)
    a_num, b_num = pairs >> np.uint64(32), pairs & np.uint64(_LOW)
    diag = np.sort(((b_num - a_num) << np.uint64(32)) | a_num)
    a_num = (diag & np.uint64(_LOW)).astype(np.int64)
    b_num = a_num + (diag >> np.uint64(32)).astype(np.int64)
    cont = diag[1:] == diag[:-1] + np.uint64(1)
    cont &= index.docs[a_num[1:]] == index.docs[a_num[:-1]]
    cont &= index.docs[b_num[1:]] == index.docs[b_num[:-1]]
    first = np.flatnonzero(np.concatenate(([True], ~cont)))
    last = np.append(first[1:], len(diag)) - 1
    d, p = index.docs, index.pos
    fa, la, fb, lb = a_num[first], a_num[last], b_num[first], b_num[last]
    return np.stack((d[fa], p[fa], p[la] + k, d[fb], p[fb], p[lb] + k), axis=1).astype(np.int64)


def join(segs: np.ndarray, max_gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge segments of a pair that follow each other within ``max_gap`` words in both texts.

    Returns (passages int64 [p, 6] like segments, matched words per passage).
    """
    import numpy as np

    if not len(segs):
        return segs, np.zeros(0, dtype=np.int64)
    s = segs[np.lexsort((segs[:, 4], segs[:, 1], segs[:, 3], segs[:, 0]))]
    brk = np.ones(len(s), dtype=bool)
    same = (s[1:, 0] == s[:-1, 0]) & (s[1:, 3] == s[:-1, 3])
    pair = np.concatenate(([0], np.cumsum(~same)))
    scale = int(s[:, 2].max()) + 1
    reach_a = np.maximum.accumulate(pair * scale + s[:, 2]) - pair * scale
    near_a = s[1:, 1] <= reach_a[:-1] + max_gap
    near_b = (s[1:, 4] <= s[:-1, 5] + max_gap) & (s[1:, 4] >= s[:-1, 4])
    brk[1:] = ~(same & near_a & near_b)
    gid = np.cumsum(brk) - 1
    first = np.flatnonzero(brk)
    out = np.stack(
        (
            s[first, 0],
            np.minimum.reduceat(s[:, 1], first),
            np.maximum.reduceat(s[:, 2], first),
            s[first, 3],
            np.minimum.reduceat(s[:, 4], first),
            np.maximum.reduceat(s[:, 5], first),
        ),
        axis=1,
    )
    matched = np.bincount(gid, weights=s[:, 2] - s[:, 1]).astype(np.int64)
    return out, np.minimum(matched, out[:, 2] - out[:, 1])


def passages(
    pairs: np.ndarray, index: Seeds, config: PassageConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Passages of at least ``min_words`` words from hits: (rows [p, 6], similarity)."""
    import numpy as np

    rows, matched = join(segments(pairs, index, config.seed), config.max_gap)
    words = rows[:, 2] - rows[:, 1] if len(rows) else np.zeros(0, dtype=np.int64)
    keep = words >= config.min_words
    return rows[keep], (matched[keep] / np.maximum(words[keep], 1)).astype(np.float64)
