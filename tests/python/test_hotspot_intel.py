"""Hotspot intelligence (issue 17): global autocorrelation vs esda fixtures, PAI vs ptools and
open_cp tests, concentration, bad input."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError, LengthMismatchError, MissingValueError, SaferstatsError

FIX = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "hotspot_intel_reference.json").read_text())


def _weights(case):
    if "lattice" in case:
        r, c, cont = case["lattice"]
        return saferstats.Weights.lattice(r, c, contiguity=cont)
    a = np.array(case["adjacency"])
    return saferstats.Weights.from_adjacency(a[:, 0], a[:, 1], n=len(case["values"]))


@pytest.mark.parametrize("case", FIX["cases"], ids=[c["name"] for c in FIX["cases"]])
@pytest.mark.parametrize("transform", ["R", "B"])
def test_global_moran_and_geary_equal_esda(case, transform):
    w = _weights(case)
    m = saferstats.global_moran(case["values"], w, transform=transform, seed=5)
    e = case[f"moran_{transform}"]
    assert m.I == pytest.approx(e["I"], rel=1e-10)
    assert m.expected == pytest.approx(e["EI"])
    assert m.z == pytest.approx(e["z_norm"], rel=1e-9)
    assert m.p_value == pytest.approx(e["p_norm"], rel=1e-9, abs=1e-15)
    assert m.z_rand == pytest.approx(e["z_rand"], rel=1e-9)
    assert m.se_sim == pytest.approx(e["seI_sim"], rel=0.15)
    assert abs(m.p_sim - e["p_sim"]) < 0.08
    g = saferstats.global_geary(case["values"], w, transform=transform, seed=5)
    e = case[f"geary_{transform}"]
    assert g.C == pytest.approx(e["C"], rel=1e-10)
    assert g.z == pytest.approx(e["z_norm"], rel=1e-9)
    assert g.p_value == pytest.approx(e["p_norm"], rel=1e-9, abs=1e-15)
    assert g.p_rand == pytest.approx(e["p_rand"], rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("case", FIX["cases"], ids=[c["name"] for c in FIX["cases"]])
def test_general_g_equals_esda(case):
    r = saferstats.general_g(case["values"], _weights(case), seed=2)
    e = case["general_g_B"]
    assert r.G == pytest.approx(e["G"], rel=1e-10)
    assert r.expected == pytest.approx(e["EG"])
    assert r.variance == pytest.approx(e["VG"], rel=1e-9)
    assert r.p_value == pytest.approx(e["p_norm"], rel=1e-9, abs=1e-15)
    assert r.se_sim == pytest.approx(e["seG_sim"], rel=0.15)


def test_global_result_is_readable_and_reproducible():
    case = FIX["cases"][0]
    w = _weights(case)
    a = saferstats.global_moran(case["values"], w, seed=9)
    b = saferstats.global_moran(case["values"], w, seed=9)
    assert a.p_sim == b.p_sim and a.z_sim == b.z_sim
    assert "Moran's I" in repr(a) and "p_sim" in repr(a)
    df = a.to_pandas()
    assert list(df.columns[:6]) == ["statistic", "I", "expected", "variance", "z", "p_value"]
    assert df["method"].iloc[0].startswith("Moran's I")
    assert "<b>GlobalResult</b>" in a._repr_html_()
    with pytest.raises(AttributeError):
        a.C


def test_global_bad_input():
    w = saferstats.Weights.lattice(3, 3, contiguity="rook")
    with pytest.raises(MissingValueError):
        saferstats.global_moran([1, 2, np.nan, 4, 5, 6, 7, 8, 9], w)
    with pytest.raises(LengthMismatchError):
        saferstats.global_moran([1, 2, 3], w)
    with pytest.raises(InvalidInputError, match="all values are equal"):
        saferstats.global_geary([1.0] * 9, w)
    with pytest.raises(InvalidInputError, match=">= 0"):
        saferstats.general_g([1, 2, -3, 4, 5, 6, 7, 8, 9], w)
    with pytest.raises(InvalidInputError, match="transform"):
        saferstats.global_moran(range(9), w, transform="X")
    with pytest.raises(InvalidInputError, match="permutations"):
        saferstats.global_moran(range(9), w, permutations=-1)
    with pytest.raises(InvalidInputError, match="weights"):
        saferstats.global_moran(range(9), "not weights")
    islands = saferstats.Weights.from_adjacency([], [], n=9)
    with pytest.raises(SaferstatsError, match="neighbour"):
        saferstats.global_moran(range(9), islands)


def test_pai_ptools_test_pai_r():
    # apwheele/ptools tests/testthat/test-pai.R: PAI 2, 1.5, 1; PEI 1; RRI cumsum(pred)/cumsum(obs)
    t = saferstats.pai([6, 3, 0], [3, 2, 1])
    assert t["pai"].tolist() == [2.0, 1.5, 1.0]
    assert t["pei"].tolist() == [1.0, 1.0, 1.0]
    np.testing.assert_allclose(t["rri"], np.cumsum([3, 2, 1]) / np.cumsum([6, 3, 0]))
    assert list(t.columns) == ["k", "cell", "observed", "cum_observed", "predicted", "cum_predicted", "area",
                               "cum_area", "coverage", "hit_rate", "pai", "pei", "rri"]


def test_pai_ptools_example_and_tie_rule():
    # ptools pai() example data: obs 6,7,3,2,1,0 / pred 8,4,4,2,1,0; the tie at pred 4 puts the
    # cell with fewer events (3) first, as ptools' order(p, -cr, decreasing=TRUE)
    t = saferstats.pai([6, 7, 3, 2, 1, 0], [8, 4, 4, 2, 1, 0])
    assert t["cell"].tolist() == [0, 2, 1, 3, 4, 5]
    np.testing.assert_allclose(t["cum_observed"], [6, 9, 16, 18, 19, 19])
    np.testing.assert_allclose(t["pai"], np.array([6, 9, 16, 18, 19, 19]) / 19 / (np.arange(1, 7) / 6))
    # the oracle: 7, 6, 3, 2, 1, 0
    np.testing.assert_allclose(t["pei"], np.array([6, 9, 16, 18, 19, 19]) / np.array([7, 13, 16, 18, 19, 19]))


def test_pai_open_cp_hit_rates():
    # QuantCrimAtLeeds/PredictCode tests/evaluation_test.py test_hit_rate: a 2 x 4 prediction
    # [[1,2,3,4],[5,6,7,8]] and one event per cell: coverage 50% -> hit rate 0.5, 49% -> 3/8
    # (open_cp takes floor(8 * 0.49) = 3 cells), 100% -> 1
    pred = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    t = saferstats.pai(np.ones((2, 4)), pred)
    assert t.loc[t["coverage"] <= 0.5, "hit_rate"].iloc[-1] == 0.5
    assert t.loc[t["coverage"] <= 0.49, "hit_rate"].iloc[-1] == 3 / 8
    assert t["hit_rate"].iloc[-1] == 1.0


def test_pai_with_areas():
    t = saferstats.pai([4, 1], [1, 1], area=[1, 4])
    # density 1 vs 0.25: the small cell first
    assert t["cell"].tolist() == [0, 1]
    assert t["pai"].iloc[0] == pytest.approx((4 / 5) / (1 / 5))


def test_pai_bad_input():
    with pytest.raises(LengthMismatchError, match="same grid"):
        saferstats.pai([1, 2, 3], [1, 2])
    with pytest.raises(InvalidInputError, match="different grid"):
        saferstats.pai(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(InvalidInputError, match="no observed events"):
        saferstats.pai([0, 0], [1, 2])
    with pytest.raises(InvalidInputError):
        saferstats.pai([1, -1], [1, 2])
    with pytest.raises(MissingValueError):
        saferstats.pai([1, np.nan], [1, 2])
    with pytest.raises(InvalidInputError, match="area"):
        saferstats.pai([1, 2], [1, 2], area=[1, 0])
    with pytest.raises(InvalidInputError):
        saferstats.pai([], [])
    with pytest.raises(InvalidInputError, match="DataFrame"):
        saferstats.pai(pd.DataFrame({"a": [1]}), [1])


def _gini_mean_difference(x):
    # an independent formula: G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄) (= R ineq::Gini(corr = FALSE))
    x = np.asarray(x, float)
    return np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())


@pytest.mark.parametrize("x", [[0, 0, 0, 1, 1, 2, 5, 9, 0, 3], [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], [7], [1, 1, 1, 1]])
def test_gini_equals_mean_difference_formula(x):
    c = saferstats.concentration(x)
    assert c.gini == pytest.approx(_gini_mean_difference(x), abs=1e-12)
    assert c.share_events[-1] == pytest.approx(1.0)
    assert len(c.to_pandas()) == len(x) + 1


def test_generalized_gini_bernasco_steenbeek():
    # N = 3 events over n = 10 places: the most even spread (3 places with one each) has
    # Gini 1 - N/n = 0.7 and generalised Gini 0; everything in one place is the most concentrated
    even = saferstats.concentration([1, 1, 1] + [0] * 7)
    assert even.gini == pytest.approx(0.7)
    assert even.gini_generalized == pytest.approx(0.0, abs=1e-12)
    one = saferstats.concentration([3] + [0] * 9)
    assert one.gini_generalized == pytest.approx((10 / 3) * 0.9 - 7 / 3)
    many = saferstats.concentration([5, 3, 2, 7])
    assert many.gini_generalized == many.gini
    assert one.share_of_events(0.1) == pytest.approx(1.0)
    assert "generalised Gini" in one._repr_html_()


def test_concentration_bad_input():
    with pytest.raises(InvalidInputError, match="no events"):
        saferstats.concentration([0, 0])
    with pytest.raises(MissingValueError):
        saferstats.concentration([1, np.nan])
    with pytest.raises(InvalidInputError):
        saferstats.concentration([])


def test_nnh_area_in_other_units_is_warned_about():
    """Walk-through 2: nnh(x, y, area=1641.05) with British National Grid metres (Hertfordshire's
    km²) gives a threshold of 0.387 m (CrimeStat's formula, nnh_threshold) and silently no
    cluster; in m² it is 387 m."""
    import warnings

    rng = np.random.default_rng(5)
    x, y = rng.uniform(500_000, 540_000, 400), rng.uniform(200_000, 240_000, 400)
    assert saferstats.nnh_threshold(2735, area=1641.05) == pytest.approx(
        saferstats.nnh_threshold(2735, area=1641.05e6) / 1000, rel=1e-9)   # the formula scales with √area
    with pytest.warns(saferstats.SaferstatsWarning, match=r"area = 1600 is under 1/1000 .*\(km² for coordinates in metres"):
        saferstats.nnh(x, y, area=1600, min_points=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        saferstats.nnh(x, y, area=1600e6, min_points=5)
        saferstats.nnh(x, y, threshold=500, min_points=5)
