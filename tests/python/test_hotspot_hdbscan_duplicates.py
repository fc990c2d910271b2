"""HDBSCAN on duplicate-heavy points (issue 17): police.uk records are snapped to anonymised map
points, and the core collapses identical coordinates to weighted distinct locations. The labels
must stay scikit-learn's: fixtures from tests/fixtures/generate_hdbscan_duplicates_fixtures.py
(scikit-learn's HDBSCAN(metric="haversine"), its Prim MST and the stable argsort of it that its
patched _process_mst makes, as saferstats.hdbscan)."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES

import saferstats
from saferstats import _saferstats as _ext

FX = json.loads(gzip.open(FIXTURES / "hdbscan_duplicates_sklearn.json.gz", "rt").read())


def _check(lat: np.ndarray, lon: np.ndarray, run: dict, name: str) -> None:
    mcs, ms = run["min_cluster_size"], run["min_samples"]
    # 1. the MST is scikit-learn's edge for edge, in Prim's order (CPU-independent)
    mst = _ext.hdbscan_mst(lat, lon, min_samples=ms or mcs)
    assert mst["src"].tolist() == run["mst_from"], name
    assert mst["dst"].tolist() == run["mst_to"], name
    np.testing.assert_allclose(mst["distance"], run["mst_distance"], rtol=1e-15, atol=0)
    # 2. with scikit-learn's edge order (stored stable argsort: its _process_mst patched to
    #    kind="stable", fixture provenance) the labels are scikit-learn's
    o = np.array(run["argsort"])
    assert np.array_equal(np.argsort(np.array(run["mst_distance"]), kind="stable"), o), name
    labels = _ext.hdbscan_labels(len(lat), mst["src"][o], mst["dst"][o], mst["distance"][o], min_cluster_size=mcs)
    assert labels.tolist() == run["labels"], name
    # 3. the public function, on every machine (until session 31: only where numpy's default sort
    #    ordered the tied distances as on the generating machine)
    got = saferstats.hdbscan(lat, lon, min_cluster_size=mcs, min_samples=ms)
    assert got.tolist() == run["labels"], name


def test_synthetic_multiplicities_around_min_samples_match_sklearn() -> None:
    s = FX["synthetic"]
    lat, lon = np.array(s["lat"]), np.array(s["lon"])
    assert len(set(zip(s["lat"], s["lon"]))) == s["distinct"] < len(lat) / 5
    for run in s["runs"]:
        _check(lat, lon, run, f"synthetic mcs {run['min_cluster_size']} ms {run['min_samples']}")
    assert len(s["runs"]) >= 7


def _hertfordshire_window(shared_data) -> tuple[np.ndarray, np.ndarray]:
    h = FX["hertfordshire"]
    files = [shared_data / "street_crime" / f for f in h["files"]]
    if not all(f.is_file() for f in files):
        pytest.skip("Hertfordshire street files not present")
    df = pd.concat([pd.read_csv(f, usecols=["Latitude", "Longitude"]) for f in files]).dropna()
    b = h["bounds"]
    w = df[(df.Latitude >= b["lat_min"]) & (df.Latitude <= b["lat_max"]) & (df.Longitude >= b["lon_min"])
           & (df.Longitude <= b["lon_max"])]
    return w.Latitude.to_numpy(), w.Longitude.to_numpy()


def test_hertfordshire_window_matches_sklearn(shared_data) -> None:
    """3,648 real St Albans records on 317 locations (13 months of police.uk street crime)."""
    h = FX["hertfordshire"]
    lat, lon = _hertfordshire_window(shared_data)
    assert len(lat) == h["n"] and len(set(zip(lat, lon))) == h["distinct"]
    for run in h["runs"]:
        _check(lat, lon, run, f"hertfordshire mcs {run['min_cluster_size']} ms {run['min_samples']}")


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_real_sample_matches_live_sklearn(shared_data, monkeypatch) -> None:
    """With scikit-learn installed (the bench extra): a second real window (about 4,900 Stevenage
    records on under 300 locations) compared with scikit-learn's labels computed here, its
    ``_process_mst`` sort made stable as the fixtures' (``kind="stable"``: tied MST edges in Prim's
    order, as saferstats.hdbscan; numpy's default order of ties depends on the CPU)."""
    HDBSCAN = pytest.importorskip("sklearn.cluster").HDBSCAN
    sk_hdbscan = pytest.importorskip("sklearn.cluster._hdbscan.hdbscan")

    def process_mst_stable(mst: np.ndarray) -> np.ndarray:
        return sk_hdbscan.make_single_linkage(mst[np.argsort(mst["distance"], kind="stable")])

    monkeypatch.setattr(sk_hdbscan, "_process_mst", process_mst_stable)
    files = sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv"))
    if not files:
        pytest.skip("Hertfordshire street files not present")
    df = pd.concat([pd.read_csv(f, usecols=["Latitude", "Longitude"]) for f in files]).dropna()
    w = df[(abs(df.Latitude - 51.903) < 0.012) & (abs(df.Longitude + 0.196) < 0.0192)]
    lat, lon = w.Latitude.to_numpy(), w.Longitude.to_numpy()
    assert len(set(zip(lat, lon))) < len(lat) / 10
    for mcs, ms in [(15, None), (10, 20)]:
        want = HDBSCAN(min_cluster_size=mcs, min_samples=ms, metric="haversine").fit(
            np.radians(np.c_[lat, lon])).labels_
        assert saferstats.hdbscan(lat, lon, min_cluster_size=mcs, min_samples=ms).tolist() == want.tolist()
