"""Shared fixtures: paths to the examples and to ../shared/data (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"
SEED_CH = EXAMPLES / "000_98dadad234490a67.txt"
SEED_ET = EXAMPLES / "004_9755e32e974529ca.txt"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only development data beside the checkout; skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return [SEED_CH, SEED_ET]
