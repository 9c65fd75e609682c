"""Which stage of the pipeline is running, for progress bars and benchmarks.

The pipeline calls :func:`enter` when it moves on to another stage (one of :data:`STAGES`);
whoever wants to know registers a callback for the duration of a ``with watch(callback):``
block (a context variable: other threads and runs are not affected). Nothing is recorded
when nobody watches, so the calls cost nothing worth measuring.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: The stages of an ingest, in the order they run.
STAGES = ("read", "clean", "reuse", "profile", "assign", "compare", "store")

_watchers: ContextVar[tuple[Callable[[str], None], ...]] = ContextVar("stages", default=())


def enter(stage: str) -> None:
    """Tell the watchers that ``stage`` starts now."""
    for watcher in _watchers.get():
        watcher(stage)


@contextmanager
def watch(callback: Callable[[str], None]) -> Iterator[None]:
    """Call ``callback(stage)`` whenever a stage starts inside this block."""
    token = _watchers.set((*_watchers.get(), callback))
    try:
        yield
    finally:
        _watchers.reset(token)


class StageClock:
    """A watcher that adds up the wall time spent in each stage (``seconds``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.current: str | None = None
        self._since = time.perf_counter()

    def __call__(self, stage: str) -> None:
        self.stop()
        self.current = stage

    def stop(self) -> None:
        """Close the running stage (call at the end of the run)."""
        now = time.perf_counter()
        if self.current is not None:
            self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self._since
        self.current, self._since = None, now


__all__ = ["STAGES", "StageClock", "enter", "watch"]
