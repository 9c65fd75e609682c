"""Small HTML fragments (feed summaries and contents) to plain text, one paragraph a line."""

from __future__ import annotations

import html as html_lib
import re

from storyline.text.normalize import strip_controls

_BLOCKS = frozenset(
    "p div li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article header footer "
    "figure figcaption dd dt".split()
)
_SKIP = frozenset({"script", "style", "noscript", "template"})
_SPACES = re.compile(r"[ \t\u00a0]+")


def shown(value: object) -> str:
    """A metadata string for display: control characters removed, white space collapsed."""
    if not isinstance(value, str):
        return ""
    return _SPACES.sub(" ", strip_controls(value).replace("\n", " ")).strip()


def fragment_text(html: str) -> str:
    """The text of an HTML fragment, one block (paragraph, list item, heading) per line."""
    if not html or not html.strip():
        return ""
    if "<" not in html:
        return _lines(html_lib.unescape(html))
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return _lines(re.sub(r"<[^>]*>", " ", html))
    parts: list[str] = []
    _walk(root, parts)
    return _lines("".join(parts))


def _walk(element: object, parts: list[str]) -> None:
    tag = getattr(element, "tag", "")
    tag = tag.lower() if isinstance(tag, str) else ""
    if tag in _SKIP:
        parts.append(_tail(element))
        return
    if tag == "br":
        parts.append("\n")
    parts.append(getattr(element, "text", None) or "")
    for child in element:  # type: ignore[attr-defined]
        _walk(child, parts)
    if tag in _BLOCKS:
        parts.append("\n")
    parts.append(_tail(element))


def _tail(element: object) -> str:
    return getattr(element, "tail", None) or ""


def _lines(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
