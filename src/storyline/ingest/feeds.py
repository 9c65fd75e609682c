"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds through feedparser: one Article per entry.

An entry that carries its full text (``content:encoded``, Atom ``content``) becomes an Article
from that text; with a :class:`~storyline.ingest.http.Fetcher`, an entry that holds only a
summary is read from the page its link points to. See docs/ingest.md.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from storyline.errors import InputError
from storyline.ingest.article import make_article
from storyline.ingest.dates import parse_date
from storyline.ingest.html import has_prose
from storyline.ingest.markup import fragment_text, shown
from storyline.model import Article, Failure

if TYPE_CHECKING:
    from storyline.ingest.http import Fetcher

METHOD = "ingest.feed.feedparser.v1"
_ALTERNATE = re.compile(r"<link\b[^>]*type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.I)
_HREF = re.compile(r"href=[\"']([^\"']+)[\"']", re.I)


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry as the feed gives it (``summary`` and ``content`` are HTML)."""

    number: int
    link: str | None
    guid: str | None
    title: str | None
    author: str | None
    published: datetime | None
    summary: str
    content: str
    source: str | None
    raw: str

    @property
    def label(self) -> str:
        """How failures name the entry: its number and title."""
        title = f" {shown(self.title)!r}" if self.title else ""
        return f"entry {self.number}{title}"


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed: its title, feedparser's version name and its entries."""

    title: str | None
    version: str
    entries: tuple[Entry, ...]
    problems: tuple[str, ...] = ()


def parse_feed(text: str, name: str) -> Feed:
    """Parse ``text`` (already decoded); raise InputError when it is no feed at all."""
    import feedparser

    data = text.encode("utf-8")
    parsed: Any = feedparser.parse(
        data, response_headers={"content-type": "application/xml; charset=utf-8"}
    )
    entries = tuple(_entry(n, e) for n, e in enumerate(parsed.entries, start=1))
    problems: tuple[str, ...] = ()
    if parsed.get("bozo") and _is_syntax_error(parsed.get("bozo_exception")):
        if not entries:
            raise InputError(name, _not_a_feed(text, parsed.get("bozo_exception")))
        where = _where(parsed.bozo_exception)
        problems = (f"malformed XML: {where}; the entries before it are read",)
    elif not parsed.get("version") and not entries:
        raise InputError(name, _not_a_feed(text, None))
    title = shown(parsed.feed.get("title")) or None
    return Feed(title, parsed.get("version") or "unknown", entries, problems)


def _is_syntax_error(exc: object) -> bool:
    return type(exc).__name__ in ("SAXParseException", "SAXException", "NonXMLContentType")


def _where(exc: object) -> str:
    """``mismatched tag (line 14, column 21)`` for a SAX error."""
    message = getattr(exc, "getMessage", lambda: str(exc))()
    line = getattr(exc, "getLineNumber", lambda: None)()
    column = getattr(exc, "getColumnNumber", lambda: None)()
    return f"{message} (line {line}, column {column})" if line else str(message)


def _not_a_feed(text: str, exc: object) -> str:
    head = text.lstrip()[:4096].lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head:
        link = _ALTERNATE.search(text[:200_000])
        href = _HREF.search(link.group(0)) if link else None
        hint = f" (the page names its feed: {href.group(1)})" if href else ""
        return f"not a feed: this is an HTML page; give the feed's address instead{hint}"
    if exc is not None:
        return f"malformed XML: {_where(exc)}; no entry could be read"
    return "not a feed: no RSS, RDF or Atom root element found"


def _entry(number: int, e: Any) -> Entry:
    content = "\n".join(c.get("value", "") for c in e.get("content", []) if c.get("value"))
    fields: dict[str, Any] = {
        "link": e.get("link") or None,
        "id": e.get("id") or None,
        "title": shown(e.get("title")) or None,
        "author": shown(e.get("author")) or None,
        "published": e.get("published") or e.get("updated") or None,
        "summary": e.get("summary") or "",
        "content": content,
        "source": shown((e.get("source") or {}).get("title")) or None,
    }
    return Entry(
        number=number,
        link=fields["link"],
        guid=fields["id"],
        title=fields["title"],
        author=fields["author"],
        published=_date(e),
        summary=fields["summary"],
        content=content,
        source=fields["source"],
        raw=json.dumps(fields, ensure_ascii=False, sort_keys=True),
    )


def _date(e: Any) -> datetime | None:
    """The date as the feed writes it (offset kept), else feedparser's UTC reading."""
    for key in ("published", "updated", "created"):
        value = e.get(key)
        try:
            found = parse_date(value)
        except ValueError:
            found = None
        if found is not None:
            return found
        parsed = e.get(f"{key}_parsed")
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return None


def entry_text(entry: Entry) -> str:
    """The entry's own text: its content, else its summary, as plain text."""
    return fragment_text(entry.content) or fragment_text(entry.summary)


def needs_page(entry: Entry) -> bool:
    """Whether the entry holds only a summary, so its full text is on its linked page."""
    return not has_prose(fragment_text(entry.content))


def entry_meta(entry: Entry) -> dict[str, Any]:
    """The fields of the entry that win over what its page says."""
    return {
        "title": entry.title,
        "author": entry.author,
        "published": entry.published,
        "url": entry.link,
    }


def entry_article(
    entry: Entry, *, name: str, source: str | None, feed_title: str | None, ingested: datetime
) -> Article | Failure:
    """An Article from the entry's own text; a Failure when it has no sentence in it."""
    text = entry_text(entry)
    if not has_prose(text):
        return Failure(f"{name}: {entry.label}", _no_text(entry, text))
    return make_article(
        entry.raw,
        text,
        name=name,
        format="feed",
        source=source,
        meta_source=entry.source or feed_title,
        ingested=ingested,
        **entry_meta(entry),
    )


def _no_text(entry: Entry, text: str) -> str:
    words = len(text.split())
    if not entry.link:
        return f"no link and no text ({words} words) in the entry; nothing to read"
    return (
        f"only a summary ({words} words) in the entry; pass --fetch to read the full text "
        f"from {entry.link}"
    )


def read_feed(
    text: str,
    *,
    name: str,
    source: str | None,
    ingested: datetime,
    fetcher: Fetcher | None = None,
) -> Iterator[Article | Failure]:
    """One Article or Failure per entry of the feed ``text`` named ``name``."""
    try:
        feed = parse_feed(text, name)
    except InputError as exc:
        yield Failure(exc.input, exc.reason)
        return
    for problem in feed.problems:
        yield Failure(name, problem)
    yield from feed_articles(
        feed, feed.entries, name=name, source=source, ingested=ingested, fetcher=fetcher
    )


def feed_articles(
    feed: Feed,
    entries: tuple[Entry, ...] | list[Entry],
    *,
    name: str,
    source: str | None,
    ingested: datetime,
    fetcher: Fetcher | None,
) -> Iterator[Article | Failure]:
    """Articles from ``entries`` of ``feed``; summary-only ones fetched when ``fetcher`` is given."""
    fetched = {}
    if fetcher is not None:
        from storyline.ingest.http import fetch_all

        links = [e.link for e in entries if e.link and needs_page(e)]
        fetched = dict(fetch_all(fetcher, links))
    for entry in entries:
        if entry.link in fetched:
            yield _page(entry, fetched[entry.link], source, ingested)
        else:
            yield entry_article(
                entry, name=name, source=source, feed_title=feed.title, ingested=ingested
            )


def _page(entry: Entry, got: Any, source: str | None, ingested: datetime) -> Article | Failure:
    from storyline.ingest.http import FetchError
    from storyline.ingest.pages import page_article

    if isinstance(got, FetchError):
        return Failure(got.input, got.reason)
    meta = {**entry_meta(entry), "url": entry.link}
    found = page_article(
        got.body,
        url=got.url,
        content_type=got.content_type,
        charset=got.charset,
        source=source or entry.source,
        ingested=ingested,
        meta=meta,
        format="feed",
    )
    return found
