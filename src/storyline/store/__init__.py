"""storyline.store: where articles, stories and comparisons live.

``open_store(None)`` gives an in-memory store; ``open_store("x.db")`` a SQLite file.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from storyline.store.base import Store
from storyline.store.memory import MemoryStore

__all__ = ["MemoryStore", "Store", "open_store"]


def open_store(
    path: str | os.PathLike[str] | None = None,
    *,
    lock_timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Store:
    """An in-memory store for None or ":memory:", else the SQLite store at ``path``.

    Parent folders are created. Raises StoreError naming the path when it is not a storyline
    database or cannot be opened. A SQLite writer waits up to ``lock_timeout`` seconds
    (default 600) for another writer, telling ``on_wait`` once that it waits.
    """
    if path is None or os.fspath(path) == ":memory:":
        return MemoryStore()
    from storyline.store.sqlite import LOCK_TIMEOUT, SQLiteStore

    timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    return SQLiteStore(path, lock_timeout=timeout, on_wait=on_wait)
