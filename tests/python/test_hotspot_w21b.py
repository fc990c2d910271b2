"""Hotspot follow-ups of session 17 (w21b), found walking the police.uk Hertfordshire street-crime
files as published (``Latitude``/``Longitude`` columns read with pandas, rows dropped by crime type):

1. ``to_bng`` / ``to_local_metres`` returned numpy arrays for Series input, so the row labels of
   the file were lost: a later error or warning of ``hotspot_kde`` named a row's *position* among
   the points passed where ``to_bng`` itself named the label (Hertfordshire ASB, June 2021: the far
   point in South Kesteven that stretches the grid was "row 1414", which is row 4494 of the file).
   They now return Series on the input's index.
2. ``KdeResult.to_pandas()`` over a study area kept the density spread beyond the edge (the maps
   blank it): now NaN there, with ``in_study_area``; the ``density`` array keeps the surface.
3. An automatic KDE bandwidth of kilometres (a county's points: 9,675 m) smoothed every
   street-level hotspot away without a word: now a warning naming it in metres and how to set one.

References: the quartic kernel and ``MASS::bandwidth.nrd`` recomputed with numpy; the far point
found with numpy quantiles; the study area's cells by the square's coordinates.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import bandwidth_nrd_reference
import saferstats
from saferstats import MissingValueError, SaferstatsWarning


def _street(shared_data, month: str) -> pd.DataFrame:
    return pd.read_csv(shared_data / "street_crime" / f"{month}-hertfordshire-street.csv")


# 1. row labels survive to_bng -------------------------------------------------------------------

def test_to_bng_keeps_the_index_of_series():
    lat = pd.Series([51.5080, 51.7520, 51.9000], index=["a", "b", "c"], name="Latitude")
    lon = pd.Series([-0.1281, -0.3390, -0.2000], index=["a", "b", "c"], name="Longitude")
    x, y = saferstats.to_bng(lat, lon)
    assert isinstance(x, pd.Series) and isinstance(y, pd.Series)
    assert x.index.tolist() == ["a", "b", "c"] and (x.name, y.name) == ("x", "y")
    e, n = saferstats.to_bng(lat.to_numpy(), lon.to_numpy())  # arrays stay arrays, same values
    assert isinstance(e, np.ndarray)
    np.testing.assert_array_equal(x.to_numpy(), e)
    np.testing.assert_array_equal(y.to_numpy(), n)
    lx, ly = saferstats.to_local_metres(lat, lon)
    assert isinstance(lx, pd.Series) and lx.index.tolist() == ["a", "b", "c"]
    np.testing.assert_array_equal(lx.to_numpy(), saferstats.to_local_metres(lat.to_numpy(), lon.to_numpy())[0])


def test_hotspot_kde_names_the_label_of_a_row_without_coordinates():
    lat = pd.Series([51.75, 51.76, np.nan, 51.77], index=[10, 20, 30, 40])
    lon = pd.Series([-0.34, -0.33, -0.32, -0.35], index=[10, 20, 30, 40])
    with pytest.warns(SaferstatsWarning, match="row 30"):
        x, y = saferstats.to_bng(lat, lon, missing="propagate")
    with pytest.raises(MissingValueError, match="row 30") as e:
        saferstats.hotspot_kde(x, y, cell_size=100, bandwidth=500)
    assert e.value.index == 30 and e.value.position == 2
    with pytest.raises(MissingValueError, match="row 30"):
        saferstats.kde_grid(x, y, cell_size=100, bandwidth=500)
    with pytest.raises(MissingValueError, match="row 30"):
        saferstats.knox(x, y, [1, 2, 3, 4], distance_bands=[0, 100], time_bands=[0, 7], permutations=9, seed=1)


def test_far_point_warning_names_the_row_of_the_police_uk_file(shared_data):
    df = _street(shared_data, "2021-06")
    asb = df[df["Crime type"] == "Anti-social behaviour"]
    x, y = saferstats.to_bng(asb["Latitude"], asb["Longitude"])
    # the point far from the rest, found independently: beyond the central 99% by more than its width
    qx = np.quantile(x, [0.005, 0.995])
    qy = np.quantile(y, [0.005, 0.995])
    far = ((x < qx[0] - (qx[1] - qx[0])) | (x > qx[1] + (qx[1] - qx[0]))
           | (y < qy[0] - (qy[1] - qy[0])) | (y > qy[1] + (qy[1] - qy[0])))
    label = far[far].index[0]
    pos = int(np.flatnonzero(far.to_numpy())[0])
    assert (label, pos) == (4494, 1414)  # the file's row is not the point's position among the ASB records
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.hotspot_kde(x, y, cell_size=1000, bandwidth=500)
    msgs = [str(w.message) for w in caught if "far outside the rest" in str(w.message)]
    assert len(msgs) == 1 and f"first far point: row {label}" in msgs[0], msgs


# 2. KdeResult.to_pandas() over a study area: NaN beyond the edge -----------------------------------

SQUARE = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 1000.0), (0.0, 1000.0), (0.0, 0.0)]


def test_kde_table_blanks_the_cells_beyond_the_study_area():
    area = saferstats.StudyArea(SQUARE, crs=27700)
    x, y = np.array([100.0, 900.0, 500.0]), np.array([500.0, 500.0, 950.0])
    k = saferstats.kde_grid(x, y, cell_size=250, bandwidth=600, bounds=(-500, 1500, -500, 1500), study_area=area)
    t = k.to_pandas()
    assert list(t.columns) == ["x", "y", "in_study_area", "density"]
    inside = (t["x"].between(0, 1000) & t["y"].between(0, 1000)).to_numpy()  # centres never on the edge here
    np.testing.assert_array_equal(t["in_study_area"].to_numpy(), inside)
    # the quartic density at the centres inside, computed directly; NaN beyond the edge
    d2 = (t["x"].to_numpy()[:, None] - x) ** 2 + (t["y"].to_numpy()[:, None] - y) ** 2
    want = (np.where(d2 < 600 ** 2, 3 / (np.pi * 600 ** 2) * (1 - d2 / 600 ** 2) ** 2, 0).sum(axis=1)) * 1e6
    assert (want[~inside] > 0).sum() > 10  # the kernel reaches beyond the edge
    assert t.loc[~inside, "density"].isna().all()
    np.testing.assert_allclose(t.loc[inside, "density"].to_numpy(), want[inside], rtol=1e-9)
    np.testing.assert_allclose(k.density.ravel(), want, rtol=1e-9, atol=1e-12)  # the array keeps the surface


def test_kde_table_of_a_force_has_no_density_outside_it(shared_data):
    df = _street(shared_data, "2021-06")
    asb = df[df["Crime type"] == "Anti-social behaviour"]
    x, y = saferstats.to_bng(asb["Latitude"], asb["Longitude"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        k = saferstats.kde_grid(x, y, cell_size=500, bandwidth=400, study_area="Hertfordshire")
    t = k.to_pandas()
    assert ((k.density > 0) & ~k.in_study_area).sum() > 0  # density smoothed over the force's edge
    assert t.loc[~t["in_study_area"], "density"].isna().all()
    assert t["density"].notna().sum() == int(k.in_study_area.sum())
    assert t["density"].max() == k.density[k.in_study_area].max()


# 3. an automatic bandwidth of kilometres: warned, in metres, with how to set one ----------------

def _wide(caught):
    return [str(w.message) for w in caught if "automatic bandwidth is" in str(w.message)]


def _run(f, *a, **k):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = f(*a, **k)
    return out, _wide(caught)


def test_wide_automatic_bandwidth_is_warned_in_metres():
    rng = np.random.default_rng(1)
    x, y = 500_000 + rng.uniform(0, 40_000, 400), 200_000 + rng.uniform(0, 30_000, 400)  # a county's spread
    g, said = _run(saferstats.hotspot_kde, x, y, cell_size=1000)
    h = (bandwidth_nrd_reference(x) + bandwidth_nrd_reference(y)) / 2  # the rule itself is unchanged (MASS::bandwidth.nrd on both axes)
    assert g.bandwidth == pytest.approx(h, rel=1e-12) and h > 2000
    assert len(said) == 1 and f"hotspot_kde: the automatic bandwidth is {h:,.0f} m" in said[0]
    assert "bandwidth=300" in said[0] and "wider than 2,000 m" in said[0]
    g, said = _run(saferstats.hotspot_kde, x, y, cell_size=1000, kernel="gaussian")
    assert g.bandwidth == pytest.approx(h / 4) and len(said) == 1 and f"a Gaussian sd of {h / 4:,.0f} m" in said[0]
    _, said = _run(saferstats.hotspot_dual_kde, x, y, x[:200], y[:200], cell_size=1000)
    assert len(said) == 1 and said[0].startswith("hotspot_dual_kde:")
    k, said = _run(saferstats.kde_grid, x, y, cell_size=1000)
    assert k.bandwidth > 2000 and len(said) == 1 and f"kde_grid: the automatic bandwidth is {k.bandwidth:,.0f} m" in said[0]
    # a bandwidth given, or an automatic one of a town's few hundred metres, is not warned about
    assert _run(saferstats.hotspot_kde, x, y, cell_size=100, bandwidth=300)[1] == []
    assert _run(saferstats.kde_grid, x, y, cell_size=100, bandwidth=300)[1] == []
    assert _run(saferstats.hotspot_kde, x, y, cell_size=1000, bandwidth=5000)[1] == []
    # session 18 (w23b): under 2 km is not enough. 400 points over a 3 km square get ~1.1 km, more
    # than a fifth of the square's side: warned with both numbers (it was not, as "a town's few
    # hundred metres"); 20,000 points there get ~0.5 km, under both limits, and no warning
    small_x, small_y = 500_000 + rng.uniform(0, 3000, 400), 200_000 + rng.uniform(0, 3000, 400)
    g, said = _run(saferstats.hotspot_kde, small_x, small_y, cell_size=100)
    assert g.bandwidth < 2000 and len(said) == 1 and "more than a fifth" in said[0]
    many_x, many_y = 500_000 + rng.uniform(0, 3000, 20_000), 200_000 + rng.uniform(0, 3000, 20_000)
    g, said = _run(saferstats.hotspot_kde, many_x, many_y, cell_size=100)
    assert g.bandwidth < 0.2 * 2900 and said == []


def test_county_automatic_bandwidth_is_warned(shared_data):
    df = _street(shared_data, "2021-06")
    asb = df[df["Crime type"] == "Anti-social behaviour"]
    x, y = saferstats.to_bng(asb["Latitude"], asb["Longitude"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = saferstats.hotspot_kde(x, y, study_area="Hertfordshire")
    inside = saferstats.StudyArea("Hertfordshire").contains_xy(x, y)
    h = (bandwidth_nrd_reference(x[inside]) + bandwidth_nrd_reference(y[inside])) / 2
    assert g.bandwidth == pytest.approx(h, rel=1e-9) and round(h) == 9675
    said = _wide(caught)
    assert len(said) == 1 and "automatic bandwidth is 9,675 m" in said[0]


# 4. the walk: local metres given with a study area -----------------------------------------------

def test_local_metres_with_a_study_area_say_to_use_the_national_grid(shared_data):
    df = _street(shared_data, "2021-06")
    asb = df[df["Crime type"] == "Anti-social behaviour"]
    x, y = saferstats.to_local_metres(asb["Latitude"], asb["Longitude"])  # metres about the points' centre
    assert (x < 0).any() and (y < 0).any()
    for f in (lambda: saferstats.hotspot_kde(x, y, study_area="Watford", bandwidth=300, cell_size=100),
              lambda: saferstats.kde_grid(x, y, study_area="Watford", bandwidth=300, cell_size=100),
              lambda: saferstats.grid_counts(x, y, study_area="Watford", cell_size=250)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(saferstats.InvalidInputError, match=r"saferstats\.to_bng\(lat, lon\)") as e:
                f()
        assert "to_local_metres gives metres about the points' own centre" in str(e.value)
        assert e.value.argument == "x"
        assert not [w for w in caught if "no area" in str(w.message)]  # not "2,735 outside ... (2,735 no area)"


def test_national_grid_points_of_another_place_keep_their_message():
    # points on the grid but far from the area (Trafalgar Square against Watford): the usual count of
    # where they are, no word of local metres
    x, y = saferstats.to_bng([51.5080, 51.5085], [-0.1281, -0.1290])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(saferstats.InvalidInputError, match="no points inside") as e:
            saferstats.hotspot_kde(x, y, study_area="Watford", bandwidth=300, cell_size=100)
    assert "to_local_metres" not in str(e.value)
    assert any("Westminster" in str(w.message) for w in caught)


# 4. the walk: monthly files joined with pd.concat repeat each file's row labels -------------------

def test_a_repeated_row_label_is_named_with_its_position(shared_data):
    files = sorted((shared_data / "street_crime").glob("2021-*-hertfordshire-street.csv"))
    df = pd.concat([pd.read_csv(f) for f in files])  # each file keeps its own 0, 1, 2 ...
    asb = df[df["Crime type"] == "Anti-social behaviour"]
    gone = asb["Latitude"].isna().to_numpy()
    pos = int(np.flatnonzero(gone)[0])
    label = int(asb.index[pos])
    n = int((asb.index == label).sum())
    assert n > 1 and label != pos
    said = f"row {label!r} (position {pos:,}: {n} rows have that label; pd.concat(..., ignore_index=True)"
    with pytest.warns(SaferstatsWarning, match="have missing coordinates") as rec:
        x, y = saferstats.to_bng(asb["Latitude"], asb["Longitude"], missing="propagate")
    assert any(said in str(w.message) for w in rec)
    with pytest.raises(MissingValueError) as e:
        saferstats.hotspot_kde(x, y, cell_size=100, bandwidth=300)
    assert said in str(e.value) and e.value.index == label and e.value.position == pos
    with pytest.raises(MissingValueError) as e:
        saferstats.to_bng(asb["Latitude"], asb["Longitude"])
    assert said in str(e.value)
    # a unique index is named by its label alone, as before
    asb = asb.reset_index(drop=True).set_axis([f"r{i}" for i in range(len(asb))])
    with pytest.raises(MissingValueError, match=rf"first at row 'r{pos}'\): .* \(police") as e:
        saferstats.to_bng(asb["Latitude"], asb["Longitude"])


# 4. the walk: the KDE table's column scored with pai ----------------------------------------------

def test_pai_of_the_kde_table_column_points_to_the_surface(shared_data):
    def pts(month):
        df = _street(shared_data, month)
        a = df[df["Crime type"] == "Anti-social behaviour"].dropna(subset=["Latitude"])
        return saferstats.to_bng(a["Latitude"], a["Longitude"])

    (x6, y6), (x7, y7) = pts("2021-06"), pts("2021-07")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        k = saferstats.kde_grid(x6, y6, cell_size=250, bandwidth=300, study_area="Watford")
        c, cx, cy = saferstats.grid_counts(x7, y7, cell_size=250, study_area="Watford")
    # the column of the table has NaN beyond the edge: refused, pointing to the surface (until session 17
    # the column scored every cell of the box, silently)
    with pytest.raises(MissingValueError, match=r"pass the surface or grid itself \(pai\(counts, surface\)"):
        saferstats.pai(c.ravel(), k.to_pandas()["density"])
    t = saferstats.pai(c, k)  # the surface: the area's cells (with any other holding an event)
    keep = k.in_study_area.ravel() | (c.ravel() > 0)
    assert t.attrs["cells_outside_study_area"] == int((~keep).sum()) and len(t) == int(keep.sum())


# 4. the walk: Knox's first distance band filled by records at one police.uk map point -------------

def _same_point_pairs(x, y, t, d_max, t_edges):
    """Pairs within d_max (metres) per time band of t_edges, and those of them 0 apart: numpy, by brute force."""
    x, y, t = (np.asarray(v, dtype=float) for v in (x, y, t))
    i, j = np.triu_indices(len(x), 1)
    d = np.hypot(x[i] - x[j], y[i] - y[j])
    dt = np.abs(t[i] - t[j])
    k = np.searchsorted(t_edges, dt, side="right") - 1
    inb = (d < d_max) & (k >= 0) & (k < len(t_edges) - 1)
    return int(inb.sum()), int((inb & (d == 0)).sum())


def test_knox_says_when_the_near_band_is_pairs_at_one_map_point(shared_data):
    files = sorted((shared_data / "street_crime").glob("2021-1*-hertfordshire-street.csv"))
    df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    b = df[df["Crime type"] == "Burglary"].dropna(subset=["Latitude"])
    x, y = saferstats.to_bng(b["Latitude"], b["Longitude"])
    inside = saferstats.StudyArea("Watford").contains_xy(x, y)
    x, y, t = x[inside], y[inside], pd.to_datetime(b["Month"][inside])
    days = ((t - t.min()).dt.days).to_numpy()
    edges = [0, 1, 32, 63, np.inf]
    pairs, same = _same_point_pairs(x, y, days, 100, edges)
    assert (pairs, same) == (14, 13)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        k = saferstats.knox(x, y, t, distance_bands=[0, 100, 200, 400, np.inf], time_bands=edges, permutations=99,
                            seed=1)
    assert int(k["observed"].iloc[:4].sum()) == pairs
    said = [str(w.message) for w in caught if "at the same point" in str(w.message)]
    assert len(said) == 1 and f"{same} of the {pairs} pairs in the first distance band [0, 100)" in said[0]
    assert "distance_bands=[0, 1, 100, ...]" in said[0]
    # with the pairs at one point in a band of their own, no such warning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.knox(x, y, t, distance_bands=[0, 1, 100, 200, np.inf], time_bands=edges, permutations=9, seed=1)
    assert not [w for w in caught if "at the same point" in str(w.message)]


def test_knox_without_shared_points_says_nothing_of_them():
    rng = np.random.default_rng(3)
    x, y, t = rng.uniform(0, 2000, 200), rng.uniform(0, 2000, 200), rng.uniform(0, 90, 200)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.knox(x, y, t, distance_bands=[0, 100, 400], time_bands=[0, 7, 28], permutations=9, seed=1)
    assert not [w for w in caught if "at the same point" in str(w.message)]
    # half of the events moved onto another's point, a few days after it (one address again): warned
    x[100:], y[100:], t[100:] = x[:100], y[:100], t[:100] + 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        k = saferstats.knox(x, y, t, distance_bands=[0, 100, 400], time_bands=[0, 7, 28], permutations=9, seed=1)
    pairs, same = _same_point_pairs(x, y, t, 100, [0, 7, 28])
    assert int(k["observed"].iloc[:2].sum()) == pairs and same >= pairs / 2
    said = [str(w.message) for w in caught if "at the same point" in str(w.message)]
    assert len(said) == 1 and f"{same} of the {pairs} pairs" in said[0]
