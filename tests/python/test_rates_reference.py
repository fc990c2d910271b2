"""The rates kernel through the Python API, against the same fixtures as the Rust tests:
scipy/statsmodels (rates_scipy.json), R prop.test (rates_r.json) and PHEindicatormethods
published values (rates_phe.json)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats

SCIPY = load_fixture("rates_scipy.json")
PHE = load_fixture("rates_phe.json")
RREF = load_fixture("rates_r.json")
REL = 1e-9


def test_exact_rates_match_scipy_chi2_vectorised():
    rows = pd.DataFrame(SCIPY["poisson_exact"]["rows"])
    for conf, grp in rows.groupby("confidence"):
        out = saferstats.rate_ci(grp["count"], 1000.0, multiplier=1000, confidence=conf, method="exact")
        np.testing.assert_allclose(out["lower"], grp["lower"], rtol=REL, atol=0)
        np.testing.assert_allclose(out["upper"], grp["upper"], rtol=REL)
        assert (out["method"] == "exact").all()
        # the Series index is kept
        assert list(out.index) == list(grp.index)


@pytest.mark.parametrize("conf,lk,uk", [(0.95, "l95", "u95"), (0.998, "l998", "u998")])
def test_rates_match_phe_fixture(conf, lk, uk):
    rows = pd.DataFrame(PHE["rate"]["rows"]).dropna(subset=[lk])
    out = saferstats.rate_ci(rows["count"], rows["population"], confidence=conf)
    np.testing.assert_allclose(out["rate"], rows["rate"], atol=1e-6)
    np.testing.assert_allclose(out["lower"], rows[lk], atol=1e-6)
    np.testing.assert_allclose(out["upper"], rows[uk], atol=1e-6)
    assert list(out["method"]) == list(rows["method"])
    assert list(out.columns) == ["count", "population", "rate", "lower", "upper", "confidence", "method"]


def test_wilson_matches_statsmodels():
    rows = pd.DataFrame(SCIPY["wilson"]["rows"])
    for conf, grp in rows.groupby("confidence"):
        out = saferstats.proportion_ci(grp["successes"], grp["trials"], confidence=conf)
        np.testing.assert_allclose(out["lower"], grp["lower"], rtol=REL, atol=1e-12)
        np.testing.assert_allclose(out["upper"], grp["upper"], rtol=REL, atol=1e-12)
        assert list(out.columns) == ["successes", "trials", "value", "lower", "upper", "confidence", "method"]


def test_wilson_cc_matches_r_prop_test():
    rows = pd.DataFrame(RREF["wilson_cc"])
    for conf, grp in rows.groupby("confidence"):
        out = saferstats.proportion_ci(grp["successes"], grp["trials"], confidence=conf, method="wilson-cc")
        np.testing.assert_allclose(out["lower"], grp["lower"], atol=1e-12)
        np.testing.assert_allclose(out["upper"], grp["upper"], atol=1e-12)
        assert (out["method"] == "wilson-cc").all()


def test_proportion_percent_multiplier_matches_phe():
    rows = pd.DataFrame(PHE["wilson"]).dropna(subset=["l95"])
    out = saferstats.proportion_ci(rows["x"], rows["n"], multiplier=100)
    np.testing.assert_allclose(out["lower"], rows["l95"] * 100, atol=1e-4)
    np.testing.assert_allclose(out["upper"], rows["u95"] * 100, atol=1e-4)


@pytest.mark.parametrize("method", ["wald-log", "exact"])
def test_rate_ratio_matches_statsmodels(method):
    rows = pd.DataFrame(SCIPY["rate_ratio"]["rows"])
    key = "wald_log" if method == "wald-log" else "exact"
    for conf, grp in rows.groupby("confidence"):
        out = saferstats.rate_ratio(
            grp["count_a"], grp["population_a"], grp["count_b"], grp["population_b"],
            confidence=conf, method=method,
        )
        np.testing.assert_allclose(out["ratio"], grp["ratio"], rtol=REL)
        np.testing.assert_allclose(out["lower"], grp[f"{key}_lower"], rtol=1e-8)
        np.testing.assert_allclose(out["upper"], grp[f"{key}_upper"], rtol=1e-8)
        np.testing.assert_allclose(out["p_value"], grp[f"{key}_p"], rtol=1e-7)
        if method == "wald-log":
            np.testing.assert_allclose(out["z"], grp["wald_log_z"], rtol=REL)
        else:
            assert out["z"].isna().all()
    assert list(out.columns[:6]) == ["ratio", "lower", "upper", "z", "p_value", "method"]


def test_rate_ratio_zero_count_falls_back_to_exact_and_says_so():
    rows = pd.DataFrame(SCIPY["rate_ratio_zero"]["rows"])
    out = saferstats.rate_ratio(rows["count_a"], rows["population_a"], rows["count_b"], rows["population_b"])
    assert (out["method"] == "exact (zero count)").all()
    np.testing.assert_allclose(out["lower"], rows["exact_lower"], rtol=1e-8)
    np.testing.assert_allclose(out["upper"], rows["exact_upper"], rtol=1e-8)
    np.testing.assert_allclose(out["p_value"], rows["exact_p"], rtol=1e-8)


def test_percent_change_published_oracle():
    r = PHE["rate_ratio"][0]
    out = saferstats.percent_change(r["count_a"], r["population_a"], r["count_b"], r["population_b"]).iloc[0]
    assert out["percent_change"] == pytest.approx(12.6835, abs=1e-4)
    assert out["percent_change_lower"] == pytest.approx(-1.2912, abs=1e-4)
    assert out["percent_change_upper"] == pytest.approx(28.6367, abs=1e-4)


def test_newcombe_matches_statsmodels():
    rows = pd.DataFrame(SCIPY["newcombe"]["rows"])
    for conf, grp in rows.groupby("confidence"):
        out = saferstats.proportion_difference(
            grp["successes_a"], grp["trials_a"], grp["successes_b"], grp["trials_b"], confidence=conf
        )
        np.testing.assert_allclose(out["difference"], grp["difference"], rtol=REL)
        np.testing.assert_allclose(out["lower"], grp["lower"], rtol=REL)
        np.testing.assert_allclose(out["upper"], grp["upper"], rtol=REL)


@pytest.mark.parametrize("conf,lk,uk", [(0.95, "l95", "u95"), (0.998, "l998", "u998")])
def test_dsr_matches_phe_fixture(conf, lk, uk):
    d = PHE["dsr"]
    out = saferstats.dsr(d["counts"], d["populations"], confidence=conf).iloc[0]
    assert out["total_count"] == 895 and out["total_population"] == 8970
    assert out["rate"] == pytest.approx(d["value"], abs=1e-5)
    assert out["lower"] == pytest.approx(d[lk], abs=1e-5)
    assert out["upper"] == pytest.approx(d[uk], abs=1e-5)
    assert out["method"] == "dobson"


def test_dsr_groups_give_one_row_per_area():
    d = PHE["dsr"]
    counts = d["counts"] * 2
    pops = d["populations"] * 2
    groups = ["A"] * 19 + ["B"] * 19
    out = saferstats.dsr(counts, pops, groups=groups)
    assert list(out.index) == ["A", "B"]
    np.testing.assert_allclose(out["rate"], [d["value"]] * 2, atol=1e-5)


def test_scipy_is_an_independent_check_of_a_real_rate():
    """Hertfordshire 2018-19 (Home Office): Byar's limits agree with scipy's exact chi2 to <0.1%."""
    from scipy import stats

    out = saferstats.rate_ci(1600, 1_184_400, method="exact").iloc[0]
    assert out["lower"] == pytest.approx(stats.chi2.ppf(0.025, 3200) / 2 / 1_184_400 * 1e5, rel=1e-9)
    byar = saferstats.rate_ci(1600, 1_184_400).iloc[0]
    assert byar["lower"] == pytest.approx(out["lower"], rel=1e-3)


def test_result_tables_own_their_input_columns():
    """The core writes copies of the inputs beside the estimates; the table must not alias the
    caller's arrays (mutating them afterwards leaves the table unchanged) on long inputs
    (parallel blocks) and short ones."""
    for n in (3, 50_003):
        x = np.arange(n, dtype=float) % 17
        pop = np.full(n, 1000.0)
        rates = saferstats.rate_ci(x, pop)
        props = saferstats.proportion_ci(x, pop)
        expected = x.copy()
        x[:] = -1.0
        pop[:] = -1.0
        for df, cols in ((rates, ("count", "population")), (props, ("successes", "trials"))):
            np.testing.assert_array_equal(df[cols[0]].to_numpy(), expected)
            assert (df[cols[1]].to_numpy() == 1000.0).all()
            assert not np.shares_memory(df[cols[0]].to_numpy(), x)
