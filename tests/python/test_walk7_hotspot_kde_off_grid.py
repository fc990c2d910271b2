"""hotspot_kde / hotspot_dual_kde on a given ``grid`` or ``bounds`` left the points outside it out of
the ``count`` layer without a word (walk 7), where hotspot_count warns. An analyst who smooths the
whole force's events on a district's grid (to keep the density of the events just over the border)
got a count layer short of most events and no warning. Now a SaferstatsWarning gives how many; the
density keeps them (checked: quartic kernel 3/(pi h^2)(1 - d^2/h^2)^2 summed with numpy, counts by
numpy floor)."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning


def _quartic(cx, cy, px, py, h):
    d2 = (cx[:, None] - px[None]) ** 2 + (cy[:, None] - py[None]) ** 2
    return np.where(d2 < h * h, 3 / (np.pi * h * h) * (1 - d2 / (h * h)) ** 2, 0).sum(axis=1) * 1e6


def test_kde_counts_and_warns_points_off_the_grid():
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0, 400, 60), rng.uniform(0, 400, 60)
    with pytest.warns(SaferstatsWarning) as rec:
        g = saferstats.hotspot_kde(x, y, cell_size=50, bandwidth=120, bounds=(0, 199, 0, 199))
    off = int(((x >= 200) | (y >= 200)).sum())
    assert any(f"{off} of 60 points lie outside the grid and are not in `count`" in str(w.message) for w in rec)
    ref = np.zeros((g.nrows, g.ncols))
    on = (x < 200) & (y < 200)
    np.add.at(ref, (np.floor(y[on] / 50).astype(int), np.floor(x[on] / 50).astype(int)), 1)
    np.testing.assert_array_equal(g.cells["count"].to_numpy(), ref.ravel())
    np.testing.assert_allclose(g.cells["kde"].to_numpy(), _quartic(g.cells["x"].to_numpy(), g.cells["y"].to_numpy(), x, y, 120),
                               rtol=1e-9)


def test_dual_kde_warns_per_set():
    with pytest.warns(SaferstatsWarning, match=r"x_b/y_b: 1 of 2 points lie outside the grid and are not in `count_b`"):
        g = saferstats.hotspot_dual_kde([5.0, 15.0], [5.0, 5.0], [5.0, 45.0], [5.0, 5.0], cell_size=10, bandwidth=30,
                                        bounds=(0, 19, 0, 9))
    assert g.cells["count_b"].tolist() == [1.0, 0.0]
    np.testing.assert_allclose(g.cells["kde_b"].to_numpy(), _quartic(np.array([5.0, 15.0]), np.array([5.0, 5.0]),
                                                                     np.array([5.0, 45.0]), np.array([5.0, 5.0]), 30))


def test_all_points_on_the_grid_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.hotspot_kde([5.0, 15.0], [5.0, 5.0], cell_size=10, bandwidth=30, bounds=(0, 19, 0, 9))
