"""simplemma's dictionaries without the per-process load: exact ``known`` and ``lemma``.

``simplemma.is_known``/``lemmatize`` decode a whole language dictionary (German: 1.1 million
forms) in pure Python on first use, ~0.7 s in every process. Here the decoded dictionary is
kept on disk once, as a sorted index of its keys and values (one file, ~45 MB for German),
memory-mapped (well under a millisecond) and bisected per look-up (~20 us, cached by the
callers). simplemma's own strategies run on top of it (:class:`Index` is the ``Mapping`` a
simplemma ``DictionaryFactory`` serves), so every answer is the one simplemma gives.

The index lives in ``$STORYLINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/storyline``, else
``~/.cache/storyline``, named after simplemma's version and data file. It is built from the
installed simplemma on first use (the usual decode plus ~0.2 s to write it): never
downloaded, never shipped (simplemma's code is MIT, but its word lists come from ODbL,
CC BY-SA and other sources, so the project does not redistribute them). When the folder
cannot be written, the dictionary serves the running process only.
"""

from __future__ import annotations

import mmap
import os
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

_FORMAT = 1
_MAGIC = b"SLWL0001"


def cache_dir() -> Path:
    """Where the dictionary indexes are kept (see the module docstring)."""
    if os.environ.get("STORYLINE_CACHE_DIR"):
        return Path(os.environ["STORYLINE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "storyline"


class Index(Mapping[str, str]):
    """A read-only str -> str mapping over one buffer: sorted keys, then their values,
    located by cumulative end offsets (``key_ends[i]``, ``value_ends[i]``)."""

    def __init__(
        self, buf: bytes | mmap.mmap, key_ends: np.ndarray, value_ends: np.ndarray, *, base: int = 0
    ) -> None:
        self._buf, self._key_ends, self._value_ends = buf, key_ends, value_ends
        self._n = len(key_ends)
        self._keys_at = base
        self._values_at = base + (int(key_ends[-1]) if self._n else 0)

    def _key(self, i: int) -> bytes:
        start = int(self._key_ends[i - 1]) if i else 0
        return self._buf[self._keys_at + start : self._keys_at + int(self._key_ends[i])]

    def _position(self, target: bytes) -> int:
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            if self._key(mid) < target:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        target = key.encode()
        i = self._position(target)
        if i == self._n or self._key(i) != target:
            return default
        start = self._values_at + (int(self._value_ends[i - 1]) if i else 0)
        return self._buf[start : self._values_at + int(self._value_ends[i])].decode()

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return (self._key(i).decode() for i in range(self._n))

    def __len__(self) -> int:
        return self._n


def _ends(parts: list[bytes]) -> np.ndarray:
    import numpy as np

    return np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))


def _raw(lang: str) -> dict[bytes, bytes]:
    """simplemma's decoded dictionary for ``lang`` as bytes -> bytes (its own loader)."""
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

    mapping = DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)
    raw = getattr(mapping, "_dict", None)
    if isinstance(raw, dict):
        return raw
    return {k.encode(): v.encode() for k, v in mapping.items()}


def build(lang: str) -> Index:
    """The index of simplemma's ``lang`` dictionary, built from the installed package."""
    return index_of(_raw(lang))


def index_of(raw: Mapping[bytes, bytes]) -> Index:
    """An :class:`Index` holding ``raw`` (UTF-8 keys and values)."""
    keys, values = list(raw), list(raw.values())
    if any(a >= b for a, b in zip(keys, keys[1:], strict=False)):
        keys.sort()
        values = [raw[k] for k in keys]
    return Index(b"".join([*keys, *values]), _ends(keys), _ends(values))


def _path(lang: str) -> Path:
    """The index file, named after simplemma's version and the data file's size."""
    import simplemma
    from simplemma.strategies.dictionaries import dictionary_factory

    data = Path(getattr(dictionary_factory, "DATA_FOLDER", ".")) / f"{lang}.plzma"
    size = data.stat().st_size if data.exists() else 0
    return cache_dir() / f"simplemma-{simplemma.__version__}-{lang}-{size}-v{_FORMAT}.idx"


def _header(n: int) -> bytes:
    return _MAGIC + n.to_bytes(8, "little")


def _save(index: Index, path: Path) -> None:
    """One file: magic, count, key ends, value ends (int64), keys, values."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(_header(len(index)))
            out.write(index._key_ends.astype("<i8").tobytes())
            out.write(index._value_ends.astype("<i8").tobytes())
            out.write(index._buf)
        os.replace(tmp, path)  # atomic: a reader sees the old file or the whole new one
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _load(path: Path) -> Index | None:
    import numpy as np

    try:
        with path.open("rb") as f:  # mapped, not read: a look-up touches a few pages
            buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    head = len(_MAGIC) + 8
    if buf[: len(_MAGIC)] != _MAGIC or len(buf) < head:
        return None
    n = int.from_bytes(buf[len(_MAGIC) : head], "little")
    try:
        key_ends = np.frombuffer(buf, dtype="<i8", count=n, offset=head)
        value_ends = np.frombuffer(buf, dtype="<i8", count=n, offset=head + 8 * n)
    except ValueError:  # shorter than its count says
        return None
    base = head + 16 * n
    if n and base + int(key_ends[-1]) + int(value_ends[-1]) != len(buf):
        return None  # truncated or foreign: rebuild
    return Index(buf, key_ends, value_ends, base=base)


@cache
def dictionary(lang: str) -> Mapping[str, str]:
    """simplemma's dictionary for ``lang``: from the on-disk index, else built (and saved
    when the cache folder is writable)."""
    path = _path(lang)
    index = _load(path) if path.exists() else None
    if index is not None:
        return index
    index = build(lang)
    try:
        _save(index, path)
    except OSError:
        pass  # read-only home: the index serves this process only
    return index


@cache
def _factory() -> Any:
    from simplemma.strategies.dictionaries import DictionaryFactory

    class _Factory(DictionaryFactory):
        def get_dictionary(self, lang: str) -> Mapping[str, str]:
            return dictionary(lang)

    return _Factory()


@cache
def _lookup() -> Any:
    from simplemma.strategies import DictionaryLookupStrategy

    return DictionaryLookupStrategy(_factory())


@cache
def _lemmatizer() -> Any:
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy

    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_factory()))


def known(word: str, lang: str) -> bool:
    """``simplemma.is_known(word, lang=lang)``, answered from the index."""
    if not isinstance(word, str):
        raise TypeError(f"known() needs a str, got {type(word).__name__}")
    if not word:
        raise ValueError("known() needs a non-empty word, got ''")
    return _lookup().get_lemma(unicodedata.normalize("NFC", word), lang) is not None


def lemma(word: str, lang: str) -> str:
    """``simplemma.lemmatize(word, lang=lang)``, answered from the index."""
    return str(_lemmatizer().lemmatize(word, lang))


__all__ = ["Index", "build", "cache_dir", "dictionary", "index_of", "known", "lemma"]
