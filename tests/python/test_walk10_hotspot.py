"""Walk 10: the hotspot family on Dacorum ASB (police.uk Hertfordshire files as published), checked
against tests/fixtures/walk10_hotspot_reference.json (scikit-learn, shapely, pyproj and numpy, no
saferstats: tests/fixtures/walk10_hotspot_generate.py).

- pai / concentration given a grid's layers as columns (``pai(o.cells["count"], g.cells["kde"])``,
  the natural call) scored over the whole bounding box, silently: Dacorum ASB, KDE of Aug-Oct 2021
  on Nov 2021-Jan 2022, 500 m cells, read "PAI 17.1, hit rate 86% at 5% of the area" where over
  Dacorum's own cells it is 10.2 and 51% (the grid itself was scored right).
- cluster_summary presented police.uk map points as clusters: 39 of Dacorum's 98 DBSCAN clusters
  (eps 100 m, min_samples 10, 13 months) are one anonymised location each, with no word."""

import csv
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import dacorum_lsoa11, herts_street_files, herts_street_points, street_latlon

REF = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "walk10_hotspot_reference.json").read_text())


def _grids(shared_data):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    train = (month >= "2021-08") & (month <= "2021-10")
    test = month >= "2021-11"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)   # points outside Dacorum, counted
        g = saferstats.hotspot_kde(x[train], y[train], cell_size=500, bandwidth=1000, study_area="Dacorum")
        o = saferstats.hotspot_count(x[test], y[test], grid=g, study_area="Dacorum")
    return g, o


def test_pai_of_grid_columns_is_scored_over_the_study_area(shared_data):
    g, o = _grids(shared_data)
    ref = REF["pai"]
    assert (g.x0, g.y0, g.ncols, g.nrows, g.cell_size) == tuple(ref["grid"][k] for k in ("x0", "y0", "ncols", "nrows",
                                                                                          "cell_size"))
    by_grid = saferstats.pai(o, g)
    for observed, predicted in ((o.cells["count"], g.cells["kde"]), (o.to_pandas()["count"], g.cells["kde"]),
                                (o.cells["count"], g)):
        t = saferstats.pai(observed, predicted)
        pd.testing.assert_frame_equal(t, by_grid)
        assert t.attrs["cells_outside_study_area"] == by_grid.attrs["cells_outside_study_area"]
    at = by_grid[by_grid.coverage <= 0.05].iloc[-1]
    sa = ref["study_area"]
    # the reference puts cells in Dacorum with the published ONS boundary (saferstats bundles its own
    # generalisation of the same boundary): within 2% of the cells
    assert abs(len(by_grid) - sa["cells"]) <= 0.02 * sa["cells"]
    assert at["hit_rate"] == pytest.approx(sa["hit_rate"], abs=0.02)
    assert at["pai"] == pytest.approx(sa["pai"], rel=0.03)
    # an array carries no grid: scored over every cell given, as documented
    box = saferstats.pai(o.values, g.values)
    at_box = box[box.coverage <= 0.05].iloc[-1]
    assert len(box) == ref["bounding_box"]["cells"]
    assert at_box["pai"] == pytest.approx(ref["bounding_box"]["pai"], rel=0.03)
    assert at_box["pai"] > 1.5 * at["pai"]


def test_grid_columns_filtered_reordered_or_of_another_grid(shared_data):
    g, o = _grids(shared_data)
    inside = g.cells["in_study_area"].to_numpy() | (o.values > 0)
    # a column already filtered to the area is scored as given (the same table)
    t = saferstats.pai(o.cells["count"][inside].reset_index(drop=True), g.cells["kde"][inside].reset_index(drop=True))
    np.testing.assert_allclose(t["pai"].to_numpy(), saferstats.pai(o, g)["pai"].to_numpy())
    # a reordered column is no longer the grid's cells in order: no study area applied to it
    shuffled = g.cells.sort_values("kde")["kde"]
    assert "cells_outside_study_area" not in saferstats.pai(o.cells["count"][shuffled.index].reset_index(drop=True),
                                                             shuffled.reset_index(drop=True)).attrs
    # a column of another grid is refused, as the grid itself is
    other = saferstats.hotspot_grid([500000, 510000], [200000, 210000], cell_size=500)
    other = saferstats.hotspot_count([500100], [200100], grid=other)
    with pytest.raises(saferstats.SaferstatsError):
        saferstats.pai(other.cells["count"].iloc[: len(o.cells)].reset_index(drop=True), g.cells["kde"])
    with pytest.raises(saferstats.InvalidInputError, match="different grid"):
        saferstats.pai(o.cells["count"], saferstats.hotspot_kde([490000], [200000], cell_size=500,
                                                                bounds=(486509.38, 486509.38 + 47 * 500 - 1,
                                                                        198950.0, 198950.0 + 40 * 500 - 1),
                                                                bandwidth=1000).cells["kde"])


def test_concentration_of_a_grid_column_counts_the_area_cells(shared_data):
    g, o = _grids(shared_data)
    a, b = saferstats.concentration(o), saferstats.concentration(o.cells["count"])
    assert (a.gini, a.places) == (b.gini, b.places)
    keep = o.cells["in_study_area"].to_numpy()
    counts = o.values[keep]
    n = len(counts)
    gini = np.abs(counts[:, None] - counts[None, :]).sum() / (2 * n * n * counts.mean())   # mean difference
    assert b.places == n and b.gini == pytest.approx(gini, rel=1e-12)


def test_cluster_summary_counts_locations_and_warns_about_single_map_points(shared_data):
    _, lat, lon = street_latlon(herts_street_files(shared_data), "Anti-social behaviour")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        lab = saferstats.dbscan(lat, lon, eps_m=100, min_samples=10, study_area="Dacorum")
    with pytest.warns(SaferstatsWarning, match=r"39 of 98 clusters are one location each"):
        t = saferstats.cluster_summary(lat, lon, lab)
    ref = REF["dbscan"]
    # the reference clusters Dacorum's points as the published ONS boundary places them; the bundled
    # outline differs at a few edge points, none of them in a cluster
    assert len(t) == len(ref["sizes"])
    assert t["n"].tolist() == ref["sizes"] and t["locations"].tolist() == ref["locations"]
    assert t.attrs["single_location_clusters"] == ref["single_location_clusters"] == 39
    one = t[t["locations"] == 1]
    assert (one["area_m2"] == 0).all() and (one["radius_m"] == 0).all()
    feats = json.loads(t.to_geojson())["features"]
    assert [f["properties"]["locations"] for f in feats] == ref["locations"]
    assert {f["properties"]["outline"] for f, k in zip(feats, ref["locations"]) if k == 1} == {"marker"}


def test_cluster_months_are_written_as_months(shared_data):
    # police.uk months read with pd.to_datetime are the 1st of the month: the GeoJSON said
    # "last_time": "2021-10-01T00:00:00", a date nobody knows
    month, lat, lon = street_latlon(herts_street_files(shared_data), "Anti-social behaviour")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        lab = saferstats.dbscan(lat, lon, eps_m=100, min_samples=10, study_area="Dacorum")
        t = saferstats.cluster_summary(lat, lon, lab, times=pd.to_datetime(pd.Series(month)))
    assert t.attrs["times_are_months"] is True
    ref = pd.DataFrame({"lab": lab, "month": month})[lab >= 0].groupby("lab")["month"].agg(["min", "max"])
    props = [f["properties"] for f in json.loads(t.to_geojson())["features"]]
    assert [p["first_time"] for p in props] == ref["min"].tolist()
    assert [p["last_time"] for p in props] == ref["max"].tolist()
    assert (t["first_time"].dt.strftime("%Y-%m") == ref["min"].to_numpy()).all()   # the table keeps datetimes
    # real dates stay ISO 8601
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        d = saferstats.cluster_summary([51.5, 51.5001, 51.5], [0.0, 0.0, 0.0001], [0, 0, 0],
                                       times=pd.to_datetime(pd.Series(["2021-10-01", "2021-10-03", "2021-11-01"])))
    assert d.attrs["times_are_months"] is False
    with pytest.warns(SaferstatsWarning, match="fewer than 5 points"):
        text = d.to_geojson()
    assert json.loads(text)["features"][0]["properties"]["last_time"] == "2021-11-01T00:00:00"


def test_cluster_locations_on_a_small_example():
    # two clusters: one of 3 points at one location, one of 4 points at 2 locations; -0.0 is 0.0
    lat = [51.5, 51.5, 51.5, 51.6, 51.6, 51.6001, 51.6001, 51.7]
    lon = [0.0, -0.0, 0.0, -0.1, -0.1, -0.1, -0.1, 0.2]
    lab = [0, 0, 0, 1, 1, 1, 1, -1]
    with pytest.warns(SaferstatsWarning, match=r"1 of 2 clusters is one location \(labels \[0\]\)"):
        t = saferstats.cluster_summary(lat, lon, lab)
    assert t["locations"].tolist() == [1, 2] and t["radius_m"].iloc[0] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = saferstats.cluster_summary([51.5, 51.5001, 51.5], [0.0, 0.0, 0.0001], [0, 0, 0])
    assert t["locations"].tolist() == [3] and t.attrs["single_location_clusters"] == 0


def _classic_risk(cx, cy, cell, ex, ey, age):
    """open_cp ClassicWeight / DistanceDiagonalsSame with the default bandwidths (8 cells, 8 units)."""
    d = np.maximum(np.abs(np.floor(ex[None, :] / cell) - np.floor(cx[:, None] / cell)),
                   np.abs(np.floor(ey[None, :] / cell) - np.floor(cy[:, None] / cell)))
    w = np.where((d < 8) & (age[None, :] < 8), 1 / ((1 + d) * (1 + age[None, :])), 0)
    return w.sum(axis=1)


def test_prospective_warns_when_the_predicted_month_is_in_the_map():
    # police.uk months read as the 1st: predicting December 1 uses December's own events (age 0)
    ex = np.array([50.0, 150.0, 250.0, 150.0])
    ey = np.array([50.0, 50.0, 50.0, 50.0])
    t = pd.to_datetime(pd.Series(["2021-10-01", "2021-11-01", "2021-12-01", "2021-12-01"]))
    kw = dict(cell_size=100, bounds=(0, 399, 0, 99), time_unit=30)
    with pytest.warns(SaferstatsWarning, match=r"2 events are dated at predict_time itself \(police.uk months read "
                                                r"as the 1st of the month"):
        g = saferstats.prospective_hotspots(ex, ey, t, predict_time="2021-12-01", **kw)
    cx, cy = g.cells["x"].to_numpy(), g.cells["y"].to_numpy()
    age = np.floor((pd.Timestamp("2021-12-01") - t).dt.days.to_numpy() / 30)
    np.testing.assert_allclose(g.cells["risk"].to_numpy(), _classic_risk(cx, cy, 100, ex, ey, age), rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)   # the fixes: no warning, December left out
        a = saferstats.prospective_hotspots(ex, ey, t, predict_time="2021-12-01", cutoff_time="2021-11-30", **kw)
        b = saferstats.prospective_hotspots(ex, ey, t + pd.Timedelta(days=14), predict_time="2021-12-01", **kw)
    past = (t < "2021-12-01").to_numpy()
    np.testing.assert_allclose(a.cells["risk"].to_numpy(), _classic_risk(cx, cy, 100, ex[past], ey[past], age[past]))
    assert (b.cells["risk"].to_numpy() > 0).sum() == (a.cells["risk"].to_numpy() > 0).sum()
    # numbers: the message has no month wording
    with pytest.warns(SaferstatsWarning, match=r"1 event is dated at predict_time itself and"):
        saferstats.prospective_hotspots([50.0, 150.0], [50.0, 50.0], [0.0, 7.0], predict_time=7.0, cell_size=100,
                                        bounds=(0, 199, 0, 99))


def test_grid_cells_still_write_to_parquet_and_keep_their_study_area(tmp_path):
    # pandas writes attrs into parquet as JSON: the grid's mark must be plain JSON
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(10)
    x, y = 524000 + rng.normal(0, 900, 400), 224500 + rng.normal(0, 900, 400)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_kde(x[:200], y[:200], cell_size=250, bandwidth=700, study_area="Stevenage")
        o = saferstats.hotspot_count(x[200:], y[200:], grid=g, study_area="Stevenage")
    g.to_pandas().to_parquet(tmp_path / "g.parquet")
    o.to_pandas().to_parquet(tmp_path / "o.parquet")
    back_g, back_o = pd.read_parquet(tmp_path / "g.parquet"), pd.read_parquet(tmp_path / "o.parquet")
    want = saferstats.pai(o, g)
    pd.testing.assert_frame_equal(saferstats.pai(back_o["count"], back_g["kde"]), want)
    # the reference: ptools' PAI over the cells in Stevenage or holding an event, with numpy
    keep = g.cells["in_study_area"].to_numpy() | o.cells["in_study_area"].to_numpy() | (o.values > 0)
    obs, pred = o.values[keep], g.values[keep]
    order = np.lexsort((obs, -pred))
    np.testing.assert_allclose(want["hit_rate"].to_numpy(), np.cumsum(obs[order]) / obs.sum())
    assert want.attrs["cells_outside_study_area"] == int((~keep).sum())


def test_concentration_over_published_lsoa_counts_needs_the_empty_lsoas(shared_data):
    # the figures in concentration's docstring and hotspot_intelligence.md: FixMyStreet lists only
    # LSOAs with reports; Dacorum's 94 LSOAs 2011 from the ONS lookups (not the range
    # E01023345-E01023438 used until w46a: East Hertfordshire's E01023438 in, E01033022/3 out)
    with open(shared_data / "fly_tipping" / "fixmystreet_LSOA_yearly" / "2019.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = sorted(dacorum_lsoa11(shared_data))
    listed = {r["lsoa"]: float(r["reports"]) for r in rows if r["SHEF_A_CODE"] == "A29" and r["lsoa"] in set(codes)}
    full = np.array([listed.get(c, 0.0) for c in codes])

    def gini(x):  # mean difference (R ineq::Gini)
        return np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())

    few, every = saferstats.concentration(list(listed.values())), saferstats.concentration(full)
    assert (len(listed), full.sum(), len(full)) == (46, 154, 94)
    assert few.gini == pytest.approx(gini(np.array(list(listed.values()))), rel=1e-12) and round(few.gini, 2) == 0.50
    assert every.gini == pytest.approx(gini(full), rel=1e-12) and round(every.gini, 2) == 0.76
    assert round(few.share_of_events(0.05), 2) == 0.23 and round(every.share_of_events(0.05), 3) == 0.385


def test_hdbscan_clusters_depend_on_the_points_given(shared_data):
    # scikit-learn (fixture) on the points the published ONS boundaries put in Hertfordshire and in
    # Three Rivers: the same counts from saferstats on the same points
    shapely = pytest.importorskip("shapely")
    from shapely.geometry import shape

    ref = REF["hdbscan_three_rivers"]
    lat, lon = [], []
    for f in sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv")):
        with open(f, newline="") as fh:
            for r in csv.DictReader(fh):
                if r["Crime type"] == "Anti-social behaviour" and r["Latitude"] and "2021-10" <= r["Month"] <= "2021-12":
                    lat.append(float(r["Latitude"])), lon.append(float(r["Longitude"]))
    lat, lon = np.array(lat), np.array(lon)
    pfa = json.loads((shared_data / "boundaries" / "boundaries_pfa20.geojson").read_text())
    ltla = json.loads((shared_data / "boundaries" / "boundaries_ltla24.geojson").read_text())
    herts = next(shape(f["geometry"]) for f in pfa["features"] if f["properties"]["pfa20_code"] == "E23000027")
    tr = next(shape(f["geometry"]) for f in ltla["features"] if f["properties"]["ltla24_code"] == "E07000102")
    all_lat, all_lon = lat, lon
    keep = shapely.contains_xy(herts, lon, lat)
    lat, lon = lat[keep], lon[keep]
    in_tr = shapely.contains_xy(tr, lon, lat)
    force = saferstats.hdbscan(lat, lon, min_cluster_size=15)
    alone = saferstats.hdbscan(lat[in_tr], lon[in_tr], min_cluster_size=15)
    assert int(in_tr.sum()) == ref["three_rivers_points"]
    assert int((force[in_tr] >= 0).sum()) == ref["clustered_within_force"]
    assert int((alone >= 0).sum()) == ref["clustered_alone"]
    # the docs' figures, with the bundled boundaries (study_area)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        a = saferstats.hdbscan(all_lat, all_lon, min_cluster_size=15, study_area="Three Rivers")
        f = saferstats.hdbscan(all_lat, all_lon, min_cluster_size=15, study_area="Hertfordshire")
    ins = saferstats.StudyArea("Three Rivers").contains(all_lat, all_lon)
    # 170 within the force since session 31 (171 with numpy's default sort of tied MST edges on the
    # machine that wrote the docs): scikit-learn with the stable sort gives 282, 258, 170 on these points
    assert (int(ins.sum()), int((a >= 0).sum()), int((f[ins] >= 0).sum())) == (282, 258, 170)
    # DBSCAN's clusters are local: the same either way (hotspots.md C2)
    for area, n in (("Three Rivers", 30), ("Watford", 282), ("Hertsmere", 130)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SaferstatsWarning)
            own = saferstats.dbscan(all_lat, all_lon, eps_m=150, min_samples=10, study_area=area)
            force = saferstats.dbscan(all_lat, all_lon, eps_m=150, min_samples=10, study_area="Hertfordshire")
        inside = saferstats.StudyArea(area).contains(all_lat, all_lon)
        assert int((own[inside] >= 0).sum()) == int((force[inside] >= 0).sum()) == n
