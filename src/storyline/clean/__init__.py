"""storyline.clean: residue removal, credits, title/kicker/teaser and captions of reports.

:func:`clean` cleans one article; :func:`clean_batch` also removes what repeats across one
source's reports (:func:`repeated_text`: whole lines, and runs of words glued to the start or
end of lines). Reasons and rules are documented in docs/cleaning.md.
"""

from storyline.clean.cleaner import (
    METHOD,
    Repeated,
    clean,
    clean_batch,
    repeated_lines,
    repeated_text,
)

__all__ = ["METHOD", "Repeated", "clean", "clean_batch", "repeated_lines", "repeated_text"]
