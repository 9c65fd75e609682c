"""Errors. Each message says what happened to which input and what to do next."""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""


class InputError(StorylineError):
    """An input (file, line, row) could not be read or understood."""

    def __init__(self, input: str, reason: str) -> None:
        super().__init__(f"{input}: {reason}")
        self.input = input
        self.reason = reason


class MissingDependency(StorylineError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"{package} is not installed; install it with: pip install 'storyline[{extra}]'"
        )
        self.package = package
        self.extra = extra


class NotFound(StorylineError):
    """A story or article id is not in the store."""


class StoreError(StorylineError):
    """The store could not be opened or written."""
