"""storyline: news reports from many outlets in, compared stories out."""

__version__ = "0.1.0"
