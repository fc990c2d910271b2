"""Latitude and longitude given the wrong way round (walk-through 2): dbscan warned with a bare
UserWarning, and cluster_summary (the table and GeoJSON outlines a report publishes) said nothing and put
the centroid at latitude -0.19."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning

LAT = np.array([51.9012, 51.9020, 51.9031, 51.9004, 51.9010, 51.9022])
LON = np.array([-0.2020, -0.2005, -0.2011, -0.2030, -0.2016, -0.2025])


def test_dbscan_swapped_is_a_saferstats_warning():
    # session 26 (w41a): refused, no longer warned about and clustered
    with pytest.raises(saferstats.CoordinateError, match="latitude and longitude swapped"):
        saferstats.dbscan(LON, LAT, eps_m=150, min_samples=3)


def test_cluster_summary_swapped_is_warned_about():
    # session 26 (w41a): refused, no longer warned about and summarised
    with pytest.raises(saferstats.CoordinateError, match="latitude and longitude swapped"):
        saferstats.cluster_summary(LON, LAT, np.zeros(6, int))


def test_cluster_summary_right_way_round_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        t = saferstats.cluster_summary(LAT, LON, np.zeros(6, int))
    assert 51.9 < t.centroid_lat.iloc[0] < 51.91
