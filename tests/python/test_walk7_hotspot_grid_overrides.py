"""A ``cell_size`` or ``bounds`` given together with ``grid=`` was ignored without a word (walk 7):
``hotspot_count(x, y, grid=kde_250m, cell_size=100)`` counted on 250 m cells, and an analyst reading
the counts as 100 m cells would misread every density. Now a SaferstatsWarning says so; the counts
are those of the grid's cells (numpy floor)."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning


def test_cell_size_and_bounds_with_a_grid_are_warned_about():
    x, y = np.array([10.0, 260.0, 480.0]), np.array([10.0, 10.0, 480.0])
    g = saferstats.hotspot_grid(x, y, cell_size=250, bounds=(0, 499, 0, 499))
    with pytest.warns(SaferstatsWarning, match=r"cell_size=100 is ignored: the cells are those of `grid` \(250 m\)"):
        c = saferstats.hotspot_count(x, y, grid=g, cell_size=100)
    ref = np.zeros((g.nrows, g.ncols))
    np.add.at(ref, (np.floor(y / 250).astype(int), np.floor(x / 250).astype(int)), 1)
    np.testing.assert_array_equal(c.cells["count"].to_numpy(), ref.ravel())
    with pytest.warns(SaferstatsWarning, match=r"`bounds` is ignored"):
        saferstats.hotspot_kde(x, y, grid=g, bandwidth=300, bounds=(0, 999, 0, 999))


def test_the_grids_own_cell_size_is_quiet():
    g = saferstats.hotspot_grid([0.0, 400.0], [0.0, 400.0], cell_size=250)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.hotspot_count([10.0], [10.0], grid=g, cell_size=250)
