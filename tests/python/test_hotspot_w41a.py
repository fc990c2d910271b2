"""Session 26, w41a: hotspot follow-ups of the ASB walk (w40e) — a report study_area given as a
boundary file, the grid headline's unit, police.uk rows without coordinates in the grid functions,
and latitude/longitude swapped in the clustering functions."""

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.report.config import ConfigError
from saferstats.report.inputs import points_in_study_area

LTLA = "boundaries/boundaries_ltla24.geojson"


def _watford_file(shared_data, tmp_path):
    fc = json.loads(shared_path(shared_data, LTLA).read_text())
    one = [f for f in fc["features"] if f["properties"]["ltla24_name"] == "Watford"]
    assert len(one) == 1
    p = tmp_path / "watford.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": one}))
    return p


def _pts():
    return pd.DataFrame({"lat": [51.6565, 51.90], "lon": [-0.3960, -0.20]})


def test_report_study_area_boundary_file_is_refused_with_the_name_to_give(shared_data, tmp_path):
    """Since w40e a .geojson path loads as a polygon, and the report said "Study area: the study
    area polygon (POLYGON, None)" and "the squares in /…/boundaries_ltla24.geojson". Now refused,
    naming the area the file's one feature is."""
    p = _watford_file(shared_data, tmp_path)
    with pytest.raises(ConfigError) as e:
        points_in_study_area(_pts(), "lat", "lon", str(p), None)
    msg = str(e.value)
    assert e.value.argument == "hotspots.study_area"
    assert "is a boundary file" in msg and 'give study_area = "Watford"' in msg
    assert "POLYGON" not in msg


def test_report_study_area_whole_boundary_file_is_refused(shared_data):
    g = shared_path(shared_data, LTLA)
    with pytest.raises(ConfigError) as e:
        points_in_study_area(_pts(), "lat", "lon", str(g), None)
    msg = str(e.value)
    assert "is a boundary file" in msg and "several areas" in msg
    assert f"saferstats.StudyArea('{g}')" in msg


# --- 2. the grid headline's unit -------------------------------------------------------------

def test_grid_kde_headline_says_per_km2_as_kde_result_does():
    """"kde: max 429.75" had no unit; KdeResult says "per km²". The value is checked against the
    quartic kernel summed by hand: one point, bandwidth 30 m, at its own cell centre 3/(π h²)."""
    g = ss.hotspot_kde([5.0], [5.0], cell_size=10, bandwidth=30, bounds=(0, 20, 0, 20))
    peak = 3 / (np.pi * 30.0 ** 2) * 1e6  # per m² -> per km²
    m = re.search(r"kde: max ([0-9.e+-]+) per km², 9 cells > 0", g.headline())
    assert m, g.headline()
    assert float(m.group(1)) == pytest.approx(peak, rel=1e-5)
    r = ss.kde_grid([5.0], [5.0], cell_size=10, bandwidth=30, bounds=(0, 20, 0, 20))
    assert "per km²" in r.headline()


def test_dual_kde_ratio_has_no_unit_and_difference_is_per_km2():
    a, b = ([0.0, 10.0], [0.0, 0.0]), ([0.0], [0.0])
    ratio = ss.hotspot_dual_kde(*a, *b, cell_size=10, bandwidth=30, bounds=(-5, 5, -5, 5), method="ratio")
    diff = ss.hotspot_dual_kde(*a, *b, cell_size=10, bandwidth=30, bounds=(-5, 5, -5, 5), method="difference")
    assert "per km²" not in ratio.headline() and "kde: max " in ratio.headline()
    assert re.search(r"kde: max [0-9.e+-]+ per km²", diff.headline()), diff.headline()
    assert "per km²" not in ratio.layer("count_a").headline()
    # a KDE on the dual's cells is a density again
    again = ss.hotspot_kde([0.0], [0.0], bandwidth=30, grid=ratio)
    assert re.search(r"kde: max [0-9.e+-]+ per km²", again.headline()), again.headline()


# --- 3. missing= on the grid functions ---------------------------------------------------------

@pytest.fixture(scope="module")
def herts_asb_2021(shared_data):
    """Hertfordshire's police.uk ASB records of 2021 as published (twelve monthly files joined with
    pd.concat, so row labels repeat), projected with to_bng keeping the rows without a location."""
    files = [shared_path(shared_data, f"street_crime/2021-{m:02d}-hertfordshire-street.csv") for m in range(1, 13)]
    d = pd.concat([pd.read_csv(f) for f in files])
    asb = d[d["Crime type"] == "Anti-social behaviour"]
    x, y = ss.to_bng(asb["Latitude"], asb["Longitude"], missing="propagate")
    return asb, x, y


def _first_missing(asb):
    pos = int(np.flatnonzero(asb["Longitude"].isna().to_numpy())[0])
    return pos, asb.index[pos]


def test_grid_functions_refuse_missing_by_default_and_say_missing_drop(herts_asb_2021):
    asb, x, y = herts_asb_2021
    assert int(asb["Longitude"].isna().sum()) == 10
    pos, label = _first_missing(asb)
    for fn in (lambda **k: ss.hotspot_kde(x, y, cell_size=500, bandwidth=1000, **k),
               lambda **k: ss.grid_counts(x, y, cell_size=1000, **k),
               lambda **k: ss.kde_grid(x, y, cell_size=1000, bandwidth=1000, **k),
               lambda **k: ss.hotspot_classify(x, y, asb["Month"], cell_size=1000, permutations=0, **k)):
        with pytest.raises(ss.MissingValueError) as e:
            fn()
        assert e.value.argument == "x" and e.value.position == pos and e.value.index == label
        assert "pass missing='drop'" in str(e.value) and "10 missing values" in str(e.value)
        with pytest.raises(ss.InvalidInputError, match="unknown missing 'skip'"):
            fn(missing="skip")


def _dropped_warning(rec, fn, n_total):
    said = [str(w.message) for w in rec if str(w.message).startswith(f"{fn}: ")
            and "missing coordinates" in str(w.message)]
    assert said == [f"{fn}: 10 of {n_total:,} points have missing coordinates and are left out "
                    f"(first at {said[0].split('(first at ')[1][:-1]})"], said
    return said[0]


def test_hotspot_kde_and_count_drop_and_count_the_rows(herts_asb_2021):
    asb, x, y = herts_asb_2021
    pos, label = _first_missing(asb)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        g = ss.hotspot_kde(x, y, cell_size=1000, bandwidth=1500, missing="drop")
    said = _dropped_warning(rec, "hotspot_kde", len(asb))
    assert f"first at row {label}" in said
    t = g.event_counts()
    have = int(asb["Longitude"].notna().sum())  # pandas, from the file
    assert t["missing_coordinates"].tolist() == [10] and t["given"].tolist() == [len(asb)]
    assert t["counted"].tolist() == [have] and t["outside_study_area"].tolist() == [0]
    assert "10 without coordinates" in g.headline()
    # the counts are those of the rows with a location (numpy's histogram on pandas' dropna)
    ok = asb["Longitude"].notna().to_numpy()
    c = ss.hotspot_count(x[ok], y[ok], grid=g)
    np.testing.assert_array_equal(g.cells["count"].to_numpy(), c.cells["count"].to_numpy())


def test_grid_counts_and_kde_grid_drop(herts_asb_2021):
    asb, x, y = herts_asb_2021
    ok = asb["Longitude"].notna().to_numpy()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        counts, cx, cy = ss.grid_counts(x, y, cell_size=2000, missing="drop")
        r = ss.kde_grid(x, y, cell_size=2000, bandwidth=2000, missing="drop")
    _dropped_warning(rec, "grid_counts", len(asb))
    _dropped_warning(rec, "kde_grid", len(asb))
    xs, ys = x.to_numpy()[ok], y.to_numpy()[ok]
    ex = np.r_[cx - 1000, cx[-1] + 1000]
    ey = np.r_[cy - 1000, cy[-1] + 1000]
    want, _, _ = np.histogram2d(ys, xs, bins=[ey, ex])
    np.testing.assert_array_equal(counts, want.astype(np.int64))
    assert int(counts.sum()) == int(ok.sum())
    assert r.missing_coordinates == 10 and "10 points without coordinates left out" in r.headline()


def test_hotspot_classify_drops_and_says(herts_asb_2021):
    asb, x, y = herts_asb_2021
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        r = ss.hotspot_classify(x, y, asb["Month"], cell_size=2000, permutations=0, missing="drop")
    _dropped_warning(rec, "hotspot_classify", len(asb))
    assert r.cells.attrs["missing_coordinates"] == 10
    assert "10 points without coordinates left out" in r.headline()
    per_month = asb[asb["Longitude"].notna()].groupby("Month").size()
    got = r.periods.groupby("period")["count"].sum()
    assert got.to_dict() == per_month.to_dict()


# --- 4. latitude/longitude swapped in the clustering functions ---------------------------------

@pytest.fixture(scope="module")
def watford_asb(shared_data):
    d = pd.read_csv(shared_path(shared_data, "street_crime/2021-10-hertfordshire-street.csv"))
    d = d[(d["Crime type"] == "Anti-social behaviour") & d["Longitude"].notna()]
    return d


CALLS = {
    "dbscan": lambda a, b: ss.dbscan(a, b, eps_m=150, min_samples=5),
    "hdbscan": lambda a, b: ss.hdbscan(a, b, min_cluster_size=15),
    "cluster_summary": lambda a, b: ss.cluster_summary(a, b, np.zeros(len(a), int)),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_swapped_police_uk_columns_are_refused(watford_asb, name):
    """police.uk's Longitude passed as lat: every point lies in Great Britain only with the two
    exchanged (checked here with the published bounds of GB, not with saferstats). Until session 26
    a warning, then clusters computed on the swapped points."""
    d = watford_asb
    lat, lon = d["Longitude"], d["Latitude"]  # swapped
    in_gb_swapped = ((lon > 49) & (lon < 61.5) & (lat > -9) & (lat < 2.5)).to_numpy()
    assert in_gb_swapped.all()
    with pytest.raises(ss.CoordinateError) as e:
        CALLS[name](lat, lon)
    msg = str(e.value)
    assert e.value.argument == "lat" and e.value.index == d.index[0] and e.value.position == 0
    # counts with thousands separators, as the package writes them elsewhere (session 35: "6846 of 6846")
    assert f"{len(d):,} of {len(d):,} points fall in Great Britain only with latitude and longitude exchanged" in msg
    assert f"(row {d.index[0]}: lat={d['Longitude'].iloc[0]}, lon={d['Latitude'].iloc[0]})" in msg
    assert "none are computed" in msg


def test_swapped_refused_before_the_study_area(watford_asb):
    d = watford_asb
    with pytest.raises(ss.CoordinateError, match="look swapped"):
        ss.dbscan(d["Longitude"], d["Latitude"], eps_m=150, study_area="Hertfordshire")


def test_a_few_swapped_rows_are_warned_about_not_refused(watford_asb):
    """Three rows swapped among 2,157 (ambiguous: points could really lie in East Africa): clustered,
    with a warning naming how many and the first row; the clusters of the rest are those without them."""
    d = watford_asb.copy()
    rows = d.index[[5, 50, 500]]
    d.loc[rows, ["Latitude", "Longitude"]] = d.loc[rows, ["Longitude", "Latitude"]].to_numpy()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        labels = ss.dbscan(d["Latitude"], d["Longitude"], eps_m=150, min_samples=5)
    said = [str(w.message) for w in rec if "exchanged" in str(w.message)]
    assert len(said) == 1 and said[0].startswith(f"3 of {len(d):,} points fall in Great Britain only")
    assert f"first at row {rows[0]}:" in said[0]
    assert (labels[[5, 50, 500]] == -1).all()  # alone at sea: noise


def test_a_latitude_beyond_90_is_refused_naming_the_row(watford_asb):
    d = watford_asb.copy()
    d.loc[d.index[7], "Latitude"] = 95.0
    with pytest.raises(ss.InvalidInputError, match=r"latitude must be within \[-90, 90\]") as e:
        ss.dbscan(d["Latitude"], d["Longitude"], eps_m=150)
    assert e.value.index == d.index[7]


def test_two_set_and_prospective_grids_drop_too(herts_asb_2021):
    """hotspot_dual_kde and hotspot_change count each set's dropped rows in its own layer;
    prospective_hotspots and a weighted count (no events table) say them in the headline."""
    asb, x, y = herts_asb_2021
    month = asb["Month"].to_numpy()
    h1, h2 = month <= "2021-06", month > "2021-06"
    miss = asb["Longitude"].isna().to_numpy()
    n1, n2 = int((h1 & miss).sum()), int((h2 & miss).sum())
    assert n1 + n2 == 10 and n1 and n2
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ch = ss.hotspot_change(x[h1], y[h1], x[h2], y[h2], cell_size=2000, missing="drop")
        du = ss.hotspot_dual_kde(x[h2], y[h2], x[h1], y[h1], cell_size=2000, bandwidth=2000, method="difference",
                                 missing="drop")
    said = [str(w.message) for w in rec if "missing coordinates" in str(w.message)]
    assert f"hotspot_change (x_before/y_before): {n1} of {int(h1.sum()):,} points" in said[0]
    assert f"hotspot_dual_kde (x_a/y_a): {n2} of {int(h2.sum()):,} points" in said[2]
    t = ch.event_counts().set_index("layer")
    assert t.loc["count_before", "missing_coordinates"] == n1 and t.loc["count_after", "missing_coordinates"] == n2
    assert t.loc["count_before", "counted"] == int((h1 & ~miss).sum())
    assert t.loc["count_after", "counted"] == int((h2 & ~miss).sum())
    assert du.event_counts().set_index("layer").loc["count_a", "missing_coordinates"] == n2
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        pr = ss.prospective_hotspots(x, y, pd.to_datetime(asb["Month"] + "-15"), predict_time="2022-01-01",
                                     cell_size=2000, time_unit=30, missing="drop")
        wc = ss.hotspot_count(x, y, cell_size=2000, weights=np.ones(len(x)), missing="drop")
    assert pr.cells.attrs["missing_coordinates"] == 10 and "10 points without coordinates left out" in pr.headline()
    assert "10 points without coordinates left out" in wc.headline()
    assert float(wc.cells["count"].sum()) == float((~miss).sum())
    # a new layer on the same cells is not said to have left them out
    again = ss.hotspot_count(x[~miss], y[~miss], grid=wc)
    assert "without coordinates" not in again.headline()
