"""Which outlet a report comes from when no metadata says so.

Rule ``ingest.outlet.v1``: a short line ``Logo <Name>`` among the first lines of the text (a
scraped logo's alt text, as in "Logo Epoch Times") names the outlet; otherwise the input's
file name without its extension ("000_98dadad234490a67.txt" gives "000_98dadad234490a67").
"""

from __future__ import annotations

import re
from pathlib import PurePath

METHOD = "ingest.outlet.v1"
_HEAD_LINES = 5
_LOGO = re.compile(r"Logo[:\s]+(?P<name>[^\W\d_][\w&.'’ -]{1,58})", re.IGNORECASE)
_MAX_WORDS = 5


def outlet_from_text(text: str) -> str | None:
    """The outlet named by a ``Logo <Name>`` line near the top of ``text``, else None."""
    head = [line.strip() for line in text.splitlines() if line.strip()][:_HEAD_LINES]
    for line in head:
        found = _LOGO.fullmatch(line)
        if found and len(found["name"].split()) <= _MAX_WORDS:
            return found["name"].strip(" .-")
    return None


def outlet_from_name(name: str) -> str:
    """The fallback outlet: the file name without directory and extension."""
    stem = PurePath(name).stem
    return stem or name


def pick_outlet(explicit: str | None, meta: str | None, text: str, name: str) -> str:
    """Explicit argument, then metadata, then the text's logo line, then the file name."""
    for candidate in (explicit, meta):
        if candidate and candidate.strip():
            return candidate.strip()
    return outlet_from_text(text) or outlet_from_name(name)
