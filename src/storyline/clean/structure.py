"""Find the kicker, title, teaser and captions of a plain-text report.

Works on the list of per-line reasons the residue rules produced (``None`` = kept so far) and
sets reasons ``"kicker"``, ``"title"``, ``"teaser"`` and ``"caption"`` in place of ``None``.
Only the first kept lines can be a head; a teaser must be set off from the body by removed
residue (an image, a credit, a share widget), so a report that starts with its body keeps it.
"""

from __future__ import annotations

import re

from storyline.clean.residue import is_blank

_SENTENCE_END = re.compile(r"[.!?…]['\"“”»«’)]?$")
MAX_CAPTION = 400
MAX_TEASER = 600


def _words(line: str) -> int:
    return len(line.split())


def looks_like_headline(line: str) -> bool:
    """A short line (2..25 words, under 200 chars) that does not end like a sentence."""
    text = line.strip()
    return 1 <= _words(text) <= 25 and len(text) <= 200 and not _SENTENCE_END.search(text)


def _kept(reasons: list[str | None]) -> list[int]:
    return [i for i, r in enumerate(reasons) if r is None]


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _removed_between(lines: list[str], reasons: list[str | None], a: int, b: int) -> bool:
    return any(reasons[k] is not None and not is_blank(lines[k]) for k in range(a + 1, b))


def mark_head(
    lines: list[str], reasons: list[str | None], title: str | None = None
) -> tuple[int | None, int | None, int | None]:
    """Mark kicker, title and teaser lines; return their indexes (None when absent)."""
    kept = _kept(reasons)[:4]
    if title is not None:
        found = [i for i in kept if _key(lines[i]) == _key(title)]
        head = found[0] if found else None
        kicker = _kicker_above(lines, kept, head)
    else:
        head, kicker = _find_title(lines, kept)
    if head is None:
        return None, None, None
    teaser = _find_teaser(lines, reasons, head)
    for index, reason in ((kicker, "kicker"), (head, "title"), (teaser, "teaser")):
        if index is not None:
            reasons[index] = reason
    return kicker, head, teaser


def _kicker_above(lines: list[str], kept: list[int], head: int | None) -> int | None:
    """The first kept line when the known title is the second: a kicker by the same rule as
    :func:`_find_title` (a short headline-like line of at most 8 words)."""
    if head is None or len(kept) < 2 or head != kept[1]:
        return None
    first = kept[0]
    return first if looks_like_headline(lines[first]) and _words(lines[first]) <= 8 else None


def _find_title(lines: list[str], kept: list[int]) -> tuple[int | None, int | None]:
    if not kept or not looks_like_headline(lines[kept[0]]):
        return None, None
    first = kept[0]
    if len(kept) > 1 and looks_like_headline(lines[kept[1]]) and _words(lines[first]) <= 8:
        return kept[1], first
    return first, None


def _find_teaser(lines: list[str], reasons: list[str | None], head: int) -> int | None:
    after = [i for i in _kept(reasons) if i > head][:2]
    if len(after) < 2:
        return None
    first, body = after
    text = lines[first].strip()
    if len(text) > MAX_TEASER or not _SENTENCE_END.search(text):
        return None
    return first if _removed_between(lines, reasons, first, body) else None


def mark_captions(lines: list[str], reasons: list[str | None]) -> list[int]:
    """Mark as caption the kept line right before each photo-credit line; return indexes."""
    found = []
    for j, reason in enumerate(reasons):
        if reason != "photo-credit":
            continue
        i = j - 1
        while i >= 0 and is_blank(lines[i]):
            i -= 1
        if i >= 0 and reasons[i] is None and len(lines[i].strip()) <= MAX_CAPTION:
            reasons[i] = "caption"
            found.append(i)
    return found
