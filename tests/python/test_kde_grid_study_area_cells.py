"""kde_grid over a study area (session 12; noticed in walk-through 7): the grid covers the area's
box, and its headline gave the peak and the share of empty cells over the whole box, so the peak
could be a cell beyond the edge (the area's points smoothed over it) and the empty share counted
cells that are not the area's. Now the result marks ``in_study_area`` and the headline is of those
cells, as ``hotspot_kde``'s is: since session 16 by ``hotspot_kde``'s rule (the centre inside, or the
cell holds one of the area's points); until then by the centre only, so the knot's own cell below,
whose centre is just outside, was left out and the headline named a lower peak. Reference: the quartic kernel summed directly
in numpy at each cell centre, and the polygon test done by hand (a right triangle)."""

from __future__ import annotations

import numpy as np

import saferstats

TRIANGLE = np.array([[500_000.0, 200_000.0], [501_000.0, 200_000.0], [500_000.0, 201_000.0], [500_000.0, 200_000.0]])


def _quartic(px, py, cx, cy, h):
    d2 = (cx[None, :] - px[:, None]) ** 2 + (cy[None, :] - py[:, None]) ** 2
    k = np.where(d2 < h * h, 3 / (np.pi * h * h) * (1 - d2 / (h * h)) ** 2, 0.0)
    return k.sum(axis=0) * 1e6


def test_the_headline_is_of_the_area_cells():
    # a tight knot of points just inside the hypotenuse, a few spread inside: the knot's cell has its
    # centre on the hypotenuse (outside), and the points smoothed over the edge give density beyond it
    rng = np.random.default_rng(7)
    x = np.r_[np.full(30, 500_545.0) + rng.uniform(0, 3, 30), rng.uniform(500_050, 500_300, 10)]
    y = np.r_[np.full(30, 200_445.0) + rng.uniform(0, 3, 30), rng.uniform(200_050, 200_300, 10)]
    assert ((x - 500_000) + (y - 200_000) < 1000).all()  # every point is inside
    k = saferstats.kde_grid(x, y, cell_size=100, bandwidth=300, study_area=TRIANGLE)
    gx, gy = np.meshgrid(k.x, k.y)
    centre_in = (gx > 500_000) & (gy > 200_000) & ((gx - 500_000) + (gy - 200_000) < 1000)
    holds = np.zeros(gx.shape, dtype=bool)
    holds[np.floor((y - k.y[0] + 50) / 100).astype(int), np.floor((x - k.x[0] + 50) / 100).astype(int)] = True
    want_inside = centre_in | holds
    np.testing.assert_array_equal(k.in_study_area, want_inside)
    dens = _quartic(x, y, gx.ravel(), gy.ravel(), 300).reshape(gx.shape)
    np.testing.assert_allclose(k.density, dens, rtol=1e-9, atol=1e-12)
    top = int(np.argmax(dens))
    assert not centre_in.ravel()[top] and want_inside.ravel()[top]  # the knot's cell: centre outside, the area's
    assert (dens[~want_inside] > 0).sum() > 10  # density smoothed beyond the edge, not the area's
    peak = dens[want_inside].max()
    assert f"peak {peak:.6g} per km²" in k.headline()
    assert f"({int(want_inside.sum()):,} in the study area)" in k.headline()
    zero = (dens[want_inside] == 0).mean()
    assert f"{zero:.0%} of the study area's cells zero" in k.headline()
    t = k.to_pandas()
    assert list(t.columns) == ["x", "y", "in_study_area", "density"]
    assert t.loc[t.in_study_area, "density"].max() == peak
    assert f"{peak:.6g} per km²" in k._repr_html_()


def test_without_a_study_area_nothing_changes():
    k = saferstats.kde_grid([0, 30, 10], [0, 0, 10], cell_size=5, bandwidth=50)
    assert k.in_study_area is None
    assert list(k.to_pandas().columns) == ["x", "y", "density"]
    assert "study area" not in k.headline()
