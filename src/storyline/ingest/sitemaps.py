"""Sitemaps (``<urlset>``, ``<sitemapindex>``) and Google news sitemaps: lists of links to fetch.

A news sitemap's ``news:publication_date``, ``news:title``, ``news:name`` and
``news:language`` become the article's published date, title, outlet and language; they win
over what the page says. See docs/ingest.md.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storyline.errors import InputError
from storyline.ingest.dates import parse_date
from storyline.ingest.markup import shown
from storyline.model import Article, Failure

if TYPE_CHECKING:
    from storyline.ingest.http import Fetcher

METHOD = "ingest.sitemap.v1"
#: How deep sitemap indexes are followed, and how many child sitemaps at most per index.
MAX_DEPTH, MAX_CHILDREN = 2, 50
_DTD = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.I)


@dataclass(frozen=True, slots=True)
class Link:
    """One ``<url>`` of a sitemap, with what a news sitemap says about it."""

    url: str
    published: datetime | None = None
    title: str | None = None
    source: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """The page links of a ``<urlset>`` and the child sitemaps of a ``<sitemapindex>``."""

    links: tuple[Link, ...]
    children: tuple[str, ...]
    problems: tuple[str, ...] = ()


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_sitemap(text: str, name: str) -> Sitemap:
    """Parse a sitemap; raise InputError when it is malformed or not a sitemap."""
    if _DTD.search(text[:4096]):
        raise InputError(name, "refused: the sitemap declares a DTD or entities (none are allowed)")
    try:
        root = ET.fromstring(text.lstrip("\ufeff \t\r\n"))
    except ET.ParseError as exc:
        raise InputError(name, f"malformed XML: {exc}") from exc
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise InputError(name, f"not a sitemap: the root element is <{kind}>, not <urlset>")
    links, children, problems = [], [], []
    for node in root:
        loc = _child_text(node, "loc")
        if not loc:
            problems.append(f"a <{_local(node.tag)}> without <loc> skipped")
        elif kind == "sitemapindex":
            children.append(loc)
        else:
            link, problem = _link(node, loc)
            links.append(link)
            problems.extend([problem] if problem else [])
    return Sitemap(tuple(links), tuple(children), tuple(problems))


def _child_text(node: ET.Element, name: str) -> str:
    for child in node.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return ""


def _link(node: ET.Element, loc: str) -> tuple[Link, str | None]:
    when = _child_text(node, "publication_date") or _child_text(node, "lastmod")
    problem = None
    try:
        published = parse_date(when)
    except ValueError as exc:
        published, problem = None, f"{loc}: {exc} (in the sitemap's date)"
    return Link(
        url=loc,
        published=published,
        title=shown(_child_text(node, "title")) or None,
        source=shown(_child_text(node, "name")) or None,
        language=shown(_child_text(node, "language")) or None,
    ), problem


def read_sitemap(
    text: str,
    *,
    name: str,
    source: str | None,
    ingested: datetime,
    fetcher: Fetcher | None = None,
    depth: int = 0,
) -> Iterator[Article | Failure]:
    """Articles from the pages a sitemap lists (fetched), child sitemaps followed."""
    try:
        sitemap = parse_sitemap(text, name)
    except InputError as exc:
        yield Failure(exc.input, exc.reason)
        return
    for problem in sitemap.problems:
        yield Failure(name, problem)
    if fetcher is None:
        count = f"{len(sitemap.links)} pages and {len(sitemap.children)} sitemaps"
        yield Failure(name, f"a sitemap lists {count} to fetch; pass --fetch to fetch them")
        return
    yield from link_articles(sitemap.links, fetcher=fetcher, source=source, ingested=ingested)
    yield from _children(sitemap, name, source, ingested, fetcher, depth)


def _children(
    sitemap: Sitemap,
    name: str,
    source: str | None,
    ingested: datetime,
    fetcher: Fetcher,
    depth: int,
) -> Iterator[Article | Failure]:
    from storyline.ingest.http import FetchError, fetch_all
    from storyline.ingest.pages import decode_page

    if sitemap.children and depth >= MAX_DEPTH:
        yield Failure(name, f"sitemap index nested deeper than {MAX_DEPTH}; children skipped")
        return
    for url, got in fetch_all(fetcher, sitemap.children[:MAX_CHILDREN]):
        if isinstance(got, FetchError):
            yield Failure(got.input, got.reason)
            continue
        try:
            text = decode_page(got.body, got.charset, url)
        except InputError as exc:
            yield Failure(exc.input, exc.reason)
            continue
        yield from read_sitemap(
            text, name=url, source=source, ingested=ingested, fetcher=fetcher, depth=depth + 1
        )


def link_meta(link: Link) -> dict[str, Any]:
    """The sitemap's fields that win over what the page says."""
    return {
        "published": link.published,
        "title": link.title,
        "language": link.language,
        "url": link.url,
    }


def link_articles(
    links: tuple[Link, ...] | list[Link],
    *,
    fetcher: Fetcher,
    source: str | None,
    ingested: datetime,
) -> Iterator[Article | Failure]:
    """Fetch each linked page and read it as an article."""
    from storyline.ingest.http import FetchError, fetch_all
    from storyline.ingest.pages import page_article

    by_url = {link.url: link for link in links}
    for url, got in fetch_all(fetcher, by_url):
        if isinstance(got, FetchError):
            yield Failure(got.input, got.reason)
            continue
        link = by_url[url]
        yield page_article(
            got.body,
            url=got.url,
            content_type=got.content_type,
            charset=got.charset,
            source=source or link.source,
            ingested=ingested,
            meta=link_meta(link),
            format="sitemap",
        )
