"""dbscan / hdbscan with ``missing="drop"`` left points without coordinates out (label -2) without
a word (walk-through 5, h7's note): every other function that drops rows says how many. Counted
by hand on City of London's police.uk street file (its semicolon-separated export; records with no latitude)."""

import numpy as np
import pytest

import saferstats
from conftest import city_asb_latlon


def test_dropped_points_are_counted_in_a_warning(shared_data):
    lat, lon = city_asb_latlon(shared_data)
    blank = int(np.isnan(lat).sum())
    assert blank > 0
    with pytest.warns(saferstats.SaferstatsWarning, match=rf"dbscan: {blank:,} of {len(lat):,} points have missing coordinates"):
        labels = saferstats.dbscan(lat, lon, eps_m=150, min_samples=15, missing="drop")
    assert int((labels == -2).sum()) == blank
    with pytest.warns(saferstats.SaferstatsWarning, match="missing coordinates and are left out"):
        saferstats.hdbscan(lat, lon, min_cluster_size=15, missing="drop")
