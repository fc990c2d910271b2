"""Session 20 (w27d): hotspot results that misled a new analyst on the shared police.uk data.

- concentration() over a grid made without a study area counted every empty cell of the points'
  box as a place, silently;
- gi_star()/local_moran() on the lattice of a whole grid named its cells "unit N";
- PaiTable, which pai() returns, was not exported;
- cluster_summary() gave clusters at two map points (or on one line) area 0 and density NaN silently.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import dacorum_lsoa11, herts_street_files, shared_path, street_latlon


def _said(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [str(m.message) for m in w if issubclass(m.category, SaferstatsWarning)]


def _gini(v: np.ndarray) -> float:
    """R ineq::Gini, written out."""
    v = np.sort(np.asarray(v, dtype=float))
    n = len(v)
    return float(2 * np.sum(np.arange(1, n + 1) * v) / (n * v.sum()) - (n + 1) / n)


@pytest.fixture(scope="module")
def watford_asb_june(shared_data: Path) -> pd.DataFrame:
    """Watford's ASB of June 2021 (LSOA name 'Watford ...', located), read with the csv module."""
    return _watford_asb([shared_path(shared_data, "street_crime/2021-06-hertfordshire-street.csv")])


def _watford_asb(files: list[Path]) -> pd.DataFrame:
    """The located anti-social behaviour records of Watford's LSOAs in ``files`` (csv module), with
    their British National Grid metres."""
    _, lat, lon = street_latlon(files, "Anti-social behaviour", lsoa="Watford")
    d = pd.DataFrame({"lat": lat, "lon": lon})
    x, y = saferstats.to_bng(d["lat"].to_numpy(), d["lon"].to_numpy())
    return d.assign(x=np.asarray(x), y=np.asarray(y))


# ------------------------------------------------------------------ 1. concentration over a box
def test_concentration_warns_of_a_grid_without_study_area(watford_asb_june):
    d = watford_asb_june
    g, _ = _said(saferstats.hotspot_count, d.x, d.y, cell_size=250)
    counts = g.cells["count"].to_numpy()
    assert len(d) == 254 and len(counts) == 432 and int((counts > 0).sum()) == 118
    c, said = _said(saferstats.concentration, g)
    # the numbers are the box's (unchanged): every cell a place
    assert c.places == 432 and c.gini == pytest.approx(_gini(counts), rel=1e-12) and round(c.gini, 2) == 0.83
    assert round(100 * c.share_of_events(0.05), 1) == 43.6
    warned = [m for m in said if m.startswith("concentration:")]
    assert len(warned) == 1
    assert "432 cells of a grid made without a study area" in warned[0]
    assert "314 hold no event, 98 of them outside the outline (convex hull)" in warned[0]
    assert "study_area='Watford'" in warned[0]
    assert c.note is not None and "98 of the places are empty cells" in c.headline()
    # a layer taken whole from its cells: the same
    _, said2 = _said(saferstats.concentration, g.cells["count"])
    assert [m for m in said2 if m.startswith("concentration:")] == warned
    # over the area (the advice): Watford's own 344 cells, no warning, a lower Gini
    ga, _ = _said(saferstats.hotspot_count, d.x, d.y, cell_size=250, study_area="Watford")
    ca, said_a = _said(saferstats.concentration, ga)
    assert ca.places == 344 and round(ca.gini, 2) == 0.77 and round(100 * ca.share_of_events(0.05), 1) == 37.8
    assert ca.note is None and not [m for m in said_a if m.startswith("concentration:")]


def test_concentration_warns_of_a_plain_grid_counts_array(watford_asb_june):
    d = watford_asb_june
    (cc, cx, cy), _ = _said(saferstats.grid_counts, d.x, d.y, cell_size=250)
    c, said = _said(saferstats.concentration, cc)
    warned = [m for m in said if m.startswith("concentration:")]
    assert len(warned) == 1 and f"plain {cc.shape[0]} × {cc.shape[1]} array" in warned[0]
    assert "grid_mask(cx, cy, counts)" in warned[0]
    # a flat list of places (LSOA counts, a filtered column) is taken as given
    _, quiet = _said(saferstats.concentration, cc.ravel())
    assert not [m for m in quiet if m.startswith("concentration:")]


def test_concentration_outline_counts_only_cells_beyond_the_events():
    # events in the middle 2 × 2 cells of a 4 × 4 box: the 12 ring cells are empty and outside
    x = [150, 250, 150, 250]
    y = [150, 150, 250, 250]
    g = saferstats.hotspot_count(x, y, cell_size=100, bounds=(0, 399, 0, 399))
    c, said = _said(saferstats.concentration, g)
    assert c.places == 16
    assert any("12 hold no event, 12 of them outside the outline" in m for m in said)
    # events in the four corners: the empty cells are inside their outline, nothing is said
    g2 = saferstats.hotspot_count([50, 350, 50, 350], [50, 50, 350, 350], cell_size=100, bounds=(0, 399, 0, 399))
    c2, said2 = _said(saferstats.concentration, g2)
    assert c2.places == 16 and c2.note is None and not [m for m in said2 if m.startswith("concentration:")]


# ------------------------------------------------------------------ 3. PaiTable exported
def test_pai_table_is_exported():
    t = saferstats.pai([6, 3, 0], [3, 2, 1])
    assert "PaiTable" in saferstats.__all__ and "PaiTable" in saferstats.hotspot.__all__
    assert saferstats.PaiTable is saferstats.hotspot.PaiTable
    assert isinstance(t, saferstats.PaiTable)
    assert t.headline().startswith("PAI of 3 cells, 9 observed events")


# ------------------------------------------------------------------ 2. Gi* names a grid's cells as the grid does
@pytest.fixture(scope="module")
def watford_asb_2021(shared_data: Path) -> pd.DataFrame:
    """Watford's located ASB of January-December 2021 (LSOA name 'Watford ...'), csv module."""
    files = sorted((shared_data / "street_crime").glob("2021-*-hertfordshire-street.csv"))
    if not files:
        pytest.skip("no Hertfordshire 2021 street files")
    return _watford_asb(files)


def test_gi_star_on_a_whole_grid_names_cells_as_the_grid(watford_asb_2021):
    d = watford_asb_2021
    g, _ = _said(saferstats.hotspot_count, d.x, d.y, cell_size=500)
    assert (len(d), g.nrows, g.ncols) == (2502, 14, 8)
    w = saferstats.Weights.lattice(g.nrows, g.ncols)
    r, said = _said(saferstats.gi_star, g.cells["count"], w, seed=1)
    top = g.top_cells(3)
    # the busiest cell of the grid's own table is the strongest hot spot: named by its cell, row and col
    assert top[["cell", "row", "col"]].iloc[0].tolist() == [36, 4, 4]
    best = int(np.argmax(r.z))
    assert best == 36 and round(float(r.z[best]), 2) == 7.09
    assert "strongest: cell 36 (row 4, col 4; z 7.09), cell 28 (row 3, col 4; z 6.90)" in repr(r)
    assert "unit 36" not in repr(r)
    t = r.to_pandas()
    assert list(t.columns[:4]) == ["cell", "row", "col", "g"]
    assert t.loc[36, ["cell", "row", "col"]].tolist() == [36, 4, 4]
    # the notebook's table gives the centre as the grid does
    page = r._repr_html_()
    x36, y36 = g.cells.loc[36, ["x", "y"]]
    assert "<th>cell</th><th>row</th><th>col</th><th>x</th><th>y</th>" in page
    assert f"<td>36</td><td>4</td><td>4</td><td>{x36:,.0f}</td><td>{y36:,.0f}</td>" in page
    # the empty-neighbourhood warning names the cell the same way
    assert any("(first: cell 47 (row 5, col 7))" in m for m in said)
    # Local Moran too
    m, _ = _said(saferstats.local_moran, g.cells["count"], w, seed=1)
    assert "strongest: cell 36 (row 4, col 4; p_sim 0.001)" in repr(m)


def test_gi_star_on_grid_counts_names_row_and_col(watford_asb_2021):
    d = watford_asb_2021
    (cc, cx, cy), _ = _said(saferstats.grid_counts, d.x, d.y, cell_size=500)
    r, _ = _said(saferstats.gi_star, cc.ravel(), saferstats.Weights.lattice(*cc.shape), permutations=0)
    best = int(np.argmax(r.z))
    row, col = divmod(best, cc.shape[1])
    assert cc[row, col] == cc.max()   # the cell named holds the most events
    assert f"strongest: cell {best} (row {row}, col {col}; z " in repr(r)
    t = r.to_pandas()   # a plain array: the table as before, its index the cell
    assert list(t.columns) == ["g", "z", "p_norm", "p_sim", "label"] and t.index.name == "cell"


def test_gi_star_distance_band_over_a_hex_grid_names_cells():
    g = saferstats.hotspot_count([0, 10, 20, 300, 310, 320, 330, 600], [0, 0, 10, 300, 300, 310, 300, 0],
                                 cell_size=100, grid_type="hex", bounds=(0, 700, 0, 400))
    w = saferstats.Weights.distance_band(g.cells["x"], g.cells["y"], threshold=101)
    r = saferstats.gi_star(g.cells["count"], w, permutations=0)
    t = r.to_pandas()
    assert list(t.columns[:3]) == ["cell", "row", "col"]
    assert t["cell"].tolist() == g.cells["cell"].tolist()
    assert (t["row"] == g.cells["cell"] // g.ncols).all() and (t["col"] == g.cells["cell"] % g.ncols).all()
    # points (no grid): units stay positions
    p = saferstats.gi_star([2, 3, 3.2, 5, 8, 7], saferstats.Weights.distance_band(
        [10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15), permutations=0)
    assert "strongest: unit 5 (z 2.02)" in repr(p) and p.where is None


# ------------------------------------------------------------------ 4. clusters without an area say why
def test_cluster_at_two_points_or_on_a_line_says_why_no_density():
    lat = [51.5, 51.501, 51.5, 51.501, 51.6, 51.6, 51.7, 51.7, 51.8, 51.801, 51.802]
    lon = [-0.12, -0.12, -0.119, -0.119, -0.2, -0.2001, -0.3, -0.3, -0.4, -0.4, -0.4]
    t, said = _said(saferstats.cluster_summary, lat, lon, [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3])
    assert t["locations"].tolist() == [4, 2, 1, 3]
    assert t["area_m2"].iloc[0] > 0 and (t["area_m2"].iloc[1:] == 0).all()
    assert np.isfinite(t["density_per_km2"].iloc[0]) and t["density_per_km2"].iloc[1:].isna().all()
    assert t["note"].tolist() == ["", "two map locations: no area (a line), no density",
                                  "one map location: no area, no density",
                                  "3 map locations on one line: no area, no density"]
    cols = list(t.columns)
    assert cols.index("note") == cols.index("density_per_km2") + 1
    flat = [m for m in said if "have no outline" in m]
    assert len(flat) == 1 and flat[0].startswith("cluster_summary: 2 of 4 clusters have no outline (labels [1, 3])")
    assert "density_per_km2 is NaN" in flat[0]
    single = [m for m in said if "is one location" in m]  # 1 of 4 clusters: the singular since session 35
    assert len(single) == 1 and "density_per_km2 NaN" in single[0]
    assert t.attrs["no_area_clusters"] == 3
    assert "; 2 have their points at two map locations or on one line (no area, density NaN: see note)" in t.headline()
    # written out, the note goes with the cluster
    import json
    text, _ = _said(t.to_geojson)
    props = [f["properties"] for f in json.loads(text)["features"]]
    assert props[1]["note"].startswith("two map locations") and props[0]["note"] == ""


def test_dacorum_two_point_clusters_are_named(shared_data):
    _, lat, lon = street_latlon(herts_street_files(shared_data), "Anti-social behaviour")
    if len(lat) < 1000:
        pytest.skip("no Hertfordshire street files")
    lab, _ = _said(saferstats.dbscan, lat, lon, eps_m=100, min_samples=10, study_area="Dacorum")
    t, said = _said(saferstats.cluster_summary, lat, lon, lab)
    two = t[(t.locations == 2)]
    assert len(t) == 98 and len(two) == 20 and (two.area_m2 == 0).all() and two.density_per_km2.isna().all()
    assert (two.note == "two map locations: no area (a line), no density").all()
    flat = [m for m in said if "have no outline" in m]
    assert len(flat) == 1 and flat[0].startswith("cluster_summary: 20 of 98 clusters have no outline (labels [")
    # every cluster without a density says why
    assert (t.note[t.density_per_km2.isna()] != "").all()
    # 5. the densest clusters are thin triangles between three map points: said, and marked
    tri = [m for m in said if "outline joins only 3 map locations" in m]
    assert len(tri) == 1
    assert tri[0].startswith("cluster_summary: the highest density_per_km2 (33,459, label 11, 15 points)")
    assert "as are the 10 highest" in tri[0] and "(the densest cluster of 4 or more locations: 9,248)" in tri[0]
    top = t.sort_values("density_per_km2", ascending=False).head(10)
    assert (top.locations == 3).all() and top.note.str.startswith("outline of only 3 map locations").all()
    assert (t.note[t.density_per_km2.notna() & (t.locations != 3)] == "").all()


def test_densest_cluster_a_triangle_of_three_points_is_said():
    # cluster 0: 12 records at 3 map points ~100 m apart on an almost straight line (a thin triangle);
    # cluster 1: 12 records at 6 points spread over ~100 m
    lat = [51.5] * 4 + [51.5009] * 4 + [51.50181] * 4 + list(51.6 + 0.0009 * np.array([0, 1, 0, 1, 0.5, 0.5] * 2))
    lon = [-0.12] * 4 + [-0.12] * 4 + [-0.12003] * 4 + list(-0.2 + 0.0014 * np.array([0, 0, 1, 1, 0.2, 0.8] * 2))
    t, said = _said(saferstats.cluster_summary, lat, lon, [0] * 12 + [1] * 12)
    assert t["locations"].tolist() == [3, 6]
    assert t["density_per_km2"].iloc[0] > 10 * t["density_per_km2"].iloc[1]
    assert t["note"].tolist() == ["outline of only 3 map locations: its area, so its density, is the triangle "
                                  "between them", ""]
    tri = [m for m in said if "outline joins only 3 map locations" in m]
    assert len(tri) == 1 and "label 0, 12 points" in tri[0] and "Rank clusters by n" in tri[0]
    # the densest with 4 or more locations: nothing said
    _, quiet = _said(saferstats.cluster_summary, lat, lon, [-1] * 12 + [1] * 12)
    assert not [m for m in quiet if "outline joins only 3 map locations" in m]


def test_concentration_of_a_kde_surface_over_a_study_area_counts_its_cells(watford_asb_june):
    d = watford_asb_june
    k, _ = _said(saferstats.kde_grid, d.x, d.y, cell_size=250, bandwidth=500, study_area="Watford")
    inside = np.asarray(k.in_study_area, dtype=bool)
    assert 0 < inside.sum() < inside.size
    c, said = _said(saferstats.concentration, k)
    assert c.places == int(inside.sum())
    assert c.gini == pytest.approx(_gini(k.density[inside]), rel=1e-12)
    assert c.note is None and not [m for m in said if m.startswith("concentration:")]
    # without a study area: every cell of the box, with the warning
    k2, _ = _said(saferstats.kde_grid, d.x, d.y, cell_size=250, bandwidth=500)
    c2, said2 = _said(saferstats.concentration, k2)
    assert c2.places == k2.density.size
    assert any("a kde_grid surface made without a study area" in m for m in said2) == (c2.note is not None)


# ------------------------------------------------------------------ 5. pai over a grid's whole box
def _watford_month(shared_data: Path, month: str) -> tuple[np.ndarray, np.ndarray]:
    d = _watford_asb([shared_path(shared_data, f"street_crime/{month}-hertfordshire-street.csv")])
    return d["x"].to_numpy(), d["y"].to_numpy()


def test_pai_warns_of_a_grid_without_study_area(shared_data):
    x6, y6 = _watford_month(shared_data, "2021-06")
    x7, y7 = _watford_month(shared_data, "2021-07")
    g, _ = _said(saferstats.hotspot_count, x6, y6, cell_size=250)
    o, _ = _said(saferstats.hotspot_count, x7, y7, grid=g)
    t, said = _said(saferstats.pai, o, g, train="2021-06", test="2021-07")
    assert len(t) == 432 and int(t["observed"].sum()) == 270
    k5 = int(np.flatnonzero(t["coverage"].to_numpy() >= 0.05)[0])
    assert round(float(t["pai"].iloc[k5]), 2) == 5.82   # the box's figure, unchanged
    warned = [m for m in said if m.startswith("pai: the cells scored")]
    assert len(warned) == 1 and "432 cells of a grid made without a study area" in warned[0]
    assert "85 outside the outline (convex hull)" in warned[0]
    assert t.attrs["note"].startswith("85 of the cells are empty")
    assert "; 85 of the cells are empty" in t.headline() and t.headline().endswith("(train 2021-06; test 2021-07)")
    # over Watford's cells: no warning, and the lower PAI the warning quotes
    ga, _ = _said(saferstats.hotspot_count, x6, y6, cell_size=250, study_area="Watford")
    oa, _ = _said(saferstats.hotspot_count, x7, y7, grid=ga, study_area="Watford")
    ta, said_a = _said(saferstats.pai, oa, ga, train="2021-06", test="2021-07")
    k5 = int(np.flatnonzero(ta["coverage"].to_numpy() >= 0.05)[0])
    assert len(ta) == 345 and round(float(ta["pai"].iloc[k5]), 2) == 5.17
    assert "note" not in ta.attrs and not [m for m in said_a if m.startswith("pai: the cells scored")]
    # plain lists of cells: nothing to say
    _, quiet = _said(saferstats.pai, [6, 3, 0, 0], [3, 2, 1, 0])
    assert not [m for m in quiet if m.startswith("pai:")]


# ------------------------------------------------------------------ 5. concentration over listed areas only
def test_concentration_of_areas_listed_only_with_events_is_warned(shared_data):
    f = shared_path(shared_data, "fly_tipping/fixmystreet_LSOA_yearly/2019.csv")
    with open(f, newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = sorted(dacorum_lsoa11(shared_data))   # Dacorum's 94 LSOAs 2011, from the ONS lookups (w46a)
    listed = pd.Series({r["lsoa"]: float(r["reports"]) for r in rows
                        if r["SHEF_A_CODE"] == "A29" and r["lsoa"] in set(codes)})
    c, said = _said(saferstats.concentration, listed)
    assert (c.places, round(c.gini, 2)) == (46, 0.50)
    warned = [m for m in said if m.startswith("concentration: every one of the 46 places")]
    assert len(warned) == 1 and "46 of them are LSOAs of Dacorum, which has 96 LSOAs (2021" in warned[0]
    assert "counts.reindex(all_area_codes, fill_value=0)" in warned[0]
    # with the missing LSOAs as 0: no warning, the Gini the warning quotes
    full, said_full = _said(saferstats.concentration, listed.reindex(codes, fill_value=0))
    assert (full.places, round(full.gini, 2)) == (94, 0.76)
    assert not [m for m in said_full if m.startswith("concentration:")]
    # a plain list, or places that are not small areas (forces, local authorities): nothing said
    _, quiet = _said(saferstats.concentration, list(listed.values))
    _, quiet_la = _said(saferstats.concentration, pd.Series([5.0, 3, 2, 7, 1], index=[f"E0600000{i}" for i in range(5)]))
    assert not [m for m in quiet + quiet_la if m.startswith("concentration:")]


# ------------------------------------------------------------------ 5. Gi* over a grid's whole box
def test_gi_star_over_a_grid_without_study_area_is_warned(watford_asb_june):
    d = watford_asb_june
    g, _ = _said(saferstats.hotspot_count, d.x, d.y, cell_size=250)
    w = saferstats.Weights.lattice(g.nrows, g.ncols)
    r, said = _said(saferstats.gi_star, g.cells["count"], w, permutations=0)
    hot = int(pd.Series(r.label).str.startswith("Hot").sum())
    assert (len(g.cells), hot) == (432, 37)
    warned = [m for m in said if m.startswith("`values` are the 432 cells of a grid made without a study area")]
    assert len(warned) == 1 and "98 of them lie outside the outline (convex hull)" in warned[0]
    # over Watford's own cells (the advice): 25 hot spots, no such warning
    ga, _ = _said(saferstats.hotspot_count, d.x, d.y, cell_size=250, study_area="Watford")
    m = ga.cells["in_study_area"].to_numpy().reshape(ga.nrows, ga.ncols)
    ra, said_a = _said(saferstats.gi_star, ga.cells.loc[m.ravel(), "count"],
                       saferstats.Weights.lattice(ga.nrows, ga.ncols, mask=m), permutations=0)
    assert (int(m.sum()), int(pd.Series(ra.label).str.startswith("Hot").sum())) == (344, 25)
    assert not [m for m in said_a if "grid made without a study area" in m]
    # global Moran's I reads the same values: the same warning
    _, said_g = _said(saferstats.global_moran, g.cells["count"], w, permutations=0)
    assert [m for m in said_g if m.startswith("`values` are the 432 cells")] == warned


def test_hotspot_classify_over_a_grid_without_study_area_is_warned(shared_data):
    month, lat, lon = street_latlon(herts_street_files(shared_data), "Anti-social behaviour", lsoa="Watford")
    if len(lat) < 1000:
        pytest.skip("no Hertfordshire street files")
    x, y = saferstats.to_bng(lat, lon)
    c, said = _said(saferstats.hotspot_classify, x, y, month, cell_size=250, seed=1)
    counts = c.cells["hotspot_category"].value_counts().to_dict()
    assert len(c.cells) == 448 and counts.get("persistent hotspot") == 10 and counts.get("intermittent hotspot") == 4
    warned = [m for m in said if m.startswith("hotspot_classify: the grid was made without a study area")]
    assert len(warned) == 1 and "93 of its 448 cells lie outside the outline (convex hull)" in warned[0]
    ca, said_a = _said(saferstats.hotspot_classify, x, y, month, cell_size=250, seed=1, study_area="Watford")
    counts_a = ca.cells["hotspot_category"].value_counts().to_dict()
    assert (counts_a.get("persistent hotspot"), counts_a.get("intermittent hotspot"), counts_a.get("former hotspot"),
            counts_a.get("emerging hotspot")) == (6, 6, 2, 1)
    assert not [m for m in said_a if "made without a study area" in m]
