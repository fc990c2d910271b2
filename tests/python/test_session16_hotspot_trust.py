"""Hotspot trust items of session 16 (w19b), each a defect found by an earlier walk:

1. ``pai``'s ``cell`` column held positions: on counts indexed by LSOA code the analyst needed
   ``o.index[t.cell]`` to know which areas to patrol. It now holds the input's labels.
2. ``kde_grid`` over a study area marked a cell as the area's by its centre only, so a cluster of
   events just inside the edge, in a cell whose centre is outside, held the surface's peak while
   the headline named a lower one elsewhere. The rule is now that of ``hotspot_kde`` and
   ``StudyArea.grid_mask`` with counts (centre inside, or holding one of the area's points).
3. ``local_moran(permutations=0)`` labels on ``p_norm``: one-sided (the tail z is in), the same
   sidedness as the folded ``p_sim`` and esda's normal p-values; the repr did not say which.
4. A polygon study area was named "study area the study area polygon".

References: pai by pandas/numpy (sorting and shares by hand); the KDE by the quartic kernel
summed directly with numpy and the cells' membership by shapely; the local Moran z from esda's
``Is``/``EI``/``VI`` (tests/fixtures/hotspot_reference.json, generate_hotspot_fixtures.py) and its
normal p by scipy."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture, square_kde_and_counts

import saferstats
from saferstats import InvalidInputError, MissingValueError, SaferstatsWarning, Weights

SQUARE = np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0], [0.0, 1000.0], [0.0, 0.0]])

# ----------------------------------------------------------------------------- 1. pai's cell labels

LSOA = pd.Index([f"E0103{i:04d}" for i in range(8)], name="lsoa")
OBS = pd.Series([0, 5, 1, 2, 0, 7, 3, 1], index=LSOA, dtype=float)
PRED = pd.Series([1.0, 9, 0, 3, 2, 8, 3, 0.5], index=LSOA)


def test_pai_cell_is_the_label_of_the_input():
    t = saferstats.pai(OBS, PRED)
    # the reference order by hand: predicted descending, ties by fewer observed events first
    ref = pd.DataFrame({"o": OBS, "p": PRED}).sort_values(["p", "o"], ascending=[False, True], kind="stable")
    assert t["cell"].tolist() == ref.index.tolist()
    assert t["cell"].iloc[0] == "E01030001"          # the top-ranked area, by its code
    np.testing.assert_allclose(t["observed"].to_numpy(), ref["o"].to_numpy())
    np.testing.assert_allclose(t["hit_rate"].to_numpy(), ref["o"].cumsum().to_numpy() / OBS.sum())
    np.testing.assert_allclose(t["pai"].to_numpy(),
                               (ref["o"].cumsum() / OBS.sum()).to_numpy() / (np.arange(1, 9) / 8))
    # the labels select the rows of the input directly
    np.testing.assert_allclose(OBS.loc[t["cell"]].to_numpy(), t["observed"].to_numpy())


def test_pai_cell_without_labels_is_the_position():
    t = saferstats.pai(OBS.to_numpy(), PRED.to_numpy())
    assert t["cell"].tolist() == saferstats.pai(OBS, PRED)["cell"].map(LSOA.get_loc).tolist()
    # predicted alone as a Series: its labels name the cells
    assert saferstats.pai(OBS.to_numpy(), PRED)["cell"].tolist() == saferstats.pai(OBS, PRED)["cell"].tolist()


def test_pai_refuses_the_same_labels_in_another_order():
    with pytest.raises(InvalidInputError, match="same labels as `observed` in another order"):
        saferstats.pai(OBS, PRED.sort_index(ascending=False))


def test_pai_errors_name_the_label_and_carry_the_position():
    o = OBS.copy()
    o.iloc[4] = np.nan
    with pytest.raises(MissingValueError, match=r"first: row 'E01030004'") as e:
        saferstats.pai(o, PRED)
    assert (e.value.index, e.value.position) == ("E01030004", 4)


def test_pai_on_a_grid_still_names_the_grid_cell():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_kde([500.0, 520.0, 100.0], [500.0, 480.0, 900.0], cell_size=300, bandwidth=400,
                                   bounds=(-500, 1500, -500, 1500))
        o = saferstats.hotspot_count([500.0, 130.0], [500.0, 880.0], grid=g)
    t = saferstats.pai(o, g)
    best = int(np.argmax(g.cells["kde"].to_numpy()))
    assert t["cell"].iloc[0] == best == int(g.cells["cell"].iloc[best])


# ----------------------------------------------------------------------------- 2. kde_grid at the edge

def _quartic(px, py, cx, cy, h):
    d2 = (cx[:, None] - px[None, :]) ** 2 + (cy[:, None] - py[None, :]) ** 2
    k = np.where(d2 < h * h, 3 / (np.pi * h * h) * (1 - d2 / (h * h)) ** 2, 0.0)
    return k.sum(axis=1) * 1e6


def test_kde_grid_headline_has_the_peak_of_an_edge_cell_holding_the_events():
    shapely = pytest.importorskip("shapely")
    area = saferstats.StudyArea(SQUARE, crs=27700)
    # five events just inside the western edge (x 40-60 m): their cell, x -200..100, has its centre
    # (-50, 550) outside the area; one event in the middle
    x = np.array([40.0, 50, 60, 45, 55, 600])
    y = np.array([540.0, 560, 550, 530, 570, 300])
    k = saferstats.kde_grid(x, y, cell_size=300, bandwidth=300, bounds=(-500, 1500, -500, 1500), study_area=area)
    t = k.to_pandas()
    poly = shapely.Polygon(SQUARE)
    centre_in = shapely.contains_xy(poly, t["x"].to_numpy(), t["y"].to_numpy())
    boxes = [shapely.box(cx - 150, cy - 150, cx + 150, cy + 150) for cx, cy in zip(t["x"], t["y"])]
    holds = np.array([any(b.covers(shapely.Point(px, py)) for px, py in zip(x, y)) for b in boxes])
    np.testing.assert_array_equal(t["in_study_area"].to_numpy(), centre_in | holds)
    dens = _quartic(x, y, t["x"].to_numpy(), t["y"].to_numpy(), 300.0)
    np.testing.assert_allclose(k.density.ravel(), dens, rtol=1e-9, atol=1e-12)
    # the table blanks the cells beyond the edge (session 17, w21b); the array keeps the surface
    np.testing.assert_allclose(t["density"].to_numpy(), np.where(centre_in | holds, dens, np.nan), rtol=1e-9, atol=1e-12)
    peak = dens[centre_in | holds].max()
    assert peak > dens[centre_in].max() * 2       # the centre-only rule named a peak less than half of it
    m = re.search(r"peak ([\d.]+) per km² at \((-?[\d,.]+), (-?[\d,.]+)\)", k.headline())
    assert m and float(m.group(1)) == pytest.approx(peak, rel=1e-5)
    assert (m.group(2), m.group(3)) == ("-50", "550")


def test_kde_grid_marks_the_cells_as_hotspot_kde_does():
    area = saferstats.StudyArea(SQUARE, crs=27700)
    x = np.array([40.0, 50, 60, 995, 600])
    y = np.array([540.0, 560, 550, 10, 300])
    k = saferstats.kde_grid(x, y, cell_size=300, bandwidth=300, bounds=(-500, 1500, -500, 1500), study_area=area)
    g = saferstats.hotspot_kde(x, y, cell_size=300, bandwidth=300, bounds=(-500, 1500, -500, 1500), study_area=area)
    np.testing.assert_array_equal(k.in_study_area.ravel(), g.cells["in_study_area"].to_numpy())


# ----------------------------------------------------------------------------- 3. local Moran's p

LOCAL = load_fixture("hotspot_reference.json")["local"]["rows"]


@pytest.mark.parametrize("row", [r for r in LOCAL if r["kind"] == "moran"], ids=lambda r: r["name"])
def test_local_moran_analytic_p_is_esdas_one_sided_normal_p(row):
    from scipy.stats import norm

    if row["name"] == "methods_c5":
        pts = np.array(row["points"], dtype=float)
        w = Weights.distance_band(pts[:, 0], pts[:, 1], threshold=15)
    else:
        w = Weights.lattice(12, 12, contiguity="queen")
    m = saferstats.local_moran(row["values"], w, permutations=0, alpha=0.05)
    z = (np.array(row["stat"]) - np.array(row["EI"])) / np.sqrt(row["VI"])   # esda's Is, EI, VI
    np.testing.assert_allclose(m.z, z, rtol=1e-9, atol=1e-12)
    # one-sided, as esda's normal p-values (p_z_sim = norm.sf(|z|)) and its folded p_sim
    np.testing.assert_allclose(m.p_norm, norm.sf(np.abs(z)), rtol=1e-8, atol=1e-300)
    names = np.array(["", "High-High", "Low-High", "Low-Low", "High-Low"], dtype=object)
    expect = np.where(norm.sf(np.abs(z)) < 0.05, names[np.array(row["q"])], "Not significant")
    assert m.label.tolist() == expect.tolist()


@pytest.mark.parametrize("permutations", [0, 99])
def test_local_moran_says_which_p_decided_and_its_sidedness(permutations):
    row = next(r for r in LOCAL if r["kind"] == "moran" and r["name"] == "lattice_12x12")
    m = saferstats.local_moran(row["values"], Weights.lattice(12, 12, contiguity="queen"),
                               permutations=permutations, seed=1)
    text = repr(m)
    assert ("p_sim" if permutations else "p_norm") in text.split("; ")[-1]
    assert "one-sided" in text and "two-sided test at 0.1" in text
    assert "one-sided" in m.to_pandas().attrs["columns"]["label"]


# ----------------------------------------------------------------------------- 4. the polygon's name

def test_a_polygon_study_area_is_named_once():
    area = saferstats.StudyArea(SQUARE, crs=27700)
    with pytest.warns(SaferstatsWarning) as rec:
        saferstats.kde_grid([500.0, 5000.0], [500.0, 5000.0], cell_size=100, bandwidth=200, study_area=area)
    texts = [str(r.message) for r in rec]
    assert any(t.startswith("the study area polygon: 1 of 2 points inside") for t in texts), texts
    assert not any("study area the study area" in t for t in texts)
    with pytest.raises(InvalidInputError) as e, warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        saferstats.hotspot_kde([5000.0], [5000.0], cell_size=300, study_area=area)
    assert str(e.value) == "no points inside the study area polygon"


def test_a_named_study_area_keeps_its_wording():
    area = saferstats.StudyArea("Stevenage", level="la")
    with pytest.raises(InvalidInputError, match=r"^no points inside the study area Stevenage \(local authority "):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SaferstatsWarning)
            saferstats.kde_grid([400000.0], [100000.0], cell_size=300, bandwidth=500, study_area=area)


# ----------------------------------------------------------------------------- 5. hotspot_kde beyond the edge

def test_hotspot_kde_cells_and_map_frame_mark_the_density_beyond_the_area():
    """hotspot_kde keeps the density the area's events spread beyond its edge (documented: the
    surface integrates to the events); every table and map frame of it carries ``in_study_area``,
    False on exactly those cells (shapely: centre outside and no event of the area in the cell),
    and the repr counts them."""
    shapely = pytest.importorskip("shapely")
    pytest.importorskip("geopandas")
    area = saferstats.StudyArea(SQUARE, crs=27700)
    x, y = np.array([40.0, 50, 60, 600]), np.array([540.0, 560, 550, 300])
    g = saferstats.hotspot_kde(x, y, cell_size=300, bandwidth=400, bounds=(-500, 1500, -500, 1500), study_area=area)
    gdf = saferstats.geo.to_geodataframe(g)
    for frame in (g.cells, gdf):
        poly = shapely.Polygon(SQUARE)
        centre_in = shapely.contains_xy(poly, frame["x"].to_numpy(), frame["y"].to_numpy())
        holds = np.array([((np.abs(x - cx) <= 150) & (np.abs(y - cy) <= 150)).any()
                          for cx, cy in zip(frame["x"], frame["y"])])
        np.testing.assert_array_equal(frame["in_study_area"].to_numpy(), centre_in | holds)
    beyond = int(((g.cells["kde"] > 0) & ~g.cells["in_study_area"]).sum())
    assert beyond > 0 and f"{beyond} cells outside it also > 0" in repr(g)


def test_pai_refuses_series_of_different_cells():
    """Counts by LSOA of two periods list only the areas with events: paired by position, the
    areas of equal-length Series met other areas' predictions silently (the ``cell`` column now
    shows the labels, so the pairing has to be right)."""
    other = PRED.copy()
    other.index = [*LSOA[:6], "E01039998", "E01039999"]
    with pytest.raises(InvalidInputError, match=r"2 of `predicted`'s cells are not in `observed` \('E01039998', "
                       r"'E01039999'\); 2 of `observed`'s cells are not in `predicted` \('E01030006', 'E01030007'\)"):
        saferstats.pai(OBS, other)
    with pytest.raises(saferstats.LengthMismatchError, match=r"reindex\(cells, fill_value=0\)"):
        saferstats.pai(OBS, PRED.iloc[:6])
    # the fix the error gives scores every area (absent = 0 events), as the reference by hand
    cells = OBS.index.union(other.index)
    t = saferstats.pai(OBS.reindex(cells, fill_value=0), other.reindex(cells, fill_value=0))
    assert set(t["cell"]) == set(cells) and t["observed"].sum() == OBS.sum()
    ref = pd.DataFrame({"o": OBS.reindex(cells, fill_value=0), "p": other.reindex(cells, fill_value=0)})
    ref = ref.sort_values(["p", "o"], ascending=[False, True], kind="stable")
    assert t["cell"].tolist() == ref.index.tolist()


# ----------------------------------------------------------------------------- walk: a grid's cells as Gi* values

def _area_grid():
    """Counts on 100 m cells over a box of 1,400 × 1,000 m whose study area is the square (0, 0) -
    (1000, 1000): the columns beyond x = 1,000 are outside it (zeros by construction)."""
    rng = np.random.default_rng(16)
    x = np.r_[rng.uniform(0, 1000, 300), rng.normal(250, 40, 60).clip(1, 999)]
    y = np.r_[rng.uniform(0, 1000, 300), rng.normal(750, 40, 60).clip(1, 999)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return saferstats.hotspot_count(x, y, cell_size=100, bounds=(0, 1400, 0, 1000),
                                        study_area=saferstats.StudyArea(SQUARE, crs=27700))


def test_a_grid_itself_as_values_says_how_to_pass_a_layer():
    g = _area_grid()
    with pytest.raises(InvalidInputError, match=r"`values` is a hotspot grid: pass one layer of its cells"):
        saferstats.gi_star(g, Weights.lattice(g.nrows, g.ncols))


def test_a_transposed_lattice_is_refused():
    g = _area_grid()
    assert g.nrows != g.ncols
    for stat in (saferstats.gi_star, saferstats.local_moran):
        with pytest.raises(InvalidInputError, match=rf"lattice of {g.ncols} rows × {g.nrows} columns but `values` are "
                           rf"the cells of a grid of {g.nrows} rows × {g.ncols} columns"):
            stat(g.cells["count"], Weights.lattice(g.ncols, g.nrows), permutations=0)


def test_a_whole_study_area_grid_is_warned_about_and_the_advice_works():
    g = _area_grid()
    inside = g.cells["in_study_area"].to_numpy()
    # the square's cells: centres within it (every event is inside, and in one of them)
    np.testing.assert_array_equal(inside, (g.cells["x"] < 1000).to_numpy() & (g.cells["y"] < 1000).to_numpy())
    n, out = len(inside), int((~inside).sum())
    with pytest.warns(SaferstatsWarning, match=rf"all {n} cells of a grid made over a study area, {out} of them beyond"):
        whole = saferstats.local_moran(g.cells["count"], Weights.lattice(g.nrows, g.ncols), permutations=999, seed=1)
    # the harm: Low-Low clusters beyond the edge, where nothing was counted
    assert (whole.label[~inside] == "Low-Low").any()
    mask = inside.reshape(g.nrows, g.ncols)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        kept = saferstats.local_moran(g.cells.loc[mask.ravel(), "count"], Weights.lattice(g.nrows, g.ncols, mask=mask),
                                      permutations=99, seed=1)  # (permutations=0 on counts warns: w20b)
        saferstats.global_moran(g.cells.loc[mask.ravel(), "count"], Weights.lattice(g.nrows, g.ncols, mask=mask),
                                permutations=0)
    assert kept.cells.tolist() == np.flatnonzero(inside).tolist()


# ----------------------------------------------------------------------------- walk: pai of a kde_grid surface

def test_pai_scores_a_kde_grid_surface_over_its_study_area():
    """``pai(counts, kde_grid(...))`` failed ("unhashable type: 'numpy.ndarray'"); now the surface's
    cells are scored against counts on the same cells, over its ``in_study_area`` cells with any
    cell holding events (as a grid over a study area). Reference: the same sort and shares by hand."""
    k, counts = square_kde_and_counts()
    assert counts.shape == k.density.shape
    t = saferstats.pai(counts, k)
    o, p = counts.ravel().astype(float), k.density.ravel()
    scored = k.in_study_area.ravel() | (o > 0)
    assert t.attrs["cells_outside_study_area"] == int((~scored).sum()) > 0
    ref = pd.DataFrame({"o": o, "p": p})[scored].sort_values(["p", "o"], ascending=[False, True], kind="stable")
    assert t["cell"].tolist() == ref.index.tolist()
    hit = ref["o"].cumsum().to_numpy() / o.sum()
    np.testing.assert_allclose(t["hit_rate"].to_numpy(), hit)
    np.testing.assert_allclose(t["pai"].to_numpy(), hit / (np.arange(1, scored.sum() + 1) / scored.sum()))


# ----------------------------------------------------------------------------- walk: Gi* / local Moran by label

def test_gi_star_and_local_moran_name_units_by_the_labels_of_the_values():
    """On counts indexed by LSOA code the headline said "strongest: unit 5" and ``to_pandas()`` had
    a 0..n-1 index (the same defect as pai's ``cell``): now both carry the labels. Values: esda's
    Gi* on the docs/methods/hotspots.md C5 points (tests/fixtures/hotspot_reference.json)."""
    row = next(r for r in LOCAL if r["kind"] == "gi_star" and r["name"] == "methods_c5" and r["transform"] == "B")
    pts = np.array(row["points"], dtype=float)
    w = Weights.distance_band(pts[:, 0], pts[:, 1], threshold=15)
    codes = pd.Index([f"E0104{i:04d}" for i in range(len(pts))], name="lsoa")
    v = pd.Series(row["values"], index=codes)
    g = saferstats.gi_star(v, w, permutations=0)
    t = g.to_pandas()
    assert t.index.equals(codes)
    np.testing.assert_allclose(t["z"].to_numpy(), row["z"], rtol=1e-9, atol=1e-12)
    best = codes[int(np.argmax(row["z"]))]
    assert f"strongest: '{best}' (z " in repr(g) and t["z"].idxmax() == best
    m = saferstats.local_moran(v, w, permutations=99, seed=1)
    assert m.to_pandas().index.equals(codes)
    h = m.headline()
    assert "strongest" not in h or ("strongest: 'E0104" in h and "unit " not in h.split("strongest:")[1])
    # without labels of their own, units keep their positions
    assert saferstats.gi_star(v.to_numpy(), w, permutations=0).to_pandas().index.equals(pd.RangeIndex(len(pts)))
