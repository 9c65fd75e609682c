"""storyline.scale: where the per-record work of an ingest runs.

An *engine* runs named batch tasks (:mod:`storyline.scale.tasks`) over batches and yields
their results in order; it knows nothing of stages, and stages know nothing of engines
(datatrove's executors likewise only "run ranks"). The driver (:mod:`storyline.pipeline`)
reads the inputs, hands the per-article work (cleaning, profiles) and the per-story work
(comparison, analysis) to the engine, and does the sequential part itself: story assignment
in time order and every write to the store. See docs/scale.md.

- ``"local"``: this process, one batch after the other (what a plain ``ingest`` does).
- ``"ray"``: a pool of Ray actors on a local or remote Ray cluster (``storyline[ray]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from storyline.scale import tasks

__all__ = ["ENGINES", "Engine", "LocalEngine", "open_engine"]

#: Engine names accepted by :func:`open_engine` and ``storyline ingest --engine``.
ENGINES = ("local", "ray")


class Engine(Protocol):
    """Runs named tasks of :mod:`storyline.scale.tasks` over batches, results in order."""

    name: str
    #: Records per batch the driver should send (amortises the per-call overhead).
    batch_size: int

    def map(
        self, task: str, batches: Iterable[list[Any]], **options: Any
    ) -> Iterator[list[Any]]: ...

    def close(self) -> None: ...


class LocalEngine:
    """Runs every batch in this process, in order."""

    name = "local"

    def __init__(self, *, batch_size: int = 256) -> None:
        self.batch_size = batch_size

    def map(self, task: str, batches: Iterable[list[Any]], **options: Any) -> Iterator[list[Any]]:
        for batch in batches:
            yield tasks.run(task, batch, **options)

    def close(self) -> None:
        pass

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_engine(
    name: str = "local", *, address: str | None = None, workers: int | None = None
) -> Engine:
    """The engine called ``name``: "local", or "ray" (``address``: None starts a local Ray
    instance, "auto" joins the running cluster, "ray://host:10001" a remote one; ``workers``:
    actors to start, default one per CPU of the cluster). Raises
    :class:`~storyline.errors.StorylineError` with a one-line reason when Ray is not
    installed or no cluster answers at ``address``."""
    if name == "local":
        return LocalEngine()
    if name == "ray":
        from storyline.scale.ray_engine import RayEngine

        return RayEngine(address=address, workers=workers)
    raise ValueError(f"unknown engine {name!r}; use one of: {', '.join(ENGINES)}")


def batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in consecutive lists of at most ``size``."""
    for lo in range(0, len(items), max(1, size)):
        yield items[lo : lo + size]
