"""Score residue removal on a labelled page set (the ``residue-dev`` layout).

The rule is trafilatura's evaluation rule: a gold segment is *present* when it is a substring
of the output after collapsing whitespace. A ``with`` segment present is a true positive, absent
a false negative; a ``without`` segment present is a false positive. Figures are micro-averaged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from storyline.errors import InputError
from storyline.evaluation import Score
from storyline.model import Article

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Page:
    """One labelled page: its id, text dump, gold segments and (optional) HTML path."""

    id: str
    text: str
    keep: tuple[str, ...]
    drop: tuple[str, ...]
    html: Path | None = None


def collapse(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def score_output(output: str, keep: Iterable[str], drop: Iterable[str]) -> Score:
    """Score one output against its gold ``with`` (keep) and ``without`` (drop) segments."""
    flat = collapse(output)
    kept = [collapse(s) in flat for s in keep]
    leaked = sum(collapse(s) in flat for s in drop)
    return Score(tp=sum(kept), fn=len(kept) - sum(kept), fp=leaked)


def load_pages(root: Path) -> list[Page]:
    """Read a ``residue-dev`` folder: ``gold.json``, ``text/<id>.txt``, ``html/<id>.html``."""
    gold_path = root / "gold.json"
    if not gold_path.is_file():
        raise InputError(str(root), "no gold.json here; point to the residue-dev folder")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    return [_page(root, pid, entry) for pid, entry in sorted(gold.items())]


def _page(root: Path, pid: str, entry: dict[str, list[str]]) -> Page:
    text = (root / "text" / f"{pid}.txt").read_text(encoding="utf-8")
    html = root / "html" / f"{pid}.html"
    return Page(pid, text, tuple(entry["with"]), tuple(entry["without"]), html)


def evaluate(pages: Iterable[Page], system: Callable[[Page], str]) -> Score:
    """Run ``system`` on every page and sum the scores."""
    total = Score(0, 0, 0)
    for page in pages:
        total = total + score_output(system(page), page.keep, page.drop)
    return total


def halves(pages: list[Page]) -> tuple[list[Page], list[Page]]:
    """Split pages into two fixed halves by id hash parity (the train/test split we report)."""
    first = [p for p in pages if int(p.id[-1], 16) % 2 == 0]
    second = [p for p in pages if int(p.id[-1], 16) % 2 == 1]
    return first, second


def reader_text(article: Article) -> str:
    """What a reader of a cleaned article sees: kicker, title, teaser and body, in that order."""
    head = (article.kicker, article.title, article.teaser)
    return "\n".join([x for x in head if x] + [article.text])


def page_article(page: Page, text: str | None = None, fmt: str = "text") -> Article:
    """An :class:`Article` for ``page`` (its text dump, or ``text`` such as extracted HTML)."""
    body = page.text if text is None else text
    return Article(id=page.id, source=page.id, raw=body, text=body, format=fmt)
