"""Session 21 (w29a): trends on monthly counts say the season; a strand comparator leaves the
strand table's totals out; groups by a code column are named with their names."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import defra_flytipping_read, flytipping_trend_error, shared_path
from warning_capture import saferstats_messages

HATE = "hate_crime/home_office_by_force_2017-18_2018-19"


def _financial_years(m: pd.DataFrame) -> pd.DataFrame:
    fy = [f"{p.year if p.month >= 4 else p.year - 1}/{(p.year + 1 if p.month >= 4 else p.year) % 100:02d}"
          for p in m["month"]]
    return m.assign(fy=fy).groupby("fy", as_index=False)["offences"].sum()


# --- 1. the season of monthly counts -------------------------------------------------------------------

def test_two_years_of_months_say_the_season_and_give_the_apc_of_the_years_totals():
    """Home Office racially or religiously aggravated offences, April 2013 to March 2015 (whole
    years): a straight trend through the months gave +12.0% a year with nothing said; the two
    years' totals (31,559 and 37,635) rose 19.25%, which the month-of-year fit gives exactly."""
    m = ss.datasets.hate_crime_monthly().iloc[:24]
    res, msgs = saferstats_messages(ss.poisson_trend, m, count="offences", population=None, period="month")
    assert res["apc"].iloc[0] == pytest.approx(12.0161, abs=1e-3)  # unchanged: the straight trend
    season = res.attrs["season"]
    assert len(season) == 1 and season[0]["material"]
    assert season[0]["apc_seasonal"] == pytest.approx(100 * (37635 / 31559 - 1), rel=1e-9)
    years = _financial_years(m)
    assert years["offences"].tolist() == [31559, 37635]
    said = [x for x in msgs if "no month-of-year term" in x]
    assert len(said) == 1
    assert said[0].startswith(
        "poisson_trend: the counts are monthly and the trend has no month-of-year term, so a seasonal swing is read as "
        "trend and as over-dispersion: with a term for each month of the year the APC is 19.25% (95% quasi-Poisson "
        "interval 12.59% to 26.31%) against 12.02% without, and the Pearson χ²/df 14.8 against 49.0 (the "
        "month-of-year terms: F = 5.6 on 11 and 11 df, p = 0.004)")
    assert "saferstats.mann_kendall(..., season_length=12)" in said[0]
    assert "seasonality='dummies', season_length=12" in said[0]


def test_whole_series_season_check_is_the_annual_totals_trend():
    """All 72 months: with month-of-year terms the APC is that of the six financial years' totals
    (poisson_trend on them: 12.93%), against 12.11%; χ²/df 21.1 against 74.3."""
    m = ss.datasets.hate_crime_monthly()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ss.poisson_trend(m, count="offences", population=None, period="month")
        annual = ss.poisson_trend(_financial_years(m), count="offences", population=None, period="fy")
    chk = res.attrs["season"][0]
    assert chk["apc_seasonal"] == pytest.approx(annual["apc"].iloc[0], rel=1e-8)
    assert chk["apc_seasonal"] == pytest.approx(12.9257, abs=1e-3)
    assert (round(chk["dispersion_ratio_seasonal"], 1), round(chk["dispersion_ratio"], 1)) == (21.1, 74.3)
    assert chk["f_df"] == (11, 59) and chk["p_value"] < 1e-10


def test_thirty_months_agree_with_statsmodels_month_of_year_glm(shared_data):
    """The first 30 months (not whole years) of the bulletin's Figure 2 CSV as published, read by
    read_hate_crime: the check's APC, its quasi-Poisson interval and χ²/df are statsmodels'
    GLM(Poisson) with month-of-year indicators and scale='X2'."""
    sm = pytest.importorskip("statsmodels.api")
    path = shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Figure_2.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = ss.read_hate_crime(path)
    d = fig.iloc[:30]
    res, msgs = saferstats_messages(ss.poisson_trend, d, population=None, period="month", dispersion="quasi")
    assert any(x.startswith("poisson_trend: the counts are monthly and the trend has no month-of-year term")
               and "14.59% (95% quasi-Poisson interval 10.49% to 18.83%) against 15.07% without" in x for x in msgs)
    t = np.arange(30) / 12.0
    x = pd.DataFrame({"c": 1.0, "t": t})
    moy = pd.PeriodIndex(d["month"], freq="M").month
    for k in range(2, 13):
        x[f"m{k}"] = (moy == k).astype(float)
    fit = sm.GLM(d["count"].to_numpy(), x, family=sm.families.Poisson()).fit(scale="X2")
    b, se = fit.params["t"], fit.bse["t"]
    chk = res.attrs["season"][0]
    assert chk["apc_seasonal"] == pytest.approx(100 * np.expm1(b), rel=1e-7)
    assert chk["apc_seasonal_lower"] == pytest.approx(100 * np.expm1(b - 1.959963984540054 * se), rel=1e-6)
    assert chk["apc_seasonal_upper"] == pytest.approx(100 * np.expm1(b + 1.959963984540054 * se), rel=1e-6)
    assert chk["dispersion_ratio_seasonal"] == pytest.approx(fit.pearson_chi2 / fit.df_resid, rel=1e-7)


def test_fewer_than_two_years_of_months_say_the_season_cannot_be_checked():
    m = ss.datasets.hate_crime_monthly().iloc[:18]
    res, msgs = saferstats_messages(ss.poisson_trend, m, count="offences", population=None, period="month")
    assert ("poisson_trend: the counts are monthly over 18 months, fewer than two years, and the trend has no "
            "month-of-year term: a trend over part of a seasonal cycle takes the season for trend") in " ".join(msgs)
    assert res.attrs["season"] == [{"cycle": 12, "note": "fewer than two years (18 months)"}]


def test_no_season_no_word_and_years_are_not_checked():
    # a smooth trend with no month-of-year pattern (counts on the curve): nothing to say
    t = np.arange(36)
    d = pd.DataFrame({"month": pd.period_range("2019-01", periods=36, freq="M"),
                      "count": np.round(200 * np.exp(0.01 * t)), "population": 1e5})
    res, msgs = saferstats_messages(ss.poisson_trend, d, period="month")
    assert not [x for x in msgs if "month-of-year" in x]
    assert res.attrs["season"][0]["material"] is False
    nat = ss.datasets.hate_crime_national().query("strand == 'Race'")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ss.poisson_trend(nat, population=None, period="year").attrs["season"] == []


def test_quarterly_dates_are_checked_with_quarter_of_year_terms():
    m = ss.datasets.hate_crime_monthly()
    q = m.assign(quarter=m["month"].dt.asfreq("Q").dt.to_timestamp()).groupby("quarter", as_index=False)["offences"].sum()
    res, msgs = saferstats_messages(ss.poisson_trend, q, count="offences", population=None, period="quarter")
    chk = res.attrs["season"][0]
    assert chk["cycle"] == 4 and chk["f_df"] == (3, 19)
    # whole years from April: the quarter-of-year fit is again the years' totals' trend
    assert chk["apc_seasonal"] == pytest.approx(12.9257, abs=1e-3)
    assert any(x.startswith("poisson_trend: the counts are quarterly and the trend has no quarter-of-year term")
               for x in msgs) == chk["material"]


def test_season_f_test_is_statsmodels_anova_with_scipys_f():
    """The quasi-F test of the month-of-year terms (the core's season_checks_many) against
    statsmodels' two GLMs and scipy's F distribution, on three windows of Figure 2."""
    sm = pytest.importorskip("statsmodels.api")
    stats = pytest.importorskip("scipy.stats")
    m = ss.datasets.hate_crime_monthly()
    for n in (24, 30, 48):
        part = m.iloc[:n]
        y = part["offences"].to_numpy(float)
        t = np.arange(n) / 12.0
        x = np.column_stack([np.ones(n), t - t.mean()])
        month = np.arange(n) % 12
        full = np.column_stack([x] + [(month == k).astype(float) for k in range(1, 12)])
        a = sm.GLM(y, x, family=sm.families.Poisson()).fit()
        b = sm.GLM(y, full, family=sm.families.Poisson()).fit()
        ratio = b.pearson_chi2 / b.df_resid
        f = (a.deviance - b.deviance) / 11 / ratio
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            chk = ss.poisson_trend(part, count="offences", population=None, period="month").attrs["season"][0]
        assert chk["f_df"] == (11, int(b.df_resid))
        assert chk["f"] == pytest.approx(f, rel=1e-7)
        assert chk["p_value"] == pytest.approx(stats.f.sf(f, 11, b.df_resid), rel=1e-7)
        assert chk["dispersion_ratio_seasonal"] == pytest.approx(ratio, rel=1e-7)


def test_year_on_year_on_months_says_month_on_month():
    """year_on_year on the monthly series compared each month with the month before (July to August
    2013: -13.6%, p < 0.001) with no word that these are not changes a year apart."""
    m = ss.datasets.hate_crime_monthly().iloc[:6]
    res, msgs = saferstats_messages(ss.year_on_year, m, count="offences", population=None, period="month")
    assert res["pct_change"].round(1).tolist()[3] == -13.6
    assert any(x.startswith("year_on_year: the periods are months, so each row compares a month with the month "
                            "before (month on month, not a year apart), and a seasonal swing reads as a rise or fall")
               for x in msgs)


def test_compare_trends_on_months_says_the_season_of_both_series():
    m = ss.datasets.hate_crime_monthly()
    d = pd.concat([m.assign(area="E&W"), m.assign(area="A", offences=m["offences"] // 20)])
    _, msgs = saferstats_messages(ss.compare_trends, d, by="area", comparator="E&W", count="offences",
                                  population=None, period="month", dispersion="quasi", use_t=True)
    said = [x for x in msgs if "no month-of-year term" in x]
    assert len(said) == 2 and said[0].startswith("compare_trends: the counts are monthly")
    assert said[1].startswith("compare_trends (the comparator, E&W): the counts")


# --- 2. a strand comparator and the table's totals -----------------------------------------------------

def test_compare_strands_with_race_leaves_the_totals_out(shared_data):
    """Table 2 against race: 'offences' (race is 76% of it) and 'motivating_factors' were compared
    with race as if they were strands (ratios 1.020 and 1.026)."""
    st = ss.read_hate_crime(shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"))
    res, msgs = saferstats_messages(ss.compare_trends, st, by="strand", comparator="race", population=None,
                                    missing="drop", dispersion="auto")
    assert res["strand"].tolist() == ["disability", "religion", "sexual_orientation", "transgender"]
    assert ("compare_trends: the table's totals ('motivating_factors', 'offences'; .attrs['totals']) are left out: "
            "each group is compared with 'race', and a total is no group beside it (the comparator's counts are in "
            "it); to set a group against a total, pass the total as the comparator (comparator='offences')") in msgs
    assert res.set_index("strand").loc["disability", "ratio"] == pytest.approx(1.137950, rel=1e-5)
    assert res.attrs["excluded"] == 0  # the total's missing 2011/12 is no longer in play


# --- 3. codes named with their names -------------------------------------------------------------------

@pytest.fixture(scope="module")
def fly(shared_data):
    return defra_flytipping_read(shared_data, "Flytipping.xlsx")


NAMED = ("'E06000060' (Buckinghamshire): 2 periods; 'E06000061' (North Northamptonshire): 1 period; "
         "'E06000062' (West Northamptonshire): 1 period")


@pytest.mark.parametrize("fn", ["poisson_trend", "compare_trends"])
def test_by_la_code_names_the_short_councils(fly, fn):
    err = flytipping_trend_error(fly, fn, "la_code", "E06000001")
    assert NAMED in str(err) and err.argument == "period"


def test_year_on_year_by_la_code_names_the_lone_councils(fly):
    _, msgs = saferstats_messages(ss.year_on_year, fly, by="la_code", count="incidents", population=None,
                                  missing="drop")
    lone = [x for x in msgs if "one period only" in x]
    assert len(lone) == 1
    assert "'E06000061' (North Northamptonshire): 2021/22; 'E06000062' (West Northamptonshire): 2021/22" in lone[0]


def test_one_short_council_by_code_is_named():
    d = pd.DataFrame({"la_code": ["E1"] * 3 + ["E2"] * 2, "la_name": ["A"] * 3 + ["B"] * 2,
                      "period": ["2019/20", "2020/21", "2021/22", "2020/21", "2021/22"], "count": [5, 6, 7, 8, 9]})
    with pytest.raises(ss.InvalidInputError, match=r"^group 'E2' \(B\) has 2 periods; a trend needs at least 3"):
        ss.poisson_trend(d, population=None, by="la_code")


def test_a_short_series_without_by_is_the_series_not_group_parentheses():
    """Two financial years' totals of the monthly series: the error said "group () has 2 period(s)"."""
    d = pd.DataFrame({"fy": ["2013/14", "2014/15"], "offences": [31559, 37635]})
    with pytest.raises(ss.InvalidInputError, match=r"^the series has 2 periods; a trend needs at least 3"):
        ss.poisson_trend(d, count="offences", population=None, period="fy")


def test_mann_kendall_on_months_points_to_the_seasonal_test():
    """The monthly series tested without season_length: plain z 8.06 and a slope of 34.1 a month,
    nothing said; the seasonal test (pymannkendall seasonal_test(period=12)) gives z 8.95 and
    420.8 a year."""
    m = ss.datasets.hate_crime_monthly().set_index("month")["offences"]
    res, msgs = saferstats_messages(ss.mann_kendall, m)
    said = [x for x in msgs if "the test is not seasonal" in x]
    assert len(said) == 1 and said[0].startswith("mann_kendall: the values are monthly and the test is not seasonal")
    assert said[0].endswith("(here the seasonal test gives z 8.95, p 3.6e-19, Sen's slope 420.8 a year, against z 8.06, "
                            "p 7.9e-16, 34.11 a month)")
    seasonal, msgs = saferstats_messages(ss.mann_kendall, m, season_length=12)
    assert not [x for x in msgs if "not seasonal" in x] and seasonal["slope"].iloc[0] == pytest.approx(420.833333, rel=1e-6)
    _, msgs = saferstats_messages(ss.mann_kendall, m.to_numpy())  # no labels, no months to know of
    assert not [x for x in msgs if "not seasonal" in x]


# --- 4. the hate-crime files as published ---------------------------------------------------------------

def test_shares_of_the_strand_table_name_the_missing_total(shared_data):
    """shares(<Table 2>, category="strand", by="period") warned of the totals, then stopped with
    "missing value (NaN) in column 'count' at row 48", naming neither the strand nor the year."""
    st = ss.read_hate_crime(shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ss.MissingValueError) as err:
            ss.shares(st, category="strand", by="period")
    assert str(err.value) == (
        "missing value (NaN) in column 'count' at row 48 (offences, 2011/12); 1 row in all has no count, and a "
        "share needs every count of its group (their sum is the denominator); 'offences' is one of the table's "
        "totals, to leave out in any case: data[~data['strand'].isin(['motivating_factors', 'offences'])]")
    assert (err.value.argument, err.value.index, err.value.position) == ("count", 48, 48)


def test_year_on_year_by_force_offers_drop_for_the_city_of_londons_population(shared_data):
    """Hate crime.csv by force: the City of London has no population; the error offered 'propagate'
    and population=None, not missing='drop' (which leaves the City out and compares the others)."""
    f = ss.read_hate_crime(shared_path(shared_data, f"{HATE}/Hate crime.csv"))
    with pytest.raises(ss.MissingValueError) as err:
        ss.year_on_year(f, count="offences", by="force")
    assert str(err.value).startswith(
        "missing value (NaN) in column 'population' at row 27 (London, City of, 2017/18); pass missing='drop' to "
        "leave such rows out, missing='propagate' to get NaN results for them, or population=None")


def test_compare_strands_of_the_packaged_series_leaves_total_offences_out():
    """datasets.hate_crime_national() has a 'Total offences' strand and no .attrs['totals']: against
    'Race' it was compared as a strand (ratio 1.020)."""
    n = ss.datasets.hate_crime_national()
    res, msgs = saferstats_messages(ss.compare_trends, n, by="strand", comparator="Race", population=None,
                                    period="year", dispersion="quasi", use_t=True)
    assert "Total offences" not in set(res["strand"]) and len(res) == 4
    # (w30b: the series names its total in .attrs['totals'], as read_hate_crime does, and the warning says so)
    assert any(x.startswith("compare_trends: the table's totals ('Total offences'; .attrs['totals']) are left out")
               for x in msgs)
    # a ward named 'All Saints' is an area, not a total
    t = pd.DataFrame({"ward": ["All Saints"] * 3 + ["Town"] * 3, "period": ["2019", "2020", "2021"] * 2,
                      "count": [10, 12, 14, 30, 31, 35]})
    res = ss.compare_trends(t, by="ward", comparator="Town", population=None)
    assert res["ward"].tolist() == ["All Saints"]


def test_weekly_dates_are_said_to_be_read_as_months_not_duplicates():
    """Weekly counts (dates a week apart): refused as "duplicate rows ... repeated, or mislabelled, in
    the source?", where each date is there once; dates are read as their month."""
    w = pd.DataFrame({"week": pd.date_range("2020-01-06", periods=60, freq="W-MON"), "count": np.arange(60) + 20})
    for fn in (ss.poisson_trend, ss.year_on_year):
        with pytest.raises(ss.InvalidInputError) as err:
            fn(w, population=None, period="week")
        assert str(err.value).startswith(
            "column 'week': the periods are dates less than a month apart (2020-01-06, 2020-01-13, 2020-01-20, "
            "2020-01-27 are in one month), and dates are read as their month")
        assert "data.groupby(pd.to_datetime(data['week']).dt.to_period('M')).sum(numeric_only=True)" in str(err.value)
    monthly = w.groupby(pd.to_datetime(w["week"]).dt.to_period("M")).sum(numeric_only=True).reset_index()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert int(ss.poisson_trend(monthly, population=None, period="week")["n_periods"].iloc[0]) == 14
    # a repeated date is still a repeated row
    with pytest.raises(ss.InvalidInputError, match="duplicate rows for"):
        ss.poisson_trend(pd.concat([w.iloc[:5], w.iloc[:1]]), population=None, period="week")
