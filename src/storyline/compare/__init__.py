"""storyline.compare: sentence-level comparison of a story's articles."""

from storyline.compare.align import AlignConfig, compare, sentences
from storyline.compare.judgement import Judgement, judge, judge_many

__all__ = ["AlignConfig", "Judgement", "compare", "judge", "judge_many", "sentences"]
