"""Walk-through 3: cluster_summary(...).to_geojson() writes each cluster's point count `n` into the
published file; with min_samples=3 (City of London ASB 2023, eps 50 m) 33 of 47 clusters have 3 or
4 points, written without a word. The counts are checked against np.bincount of the labels."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning


@pytest.fixture(scope="module")
def asb(shared_data):
    c = saferstats.read_street_crime(shared_data / "street_crime" / "city_of_london_2023" / "street.csv")
    a = c[(c["crime_type"] == "Anti-social behaviour") & c["latitude"].notna()]
    return a["latitude"].to_numpy(), a["longitude"].to_numpy()


def test_small_clusters_are_warned_about(asb):
    lat, lon = asb
    labels = saferstats.dbscan(lat, lon, eps_m=50, min_samples=3)
    t = saferstats.cluster_summary(lat, lon, labels)
    sizes = np.bincount(labels[labels >= 0])
    assert t["n"].tolist() == sizes.tolist()
    n_small = int(((sizes > 0) & (sizes < 5)).sum())
    assert n_small > 0
    with pytest.warns(SaferstatsWarning, match=rf"{n_small} of {len(sizes)} clusters have fewer than 5 points"):
        t.to_geojson()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        t[t["n"] >= 5].to_geojson()


def test_clusters_of_five_or_more_are_quiet(asb):
    lat, lon = asb
    labels = saferstats.dbscan(lat, lon, eps_m=100, min_samples=10)
    t = saferstats.cluster_summary(lat, lon, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        t.to_geojson()
