"""HTML pages: body text and metadata through trafilatura."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storyline.errors import InputError
from storyline.ingest.article import make_article
from storyline.ingest.dates import parse_date
from storyline.model import Article, Failure

METHOD = "ingest.html.trafilatura.v1"
NO_BODY = "no article body found in the HTML"
_SENTENCE, _LONG_LINE = 6, 15
_SENTENCE_END = re.compile(r"[.!?…:;][\"'»«“”’)\]]*\s*$")
_DATE_PARAMS = {
    "original_date": True,
    "extensive_search": False,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


@dataclass(frozen=True, slots=True)
class Page:
    """What trafilatura found in one page."""

    text: str
    title: str | None = None
    author: str | None = None
    url: str | None = None
    published: datetime | None = None
    sitename: str | None = None


def extract(html: str, name: str, url: str | None = None) -> Page:
    """Extract the article body (paragraphs joined by newlines) and metadata from ``html``."""
    import trafilatura

    doc: Any = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    text = getattr(doc, "text", None) or ""
    if not has_prose(text):
        raise InputError(name, NO_BODY)
    return Page(
        text=text,
        title=_clean(doc.title),
        author=_clean(doc.author),
        url=_clean(doc.url) or url,
        published=_date(doc.date),
        sitename=_clean(doc.sitename) or _clean(doc.hostname),
    )


def has_prose(text: str) -> bool:
    """Whether ``text`` holds at least one sentence: a line of 6+ words ending like one, or of
    15+ words. Navigation-only pages ("Home Ausland Impressum") do not."""
    for line in text.splitlines():
        words = len(line.split())
        if words >= _LONG_LINE or (words >= _SENTENCE and _SENTENCE_END.search(line)):
            return True
    return False


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _date(value: str | None) -> datetime | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def html_article(
    html: str,
    *,
    name: str,
    source: str | None,
    ingested: datetime,
    raw: str | None = None,
    url: str | None = None,
    label: str | None = None,
    meta_source: str | None = None,
) -> Article | Failure:
    """An Article from an HTML page; ``raw`` defaults to the HTML, ``label`` to ``name``.

    The outlet is ``source``, else ``meta_source``, else the page's site name.
    """
    try:
        page = extract(html, label or name, url=url)
    except InputError as exc:
        return Failure(exc.input, exc.reason)
    return make_article(
        html if raw is None else raw,
        page.text,
        name=name,
        format="html",
        source=source,
        ingested=ingested,
        meta_source=meta_source or page.sitename,
        title=page.title,
        author=page.author,
        url=page.url,
        published=page.published,
    )
