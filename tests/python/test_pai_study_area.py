"""pai on grids made over a study area counted the cells of the area's bounding box beyond its edge in
the coverage: on Hertfordshire (more than half the box is outside the force) a retrospective KDE of
Aug-Oct 2021 ASB scored on Nov 2021-Jan 2022 had "PAI 15.9, hit rate 80% at 5% of the area"; over
the force's own cells it is 11.0 and 55%. Checked against the PAI computed here with numpy (ptools'
definition) over the cells whose centre shapely + pyproj put inside the ONS force boundary, or that
hold an event."""

import json
import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points


def _pai_reference(observed, predicted):
    """ptools pai: cells by predicted (equal areas) descending, ties with fewer observed first."""
    order = np.lexsort((observed, -predicted))
    hit = np.cumsum(observed[order]) / observed.sum()
    coverage = np.arange(1, len(order) + 1) / len(order)
    return coverage, hit, hit / coverage


def test_pai_over_the_study_area_cells(shared_data):
    shapely = pytest.importorskip("shapely")
    pyproj = pytest.importorskip("pyproj")
    from shapely.geometry import shape

    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    past = np.isin(month, ["2021-08", "2021-09", "2021-10"])
    future = np.isin(month, ["2021-11", "2021-12", "2022-01"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)  # points outside the force, counted
        retro = saferstats.hotspot_kde(x[past], y[past], study_area="Hertfordshire", cell_size=500, bandwidth=1000)
        observed = saferstats.hotspot_count(x[future], y[future], grid=retro)
    assert "in_study_area" in observed.cells.columns       # carried by grid=
    t = saferstats.pai(observed, retro)

    gj = json.loads((shared_data / "boundaries" / "boundaries_pfa20.geojson").read_text())
    herts = next(shape(f["geometry"]) for f in gj["features"] if f["properties"]["pfa20_code"] == "E23000027")
    lon, lat = pyproj.Transformer.from_crs(27700, 4326, always_xy=True).transform(retro.cells["x"].to_numpy(),
                                                                                 retro.cells["y"].to_numpy())
    obs = observed.cells["count"].to_numpy()
    keep = shapely.contains_xy(herts, lon, lat) | (retro.cells["count"].to_numpy() > 0) | (obs > 0)
    assert abs(len(t) - int(keep.sum())) <= 0.005 * len(keep)          # boundary generalisation
    assert t.attrs["cells_outside_study_area"] == len(keep) - len(t) and len(t) < 0.6 * len(keep)
    coverage, hit, pai = _pai_reference(obs[keep], retro.cells["kde"].to_numpy()[keep])
    at = t[t.coverage <= 0.05].iloc[-1]
    ref = int(np.searchsorted(coverage, 0.05, side="right")) - 1
    assert at["hit_rate"] == pytest.approx(hit[ref], abs=0.01)
    assert at["pai"] == pytest.approx(pai[ref], rel=0.02)
    # over the bounding box the same map read 1.4 times better
    box = saferstats.pai(obs, retro.cells["kde"].to_numpy())
    assert box[box.coverage <= 0.05].iloc[-1]["pai"] > 1.3 * at["pai"]
    # `cell` names the grid's own cells
    np.testing.assert_array_equal(t["observed"].to_numpy(), obs[t["cell"].to_numpy()])


def test_a_grid_without_a_study_area_is_scored_over_every_cell():
    g = saferstats.hotspot_count([50, 60, 150], [50, 50, 50], cell_size=100, bounds=(0, 399, 0, 99))
    t = saferstats.pai(g, g)
    assert len(t) == 4 and "cells_outside_study_area" not in t.attrs and "in_study_area" not in g.cells.columns


def test_concentration_over_the_study_area_cells(shared_data):
    """The Gini of a study area's count grid counted the empty cells of its bounding box beyond the
    edge as places. Checked against the sample Gini (R ineq::Gini) computed here over the cells
    whose centre shapely + pyproj put inside the ONS force boundary, or that hold an event."""
    shapely = pytest.importorskip("shapely")
    pyproj = pytest.importorskip("pyproj")
    from shapely.geometry import shape

    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_count(x, y, study_area="Hertfordshire", cell_size=500)
    gj = json.loads((shared_data / "boundaries" / "boundaries_pfa20.geojson").read_text())
    herts = next(shape(f["geometry"]) for f in gj["features"] if f["properties"]["pfa20_code"] == "E23000027")
    lon, lat = pyproj.Transformer.from_crs(27700, 4326, always_xy=True).transform(g.cells["x"].to_numpy(),
                                                                                 g.cells["y"].to_numpy())
    counts = g.cells["count"].to_numpy()
    v = np.sort(counts[shapely.contains_xy(herts, lon, lat) | (counts > 0)])
    n = len(v)
    gini = 2 * np.sum(np.arange(1, n + 1) * v) / (n * v.sum()) - (n + 1) / n
    c = saferstats.concentration(g)
    assert c.places == pytest.approx(n, rel=0.005)
    assert c.gini == pytest.approx(gini, abs=0.002)
    assert saferstats.concentration(counts).gini > c.gini + 0.04   # the box's empty cells: 0.95 against 0.90
