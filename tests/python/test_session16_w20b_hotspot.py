"""Hotspot follow-ups of session 16 (w20b), each a defect found walking police.uk street crime for
one Hertfordshire district (Watford ASB, 2021):

1. ``StudyArea.note()`` of a polygon read "study area the study area polygon: ..." (``describe()``
   returned the polygon's ``name``); the hotspot code stripped it at one place. Now ``describe()`` is
   "polygon" and ``note()`` reads "the study area <describe()>: ..." for every area.
2. ``to_geodataframe`` of a ``hotspot_kde`` grid (or a ``kde_grid`` surface) made over a study area
   kept the density the kernel spread beyond the edge (Watford: 42 cells outside, up to 56 events
   per km²), so a map drew hotspots outside the area; ``write_ascii_grid`` already wrote NaN there.
3. ``local_moran(permutations=0)`` on counts labelled on the normal approximation silently.
4. ``pai`` of a surface's ``density`` array: scored over the whole box, silently (20.7 against 12.5).
5. ``grid_counts(..., study_area=)`` — "the lattice for Weights.lattice and gi_star" — gave the
   cells beyond the area's edge as zeros with no word: Gi* over the box found 21 hot spots and no
   cold spot in Watford, 14 and 7 over the area's cells.

References: cell membership by shapely; PAI by sorting with pandas; the normal p by scipy; Gi* z by
numpy (conftest.gi_star_z_reference, Getis & Ord 1992) with scipy's normal thresholds."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import gi_star_z_reference, herts_street_points, square_kde_and_counts

import saferstats
from saferstats import SaferstatsWarning, Weights
from warning_capture import saferstats_messages

SQUARE = np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0], [0.0, 1000.0], [0.0, 0.0]])
TRIANGLE = np.array([[0.0, 0.0], [1000.0, 0.0], [0.0, 1000.0], [0.0, 0.0]])


def _quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return f(*a, **k)


_messages = saferstats_messages  # fn(*args, **kwargs) and its warnings' messages (tests/python/warning_capture.py)


@pytest.fixture(scope="module")
def watford_asb(shared_data):
    """Watford's ASB (British National Grid) of the 2021 police.uk files: (month, x, y) of all
    Hertfordshire's located ASB records (the functions keep Watford's by ``study_area``)."""
    m, x, y = herts_street_points(shared_data, "Anti-social behaviour", last_month="2021-12")
    return m, x, y


# ----------------------------------------------------------------------------- 1. the polygon's name

def test_describe_and_note_name_a_polygon_once():
    area = saferstats.StudyArea(SQUARE, crs=27700)
    assert area.describe() == "polygon"
    where = area.outside_xy([5000.0], [5000.0])
    assert area.note(1, where).startswith("the study area polygon: 1 of 2 points inside; 1 outside were left out (")
    named = saferstats.StudyArea("Stevenage", level="la")
    assert named.note(5, named.outside_xy([], [])) == "the study area Stevenage (local authority E07000243): 5 of 5 points inside"
    # the hotspot functions say it as the note does (no strip of a doubled phrase)
    _, texts = _messages(saferstats.kde_grid, [500.0, 5000.0], [500.0, 5000.0], cell_size=100, bandwidth=200,
                         study_area=area)
    assert area.note(1, where) in texts
    assert not any("study area the study area" in t for t in texts)


# ----------------------------------------------------------------------------- 2. the map frame beyond the edge

def test_to_geodataframe_blanks_every_layer_beyond_the_study_area():
    shapely = pytest.importorskip("shapely")
    pytest.importorskip("geopandas")
    area = saferstats.StudyArea(SQUARE, crs=27700)
    x, y = np.array([40.0, 50, 60, 600]), np.array([540.0, 560, 550, 300])
    g = _quiet(saferstats.hotspot_kde, x, y, cell_size=300, bandwidth=400, bounds=(-500, 1500, -500, 1500),
               study_area=area)
    gdf = saferstats.geo.to_geodataframe(g)
    # the area's cells, independently: centre in the square (shapely) or holding one of its points
    centre_in = shapely.contains_xy(shapely.Polygon(SQUARE), gdf["x"].to_numpy(), gdf["y"].to_numpy())
    holds = np.array([((np.abs(x - cx) <= 150) & (np.abs(y - cy) <= 150)).any() for cx, cy in zip(gdf["x"], gdf["y"])])
    inside = centre_in | holds
    np.testing.assert_array_equal(gdf["in_study_area"].to_numpy(), inside)
    assert (g.cells.loc[~inside, "kde"] > 0).any()  # the kernel reaches beyond the edge ...
    for layer in ("kde", "count"):                  # ... the map frame leaves it blank
        assert gdf.loc[~inside, layer].isna().all()
        np.testing.assert_array_equal(gdf.loc[inside, layer].to_numpy(), g.cells.loc[inside, layer].to_numpy())
    assert g.cells["kde"].notna().all()             # the grid itself keeps the surface
    # the frame's columns are still the grid's layers: pai scores them over the area, as the grid
    a, b = saferstats.pai(gdf["count"], gdf["kde"]), saferstats.pai(g.layer("count"), g)
    np.testing.assert_allclose(a["pai"].to_numpy(), b["pai"].to_numpy())
    assert a.attrs["cells_outside_study_area"] == b.attrs["cells_outside_study_area"] == int((~inside).sum())


def test_to_geodataframe_of_a_kde_surface_matches_the_ascii_grid(tmp_path):
    pytest.importorskip("geopandas")
    pytest.importorskip("pyproj")
    area = saferstats.StudyArea(TRIANGLE, crs=27700)
    k = _quiet(saferstats.kde_grid, [100.0, 200, 300], [100.0, 150, 400], cell_size=100, bandwidth=300, study_area=area)
    gdf = saferstats.geo.to_geodataframe(k)
    inside = k.in_study_area.ravel()
    assert (k.density.ravel()[~inside] > 0).any()
    body = np.loadtxt(saferstats.geo.write_ascii_grid(k, tmp_path / "k.asc"), skiprows=6)[::-1].ravel()
    np.testing.assert_array_equal(gdf["density"].isna().to_numpy(), body == -9999)
    np.testing.assert_allclose(gdf.loc[inside, "density"].to_numpy(), body[inside], rtol=1e-9)
    assert gdf["in_study_area"].tolist() == inside.tolist()


def test_watford_hotspot_kde_map_has_no_density_outside(watford_asb):
    pytest.importorskip("geopandas")
    _, x, y = watford_asb
    g = _quiet(saferstats.hotspot_kde, x, y, cell_size=500, study_area="Watford")
    gdf = saferstats.geo.to_geodataframe(g)
    beyond = ~g.cells["in_study_area"].to_numpy()
    spread = g.cells["kde"].to_numpy()[beyond]
    # the figures of the docstring: 42 cells beyond the edge with a density, up to 56 per km²
    assert int((spread > 0).sum()) == 42 and int(spread.max()) == 56
    assert gdf.loc[beyond, "kde"].isna().all() and gdf.loc[~beyond, "kde"].notna().all()
    assert float(gdf["kde"].max()) == float(g.cells.loc[~beyond, "kde"].max())


# ----------------------------------------------------------------------------- 3. local_moran without permutations

W6 = Weights.distance_band([10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15)


@pytest.mark.parametrize("values", [[2, 3, 3, 5, 8, 7], np.array([0, 1, 0, 4, 9, 2]), [2.0, 3.0, 3.0, 5.0, 8.0, 7.0]])
def test_local_moran_without_permutations_on_counts_warns(values):
    _, texts = _messages(saferstats.local_moran, values, W6, permutations=0)
    assert any(t.startswith("local_moran: permutations=0 labels on p_norm") and "Use permutations" in t
               for t in texts), texts


@pytest.mark.parametrize("values, permutations", [([2, 3, 3.2, 5, 8, 7], 0), ([-2, 3, 3, 5, 8, 7], 0),
                                                  ([2, 3, 3, 5, 8, 7], 99)])
def test_local_moran_quiet_on_other_values_or_with_permutations(values, permutations):
    _, texts = _messages(saferstats.local_moran, values, W6, permutations=permutations, seed=1)
    assert not any("permutations=0" in t for t in texts), texts


def test_local_moran_warning_figures_on_watford(watford_asb):
    """The warning's figures: Watford ASB 2021 on the area's 500 m cells."""
    stats = pytest.importorskip("scipy.stats")
    _, x, y = watford_asb
    g = _quiet(saferstats.hotspot_count, x, y, cell_size=500, study_area="Watford")
    mask = g.cells["in_study_area"].to_numpy().reshape(g.nrows, g.ncols)
    v, w = g.cells.loc[mask.ravel(), "count"], Weights.lattice(g.nrows, g.ncols, mask=mask)
    normal, texts = _messages(saferstats.local_moran, v, w, permutations=0)
    perm = _quiet(saferstats.local_moran, v, w, permutations=999, seed=1)
    (msg,) = [t for t in texts if t.startswith("local_moran: permutations=0")]
    top = int(np.argmin(normal.p_norm))
    np.testing.assert_allclose(normal.p_norm, stats.norm.sf(np.abs(normal.z)), rtol=1e-6)  # the one-sided normal p
    assert f"{normal.p_norm[top]:.0e}" == "2e-174" and "p_norm 2e-174 for the top cell" in msg
    assert perm.p_sim[top] == pytest.approx(1 / 1000) and "p_sim 0.001" in msg
    n_ll, p_ll = int((normal.label == "Low-Low").sum()), int((perm.label == "Low-Low").sum())
    assert (n_ll, p_ll) == (0, 11) and "no Low-Low cell, where the permutations find 11" in msg


# ----------------------------------------------------------------------------- 4. pai of a plain density array

def test_pai_warns_on_a_plain_2d_surface_and_not_on_the_surface_itself():
    k, counts = square_kde_and_counts()
    whole, texts = _messages(saferstats.pai, counts, k.density)
    assert any(t.startswith("pai: `observed` is a plain 20 × 20 array, so every cell of its box is scored") for t in texts)
    # the remedies the warning gives: the surface itself, or both arrays kept to the area's cells
    by_surface, quiet = _messages(saferstats.pai, counts, k)
    assert not any("plain" in t for t in quiet)
    m = k.in_study_area | (counts > 0)
    by_mask, quiet = _messages(saferstats.pai, counts[m], k.density[m])
    assert not any("plain" in t for t in quiet)
    np.testing.assert_allclose(by_mask["pai"].to_numpy(), by_surface["pai"].to_numpy())
    assert len(whole) == counts.size > len(by_surface)
    # flat arrays and grids say nothing (no box to speak of, or a grid knows its area)
    assert not any("plain" in t for t in _messages(saferstats.pai, counts.ravel(), k.density.ravel())[1])


def test_pai_warning_figures_on_watford(watford_asb):
    m, x, y = watford_asb
    train, test = m <= "2021-09", m >= "2021-10"
    k = _quiet(saferstats.kde_grid, x[train], y[train], cell_size=250, study_area="Watford")
    counts, cx, cy = _quiet(saferstats.grid_counts, x[test], y[test], cell_size=250, study_area="Watford")
    np.testing.assert_allclose(cx, k.x)
    np.testing.assert_allclose(cy, k.y)
    _, texts = _messages(saferstats.pai, counts, k.density)
    (msg,) = [t for t in texts if t.startswith("pai: `observed` is a plain")]

    def pai5(keep):  # by hand: cells by density descending, ties by fewer events; the top 5 cells
        o, p = counts.ravel()[keep].astype(float), k.density.ravel()[keep]
        ref = pd.DataFrame({"o": o, "p": p}).sort_values(["p", "o"], ascending=[False, True], kind="stable")
        return (ref["o"].iloc[:5].sum() / o.sum()) / (5 / len(o))

    whole, area = pai5(np.ones(counts.size, bool)), pai5((k.in_study_area | (counts > 0)).ravel())
    assert "20.7 at the top 5 cells against 12.5" in msg and (round(whole, 1), round(area, 1)) == (20.7, 12.5)
    assert saferstats.pai(counts, k)["pai"].iloc[4] == pytest.approx(area)


# ----------------------------------------------------------------------------- 5. grid_counts beyond the edge

def test_grid_counts_over_a_study_area_warns_of_the_cells_beyond_its_edge():
    shapely = pytest.importorskip("shapely")
    area = saferstats.StudyArea(TRIANGLE, crs=27700)
    x, y = np.array([100.0, 120, 300, 50, 700]), np.array([100.0, 130, 200, 800, 100])
    (counts, cx, cy), texts = _messages(saferstats.grid_counts, x, y, cell_size=100, study_area=area)
    gx, gy = np.meshgrid(cx, cy)
    beyond = ~shapely.contains_xy(shapely.Polygon(TRIANGLE), gx, gy) & (counts == 0)
    assert int(beyond.sum()) > 0 and (counts[beyond] == 0).all()
    (msg,) = [t for t in texts if t.startswith("grid_counts:")]
    assert msg.startswith(f"grid_counts: {int(beyond.sum())} of {counts.size} cells of the box of the study area "
                          "polygon are beyond its edge and hold 0 by construction")
    # the code it gives keeps exactly the area's cells, and runs
    keep = saferstats.StudyArea(area).grid_mask(cx, cy, counts)
    np.testing.assert_array_equal(keep, ~beyond)
    gi = _quiet(saferstats.gi_star, counts[keep], Weights.lattice(*counts.shape, mask=keep), permutations=0)
    assert len(gi.z) == int(keep.sum())
    # without a study area nothing is beyond anything
    _, texts = _messages(saferstats.grid_counts, x, y, cell_size=100)
    assert not any(t.startswith("grid_counts:") for t in texts)


def test_grid_counts_warning_figures_on_watford(watford_asb):
    stats = pytest.importorskip("scipy.stats")
    _, x, y = watford_asb
    (counts, cx, cy), texts = _messages(saferstats.grid_counts, x, y, cell_size=500, study_area="Watford")
    (msg,) = [t for t in texts if t.startswith("grid_counts:")]
    keep = saferstats.StudyArea("Watford").grid_mask(cx, cy, counts)
    assert msg.startswith(f"grid_counts: {int((~keep).sum())} of {counts.size} cells")
    assert "keep = saferstats.StudyArea('Watford').grid_mask(cx, cy, counts)" in msg
    gx, gy = np.meshgrid(cx, cy)
    crit = stats.norm.isf(0.05)  # 90% two-sided: the weakest label

    def spots(sel):  # numpy's Gi* z over the cells kept, queen neighbours among them
        z = gi_star_z_reference(counts[sel], gx[sel], gy[sel], 500)
        return int((z > crit).sum()), int((z < -crit).sum())

    whole, area = spots(np.ones_like(keep)), spots(keep)
    assert (whole, area) == ((21, 0), (14, 7))
    assert "21 hot spots and no cold spot over the whole box, 14 and 7 over the area's cells" in msg
    lib = _quiet(saferstats.gi_star, counts[keep], Weights.lattice(*counts.shape, mask=keep), permutations=0)
    assert ((lib.z > crit).sum(), (lib.z < -crit).sum()) == area


# ----------------------------------------------------------------------------- 6. nnh over a study area -> cluster_summary

def test_nnh_rows_are_positions_and_cluster_summary_says_how_to_use_them(shared_data):
    """nnh's docstring said to pass ``lat[r.rows]`` to cluster_summary: ``rows`` are positions, so
    on a frame's column (index labels of the filtered file) that was a KeyError, and on a sorted
    frame other records; the full lat/lon gave a bare length mismatch. Reference: the mean centre
    of each order-1 cluster (nnh's own, from x/y) against numpy's mean of the British National Grid
    coordinates of the records passed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        df = saferstats.read_street_crime(sorted((shared_data / "street_crime").glob("2021-1[0-2]-hertfordshire-street.csv")))
        asb = df[(df.crime_type == "Anti-social behaviour") & df.latitude.notna()].sort_values("location")
        x, y = saferstats.to_bng(asb.latitude, asb.longitude)
        r = saferstats.nnh(x, y, study_area="Watford", min_points=10)
    lab = r.order(1)
    assert (lab >= 0).any() and len(lab) < len(asb)
    with pytest.raises(saferstats.LengthMismatchError,
                       match=r"pass their coordinates, taken by position: .*cluster_summary\(lat\.iloc\[r\.rows\], "
                             r"lon\.iloc\[r\.rows\], r\.order\(1\)\)"):
        saferstats.cluster_summary(asb.latitude, asb.longitude, lab)
    lat, lon = asb.latitude.iloc[r.rows], asb.longitude.iloc[r.rows]
    t = _quiet(saferstats.cluster_summary, lat, lon, lab)
    np.testing.assert_array_equal(t["n"].to_numpy(), np.bincount(lab[lab >= 0]))
    px, py = saferstats.to_bng(lat.to_numpy(), lon.to_numpy())
    first = r.clusters[r.clusters["order"] == 1].sort_values("cluster")
    np.testing.assert_allclose(first[["x", "y"]].to_numpy(),
                               [(px[lab == c].mean(), py[lab == c].mean()) for c in first["cluster"]], atol=1e-6)
    # the old advice, by label, takes other records (or none) of a sorted frame
    with pytest.raises(KeyError):
        asb.latitude[r.rows]
