from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixed small corpus: the seed reports, the story test reports, one empty input."""
    folder = tmp_path_factory.mktemp("scale-corpus")
    for path in [*sorted((ROOT / "examples").glob("*.txt")),
                 *sorted((ROOT / "tests/stories/data").glob("*.txt"))]:  # fmt: skip
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_text("   \n")
    # over MAX_ARTICLE_CHARS: fails alone on every engine (a Ray ingest once stored it)
    (folder / "too-long.txt").write_text("Ein Wort mehr. " * 7_000)
    return folder
