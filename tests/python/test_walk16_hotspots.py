"""Session 15 walk-through of hotspot evaluation as an analyst directing patrols (helper w16d).

Each test is one defect found:

1. ``pai`` could not know which months the map was made from and which it was scored on: a grid
   scored on its own month looks excellent (Hertfordshire ASB, June 2021's counts on 250 m cells as
   the map: PAI 19.3 at 5% coverage on June itself, 10.4 on July) and nothing said so. ``train=`` /
   ``test=`` now say the windows and a warning names an overlap; prospective grids know theirs.
   PAI / PEI checked against open_cp's ``evaluation.top_slice`` / ``hit_counts`` /
   ``maximum_hit_rate`` (ported below from PredictCode commit e2a2d5a, ``np.bool`` → ``bool``).
2. ``hotspot_classify`` compared esda's folded (one-sided) permutation p with ``critical_p``, a
   two-sided level (``permutations=0`` uses the two-sided normal p): with permutations every
   cell-period was tested at twice the level. Checked against conditional permutations drawn here
   with numpy. ``gi_star``'s table now says what each p column is.
3. The far point stretching a grid, and ``grid_counts``' first point off the grid with a study
   area, were named by position (among the points in the study area, for the latter).
4. A ``kde_grid`` surface over a study area lost its ``in_study_area`` in ``to_geodataframe``, was
   written whole by ``write_ascii_grid`` and drawn whole by ``plot_kde`` (hotspot grids were not).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError, SaferstatsWarning

from conftest import bandwidth_nrd_reference, herts_street_points


def _messages(f, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = f(*args, **kwargs)
    return out, [str(w.message) for w in caught]


def _quiet(f, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return f(*args, **kwargs)


# ----------------------------------------------------------------------------- 1. train / test windows

def test_same_window_is_warned_and_recorded():
    t, msgs = _messages(saferstats.pai, [6, 3, 0], [3, 2, 1], train="2021-06", test="2021-06")
    hit = [m for m in msgs if "in-sample" in m]
    assert len(hit) == 1 and "are the same period" in hit[0] and "train: 2021-06" in hit[0]
    assert t.attrs["train"] == "2021-06" and t.attrs["test"] == "2021-06"
    # the table itself is unchanged by the windows (ptools test-pai.R)
    assert t["pai"].tolist() == [2.0, 1.5, 1.0]


def test_overlapping_windows_name_the_shared_months():
    month = pd.Series(["2021-06", "2021-07", "2021-08", "2021-07"])  # the Month column of the events used
    _, msgs = _messages(saferstats.pai, [6, 3, 0], [3, 2, 1], train=month, test=("2021-08", "2021-09"))
    hit = [m for m in msgs if "in-sample" in m]
    assert len(hit) == 1 and "overlap" in hit[0] and "2021-06 to 2021-08 (3 periods)" in hit[0]


def test_next_month_is_quiet_and_an_earlier_month_is_hindsight():
    t, msgs = _messages(saferstats.pai, [6, 3, 0], [3, 2, 1], train=("2021-04", "2021-06"), test="2021-07")
    assert not [m for m in msgs if "pai:" in m]
    assert t.attrs == {"train": "2021-04 to 2021-06", "test": "2021-07"}
    _, msgs = _messages(saferstats.pai, [6, 3, 0], [3, 2, 1], train="2021-06", test="2021-05")
    assert any("hindsight" in m for m in msgs)
    # dates: a quarter against the day after it ends
    _, msgs = _messages(saferstats.pai, [6, 3, 0], [3, 2, 1], train="2021Q2", test=pd.Timestamp("2021-07-01"))
    assert not [m for m in msgs if "pai:" in m]
    _, msgs = _messages(saferstats.pai, [6, 3, 0], [3, 2, 1], train="2021Q2", test=pd.Timestamp("2021-06-30"))
    assert any("in-sample" in m for m in msgs)


def test_bad_windows_are_refused_by_name():
    with pytest.raises(InvalidInputError, match="`train` 'June' is not a period") as e:
        saferstats.pai([6, 3, 0], [3, 2, 1], train="June", test="2021-07")
    assert e.value.argument == "train"
    with pytest.raises(InvalidInputError, match="`test` is given without `train`"):
        saferstats.pai([6, 3, 0], [3, 2, 1], test="2021-07")
    with pytest.raises(InvalidInputError, match="in time order"):
        saferstats.pai([6, 3, 0], [3, 2, 1], train=("2021-08", "2021-06"), test="2021-09")


def _herts_asb(shared_data):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour", last_month="2021-07")
    keep = np.isin(month, ["2021-06", "2021-07"])
    return month[keep], x[keep], y[keep]


def _at(t, coverage):
    return t[t.coverage <= coverage].iloc[-1]


def test_in_sample_pai_on_hertfordshire_is_flattering_and_warned(shared_data):
    month, x, y = _herts_asb(shared_data)
    jun, jul = month == "2021-06", month == "2021-07"
    g = _quiet(saferstats.hotspot_count, x[jun], y[jun], cell_size=250, study_area="Hertfordshire")
    o6 = _quiet(saferstats.hotspot_count, x[jun], y[jun], grid=g, study_area="Hertfordshire")
    o7 = _quiet(saferstats.hotspot_count, x[jul], y[jul], grid=g, study_area="Hertfordshire")
    same, msgs = _messages(saferstats.pai, o6, g, train="2021-06", test="2021-06")
    assert any("in-sample" in m for m in msgs)
    nxt, msgs = _messages(saferstats.pai, o7, g, train=month[jun], test=month[jul])
    assert not [m for m in msgs if "pai:" in m]
    # reference: ptools' definition computed here over the cells pai scored (equal areas)
    for t, obs in ((same, o6), (nxt, o7)):
        cells = np.sort(t["cell"].to_numpy())
        o = obs.cells["count"].to_numpy()[cells]
        p = g.cells["count"].to_numpy()[cells]
        order = np.lexsort((o, -p))
        k = int(np.floor(0.05 * len(cells)))
        hit = o[order][:k].sum() / o.sum()
        row = _at(t, 0.05)
        assert int(row["k"]) == k
        assert row["hit_rate"] == pytest.approx(hit, rel=1e-12)
        assert row["pai"] == pytest.approx(hit / (k / len(cells)), rel=1e-12)
    # the figures of pai's docstring
    assert round(_at(same, 0.05)["pai"], 1) == 19.3 and round(_at(nxt, 0.05)["pai"], 1) == 10.4
    assert _at(same, 0.05)["hit_rate"] > 0.96


# open_cp evaluation (QuantCrimAtLeeds/PredictCode e2a2d5a, open_cp/evaluation.py), ported as is
# except np.bool -> bool (removed from numpy)
def _oc_top_slice_one_dim(risk, fraction):
    data = risk.compressed().copy()
    data.sort()
    N = len(data)
    n = int(np.floor(N * fraction))
    n = min(max(0, n), N)
    if n == N:
        ret = np.zeros(risk.shape) + 1
        return (ret * (~risk.mask)).astype(bool)
    if n == 0:
        return np.zeros(risk.shape, dtype=bool)
    mask = (risk >= data[-n])
    mask = mask.data & (~risk.mask)
    have = np.sum(mask)
    if have == n:
        return mask
    top = np.ma.min(np.ma.masked_where(~mask, risk))
    for i in range(len(risk)):
        if risk[i] == top:
            mask[i] = False
            have -= 1
            if have == n:
                return mask
    raise Exception("Failed to sufficient cells")


def _oc_hit_rate(risk, counts, fraction):
    """open_cp ``hit_counts`` with the events already counted per cell (``_inverse_hit_rates_setup``)."""
    covered = _oc_top_slice_one_dim(risk, fraction)
    return counts[covered].sum() / counts.sum()


def test_pai_and_pei_match_open_cp_on_hertfordshire(shared_data):
    month, x, y = _herts_asb(shared_data)
    jun, jul = month == "2021-06", month == "2021-07"
    g = _quiet(saferstats.hotspot_kde, x[jun], y[jun], cell_size=500, bandwidth=1500, study_area="Hertfordshire")
    o = _quiet(saferstats.hotspot_count, x[jul], y[jul], grid=g, study_area="Hertfordshire")
    t = saferstats.pai(o, g, train="2021-06", test="2021-07")
    scored = np.zeros(len(g.cells), dtype=bool)
    scored[t["cell"].to_numpy()] = True
    # open_cp masks the cells outside the study area; the same cells pai scores
    risk = np.ma.masked_array(g.cells["kde"].to_numpy(), mask=~scored)
    counts = o.cells["count"].to_numpy()
    assert counts[~scored].sum() == 0
    n_cells = int(scored.sum())
    for fraction in (0.01, 0.02, 0.05, 0.10, 0.20):
        n = int(np.floor(n_cells * fraction))
        top = np.sort(risk.compressed())[::-1]
        assert top[n - 1] > top[n]  # no tie at the cut: the tie rules of the two do not matter
        hit = _oc_hit_rate(risk, counts, fraction)
        # open_cp maximum_hit_rate: the n cells with most events (a counting "prediction")
        best = _oc_hit_rate(np.ma.masked_array(counts.astype(float), mask=~scored), counts, fraction)
        row = t[t["k"] == n].iloc[0]
        assert row["hit_rate"] == pytest.approx(hit, rel=1e-12)
        assert row["pai"] == pytest.approx(hit / (n / n_cells), rel=1e-12)
        assert row["pei"] == pytest.approx(hit / best, rel=1e-12)


def test_a_prospective_grid_knows_its_window():
    t = pd.to_datetime(pd.Series(["2021-10-01", "2021-11-01", "2021-12-01"]))
    x, y = [50.0, 60.0, 70.0], [50.0, 50.0, 50.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)  # months as the 1st, events at predict_time
        g = saferstats.prospective_hotspots(x, y, t, predict_time="2021-12-01", cell_size=50,
                                            bounds=(0, 149, 0, 149), time_unit=30)
    o = saferstats.hotspot_count([55.0], [55.0], grid=g)
    # December's events (read as 1 December) were used: scoring on December is in-sample
    tab, msgs = _messages(saferstats.pai, o, g, test="2021-12")
    assert any("in-sample" in m for m in msgs) and tab.attrs["train"] == "2021-10 to 2021-12"  # months as months (session 19)
    # a column of the grid carries it too
    _, msgs = _messages(saferstats.pai, o.cells["count"], g.cells["risk"], test="2021-12")
    assert any("in-sample" in m for m in msgs)
    # cut off before December: quiet
    g2 = saferstats.prospective_hotspots(x, y, t, predict_time="2021-12-01", cutoff_time="2021-11-30", cell_size=50,
                                         bounds=(0, 149, 0, 149), time_unit=30)
    tab, msgs = _messages(saferstats.pai, o, g2, test="2021-12")
    assert not [m for m in msgs if "pai:" in m] and tab.attrs["train"] == "2021-10 to 2021-11"


# ----------------------------------------------------------------------------- 2. two-sided permutation p

def _queen(nr, nc):
    nb = []
    for r in range(nr):
        for c in range(nc):
            nb.append([rr * nc + cc for rr in range(max(0, r - 1), min(nr, r + 2))
                       for cc in range(max(0, c - 1), min(nc, c + 2)) if (rr, cc) != (r, c)])
    return nb


def _two_sided_reference(y, nb, i, perms, rng):
    """Conditional permutation p of Gi* (binary, self included) for cell i, drawn here: y_i kept,
    its k neighbours drawn without replacement from the other cells; the nearer tail with ties in
    both, doubled (capped at 1)."""
    obs = y[i] + y[nb[i]].sum()
    others = np.delete(y, i)
    k = len(nb[i])
    sims = np.array([y[i] + rng.choice(others, size=k, replace=False).sum() for _ in range(perms)])
    tail = min((sims >= obs - 1e-9).sum(), (sims <= obs + 1e-9).sum())
    return min(1.0, 2 * (tail + 1) / (perms + 1))


def test_classify_permutation_p_is_two_sided():
    rng = np.random.default_rng(11)
    nr = nc = 6
    # two periods of events on a 6 x 6 grid of 100 m cells, a cluster in the north-east corner
    xs, ys, per = [], [], []
    for p, n_bg, n_hot in ((1, 160, 40), (2, 160, 70)):
        xs += list(rng.uniform(0, 600, n_bg)) + list(rng.uniform(420, 600, n_hot))
        ys += list(rng.uniform(0, 600, n_bg)) + list(rng.uniform(420, 600, n_hot))
        per += [p] * (n_bg + n_hot)
    xs, ys, per = np.array(xs), np.array(ys), np.array(per)
    r = saferstats.hotspot_classify(xs, ys, per, cell_size=100, bounds=(0, 599.999, 0, 599.999), permutations=9999,
                                    p_adjust="none", seed=3)
    assert r.grid.ncols == nc and r.grid.nrows == nr
    nb = [np.array(v) for v in _queen(nr, nc)]
    pp = r.periods
    # significance is p_value < critical_p (two-sided) with the sign of z
    sig = np.where(pp["p_adjusted"] < 0.05, np.sign(pp["z"]), 0).astype(int)
    np.testing.assert_array_equal(pp["significant"].to_numpy(), sig)
    # every permutation p is twice a share of 10,000 (or 1)
    v = pp["p_value"].to_numpy() * 10_000 / 2
    assert np.all((np.abs(v - np.round(v)) < 1e-6) | (pp["p_value"].to_numpy() == 1))
    # against permutations drawn here, for cells across the range of p (Monte Carlo error: 3 SE)
    ref_rng = np.random.default_rng(5)
    y2 = pp[pp["period"] == 2].sort_values("cell")["count"].to_numpy(dtype=float)
    p2 = pp[pp["period"] == 2].sort_values("cell")["p_value"].to_numpy()
    checked = 0
    for i in np.argsort(p2)[::5]:
        ref = _two_sided_reference(y2, nb, int(i), 4000, ref_rng)
        se = np.sqrt(max(ref * (1 - ref / 2), 1e-4) * 2 / 4000) + np.sqrt(max(p2[i] * (1 - p2[i] / 2), 1e-4) * 2 / 10_000)
        assert abs(p2[i] - ref) < 3 * se + 2e-3, (int(i), p2[i], ref)
        checked += 1
    assert checked >= 7


def test_classify_unreachable_warning_uses_the_two_sided_floor():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 2000, 3000), rng.uniform(0, 2000, 3000)
    period = np.arange(3000) % 30
    with pytest.warns(SaferstatsWarning, match=r"smallest \(two-sided\) p-value is 0.002, and the Holm adjustment "
                                               r"over 30 periods makes the smallest adjusted p 0.06"):
        saferstats.hotspot_classify(x, y, period, cell_size=500, seed=1)


def test_gi_star_table_says_what_each_p_is():
    from scipy.stats import norm

    w = saferstats.Weights.distance_band([10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15)
    r = saferstats.gi_star([2, 3, 3.2, 5, 8, 7], w, permutations=99, seed=1)
    t = r.to_pandas()
    cols = t.attrs["columns"]
    assert "one-sided" in cols["p_sim"] and "two-sided p = min(1, 2·p_sim)" in cols["p_sim"]
    assert "one-sided" in cols["p_norm"] and "p_sim is not used" in cols["label"]
    # p_norm is the one-sided normal p of |z|, and the labels come from twice it
    np.testing.assert_allclose(t["p_norm"], norm.sf(np.abs(t["z"])), rtol=1e-9)
    two = 2 * norm.sf(np.abs(t["z"].to_numpy()))
    want = np.where(two < 0.05, np.where(t["z"] > 0, "Hot spot 95%", "Cold spot 95%"), "Not significant")
    np.testing.assert_array_equal(t["label"].to_numpy(), want)


# ----------------------------------------------------------------------------- 3. row labels

def _stretched():
    rng = np.random.default_rng(1)
    idx = [f"crime-{i}" for i in range(301)]
    x = pd.Series(np.r_[rng.uniform(520_000, 530_000, 300), 600_000.0], index=idx)
    y = pd.Series(np.r_[rng.uniform(210_000, 220_000, 300), 210_000.0], index=idx)
    return x, y


@pytest.mark.parametrize("call", ["grid_counts", "hotspot_count", "hotspot_kde", "kde_grid", "hotspot_grid"])
def test_the_far_point_is_named_by_its_label(call):
    x, y = _stretched()
    kw = {"cell_size": 1000} | ({"bandwidth": 2000} if "kde" in call else {})
    _, msgs = _messages(getattr(saferstats, call), x, y, **kw)
    hit = [m for m in msgs if "stretch the grid" in m]
    assert len(hit) == 1 and "first far point: row 'crime-300'" in hit[0]


def test_the_far_point_of_two_sets_names_the_set():
    x, y = _stretched()
    _, msgs = _messages(saferstats.hotspot_change, x[:5], y[:5], x, y, cell_size=1000)
    assert any("first far point: `x_after` row 'crime-300'" in m for m in msgs)
    _, msgs = _messages(saferstats.hotspot_dual_kde, x, y, x[:5], y[:5], cell_size=1000, bandwidth=2000)
    assert any("first far point: `x_a` row 'crime-300'" in m for m in msgs)


def test_grid_counts_with_a_study_area_names_the_callers_row():
    square = saferstats.StudyArea(np.array([[0.0, 0], [1000, 0], [1000, 1000], [0, 1000], [0, 0]]), crs=27700)
    x = pd.Series([-50.0, 100, 900, 950], index=["outside", "a", "b", "c"])
    y = pd.Series([50.0, 100, 900, 950], index=x.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)  # the point outside the area
        with pytest.raises(InvalidInputError, match=r"2 of 3 points lie outside the grid .* \(first at row 'b'\)") as e:
            saferstats.grid_counts(x, y, cell_size=100, bounds=(0, 500, 0, 500), study_area=square, outside="error")
    assert e.value.index == "b" and e.value.position == 2


# ----------------------------------------------------------------------------- 4. kde_grid over a study area

TRIANGLE = np.array([[500_000.0, 200_000.0], [501_000.0, 200_000.0], [500_000.0, 201_000.0], [500_000.0, 200_000.0]])


def _triangle_kde():
    rng = np.random.default_rng(7)
    x = rng.uniform(500_050, 500_400, 40)
    y = rng.uniform(200_050, 200_400, 40)
    return saferstats.kde_grid(x, y, cell_size=100, bandwidth=400, study_area=TRIANGLE)


def test_kde_grid_to_geodataframe_keeps_the_area_cells():
    pytest.importorskip("geopandas")
    k = _triangle_kde()
    gdf = saferstats.geo.to_geodataframe(k)
    gx, gy = np.meshgrid(k.x, k.y)
    want = (gx > 500_000) & (gy > 200_000) & ((gx - 500_000) + (gy - 200_000) < 1000)  # by hand
    np.testing.assert_array_equal(gdf["in_study_area"].to_numpy(), want.ravel())
    assert (k.density[~k.in_study_area] > 0).any()  # the kernel reaches beyond the edge: the map leaves it blank
    assert gdf.loc[~gdf["in_study_area"], "density"].isna().all()


def test_kde_grid_ascii_and_plot_leave_the_outside_blank(tmp_path):
    pytest.importorskip("pyproj")
    k = _triangle_kde()
    asc = saferstats.geo.write_ascii_grid(k, tmp_path / "k.asc")
    body = np.loadtxt(asc, skiprows=6)[::-1]  # rows from the south again
    inside = np.asarray(k.in_study_area)
    assert (body[~inside] == -9999).all()
    np.testing.assert_allclose(body[inside], k.density[inside], rtol=1e-9)

    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from saferstats.plotting import plot_kde

    ax = plot_kde(k)
    img = ax.get_images()[0].get_array()
    np.testing.assert_array_equal(np.ma.getmaskarray(img), ~inside)
    # the colour scale is the area's
    assert ax.get_images()[0].norm.vmax == pytest.approx(k.density[inside].max())
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


# ----------------------------------------------------------------------------- 5. plots

def test_plot_gi_refuses_what_it_cannot_draw_by_name():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from saferstats.exceptions import LengthMismatchError
    from saferstats.plotting import plot_clusters, plot_gi

    w = saferstats.Weights.lattice(4, 4)
    lisa = saferstats.local_moran(np.arange(16.0), w, permutations=0)
    with pytest.raises(InvalidInputError, match="plot_gi draws a Gi\\* result") as e:
        plot_gi(lisa, (4, 4))  # was a bare ValueError: 'Low-Low' is not in list
    assert e.value.argument == "result"
    gi = saferstats.gi_star(np.arange(16.0), w, permutations=0, fdr=True)
    with pytest.raises(InvalidInputError, match=r"`shape` \(4, 5\) has 20 cells but `result` has 16") as e:
        plot_gi(gi, (4, 5))  # was numpy's "cannot reshape array"
    assert e.value.argument == "shape"
    ax = plot_gi(gi, (4, 4))
    assert "FDR-adjusted" in ax.get_title()
    plt.close(ax.figure)
    with pytest.raises(LengthMismatchError, match="`labels` has 2") as e:
        plot_clusters([51.5, 51.5, 51.5], [-0.1, -0.1, -0.1], [0, 0], areas=None)  # was an IndexError
    # labels from hdbscan are not "DBSCAN clusters"; non-contiguous labels are counted, not max + 1
    ax = plot_clusters([51.5, 51.5001, 51.6, 51.6001], [-0.1, -0.1, -0.2, -0.2], [0, 0, 5, 5], areas=None)
    assert ax.get_title() == "Clusters (2) with convex hulls"
    plt.close(ax.figure)


def test_global_headline_says_which_p_is_one_sided():
    from scipy.stats import norm

    w = saferstats.Weights.lattice(5, 5)
    v = np.arange(25.0)
    m = saferstats.global_moran(v, w, permutations=99, seed=1)
    # esda: Moran's normal p two-sided, Geary's and General G's one-sided; p_sim folded (one-sided)
    assert m.p_value == pytest.approx(2 * norm.sf(abs(m.z)), rel=1e-9)
    assert "(two-sided), p_sim" in repr(m) and "(one-sided, 99 permutations)" in repr(m)
    c = saferstats.global_geary(v, w, permutations=0)
    assert c.p_value == pytest.approx(norm.sf(abs(c.z)), rel=1e-9)
    assert "(one-sided)" in repr(c) and "p_sim" not in repr(c)


# ----------------------------------------------------------------------------- 6. Gaussian default bandwidth

def test_gaussian_default_bandwidth_is_mass_kde2d_sd():
    # hotspot_kde(kernel="gaussian") with the automatic bandwidth used MASS's h as the normal sd, 4
    # times the smoothing of MASS::kde2d (sd h/4). Reference: kde2d's sum computed here with numpy, with
    # h the mean of bandwidth.nrd of x and y (checked once with R 4.2.2 / MASS 7.3-58.2 kde2d: 1.8e-15)
    rng = np.random.default_rng(4)
    x = np.round(np.r_[rng.normal(1200, 150, 120), rng.uniform(0, 4000, 80)], 1)
    y = np.round(np.r_[rng.normal(900, 120, 120), rng.uniform(0, 3000, 80)], 1)
    g = saferstats.hotspot_kde(x, y, cell_size=100, kernel="gaussian", bounds=(0, 3999, 0, 2999))
    sd = (bandwidth_nrd_reference(x) + bandwidth_nrd_reference(y)) / 2 / 4
    assert g.bandwidth == pytest.approx(sd, rel=1e-12)
    cx, cy = g.cells["x"].to_numpy(), g.cells["y"].to_numpy()
    d2 = (cx[None, :] - x[:, None]) ** 2 + (cy[None, :] - y[:, None]) ** 2
    want = (np.exp(-d2 / (2 * sd * sd)) / (2 * np.pi * sd * sd)).sum(axis=0) * 1e6
    np.testing.assert_allclose(g.cells["kde"].to_numpy(), want, rtol=1e-10, atol=1e-12)
    # the quartic keeps the whole of it as its radius; an explicit bandwidth is the sd as before
    q = saferstats.hotspot_kde(x, y, cell_size=100, bounds=(0, 3999, 0, 2999))
    assert q.bandwidth == pytest.approx(4 * sd, rel=1e-12)
    e = saferstats.hotspot_kde(x, y, cell_size=100, kernel="gaussian", bandwidth=300, bounds=(0, 3999, 0, 2999))
    assert e.bandwidth == 300
    d = _quiet(saferstats.hotspot_dual_kde, x, y, x[:100], y[:100], cell_size=100, kernel="gaussian",
               bounds=(0, 3999, 0, 2999))
    both_x, both_y = np.r_[x, x[:100]], np.r_[y, y[:100]]
    assert d.bandwidth == pytest.approx((bandwidth_nrd_reference(both_x) + bandwidth_nrd_reference(both_y)) / 8, rel=1e-12)
