"""storyline.stories: which articles report the same event."""

from storyline.stories.group import group, pair_similarity, similarity_matrix, story_id

__all__ = ["group", "pair_similarity", "similarity_matrix", "story_id"]
