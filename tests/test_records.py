"""The generic record codec: every derived record survives JSON unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from storyline.model import (
    Analysis,
    Blindspot,
    ChainLink,
    Conflict,
    Fact,
    Member,
    Membership,
    Quantity,
    TimelineEntry,
)
from storyline.records import record_from_value, record_to_value


def _round_trip(kind, value):
    return record_from_value(kind, json.loads(json.dumps(record_to_value(value))))


def test_analysis_with_every_part_round_trips() -> None:
    when = datetime(2023, 9, 13, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    member = Member("a", 2, "Der Bahnhof liegt 1500 km entfernt.")
    analysis = Analysis(
        "s1",
        (),
        (Quantity("a", 2, "1500 km", 17, 24, 1500.0, "km", "length", "more_than"),),
        (),
        (),
        (Conflict(member, Member("b", 0, "...100 km..."), "number", ("1500 km", "100 km")),),
        (ChainLink("Interfax", "dpa", "quoted", "teilte ... mit", "b"),),
        (Fact(0, "verbatim", "Lead", (member,), ("A",), ("B",), "a", when),),
        (Blindspot("a", "A", (0, 1), ()),),
        (TimelineEntry("a", "A", datetime(2023, 9, 13, tzinfo=UTC), 0, (0,)),),
    )
    assert _round_trip(Analysis, analysis) == analysis


def test_membership_tuples_round_trip() -> None:
    members = (
        Membership(
            "s",
            "a",
            "joined",
            1.25,
            (("b", 1.25),),
            ("putin",),
            ("lead",),
            (("use_cos", 0.8),),
            3.5,
            True,
            ("undated",),
        ),  # fmt: skip
        Membership("s", "b", "founded"),
    )
    assert _round_trip(tuple[Membership, ...], members) == members


def test_a_value_of_the_wrong_type_is_named() -> None:
    with pytest.raises(TypeError, match="expected str"):
        record_from_value(Member, {"article": 3, "sentence": 0, "text": "x"})
