from datetime import UTC, datetime, timedelta, timezone

import pytest

from storyline.ingest.dates import parse_date

CEST = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-09-13T08:30:00+02:00", datetime(2023, 9, 13, 8, 30, tzinfo=CEST)),
        ("2023-09-13T06:30:00Z", datetime(2023, 9, 13, 6, 30, tzinfo=UTC)),
        ("Wed, 13 Sep 2023 08:30:00 +0200", datetime(2023, 9, 13, 8, 30, tzinfo=CEST)),
        ("13.09.2023 08:30", datetime(2023, 9, 13, 8, 30)),
        ("2023-09-13", datetime(2023, 9, 13)),
        ("13 September 2023", datetime(2023, 9, 13)),
        (1694586600, datetime(2023, 9, 13, 6, 30, tzinfo=UTC)),
        ("1694586600000", datetime(2023, 9, 13, 6, 30, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: object, expected: datetime | None) -> None:
    assert parse_date(value) == expected


def test_unknown_date_says_what_to_use() -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_date("gestern abend")
