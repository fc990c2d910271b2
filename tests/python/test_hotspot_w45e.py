"""Session 28, w45e: a CSP analyst's ASB hotspot walk on Hertfordshire's police.uk street-crime
files as published (13 monthly files, January 2021 to January 2022, read with
``read_street_crime(folder, crime_type="Anti-social behaviour")``: 27,858 ASB records, 12 of them
without a location, counted by hand from the CSV rows here).

* ``bandwidth_nrd`` refused a missing value as an ``InvalidInputError`` naming only its position,
  and had no ``missing=`` (its neighbours ``auto_bandwidth`` / ``auto_cell_size`` got one in w42d);
* the lat/lon functions (``dbscan``, ``hdbscan``, ``to_bng``, ``to_local_metres``) each worded
  points without coordinates differently from the x/y functions and from each other; one helper now
  words them all; ``to_local_metres(missing="propagate")`` gave NaN without a word;
* ``knox``'s headline said "2791 events" and not the events outside the study area it left out.

References: MASS::bandwidth.nrd's formula by hand with numpy (sd with n - 1, type-7 quantiles, as
R), the CSV rows counted with the csv module, and point-in-square counts with numpy."""

from __future__ import annotations

import csv
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from saferstats.hotspot.grid import bandwidth_nrd
from conftest import shared_path


def _nrd(v: np.ndarray) -> float:
    """R's MASS::bandwidth.nrd: 4 * 1.06 * min(sqrt(var(x)), (q75 - q25)/1.34) * n^(-1/5)."""
    v = np.asarray(v, dtype=float)
    q25, q75 = np.percentile(v, [25, 75])  # numpy's default "linear" is R's type 7
    return float(4 * 1.06 * min(np.std(v, ddof=1), (q75 - q25) / 1.34) * len(v) ** -0.2)


@pytest.fixture(scope="module")
def herts(shared_data):
    folder = shared_path(shared_data, "street_crime")
    files = sorted(folder.glob("*-hertfordshire-street.csv"))
    if len(files) != 13:
        pytest.skip("the 13 Hertfordshire street-crime files are not all present")
    hand = []  # (latitude, longitude) of every ASB row, in file order, as the CSV has them
    for f in files:
        with open(f, newline="", encoding="utf-8-sig") as fh:
            hand += [(r["Latitude"], r["Longitude"]) for r in csv.DictReader(fh) if r["Crime type"] == "Anti-social behaviour"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reader's note on LSOA 2011 codes
        d = ss.read_street_crime(folder, crime_type="Anti-social behaviour")
    return d, hand


def _absent(hand):
    return [i for i, (a, b) in enumerate(hand) if a == "" or b == ""]


# --- bandwidth_nrd: MissingValueError naming the row, and missing= ---------------------------------

def test_bandwidth_nrd_refuses_a_missing_value_naming_the_row():
    x = pd.Series([1.0, 2.0, np.nan, 3.0, 4.0, 10.0], index=list("abcdef"), name="easting")
    with pytest.raises(ss.MissingValueError) as e:
        bandwidth_nrd(x)
    assert e.value.argument == "x" and e.value.index == "c" and e.value.position == 2
    assert str(e.value).startswith("`x` (column 'easting') has 1 missing value (first at row 'c'): 1 of 6 points "
                                   "has missing coordinates")
    assert "pass missing='drop' to leave them out (counted in a warning)" in str(e.value)


def test_bandwidth_nrd_drop_equals_mass_rule_on_the_rest():
    x = [1.0, 2.0, np.nan, 3.0, 4.0, 10.0]
    with pytest.warns(ss.SaferstatsWarning, match=re.escape("bandwidth_nrd: 1 of 6 points has missing coordinates "
                                                            "and is left out (first at row 2)")):
        h = bandwidth_nrd(x, missing="drop")
    assert h == pytest.approx(_nrd([1, 2, 3, 4, 10]), rel=1e-12)
    with pytest.raises(ss.InvalidInputError, match="unknown missing 'skip'"):
        bandwidth_nrd(x, missing="skip")


def test_bandwidth_nrd_infinite_value_named_by_its_label():
    with pytest.raises(ss.InvalidInputError, match=r"`x` at row 'q': inf") as e:
        bandwidth_nrd(pd.Series([1.0, np.inf, 3.0], index=["p", "q", "r"]))
    assert e.value.index == "q"


def test_bandwidth_nrd_on_hertfordshire_asb(herts):
    d, hand = herts
    absent = _absent(hand)
    assert len(d) == len(hand) == 27_858 and len(absent) == 12
    with pytest.raises(ss.MissingValueError) as e:
        bandwidth_nrd(d["latitude"])
    assert e.value.index == absent[0] and e.value.argument == "x"
    assert f"has 12 missing values (first at row {absent[0]}): 12 of 27,858 points" in str(e.value)
    with pytest.warns(ss.SaferstatsWarning, match=rf"bandwidth_nrd: 12 of 27,858 points have missing coordinates and are "
                                                  rf"left out \(first at row {absent[0]}\)"):
        h = bandwidth_nrd(d["latitude"], missing="drop")
    lat = np.array([float(a) for a, b in hand if a and b])
    assert h == pytest.approx(_nrd(lat), rel=1e-12)


# --- one wording of points without coordinates --------------------------------------------------------

ONE = ("has {k} missing values (first at row {row}): {k} of {n} points have missing coordinates (police.uk "
       "publishes some records without a location) and cannot be placed; pass missing='{opt}'")


def test_lat_lon_and_x_y_functions_say_missing_coordinates_alike(herts):
    d, hand = herts
    absent = _absent(hand)
    lat, lon = d["latitude"], d["longitude"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x, y = ss.to_bng(lat, lon, missing="propagate")
    calls = {
        "to_bng": (lambda: ss.to_bng(lat, lon), "lat", "propagate"),
        "to_local_metres": (lambda: ss.to_local_metres(lat, lon), "lat", "propagate"),
        "dbscan": (lambda: ss.dbscan(lat, lon, eps_m=100), "lat", "drop"),
        "hdbscan": (lambda: ss.hdbscan(lat, lon), "lat", "drop"),
        "hotspot_kde": (lambda: ss.hotspot_kde(x, y, cell_size=500, bandwidth=1000), "x", "drop"),
        "knox": (lambda: ss.knox(x, y, pd.to_datetime(d["month"].astype(str)), distance_bands=[0, 100],
                                 time_bands=[0, 32]), "x", "drop"),
        "bandwidth_nrd": (lambda: bandwidth_nrd(x), "x", "drop"),
    }
    for fn, (call, name, opt) in calls.items():
        with pytest.raises(ss.MissingValueError) as e:
            call()
        msg = str(e.value)
        assert e.value.argument == name and e.value.index == absent[0], fn
        assert msg.startswith(f"`{name}`"), (fn, msg)
        assert ONE.format(k=12, n="27,858", row=absent[0], opt=opt) in msg, (fn, msg)


def test_to_local_metres_propagate_is_said(herts):
    d, hand = herts
    absent = _absent(hand)
    want = rf"to_local_metres: 12 of 27,858 points have missing coordinates and get NaN \(first at row {absent[0]}\)"
    with pytest.warns(ss.SaferstatsWarning, match=want):
        x, y = ss.to_local_metres(d["latitude"], d["longitude"], missing="propagate")
    assert np.flatnonzero(np.isnan(x.to_numpy())).tolist() == absent


def test_one_wording_small_frame():
    lat = pd.Series([51.9, np.nan, 51.91], index=[10, 11, 12], name="Latitude")
    lon = pd.Series([-0.2, np.nan, -0.21], index=[10, 11, 12], name="Longitude")
    for call in (lambda: ss.to_bng(lat, lon), lambda: ss.to_local_metres(lat, lon), lambda: ss.dbscan(lat, lon, eps_m=50)):
        with pytest.raises(ss.MissingValueError, match=re.escape("`lat` (column 'Latitude') has 1 missing value "
                                                                 "(first at row 11): 1 of 3 points has missing")):
            call()
    # y missing alone: the advice names y's own test
    with pytest.raises(ss.MissingValueError, match=re.escape("np.isfinite(y)")) as e:
        ss.auto_bandwidth([1.0, 2.0, 3.0], [1.0, np.nan, 3.0])
    assert e.value.argument == "y"


# --- knox headline: thousands, and the events outside the study area ---------------------------------

def test_knox_headline_counts_outside_the_study_area():
    rng = np.random.default_rng(45)
    x, y = 520_000 + rng.uniform(0, 4000, 1500), 220_000 + rng.uniform(0, 4000, 1500)
    x[7] = np.nan
    t = rng.integers(0, 60, 1500).astype(float)
    square = np.array([[520_000, 220_000], [522_500, 220_000], [522_500, 222_500], [520_000, 222_500]], dtype=float)
    inside = int(((x > 520_000) & (x < 522_500) & (y > 220_000) & (y < 222_500)).sum())  # NaN is in no square
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = ss.knox(x, y, t, distance_bands=[0, 100, np.inf], time_bands=[0, 7, np.inf], permutations=9, seed=1,
                    study_area=ss.StudyArea(square, crs=27700), missing="drop")
    outside = 1500 - 1 - inside
    assert k.attrs["knox"]["events"] == inside and k.attrs["outside_study_area"] == outside
    assert k.headline().startswith(f"Knox test: {inside:,} events, 9 permutations (1 point without coordinates left "
                                   f"out; {outside:,} points outside the study area left out); ")
    k2 = ss.knox(np.arange(1200.0), np.zeros(1200), np.arange(1200.0) % 30, distance_bands=[0, 5, np.inf],
                 time_bands=[0, 3, np.inf], permutations=0)
    assert k2.headline().startswith("Knox test: 1,200 events, 0 permutations; ") and k2.attrs["outside_study_area"] == 0


# --- kde_grid's headline: the points outside the study area --------------------------------------------

def test_kde_grid_headline_counts_outside_the_study_area():
    rng = np.random.default_rng(28)
    x, y = 520_000 + rng.uniform(0, 4000, 900), 220_000 + rng.uniform(0, 4000, 900)
    x[3] = np.nan
    square = np.array([[520_000, 220_000], [522_500, 220_000], [522_500, 222_500], [520_000, 222_500]], dtype=float)
    inside = int(((x > 520_000) & (x < 522_500) & (y > 220_000) & (y < 222_500)).sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = ss.kde_grid(x, y, cell_size=100, bandwidth=300, study_area=ss.StudyArea(square, crs=27700), missing="drop")
    outside = 900 - 1 - inside
    assert k.outside_study_area == outside and k.missing_coordinates == 1
    assert k.headline().endswith(f"; 1 point without coordinates left out; {outside:,} points outside the study area "
                                 "left out")
    assert k.to_dict()["outside_study_area"] == outside
    assert "outside the study area" not in ss.kde_grid(x[~np.isnan(x)], y[~np.isnan(x)], cell_size=100,
                                                       bandwidth=300).headline()


def test_nnh_headline_counts_outside_the_study_area():
    rng = np.random.default_rng(7)
    x, y = 520_000 + rng.uniform(0, 4000, 1300), 220_000 + rng.uniform(0, 4000, 1300)
    x[:40], y[:40] = 520_500 + rng.normal(0, 5, 40), 220_500 + rng.normal(0, 5, 40)  # a cluster inside
    y[100] = np.nan
    square = np.array([[520_000, 220_000], [522_500, 220_000], [522_500, 222_500], [520_000, 222_500]], dtype=float)
    keep = (x > 520_000) & (x < 522_500) & (y > 220_000) & (y < 222_500)
    inside = int(keep.sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = ss.nnh(x, y, study_area=ss.StudyArea(square, crs=27700), threshold=30, min_points=10, missing="drop")
    outside = 1300 - 1 - inside
    assert r.outside_study_area == outside and r.missing_coordinates == 1
    assert r.rows.tolist() == np.flatnonzero(keep).tolist()
    head = r.headline()
    assert head.startswith(f"points={inside:,}, ") and head.endswith(
        f"; 1 point without coordinates left out; {outside:,} points outside the study area left out")


def test_classify_headline_counts_outside_the_study_area():
    rng = np.random.default_rng(11)
    x, y = 520_000 + rng.uniform(0, 4000, 1200), 220_000 + rng.uniform(0, 4000, 1200)
    period = np.repeat(["2021-01", "2021-02", "2021-03", "2021-04"], 300)
    x[5] = np.nan
    square = np.array([[520_000, 220_000], [522_500, 220_000], [522_500, 222_500], [520_000, 222_500]], dtype=float)
    inside = int(((x > 520_000) & (x < 522_500) & (y > 220_000) & (y < 222_500)).sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = ss.hotspot_classify(x, y, period, cell_size=250, study_area=ss.StudyArea(square, crs=27700), permutations=0,
                                missing="drop")
    outside = 1200 - 1 - inside
    assert r.cells.attrs["outside_study_area"] == outside
    assert int(r.periods["count"].sum()) == inside  # every event inside is in one cell and period
    assert r.headline().endswith(f"; 1 point without coordinates left out; {outside:,} points outside the study area "
                                 "left out")
