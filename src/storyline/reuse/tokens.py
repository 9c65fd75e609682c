"""Vectorised word tokenisation on UTF-8 bytes: word hashes and character offsets.

All texts of a batch are joined into one byte buffer and tokenised with numpy, so no Python
string is made per word. Normalisation happens in place on the bytes and keeps byte offsets,
so every word maps back to character offsets in the original ``Article.text``:

* ASCII and Latin-1 capitals are lower-cased (``Ä`` -> ``ä``); ``ß`` is read as ``ss``.
* Words are runs of ASCII letters/digits and non-ASCII characters; ASCII punctuation,
  typographic quotes, dashes and spaces (U+2000-U+207F, U+00A0-U+00BF, U+00D7, U+00F7)
  separate words.
* Scripts written without spaces (Chinese, Japanese) yield one token per run of characters;
  letters outside Latin-1 keep their case.

Two implementations give bit-identical results: the compiled kernels of
``storyline.reuse._signatures`` (built by ``pip install``; they read the ``str`` objects
directly and release the GIL) and, when that module is missing or ``STORYLINE_NO_NATIVE=1``
is set, the numpy code below.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import numpy as np

T = TypeVar("T")
_P = 0x100000001B3  # odd multiplier of the prefix hash (FNV prime)
_BATCH_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Tokens:
    """Words of many texts as flat arrays; ``offsets[d]:offsets[d+1]`` are text d's words."""

    hashes: np.ndarray  # uint64 per word
    starts: np.ndarray  # int32 character offset of each word in its text
    ends: np.ndarray  # int32 character offset just after each word
    offsets: np.ndarray  # int64, len(texts) + 1

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def counts(self) -> np.ndarray:
        import numpy as np

        return np.diff(self.offsets)


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spread the bits of uint64 values (vectorised, wraps)."""
    import numpy as np

    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _normalise(buf: np.ndarray) -> np.ndarray:
    """Lower-case and unify bytes in place; return the per-byte 'is word' mask."""
    import numpy as np

    buf += ((buf - np.uint8(65)) < 26).view(np.uint8) * np.uint8(32)
    nxt = np.empty_like(buf)
    nxt[:-1], nxt[-1:] = buf[1:], 0
    c3 = buf == 0xC3
    caps = c3 & (nxt >= 0x80) & (nxt <= 0x9E) & (nxt != 0x97)
    buf[1:] += caps[:-1].view(np.uint8) * np.uint8(32)
    sharp = c3 & (nxt == 0x9F)
    if sharp.any():
        at = np.flatnonzero(sharp)
        buf[at] = buf[at + 1] = 0x73
    isword = (buf >= 0x80) | ((buf | np.uint8(0x20)) - np.uint8(97) < 26)
    isword |= buf - np.uint8(48) < 10
    _separate(buf, nxt, isword)
    return isword


def _separate(buf: np.ndarray, nxt: np.ndarray, isword: np.ndarray) -> None:
    """Mark typographic punctuation (U+00A0-U+00BF, U+2000-U+206F, U+00D7/F7) as separators."""
    import numpy as np

    latin = (buf == 0xC2) & (nxt >= 0xA0)
    latin |= (buf == 0xC3) & ((nxt == 0x97) | (nxt == 0xB7))
    general = (buf == 0xE2) & ((nxt == 0x80) | (nxt == 0x81))
    for mask, width in ((latin, 2), (general, 3)):
        idx = np.flatnonzero(mask)
        for k in range(width):
            isword[np.minimum(idx + k, len(buf) - 1)] = False


_POWERS: list[tuple[np.ndarray, np.ndarray]] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Powers of the hash multiplier and of its inverse (mod 2**64), cached per process."""
    if not _POWERS or len(_POWERS[0][0]) < n:
        _POWERS[:] = [_compute_powers(max(2 * n, _BATCH_BYTES + 1))]
    return _POWERS[0]


def _compute_powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    inv = pow(_P, -1, 1 << 64)
    fwd = np.full(n, _P, dtype=np.uint64)
    fwd[0] = 1
    back = np.full(n, inv, dtype=np.uint64)
    back[0] = 1
    return np.cumprod(fwd, dtype=np.uint64), np.cumprod(back, dtype=np.uint64)


def native() -> Any:
    """The compiled kernels module, or None when it is not built or ``STORYLINE_NO_NATIVE=1``."""
    if os.environ.get("STORYLINE_NO_NATIVE", "") not in ("", "0"):
        return None
    return _import_native()


@functools.cache
def _import_native() -> Any:
    try:
        from storyline.reuse import _signatures  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _signatures


def _encode(texts: Sequence[str]) -> np.ndarray:
    import numpy as np

    clean = [t.replace("\x00", " ") if "\x00" in t else t for t in texts]
    data = ("\x00".join(clean) + "\x00").encode("utf-8", "surrogatepass")
    return np.frombuffer(data, dtype=np.uint8).copy()


def _tokenise_batch(texts: Sequence[str], positions: bool = True) -> Tokens:
    mod = native()
    if mod is None:
        return _tokenise_numpy(texts, positions)
    return _tokenise_native(mod, texts, positions)


def _tokenise_native(mod: Any, texts: Sequence[str], positions: bool) -> Tokens:
    """Compiled tokeniser: fills over-allocated arrays, then keeps the used part."""
    import numpy as np

    texts = texts if isinstance(texts, list) else list(texts)
    cap = mod.word_capacity(texts)
    hashes, offsets = np.empty(cap, np.uint64), np.empty(len(texts) + 1, np.int64)
    if not positions:
        n = mod.tokenise(texts, hashes, offsets)
        none = np.zeros(0, dtype=np.int32)
        return Tokens(hashes[:n].copy(), none, none, offsets)
    starts, ends = np.empty(cap, np.int32), np.empty(cap, np.int32)
    n = mod.tokenise(texts, hashes, offsets, starts, ends)
    return Tokens(hashes[:n].copy(), starts[:n].copy(), ends[:n].copy(), offsets)


def _tokenise_numpy(texts: Sequence[str], positions: bool = True) -> Tokens:
    import numpy as np

    if not texts:
        return empty()

    buf = _encode(texts)
    ends_of_docs = np.flatnonzero(buf == 0)
    doc_starts = np.concatenate(([0], ends_of_docs[:-1] + 1))
    chars = np.zeros(len(buf) + 1 if positions else 1, dtype=np.int32)
    if positions:
        np.cumsum((buf & 0xC0) != 0x80, out=chars[1:])
    isword = _normalise(buf)
    edge = np.flatnonzero(np.diff(isword.view(np.int8), prepend=np.int8(0), append=np.int8(0)))
    wstart, wend = edge[0::2], edge[1::2]
    fwd, back = _powers(len(buf) + 1)
    prefix = np.zeros(len(buf) + 1, dtype=np.uint64)
    np.cumsum(buf * fwd[: len(buf)], out=prefix[1:])
    raw = (prefix[wend] - prefix[wstart]) * back[wstart]
    hashes = mix(raw + (wend - wstart).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    offsets = np.searchsorted(wstart, np.concatenate((doc_starts, [len(buf)]))).astype(np.int64)
    if not positions:
        none = np.zeros(0, dtype=np.int32)
        return Tokens(hashes, none, none, offsets)
    base = chars[doc_starts][np.searchsorted(ends_of_docs, wstart)]
    return Tokens(hashes, chars[wstart] - base, chars[wend] - base, offsets)


def batches(texts: Sequence[str], size: int = _BATCH_BYTES) -> list[Sequence[str]]:
    """Consecutive slices of ``texts`` of about ``size`` characters each."""
    out, start, total = [], 0, 0
    for i, text in enumerate(texts):
        total += len(text) + 1
        if total >= size:
            out.append(texts[start : i + 1])
            start, total = i + 1, 0
    if start < len(texts):
        out.append(texts[start:])
    return out


def map_batches(
    texts: Sequence[str], fn: Callable[[Tokens], T], workers: int = 1, positions: bool = True
) -> list[T]:
    """Tokenise ``texts`` batch by batch and apply ``fn`` to each batch's tokens.

    The compiled kernels (and numpy, in its array loops) release the GIL, so ``workers``
    threads run batches in parallel.
    ``positions=False`` skips character offsets (``starts``/``ends`` come back empty).
    """
    jobs = batches(list(texts))

    def run(batch: Sequence[str]) -> T:
        return fn(_tokenise_batch(batch, positions))

    if workers <= 1 or len(jobs) <= 1:
        return [run(b) for b in jobs]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, jobs))


def tokenise(texts: Sequence[str], workers: int = 1) -> Tokens:
    """Tokenise ``texts`` into word hashes with character offsets (see module docstring)."""
    parts = map_batches(texts, lambda t: t, workers)
    return concat(parts) if parts else empty()


def empty() -> Tokens:
    """Tokens of no texts."""
    import numpy as np

    none = np.zeros(0, dtype=np.int32)
    return Tokens(np.zeros(0, dtype=np.uint64), none, none, np.zeros(1, dtype=np.int64))


def concat(parts: Sequence[Tokens]) -> Tokens:
    """Join token sets of consecutive text ranges into one."""
    import numpy as np

    if len(parts) == 1:
        return parts[0]
    shifts = np.cumsum([0] + [int(p.offsets[-1]) for p in parts[:-1]])
    offsets = [parts[0].offsets[:1]] + [
        p.offsets[1:] + s for p, s in zip(parts, shifts, strict=True)
    ]
    return Tokens(
        np.concatenate([p.hashes for p in parts]),
        np.concatenate([p.starts for p in parts]),
        np.concatenate([p.ends for p in parts]),
        np.concatenate(offsets),
    )


def doc_hashes(tokens: Tokens) -> np.ndarray:
    """One uint64 per text from its whole word sequence (0 for texts without words)."""
    import numpy as np

    n = len(tokens.hashes)
    pos = np.arange(n, dtype=np.int64) - np.repeat(tokens.offsets[:-1], tokens.counts())
    vals = mix(tokens.hashes ^ (pos.astype(np.uint64) * np.uint64(0xD6E8FEB86659FD93)))
    acc = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(vals, out=acc[1:])
    return acc[tokens.offsets[1:]] - acc[tokens.offsets[:-1]]
