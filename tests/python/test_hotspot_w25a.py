"""Hotspot follow-ups of session 19 (w25a), on the police.uk files as published:

1. ``HotspotGrid``'s notebook table showed the first ten cells of the grid, which over a study
   area are the corner of its extent, outside the area and empty (Stevenage ASB, June 2021: cells
   0-9, all ``in_study_area`` False and count 0). It now gives the headline (cells, cells in the
   study area, events counted, events left out) and the area's top cells (row, column, count,
   share), saying how many are shown.
2. ``hotspot_change``'s whole-area test (its warning and ``baseline="area"``) added the events a
   given grid's cells hold beyond its study area's edge (Three Rivers, March to April 2021, on its
   grid with the force's events: "from 370 to 461, p = 0.0018", where its own went 121 to 133).
3. ``dbscan``/``hdbscan`` said nothing when every point was noise (Stevenage ASB, June 2021,
   ``eps_m=50, min_samples=10``: all 323 points); they now warn, naming the parameters and what
   would make a cluster.

References: counts, shares, binomial tests and neighbourhoods recomputed with numpy (haversine
distances; the binomial test as R ``binom.test``, exact two-sided).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError, SaferstatsWarning
from warning_capture import saferstats_messages


def _asb(shared_data, month: str) -> pd.DataFrame:
    df = pd.read_csv(shared_data / "street_crime" / f"{month}-hertfordshire-street.csv")
    return df[(df["Crime type"] == "Anti-social behaviour") & df["Latitude"].notna()].reset_index(drop=True)


def _bng(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    x, y = saferstats.to_bng(df["Latitude"], df["Longitude"])
    return np.asarray(x), np.asarray(y)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return fn(*args, **kwargs)


def _binom_two_sided(k: int, n: int) -> float:
    """R ``binom.test(k, n, 0.5)$p.value``: the outcomes no more likely than k (relative tolerance 1e-7)."""
    from math import comb

    pmf = np.array([comb(n, i) for i in range(n + 1)], dtype=float) / 2.0 ** n
    return float(min(1.0, pmf[pmf <= pmf[k] * (1 + 1e-7)].sum()))


# --- 2. hotspot_change: the area's totals are the area's events -----------------------------------


def test_change_whole_area_warning_counts_only_the_study_areas_cells(shared_data):
    """Three Rivers, ASB in March and April 2021, counted on its own 250 m grid with the force's
    events (no ``study_area=``): 370 -> 461 events on the grid (p = 0.0018) but 121 -> 133 in the
    district's cells (p = 0.49). The warning said the area's count had changed significantly."""
    xm, ym = _bng(_asb(shared_data, "2021-03"))
    xa, ya = _bng(_asb(shared_data, "2021-04"))
    g = _quiet(saferstats.hotspot_grid, xm, ym, cell_size=250, study_area="Three Rivers")
    out, msgs = saferstats_messages(saferstats.hotspot_change, xm, ym, xa, ya, grid=g)
    inside = out.cells["in_study_area"].to_numpy()
    nb, na = int(out.cells["count_before"][inside].sum()), int(out.cells["count_after"][inside].sum())
    allb, alla = int(out.cells["count_before"].sum()), int(out.cells["count_after"].sum())
    assert (nb, na) == (121, 133) and (allb, alla) == (370, 461)
    assert _binom_two_sided(na, nb + na) > 0.4 and _binom_two_sided(alla, allb + alla) < 0.01
    assert not [m for m in msgs if "whole area's count changed" in m], msgs
    assert any("beyond the study area's edge" in m and "the area's totals" in m for m in msgs)


def test_change_whole_area_warning_given_when_the_areas_own_change_is_significant(shared_data):
    """Welwyn Hatfield, March to April 2021: its own cells went 273 -> 218 (p = 0.015), which the
    events beyond its edge hid (348 -> 321 on the grid, p = 0.31): now warned, with its numbers."""
    xm, ym = _bng(_asb(shared_data, "2021-03"))
    xa, ya = _bng(_asb(shared_data, "2021-04"))
    g = _quiet(saferstats.hotspot_grid, xm, ym, cell_size=250, study_area="Welwyn Hatfield")
    _, msgs = saferstats_messages(saferstats.hotspot_change, xm, ym, xa, ya, grid=g)
    p = _binom_two_sided(218, 273 + 218)
    whole = [m for m in msgs if "whole area's count changed" in m]
    assert len(whole) == 1 and "from 273 to 218" in whole[0] and f"p = {p:.2g}" in whole[0]
    assert "counting the study area's events in the grid's cells" in whole[0]


def test_change_baseline_area_uses_the_areas_own_totals():
    """``baseline="area"``: each cell's ratio is relative to the area's change (after/A)/(before/B),
    with A and B the events in the area's cells only (two events beyond the edge in the after
    period no longer shift every cell's ratio)."""
    sq = saferstats.StudyArea([(0, 0), (200, 0), (200, 200), (0, 200), (0, 0)], crs=27700)
    xb, yb = [50, 50, 150, 150], [50, 150, 50, 150]
    g = _quiet(saferstats.hotspot_grid, xb, yb, cell_size=100, bounds=(0, 399, 0, 199), study_area=sq)
    assert g.cells["in_study_area"].tolist() == [True, True, False, False] * 2
    xa, ya = xb + [350, 350], yb + [50, 150]      # the area's four events again, and two beyond its edge
    out, msgs = saferstats_messages(saferstats.hotspot_change, xb, yb, xa, ya, grid=g, baseline="area")
    inside = out.cells["in_study_area"].to_numpy()
    assert np.allclose(out.cells["ratio"][inside], 1.0)          # (1/4)/(1/4); was (1/6)/(1/4)
    assert out.cells["ratio"][~inside].isna().all()
    assert any("beyond the study area's edge" in m for m in msgs)


def test_change_baseline_area_refuses_an_area_with_no_event_in_a_period():
    sq = saferstats.StudyArea([(0, 0), (200, 0), (200, 200), (0, 200), (0, 0)], crs=27700)
    g = _quiet(saferstats.hotspot_grid, [50, 150], [50, 150], cell_size=100, bounds=(0, 399, 0, 199), study_area=sq)
    with pytest.raises(InvalidInputError, match=r"baseline='area' needs events in both periods.*0 after") as e:
        _quiet(saferstats.hotspot_change, [50, 150], [50, 150], [350], [50], grid=g, baseline="area")
    assert e.value.argument == "x_after"


# --- 1. HotspotGrid's notebook view: the headline and the area's top cells ----------------------


def _html_rows(html_text: str) -> list[list[str]]:
    """The body rows of the last <table> of an HTML fragment, as cell texts."""
    body = html_text.rsplit("<table", 1)[1]
    return [re.findall(r"<td>(.*?)</td>", r, flags=re.S) for r in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
            if "<td>" in r]


def test_grid_html_shows_the_headline_and_the_areas_top_cells_not_its_corner(shared_data):
    """Stevenage ASB, June 2021, 250 m cells over the district: the notebook table was cells 0-9,
    the south-west corner of its extent, all outside the area with a count of 0."""
    june = _asb(shared_data, "2021-06")
    x, y = _bng(june)
    g = _quiet(saferstats.hotspot_count, x, y, cell_size=250, study_area="Stevenage")
    c = g.cells
    inside = c["in_study_area"].to_numpy()
    assert not inside[:10].any() and (c["count"].to_numpy()[:10] == 0).all()   # what was shown
    counted = int(c["count"][inside].sum())
    assert counted == 323 and len(june) == 2735
    page = g._repr_html_()
    assert "<td>2,735</td>" not in page and "323 of 2,735" in page
    assert "2,412 (2,412 outside the study area)" in page
    assert f"<td>{int(inside.sum()):,}</td>" in page and f"<td>{len(c):,}</td>" in page
    held = int(((c["count"] > 0) & c["in_study_area"]).sum())
    assert f"The 10 of the {held:,} cells in the study area with count other than 0" in page
    rows = _html_rows(page)
    assert len(rows) == 10
    ref = c[inside].sort_values("count", ascending=False, kind="stable").head(10)
    assert [int(r[0]) for r in rows] == ref["cell"].tolist()
    top = ref.iloc[0]
    cell = int(top["cell"])
    assert rows[0][:3] == [str(cell), str(cell // g.ncols), str(cell % g.ncols)]
    assert rows[0][5:] == [f"{top['count']:.0f}", f"{top['count'] / counted:.1%}"]   # 11, 3.4%
    assert rows[0][6] == "3.4%"
    # the row and column find the cell: its centre is cell_size * (col + 1/2, row + 1/2) from the corner
    assert np.isclose(top["x"], g.x0 + (cell % g.ncols + 0.5) * g.cell_size)
    assert np.isclose(top["y"], g.y0 + (cell // g.ncols + 0.5) * g.cell_size)
    # the repr's headline says the same
    assert "(700 cells, 423 in the study area)" in repr(g) and "events: 323 counted in the study area, 2,412 left out" in repr(g)


def test_grid_given_without_the_area_counts_the_events_beyond_its_edge_as_left_out(shared_data):
    """Watford's grid given the force's June ASB without study_area=: the cells beyond the edge hold
    events of Three Rivers, Hertsmere ...; the headline leaves them out and the top cells are Watford's."""
    x, y = _bng(_asb(shared_data, "2021-06"))
    g = _quiet(saferstats.hotspot_grid, x, y, cell_size=250, study_area="Watford")
    h = _quiet(saferstats.hotspot_count, x, y, grid=g)
    c = h.cells
    inside = c["in_study_area"].to_numpy()
    t = h.event_counts().iloc[0]
    edge, counted = int(c["count"][~inside].sum()), int(c["count"][inside].sum())
    assert edge > 0 and (t["counted"], t["beyond_edge"]) == (counted, edge)
    assert t["beyond_grid"] == len(x) - counted - edge and t["left_out"] == len(x) - counted
    assert f"{edge:,} in cells beyond the study area's edge" in repr(h)
    top = h.top_cells(50)
    assert c.set_index("cell").loc[top["cell"], "in_study_area"].all()
    assert np.isclose(top["share"].sum(), top["count"].sum() / counted)


def test_kde_change_and_dual_grids_rank_their_main_layer_within_the_area():
    sq = saferstats.StudyArea([(0, 0), (1000, 0), (1000, 1000), (0, 1000), (0, 0)], crs=27700)
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 1000, 200), rng.uniform(0, 1000, 200)
    x[:40], y[:40] = rng.normal(900, 30, 40).clip(0, 999), rng.normal(900, 30, 40).clip(0, 999)
    k = _quiet(saferstats.hotspot_kde, x, y, cell_size=100, bandwidth=300, bounds=(-500, 1500, -500, 1500),
               study_area=sq)
    top = k.top_cells()
    ins = k.cells[k.cells.in_study_area]
    assert top["cell"].tolist() == ins.sort_values("kde", ascending=False, kind="stable")["cell"].head(10).tolist()
    assert (k.cells["kde"][~k.cells.in_study_area] > top["kde"].iloc[0] / 10).any()   # spread beyond, not shown
    assert list(top.columns) == ["cell", "row", "col", "x", "y", "count", "share", "kde"]
    assert "with kde other than 0 that have the largest kde" in k._repr_html_()
    ch = _quiet(saferstats.hotspot_change, x[:100], y[:100], x[100:], y[100:], cell_size=250, bounds=(0, 999, 0, 999))
    t = ch.top_cells(3)
    ref = ch.cells.assign(a=ch.cells["change"].abs()).sort_values("a", ascending=False, kind="stable").head(3)
    assert t["cell"].tolist() == ref["cell"].tolist() and "p_adjusted" in t.columns
    assert ch.event_counts()[["layer", "given", "counted"]].values.tolist() == [["count_before", 100, 100],
                                                                                ["count_after", 100, 100]]
    assert "count_before 100 counted, 0 left out; count_after 100 counted, 0 left out" in repr(ch)
    d = _quiet(saferstats.hotspot_dual_kde, x[:100], y[:100], x[100:], y[100:], cell_size=250, bandwidth=300,
               bounds=(0, 999, 0, 999), method="difference")
    assert set(d.event_counts()["layer"]) == {"count_a", "count_b"} and "share" not in d.top_cells().columns


def test_grid_without_layer_or_with_weights_says_what_it_can():
    g = saferstats.hotspot_grid([0, 1000], [0, 500], cell_size=100)
    assert "No layer yet" in g._repr_html_() and "events" not in repr(g)
    w = saferstats.hotspot_count([50, 150], [50, 50], weights=[2.0, 0.5], cell_size=100, bounds=(0, 199, 0, 99))
    assert w.events is None and "events" not in repr(w) and w.top_cells()["share"].tolist() == [0.8, 0.2]
    # a grid given to another function starts with no record of its own
    again = _quiet(saferstats.hotspot_count, [50], [50], grid=w)
    assert again.events == {"count": {"given": 1, "in_study_area": 1}}


# --- 3. dbscan / hdbscan: all noise is said, with what would make a cluster -----------------------


def _haversine_m(lat, lon, i):
    r = saferstats.hotspot._common.EARTH_RADIUS_M
    p1, p2 = np.radians(lat[i]), np.radians(lat)
    dp, dl = p2 - p1, np.radians(lon - lon[i])
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(h))


def test_dbscan_all_noise_is_warned_with_the_parameters_that_would_cluster(shared_data):
    """Stevenage ASB, June 2021, eps_m=50, min_samples=10: all 323 records are noise, said nothing."""
    june = _asb(shared_data, "2021-06")
    labels, msgs = saferstats_messages(saferstats.dbscan, june["Latitude"], june["Longitude"], eps_m=50,
                                       min_samples=10, study_area="Stevenage")
    inside = labels != -3
    assert inside.sum() == 323 and (labels[inside] == -1).all()
    noise = [m for m in msgs if m.startswith("dbscan: no cluster")]
    assert len(noise) == 1, msgs
    lat, lon = june["Latitude"].to_numpy()[inside], june["Longitude"].to_numpy()[inside]
    d = np.array([_haversine_m(lat, lon, i) for i in range(len(lat))])        # 323 x 323 metres
    most = int((d <= 50).sum(axis=1).max())                                   # itself included
    kth = np.sort(d, axis=1)[:, 9]                                            # the 10th point, itself first
    need = float(kth.min())
    assert most == 7 and 79 < need <= 80
    m = re.search(r"the most within 50 m of any one point is (\d+)\. A cluster needs min_samples <= (\d+) at this "
                  r"eps_m, or eps_m of about ([\d,]+) m at this min_samples", noise[0])
    assert m and int(m.group(1)) == most == int(m.group(2))
    said = float(m.group(3).replace(",", ""))
    assert need <= said <= need + max(1.0, 0.01 * said) + 1
    assert "eps_m=50 and min_samples=10" in noise[0] and "not that there is no hotspot" in noise[0]
    # and the advice holds: those parameters give a cluster
    assert (_quiet(saferstats.dbscan, lat, lon, eps_m=said, min_samples=10) >= 0).any()
    assert (_quiet(saferstats.dbscan, lat, lon, eps_m=50, min_samples=most) >= 0).any()
    # a cluster found: no such warning
    _, msgs = saferstats_messages(saferstats.dbscan, lat, lon, eps_m=100, min_samples=10)
    assert not [m for m in msgs if "no cluster" in m]


def test_dbscan_fewer_points_than_min_samples_says_so():
    with pytest.warns(SaferstatsWarning, match=r"all 3 points are noise .* fewer points than min_samples.*"
                                               r"min_samples <= 3"):
        labels = saferstats.dbscan([51.5, 51.5, 51.5001], [-0.1, -0.1, -0.1], eps_m=100, min_samples=5)
    assert labels.tolist() == [-1, -1, -1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        assert saferstats.dbscan([], [], eps_m=100).tolist() == []        # no points: nothing to say


def test_hdbscan_all_noise_is_warned_with_a_min_cluster_size_that_clusters(shared_data):
    """Stevenage ASB, June 2021, min_cluster_size=100: all 323 records noise, silently."""
    june = _asb(shared_data, "2021-06")
    pts = june[_quiet(saferstats.dbscan, june["Latitude"], june["Longitude"], eps_m=1, min_samples=1,
                      study_area="Stevenage") != -3]
    lat, lon = pts["Latitude"].to_numpy(), pts["Longitude"].to_numpy()
    labels, msgs = saferstats_messages(saferstats.hdbscan, lat, lon, min_cluster_size=100)
    assert len(lat) == 323 and (labels == -1).all()
    noise = [m for m in msgs if m.startswith("hdbscan: no cluster")]
    assert len(noise) == 1 and "min_cluster_size=100 and min_samples=100 (the default" in noise[0]
    k = int(re.search(r"min_cluster_size=(\d+) \(and so min_samples=\d+\) gives a cluster here", noise[0]).group(1))
    assert (saferstats.hdbscan(lat, lon, min_cluster_size=k) >= 0).any()
    assert (_quiet(saferstats.hdbscan, lat, lon, min_cluster_size=k + 1) == -1).all()
    # min_samples given: the largest min_cluster_size at it, exactly
    labels, msgs = saferstats_messages(saferstats.hdbscan, lat, lon, min_cluster_size=100, min_samples=5)
    assert (labels == -1).all()
    s = int(re.search(r"leaves (\d+) points on its smaller side", msgs[-1]).group(1))
    assert (saferstats.hdbscan(lat, lon, min_cluster_size=s, min_samples=5) >= 0).any()
    assert (_quiet(saferstats.hdbscan, lat, lon, min_cluster_size=s + 1, min_samples=5) == -1).all()


def test_dbscan_all_noise_search_gives_its_bracket_when_stopped(monkeypatch):
    """Over a large area with a large min_samples the radii that would cluster are kilometres, and each
    try takes longer: past SEARCH_SECONDS the warning gives the bracket found so far (still true)."""
    import importlib

    mod = importlib.import_module("saferstats.hotspot.dbscan")

    lat = 51.5 + np.repeat(np.arange(5), 4) * 0.01          # 5 groups of 4 points ~1.1 km apart
    lon = np.full(20, -0.1)
    monkeypatch.setattr(mod, "SEARCH_SECONDS", 0.0)
    with pytest.warns(SaferstatsWarning) as rec:
        saferstats.dbscan(lat, lon, eps_m=1, min_samples=8)
    text = " ".join(str(w.message) for w in rec)
    m = re.search(r"eps_m of more than ([\d,]+) m at this min_samples \(the search stopped there\)", text)
    assert m and int(m.group(1).replace(",", "")) == 2 and "the most within 1 m of any one point is 4" in text
    monkeypatch.setattr(mod, "SEARCH_SECONDS", 60.0)
    with pytest.warns(SaferstatsWarning, match=r"eps_m of about 1,112 m at this min_samples"):
        saferstats.dbscan(lat, lon, eps_m=1, min_samples=8)


# --- 4. ClusterTable: a headline, months as months -----------------------------------------------


def test_cluster_table_shows_a_headline_and_police_uk_months_as_months(shared_data):
    """Stevenage ASB, June 2021 (eps_m=100, min_samples=10): the notebook table showed first_time
    2021-06-01, a day nobody recorded, the hull's coordinates, and nothing of the 309 records in no
    cluster; printed, the same."""
    june = _asb(shared_data, "2021-06")
    labels = _quiet(saferstats.dbscan, june["Latitude"], june["Longitude"], eps_m=100, min_samples=10,
                    study_area="Stevenage")
    inside = labels != -3
    t = saferstats.cluster_summary(june["Latitude"][inside], june["Longitude"][inside], labels[inside],
                                   times=june["Month"][inside])
    n_in = int((labels[inside] >= 0).sum())
    assert len(t) == 1 and n_in == 14 and int(inside.sum()) - n_in == 309
    head = t.headline()
    assert head == (f"1 cluster: 14 points at {int(t['locations'].iloc[0])} map locations (largest: label 0, 14 points); "
                    "309 points in no cluster; first_time/last_time are police.uk months")
    page = t._repr_html_()
    assert head in page and "<td>2021-06</td>" in page and "2021-06-01" not in page
    assert f"<td>{len(t['hull'].iloc[0]) - 1} vertices</td>" in page
    assert repr(t).startswith(f"ClusterTable({head})\n") and "2021-06-01" not in repr(t)
    # the table itself is unchanged: datetimes and the outline stay
    assert str(t["first_time"].dtype).startswith("datetime64") and isinstance(t["hull"].iloc[0], list)
    # none found: said, not an empty frame with no word
    none = saferstats.cluster_summary(june["Latitude"][inside], june["Longitude"][inside],
                                      np.full(int(inside.sum()), -1))
    assert none.headline() == "no clusters; 323 points in no cluster"
    # with the force's other points labelled -3 by the study area
    t3 = _quiet(saferstats.cluster_summary, june["Latitude"], june["Longitude"], labels)
    assert "; 309 points in no cluster, 2,412 outside the study area" in t3.headline()


def test_nnh_html_says_how_many_clusters_are_shown(shared_data):
    """Stevenage ASB, June-July 2021: three first-order clusters were headed "first 10 of 3"."""
    both = pd.concat([_asb(shared_data, "2021-06"), _asb(shared_data, "2021-07")], ignore_index=True)
    x, y = _bng(both)
    r = _quiet(saferstats.nnh, x, y, study_area="Stevenage")
    k = len(r.clusters)
    assert k == 3 and "(all 3)" in r._repr_html_() and "first 10 of" not in r._repr_html_()
    many = _quiet(saferstats.nnh, x, y, study_area="Stevenage", min_points=3)
    assert len(many.clusters) > 10 and f"(the first 10 of {len(many.clusters):,})" in many._repr_html_()
