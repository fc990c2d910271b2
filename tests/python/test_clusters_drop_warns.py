"""dbscan / hdbscan with ``missing="drop"`` left points without coordinates out (label -2) without
a word (walk-through 5, h7's note): every other function that drops rows says how many. Counted
by hand on City of London's police.uk street file (its semicolon-separated export; records with no latitude)."""

import csv

import numpy as np
import pytest

import saferstats


def test_dropped_points_are_counted_in_a_warning(shared_data):
    with open(shared_data / "street_crime" / "city_of_london_2023" / "street.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter=";") if r["crime_type"] == "Anti-social behaviour"]
    lat = np.array([float(r["latitude"]) if r["latitude"] else np.nan for r in rows])
    lon = np.array([float(r["longitude"]) if r["longitude"] else np.nan for r in rows])
    blank = int(np.isnan(lat).sum())
    assert blank > 0
    with pytest.warns(saferstats.SaferstatsWarning, match=rf"dbscan: {blank:,} of {len(rows):,} point\(s\) have missing coordinates"):
        labels = saferstats.dbscan(lat, lon, eps_m=150, min_samples=15, missing="drop")
    assert int((labels == -2).sum()) == blank
    with pytest.warns(saferstats.SaferstatsWarning, match="missing coordinates and are left out"):
        saferstats.hdbscan(lat, lon, min_cluster_size=15, missing="drop")
