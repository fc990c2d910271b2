"""Session 28, w46a: hotspot follow-ups from the w45e walk (Hertfordshire's 13 police.uk
street-crime files, January 2021 to January 2022, 27,858 ASB records, 12 without a location,
counted by hand from the CSV rows here).

* ``clark_evans(..., study_area=...)`` said the points outside the area only in a warning;
  ``ClarkEvansResult`` now has ``outside_study_area`` (a field, not one of the mapping's six keys)
  and a headline saying it;
* ``Weights.lattice(mask=)`` refused a grid's flat ``g.cells["in_study_area"]``;
* the automatic cell size over Watford was said "cells of 97.5099 m"; ``hotspot_classify`` said
  "events" left out where the others say "points".

References: nearest-neighbour distances with scipy's cKDTree, point-in-square counts with numpy,
queen neighbours by hand, sfhotspot's cell-size rule by hand on the area's extent, the CSV rows
counted with the csv module."""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pytest
from scipy.spatial import cKDTree

import saferstats as ss
from conftest import herts_street_files, shared_path, street_latlon

SQUARE = np.array([[520_000, 220_000], [522_500, 220_000], [522_500, 222_500], [520_000, 222_500]], dtype=float)


def _quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **k)


# --- 1. clark_evans: the points outside the study area --------------------------------------------

def test_clark_evans_counts_points_outside_the_study_area():
    rng = np.random.default_rng(46)
    x, y = 520_000 + rng.uniform(0, 4000, 1000), 220_000 + rng.uniform(0, 4000, 1000)
    x[9] = np.nan
    keep = (x > 520_000) & (x < 522_500) & (y > 220_000) & (y < 222_500)  # NaN is in no square
    inside = int(keep.sum())
    r = _quiet(ss.clark_evans, x, y, study_area=ss.StudyArea(SQUARE, crs=27700), missing="drop")
    outside = 1000 - 1 - inside
    assert r.outside_study_area == outside and r.missing_coordinates == 1
    # the statistic is of the points inside: scipy's nearest neighbours and the square's area
    d, _ = cKDTree(np.column_stack([x[keep], y[keep]])).query(np.column_stack([x[keep], y[keep]]), k=2)
    assert r.r_obs == pytest.approx(d[:, 1].mean(), rel=1e-12)
    assert r.r_exp == pytest.approx(0.5 * np.sqrt(2500.0 ** 2 / inside), rel=1e-9)
    # the mapping keeps its six keys; the counts are fields (and in to_dict)
    assert set(r) == {"r_obs", "r_exp", "r", "z", "p_value", "r_donnelly"} and len(r) == 6
    assert r.to_dict()["outside_study_area"] == outside and r.to_dict()["missing_coordinates"] == 1
    head = r.headline()
    assert head.startswith(f"R = {r.r:.4g} (below 1 clustered, above 1 dispersed), z = {r.z:.4g}, ")
    assert head.endswith(f"; 1 point without coordinates left out; {outside:,} points outside the study area left out")
    assert repr(r) == f"ClarkEvansResult({head})"
    plain = ss.clark_evans(x[keep], y[keep], area=2500.0 ** 2)
    assert plain.outside_study_area == 0 and "left out" not in plain.headline()
    assert "Donnelly" not in plain.headline() and dict(plain).keys() == dict(r).keys()


@pytest.fixture(scope="module")
def herts(shared_data):
    """The ASB records of the 13 Hertfordshire files as read, the CSV's ASB rows and those without a
    location (csv module)."""
    files = herts_street_files(shared_data)
    if len(files) != 13:
        pytest.skip("the 13 Hertfordshire street-crime files are not in ../shared/data")
    asb = []
    for f in files:
        with open(f, newline="", encoding="utf-8-sig") as fh:
            asb += [r["Latitude"] == "" or r["Longitude"] == "" for r in csv.DictReader(fh)
                    if r["Crime type"] == "Anti-social behaviour"]
    d = _quiet(ss.read_street_crime, files, crime_type="Anti-social behaviour")
    return d, len(asb), sum(asb)


def test_clark_evans_stevenage_asb_counts_the_rest_of_hertfordshire(herts):
    d, rows, absent = herts
    assert (rows, absent) == (27_858, 12)
    x, y = _quiet(ss.to_bng, d["latitude"], d["longitude"], missing="propagate")
    sa = ss.StudyArea("Stevenage", level="la")
    with pytest.warns(ss.SaferstatsWarning, match="25,055 outside were left out"):
        r = _quiet_but_area(ss.clark_evans, x, y, study_area=sa, missing="drop")
    inside = sa.contains_xy(x, y)
    n = int(inside.sum())
    assert r.missing_coordinates == absent and r.outside_study_area == rows - absent - n == 25_055
    pts = np.column_stack([np.asarray(x)[inside], np.asarray(y)[inside]])
    dist, _ = cKDTree(pts).query(pts, k=2)
    assert r.r_obs == pytest.approx(dist[:, 1].mean(), rel=1e-12)
    assert r.headline().endswith("; 12 points without coordinates left out; 25,055 points outside the study area left out")


def _quiet_but_area(f, *a, **k):
    """Run f, letting the study area's warning through (the others are checked elsewhere)."""
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = f(*a, **k)
    for w in rec:
        if "outside were left out" in str(w.message):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return out


# --- 2. Weights.lattice takes a grid's flat mask --------------------------------------------------

def _queen_pairs(keep2d: np.ndarray) -> set[tuple[int, int]]:
    """Queen neighbours among the kept cells, by hand: whole-grid cell numbers, row by row."""
    nr, nc = keep2d.shape
    out = set()
    for r in range(nr):
        for c in range(nc):
            if not keep2d[r, c]:
                continue
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    rr, cc = r + dr, c + dc
                    if (dr or dc) and 0 <= rr < nr and 0 <= cc < nc and keep2d[rr, cc]:
                        out.add((r * nc + c, rr * nc + cc))
    return out


def _pairs(w: ss.Weights) -> set[tuple[int, int]]:
    n, offsets, nbrs, _ = w._args()
    return {(int(w.cells[i]), int(w.cells[j])) for i in range(n) for j in nbrs[offsets[i]:offsets[i + 1]]}


def test_lattice_takes_the_grids_flat_in_study_area_mask():
    rng = np.random.default_rng(3)
    x, y = 520_000 + rng.uniform(0, 3000, 500), 220_000 + rng.uniform(0, 2000, 500)
    sq = np.array([[520_000, 220_000], [521_500, 220_000], [521_500, 221_200], [520_000, 221_200]], dtype=float)
    g = _quiet(ss.hotspot_count, x, y, cell_size=500, study_area=ss.StudyArea(sq, crs=27700))
    flat = g.cells["in_study_area"].to_numpy()
    assert flat.shape == (g.nrows * g.ncols,) and g.nrows != g.ncols
    # the grid's cells are numbered row by row: x fastest (numpy's row-major order of the centres)
    cx = g.cells["x"].to_numpy().reshape(g.nrows, g.ncols)
    cy = g.cells["y"].to_numpy().reshape(g.nrows, g.ncols)
    assert (np.diff(cx, axis=1) > 0).all() and (np.diff(cy, axis=0) > 0).all()
    w = ss.Weights.lattice(g.nrows, g.ncols, mask=flat)
    w2 = ss.Weights.lattice(g.nrows, g.ncols, mask=flat.reshape(g.nrows, g.ncols))
    assert w.cells.tolist() == np.flatnonzero(flat).tolist() == w2.cells.tolist()
    assert _pairs(w) == _pairs(w2) == _queen_pairs(flat.reshape(g.nrows, g.ncols))
    # any other length is refused naming mask and both shapes; a transposed 2-D mask still is
    for bad in (flat[:-1], np.r_[flat, True], flat.reshape(g.nrows, g.ncols).T):
        with pytest.raises(ss.InvalidInputError) as e:
            ss.Weights.lattice(g.nrows, g.ncols, mask=bad)
        assert e.value.argument == "mask"
        assert str(e.value) == (f"`mask` must be a boolean array of shape ({g.nrows}, {g.ncols}) (one value per cell), "
                                f"or a flat one of {g.nrows * g.ncols} values ({g.nrows} × {g.ncols}) in the cells' "
                                f"order, row by row of {g.ncols} values (a hotspot grid's "
                                f"g.cells['in_study_area']); got bool {bad.shape}")


# --- 3. the automatic cell size in the headline; classify's words for points left out ------------

def test_automatic_cell_size_under_100_m_is_said_to_a_tenth(shared_data):
    f = shared_path(shared_data, "street_crime/2021-06-hertfordshire-street.csv")
    _, lat, lon = street_latlon([f], "Anti-social behaviour", lsoa="Watford")
    x, y = _quiet(ss.to_bng, lat, lon)
    g = _quiet(ss.hotspot_count, x, y, study_area="Watford")
    # sfhotspot's rule on the area's extent, by hand: 1/50 of the shorter side, under 100 m not rounded
    xmin, xmax, ymin, ymax = ss.StudyArea("Watford").bounds
    want = min(xmax - xmin, ymax - ymin) / 50
    assert want < 100 and g.cell_size == pytest.approx(want, rel=1e-12)   # the value is kept
    assert f"{want:.4f}" == "97.5099"
    head = g.headline()
    assert f"{g.ncols} × {g.nrows} square cells of 97.5 m (" in head and "97.5099" not in head
    # a whole size is said whole; a hexagon's across its flats
    r = ss.hotspot_count([50.0, 60.0, 150.0], [50.0, 50.0, 50.0], cell_size=100, bounds=(0, 199, 0, 99))
    assert r.headline().startswith("2 × 1 square cells of 100 m (")
    h = _quiet(ss.hotspot_count, [50.0, 60.0, 150.0], [50.0, 50.0, 50.0], cell_size=30.66666, grid_type="hex")
    assert " hex cells 30.7 m across" in h.headline()


def test_classify_says_points_left_out_as_the_others_do():
    rng = np.random.default_rng(12)
    x, y = 520_000 + rng.uniform(0, 4000, 800), 220_000 + rng.uniform(0, 4000, 800)
    period = np.repeat(["2021-01", "2021-02", "2021-03", "2021-04"], 200)
    x[5] = np.nan
    inside = int(((x > 520_000) & (x < 522_500) & (y > 220_000) & (y < 222_500)).sum())
    sa = ss.StudyArea(SQUARE, crs=27700)
    r = _quiet(ss.hotspot_classify, x, y, period, cell_size=250, study_area=sa, permutations=0, missing="drop")
    k = _quiet(ss.kde_grid, x, y, cell_size=250, bandwidth=500, study_area=sa, missing="drop")
    outside = 800 - 1 - inside
    said = f"; 1 point without coordinates left out; {outside:,} points outside the study area left out"
    assert r.headline().endswith(said) and k.headline().endswith(said)
