"""Any frozen dataclass of ``storyline.model`` <-> JSON-compatible values, driven by its type
hints: the analysis JSON is written with it, and the store keeps derived records (a story's
:class:`~storyline.model.Analysis`, its :class:`~storyline.model.Membership` list) with it.

Nested dataclasses become dicts keyed by field name, tuples lists, datetimes ISO 8601 text
(offset kept), ``None`` stays null. ``record_from_value(T, record_to_value(x)) == x``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from functools import cache
from typing import Any


def record_to_value(obj: Any) -> Any:
    """The JSON-compatible form of a record, a tuple of them, or a plain value."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: record_to_value(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [record_to_value(v) for v in obj]
    if isinstance(obj, datetime):
        return obj.isoformat()
    return obj


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def record_from_value(kind: Any, value: Any) -> Any:
    """The value of type ``kind`` (a dataclass, ``tuple[X, ...]``, ``X | None``, ...) for a
    form made by :func:`record_to_value`; TypeError names what does not fit."""
    if value is None:
        return None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in args if a is not type(None)]
        return record_from_value(inner[0], value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(record_from_value(args[0], v) for v in value)
        return tuple(record_from_value(a, v) for a, v in zip(args, value, strict=True))
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)  # type: ignore[arg-type]
        fields = {f.name: record_from_value(hints[f.name], value[f.name])
                  for f in dataclasses.fields(kind) if f.name in value}  # fmt: skip
        return typing.cast(Any, kind)(**fields)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is float:
        return float(value)
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}, got {value!r:.60}")
    return value
