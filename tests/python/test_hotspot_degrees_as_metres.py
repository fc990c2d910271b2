"""Projected-coordinate hotspot functions warn when given longitude/latitude degrees (walk-through 2:
kde_grid(lon, lat, cell_size=100) over Hertfordshire ASB returned a 1 x 1 grid of density 0, and knox
put every pair within "100 m" and reported no near repeat, all without a word)."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning

# ASB-like points around Stevenage and Watford (degrees)
LAT = np.array([51.9012, 51.9020, 51.9031, 51.9004, 51.6560, 51.6575, 51.6581, 51.6559, 51.7500, 51.7520])
LON = np.array([-0.2020, -0.2005, -0.2011, -0.2030, -0.3990, -0.3978, -0.3969, -0.3985, -0.3300, -0.3310])
T = np.arange(10.0)


def _calls(x, y):
    return [
        lambda: saferstats.kde_grid(x, y, cell_size=100, bandwidth=500),
        lambda: saferstats.grid_counts(x, y, cell_size=100),
        lambda: saferstats.hotspot.hotspot_count(x, y, cell_size=100),
        lambda: saferstats.hotspot.hotspot_kde(x, y, cell_size=100, bandwidth=500),
        lambda: saferstats.knox(x, y, T, distance_bands=[0, 100, np.inf], time_bands=[0, 7, np.inf], permutations=9, seed=1),
    ]


@pytest.mark.parametrize("i", range(5))
def test_lon_lat_degrees_are_warned_about(i):
    with pytest.warns(SaferstatsWarning, match="look like longitude/latitude degrees"):
        _calls(LON, LAT)[i]()


@pytest.mark.parametrize("i", range(5))
def test_lat_lon_degrees_are_warned_about(i):
    with pytest.warns(SaferstatsWarning, match="look like latitude/longitude degrees"):
        _calls(LAT, LON)[i]()


@pytest.mark.parametrize("i", range(5))
def test_british_national_grid_metres_are_not(i):
    x, y = saferstats.to_bng(LAT, LON)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        _calls(np.asarray(x), np.asarray(y))[i]()
