"""geo.to_geodataframe of a Gi* / Local Moran result on a hotspot grid's cells places each cell by
the result's own ``where`` (cell, row, col, x, y) without ``cells=`` (session 20, w28c)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError

pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")


def _watford_june_asb(shared_data):
    from conftest import herts_street_points

    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    keep = month == "2021-06"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the study area's "points outside were left out"
        return saferstats.hotspot_count(x[keep], y[keep], cell_size=250, study_area="Watford")


def test_gi_star_on_a_study_areas_grid_cells_needs_no_cells_argument(shared_data):
    g = _watford_june_asb(shared_data)
    inside = g.cells["in_study_area"].to_numpy()
    w = saferstats.Weights.lattice(g.nrows, g.ncols, mask=inside.reshape(g.nrows, g.ncols))
    r = saferstats.gi_star(g.cells.loc[inside, "count"], w, permutations=0)
    gdf = saferstats.geo.to_geodataframe(r)          # until session 20: InvalidInputError "pass cells="
    own = g.cells[inside].reset_index(drop=True)
    assert len(gdf) == int(inside.sum()) == len(own) == 344
    assert gdf.crs.to_epsg() == 27700
    assert list(gdf.columns[:5]) == ["cell", "row", "col", "x", "y"]
    np.testing.assert_array_equal(gdf["cell"].to_numpy(), own["cell"].to_numpy())
    np.testing.assert_allclose(gdf["x"].to_numpy(), own["x"].to_numpy())
    np.testing.assert_allclose(gdf["y"].to_numpy(), own["y"].to_numpy())
    np.testing.assert_allclose(gdf.geometry.centroid.x, own["x"].to_numpy())
    np.testing.assert_allclose(gdf.geometry.centroid.y, own["y"].to_numpy())
    np.testing.assert_allclose(gdf.geometry.area, 250.0 ** 2)
    np.testing.assert_array_equal(gdf["z"].to_numpy(), r.z)
    # each square is the grid's own cell: the same outline to_geodataframe(g) draws
    whole = saferstats.geo.to_geodataframe(g).set_index("cell")
    assert all(a.equals(b) for a, b in zip(gdf.geometry, whole.loc[gdf["cell"], "geometry"]))
    # the busiest cell's square holds its counted events; the cells= path gives the same squares
    top = int(np.argmax(own["count"].to_numpy()))
    assert own["count"].iloc[top] == g.cells.loc[own["cell"].iloc[top], "count"] > 0
    cx, cy = np.unique(g.cells["x"].to_numpy()), np.unique(g.cells["y"].to_numpy())
    old = saferstats.geo.to_geodataframe(r, cells=(cx, cy))
    assert all(a.equals(b) for a, b in zip(gdf.geometry, old.geometry))
    np.testing.assert_allclose(old["x"].to_numpy(), own["x"].to_numpy())


def test_local_moran_on_a_whole_grid_and_gi_star_on_hexagons_are_placed_by_their_cells():
    x = [530050.0, 530150.0, 530150.0, 530250.0, 530250.0, 530250.0]
    y = [180050.0, 180050.0, 180150.0, 180150.0, 180150.0, 180150.0]
    g = saferstats.hotspot_count(x, y, cell_size=100, bounds=(530000, 530299, 180000, 180199))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a grid without a study area; permutations=0 on counts
        r = saferstats.local_moran(g.cells["count"], saferstats.Weights.lattice(g.nrows, g.ncols), permutations=0)
    gdf = saferstats.geo.to_geodataframe(r)
    assert gdf["cell"].tolist() == [0, 1, 2, 3, 4, 5] and gdf["row"].tolist() == [0, 0, 0, 1, 1, 1]
    assert gdf["x"].tolist() == [530050.0, 530150.0, 530250.0] * 2
    assert gdf["y"].tolist() == [180050.0] * 3 + [180150.0] * 3
    inside = [sum(p.contains(shapely.Point(a, b)) for a, b in zip(x, y)) for p in gdf.geometry]
    assert inside == g.cells["count"].tolist() == [1, 1, 0, 0, 1, 3]
    np.testing.assert_array_equal(gdf["i"].to_numpy(), r.i)

    h = saferstats.hotspot_count(x, y, cell_size=100, grid_type="hex")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a grid without a study area
        rh = saferstats.gi_star(h.cells["count"], saferstats.Weights.distance_band(h.cells.x, h.cells.y, threshold=101),
                                permutations=0)
    gh = saferstats.geo.to_geodataframe(rh)
    hexes = saferstats.geo.to_geodataframe(h)
    assert len(gh) == len(h.cells) and all(len(p.exterior.coords) == 7 for p in gh.geometry)
    assert all(a.equals(b) for a, b in zip(gh.geometry, hexes.geometry))
    np.testing.assert_allclose(gh.geometry.area, 100.0 ** 2 * np.sqrt(3) / 2)


def test_plain_values_still_need_cells():
    counts, cx, cy = saferstats.grid_counts([530050.0, 530150.0], [180050.0, 180150.0], cell_size=100,
                                            bounds=(530000, 530200, 180000, 180200))
    r = saferstats.gi_star(counts.ravel().astype(float), saferstats.Weights.lattice(*counts.shape), permutations=0)
    with pytest.raises(InvalidInputError, match=r"cells=\(x_centres, y_centres\).*hotspot grid's cells"):
        saferstats.geo.to_geodataframe(r)
    assert len(saferstats.geo.to_geodataframe(r, cells=(cx, cy))) == 4


def test_methods_pages_say_this_sessions_hotspot_warnings():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "methods"
    intel = " ".join((docs / "hotspot_intelligence.md").read_text(encoding="utf-8").split())
    spots = " ".join((docs / "hotspots.md").read_text(encoding="utf-8").split())
    # a grid without a study area: pai, concentration, Gi*/global statistics, hotspot_classify
    assert "5.82 at 5% of the box's 432 cells against 5.17 over Watford's 345" in intel
    assert "Gini 0.83 and the busiest 5% holding 43.6% of the events" in intel
    assert "10 persistent and 4 intermittent hot spots over the box's 448 cells" in intel
    assert "37 Gi* hot spots over the box's 432 cells, against 25 over Watford's 344" in spots
    # clusters without area, the triangle warning, cells named as the grid names them
    assert "two map locations: no area (a line), no density" in spots and "no_area_clusters" in spots
    assert "up to 33,459 per km² for 15 records" in spots and "rank clusters by `n`" in spots
    assert "strongest: cell 36 (row 4, col 4; z 7.09)" in spots
    assert "`geo.to_geodataframe(result)` draws each unit's own square or hexagon" in spots
