"""Dataclass <-> JSON-compatible dict conversion, shared by the store, the CLI and the web API.

The dict form is stable and documented in docs/store.md: keys are the dataclass field names,
datetimes are ISO 8601 strings (timezone offset kept; naive stays naive), tuples are lists,
None stays None. ``X_from_dict(X_to_dict(x)) == x`` for every record type.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from storyline.model import (
    Alignment,
    Article,
    Comparison,
    Credits,
    CreditSpan,
    Member,
    Residue,
    Share,
    Story,
)
from storyline.records import record_from_value, record_to_value

if TYPE_CHECKING:
    import sqlite3

T = TypeVar("T")

_TUPLE_FIELDS = ("captions",)
_JSON_FIELDS = ("credits", "removed", "captions")
_TIME_FIELDS = ("published", "ingested")
_STR_FIELDS = ("id", "source", "raw", "text", "format")
_OPTIONAL_STR_FIELDS = ("title", "kicker", "teaser", "author", "url", "language", "path")


def dt_to_str(value: datetime | None) -> str | None:
    """ISO 8601 text for a datetime (offset kept), None for None."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime or None, got {type(value).__name__}")
    offset = value.utcoffset()
    if offset is not None and offset.microseconds:
        raise ValueError(f"timezone offset {offset} has a fraction of a second; round it")
    return value.isoformat()


def dt_from_str(value: str | None) -> datetime | None:
    """The datetime for ISO text from :func:`dt_to_str` (offsets come back as fixed offsets)."""
    return None if value is None else datetime.fromisoformat(value)


def time_key(value: datetime | None) -> str:
    """A sortable UTC text key for a datetime ('' for None; naive datetimes are taken as UTC)."""
    if value is None:
        return ""
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(tzinfo=None).isoformat(timespec="microseconds")


_CREDIT_LISTS = tuple(name for name in Credits.__slots__ if name != "spans")


def credits_to_dict(credits: Credits) -> dict[str, Any]:
    """The JSON form of :class:`Credits`: each field a list of strings, ``spans`` a list of
    :class:`~storyline.model.CreditSpan` dicts."""
    out: dict[str, Any] = {name: _str_list(getattr(credits, name), name) for name in _CREDIT_LISTS}
    out["spans"] = record_to_value(credits.spans)
    return out


def credits_from_dict(data: Mapping[str, Any]) -> Credits:
    """The :class:`Credits` of a dict from :func:`credits_to_dict`; rows stored before spans
    existed (no ``spans`` key) load with no spans."""
    spans = record_from_value(tuple[CreditSpan, ...], data.get("spans") or ())
    return Credits(**{name: tuple(data.get(name, ())) for name in _CREDIT_LISTS}, spans=spans)


def residue_to_dict(residue: Residue) -> dict[str, Any]:
    return {"line": residue.line, "reason": residue.reason, "lineno": residue.lineno}


def residue_from_dict(data: Mapping[str, Any]) -> Residue:
    return Residue(line=data["line"], reason=data["reason"], lineno=data.get("lineno"))


def article_to_dict(article: Article) -> dict[str, Any]:
    """The JSON form of :class:`Article`; raises TypeError naming a field that cannot be stored."""
    _check_article_types(article)
    out: dict[str, Any] = {}
    for name in Article.__slots__:
        value = getattr(article, name)
        if name in _TIME_FIELDS:
            value = _field(name, dt_to_str, value)
        elif name == "credits":
            value = _field(name, credits_to_dict, value)
        elif name == "removed":
            value = _field(name, lambda r: [residue_to_dict(x) for x in r], value)
        elif name in _TUPLE_FIELDS:
            value = _str_list(value, name)
        out[name] = value
    return out


def article_from_dict(data: Mapping[str, Any]) -> Article:
    """The :class:`Article` for a dict from :func:`article_to_dict`."""
    values = dict(data)
    for name in _TIME_FIELDS:
        values[name] = dt_from_str(values.get(name))
    values["credits"] = credits_from_dict(values.get("credits") or {})
    values["removed"] = tuple(residue_from_dict(r) for r in values.get("removed") or ())
    values["captions"] = tuple(values.get("captions") or ())
    return Article(**values)


def article_to_row(article: Article) -> dict[str, Any]:
    """Column values for the ``articles`` table (JSON text for credits, removed, captions)."""
    row = article_to_dict(article)
    for name in _JSON_FIELDS:
        row[name] = dumps(row[name])
    return row


def article_from_row(row: sqlite3.Row | Mapping[str, Any]) -> Article:
    """The :class:`Article` for a row of the ``articles`` table."""
    values = {name: row[name] for name in Article.__slots__}
    for name in _JSON_FIELDS:
        values[name] = json.loads(values[name])
    return article_from_dict(values)


def member_to_dict(member: Member) -> dict[str, Any]:
    return {"article": member.article, "sentence": member.sentence, "text": member.text}


def alignment_to_dict(alignment: Alignment) -> dict[str, Any]:
    """The JSON form of :class:`Alignment`: kind, score and its members."""
    return {
        "kind": alignment.kind,
        "score": alignment.score,
        "members": [member_to_dict(m) for m in alignment.members],
    }


def alignment_from_dict(data: Mapping[str, Any]) -> Alignment:
    members = tuple(Member(m["article"], m["sentence"], m["text"]) for m in data["members"])
    return Alignment(kind=data["kind"], members=members, score=data["score"])


def share_to_dict(share: Share) -> dict[str, Any]:
    return {name: getattr(share, name) for name in Share.__slots__}


def share_from_dict(data: Mapping[str, Any]) -> Share:
    return Share(**{name: data[name] for name in Share.__slots__ if name in data})


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    return {
        "story": comparison.story,
        "method": comparison.method,
        "alignments": [alignment_to_dict(a) for a in comparison.alignments],
        "shares": [share_to_dict(s) for s in comparison.shares],
    }


def comparison_from_dict(data: Mapping[str, Any]) -> Comparison:
    return Comparison(
        story=data["story"],
        method=data["method"],
        alignments=tuple(alignment_from_dict(a) for a in data["alignments"]),
        shares=tuple(share_from_dict(s) for s in data.get("shares", ())),
    )


def story_to_dict(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "method": story.method,
        "articles": list(story.articles),
    }


def story_from_dict(data: Mapping[str, Any]) -> Story:
    return Story(
        id=data["id"],
        articles=tuple(data["articles"]),
        title=data.get("title"),
        method=data["method"],
    )


_TO: dict[type, Callable[[Any], dict[str, Any]]] = {
    Article: article_to_dict,
    Credits: credits_to_dict,
    Residue: residue_to_dict,
    Member: member_to_dict,
    Alignment: alignment_to_dict,
    Share: share_to_dict,
    Comparison: comparison_to_dict,
    Story: story_to_dict,
}
_FROM: dict[type, Any] = {
    Article: article_from_dict,
    Credits: credits_from_dict,
    Residue: residue_from_dict,
    Member: lambda d: Member(d["article"], d["sentence"], d["text"]),
    Alignment: alignment_from_dict,
    Share: share_from_dict,
    Comparison: comparison_from_dict,
    Story: story_from_dict,
}


def to_json(obj: Any) -> dict[str, Any]:
    """The JSON-compatible dict of any storyline record (Article, Story, Comparison, ...)."""
    convert = _TO.get(type(obj))
    if convert is None:
        raise TypeError(f"no JSON form for {type(obj).__name__}")
    return convert(obj)


def from_json(cls: type[T], data: Mapping[str, Any]) -> T:
    """The record of type ``cls`` for a dict from :func:`to_json`."""
    convert = _FROM.get(cls)
    if convert is None:
        raise TypeError(f"no JSON form for {cls.__name__}")
    return convert(data)  # type: ignore[no-any-return]


def dumps(value: Any) -> str:
    """Compact JSON text, unicode kept, NaN refused (it is not JSON)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _field(name: str, convert: Any, value: Any) -> Any:
    try:
        return convert(value)
    except (TypeError, AttributeError, ValueError) as e:
        raise TypeError(f"field {name!r}: {e}") from e


def _str_list(values: Any, name: str) -> list[str]:
    if not isinstance(values, tuple) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"field {name!r} must be a tuple of str, got {values!r:.80}")
    return list(values)


def _check_article_types(article: Article) -> None:
    for name in _STR_FIELDS:
        if not isinstance(getattr(article, name), str):
            raise TypeError(f"field {name!r} must be str")
    for name in _OPTIONAL_STR_FIELDS:
        if not isinstance(getattr(article, name), str | None):
            raise TypeError(f"field {name!r} must be str or None")
