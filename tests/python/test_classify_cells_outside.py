"""hotspot_classify(..., study_area="Hertfordshire") classified over a grid on the force's bounding
box: more than half its cells are outside the force, zeros in every month, which lowered the mean
every Gi* was compared with, so that more cells read as hot spots (walk-through 2 item 14;
walk-through 3 only warned). Now only the force's cells are classified, each with its neighbours
among them. Checked against Getis and Ord's Gi* computed with numpy over the cells that shapely +
pyproj put inside the ONS force boundary (or that hold points), scipy's normal p and Holm over
each cell's periods from statsmodels."""

import json
import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import gi_star_z_reference, herts_street_points


@pytest.fixture(scope="module")
def asb(shared_data):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    return x, y, month


@pytest.fixture(scope="module")
def classified(asb):
    x, y, month = asb
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)  # points outside the force, counted
        return saferstats.hotspot_classify(x, y, month, cell_size=1000, permutations=0, study_area="Hertfordshire")


def test_only_the_forces_cells_are_classified(classified, shared_data):
    shapely = pytest.importorskip("shapely")
    pyproj = pytest.importorskip("pyproj")
    stats = pytest.importorskip("scipy.stats")
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    from shapely.geometry import shape

    r = classified
    gj = json.loads((shared_data / "boundaries" / "boundaries_pfa20.geojson").read_text())
    herts = next(shape(f["geometry"]) for f in gj["features"] if f["properties"]["pfa20_code"] == "E23000027")
    cx, cy = r.cells["x"].to_numpy(), r.cells["y"].to_numpy()
    lon, lat = pyproj.Transformer.from_crs(27700, 4326, always_xy=True).transform(cx, cy)
    per = r.periods.sort_values(["cell", "period"])
    held = per.groupby("cell")["count"].sum().reindex(r.cells["cell"]).to_numpy() > 0
    keep = shapely.contains_xy(herts, lon, lat) | held
    got_out = (r.cells["hotspot_category"] == "outside study area").to_numpy()
    assert abs(int(got_out.sum()) - int((~keep).sum())) <= 0.005 * len(keep)  # boundary generalisation
    assert got_out.sum() > len(keep) / 2
    used = ~got_out
    assert per.loc[per["cell"].isin(np.flatnonzero(got_out)), "z"].isna().all()
    assert (r.cells.loc[got_out, ["hot_periods", "cold_periods"]] == 0).all().all()
    z = per.pivot(index="cell", columns="period", values="z").to_numpy()
    p = per.pivot(index="cell", columns="period", values="p_value").to_numpy()
    padj = per.pivot(index="cell", columns="period", values="p_adjusted").to_numpy()
    counts = per.pivot(index="cell", columns="period", values="count").to_numpy()
    for t in range(counts.shape[1]):
        want = gi_star_z_reference(counts[used, t], cx[used], cy[used], 1000.0)
        np.testing.assert_allclose(z[used, t], want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(p[used], 2 * stats.norm.sf(np.abs(z[used])), rtol=1e-9, atol=1e-300)
    for i in np.flatnonzero(used)[::97]:
        np.testing.assert_allclose(padj[i], multitest.multipletests(p[i], method="holm")[1], rtol=1e-9)
    assert "outside it not classified" in repr(r)


def test_fewer_hot_spots_than_over_the_bounding_box(classified, asb):
    x, y, month = asb
    import dataclasses

    assert "in_study_area" in classified.grid.cells.columns  # the grid carries its study area
    g = dataclasses.replace(classified.grid, cells=classified.grid.cells.drop(columns="in_study_area"))
    inside = classified.cells["hotspot_category"] != "outside study area"
    keep = (x >= g.x0) & (y >= g.y0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        box = saferstats.hotspot_classify(x[keep], y[keep], month[keep], cell_size=1000, permutations=0, grid=g)
    hot = (classified.periods["significant"] == 1).sum()
    hot_box = (box.periods["significant"] == 1).sum()
    assert hot < hot_box
    assert (box.cells["hotspot_category"] != "outside study area").all() and inside.sum() < len(inside)


def test_a_grid_mostly_inside_is_quiet(asb):
    x, y, month = asb
    keep = (x >= 515_000) & (x < 525_000) & (y >= 205_000) & (y < 215_000)  # 10 km square inside the force
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        r = saferstats.hotspot_classify(x[keep], y[keep], month[keep], cell_size=1000, permutations=0,
                                        study_area="Hertfordshire", bounds=(515_000, 524_999, 205_000, 214_999))
    assert (r.cells["hotspot_category"] != "outside study area").all()


def test_sparse_data_are_warned_about(shared_data):
    """Walk-through 3 item 12: Hertfordshire possession of weapons per month on 1 km cells (~55 events a
    month over ~1,650 cells) gave 33 hot-spot cells, most of whose significant months hold no event of
    their own. The mean is checked against the csv module's count of the points inside the force
    (shapely + pyproj on the ONS boundary)."""
    import re

    shapely = pytest.importorskip("shapely")
    pyproj = pytest.importorskip("pyproj")
    from shapely.geometry import shape

    month, x, y = herts_street_points(shared_data, "Possession of weapons")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = saferstats.hotspot_classify(x, y, month, cell_size=1000, seed=1, study_area="Hertfordshire")
    msgs = [str(w.message) for w in caught if "sparse data" in str(w.message)]
    assert len(msgs) == 1
    gj = json.loads((shared_data / "boundaries" / "boundaries_pfa20.geojson").read_text())
    herts = next(shape(f["geometry"]) for f in gj["features"] if f["properties"]["pfa20_code"] == "E23000027")
    lon, lat = pyproj.Transformer.from_crs(27700, 4326, always_xy=True).transform(x, y)
    inside = int(shapely.contains_xy(herts, lon, lat).sum())
    cells = int((r.cells["hotspot_category"] != "outside study area").sum())
    mean = float(re.search(r"sparse data: ([\d.]+) events per cell", msgs[0]).group(1))
    assert mean == pytest.approx(inside / (cells * len(set(month))), rel=0.02)
    empty, hot = (int(v.replace(",", "")) for v in re.search(r"; ([\d,]+) of the ([\d,]+) significant", msgs[0]).groups())
    assert hot > 0 and empty > hot / 2


def test_dense_data_are_not(asb):
    x, y, month = asb
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.hotspot_classify(x, y, month, cell_size=1000, permutations=0, study_area="Hertfordshire")
    assert not [w for w in caught if "sparse data" in str(w.message)]
