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
        out = saferstats.mann_kendall(r["values"], season_length=12).iloc[0]
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
    with pytest.raises(InvalidInputError, match=r"column 'count' at row 2: -1 \(counts must be non-negative") as e:
        saferstats.poisson_trend(df)
    assert e.value.index == 2
    df = _frame().astype({"count": float})
    df.loc[1, "count"] = 2.5
    with pytest.raises(InvalidInputError, match=r"column 'count' at row 1: 2.5 \(counts must be non-negative whole numbers"):
        saferstats.poisson_trend(df)


def test_population_zero_or_missing():
    df = _frame().astype({"population": float})
    df.loc[3, "population"] = np.nan
    with pytest.raises(InvalidInputError, match=r"missing value \(NaN\) in column 'population' at row 3"):
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
    with pytest.warns(saferstats.SaferstatsWarning, match="'B': all counts are zero"):
        out = saferstats.poisson_trend(df, by="area").set_index("area")
    assert out.loc["B", "method"] == "not estimable" and np.isnan(out.loc["B", "apc"])
    assert out.loc["B", "note"] == "all counts are zero" and out.loc["A", "note"] == ""
    assert out.loc["A", "apc"] > 0


def test_period_parsing_rules():
    assert saferstats.parse_periods(["2011-12", "2012-13"]).tolist() == [2011, 2012]
    months = saferstats.parse_periods(["2011-12", "2012-01"])
    assert months.tolist() == pytest.approx([2011 + 11 / 12, 2012])
    assert saferstats.parse_periods(pd.period_range("2020-01", periods=2, freq="M")).tolist() == pytest.approx([2020, 2020 + 1 / 12])


# ---------------------------------------------------------------- issue 18.4: separation

def test_separated_series_are_not_estimable_with_a_warning_and_finite_ones_match_statsmodels():
    rows = FX["separation"]["rows"]
    data = _series_frame(rows)
    with pytest.warns(saferstats.SaferstatsWarning, match="no trend estimated for 4 group") as rec:
        out = saferstats.poisson_trend(data, by="name").set_index("name")
    text = str(rec[0].message)
    for r in rows:
        got = out.loc[r["name"]]
        if r["diverged"]:
            # statsmodels: a large finite slope with a huge SE (or no convergence)
            assert got["method"] == "not estimable" and np.isnan(got["apc"]) and np.isnan(got["p_value"])
            assert "separation" in got["note"] and repr(r["name"]) in text
        else:
            assert got["method"] == "poisson" and got["note"] == ""
            assert got["beta"] == pytest.approx(r["statsmodels_beta1"], rel=1e-6)
            assert got["se"] == pytest.approx(r["statsmodels_se1"], rel=1e-6)


@pytest.mark.parametrize("counts, estimable", [
    ([6, 0, 0, 0, 0], False), ([0, 0, 0, 0, 2], False), ([0, 0, 4, 0, 0], True), ([3, 0, 0, 0, 1], True),
])
def test_separation_hand_cases(counts, estimable):
    df = pd.DataFrame({"period": ["2014/15", "2015/16", "2016/17", "2017/18", "2018/19"], "count": counts})
    for dispersion in ["poisson", "quasi", "negbin", "auto"]:
        if estimable:
            out = saferstats.poisson_trend(df, population=None, dispersion=dispersion).iloc[0]
            assert np.isfinite(out["apc"]) and out["method"] != "not estimable"
        else:
            with pytest.warns(saferstats.SaferstatsWarning, match="first or the last period"):
                out = saferstats.poisson_trend(df, population=None, dispersion=dispersion).iloc[0]
            assert out["method"] == "not estimable" and np.isnan(out["apc_lower"])


# ---------------------------------------------------------------- issue 18.7: gaps in periods

def test_year_on_year_flags_and_warns_about_a_gap():
    df = pd.DataFrame({"area": ["A"] * 3 + ["B"] * 3, "year": ["2015/16", "2016/17", "2018/19"] * 2,
                       "count": [10, 12, 15, 5, 6, 7], "population": [1000] * 6})
    with pytest.warns(saferstats.SaferstatsWarning, match=r"2 pairs.*'A': 2016/17 → 2018/19; 'B': 2016/17 → 2018/19"):
        out = saferstats.year_on_year(df, period="year", by="area")
    assert out["consecutive"].tolist() == [True, False, True, False]
    # the ratio across the gap is still the ratio of the two rates
    assert out.loc[1, "ratio"] == pytest.approx(15 / 12)
    # no gap: no warning, every pair consecutive
    import warnings as w
    with w.catch_warnings():
        w.simplefilter("error", saferstats.SaferstatsWarning)
        ok = saferstats.year_on_year(df.iloc[:2], period="year", by="area")
    assert ok["consecutive"].all()


@pytest.mark.parametrize("periods, flags", [
    (["2021-01", "2021-02", "2021-04"], [True, False]),          # months: a step is a month
    ([2015, 2016, 2018], [True, False]),                         # numbers: the smallest spacing
    ([2010, 2012, 2014], [True, True]),                          # a biennial series has no gap
    (["2016", "2017", "2019", "2020"], [True, False, True]),     # calendar years
])
def test_year_on_year_step_per_kind_of_period(periods, flags):
    df = pd.DataFrame({"period": periods, "count": range(5, 5 + len(periods))})
    import warnings as w
    with w.catch_warnings():
        w.simplefilter("ignore", saferstats.SaferstatsWarning)
        out = saferstats.year_on_year(df, population=None)
    assert out["consecutive"].tolist() == flags


def test_poisson_trend_uses_the_real_spacing_of_periods_with_a_gap():
    r = next(r for r in FX["poisson_trend"]["rows"] if r["name"] == "gap_2017_missing")
    fy = [f"{int(t)}/{(int(t) + 1) % 100:02d}" for t in r["t"]]  # 2014/15 ... 2016/17, 2018/19, 2019/20
    df = pd.DataFrame({"year": fy, "count": r["count"], "population": r["population"]})
    out = saferstats.poisson_trend(df, period="year").iloc[0]
    assert out["beta"] == pytest.approx(r["poisson_beta"][1], rel=1e-7)  # statsmodels with t = real years
    assert out["first_period"] == "2014/15" and out["last_period"] == "2019/20"


@pytest.mark.filterwarnings("ignore:Mann-Kendall on")
def test_mann_kendall_with_times_matches_scipy_theilslopes():
    for r in FX["mann_kendall_times"]["rows"]:
        out = saferstats.mann_kendall(r["values"], times=r["times"]).iloc[0]
        assert out["s"] == r["s"] and out["var_s"] == pytest.approx(r["var_s"])
        assert out["slope"] == pytest.approx(r["slope"], rel=1e-12)
        assert out["slope_lower"] == pytest.approx(r["slope_lower"]) and out["slope_upper"] == pytest.approx(r["slope_upper"])
        assert out["intercept"] == pytest.approx(r["intercept"])
        assert "per unit of time" in out["method"]
        # without times, a Series indexed by the periods warns that the slope is per step
        with pytest.warns(saferstats.SaferstatsWarning, match="gaps.*times="):
            saferstats.mann_kendall(pd.Series(r["values"], index=[int(t) for t in r["times"]]))
    # financial-year labels as times
    out = saferstats.mann_kendall([10, 12, 16, 18], times=["2013/14", "2014/15", "2016/17", "2017/18"])
    assert out.loc[0, "slope"] == 2.0
    with pytest.raises(InvalidInputError, match="times"):
        saferstats.mann_kendall([1, 2, 3, 4], times=[1, 2, 3])
    with pytest.raises(InvalidInputError, match="times"):
        saferstats.mann_kendall(list(range(24)), times=list(range(24)), season_length=12)


# ---------------------------------------------------------------- issue 18.13: messages

def test_parse_periods_names_the_real_culprit():
    with pytest.raises(InvalidInputError, match=r"row 2: cannot read period '2017/183'") as e:
        saferstats.parse_periods(["2011/12", "2012/13", "2017/183"])
    assert e.value.index == 2
    with pytest.raises(InvalidInputError, match=r"row 1: cannot read period '2016-13'"):
        saferstats.parse_periods(["2016-11", "2016-13"])
    with pytest.raises(InvalidInputError, match="row 1.*True/False|row 1.*not True"):
        saferstats.parse_periods([2015, True, 2017])
    with pytest.raises(InvalidInputError, match="row 0: .*True/False"):
        saferstats.parse_periods([True, False])
    with pytest.raises(InvalidInputError, match="row 2: period inf"):
        saferstats.parse_periods([2015, 2016, np.inf])


def test_messages_carry_no_internal_names():
    df = pd.DataFrame({"area": np.array([1, 1, 1, 1], dtype=np.int64), "period": [2015, 2015, 2016, 2017],
                       "count": [1, 2, 3, 4], "population": [10] * 4})
    for call in (lambda: saferstats.poisson_trend(df, by="area"), lambda: saferstats.year_on_year(df, by="area"),
                 lambda: saferstats.poisson_trend(df.iloc[[0, 2]], by="area"), lambda: saferstats.dsr([1, -1], [1, 1], standard=[1], groups=np.array([7, 8]))):
        with pytest.raises(InvalidInputError) as e:
            call()
        text = str(e.value)
        assert "__t" not in text and "np." not in text and "series" not in text, text
    with pytest.raises(InvalidInputError, match=r"\{'area': 1, 'period': 2015\} \(rows \[0, 1\]\)"):
        saferstats.poisson_trend(df, by="area")
    with pytest.raises(InvalidInputError, match=r"group 8: .*`counts` at position 1"):
        saferstats.dsr([1, -1], [1, 1], standard=[1], groups=np.array([7, 8]))


@pytest.mark.filterwarnings("ignore:Mann-Kendall on")
def test_mann_kendall_missing_value_suggests_an_option_that_exists():
    with pytest.raises(saferstats.MissingValueError, match="missing='drop'") as e:
        saferstats.mann_kendall([1, 2, np.nan, 4, 5])
    assert "propagate" not in str(e.value) and e.value.index == 2
    with pytest.raises(saferstats.MissingValueError, match="series 1, position 0"):
        saferstats.mann_kendall([[1, 2, 3, 4], [np.nan, 1, 2, 3]])
    assert saferstats.mann_kendall([1, 2, np.nan, 4, 5], missing="drop").loc[0, "n"] == 4


# ------------------------------------ missing= on add_rates and year_on_year (walk-through 11)

def test_add_rates_missing_propagate_as_rate_ci():
    """add_rates(..., missing="propagate") was a plain TypeError although rate_ci takes it."""
    from saferstats.exceptions import MissingValueError

    df = pd.DataFrame({"force": ["A", "City", "B"], "offences": [4, 79, 40],
                       "population": [50_000, np.nan, 60_000]}, index=["a", "c", "b"])
    with pytest.raises(MissingValueError) as e:
        saferstats.add_rates(df, count="offences")
    assert e.value.argument == "population" and e.value.index == "c" and 'missing="propagate"' in str(e.value)
    out = saferstats.add_rates(df, count="offences", missing="propagate")
    assert list(out.index) == ["a", "c", "b"] and out.loc["c", ["rate", "lower", "upper"]].isna().all()
    # the other rows as PHE: 4 per 50,000 = 8 per 100,000 (exact), 40 per 60,000 = 66.67 (Byar)
    assert out.loc["a", "rate"] == pytest.approx(8.0) and out.loc["b", "rate"] == pytest.approx(400 / 6)
    same = saferstats.rate_ci(df["offences"], df["population"], missing="propagate")
    np.testing.assert_allclose(out[["rate", "lower", "upper"]].to_numpy(), same[["rate", "lower", "upper"]].to_numpy())
    with pytest.raises(InvalidInputError, match="missing"):
        saferstats.add_rates(df, count="offences", missing="drop")


def test_year_on_year_missing_propagate_on_the_home_office_strand_table():
    """One unpublished cell (offences 2011/12) made the whole strand table fail; with
    missing="propagate" only the comparisons with that period are NaN, and a warning names it."""
    from conftest import SHARED_DATA

    from saferstats.exceptions import MissingValueError

    ods = SHARED_DATA / "hate_crime" / "home_office_by_force_2017-18_2018-19" / "hate-crime-1819-hosb2419-tables.ods"
    if not ods.is_file():
        pytest.skip("../shared/data not present beside the repository")
    pytest.importorskip("odf")
    st = saferstats.read_hate_crime(ods, sheet="Table_2")
    with pytest.raises(MissingValueError):  # the default is unchanged
        saferstats.year_on_year(st, count="count", population=None, by="strand")
    with pytest.warns(saferstats.SaferstatsWarning, match=r"1 row with a missing count.*offences, 2011/12"):
        yoy = saferstats.year_on_year(st, count="count", population=None, by="strand", missing="propagate")
    assert len(yoy) == 7 * 7  # five strands, motivating factors and offences; seven pairs each: no row lost
    off = yoy[yoy.strand == "offences"].set_index("period_from")
    assert off.loc["2011/12", ["ratio", "lower", "upper", "pct_change", "p_value"]].isna().all()
    # Home Office Table 2 as published: offences 42,255 (2012/13), 44,577 (2013/14), 103,379 (2018/19)
    # and 94,121 (2017/18); race 35,944 (2011/12) and 35,845 (2012/13)
    assert off.loc["2012/13", "pct_change"] == pytest.approx(100 * (44577 / 42255 - 1))
    assert off.loc["2017/18", "pct_change"] == pytest.approx(100 * (103379 / 94121 - 1))
    race = yoy[yoy.strand == "race"].set_index("period_from")
    assert race.loc["2011/12", "pct_change"] == pytest.approx(100 * (35845 / 35944 - 1))


def test_year_on_year_missing_population_propagates_and_bad_option_named():
    df = pd.DataFrame({"area": ["A"] * 3 + ["B"] * 3, "period": ["2016/17", "2017/18", "2018/19"] * 2,
                       "count": [10, 20, 30, 5, 6, 7], "population": [1000, np.nan, 1000, 500, 500, 500]})
    with pytest.warns(saferstats.SaferstatsWarning, match=r"row 1 \(A, 2017/18\)"):
        yoy = saferstats.year_on_year(df, by="area", missing="propagate")
    a, b = yoy[yoy.area == "A"], yoy[yoy.area == "B"]
    assert a["ratio"].isna().all() and a["rate_from"].isna().tolist() == [False, True]
    assert b["ratio"].tolist() == pytest.approx([6 / 5, 7 / 6])
    with pytest.raises(InvalidInputError, match="unknown `missing` 'omit'"):
        saferstats.year_on_year(df, by="area", missing="omit")


def test_poisson_trend_missing_propagate_on_the_home_office_strand_table():
    """poisson_trend had no missing= (add_rates and year_on_year have one): the one unpublished
    cell in Home Office Table 2 (offences 2011/12) failed every strand. With "propagate" that
    group alone is not estimable (never a trend over the periods that happen to be published) and
    the others match statsmodels' Poisson GLM fitted independently on the published counts."""
    from conftest import SHARED_DATA

    from saferstats.exceptions import MissingValueError

    ods = SHARED_DATA / "hate_crime" / "home_office_by_force_2017-18_2018-19" / "hate-crime-1819-hosb2419-tables.ods"
    if not ods.is_file():
        pytest.skip("../shared/data not present beside the repository")
    pytest.importorskip("odf")
    sm = pytest.importorskip("statsmodels.api")
    st = saferstats.read_hate_crime(ods, sheet="Table_2")
    with pytest.raises(MissingValueError, match=r"column 'count'.*missing='propagate'"):
        saferstats.poisson_trend(st, population=None, by="strand")
    with pytest.warns(saferstats.SaferstatsWarning, match=r"'offences': a count or population is missing"):
        tr = saferstats.poisson_trend(st, population=None, by="strand", missing="propagate").set_index("strand")
    assert np.isnan(tr.loc["offences", "apc"]) and tr.loc["offences", "method"] == "not estimable"
    for strand in ("race", "religion"):
        s = st[st.strand == strand].reset_index(drop=True)
        t = np.arange(len(s), dtype=float)  # one period a year, 2011/12 to 2018/19
        fit = sm.GLM(s["count"].to_numpy(float), sm.add_constant(t), family=sm.families.Poisson()).fit()
        assert tr.loc[strand, "apc"] == pytest.approx(100 * np.expm1(fit.params[1]), rel=1e-7)
        assert tr.loc[strand, "apc_lower"] == pytest.approx(100 * np.expm1(fit.conf_int()[1][0]), rel=1e-6)
    with pytest.raises(InvalidInputError, match="unknown `missing` 'ignore'"):
        saferstats.poisson_trend(st, population=None, by="strand", missing="ignore")
