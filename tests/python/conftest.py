"""Shared helpers for the Python tests: fixture loading and the path to ../shared/data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"


def _num(v):
    if v == "inf":
        return math.inf
    if v == "-inf":
        return -math.inf
    return v


def load_fixture(name: str) -> dict:
    """Load a JSON fixture, turning the strings "inf"/"-inf" into floats."""

    def hook(d):
        return {k: _num(v) for k, v in d.items()}

    return json.loads((FIXTURES / name).read_text(), object_hook=hook)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip the test where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data not present beside the repository")
    return SHARED_DATA
