"""Publication dates from metadata strings: ISO 8601, RFC 2822, common numeric forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d %B %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%b %d, %Y",
)
_EPOCH = re.compile(r"\d{9,10}(\.\d+)?|\d{12,13}")
_ZULU_OFFSET = re.compile(r"(?<=\d)Z$|(?<=\d) ?(UTC|GMT)$")


def parse_date(value: object) -> datetime | None:
    """Return a datetime for ``value`` (None when empty); raise ValueError when unrecognised.

    Timezone-aware when the input names an offset (``+02:00``, ``Z``, ``UTC``); naive otherwise.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(float(value))
    text = str(value).strip()
    for parse in (_iso, _epoch, _rfc2822, _patterns):
        found = parse(text)
        if found is not None:
            return found
    raise ValueError(f"unrecognised date {text!r}; use ISO 8601 such as 2023-09-13T08:30:00+02:00")


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(_ZULU_OFFSET.sub("+00:00", text))
    except ValueError:
        return None


def _epoch(text: str) -> datetime | None:
    return _from_epoch(float(text)) if _EPOCH.fullmatch(text) else None


def _from_epoch(seconds: float) -> datetime:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):  # beyond what the platform's clock holds
        raise ValueError(f"date {seconds!r} (seconds since 1970) is out of range") from None


def _rfc2822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _patterns(text: str) -> datetime | None:
    for pattern in _FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None
