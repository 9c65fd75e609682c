"""Building an :class:`~storyline.model.Article` from what a reader found."""

from __future__ import annotations

import hashlib
from datetime import datetime

from storyline.ingest.outlet import pick_outlet
from storyline.model import Article, Residue
from storyline.text.mojibake import repair, repair_line
from storyline.text.normalize import nfc, normalize_newlines, strip_controls

#: ``Residue.reason`` of a line whose mojibake was repaired (the residue keeps the original).
MOJIBAKE = "mojibake"


def article_id(raw: str) -> str:
    """Stable content hash: the first 16 hex digits of SHA-256 of ``raw`` in NFC (UTF-8)."""
    return hashlib.sha256(nfc(raw).encode("utf-8")).hexdigest()[:16]


def normalize(text: str) -> str:
    """NFC, ``\\n`` line ends and no control characters (see
    :func:`~storyline.text.normalize.strip_controls`); nothing else (cleaning is
    :mod:`storyline.clean`'s job)."""
    return strip_controls(normalize_newlines(nfc(text)))


def make_article(
    raw: str,
    text: str,
    *,
    name: str,
    format: str,
    source: str | None,
    ingested: datetime,
    meta_source: str | None = None,
    **meta: object,
) -> Article:
    """An Article whose ``id`` depends on ``raw`` only; ``meta`` fills title, url, ... .
    Mojibake is repaired in the body and in text fields of ``meta`` (before controls are
    stripped, as C1 bytes are part of it); each repaired body line is kept, as it came, in
    ``removed`` with the reason ``"mojibake"``."""
    body, repaired = repair(normalize_newlines(nfc(text)))
    body = strip_controls(body)
    meta = {k: strip_controls(repair_line(v)) if isinstance(v, str) else v for k, v in meta.items()}
    source = strip_controls(source) if source else source
    meta_source = strip_controls(meta_source) if meta_source else meta_source
    return Article(
        id=article_id(raw),
        source=pick_outlet(source, meta_source, body, name),
        raw=raw,
        text=body,
        path=name,
        format=format,
        ingested=ingested,
        removed=tuple(Residue(strip_controls(line), MOJIBAKE, n) for n, line in repaired),
        **meta,  # type: ignore[arg-type]
    )
