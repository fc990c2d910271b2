"""Grids, KDE, dual KDE, emerging hotspot classification, change and prospective hotspots
(issue 17): R MASS::bandwidth.nrd and binom.test values, open_cp prohotspot tests, hand-built
space-time data with known classes, bad input."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError, LengthMismatchError, SaferstatsWarning

BW = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "hotspot_intel_bandwidth.json").read_text())


@pytest.mark.parametrize("case", BW["cases"], ids=[c["name"] for c in BW["cases"]])
def test_bandwidth_nrd_equals_r_mass(case):
    assert saferstats.bandwidth_nrd(case["values"]) == pytest.approx(case["bandwidth_nrd"], rel=1e-12)


def test_auto_bandwidth_uses_both_axes():
    e = next(c for c in BW["cases"] if c["name"] == "easting")
    n = next(c for c in BW["cases"] if c["name"] == "northing")
    h = saferstats.auto_bandwidth(e["values"], n["values"])
    assert h == pytest.approx((e["bandwidth_nrd"] + n["bandwidth_nrd"]) / 2, rel=1e-12)


def test_auto_cell_size_sfhotspot_rule():
    # 1/50 of the shorter side floored to 100 m; below 5 km the exact 1/50 (sfhotspot #26)
    assert saferstats.auto_cell_size([0, 40_000], [0, 12_345]) == 200
    assert saferstats.auto_cell_size([0, 40_000], [0, 4_000]) == pytest.approx(80)
    with pytest.raises(InvalidInputError):
        saferstats.auto_cell_size([0, 10], [5, 5])


@pytest.mark.parametrize("grid_type", ["square", "hex"])
def test_counts_and_kde_equal_a_direct_sum(grid_type):
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 2000, 300), rng.uniform(0, 1500, 300)
    with pytest.warns(SaferstatsWarning, match="bandwidth"):
        g = saferstats.hotspot_kde(x, y, cell_size=250, bandwidth=200, grid_type=grid_type)
    assert g.cells["count"].sum() == 300
    cx, cy = g.cells["x"].to_numpy(), g.cells["y"].to_numpy()
    d2 = (cx[:, None] - x[None, :]) ** 2 + (cy[:, None] - y[None, :]) ** 2
    direct = np.where(d2 < 200**2, 3 / (np.pi * 200**2) * (1 - d2 / 200**2) ** 2, 0).sum(axis=1) * 1e6
    np.testing.assert_allclose(g.cells["kde"], direct, rtol=1e-12, atol=1e-15)
    # every point is in the cell whose centre is nearest (hexagons) / whose square holds it
    k = np.argmin(d2, axis=0) if grid_type == "hex" else None
    if k is not None:
        np.testing.assert_array_equal(np.bincount(k, minlength=len(cx)), g.cells["count"])
    assert len(g.polygons()[0]) == (6 if grid_type == "hex" else 4)


def test_dual_kde_methods():
    a = dict(x_a=[0, 10, 20], y_a=[0, 10, 20], x_b=[0, 10], y_b=[0, 10])
    kw = dict(cell_size=10, bandwidth=50, bounds=(-20, 40, -20, 40))
    r = saferstats.hotspot_dual_kde(**a, method="ratio", **kw).cells
    np.testing.assert_allclose(r["kde"], r["kde_a"] / r["kde_b"])
    d = saferstats.hotspot_dual_kde(**a, method="difference", **kw).cells
    np.testing.assert_allclose(d["kde"], d["kde_a"] - d["kde_b"])
    lr = saferstats.hotspot_dual_kde(**a, method="log_ratio", **kw).cells
    np.testing.assert_allclose(lr["kde"], np.log(r["kde"]))
    assert list(r.columns) == ["cell", "x", "y", "count_a", "kde_a", "count_b", "kde_b", "kde"]


def _space_time(periods=10, size=15, bg=2.0):
    """Known classes on a size x size grid of 100 m cells: 3 x 3 blocks of 20 events per cell
    around chosen centres, in chosen periods; a block of empty cells in a busy background."""
    blocks = {"persistent hotspot": ((2, 2), range(periods)),
              "emerging hotspot": ((2, 12), range(periods - 2, periods)),
              "former hotspot": ((12, 2), range(0, 5)),
              "intermittent hotspot": ((12, 12), [3, periods - 1]),
              "persistent coldspot": ((7, 7), range(periods))}
    counts = np.full((periods, size, size), bg)
    for name, ((r, c), ts) in blocks.items():
        for t in (t for t in ts if t < periods):
            counts[t, r - 1:r + 2, c - 1:c + 2] = 0.0 if "cold" in name else 20.0
    xs, ys, ps = [], [], []
    for t in range(periods):
        for r in range(size):
            for c in range(size):
                k = int(counts[t, r, c])
                xs += [c * 100 + 50] * k
                ys += [r * 100 + 50] * k
                ps += [t] * k
    centres = {name: r * size + c for name, ((r, c), _) in blocks.items()}
    return np.array(xs, float), np.array(ys, float), np.array(ps), centres


def test_classify_recovers_known_classes():
    x, y, p, centres = _space_time()
    r = saferstats.hotspot_classify(x, y, p, cell_size=100, bounds=(0, 1499, 0, 1499), seed=7)
    assert r.grid.ncols == 15 and r.recent == 2
    got = r.cells.set_index("cell")["hotspot_category"]
    for name, cell in centres.items():
        assert got[cell] == name, (name, got[cell])
    # far from every block: no pattern
    assert got[7 * 15 + 0] == "no pattern"
    assert "persistent hotspot" in repr(r) and "<b>ClassifyResult</b>" in r._repr_html_()
    assert set(r.periods.columns) == {"cell", "period", "count", "z", "p_value", "p_adjusted", "significant"}


def test_classify_gi_star_equals_gi_star():
    # the per-period z equals saferstats.gi_star with binary queen weights (tested against esda)
    x, y, p, _ = _space_time(periods=3)
    r = saferstats.hotspot_classify(x, y, p, cell_size=100, bounds=(0, 1499, 0, 1499), permutations=0)
    per = r.periods[r.periods["period"] == 1].sort_values("cell")
    w = saferstats.Weights.lattice(15, 15, contiguity="queen")
    g = saferstats.gi_star(per["count"].to_numpy(), w, transform="B", permutations=0)
    np.testing.assert_allclose(per["z"], g.z, rtol=1e-10)


def test_classify_is_reproducible_and_holm_applied_once():
    x, y, p, _ = _space_time(periods=4)
    a = saferstats.hotspot_classify(x, y, p, cell_size=100, seed=3)
    b = saferstats.hotspot_classify(x, y, p, cell_size=100, seed=3)
    assert a.periods.equals(b.periods)
    one = a.periods[a.periods["cell"] == 2 * 15 + 2]
    # Holm over the 4 periods of one cell (R p.adjust(method = "holm")), not again over cells
    ps = np.sort(one["p_value"].to_numpy())
    adj = np.minimum(1, np.maximum.accumulate(ps * (4 - np.arange(4))))
    np.testing.assert_allclose(np.sort(one["p_adjusted"].to_numpy()), adj)


def test_classify_bad_input():
    x, y = np.array([50.0, 150, 250]), np.array([50.0, 50, 50])
    with pytest.raises(InvalidInputError, match="at least 2"):
        saferstats.hotspot_classify(x, y, [1, 1, 1], cell_size=100)
    with pytest.raises(InvalidInputError, match="no events"):
        saferstats.hotspot_classify(x, y, [1, 1, 3], periods=[1, 2, 3], cell_size=100)
    with pytest.raises(InvalidInputError, match="not in `periods`"):
        saferstats.hotspot_classify(x, y, [1, 2, 9], periods=[1, 2], cell_size=100)
    with pytest.raises(LengthMismatchError):
        saferstats.hotspot_classify(x, y, [1, 2], cell_size=100)
    with pytest.raises(InvalidInputError, match="hotspot_prop"):
        saferstats.hotspot_classify(x, y, [1, 2, 2], cell_size=100, hotspot_prop=1.5, permutations=0)
    with pytest.raises(InvalidInputError, match="p_adjust"):
        saferstats.hotspot_classify(x, y, [1, 2, 2], cell_size=100, p_adjust="bonferroni")


def test_change_poisson_test_equals_r_binom_test():
    # R 4.2: binom.test(2, 12), binom.test(0, 5)
    g = saferstats.hotspot_change([5] * 10 + [15] * 5, [5] * 10 + [5] * 5, [5, 5], [5, 5], cell_size=10,
                                  bounds=(0, 19, 0, 9))
    c = g.cells
    assert c["change"].tolist() == [-8.0, -5.0]
    assert c["p_value"].tolist() == pytest.approx([0.03857421875, 0.0625], rel=1e-10)
    assert c["ratio"].iloc[0] == pytest.approx(0.2)
    # unequal lengths: 30 after vs 10 before in a period twice as long -> p0 = 2/3 ... R binom.test(30, 40, 1/3)
    g = saferstats.hotspot_change([5] * 10, [5] * 10, [5] * 30, [5] * 30, cell_size=10, bounds=(0, 9, 0, 9),
                                  length_before=2, length_after=1)
    assert g.cells["p_value"].iloc[0] == pytest.approx(8.47487803311314e-08, rel=1e-8)


def test_prospective_open_cp():
    # QuantCrimAtLeeds/PredictCode tests/prohotspot_test.py, times in days (event on day 1)
    base = np.full(9, 0.5)
    base[4] = 1
    for day, f in ((2, 1), (7, 1), (8, 0.5), (14, 0.5), (15, 1 / 3)):
        g = saferstats.prospective_hotspots([50], [50], [1.0], predict_time=day, cutoff_time=2, cell_size=50,
                                            bounds=(0, 149, 0, 149))
        np.testing.assert_allclose(g.cells["risk"], base * f)
    g = saferstats.prospective_hotspots([49, 101], [49, 101], np.array(["2017-03-01", "2017-03-01"],
                                        dtype="datetime64[ns]"), predict_time=np.datetime64("2017-03-02"),
                                        cell_size=50, bounds=(0, 149, 0, 149))
    e = np.array([[1, 1 / 2, 1 / 3], [1 / 2, 1 / 2, 1 / 3], [1 / 3, 1 / 3, 1 / 3]])
    e += np.array([[1 / 3, 1 / 3, 1 / 3], [1 / 3, 1 / 2, 1 / 2], [1 / 3, 1 / 2, 1]])
    np.testing.assert_allclose(g.cells["risk"], e.ravel())


def test_pai_on_grids_refuses_another_grid():
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 1000, 200), rng.uniform(0, 1000, 200)
    past = saferstats.hotspot_kde(x[:100], y[:100], cell_size=100, bandwidth=300, bounds=(0, 1000, 0, 1000))
    now = saferstats.hotspot_count(x[100:], y[100:], grid=past)
    t = saferstats.pai(now, past)
    assert t["hit_rate"].iloc[-1] == 1.0 and len(t) == len(past.cells)
    other = saferstats.hotspot_count(x[100:], y[100:], cell_size=50, bounds=(0, 1000, 0, 1000))
    with pytest.raises(InvalidInputError, match="different grid"):
        saferstats.pai(other, past)


def test_grid_bad_input():
    with pytest.raises(InvalidInputError, match=r"cells .*at most 50000000"):
        saferstats.hotspot_grid([0, 1e6], [0, 1e6], cell_size=0.01)
    with pytest.raises(InvalidInputError, match="hex"):
        saferstats.hotspot_grid([0, 1], [0, 1], cell_size=1, grid_type="hexagonal")
    with pytest.raises(InvalidInputError, match="bandwidth"):
        saferstats.hotspot_kde([0, 1], [0, 1], cell_size=1, bandwidth=0)
    with pytest.raises(InvalidInputError, match="bandwidth"):
        saferstats.hotspot_kde([0, 1], [0, 1], cell_size=1, bandwidth=-5)
    with pytest.raises(InvalidInputError, match="no points"):
        saferstats.hotspot_kde([], [], cell_size=1, bandwidth=5)
    with pytest.warns(SaferstatsWarning, match="more than 100,000"):
        saferstats.hotspot_grid([0, 1000], [0, 1000], cell_size=3)
    with pytest.warns(SaferstatsWarning, match="outside"):
        g = saferstats.hotspot_grid([0, 100], [0, 100], cell_size=50)
        saferstats.hotspot_count([0, 500], [0, 500], grid=g)
    with pytest.raises(InvalidInputError, match="square"):
        saferstats.prospective_hotspots([0], [0], [0], predict_time=1,
                                        grid=saferstats.hotspot_grid([0, 100], [0, 100], cell_size=50, grid_type="hex"))
    with pytest.raises(InvalidInputError, match="cut-off"):
        saferstats.prospective_hotspots([0], [0], [0], predict_time=1, cutoff_time=5, cell_size=10, bounds=(0, 9, 0, 9))
