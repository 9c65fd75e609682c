"""Fault injection for crash tests: named points where a test can kill the process.

``STORYLINE_FAULT="name[:n]"`` kills the running process with SIGKILL the ``n``-th time (1 by
default) it reaches the point ``name``; ``STORYLINE_FAULT_TRACE=FILE`` appends the name of
every point reached to FILE, so a test can list the points of an uninterrupted run and then
kill a run at each. Without either variable a point costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal

FAULT_ENV = "STORYLINE_FAULT"
TRACE_ENV = "STORYLINE_FAULT_TRACE"

_reached: dict[str, int] = {}


def point(name: str) -> None:
    """Mark the point ``name``: trace it, and kill the process here when asked to."""
    trace = os.environ.get(TRACE_ENV)
    spec = os.environ.get(FAULT_ENV)
    if not trace and not spec:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if trace:
        with open(trace, "a", encoding="utf-8") as out:
            out.write(name + "\n")
    if spec and _wanted(spec) == (name, _reached[name]):
        os.kill(os.getpid(), signal.SIGKILL)


def _wanted(spec: str) -> tuple[str, int]:
    name, _, nth = spec.partition(":")
    return name, int(nth) if nth.isdigit() else 1
