"""prospective_hotspots and hotspot_change over a study area scored the cells of the area's bounding
box beyond its edge: Stevenage ASB (police.uk, Hertfordshire), 250 m cells, Oct-Dec 2021 events
predicting January 2022: 262 of the 275 cells outside the district had a risk > 0 (the district's
own events spread over the edge; the neighbours' events were left out), and hotspot_change gave
the outside cells a change of 0 with p = 1 ("no change"), where nothing was measured. Now those
cells have no value (NaN), as hotspot_classify's "outside study area".

Checked against cells whose centre shapely puts inside the published ONS boundary (pyproj to
lon/lat) and against the risk and counts recomputed here with numpy (open_cp's classic weights)."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points, stevenage_dual_kde


@pytest.fixture(scope="module")
def stevenage(shared_data):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    return month, x, y


def _inside_published_boundary(shared_data, cx, cy):
    shapely = pytest.importorskip("shapely")
    pyproj = pytest.importorskip("pyproj")
    from shapely.geometry import shape

    gj = json.loads((shared_data / "boundaries" / "boundaries_ltla24.geojson").read_text())
    poly = next(shape(f["geometry"]) for f in gj["features"] if f["properties"]["ltla24_name"] == "Stevenage")
    lon, lat = pyproj.Transformer.from_crs(27700, 4326, always_xy=True).transform(cx, cy)
    return shapely.contains_xy(poly, lon, lat)


def test_prospective_risk_only_inside_the_study_area(stevenage, shared_data):
    month, x, y = stevenage
    use = np.isin(month, ["2021-10", "2021-11", "2021-12"])
    t = pd.to_datetime(pd.Series(month[use]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)  # points outside Stevenage, counted
        g = saferstats.prospective_hotspots(x[use], y[use], t, predict_time=pd.Timestamp("2022-01-01"),
                                            time_unit=30, time_bandwidth=3, cell_size=250, study_area="Stevenage")
    cells = g.cells
    blank = cells["risk"].isna().to_numpy()
    np.testing.assert_array_equal(blank, ~cells["in_study_area"].to_numpy())
    assert blank.sum() > 0.3 * len(cells)
    # independent: open_cp classic weights over the Stevenage points (numpy), at the cells kept
    area = saferstats.StudyArea("Stevenage")
    inside = np.asarray(area.contains_xy(x[use], y[use]), dtype=bool)
    px, py, pt = x[use][inside], y[use][inside], t[inside]
    age = np.floor(((pd.Timestamp("2022-01-01") - pt) / pd.Timedelta(days=1)).to_numpy() / 30)
    ix = np.floor((px - g.x0) / 250)
    iy = np.floor((py - g.y0) / 250)
    cx = np.floor((cells["x"].to_numpy() - g.x0) / 250)[:, None]
    cy = np.floor((cells["y"].to_numpy() - g.y0) / 250)[:, None]
    d = np.maximum(np.abs(cx - ix[None]), np.abs(cy - iy[None]))
    w = np.where((d < 8) & (age[None] < 3), 1 / ((1 + d) * (1 + age[None])), 0).sum(axis=1)
    np.testing.assert_allclose(cells["risk"].to_numpy()[~blank], w[~blank], rtol=1e-9)
    # the blank cells are those whose centre is outside the published boundary (a coarse outline:
    # a few cells at the edge differ)
    out_pub = ~_inside_published_boundary(shared_data, cells["x"].to_numpy(), cells["y"].to_numpy())
    assert abs(int(blank.sum()) - int(out_pub.sum())) <= 0.1 * out_pub.sum()
    assert "have no value" in repr(g)


def test_change_only_inside_the_study_area(stevenage, shared_data):
    month, x, y = stevenage
    before = np.isin(month, ["2021-01", "2021-02", "2021-03"])
    after = np.isin(month, ["2021-10", "2021-11", "2021-12"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_change(x[before], y[before], x[after], y[after], cell_size=500,
                                      study_area="Stevenage")
    cells = g.cells
    out = ~cells["in_study_area"].to_numpy()
    for c in ("change", "ratio", "p_value", "p_adjusted"):
        assert np.isnan(cells[c].to_numpy()[out]).all(), c
    assert np.isfinite(cells["change"].to_numpy()[~out]).all()
    # counts by hand (numpy floor over the points StudyArea keeps)
    area = saferstats.StudyArea("Stevenage")
    for sel, col in ((before, "count_before"), (after, "count_after")):
        px, py = x[sel], y[sel]
        k = np.asarray(area.contains_xy(px, py), dtype=bool)
        ix = np.floor((px[k] - g.x0) / 500).astype(int)
        iy = np.floor((py[k] - g.y0) / 500).astype(int)
        ref = np.zeros((g.nrows, g.ncols))
        np.add.at(ref, (iy, ix), 1)
        np.testing.assert_array_equal(cells[col].to_numpy(), ref.ravel())
    np.testing.assert_array_equal(cells["change"].to_numpy()[~out],
                                  (cells["count_after"] - cells["count_before"]).to_numpy()[~out])
    out_pub = ~_inside_published_boundary(shared_data, cells["x"].to_numpy(), cells["y"].to_numpy())
    assert abs(int(out.sum()) - int(out_pub.sum())) <= 0.1 * out_pub.sum()


def test_no_study_area_no_blank_cells():
    g = saferstats.hotspot_change([5.0] * 3, [5.0] * 3, [15.0], [5.0], cell_size=10, bounds=(0, 39, 0, 9))
    assert np.isfinite(g.cells["change"]).all() and "in_study_area" not in g.cells.columns
    p = saferstats.prospective_hotspots([5.0], [5.0], [1.0], predict_time=8.0, cell_size=10, bounds=(0, 39, 0, 9))
    assert np.isfinite(p.cells["risk"]).all()


def test_headline_counts_only_the_blank_cells_outside():
    """hotspot_dual_kde's ratio is NaN where the second density is 0, inside the area too: the
    headline must not call those "outside the study area"."""
    g = stevenage_dual_kde()
    v = g.cells["kde"].to_numpy()
    out = ~g.cells["in_study_area"].to_numpy()
    assert np.isnan(v[~out]).any()
    expected = int((np.isnan(v) & out).sum())
    assert (f"({expected:,} cells outside the study area have no value)" in repr(g)) == (expected > 0)
    assert f"{int(np.isnan(v).sum()):,} cells outside" not in repr(g)


def test_pai_of_a_prospective_map_names_observed_events_outside_the_area(stevenage):
    """Scoring the Stevenage prospective map on January 2022 events counted on its grid without
    study_area (2 events in cells outside the district, where the map now has no value) gave the
    core's "missing value (NaN) in `predicted` at position 88; pass missing="propagate"" (pai has
    no such argument, and 88 is no cell number). Now the error says what to do; counted over the
    area, PAI at 5% coverage equals ptools' definition computed here with numpy."""
    month, x, y = stevenage
    use = np.isin(month, ["2021-10", "2021-11", "2021-12"])
    jan = month == "2022-01"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        p = saferstats.prospective_hotspots(x[use], y[use], pd.to_datetime(pd.Series(month[use])),
                                            predict_time="2022-01-01", time_unit=30, time_bandwidth=3, cell_size=250,
                                            study_area="Stevenage")
        loose = saferstats.hotspot_count(x[jan], y[jan], grid=p)
        obs = saferstats.hotspot_count(x[jan], y[jan], grid=p, study_area="Stevenage")
    out = ~p.cells["in_study_area"].to_numpy()
    n_out = int(loose.cells["count"].to_numpy()[out].sum())
    assert n_out > 0
    # session 18 (w23b): events counted on the area's grid without the area, in its cells beyond the
    # edge, are left out with a warning saying so and how to count over the area (they were refused
    # here, where the map has no value, and scored as the area's where a KDE map has one)
    with pytest.warns(SaferstatsWarning, match=rf"holds {n_out} events? in .* beyond the study area's edge.*study_area"):
        t_loose = saferstats.pai(loose, p)
    assert not out[t_loose["cell"].to_numpy()].any()
    t = saferstats.pai(obs, p)
    o = obs.cells["count"].to_numpy()[~out]
    pr = p.cells["risk"].to_numpy()[~out]
    order = np.lexsort((o, -pr))
    hit = np.cumsum(o[order]) / o.sum()
    cov = np.arange(1, len(o) + 1) / len(o)
    k = int(np.searchsorted(cov, 0.05, side="right")) - 1
    row = t[t.coverage <= 0.05].iloc[-1]
    assert row["hit_rate"] == pytest.approx(hit[k]) and row["pai"] == pytest.approx(hit[k] / cov[k])


def test_pai_nan_in_plain_arrays_names_the_cell():
    with pytest.raises(saferstats.MissingValueError, match=r"`predicted` is missing \(NaN\) in 1 cell \(first: cell 2\)"):
        saferstats.pai([1, 0, 2, 0], [0.5, 0.1, np.nan, 0.2])
    with pytest.raises(saferstats.MissingValueError, match=r"`observed` is missing \(NaN\) in 1 cell \(first: cell 0\)"):
        saferstats.pai([np.nan, 0, 2, 0], [0.5, 0.1, 0.3, 0.2])
    with pytest.raises(saferstats.MissingValueError, match=r"`counts` is missing \(NaN\) in 1 place \(first at 1\)") as e:
        saferstats.concentration([1, np.nan, 2])
    assert "propagate" not in str(e.value)
