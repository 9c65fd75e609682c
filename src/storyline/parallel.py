"""Per-item work on every core: a pool of forked processes fed in chunks.

Used where the work per item is independent and large next to pickling it (profiles of
articles, analyses of stories). The parent does the first chunk itself before the pool
starts, so the models that work loads are loaded once and shared by every worker through
fork; the results come back in input order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Fork is there (not on Windows) and this is no daemon process (those may not fork)."""
    daemon = multiprocessing.current_process().daemon
    return "fork" in multiprocessing.get_all_start_methods() and not daemon


def chunked_map(
    work: Callable[[list[T]], list[R]],
    items: Sequence[T],
    *,
    chunk: int,
    min_items: int,
    workers: int | None = None,
) -> list[R]:
    """``work`` over ``items`` in chunks of ``chunk``: in forked workers (``workers``, None:
    one per core) when there are at least ``min_items`` items (and two chunks), else here.
    Either way ``work`` sees the same chunks, so the result never depends on the number of
    cores (a sentence vector depends on its batch by float32 rounding, and a tree model can
    turn that into another score). ``work`` must be a module-level function (it is sent to
    the workers by name)."""
    items = list(items)
    workers = cores() if workers is None else workers
    if workers < 2 or len(items) < max(min_items, 2 * chunk) or not can_fork():
        return [r for i in range(0, len(items), chunk) for r in work(items[i : i + chunk])]
    first = work(items[:chunk])  # loads the models before the fork
    rest = [items[i : i + chunk] for i in range(chunk, len(items), chunk)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return first + [r for done in pool.map(work, rest) for r in done]


__all__ = ["can_fork", "chunked_map", "cores"]
