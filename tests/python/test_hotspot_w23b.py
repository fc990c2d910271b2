"""Hotspot follow-ups of session 18 (w23b), on the police.uk files as published:

1. Cells beyond a study area's edge. ``HotspotGrid.to_pandas()`` keeps their values (blanking them
   would break ``pai`` on two grids whose edge cells differ) with ``in_study_area``; what ranks
   cells for the analyst must not pick them. ``pai``, ``concentration`` and ``hotspot_classify``
   added every cell holding an event to the area's cells, so events counted on a study area's grid
   *without* the area (``hotspot_count(x, y, grid=g)``: Watford's grid, the whole force's July
   ASB) were scored, ranked and classified as Watford's: 70 events in 40 cells of Dacorum,
   Hertsmere, Three Rivers ... Now they are left out, with a warning.
2. The "automatic bandwidth is large" warning used an absolute 2 km: the City of London's ASB of
   2023 got 702 m over an area 1,537 m across (one kernel over half the area) without a word. Now
   also relative: more than a fifth of the shorter side of the area's extent.
3. Errors and warnings that name a row by a label the index repeats (monthly files joined with
   ``pd.concat`` without ``ignore_index``) now give its position too.

References: PAI and the Gini recomputed with numpy over the cells the boundary puts in the area;
``MASS::bandwidth.nrd`` recomputed with numpy; the row's label and position read from the frame.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import bandwidth_nrd_reference
import saferstats
from saferstats import InvalidInputError, SaferstatsWarning
from warning_capture import warning_messages


def _asb(shared_data, month: str) -> pd.DataFrame:
    df = pd.read_csv(shared_data / "street_crime" / f"{month}-hertfordshire-street.csv")
    return df[(df["Crime type"] == "Anti-social behaviour") & df["Latitude"].notna()]


_run = warning_messages  # call and capture warnings (tests/python/warning_capture.py)


def _june_july(shared_data):
    """June and July 2021 Hertfordshire ASB on the British National Grid."""
    june, july = _asb(shared_data, "2021-06"), _asb(shared_data, "2021-07")
    return (*saferstats.to_bng(june["Latitude"], june["Longitude"]), *saferstats.to_bng(july["Latitude"], july["Longitude"]))


def _city_street(shared_data):
    """The City of London's 2023 police.uk street-level records, read quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return saferstats.read_street_crime(shared_data / "street_crime" / "city_of_london_2023" / "street.csv")


@pytest.fixture(scope="module")
def watford(shared_data):
    """June 2021 ASB smoothed over Watford (250 m cells, 500 m), July's ASB of the whole force."""
    x, y, x2, y2 = _june_july(shared_data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_kde(x, y, cell_size=250, bandwidth=500, study_area="Watford")
    return g, x2, y2


# 1. cells beyond the study area's edge ----------------------------------------------------------

def test_to_pandas_keeps_values_beyond_the_edge_and_marks_them(watford):
    g, _, _ = watford
    t = g.to_pandas()
    assert t.columns.tolist() == ["cell", "x", "y", "in_study_area", "count", "kde"]
    area = saferstats.StudyArea("Watford")
    centre_in = area.contains_xy(t["x"].to_numpy(), t["y"].to_numpy())
    # the area's cells: the centre inside, or holding one of June's events (all inside Watford)
    np.testing.assert_array_equal(t["in_study_area"].to_numpy(), centre_in | (t["count"].to_numpy() > 0))
    beyond = t[~t["in_study_area"]]
    assert (beyond["kde"] > 0).sum() == 64  # the kernel's spread over the edge: kept, not blanked
    assert beyond["count"].sum() == 0
    # the headline's maximum is the area's: the filter the docstring gives
    assert f"max {t[t.in_study_area]['kde'].max():.6g}" in repr(g)


def _pai_reference(o, p, keep, k):
    """ptools' PAI at the top k cells over the ``keep`` cells: predicted descending, ties by fewer
    observed first."""
    o, p = o[keep], p[keep]
    order = np.lexsort((o, -p))
    return (o[order][:k].sum() / o.sum()) / (k / len(o))


def test_pai_does_not_score_events_counted_beyond_the_study_area(watford):
    g, x2, y2 = watford
    o_all = saferstats.hotspot_count(x2, y2, grid=g)   # the whole force's July ASB on Watford's cells
    inside = g.cells["in_study_area"].to_numpy()
    counts = o_all.cells["count"].to_numpy()
    assert (counts[~inside] > 0).sum() == 40 and counts[~inside].sum() == 70
    t, said = _run(saferstats.pai, o_all, g)
    assert not (~inside[t["cell"].to_numpy()]).any()   # no cell beyond the edge is ranked
    assert len(t) == int(inside.sum()) == 344
    assert [m for m in said if "70 events in 40 cells beyond the study area's edge" in m]
    assert any("hotspot_count(x, y, grid=g, study_area=...)" in m for m in said)
    ref = _pai_reference(counts, g.cells["kde"].to_numpy(), inside, 17)
    assert t.loc[t.k == 17, "pai"].item() == pytest.approx(ref, rel=1e-12)
    assert round(ref, 2) == 4.65   # 3.86 when Dacorum's (etc.) 70 events were scored as Watford's
    # the layers taken whole from the cells are scored the same way
    t2, _ = _run(saferstats.pai, o_all.cells["count"], g.cells["kde"])
    pd.testing.assert_frame_equal(t.reset_index(drop=True), t2.reset_index(drop=True))
    # counted over the area, nothing is left out and nothing warned about
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        o_in = saferstats.hotspot_count(x2, y2, grid=g, study_area="Watford")
    _, said = _run(saferstats.pai, o_in, g)
    assert not [m for m in said if "beyond the study area's edge" in m]


def test_concentration_counts_the_study_areas_cells_only(watford):
    g, x2, y2 = watford
    o_all = saferstats.hotspot_count(x2, y2, grid=g)
    c, said = _run(saferstats.concentration, o_all)
    v = np.sort(o_all.cells.loc[o_all.cells["in_study_area"], "count"].to_numpy())
    n = len(v)
    gini = 2 * np.sum(np.arange(1, n + 1) * v) / (n * v.sum()) - (n + 1) / n   # ineq::Gini
    assert c.places == 344 and c.gini == pytest.approx(gini, rel=1e-12)
    assert any("left out of the places counted" in m for m in said)


def test_classify_on_a_given_grid_leaves_events_beyond_its_study_area_out(shared_data):
    frames = [_asb(shared_data, m) for m in ("2021-06", "2021-07", "2021-08")]
    df = pd.concat(frames, ignore_index=True)
    x, y = saferstats.to_bng(df["Latitude"], df["Longitude"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_grid(x, y, cell_size=500, study_area="Watford")
    r, said = _run(saferstats.hotspot_classify, x, y, df["Month"], grid=g, permutations=0)
    cells = r.cells
    inside = cells["in_study_area"].to_numpy()
    counts = saferstats.hotspot_count(x, y, grid=g).cells["count"].to_numpy()
    assert (counts[~inside] > 0).sum() > 0   # the force's events in cells beyond Watford's edge
    # every cell the grid puts outside Watford is "outside study area", whatever it holds
    assert (cells.loc[~inside, "hotspot_category"] == "outside study area").all()
    assert r.periods.loc[r.periods["cell"].isin(np.flatnonzero(~inside)), "z"].isna().all()
    assert any(m.startswith("hotspot_classify: `x/y` holds") and "beyond the study area's edge" in m for m in said)


def test_change_and_prospective_blank_cells_holding_events_beyond_a_given_grids_area(shared_data):
    x, y, x2, y2 = _june_july(shared_data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_grid(x, y, cell_size=250, study_area="Watford")
    inside = g.cells["in_study_area"].to_numpy()
    c, said = _run(saferstats.hotspot_change, x, y, x2, y2, grid=g)
    held = (c.cells["count_before"] + c.cells["count_after"]).to_numpy()
    assert (held[~inside] > 0).sum() == 48   # Dacorum's, Hertsmere's ... events on Watford's grid
    assert c.cells.loc[~inside, ["change", "ratio", "p_value", "p_adjusted"]].isna().all().all()
    assert any(m.startswith("hotspot_change: `x_before/x_after` holds") for m in said)
    # Benjamini-Hochberg over the area's cells with an event only
    tested = inside & (held > 0)
    pv = c.cells.loc[tested, "p_value"].to_numpy()
    order = np.argsort(pv)
    m = len(pv)
    step = np.minimum.accumulate((pv[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    ref = np.empty(m)
    ref[order] = np.minimum(step, 1.0)   # Benjamini-Hochberg, as R p.adjust("BH")
    np.testing.assert_allclose(c.cells.loc[tested, "p_adjusted"].to_numpy(), ref, rtol=1e-10)
    r, said = _run(saferstats.prospective_hotspots, x, y, np.zeros(len(x)), predict_time=7.0, grid=g)
    assert r.cells.loc[~inside, "risk"].isna().all() and r.cells.loc[inside, "risk"].notna().all()
    assert any(m.startswith("prospective_hotspots: `x/y` holds") for m in said)


# 2. an automatic bandwidth wide for a small area -------------------------------------------------

def test_city_of_london_automatic_bandwidth_is_warned_relative_to_the_area(shared_data):
    d = _city_street(shared_data)
    asb = d[d["crime_type"] == "Anti-social behaviour"].dropna(subset=["latitude"])
    x, y = saferstats.to_bng(asb["latitude"], asb["longitude"])
    area = saferstats.StudyArea("City of London")
    inside = area.contains_xy(x.to_numpy(), y.to_numpy())
    h = (bandwidth_nrd_reference(x[inside]) + bandwidth_nrd_reference(y[inside])) / 2
    b = area.bounds
    side = min(b[1] - b[0], b[3] - b[2])
    assert round(h) == 702 and round(side) == 1537 and h < 2000   # under the old 2 km: not warned
    g, said = _run(saferstats.hotspot_kde, x, y, cell_size=50, study_area="City of London")
    wide = [m for m in said if "automatic bandwidth is" in m]
    assert g.bandwidth == pytest.approx(h, rel=1e-9)
    assert len(wide) == 1
    share = np.pi * h ** 2 / area.area_m2
    assert round(share, 2) == 0.53
    assert "hotspot_kde: the automatic bandwidth is 702 m" in wide[0]
    assert f"more than a fifth ({side / 5:,.0f} m) of the shorter side of the extent of the study area" in wide[0]
    assert f"{side:,.0f} m: one event's kernel covers {np.pi * h ** 2 / 1e6:,.3g} km², {share:.0%}" in wide[0]
    assert "wider than 2,000 m" not in wide[0] and "here at most 307 m" in wide[0]
    # a bandwidth given, or kde_grid's (ArcGIS) smaller automatic radius, is not warned about
    assert not [m for m in _run(saferstats.hotspot_kde, x, y, cell_size=50, bandwidth=150,
                                study_area="City of London")[1] if "automatic bandwidth" in m]
    k, said = _run(saferstats.kde_grid, x, y, cell_size=50, study_area="City of London")
    assert k.bandwidth < side / 5 and not [m for m in said if "automatic bandwidth" in m]
    # without a study area: the box of the central 99% of the points (24 far-away records of the
    # file's 2023 crimes would otherwise stretch it to 13 km)
    qx, qy = np.quantile(x, [0.005, 0.995]), np.quantile(y, [0.005, 0.995])
    side_pts = min(qx[1] - qx[0], qy[1] - qy[0])
    g, said = _run(saferstats.hotspot_kde, x, y, cell_size=50)
    wide = [m for m in said if "automatic bandwidth is" in m]
    assert len(wide) == 1 and f"of the shorter side of the box of the central 99% of the points, {side_pts:,.0f} m" in wide[0]


def test_the_absolute_rule_stays_and_both_reasons_are_given(shared_data):
    df = _asb(shared_data, "2021-06")
    x, y = saferstats.to_bng(df["Latitude"], df["Longitude"])
    # the county: 9,675 m, under a fifth of the force's 54 km extent but over 2 km
    g, said = _run(saferstats.hotspot_kde, x, y, study_area="Hertfordshire")
    wide = [m for m in said if "automatic bandwidth is" in m]
    assert round(g.bandwidth) == 9675 and len(wide) == 1
    assert "wider than 2,000 m:" in wide[0] and "a fifth" not in wide[0]
    # Watford: its 1,755 m is under 2 km, over a fifth of its 4.3 km extent
    g, said = _run(saferstats.hotspot_kde, x, y, study_area="Watford")
    b = saferstats.StudyArea("Watford").bounds
    side = min(b[1] - b[0], b[3] - b[2])
    wide = [m for m in said if "automatic bandwidth is" in m]
    assert round(g.bandwidth) == 1755 and g.bandwidth > side / 5 and len(wide) == 1
    assert f"more than a fifth ({side / 5:,.0f} m)" in wide[0] and "2,000 m" not in wide[0]
    # both at once: a bandwidth_adjust of 2 doubles Watford's to 3,510 m
    g, said = _run(saferstats.hotspot_kde, x, y, study_area="Watford", bandwidth_adjust=2)
    wide = [m for m in said if "automatic bandwidth is" in m]
    assert len(wide) == 1 and "wider than 2,000 m and more than a fifth" in wide[0]


# 3. repeated row labels named with their position ------------------------------------------------

@pytest.fixture(scope="module")
def two_months(shared_data):
    """June and July 2021 joined with pd.concat as an analyst might (each file's 0, 1, 2 ... kept)."""
    frames = [pd.read_csv(shared_data / "street_crime" / f"2021-{m}-hertfordshire-street.csv") for m in ("06", "07")]
    df = pd.concat(frames)
    return df[df["Crime type"] == "Anti-social behaviour"].dropna(subset=["Latitude"])


def test_core_error_names_a_repeated_label_with_its_position(two_months):
    lat = two_months["Latitude"].copy()
    lat.iloc[3000] = 95.0   # a typo in one record
    label = int(lat.index[3000])
    assert (lat.index == label).sum() == 2   # the label is in both months
    for f in (lambda: saferstats.dbscan(lat, two_months["Longitude"], eps_m=100, min_samples=5),
              lambda: saferstats.cluster_summary(lat, two_months["Longitude"], np.zeros(len(lat), dtype=int))):
        with pytest.raises(InvalidInputError) as e:
            f()
        assert f"at row {label!r} (position 3,000: 2 rows have that label" in str(e.value)
        assert e.value.index == label and e.value.position == 3000


def test_swapped_coordinates_warning_names_a_repeated_label_with_its_position(shared_data):
    frames = [pd.read_csv(shared_data / "street_crime" / f"2021-{m}-hertfordshire-street.csv").head(300)
              for m in ("06", "07")]
    df = pd.concat(frames).dropna(subset=["Latitude"])
    with pytest.raises(saferstats.CoordinateError) as e:  # session 26 (w41a): refused, was a warning
        saferstats.dbscan(df["Longitude"], df["Latitude"], eps_m=100, min_samples=5)
    swapped = [m for m in [str(e.value)] if "look swapped" in m]
    first = int(df.index[0])
    assert len(swapped) == 1 and f"(row {first!r} (position 0: 2 rows have that label" in swapped[0]


def test_pai_and_concentration_name_a_repeated_label_with_its_position():
    cells = pd.Index([0, 1, 2, 3, 4] * 2)   # two periods' cells joined with pd.concat
    o = pd.Series(np.arange(10.0), index=cells)
    p = o.copy()
    p.iloc[7] = -1.0
    with pytest.raises(InvalidInputError) as e:
        saferstats.pai(o, p)
    assert "at row 2 (position 7: 2 rows have that label" in str(e.value) and e.value.position == 7
    with pytest.raises(InvalidInputError) as e:
        saferstats.concentration(p)
    assert "at row 2 (position 7: 2 rows have that label" in str(e.value) and e.value.position == 7
    # a label the index does not repeat stays as it was
    q = pd.Series([1.0, -1.0], index=["a", "b"])
    with pytest.raises(InvalidInputError, match=r"at row 'b': -1") as e:
        saferstats.concentration(q)


# walk: the advice for police.uk months works on read_street_crime's own month column -----------

def test_prospective_month_advice_works_on_read_street_crime_month(shared_data):
    d = _city_street(shared_data)
    b = d[d["crime_type"] == "Bicycle theft"].dropna(subset=["latitude"])
    x, y = saferstats.to_bng(b["latitude"], b["longitude"])
    assert isinstance(b["month"].dtype, pd.CategoricalDtype)
    with pytest.raises(TypeError):
        b["month"] + "-15"   # the advice as it was: "pd.to_datetime(t + '-15')"
    with pytest.raises(InvalidInputError, match=r"pd\.to_datetime\(t\.astype\(str\) \+ '-15'\)"):
        saferstats.prospective_hotspots(x, y, b["month"], predict_time="2023-12-01", cell_size=100,
                                        study_area="City of London")
    t = pd.to_datetime(b["month"].astype(str) + "-15")   # the advice as it is now
    past = (t < "2023-12-01").to_numpy()
    g, _ = _run(saferstats.prospective_hotspots, x[past], y[past], t[past], predict_time="2023-12-01",
                time_unit=30, time_bandwidth=3, cell_size=100, study_area="City of London")
    assert g.value == "risk" and np.nanmax(g.values) > 0


def test_knox_and_prospective_read_mid_month_police_uk_months_as_months(shared_data):
    """police.uk months put mid-month (the advice above) are months too: knox's bands of 30, 60, 90
    days split the 28-31 days between consecutive months (February to March is 28 days, in [0, 30)
    with the same month), and weekly ages jump a month at a time. Both now warn, as for the 1st."""
    d = _city_street(shared_data)
    b = d[d["crime_type"] == "Bicycle theft"].dropna(subset=["latitude"])
    x, y = saferstats.to_bng(b["latitude"], b["longitude"])
    t = pd.to_datetime(b["month"].astype(str) + "-15")
    days = np.unique(np.diff(np.sort(np.unique(t.to_numpy()))).astype("timedelta64[D]").astype(int))
    assert days.tolist() == [28, 30, 31]   # consecutive months, 15th to 15th
    _, said = _run(saferstats.knox, x, y, t, distance_bands=[0, 100, 200], time_bands=[0, 30, 60, 90],
                   permutations=9, seed=1)
    months = [m for m in said if m.startswith("knox: every event time is the 15th of a month")]
    assert len(months) == 1 and "time band edges 30, 60, 90" in months[0]
    _, said = _run(saferstats.knox, x, y, t, distance_bands=[0, 100, 200], time_bands=[0, 1, 32, 63],
                   permutations=9, seed=1)
    assert not [m for m in said if "every event time" in m]
    past = (t < "2023-12-01").to_numpy()
    _, said = _run(saferstats.prospective_hotspots, x[past], y[past], t[past], predict_time="2023-12-01",
                   cell_size=100, study_area="City of London")
    assert any(m.startswith("prospective_hotspots: every event time is the 15th of a month") for m in said)
    # the first of the month keeps its words
    _, said = _run(saferstats.knox, x, y, pd.to_datetime(b["month"].astype(str)), distance_bands=[0, 100, 200],
                   time_bands=[0, 30, 60, 90], permutations=9, seed=1)
    assert any(m.startswith("knox: every event time is the first day of a month") for m in said)


def test_gi_star_and_local_moran_with_weights_first_say_the_order():
    w = saferstats.Weights.lattice(3, 3)
    v = np.arange(9.0)
    for f in (saferstats.gi_star, saferstats.local_moran):
        with pytest.raises(InvalidInputError, match=r"the other way round — pass the values first") as e:
            f(w, v)
        assert e.value.argument == "weights"
    with pytest.raises(InvalidInputError, match=r"^`weights` must be a saferstats.Weights$"):
        saferstats.gi_star(v, v)


def test_grid_counts_warning_names_concentration(shared_data):
    d = _city_street(shared_data).dropna(subset=["latitude"])
    x, y = saferstats.to_bng(d["latitude"], d["longitude"])
    (c, cx, cy), said = _run(saferstats.grid_counts, x, y, cell_size=100, study_area="City of London")
    keep = saferstats.StudyArea("City of London").grid_mask(cx, cy, c)
    v = np.sort(c[keep].astype(float))
    n = len(v)
    gini_area = 2 * np.sum(np.arange(1, n + 1) * v) / (n * v.sum()) - (n + 1) / n
    assert round(saferstats.concentration(c).gini, 2) == 0.86 and round(gini_area, 2) == 0.78
    beyond = [m for m in said if m.startswith("grid_counts:") and "beyond its edge" in m]
    assert len(beyond) == 1 and "concentration(counts[keep])" in beyond[0] and "0.86" in beyond[0]


def test_dual_kde_ratio_over_a_sliver_of_b_is_warned(shared_data):
    d = _city_street(shared_data).dropna(subset=["latitude"])
    x, y = saferstats.to_bng(d["latitude"], d["longitude"])
    kind = d["crime_type"].astype(str).to_numpy()
    a, b = kind == "Theft from the person", kind == "Shoplifting"
    g, said = _run(saferstats.hotspot_dual_kde, x[a], y[a], x[b], y[b], cell_size=100, bandwidth=200,
                   study_area="City of London")
    c = g.cells[g.cells["in_study_area"]]
    floor = 0.01 * np.median(c.loc[c["kde_b"] > 0, "kde_b"])
    top = c.sort_values("kde", ascending=False).head(10)
    assert round(top["kde"].iloc[0]) == 379171 and top["kde_b"].iloc[0] < floor   # the maximum is over a sliver
    thin = [m for m in said if m.startswith("hotspot_dual_kde:") and "below 1% of b's median" in m]
    assert len(thin) == 1
    assert f"{int((top['kde_b'] < floor).sum())} of them are among the 10 largest ratios" in thin[0]
    assert f"cell {int(top['cell'].iloc[0])}: 379,171" in thin[0] and f"kde_b >= {floor:.3g}" in thin[0]
    # a difference is not a ratio: no such warning
    assert not [m for m in _run(saferstats.hotspot_dual_kde, x[a], y[a], x[b], y[b], cell_size=100, bandwidth=200,
                                study_area="City of London", method="difference")[1] if "below 1%" in m]
