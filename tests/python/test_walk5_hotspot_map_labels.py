"""Hotspot maps over a district (Stevenage ASB, June 2021, police.uk): the names of the areas
around it were written at the middle of their vertices on the map, which for a neighbour wrapped
round the district lies inside the district: plot_kde / plot_gi(areas="la") wrote "North
Hertfordshire" over Stevenage's own town-centre hot spot (and "East Hertfordshire" inside
Stevenage). plot_gi's legend sat on the map and hid two hot-spot cells in its corner. Now each
name is at a point inside its own area (checked with shapely against the published ONS district
boundaries, pyproj to BNG) and the legend is beside the map. plot_areas (lon/lat) placed names the
same way."""

import json
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import saferstats  # noqa: E402
from saferstats.exceptions import SaferstatsWarning  # noqa: E402
from conftest import herts_street_points  # noqa: E402


@pytest.fixture(scope="module")
def june(shared_data):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    keep = month == "2021-06"
    return x[keep], y[keep]


def _districts(shared_data, crs):
    pyproj = pytest.importorskip("pyproj")
    import shapely
    from shapely.geometry import shape

    gj = json.loads((shared_data / "boundaries" / "boundaries_ltla24.geojson").read_text())
    to = pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform
    return {f["properties"]["ltla24_name"]: shapely.transform(shape(f["geometry"]), lambda c: np.column_stack(to(c[:, 0], c[:, 1])))
            for f in gj["features"]}


def _check_names(ax, districts, tol):
    from shapely.geometry import Point

    names = {t.get_text(): t.get_position() for t in ax.texts}
    assert len(names) >= 2, names
    for name, (x, y) in names.items():
        # inside its own district (the published outline is generalised: a small tolerance) ...
        assert districts[name].buffer(tol).contains(Point(x, y)), (name, x, y)
        # ... and not well inside another
        for other, poly in districts.items():
            if other != name:
                assert not poly.buffer(-tol).contains(Point(x, y)), (name, "in", other)
    return names


def test_kde_and_gi_maps_name_each_area_inside_it(june, shared_data):
    x, y = june
    districts = _districts(shared_data, 27700)
    sa = saferstats.StudyArea("Stevenage")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        k = saferstats.kde_grid(x, y, cell_size=100, study_area=sa)
        c, cx, cy = saferstats.grid_counts(x, y, cell_size=250, study_area=sa)
    ax = saferstats.plot_kde(k, areas="la")
    ax.figure.canvas.draw()
    names = _check_names(ax, districts, 300)
    assert {"Stevenage", "North Hertfordshire"} <= set(names)
    plt.close("all")
    m = sa.grid_mask(cx, cy, c)
    g = saferstats.gi_star(c[m], saferstats.Weights.lattice(*c.shape, mask=m), seed=1, permutations=99)
    ax = saferstats.plot_gi(g, c.shape, x=cx, y=cy, areas="la", mask=m)
    ax.figure.canvas.draw()
    _check_names(ax, districts, 300)
    r = ax.figure.canvas.get_renderer()
    assert ax.get_legend().get_window_extent(r).x0 >= ax.get_window_extent(r).x1   # no cell hidden under it
    plt.close("all")


def test_plot_areas_names_each_area_inside_it(june, shared_data):
    pyproj = pytest.importorskip("pyproj")
    x, y = june
    lon, lat = pyproj.Transformer.from_crs(27700, 4326, always_xy=True).transform(x, y)
    near = (np.abs(lat - 51.905) < 0.03) & (np.abs(lon + 0.20) < 0.05)
    ax = saferstats.plot_areas(lat[near], lon[near])
    ax.figure.canvas.draw()
    names = _check_names(ax, _districts(shared_data, 4326), 0.003)
    assert "Stevenage" in names
    plt.close("all")


def test_plot_kde_blanks_the_cells_outside_the_study_area(june, shared_data):
    """A KDE over Stevenage holds only Stevenage's points; beyond the edge it drew their spread as a
    (low) density. With mask= (as plot_gi) those cells are blank; the blank cells are the ones whose
    centre shapely puts outside the published district boundary (a generalised outline: within 10%)."""
    from shapely import contains_xy

    x, y = june
    sa = saferstats.StudyArea("Stevenage")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        k = saferstats.kde_grid(x, y, cell_size=100, study_area=sa)
    m = sa.grid_mask(k.x, k.y)
    ax = saferstats.plot_kde(k, areas="la", mask=m)
    shown = ax.images[0].get_array()
    assert np.array_equal(np.ma.getmaskarray(shown), ~m)
    np.testing.assert_array_equal(shown.compressed(), k.density[m])
    gx, gy = np.meshgrid(k.x, k.y)
    pub = contains_xy(_districts(shared_data, 27700)["Stevenage"], gx, gy)
    assert abs(int((~m).sum()) - int((~pub).sum())) <= 0.1 * (~pub).sum()
    assert "outside the study area" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close("all")
    with pytest.raises(saferstats.InvalidInputError, match="grid_mask"):
        saferstats.plot_kde(k, mask=m[1:])
    plt.close("all")
