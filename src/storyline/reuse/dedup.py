"""Exact and near-duplicate detection: shingles -> MinHash -> LSH bands -> verification.

Everything works on flat numpy arrays. Shingles and MinHash signatures come from the compiled
kernels (``storyline.reuse._signatures``) or, without them, from numpy and rensa; both give
identical values (the kernel reimplements rensa 0.5's sketch bit for bit). Candidates come
from LSH banding with many short bands (64 bands of 2 rows by default), which catches pairs
down to Jaccard ~0.25; every candidate is then verified on the exact shingle sets, so
reported similarities are measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.reuse import tokens as tk
from storyline.reuse.tokens import Tokens, mix

if TYPE_CHECKING:
    import numpy as np

METHOD = "reuse.dedup.v1"


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Settings of near-duplicate detection.

    ``shingle``: words per shingle. ``num_perm``: MinHash permutations; ``bands``: LSH bands
    (``num_perm`` must be a multiple). ``threshold``: measured Jaccard for a near duplicate;
    ``containment``: alternatively, share of the shorter text's shingles found in the longer
    (catches truncations), for texts of at least ``min_shingles`` shingles. ``prefilter``:
    candidates whose MinHash estimate is below it are not verified. ``max_bucket``: LSH
    buckets larger than this link members in a chain instead of all pairs.
    """

    shingle: int = 4
    num_perm: int = 128
    bands: int = 64
    threshold: float = 0.25
    containment: float = 0.8
    min_shingles: int = 20
    prefilter: float = 0.1
    max_bucket: int = 32
    seed: int = 1

    def __post_init__(self) -> None:
        if self.shingle < 1 or self.num_perm < 1 or self.bands < 1:
            raise ValueError("shingle, num_perm and bands must be positive")
        if self.num_perm % self.bands:
            raise ValueError(f"num_perm {self.num_perm} is not a multiple of bands {self.bands}")


def shingles(tokens: Tokens, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of ``k`` words per text (one shingle for shorter, non-empty texts).

    Returns (flat uint64 shingle hashes, int64 row offsets with len(texts) + 1 entries).
    """
    import numpy as np

    mod = tk.native()
    if mod is None:
        return _shingles_numpy(tokens, k)
    out = np.empty(len(tokens.hashes), np.uint64)
    offsets = np.empty(len(tokens.offsets), np.int64)
    hashes = np.ascontiguousarray(tokens.hashes, np.uint64)
    n = mod.shingles(hashes, np.ascontiguousarray(tokens.offsets, np.int64), k, out, offsets)
    return out[:n], offsets


def _shingles_numpy(tokens: Tokens, k: int) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    n, counts = len(tokens.hashes), tokens.counts()
    padded = np.concatenate((tokens.hashes, np.zeros(k, dtype=np.uint64)))
    mults = _multipliers(k)
    acc = padded[:n] * mults[0]
    for t in range(1, k):
        acc += padded[t : t + n] * mults[t]
    keep = np.arange(n, dtype=np.int64) + k <= np.repeat(tokens.offsets[1:], counts)
    for d in np.flatnonzero((counts > 0) & (counts < k)).tolist():
        lo, hi = int(tokens.offsets[d]), int(tokens.offsets[d + 1])
        acc[lo] = (tokens.hashes[lo:hi] * mults[: hi - lo]).sum(dtype=np.uint64)
        keep[lo] = True
    per_doc = np.where(counts >= k, counts - k + 1, (counts > 0).astype(np.int64))
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(per_doc, out=offsets[1:])
    return mix(acc[keep]), offsets


def _multipliers(k: int) -> np.ndarray:
    import numpy as np

    odd = [(0x9E3779B97F4A7C15 * (2 * t + 1)) & 0xFFFFFFFFFFFFFFFF for t in range(k)]
    return np.array(odd, dtype=np.uint64)


def signatures(
    hashes: np.ndarray, offsets: np.ndarray, config: DedupConfig, chunk: int = 8192
) -> np.ndarray:
    """MinHash signatures (rows of ``num_perm`` uint32) of prehashed shingle sets.

    Values are those of rensa's ``RMinHash.digest_matrix_from_flat_token_hashes`` (computed by
    the compiled kernel when built, else by rensa). Texts without shingles get rensa's empty
    signature (all 0xFFFFFFFF); callers skip them.
    """
    import numpy as np

    mod = tk.native()
    if mod is None:
        return _signatures_rensa(hashes, offsets, config, chunk)
    off = np.ascontiguousarray(offsets, np.int64)
    flat = np.ascontiguousarray(hashes[off[0] : off[-1]] if len(off) else hashes[:0], np.uint64)
    out = np.empty((max(len(off) - 1, 0), config.num_perm), dtype=np.uint32)
    if len(off):
        mod.minhash(flat, off - off[0], config.num_perm, config.seed, out)
    return out


def _signatures_rensa(
    hashes: np.ndarray, offsets: np.ndarray, config: DedupConfig, chunk: int = 8192
) -> np.ndarray:
    import numpy as np
    import rensa

    out = np.zeros((len(offsets) - 1, config.num_perm), dtype=np.uint32)
    for lo in range(0, len(offsets) - 1, chunk):
        off = offsets[lo : lo + chunk + 1]
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            hashes[off[0] : off[-1]], (off - off[0]).astype(np.uint64), config.num_perm, config.seed
        )
        out[lo : lo + len(off) - 1] = np.array(matrix.to_rows(), dtype=np.uint32)
    return out


def band_keys(sig: np.ndarray, bands: int) -> np.ndarray:
    """One uint64 key per (text, band); keys of different bands never coincide by design."""
    import numpy as np

    n, perm = sig.shape
    rows = perm // bands
    grouped = sig.reshape(n, bands, rows).astype(np.uint64)
    acc = np.zeros((n, bands), dtype=np.uint64)
    for r in range(rows):
        acc = mix(acc * np.uint64(0x100000001B3) + grouped[:, :, r])
    return mix(acc ^ (np.arange(bands, dtype=np.uint64) * np.uint64(0xA24BAED4963EE407)))


OWNER_BITS = 28  # texts per index: 268 million; band keys keep their high 36 bits


def pack_bands(keys: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """Sorted uint64 band entries: high bits of the band key above the owner (text index)."""
    import numpy as np

    if len(owners) and int(owners.max()) >= 1 << OWNER_BITS:
        raise ValueError(f"more than {1 << OWNER_BITS} texts in one index; shard the corpus")
    high = keys.ravel() & np.uint64(~((1 << OWNER_BITS) - 1) & 0xFFFFFFFFFFFFFFFF)
    return np.sort(high | owners.astype(np.uint64))


def bucket_pairs(packed: np.ndarray, max_bucket: int, first: int = 0) -> np.ndarray:
    """Pairs (int64 [m, 2], lower text first, unique) of texts sharing a band bucket, where
    the later text is ``first`` or after. Buckets up to ``max_bucket`` members give all
    pairs; larger ones chain their members.
    """
    import numpy as np

    k = packed >> np.uint64(OWNER_BITS)
    o = (packed & np.uint64((1 << OWNER_BITS) - 1)).astype(np.int64)
    same = k[1:] == k[:-1]
    run_start = np.flatnonzero(np.concatenate(([True], ~same)))
    run_len = np.diff(np.append(run_start, len(k)))
    ok = np.flatnonzero((run_len > 1) & (run_len <= max_bucket))
    rid, cand = _expand(run_start[ok], run_len[ok])
    out = []
    for d in range(1, int(run_len[ok].max(initial=1))):
        same_run = rid[d:] == rid[:-d]
        out.append(np.stack((o[cand[:-d][same_run]], o[cand[d:][same_run]]), axis=1))
    big = np.flatnonzero(same & (np.repeat(run_len, run_len)[1:] > max_bucket))
    out.append(np.stack((o[big], o[big + 1]), axis=1))
    pairs = np.concatenate(out)
    return _unique_pairs(pairs[pairs[:, 1] >= first])


def _expand(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges (start, count): (range number, index) of every member."""
    import numpy as np

    owner = np.repeat(np.arange(len(counts)), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.repeat(starts, counts) + np.arange(int(counts.sum())) - first


def _unique_pairs(pairs: np.ndarray) -> np.ndarray:
    import numpy as np

    pairs = np.sort(pairs.astype(np.int64), axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    key = np.unique((pairs[:, 0] << 32) | pairs[:, 1])
    return np.stack((key >> 32, key & 0xFFFFFFFF), axis=1)


def estimate(sig: np.ndarray, pairs: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """MinHash Jaccard estimates for ``pairs`` (share of equal signature entries)."""
    import numpy as np

    out = np.empty(len(pairs), dtype=np.float32)
    for s in range(0, len(pairs), chunk):
        p = pairs[s : s + chunk]
        out[s : s + chunk] = (sig[p[:, 0]] == sig[p[:, 1]]).mean(axis=1)
    return out


class ShingleSets:
    """Exact shingle sets of texts (sorted unique arrays), built on demand for verification.

    ``parts``: (first text, flat shingle hashes, row offsets) of consecutive text ranges.
    """

    def __init__(self, parts: list[tuple[int, np.ndarray, np.ndarray]]) -> None:
        self.parts, self.firsts = parts, [p[0] for p in parts]
        self._sets: dict[int, np.ndarray] = {}

    def get(self, i: int) -> np.ndarray:
        import bisect

        import numpy as np

        s = self._sets.get(i)
        if s is None:
            first, hashes, offsets = self.parts[bisect.bisect_right(self.firsts, i) - 1]
            s = np.sort(hashes[offsets[i - first] : offsets[i - first + 1]])
            s = s[np.concatenate(([True], s[1:] != s[:-1]))]
            self._sets[i] = s
        return s

    def measure(self, i: int, j: int) -> tuple[float, float, int]:
        """(Jaccard, containment of the smaller set, size of the smaller set)."""
        import numpy as np

        a, b = self.get(i), self.get(j)
        if len(a) > len(b):
            a, b = b, a
        pos = np.minimum(np.searchsorted(b, a), max(len(b) - 1, 0))
        inter = int((b[pos] == a).sum()) if len(b) else 0
        small = min(len(a), len(b))
        union = len(a) + len(b) - inter
        return inter / union if union else 0.0, inter / small if small else 0.0, small
