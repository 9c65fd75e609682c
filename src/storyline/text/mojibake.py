"""Mojibake repair: text that was UTF-8, decoded as Latin-1/Windows-1252 (once or twice) on its
way to us ("GrÃ¼ÃŸe", "Ä±", "â€žzitiertâ€œ"), put back with ftfy (MIT).

Only encoding repairs are made (``ftfy.fix_encoding``): no quote, width or line-break
normalisation, so a line that was not mojibake comes back unchanged. Works line by line,
so the caller can record which lines were repaired (ingest keeps the original lines in
``Article.removed`` with the reason ``"mojibake"``; ``raw`` is never touched).
"""

from __future__ import annotations

import re

#: What a UTF-8 lead byte and its first continuation byte become when read as Latin-1 or
#: cp1252: one of U+00C2..U+00EF (Â .. ï), then a byte 0x80..0xBF as Latin-1 reads it
#: (U+0080..U+00BF) or as cp1252 reads 0x80..0x9F (€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™
#: š › œ ž Ÿ); or one of U+00C2..U+00DE before a space: a two-byte character whose second
#: byte 0xA0 (a no-break space in Latin-1) became a plain space ("Â " for a no-break space,
#: "Ã " for "à", "Å " for "Š", "Ð " for "Р"); "ß " (U+00DF) stays out, German has it often.
#: A line without such a pair cannot hold this kind of mojibake and is never handed to ftfy
#: (fast path). Checking for the lead alone sent every line with "ä", "ß" or "é" to ftfy:
#: 90% of the time of reading German text.
_SUSPECT = re.compile(
    "[\u00c2-\u00de] |[\u00c2-\u00ef][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021"
    "\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014"
    "\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]"
)


def repair_line(line: str) -> str:
    """``line`` with its mojibake repaired (unchanged when there is none)."""
    if not _SUSPECT.search(line):
        return line
    import ftfy

    return ftfy.fix_encoding(line)


def repair(text: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """``(repaired text, ((1-based line number, original line), ...))`` for each changed
    line of ``text`` (lines split on ``\\n``)."""
    lines = text.split("\n")
    changed = []
    for n, line in enumerate(lines):
        fixed = repair_line(line)
        if fixed != line:
            changed.append((n + 1, line))
            lines[n] = fixed
    if not changed:
        return text, ()
    return "\n".join(lines), tuple(changed)
