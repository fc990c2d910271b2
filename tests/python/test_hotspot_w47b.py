"""Session 28, w47b: hotspot wording leftovers after w46a.

* ``KdeResult``'s headline and HTML view said the cell size with ``:g`` ("cells of 97.5099 m");
  the snapped-points warning of ``hotspot_count`` / ``grid_counts`` said "with cells of 12.3456"
  (no unit), the ``grid=`` override and the narrow-bandwidth warnings "(97.5099)": all now say
  it as a hotspot grid's headline does ("cells of 97.5 m"), with the unit;
* ``Weights.lattice(nrows, ncols, mask=g.cells["in_study_area"])`` took a flat mask with rows and
  columns swapped (the same number of values), every kept cell given another cell's neighbours:
  the column carries its grid's rows and columns and a lattice of others is now refused.

References: the grid's size with numpy (ceil of the extent over the cell size), the cell size
rounded to a tenth by hand, queen neighbours from the grid's own cell centres (numpy distances)."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import saferstats as ss

CS = 97.50994655905757  # Watford's automatic cell size (w46a): 1/50 of its extent's shorter side


def _quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **k)


def _messages(f, *a, **k):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = f(*a, **k)
    return out, [str(w.message) for w in rec]


# --- 1. the cell size said with its unit, as a grid's headline says it ---------------------------

def test_kde_headline_and_html_say_the_cell_size_to_a_tenth_with_its_unit():
    rng = np.random.default_rng(47)
    x, y = 520_000 + rng.uniform(0, 2000, 200), 220_000 + rng.uniform(0, 1500, 200)
    b = (520_000.0, 522_000.0, 220_000.0, 221_500.0)
    k = _quiet(ss.kde_grid, x, y, cell_size=CS, bandwidth=300, bounds=b)
    nx, ny = math.ceil((b[1] - b[0]) / CS), math.ceil((b[3] - b[2]) / CS)
    assert k.density.shape == (ny, nx)
    assert k.cell_size == CS  # the value is kept
    said = f"{CS:.1f}"  # "97.5"
    assert said == "97.5"
    assert k.headline().startswith(f"{nx} × {ny} cells of 97.5 m; quartic kernel, bandwidth 300 m; ")
    assert "97.5099" not in k.headline() and "97.5099" not in k._repr_html_()
    assert f"<td>{nx} × {ny} cells of 97.5 m</td>" in k._repr_html_()
    # per_km2=False: the caller's units, none said; a whole size stays whole
    u = _quiet(ss.kde_grid, x, y, cell_size=0.25 * CS, bandwidth=300, bounds=b, per_km2=False)
    assert f"{0.25 * CS:.1f}" == "24.4" and " cells of 24.4; " in u.headline()
    w = _quiet(ss.kde_grid, x, y, cell_size=250, bandwidth=300, bounds=b)
    assert " cells of 250 m; " in w.headline()


def _map_points() -> tuple[np.ndarray, np.ndarray]:
    """40 events at 4 anonymised map points 1 km apart: every one in a cell of one location."""
    px = np.repeat([520_010.0, 521_010.0, 520_010.0, 521_010.0], 10)
    py = np.repeat([220_010.0, 220_010.0, 221_010.0, 221_010.0], 10)
    return px, py


def test_snapped_points_warning_says_the_cell_size_with_its_unit():
    px, py = _map_points()
    size = 12.3456
    _, msgs = _messages(ss.hotspot_count, px, py, cell_size=size)
    said = [m for m in msgs if "anonymised map points" in m]
    assert len(said) == 1 and said[0].startswith("hotspot_count: 100% of the 40 events counted")
    assert "so with cells of 12.3 m the grid maps those points" in said[0] and "12.3456" not in said[0]
    _, msgs = _messages(ss.grid_counts, px, py, cell_size=size)
    said = [m for m in msgs if "anonymised map points" in m]
    assert len(said) == 1 and "so with cells of 12.3 m the grid maps those points" in said[0]
    # a hexagonal grid says its width across the flats, as its headline does
    g, msgs = _messages(ss.hotspot_count, px, py, cell_size=size, grid_type="hex")
    said = [m for m in msgs if "anonymised map points" in m]
    assert "hex cells 12.3 m across" in g.headline()
    assert len(said) == 1 and "so with cells 12.3 m across the grid maps those points" in said[0]


def test_grid_override_and_narrow_bandwidth_warnings_say_metres():
    rng = np.random.default_rng(7)
    x, y = 520_000 + rng.uniform(0, 2000, 300), 220_000 + rng.uniform(0, 1500, 300)
    g = _quiet(ss.hotspot_count, x, y, cell_size=CS)
    _, msgs = _messages(ss.hotspot_count, x, y, cell_size=100, grid=g)
    assert any(m.startswith("cell_size=100 is ignored: the cells are those of `grid` (97.5 m); ") for m in msgs)
    _, msgs = _messages(ss.hotspot_kde, x, y, cell_size=CS, bandwidth=50)
    assert any(m.startswith("the bandwidth (50 m) is smaller than the cell size (97.5 m): ") for m in msgs)


# --- 2. a lattice over a grid's mask: rows and columns taken from the grid -------------------------

def _area_grid(grid_type: str = "square") -> ss.HotspotGrid:
    rng = np.random.default_rng(3)
    x, y = 520_000 + rng.uniform(0, 3000, 500), 220_000 + rng.uniform(0, 2000, 500)
    sq = np.array([[520_000, 220_000], [521_500, 220_000], [521_500, 221_200], [520_000, 221_200]], dtype=float)
    return _quiet(ss.hotspot_count, x, y, cell_size=500, study_area=ss.StudyArea(sq, crs=27700), grid_type=grid_type)


def _pairs(w: ss.Weights) -> set[tuple[int, int]]:
    n, offsets, nbrs, _ = w._args()
    return {(int(w.cells[i]), int(w.cells[j])) for i in range(n) for j in nbrs[offsets[i]:offsets[i + 1]]}


def test_lattice_refuses_a_grid_mask_with_rows_and_columns_swapped():
    g = _area_grid()
    mask = g.cells["in_study_area"]
    assert g.nrows != g.ncols and not mask.all() and mask.any()
    with pytest.raises(ss.InvalidInputError) as e:
        ss.Weights.lattice(g.ncols, g.nrows, mask=mask)
    assert e.value.argument == "mask"
    assert str(e.value) == (f"`mask` is the in_study_area of a grid of {g.nrows} rows × {g.ncols} columns, but the "
                            f"lattice is {g.ncols} rows × {g.nrows} columns: every cell would get another cell's "
                            "neighbours; use Weights.lattice(g.nrows, g.ncols, mask=...)")
    # the right way round: queen neighbours are the kept cells whose centres are within one
    # diagonal of each other (the grid's own coordinates, numpy distances)
    w = ss.Weights.lattice(g.nrows, g.ncols, mask=mask)
    keep = np.flatnonzero(mask.to_numpy())
    assert w.cells.tolist() == keep.tolist()
    cx, cy = g.cells["x"].to_numpy()[keep], g.cells["y"].to_numpy()[keep]
    d = np.hypot(cx[:, None] - cx[None, :], cy[:, None] - cy[None, :])
    near = (d > 0) & (d < 500 * math.sqrt(2) + 1e-6)
    want = {(int(keep[i]), int(keep[j])) for i, j in zip(*np.nonzero(near))}
    assert _pairs(w) == want
    # a plain array carries no shape: read row by row of ncols, as before
    assert _pairs(ss.Weights.lattice(g.nrows, g.ncols, mask=mask.to_numpy())) == want


def test_lattice_refuses_the_mask_of_a_hexagonal_grid():
    g = _area_grid("hex")
    mask = g.cells["in_study_area"]
    with pytest.raises(ss.InvalidInputError, match=re.escape("`mask` is the in_study_area of a hexagonal grid")) as e:
        ss.Weights.lattice(g.nrows, g.ncols, mask=mask)
    assert e.value.argument == "mask"
