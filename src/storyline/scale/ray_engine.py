"""The Ray engine: named batch tasks on a pool of Ray actors (``storyline[ray]``).

Actors rather than Ray Data: a worker keeps the models the stages load (the sentence
encoder, the lemma indexes) for the whole run, batches are plain lists of the frozen
dataclasses (no conversion to Arrow and back), results stream back in input order through
:class:`ray.util.ActorPool` with at most :data:`IN_FLIGHT` batches queued per actor
(bounded memory on the driver), and an actor whose process dies is restarted and its batch
retried (``max_restarts`` / ``max_task_retries``), so a lost worker costs a retry, not the
run.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from storyline.errors import MissingDependency, StorylineError

#: Ray's switch for a loopback-only node (its name says what its default is for).
LOOPBACK_ONLY = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
#: Batches queued per actor: enough to keep each busy, few enough to bound the driver's memory.
IN_FLIGHT = 2
#: How long to wait for a cluster's address to answer before giving up (seconds).
CONNECT_TIMEOUT = 5.0


class RayEngine:
    """Runs :mod:`storyline.scale.tasks` on ``workers`` Ray actors (one CPU each)."""

    name = "ray"

    def __init__(
        self, *, address: str | None = None, workers: int | None = None, batch_size: int = 64
    ) -> None:
        if address is None:
            # A cluster on this machine only: Ray then binds and talks on 127.0.0.1 (read
            # when ray is first imported; by default it prefers the machine's network address).
            os.environ.setdefault(LOOPBACK_ONLY, "0")
        ray = _import_ray()
        self.batch_size = batch_size
        self._started = _connect(ray, address)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = max(1, workers or cpus)
        worker = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=-1)(_Worker)
        self._actors = [worker.remote() for _ in range(self.workers)]
        self._ray = ray

    def map(self, task: str, batches: Iterable[list[Any]], **options: Any) -> Iterator[list[Any]]:
        from ray.util import ActorPool

        pool = ActorPool(self._actors)
        submit = lambda actor, batch: actor.run.remote(task, batch, options)  # noqa: E731
        pending = iter(batches)
        for batch in islice(pending, IN_FLIGHT * len(self._actors)):
            pool.submit(submit, batch)
        while pool.has_next():
            result = pool.get_next()  # in submission order
            for batch in islice(pending, 1):
                pool.submit(submit, batch)
            yield result

    def pids(self) -> list[int]:
        """The process ids of the actors (the benchmark kills one to show a retry)."""
        return self._ray.get([a.pid.remote() for a in self._actors])

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
        if self._started:
            self._ray.shutdown()

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Worker:
    """One actor: runs tasks by name; the models load on its first batch and stay."""

    def run(self, task: str, batch: list[Any], options: dict[str, Any]) -> list[Any]:
        from storyline.scale import tasks

        return tasks.run(task, batch, **options)

    def pid(self) -> int:
        return os.getpid()


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MissingDependency("ray", "ray") from None
    return ray


def _connect(ray: Any, address: str | None) -> bool:
    """Join the cluster at ``address`` (None: start a local one on 127.0.0.1); True when this
    process started it (and so shuts it down)."""
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": logging.ERROR,
        "log_to_driver": False,
    }
    if address is None:
        from storyline.parallel import cores

        ray.init(num_cpus=cores(), **quiet)
        return True
    host = _check_reachable(address)
    if host and ipaddress.ip_address(host).is_loopback:
        quiet["_node_ip_address"] = host  # nodes on this machine's loopback (docs/scale.md)
    try:
        ray.init(address=address, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StorylineError(f"no Ray cluster at {address!r}: {first}") from None
    return False


def _check_reachable(address: str) -> str | None:
    """Fail fast (instead of Ray's minutes of retries) when ``address`` names a host:port
    that does not accept connections; "auto" is left to Ray (it reads the local cluster)."""
    if address == "auto":
        return None
    hostport = address.removeprefix("ray://").rsplit("/", 1)[0]
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        raise StorylineError(f"bad Ray address {address!r}; use auto, HOST:PORT or ray://HOST:PORT")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as exc:
        raise StorylineError(
            f"no Ray cluster at {address!r}: {exc.strerror or exc}; "
            "start one with `ray start --head` or check the address"
        ) from None
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:  # a host name
        return "127.0.0.1" if host == "localhost" else None
