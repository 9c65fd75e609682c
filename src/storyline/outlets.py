"""Outlets in the order a reader expects: names in natural order (numbers inside names as
numbers, so o2 comes before o10), or most articles / highest wire share first. Shared by the
CLI (``storyline outlets --sort``) and the web UI's outlets list."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from storyline.model import OutletDependency

#: Orders of the outlets list.
OUTLET_SORTS = ("name", "articles", "wire")


def natural_key(name: str) -> tuple[Any, ...]:
    """Sort key reading numbers inside a name as numbers: o2 < o10, case-insensitive."""
    parts = re.split(r"(\d+)", name.casefold())  # text, number, text, ...: types line up
    return tuple(int(p) if k % 2 else p for k, p in enumerate(parts)), name


def sort_outlets(deps: Iterable[OutletDependency], sort: str) -> list[OutletDependency]:
    """Outlets by name (natural order), or most articles / highest wire share first."""
    out = sorted(deps, key=lambda d: natural_key(d.source))
    if sort == "articles":
        out.sort(key=lambda d: -d.articles)
    elif sort == "wire":
        out.sort(key=lambda d: -d.wire_share)
    return out
