"""pai() over a study area named the wrong cell in its errors (walk 7): it scores the area's cells
only, and the core's check of ``area`` / ``predicted`` reported the position among those cells
("invalid value in `area` at position 4") where the bad value is in cell 24 of the grid. Now the
error names the grid's cell (the number in ``cells["cell"]`` and in pai's ``cell`` column).
The scored cells are checked independently: cell centres inside the square with shapely."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError, SaferstatsWarning

SQUARE = np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0], [0.0, 1000.0], [0.0, 0.0]])


@pytest.fixture
def grids():
    area = saferstats.StudyArea(SQUARE, crs=27700)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_kde([500.0, 520.0, 100.0], [500.0, 480.0, 900.0], cell_size=300, bandwidth=400,
                                   bounds=(-500, 1500, -500, 1500), study_area=area)
        o = saferstats.hotspot_count([500.0, 130.0], [500.0, 880.0], grid=g, study_area=area)
    return area, g, o


def test_area_error_names_the_grid_cell(grids):
    shapely = pytest.importorskip("shapely")
    area, g, o = grids
    inside = shapely.contains_xy(shapely.Polygon(SQUARE), g.cells["x"].to_numpy(), g.cells["y"].to_numpy())
    cell = int(np.flatnonzero(inside)[4])         # the fifth scored cell
    assert cell != 4
    for bad in (np.nan, 0.0, -1.0):
        a = np.ones(len(g.cells))
        a[cell] = bad
        with pytest.raises(InvalidInputError, match=rf"invalid value in `area` at cell {cell}: ") as e:
            saferstats.pai(o, g, area=a)
        assert (e.value.argument, e.value.index) == ("area", cell)


def test_predicted_error_names_the_grid_cell():
    area = saferstats.StudyArea(SQUARE, crs=27700)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        d = saferstats.hotspot_dual_kde([500.0, 520.0], [500.0, 480.0], [100.0, 900.0], [100.0, 900.0], cell_size=300,
                                        bandwidth=400, bounds=(-500, 1500, -500, 1500), method="difference",
                                        study_area=area)
        o = saferstats.hotspot_count([500.0], [500.0], grid=d, study_area=area)
    v = d.cells["kde"].to_numpy()
    scored = d.cells["in_study_area"].to_numpy()
    first = int(np.flatnonzero(scored & (v < 0))[0])
    with pytest.raises(InvalidInputError, match=rf"invalid value in `predicted` at cell {first}: ") as e:
        saferstats.pai(o, d)
    assert e.value.index == first


def test_a_valid_area_scores_as_before(grids):
    area, g, o = grids
    t = saferstats.pai(o, g, area=np.full(len(g.cells), 2.0))
    u = saferstats.pai(o, g)
    np.testing.assert_allclose(t["pai"].to_numpy(), u["pai"].to_numpy())
