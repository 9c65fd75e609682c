"""Corrections (a person's split/merge/move of stories) as stored rows, for both backends."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from storyline.errors import InputError
from storyline.model import Correction
from storyline.store.codec import dt_from_str, dt_to_str

#: Story-level kinds, then event-level ones (``story`` holds the event id for those).
KINDS = ("split", "merge", "move", "split-event", "merge-event", "move-event")


def check_correction(c: Correction) -> None:
    """Refuse a correction that cannot be replayed, naming what is wrong."""
    if c.kind not in KINDS:
        raise InputError("correction", f"unknown kind {c.kind!r}; use one of {KINDS}")
    if not c.story:
        raise InputError("correction", f"{c.kind} needs a story id")
    if c.kind.removesuffix("-event") in ("split", "move") and not c.articles:
        raise InputError("correction", f"{c.kind} needs one or more article ids")
    if c.kind.removesuffix("-event") == "merge" and not c.other:
        raise InputError("correction", f"{c.kind} needs the other one's id")


def correction_row(c: Correction) -> tuple[str, str, str, str | None, str | None]:
    """(kind, story, articles JSON, other, at ISO) for the ``corrections`` table."""
    check_correction(c)
    return (c.kind, c.story, json.dumps(list(c.articles)), c.other, dt_to_str(c.at))


def correction_from_row(row: Sequence[Any]) -> Correction:
    kind, story, articles, other, at = row
    return Correction(kind, story, tuple(json.loads(articles)), other, dt_from_str(at))
