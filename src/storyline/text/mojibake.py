"""Mojibake repair: text that was UTF-8, decoded as Latin-1/Windows-1252 (once or twice) on its
way to us ("GrÃ¼ÃŸe", "Ä±", "â€žzitiertâ€œ"), put back with ftfy (MIT).

Only encoding repairs are made (``ftfy.fix_encoding``): no quote, width or line-break
normalisation, so a line that was not mojibake comes back unchanged. Works line by line,
so the caller can record which lines were repaired (ingest keeps the original lines in
``Article.removed`` with the reason ``"mojibake"``; ``raw`` is never touched).
"""

from __future__ import annotations

import re

#: UTF-8 lead bytes read as Latin-1/cp1252 (U+00C2..U+00EF: Â .. ï). A line without any of
#: them cannot hold this kind of mojibake and is never handed to ftfy (fast path).
_SUSPECT = re.compile("[\u00c2-\u00ef]")


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
