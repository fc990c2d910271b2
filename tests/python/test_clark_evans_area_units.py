"""clark_evans with the study area in the wrong units (walk-through 2): Hertfordshire's 1,641 km² given
as area=1641 with British National Grid metres returned R = 408 (impossible: a hexagonal lattice, the
most dispersed pattern, has R = 2.149) without a word."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning

RNG = np.random.default_rng(7)
X = 500_000 + RNG.uniform(0, 40_000, 300)   # 40 x 40 km of BNG metres
Y = 200_000 + RNG.uniform(0, 40_000, 300)


def test_area_in_km2_with_metres_is_warned_about():
    with pytest.warns(SaferstatsWarning, match="cannot fit in area = 1600.*km²"):
        r = saferstats.clark_evans(X, Y, area=1600)
    assert r.r > 100


def test_right_units_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        r = saferstats.clark_evans(X, Y, area=1600e6)
    assert 0.8 < r.r < 1.2  # uniform points: about 1


def test_a_few_points_in_corners_are_not_flagged():
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.clark_evans([0, 100, 0, 100], [0, 0, 100, 100], area=10_000)
