"""The trend API against statsmodels / pymannkendall / scipy fixtures, PHE funnel values, and
every bad input named in issue 3."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats
from saferstats import InvalidInputError

FX = load_fixture("trend_reference.json")


def _series_frame(rows):
    frames = []
    for r in rows:
        frames.append(pd.DataFrame({"name": r["name"], "count": r["count"], "population": r["population"], "period": r["t"]}))
    return pd.concat(frames, ignore_index=True)


def test_poisson_trend_matches_statsmodels_for_every_group_in_one_call():
    rows = FX["poisson_trend"]["rows"]
    data = _series_frame(rows).sample(frac=1.0, random_state=3)  # row order must not matter
    out = saferstats.poisson_trend(data, by="name").set_index("name")
    for r in rows:
        got = out.loc[r["name"]]
        assert got["beta"] == pytest.approx(r["poisson_beta"][1], rel=1e-7)
        assert got["se"] == pytest.approx(r["poisson_se"][1], rel=1e-6)
        assert got["apc_lower"] == pytest.approx(100 * np.expm1(r["poisson_ci95"][0]), rel=1e-6)
        assert got["dispersion_ratio"] == pytest.approx(r["dispersion_ratio"], rel=1e-6)
        assert got["n_periods"] == len(r["count"]) and got["method"] == "poisson"
    assert list(out.columns[:8]) == ["apc", "apc_lower", "apc_upper", "beta", "se", "dispersion_ratio", "n_periods", "method"]


@pytest.mark.parametrize("dispersion", ["quasi", "negbin", "auto"])
def test_dispersion_options_match_statsmodels(dispersion):
    rows = FX["poisson_trend"]["rows"]
    out = saferstats.poisson_trend(_series_frame(rows), by="name", dispersion=dispersion).set_index("name")
    for r in rows:
        got = out.loc[r["name"]]
        if dispersion == "quasi" or (dispersion == "auto" and r["dispersion_ratio"] > 1.5):
            assert got["se"] == pytest.approx(r["quasi_se"][1], rel=1e-6)
            assert got["method"].startswith("quasi-poisson")
        elif dispersion == "negbin" and r["negbin_alpha"] is not None:
            assert got["method"] == "negbin"
            assert got["alpha"] == pytest.approx(r["negbin_alpha"], rel=1e-4)
            assert got["se"] == pytest.approx(r["negbin_slope_se"], rel=1e-4)
        elif dispersion == "negbin":
            assert got["method"] == "poisson (negbin alpha at 0)"
        else:
            assert got["method"] == "poisson"


def test_financial_year_strings_and_no_population():
    nat = saferstats.datasets.hate_crime_national()
    out = saferstats.poisson_trend(nat, population=None, period="year", by="strand").set_index("strand")
    assert out.loc["Race", "n_periods"] == 8 and out.loc["Total offences", "n_periods"] == 7
    race = FX["poisson_trend"]["rows"][2]
    assert race["name"] == "national_race_2011_2018"
    assert out.loc["Race", "beta"] == pytest.approx(race["poisson_beta"][1], rel=1e-7)
    assert out.loc["Race", "first_period"] == "2011/12" and out.loc["Race", "last_period"] == "2018/19"


def test_mann_kendall_matches_pymannkendall_and_scipy_2d():
    rows = [r for r in FX["mann_kendall"]["rows"] if len(r["values"]) == 10]
    mat = np.array([r["values"] for r in rows])
    out = saferstats.mann_kendall(mat)
    for i, r in enumerate(rows):
        got = out.iloc[i]
        assert got["s"] == r["s"] and got["var_s"] == pytest.approx(r["var_s"])
        assert got["p_value"] == pytest.approx(r["p"], rel=1e-9)
        assert got["slope"] == pytest.approx(r["slope"], abs=1e-12)
        assert got["slope_lower"] == pytest.approx(r["slope_lower"]) and got["slope_upper"] == pytest.approx(r["slope_upper"])
        assert got["intercept"] == pytest.approx(r["intercept"])
    assert list(out.columns[:10]) == ["s", "var_s", "z", "p_value", "tau", "slope", "slope_lower", "slope_upper", "intercept", "n"]


def test_mann_kendall_single_series_and_short_warning():
    for r in FX["mann_kendall"]["rows"]:
        if len(r["values"]) < 10:
            with pytest.warns(UserWarning, match="normal approximation"):
                out = saferstats.mann_kendall(r["values"])
        else:
            out = saferstats.mann_kendall(pd.Series(r["values"]))
        assert out.loc[0, "z"] == pytest.approx(r["z"], abs=1e-12)
        assert out.loc[0, "tau"] == pytest.approx(r["tau"])


def test_seasonal_mann_kendall_matches_pymannkendall():
    for r in FX["seasonal_mann_kendall"]["rows"]:
        out = saferstats.mann_kendall(r["values"], period=12).iloc[0]
        assert out["s"] == r["s"] and out["var_s"] == pytest.approx(r["var_s"])
        assert out["p_value"] == pytest.approx(r["p"], rel=1e-8)
        assert out["slope"] == pytest.approx(r["slope"]) and out["intercept"] == pytest.approx(r["intercept"])
        assert out["method"].startswith("seasonal")


def test_year_on_year_hertfordshire_and_seed_figure():
    df = saferstats.datasets.hate_crime_by_force()
    yoy = saferstats.year_on_year(df.dropna(subset=["population"]), count="offences", period="year", by="force")
    assert len(yoy) == 42
    herts = yoy.set_index("force").loc["Hertfordshire"]
    assert herts["count_from"] == 1468 and herts["count_to"] == 1600
    # same population both years: the ratio is the ratio of counts; wald-log CI checked by hand
    se = np.sqrt(1 / 1600 + 1 / 1468)
    assert herts["ratio"] == pytest.approx(1600 / 1468)
    assert herts["lower"] == pytest.approx(1600 / 1468 * np.exp(-1.959963984540054 * se), rel=1e-9)
    # seed: 1,597 -> 2,080 "a rise of over 30%"
    seed = pd.DataFrame({"year": ["2015/16", "2016/17"], "count": [1597, 2080]})
    r = saferstats.year_on_year(seed, population=None, period="year").iloc[0]
    assert r["pct_change"] == pytest.approx(30.244, abs=1e-3) and r["pct_lower"] > 20


def test_funnel_limits_and_significance_match_phe():
    out = saferstats.funnel_limits([50, 100, 1000], target=20)
    np.testing.assert_allclose(out["lower_998"], [2.519006, 7.639071, 16.091131], atol=1e-6)
    np.testing.assert_allclose(out["upper_95"], [31.087231, 27.839856, 22.479180], atol=1e-6)
    sig = saferstats.funnel_significance([8, 151, 159, 150, 0], [6.23986, 106.442972, 232.932904, 119.56955, 240.62735], kind="ratio")
    assert sig.tolist() == ["Not significant", "High (0.001)", "Low (0.001)", "High (0.025)", "Low (0.001)"]
    # rates: every force's hate crime rate against the England & Wales rate
    df = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna(subset=["population"])
    target = saferstats.funnel_target(df["offences"], df["population"], kind="rate")
    s = saferstats.funnel_significance(df["offences"], df["population"], kind="rate", target=target)
    assert s.index.equals(df.index)
    herts = s.loc[df.index[df.force == "Hertfordshire"][0]]
    ci = saferstats.rate_ci(1600, 1_184_400, confidence=0.998).iloc[0]
    assert (herts == "Low (0.001)") == (ci["upper"] < target)


def test_add_rates_and_shares_keep_rows():
    df = saferstats.datasets.hate_crime_by_force(long=True).dropna(subset=["population"])
    r = saferstats.add_rates(df)
    assert len(r) == len(df) and {"rate", "lower", "upper", "confidence", "method"} <= set(r.columns)
    sh = saferstats.shares(df.query("year == '2018-19'"), by="force")
    tot = sh.groupby("force")["share"].sum()
    np.testing.assert_allclose(tot, 100.0)


# ---------------------------------------------------------------- bad input (issue 3 list)

def _frame():
    return pd.DataFrame({"area": ["A"] * 4, "period": [2015, 2016, 2017, 2018], "count": [5, 6, 7, 9], "population": [1000] * 4})


def test_unknown_column():
    with pytest.raises(InvalidInputError, match="no column 'cnt'"):
        saferstats.poisson_trend(_frame(), count="cnt")


def test_negative_and_non_integer_counts_name_row():
    df = _frame()
    df.loc[2, "count"] = -1
    with pytest.raises(InvalidInputError, match=r"column 'count' row 2: negative") as e:
        saferstats.poisson_trend(df)
    assert e.value.index == 2
    df = _frame().astype({"count": float})
    df.loc[1, "count"] = 2.5
    with pytest.raises(InvalidInputError, match="row 1: 2.5 is not a whole number"):
        saferstats.poisson_trend(df)


def test_population_zero_or_missing():
    df = _frame().astype({"population": float})
    df.loc[3, "population"] = np.nan
    with pytest.raises(InvalidInputError, match="row 3: missing population"):
        saferstats.poisson_trend(df)
    df.loc[3, "population"] = 0
    with pytest.raises(InvalidInputError, match="greater than zero"):
        saferstats.year_on_year(df)


def test_duplicate_rows():
    df = pd.concat([_frame(), _frame().iloc[[1]]], ignore_index=True)
    with pytest.raises(InvalidInputError, match="duplicate rows"):
        saferstats.poisson_trend(df, by="area")


def test_fewer_than_three_periods():
    with pytest.raises(InvalidInputError, match="at least 3"):
        saferstats.poisson_trend(_frame().iloc[:2], by="area")


def test_unparsable_period():
    df = _frame().astype({"period": str})
    df.loc[2, "period"] = "last year"
    with pytest.raises(InvalidInputError, match="column 'period' row 2: cannot read period 'last year'"):
        saferstats.poisson_trend(df)


def test_unknown_dispersion_and_kind():
    with pytest.raises(InvalidInputError, match="dispersion"):
        saferstats.poisson_trend(_frame(), dispersion="zip")
    with pytest.raises(InvalidInputError, match="kind"):
        saferstats.funnel_limits([10], target=0.5, kind="bar")


def test_all_zero_group_is_reported_not_dropped():
    df = pd.concat([_frame(), _frame().assign(area="B", count=0)], ignore_index=True)
    out = saferstats.poisson_trend(df, by="area").set_index("area")
    assert out.loc["B", "method"] == "not estimable" and np.isnan(out.loc["B", "apc"])
    assert out.loc["A", "apc"] > 0


def test_period_parsing_rules():
    assert saferstats.parse_periods(["2011-12", "2012-13"]).tolist() == [2011, 2012]
    months = saferstats.parse_periods(["2011-12", "2012-01"])
    assert months.tolist() == pytest.approx([2011 + 11 / 12, 2012])
    assert saferstats.parse_periods(pd.period_range("2020-01", periods=2, freq="M")).tolist() == pytest.approx([2020, 2020 + 1 / 12])
