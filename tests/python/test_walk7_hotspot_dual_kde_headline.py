"""hotspot_dual_kde's headline read "kde: max 0, 0 cells > 0" when the first set's events lie where
the second has no density (walk 7): the ratio is undefined (NaN) over all of them, and the headline
left those cells out without a word, so "max 0" read as "nowhere more than expected". The headline
now counts the cells with no value. Expected counts from the quartic densities summed with numpy."""

import numpy as np

import saferstats
from conftest import stevenage_dual_kde


def _quartic(cx, cy, px, py, h):
    d2 = (cx[:, None] - np.asarray(px)[None]) ** 2 + (cy[:, None] - np.asarray(py)[None]) ** 2
    return np.where(d2 < h * h, 3 / (np.pi * h * h) * (1 - d2 / (h * h)) ** 2, 0).sum(axis=1)


def test_headline_counts_cells_without_a_ratio():
    xa, ya, xb, yb = [5.0, 25.0], [5.0, 5.0], [300.0, 310.0], [300.0, 300.0]
    g = saferstats.hotspot_dual_kde(xa, ya, xb, yb, cell_size=10, bandwidth=30, method="ratio", bounds=(0, 399, 0, 399))
    cx, cy = g.cells["x"].to_numpy(), g.cells["y"].to_numpy()
    a, b = _quartic(cx, cy, xa, ya, 30), _quartic(cx, cy, xb, yb, 30)
    undefined = b == 0
    np.testing.assert_array_equal(np.isnan(g.cells["kde"].to_numpy()), undefined)
    head = repr(g)
    assert f"; {int(undefined.sum()):,} cells have no value (NaN, e.g. a ratio over a zero density)" in head
    assert "kde: max 0, 0 cells > 0" in head and ((a > 0) & undefined).sum() > 0


def test_headline_over_a_study_area_says_in_the_study_area():
    g = stevenage_dual_kde()
    v = g.cells["kde"].to_numpy()
    inside = g.cells["in_study_area"].to_numpy()
    assert f"; {int(np.isnan(v[inside]).sum()):,} cells in the study area have no value" in repr(g)


def test_no_gap_no_note():
    g = saferstats.hotspot_kde([0.0], [0.0], cell_size=10, bandwidth=30, bounds=(-50, 50, -50, 50))
    assert "no value" not in repr(g)
