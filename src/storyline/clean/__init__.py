"""storyline.clean: residue removal, credits, title/kicker/teaser and captions of reports.

:func:`clean` cleans one article; :func:`clean_batch` also removes lines that repeat across
one source's articles. Reasons and rules are documented in docs/cleaning.md.
"""

from storyline.clean.cleaner import METHOD, clean, clean_batch, repeated_lines

__all__ = ["METHOD", "clean", "clean_batch", "repeated_lines"]
