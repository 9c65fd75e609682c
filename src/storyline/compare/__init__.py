"""storyline.compare: sentence-level comparison of a story's articles."""

from storyline.compare.align import AlignConfig, compare, sentences

__all__ = ["AlignConfig", "compare", "sentences"]
