"""Web pages that came over HTTP or out of a WARC record: bytes and headers in, Article out."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from storyline.errors import InputError
from storyline.ingest.decode import decode
from storyline.ingest.html import html_article
from storyline.model import Article, Failure

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_UNTYPED = frozenset({"", "application/octet-stream", "text/plain", "binary/octet-stream"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


def is_html(content_type: str, body: bytes) -> bool:
    """An HTML page by its declared type, or by its first bytes when the type says nothing."""
    media = content_type.split(";")[0].strip().lower()
    if media in HTML_TYPES:
        return True
    return media in _UNTYPED and bool(_HTML_START.match(body[:2048].lstrip(b"\xef\xbb\xbf")))


def not_html(content_type: str) -> str:
    """The reason for a page that is no HTML."""
    kind = content_type.split(";")[0].strip() or "unknown type"
    return f"not an HTML page ({kind}); only HTML pages are read"


def decode_page(body: bytes, charset: str | None, name: str) -> str:
    """The text of a page: the charset the HTTP header, else the page's ``<meta>``, declares
    when it decodes cleanly; else guessed (:func:`~storyline.ingest.decode.decode`)."""
    found = _META_CHARSET.search(body[:8192])
    meta = found.group(1).decode("ascii").lower() if found else None
    for declared in dict.fromkeys(c for c in (charset, meta) if c):
        try:
            return body.decode(_WINDOWS.get(declared, declared))
        except (LookupError, UnicodeDecodeError):
            continue
    text, _ = decode(body, name)
    return text


#: What browsers read for these labels (WHATWG Encoding): latin-1 means windows-1252.
_WINDOWS = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
            "us-ascii": "cp1252", "ascii": "cp1252"}  # fmt: skip


def page_article(
    body: bytes,
    *,
    url: str,
    content_type: str,
    charset: str | None,
    source: str | None,
    ingested: datetime,
    meta: dict[str, Any] | None = None,
    fallback_date: datetime | None = None,
    format: str = "html",
    name: str | None = None,
    label: str | None = None,
) -> Article | Failure:
    """An Article from a fetched page named by its ``url``; ``raw`` is the page.

    ``meta`` (title, author, published, ... from the feed or sitemap) wins over what the
    page says; ``fallback_date`` is used when neither gives a publication date. ``format``
    is the container's (``feed``, ``sitemap``, ``warc``); ``name`` the Article's path
    (default ``url``); ``label`` names the page in failures (default ``name``).
    """
    label = label or name or url
    if not is_html(content_type, body):
        return Failure(label, not_html(content_type))
    try:
        html = decode_page(body, charset, label)
    except InputError as exc:
        return Failure(exc.input, exc.reason)
    found = html_article(
        html, name=name or url, source=source, ingested=ingested, url=url, label=label
    )
    if isinstance(found, Failure):
        return found
    chosen = {key: value for key, value in (meta or {}).items() if value}
    chosen["format"] = format
    if found.published is None and "published" not in chosen and fallback_date is not None:
        chosen["published"] = fallback_date
    return replace(found, **chosen)
