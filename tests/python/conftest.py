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


def tidy_counts(population: float = 10_000.0) -> "pd.DataFrame":
    """A small tidy table (two areas × four financial years: area, period, count, population)
    that the frame and vocabulary tests pass to every table-taking function."""
    import pandas as pd

    return pd.DataFrame({
        "area": ["A"] * 4 + ["B"] * 4,
        "period": ["2015/16", "2016/17", "2017/18", "2018/19"] * 2,
        "count": [10, 14, 19, 25, 30, 28, 33, 31],
        "population": [population] * 8,
    })
