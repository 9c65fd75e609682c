import pytest

import storyline
from storyline.stories.similarity import similarity


def test_similarity_is_exposed_at_package_level() -> None:
    assert storyline.similarity is similarity


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError):
        _ = storyline.no_such_thing  # type: ignore[attr-defined]
