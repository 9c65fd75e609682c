"""storyline: news reports from many outlets in, compared stories out."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["similarity"]


def __getattr__(name: str) -> Any:
    """``storyline.similarity(a, b)``, imported on first use so ``import storyline`` stays fast."""
    if name == "similarity":
        from storyline.stories.similarity import similarity

        return similarity
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")
