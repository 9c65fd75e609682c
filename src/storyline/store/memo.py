"""Answers of the stories list's dearer reads (facets, totals) kept per store version.

The SQLite store counts its own commits and asks SQLite for ``PRAGMA data_version``, which
changes when another connection (a batch of this store, another process) commits; a cached
answer serves only while both stay as they were when it was computed, so a list never shows
figures older than the data. See docs/store.md, "Coverage and facets".
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

#: Most answers kept for one version (the least recently used go first).
SIZE = 256
#: What :meth:`VersionCache.lookup` answers for a key it does not hold.
MISSING: Any = object()
#: Seconds :meth:`VersionCache.get` waits for another thread computing the same answer.
WAIT = 30.0


class VersionCache:
    """Answers keyed by the call, valid for one version of the data: a new version empties it.

    ``version`` must be read *before* the answer is computed (:meth:`get` does so): a write
    that lands during the computation changes the version, so a newer answer is never kept
    under an older version it would then outlive.

    Threads asking :meth:`get` for a key that another thread is computing at the same
    version wait for that answer instead of computing it again (after a commit, many
    requests for the same dear answer would otherwise all compute it at once)."""

    def __init__(self, version: Callable[[], Hashable], size: int = SIZE) -> None:
        self._version_of = version
        self._size = size
        self._lock = threading.Lock()
        self._version: Hashable = None
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[tuple[Hashable, Hashable], threading.Event] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer for ``key`` at the current version, computed on a miss (once: see
        the class doc; a thread waits at most :data:`WAIT` seconds for another's answer)."""
        version, answer = self.lookup(key)
        if answer is not MISSING:
            return answer  # type: ignore[no-any-return]
        with self._lock:
            running = self._computing.get((version, key))
            if running is None:
                mine = self._computing[(version, key)] = threading.Event()
        if running is not None:  # another thread computes it: wait, then take its answer
            running.wait(WAIT)
            with self._lock:
                if version == self._version and key in self._answers:
                    return self._answers[key]  # type: ignore[no-any-return]
            return compute()  # it failed, took too long, or the version moved on
        try:
            answer = compute()
            self.keep(version, key, answer)
            return answer
        finally:
            with self._lock:
                del self._computing[(version, key)]
            mine.set()

    def lookup(self, key: Hashable) -> tuple[Hashable, Any]:
        """``(version, answer)``: the current version (read first) and the answer kept for
        ``key`` under it, or :data:`MISSING`; pass the version to :meth:`keep`."""
        version = self._version_of()
        with self._lock:
            if version != self._version:
                self._answers.clear()
                self._version = version
            elif key in self._answers:
                self._answers.move_to_end(key)
                self.hits += 1
                return version, self._answers[key]
            self.misses += 1
        return version, MISSING

    def keep(self, version: Hashable, key: Hashable, answer: Any) -> None:
        """Keep ``answer``, computed at ``version``, while that version is current."""
        with self._lock:
            if version == self._version:
                self._answers[key] = answer
                while len(self._answers) > self._size:
                    self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
