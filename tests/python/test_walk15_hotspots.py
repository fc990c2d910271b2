"""Session 15 walk-through of the hotspot functions as a new analyst (helper w15b).

Each test is one defect found: Knox silent on constant times/locations; errors naming positions
instead of the pandas row label and column (also the core's latitude-range errors); swapped
lat/lon missed by dbscan/hdbscan/cluster_summary unless every point was swapped; the Local
Moran headline ranking "strongest" by z while judging significance by p_sim; to_geodataframe
dropping a cluster table's attrs; one police.uk month not recognised as a month; three
formatters of police.uk months; notebook 03's grids stretched by one far point."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import CoordinateError, InvalidInputError, MissingValueError, SaferstatsWarning

from conftest import herts_asb_grid
from warning_capture import warning_messages

ROOT = Path(__file__).resolve().parents[2]
LAT = [51.5, 51.5003, 51.5001, 51.4998, 51.5002]
LON = [-0.12, -0.1201, -0.1196, -0.1204, -0.1199]


# ----------------------------------------------------------------------------- 1. Knox, constant times / places

def test_knox_warns_when_every_time_is_the_same_naming_the_column():
    t = pd.Series(pd.to_datetime(["2021-06-01"] * 6), name="Month")
    k, msgs = warning_messages(saferstats.knox, [0, 10, 50, 400, 410, 0], [0, 100, 50, 400, 400, 20], t,
                        distance_bands=[0, 200, np.inf], time_bands=[0, 8, np.inf], permutations=19, seed=1)
    hit = [m for m in msgs if "every event time" in m]
    assert len(hit) == 1 and "`t` (column 'Month')" in hit[0] and "(6 events)" in hit[0]
    assert "time bands are meaningless" in hit[0]
    # why it matters: every permuted table is the observed one
    assert (k["p_value"] == 1).all()


def test_knox_warns_when_every_location_is_the_same():
    _, msgs = warning_messages(saferstats.knox, [5.0] * 6, [7.0] * 6, [0, 3, 1, 2, 30, 40],
                        distance_bands=[0, 200, np.inf], time_bands=[0, 8, np.inf], permutations=19, seed=1)
    hit = [m for m in msgs if "same location" in m]
    assert len(hit) == 1 and "`x`/`y`" in hit[0] and "distance bands are meaningless" in hit[0]


def test_knox_with_varied_times_and_places_says_nothing_of_the_kind():
    _, msgs = warning_messages(saferstats.knox, [0, 10, 50, 400, 410, 0], [0, 100, 50, 400, 400, 20], [0, 3, 1, 2, 30, 40],
                        distance_bands=[0, 200, np.inf], time_bands=[0, 8, np.inf], permutations=19, seed=1)
    assert not [m for m in msgs if "meaningless" in m]


# ----------------------------------------------------------------------------- 2. rows by label, columns by name

def _frame():
    return pd.DataFrame({"Latitude": [51.5, 51.5003, np.nan, 95.0, 51.5002],
                         "Longitude": [-0.12, -0.1201, -0.1196, -0.12, -0.12]}, index=list("abcde"))


@pytest.mark.parametrize("call", [
    lambda d: saferstats.dbscan(d.Latitude, d.Longitude, eps_m=60, min_samples=2, missing="drop"),
    lambda d: saferstats.hdbscan(d.Latitude, d.Longitude, min_cluster_size=2, missing="drop"),
    lambda d: saferstats.to_bng(d.Latitude, d.Longitude, missing="propagate"),
    lambda d: saferstats.cluster_summary(d.Latitude, d.Longitude, pd.Series([0, 0, -2, 0, 0], index=d.index)),
], ids=["dbscan", "hdbscan", "to_bng", "cluster_summary"])
def test_core_latitude_error_names_row_label_and_column(call):
    # the core checks latitude and names its own position (3 among the located points); the row is 'd'
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        with pytest.raises(InvalidInputError) as e:
            call(_frame())
    assert str(e.value).startswith("invalid value in column 'Latitude' (keyword `lat`) at row 'd': 95 ")
    assert e.value.index == "d" and e.value.position == 3 and e.value.argument == "Latitude"


def test_core_latitude_error_without_labels_keeps_the_position():
    with pytest.raises(InvalidInputError, match=r"`lat` at position 1: 95") as e:
        saferstats.dbscan([51.5, 95.0], [0.0, 0.0], eps_m=5)
    assert e.value.position == 1


def test_python_side_errors_name_the_row_label():
    idx = ["r1", "r2", "r3"]
    cases = [
        (lambda: saferstats.to_bng(pd.Series([51.5, np.nan, 51.6], index=idx, name="Latitude"), [0.1, 0.1, 0.1]),
         MissingValueError, "first at row 'r2'", 1),
        (lambda: saferstats.to_local_metres(pd.Series([51.5, np.nan, 51.6], index=idx), [0.1, 0.1, 0.1]),
         MissingValueError, "`lat` has 1 missing value (first at row 'r2')", 1),
        (lambda: saferstats.hotspot_count([1.0, 2, 3], [1.0, 2, 3], cell_size=1,
                                          weights=pd.Series([1, -1, 1], index=idx, name="w")),
         InvalidInputError, "invalid value in `weights` (column 'w') at row 'r2': -1", 1),
        (lambda: saferstats.hotspot_classify([1.0, 2, 3], [1.0, 2, 3], pd.Series(["a", None, "b"], index=idx),
                                             cell_size=1),
         InvalidInputError, "`period` is missing at row 'r2'", 1),
        (lambda: saferstats.knox([0.0, 1, 2], [0.0, 1, 2], pd.Series(pd.to_datetime(["2021-01-01", None, "2021-02-01"]),
                                                                     index=idx),
                                 distance_bands=[0, 1, np.inf], time_bands=[0, 1, np.inf]),
         MissingValueError, "`t` has 1 missing time (first at row 'r2')", 1),
        (lambda: saferstats.Weights.from_adjacency(pd.Series([0, 1, 7], index=idx), [1, 0, 0], n=3),
         InvalidInputError, "`focal` at row 'r3': unit 7 is outside the 3 units", 2),
        (lambda: saferstats.Weights.from_adjacency([0, 1, 2], pd.Series([1, 0.5, 0], index=idx), n=3),
         InvalidInputError, "`neighbor` at row 'r2': 0.5 is not a unit index", 1),
        (lambda: saferstats.local_moran(pd.Series([1.0, np.nan, 2, 3], index=["a", "b", "c", "d"]),
                                        saferstats.Weights.lattice(2, 2)),
         MissingValueError, "`values` has a missing value at row 'b'", 1),
        (lambda: saferstats.cluster_summary(pd.Series([51.5, 51.5], index=idx[:2]), [0.1, 0.1],
                                            pd.Series([0, 0.5], index=idx[:2])),
         InvalidInputError, "`labels` at row 'r2': 0.5 is not a cluster label", 1),
        (lambda: saferstats.cluster_summary(pd.Series([51.5, np.nan], index=idx[:2]), [0.1, 0.1], [0, 0]),
         MissingValueError, "the point at row 'r2' has no coordinates but cluster label 0", 1),
    ]
    for call, cls, text, pos in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SaferstatsWarning)
            with pytest.raises(cls) as e:
                call()
        assert text in str(e.value), (text, str(e.value))
        label = re.search(r"row '(\w+)'", text).group(1)
        assert e.value.index == label and e.value.position == pos, (text, e.value.index, e.value.position)


def test_dropped_points_warning_names_the_row_label():
    lat = pd.Series([51.5, np.nan, 51.5003, 51.5001], index=[100, 200, 300, 400])
    _, msgs = warning_messages(saferstats.dbscan, lat, [-0.12, -0.12, -0.1201, -0.1196], eps_m=60, min_samples=2,
                        missing="drop")
    assert any("1 of 4 points has missing coordinates and is left out (label -2; first at row 200)" in m
               for m in msgs)


def _mostly_swapped():
    lat = np.array(LAT * 4)
    lon = np.array(LON * 4)
    a, b = lat.copy(), lon.copy()
    a[:12], b[:12] = lon[:12], lat[:12]  # 12 of 20 points given (lon, lat)
    return pd.Series(a, index=[f"p{i}" for i in range(20)]), pd.Series(b, index=[f"p{i}" for i in range(20)])


@pytest.mark.parametrize("call", [
    lambda a, b: saferstats.dbscan(a, b, eps_m=60, min_samples=2),
    lambda a, b: saferstats.hdbscan(a, b, min_cluster_size=2),
    lambda a, b: saferstats.cluster_summary(a, b, np.zeros(len(a), int)),
], ids=["dbscan", "hdbscan", "cluster_summary"])
def test_mostly_swapped_latlon_is_found_by_the_same_check_as_assign_area(call):
    a, b = _mostly_swapped()
    with pytest.raises(CoordinateError) as ref:
        saferstats.assign_area(a, b)  # the one check: 12 of 20 look swapped
    assert "12 of 20 points" in str(ref.value)
    with pytest.raises(CoordinateError, match="look swapped") as e:  # session 26 (w41a): refused, was a warning
        call(a, b)
    hit = [str(e.value)]
    assert len(hit) == 1 and "12 of 20 points" in hit[0] and "(row 'p0': lat=-0.12, lon=51.5)" in hit[0]
    assert "latitude and longitude swapped" in hit[0] and e.value.index == "p0" and e.value.argument == "lat"


def test_right_way_round_is_not_called_swapped():
    lat, lon = pd.Series(LAT * 4), pd.Series(LON * 4)
    _, msgs = warning_messages(saferstats.dbscan, lat, lon, eps_m=60, min_samples=2)
    assert not [m for m in msgs if "swapped" in m]


# ----------------------------------------------------------------------------- 3. Local Moran headline

def test_local_moran_strongest_ranked_by_the_p_that_labels_it(shared_data):
    """Hertfordshire ASB, June 2021, 1 km cells in the force (queen): the headline used to name cell
    487 (p_sim 0.004) among the three strongest while 52 significant cells have p_sim 0.001."""
    counts, cx, cy, centre, _ = herts_asb_grid(shared_data / "street_crime" / "2021-06-hertfordshire-street.csv")
    w = saferstats.Weights.lattice(*counts.shape, contiguity="queen", mask=centre)
    v = counts[centre].astype(float)
    r = saferstats.local_moran(v, w, permutations=999, seed=7)
    # the statistic itself against an independent numpy Local Moran (esda scaling, row-standardised queen)
    X, Y = np.meshgrid(cx, cy)
    px, py = X[centre], Y[centre]
    near = (np.abs(px[:, None] - px[None, :]) <= 1010) & (np.abs(py[:, None] - py[None, :]) <= 1010)
    np.fill_diagonal(near, False)
    k = near.sum(axis=1)
    z = v - v.mean()
    lag = np.where(k > 0, (near @ z) / np.maximum(k, 1), 0.0)
    np.testing.assert_allclose(r.i, (len(v) - 1) * z * lag / (z**2).sum(), rtol=1e-10, atol=1e-12)
    sig = np.flatnonzero(r.label != "Not significant")
    assert (r.label[sig] != "Not significant").all() and (r.p_sim[sig] < 0.05).all()
    named = [int(c) for c in re.findall(r"cell (\d+) \(row \d+, col \d+; p_sim [\d.]+\)", r.headline())]
    assert len(named) == 3
    pos = [int(np.flatnonzero(r.cells == c)[0]) for c in named]
    best = r.p_sim[sig].min()
    assert all(r.p_sim[p] == best for p in pos)  # no unit left out is more significant than one named
    ties = sig[r.p_sim[sig] == best]
    assert sorted(np.abs(r.z[pos]), reverse=True) == sorted(np.abs(r.z[ties]), reverse=True)[:3]  # ties by |z|
    assert "strongest: cell" in repr(r) and "(by p_sim)" in r._repr_html_()


def test_local_moran_without_permutations_ranks_by_p_norm_and_gi_by_z():
    w = saferstats.Weights.distance_band([10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15)
    r = saferstats.local_moran([2, 3, 3.2, 5, 8, 7], w, permutations=0, alpha=0.5)
    sig = np.flatnonzero(r.label != "Not significant")
    first = int(re.search(r"strongest: unit (\d+) \(p_norm", r.headline()).group(1))
    assert r.p_norm[first] == r.p_norm[sig].min()
    g = saferstats.gi_star([2, 3, 3.2, 5, 8, 7], w, permutations=0)
    assert "strongest: unit 5 (z 2.02)" in g.headline()


# ----------------------------------------------------------------------------- 4. to_geodataframe keeps attrs

def test_to_geodataframe_keeps_the_cluster_tables_attrs():
    pytest.importorskip("geopandas")
    t = saferstats.cluster_summary(LAT, LON, [0, 0, 0, 0, -1], times=["2021-06"] * 5)
    gdf = saferstats.geo.to_geodataframe(t)
    for k in ("noise_points", "times_are_months", "single_location_clusters", "unclustered_in_area"):
        assert gdf.attrs[k] == t.attrs[k]
    assert gdf.attrs["noise_points"] == 1 and gdf.attrs["times_are_months"] is True
    gdf.attrs["noise_points"] = 99  # a copy, not the table's own
    assert t.attrs["noise_points"] == 1


# ----------------------------------------------------------------------------- 5./6. police.uk months

@pytest.mark.parametrize("times", [
    ["2021-06"] * 5,
    pd.Series(["2021-06", " 2021-06", None, "2021-06", "2021-06"]),
    pd.PeriodIndex(["2021-06"] * 5, freq="M"),
    pd.Series(pd.PeriodIndex(["2021-06"] * 5, freq="M")),
], ids=["text", "text-missing", "PeriodIndex", "Period-series"])
def test_one_police_uk_month_is_a_month(times):
    t = saferstats.cluster_summary(LAT, LON, [0] * 5, times=times)
    assert t.attrs["times_are_months"] is True
    assert t["first_time"].iloc[0] == pd.Timestamp("2021-06-01") == t["last_time"].iloc[0]
    assert t.month_labels().to_dict("records") == [{"first_time": "2021-06", "last_time": "2021-06"}]
    assert t.month_labels("name").to_dict("records") == [{"first_time": "Jun 2021", "last_time": "Jun 2021"}]
    props = json.loads(t.to_geojson())["features"][0]["properties"]
    assert (props["first_time"], props["last_time"]) == ("2021-06", "2021-06")


def test_one_first_of_the_month_as_a_datetime_is_still_a_date():
    t = saferstats.cluster_summary(LAT, LON, [0] * 5, times=pd.to_datetime(["2021-06-01"] * 5))
    assert t.attrs["times_are_months"] is False
    with pytest.raises(InvalidInputError, match="not police.uk months"):
        t.month_labels()
    assert json.loads(t.to_geojson())["features"][0]["properties"]["first_time"] == "2021-06-01T00:00:00"


def test_daily_periods_are_dates_not_months():
    t = saferstats.cluster_summary(LAT, LON, [0] * 5, times=pd.period_range("2021-06-03", periods=5, freq="D"))
    assert t.attrs["times_are_months"] is False and t["last_time"].iloc[0] == pd.Timestamp("2021-06-07")


def test_month_labels_keep_the_index_of_a_sorted_or_filtered_table():
    lat = LAT + [51.6, 51.6003, 51.6001]
    lon = LON + [-0.2, -0.2001, -0.1996]
    t = saferstats.cluster_summary(lat, lon, [0] * 5 + [1] * 3,
                                   times=["2021-03", "2021-06", "2021-06", "2021-04", "2021-05", "2021-01", "2021-02",
                                          None])
    s = t.sort_values("n")
    lab = s.month_labels("name")
    assert list(lab.index) == list(s.index)
    assert lab.loc[s.index[0]].tolist() == ["Jan 2021", "Feb 2021"] and lab.loc[s.index[1]].tolist() == ["Mar 2021",
                                                                                                        "Jun 2021"]
    with pytest.raises(InvalidInputError, match="unknown style"):
        t.month_labels("long")


def test_the_three_month_writers_call_month_labels():
    """The GeoJSON, the CLI's CSV and the report format police.uk months in one place."""
    import inspect

    from saferstats import __main__ as cli
    from saferstats.hotspot.clusters import ClusterTable
    from saferstats.report import sections

    for src in (inspect.getsource(ClusterTable.to_geojson), inspect.getsource(cli), inspect.getsource(sections)):
        assert "month_labels(" in src
        assert 'strftime("%Y-%m")' not in src and 'strftime("%b %Y")' not in src


# ----------------------------------------------------------------------------- 7. notebook 03

def test_notebook_03_grids_cover_the_study_area():
    nb = json.loads((ROOT / "notebooks" / "03_flytipping_hotspots.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "kde_grid(e, n, cell_size=250, study_area=herts)" in code
    assert "grid_counts(e, n, cell_size=1000, study_area=herts)" in code
    assert "mask=mask" in code and "gi_star(counts[mask], w" in code
    assert "75% of its cells" not in text and "`study_area=` Hertfordshire" in text
    gen = (ROOT / "notebooks" / "make_notebooks.py").read_text()
    assert "kde_grid(e, n, cell_size=250, study_area=herts)" in gen and "75% of its cells" not in gen


def test_notebook_03_study_area_grid_is_not_stretched(shared_data):
    asb = saferstats.datasets.hertfordshire_asb()
    e, n = saferstats.to_bng(asb.lat, asb.lon)
    _, msgs = warning_messages(saferstats.grid_counts, e, n, cell_size=1000)
    assert any("stretch the grid" in m for m in msgs)  # over the points: one far report stretches it
    (counts, cx, cy), msgs = warning_messages(saferstats.grid_counts, e, n, cell_size=1000, study_area="Hertfordshire")
    assert not any("stretch the grid" in m for m in msgs)
    b = saferstats.StudyArea("Hertfordshire").bounds
    assert cx.min() - 500 <= b[0] + 1e-6 and cx.max() + 500 >= b[1] - 1e-6 and cx.max() - cx.min() < b[1] - b[0] + 1000


def test_grid_counts_off_grid_point_is_named_by_its_row_label():
    x = pd.Series([1.0, 2.0, 250.0], index=["a", "b", "c"])
    with pytest.raises(InvalidInputError, match=r"1 of 3 points lie outside the grid .* \(first at row 'c'\)") as e:
        saferstats.grid_counts(x, [1.0, 2.0, 3.0], cell_size=10, bounds=(0, 20, 0, 10), outside="error")
    assert e.value.index == "c" and e.value.position == 2
    _, msgs = warning_messages(saferstats.grid_counts, x, [1.0, 2.0, 3.0], cell_size=10, bounds=(0, 20, 0, 10))
    assert any("(first at row 'c')" in m for m in msgs)
