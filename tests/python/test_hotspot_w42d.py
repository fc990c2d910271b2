"""Session 27, w42d: ``missing=`` on every hotspot function that takes point coordinates (w41a
gave it to the grid functions), through the one helper ``_drop_missing``; and the geography names
the hotspot and report modules use are public.

Data: Hertfordshire's police.uk ASB records of 2021 as published (twelve monthly files joined with
pd.concat, so row labels repeat; 10 of 26,156 records without a location), and small exact frames.
References: scipy (cKDTree nearest neighbours, pdist, single linkage) and the formulas by hand."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist, squareform

import saferstats as ss
from conftest import shared_path

AREA_HERTS = 1_643_000_000.0  # m², about Hertfordshire's; the statistic is checked by hand on any area


@pytest.fixture(scope="module")
def herts_asb_2021(shared_data):
    files = [shared_path(shared_data, f"street_crime/2021-{m:02d}-hertfordshire-street.csv") for m in range(1, 13)]
    d = pd.concat([pd.read_csv(f) for f in files])
    asb = d[d["Crime type"] == "Anti-social behaviour"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x, y = ss.to_bng(asb["Latitude"], asb["Longitude"], missing="propagate")
    return asb, x, y


def _first_missing(asb):
    pos = int(np.flatnonzero(asb["Longitude"].isna().to_numpy())[0])
    return pos, asb.index[pos]


def _dropped(rec, fn, n_total, n_gone=10):
    said = [str(w.message) for w in rec if str(w.message).startswith(f"{fn}: ")
            and "missing coordinates" in str(w.message)]
    assert len(said) == 1, said
    assert said[0].startswith(f"{fn}: {n_gone} of {n_total:,} points {'has' if n_gone == 1 else 'have'} missing coordinates and "
                              f"{'is' if n_gone == 1 else 'are'} left out "
                              "(first at row "), said
    return said[0]


def _run(fn, **kw):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = fn(**kw)
    return out, rec


def _clark_evans_by_hand(xs, ys, area):
    d, _ = cKDTree(np.column_stack([xs, ys])).query(np.column_stack([xs, ys]), k=2)
    n = len(xs)
    r_obs = float(d[:, 1].mean())
    r_exp = 0.5 * np.sqrt(area / n)
    se = np.sqrt((4 - np.pi) / (4 * np.pi)) * np.sqrt(area) / n
    z = (r_obs - r_exp) / se
    return {"r_obs": r_obs, "r_exp": r_exp, "r": r_obs / r_exp, "z": z, "p_value": 2 * stats.norm.sf(abs(z))}


# --- 1. missing= on the point functions ------------------------------------------------------

FUNCS = {
    "clark_evans": lambda x, y, **k: ss.clark_evans(x, y, area=AREA_HERTS, **k),
    "nnh": lambda x, y, **k: ss.nnh(x, y, threshold=50, min_points=30, max_order=1, **k),
    "auto_cell_size": lambda x, y, **k: ss.auto_cell_size(x, y, **k),
    "auto_bandwidth": lambda x, y, **k: ss.auto_bandwidth(x, y, **k),
    "Weights.distance_band": lambda x, y, **k: ss.Weights.distance_band(x, y, threshold=20, **k),
}


@pytest.mark.parametrize("name", list(FUNCS))
def test_point_functions_refuse_missing_by_default_and_say_missing_drop(herts_asb_2021, name):
    """Until session 27 these refused the police.uk rows without a location with the advice to
    filter by hand; now as the grid functions: the same error and words, and missing='drop'."""
    asb, x, y = herts_asb_2021
    assert int(asb["Longitude"].isna().sum()) == 10
    pos, label = _first_missing(asb)
    with pytest.raises(ss.MissingValueError) as e:
        FUNCS[name](x, y)
    assert e.value.argument == "x" and e.value.position == pos and e.value.index == label
    assert "pass missing='drop'" in str(e.value) and "10 missing values" in str(e.value)
    with pytest.raises(ss.InvalidInputError, match="unknown missing 'skip'"):
        FUNCS[name](x, y, missing="skip")


def test_knox_refuses_missing_by_default_and_says_missing_drop():
    x = pd.Series([0.0, np.nan, 50.0, 400.0], index=[7, 8, 9, 10])
    y = pd.Series([0.0, 100.0, 50.0, 400.0], index=[7, 8, 9, 10])
    with pytest.raises(ss.MissingValueError) as e:
        ss.knox(x, y, [0, 3, 1, 2], distance_bands=[0, 200, np.inf], time_bands=[0, 8, np.inf], permutations=9, seed=1)
    assert e.value.argument == "x" and e.value.position == 1 and e.value.index == 8
    assert "pass missing='drop'" in str(e.value) and "1 missing value" in str(e.value)


def test_clark_evans_drop_equals_scipy_on_the_rows_with_a_location(herts_asb_2021):
    asb, x, y = herts_asb_2021
    pos, label = _first_missing(asb)
    r, rec = _run(ss.clark_evans, x=x, y=y, area=AREA_HERTS, missing="drop")
    assert f"first at row {label}" in _dropped(rec, "clark_evans", len(asb))
    assert r.missing_coordinates == 10
    ok = asb["Longitude"].notna().to_numpy()  # pandas, from the file
    want = _clark_evans_by_hand(x.to_numpy()[ok], y.to_numpy()[ok], AREA_HERTS)
    for k, v in want.items():
        assert r[k] == pytest.approx(v, rel=1e-9, abs=1e-300), k
    pd.testing.assert_frame_equal(r.to_pandas(), _run(ss.clark_evans, x=x[ok], y=y[ok], area=AREA_HERTS)[0].to_pandas())
    assert len(r) == 6 and "missing_coordinates" not in dict(r)  # the mapping keeps its six keys


def test_clark_evans_drop_on_an_exact_frame():
    # a 3 × 3 lattice 10 apart plus one row without x: every nearest neighbour is 10
    gx, gy = np.meshgrid([0.0, 10.0, 20.0], [0.0, 10.0, 20.0])
    x = np.r_[gx.ravel(), np.nan]
    y = np.r_[gy.ravel(), 5.0]
    r, rec = _run(ss.clark_evans, x=x, y=y, area=900.0, perimeter=120.0, missing="drop")
    _dropped(rec, "clark_evans", 10, 1)
    assert r.missing_coordinates == 1 and r.r_obs == pytest.approx(10.0)
    assert r.r_exp == pytest.approx(0.5 * np.sqrt(900 / 9)) and r.r == pytest.approx(2.0)
    full = ss.clark_evans(gx.ravel(), gy.ravel(), area=900.0, perimeter=120.0)
    assert dict(r) == dict(full) and full.missing_coordinates == 0


def test_nnh_drop_keeps_input_rows_and_equals_scipy_single_linkage():
    # two groups of 6 points 1 apart, one far point, and two rows without coordinates
    x = np.r_[np.arange(6.0), np.nan, 100 + np.arange(6.0), 1000.0, 3.0]
    y = np.r_[np.zeros(6), 0.0, np.zeros(6), 0.0, np.nan]
    r, rec = _run(ss.nnh, x=x, y=y, threshold=1.5, min_points=5, missing="drop")
    _dropped(rec, "nnh", 15, 2)
    assert r.missing_coordinates == 2 and "2 points without coordinates left out" in r.headline()
    ok = np.isfinite(x) & np.isfinite(y)
    assert r.rows.tolist() == np.flatnonzero(ok).tolist()
    # scipy: single linkage cut at the threshold, groups of at least min_points
    fc = fcluster(linkage(np.column_stack([x[ok], y[ok]]), "single"), t=1.5, criterion="distance")
    sizes = pd.Series(fc).value_counts()
    big = sizes[sizes >= 5].index
    want = np.where(np.isin(fc, big), fc, -1)
    got = r.order(1)
    assert ((got >= 0) == (want >= 0)).all()
    for lab in set(got[got >= 0]):
        assert len(set(want[got == lab])) == 1
    assert (got >= 0).sum() == 12


def test_nnh_drop_on_herts_equals_the_prefiltered_frame(herts_asb_2021):
    asb, x, y = herts_asb_2021
    r, rec = _run(ss.nnh, x=x, y=y, threshold=50, min_points=30, max_order=2, missing="drop")
    _dropped(rec, "nnh", len(asb))
    ok = asb["Longitude"].notna().to_numpy()
    f = _run(ss.nnh, x=x[ok], y=y[ok], threshold=50, min_points=30, max_order=2)[0]
    np.testing.assert_array_equal(r.labels, f.labels)
    pd.testing.assert_frame_equal(r.clusters, f.clusters)
    # rows are positions in the frame as given (with its rows without coordinates)
    np.testing.assert_array_equal(r.rows, np.flatnonzero(ok))
    assert r.missing_coordinates == 10 and f.missing_coordinates == 0
    assert "10 points without coordinates left out" in r.headline()


def test_knox_drop_equals_the_prefiltered_frame_and_pair_counts(herts_asb_2021):
    asb, x, y = herts_asb_2021
    t = pd.to_datetime(asb["Month"])
    kw = dict(distance_bands=[0, 100, 200], time_bands=[0, 32, 63], permutations=9, seed=3)
    k, rec = _run(ss.knox, x=x, y=y, t=t, missing="drop", **kw)
    _dropped(rec, "knox", len(asb))
    ok = asb["Longitude"].notna().to_numpy()
    f = _run(ss.knox, x=x[ok], y=y[ok], t=t[ok], **kw)[0]
    pd.testing.assert_frame_equal(pd.DataFrame(k), pd.DataFrame(f))
    assert k.attrs["missing_coordinates"] == 10 and k.attrs["knox"]["events"] == int(ok.sum())
    assert "(10 points without coordinates left out)" in k.headline()
    assert f.attrs["missing_coordinates"] == 0 and "without coordinates" not in f.headline()


def test_knox_drop_observed_counts_by_hand():
    x = np.r_[0.0, 0.0, 50.0, np.nan, 400.0, 410.0, 0.0]
    y = np.r_[0.0, 100.0, 50.0, 7.0, 400.0, 400.0, 20.0]
    t = np.r_[0.0, 3.0, 1.0, 5.0, 2.0, 30.0, 40.0]
    k, rec = _run(ss.knox, x=x, y=y, t=t, distance_bands=[0, 200, np.inf], time_bands=[0, 8, np.inf],
                  permutations=19, seed=1, missing="drop")
    _dropped(rec, "knox", 7, 1)
    ok = np.isfinite(x)
    d = squareform(pdist(np.column_stack([x[ok], y[ok]])))
    dt = np.abs(t[ok][:, None] - t[ok][None, :])
    iu = np.triu_indices(int(ok.sum()), 1)
    dd, tt = d[iu], dt[iu]
    want = [((dd < 200) & (tt < 8)).sum(), ((dd < 200) & (tt >= 8)).sum(),
            ((dd >= 200) & (tt < 8)).sum(), ((dd >= 200) & (tt >= 8)).sum()]
    assert k["observed"].tolist() == [float(v) for v in want]
    assert k.attrs["missing_coordinates"] == 1


def test_auto_cell_size_and_bandwidth_drop_by_hand(herts_asb_2021):
    asb, x, y = herts_asb_2021
    ok = asb["Longitude"].notna().to_numpy()
    xs, ys = x.to_numpy()[ok], y.to_numpy()[ok]
    c, rec = _run(ss.auto_cell_size, x=x, y=y, missing="drop")
    _dropped(rec, "auto_cell_size", len(asb))
    side = min(np.ptp(xs), np.ptp(ys)) / 50  # sfhotspot: 1/50 of the shorter side, floored to 100s
    assert c == (np.floor(side / 100) * 100 if side >= 100 else side)

    def nrd(v):  # R MASS::bandwidth.nrd; quantile type 7 is numpy's default
        q1, q3 = np.quantile(v, [0.25, 0.75])
        return 4 * 1.06 * min(np.std(v, ddof=1), (q3 - q1) / 1.34) * len(v) ** (-0.2)

    b, rec = _run(ss.auto_bandwidth, x=x, y=y, missing="drop")
    _dropped(rec, "auto_bandwidth", len(asb))
    assert b == pytest.approx((nrd(xs) + nrd(ys)) / 2, rel=1e-12)


def test_distance_band_drop_equals_scipy_pairs_and_the_prefiltered_frame(herts_asb_2021):
    asb, x, y = herts_asb_2021
    jan = (asb["Month"] == "2021-01").to_numpy()  # 1,583 records, 2 without a location
    xj, yj = x[jan], y[jan]
    w, rec = _run(ss.Weights.distance_band, x=xj, y=yj, threshold=100, missing="drop")
    _dropped(rec, "Weights.distance_band", int(jan.sum()), 2)
    ok = asb["Longitude"].notna().to_numpy()[jan]
    assert w.n == int(ok.sum()) and w.missing_coordinates == 2 and "missing_coordinates=2" in repr(w)
    np.testing.assert_array_equal(w.rows, np.flatnonzero(ok))
    pts = np.column_stack([xj.to_numpy()[ok], yj.to_numpy()[ok]])
    pairs = cKDTree(pts).query_pairs(100.0, output_type="ndarray")  # distance <= r, as the band
    want = np.bincount(pairs.ravel(), minlength=len(pts))
    np.testing.assert_array_equal(w.cardinalities, want)
    f = ss.Weights.distance_band(xj[ok], yj[ok], threshold=100)
    for a in ("offsets", "neighbors", "weights"):
        np.testing.assert_array_equal(getattr(w, a), getattr(f, a))
    assert f.rows is None and f.missing_coordinates == 0


# --- 2. public geography names -----------------------------------------------------------------

def test_geography_names_the_hotspot_and_report_modules_use_are_public():
    from saferstats import geography

    assert geography.GB_LAT == (49.0, 61.5) and geography.GB_LON == (-9.0, 2.5)
    assert geography.is_geojson_path("x.GeoJSON") and not geography.is_geojson_path("Watford")
    with pytest.raises(ss.CoordinateError, match="look swapped"):
        geography.check_swapped(np.array([-0.34, -0.2]), np.array([51.75, 51.9]))
    pkg = Path(ss.__file__).parent
    for rel in ("hotspot/_common.py", "report/inputs.py"):
        for node in ast.walk(ast.parse((pkg / rel).read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("geography"):
                assert not [a.name for a in node.names if a.name.startswith("_")], rel
