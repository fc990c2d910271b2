"""Session 23 (w34b): one population merged onto every year of a series is said, with the groups,
by poisson_trend, compare_trends, add_rates and year_on_year (Derby's fly-tipping 2012/13-2021/22 on
Census 2021's 261,334 residents: APC +5.40% a year is the trend in the counts, not in a rate)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from conftest import defra_flytipping_read

import saferstats as ss
from saferstats import SaferstatsWarning

DERBY = "E06000015"


def _said(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [str(x.message) for x in w if issubclass(x.category, SaferstatsWarning)]


def _same(msgs):
    return [m for m in msgs if "same figure in every year" in m]


@pytest.fixture(scope="module")
def book(shared_data):
    """Defra's workbook read once for the file (each test takes a copy: reading it was most of the
    file's time)."""
    return defra_flytipping_read(shared_data, "Flytipping.xlsx")


@pytest.fixture(scope="module")
def derby(book):
    """Derby's Defra fly-tipping on its Census 2021 residents (summed over ethnic groups), as an
    analyst merges them: the 'census' column dropped by the groupby or kept."""
    fly = book.copy()
    pop = ss.census_population("la").groupby(["la_code", "census"], as_index=False)["population"].sum()
    return fly[fly["la_code"] == DERBY].merge(pop, on="la_code")


def test_poisson_trend_says_the_apc_is_the_trend_in_counts(derby):
    assert (derby["population"] == 261_334).all() and len(derby) == 10
    for table, name in ((derby.drop(columns="census"), "column 'population'"), (derby, "Census 2021 population")):
        tr, msgs = _said(ss.poisson_trend, table, count="incidents", by="la_code")
        assert tr["apc"].iloc[0] == pytest.approx(5.3996, abs=1e-3)
        counts = ss.poisson_trend(table, count="incidents", population=None, by="la_code")
        assert tr["apc"].iloc[0] == pytest.approx(counts["apc"].iloc[0], abs=1e-9)  # the APC of the counts
        said = _same(msgs)
        assert len(said) == 1, msgs
        assert said[0].startswith(f"poisson_trend: {name}: the population is the same figure in every year "
                                  "(2012/13, 2013/14,")
        assert "APC per population is the APC of the counts" in said[0]
        assert "'E06000015' (Derby): 261,334 in 10 of 10 periods" in said[0]
        assert "listed in .attrs['same_population']" in said[0]
        assert tr.attrs["same_population"] == [{"la_code": DERBY, "population": 261_334.0, "periods": 10, "of": 10}]


def test_add_rates_and_year_on_year_say_it_once(derby):
    for table in (derby.drop(columns="census"), derby):
        out, msgs = _said(ss.add_rates, table, count="incidents")
        assert len(_same(msgs)) == 1 and "'E06000015' (Derby): 261,334 in 10 of 10 periods" in _same(msgs)[0], msgs
        assert out.attrs["same_population"][0]["population"] == 261_334.0
        yoy, msgs = _said(ss.year_on_year, table, count="incidents", by="la_code")
        assert len(_same(msgs)) == 1 and "change in these rates is the change in the counts" in _same(msgs)[0], msgs
        assert yoy.attrs["same_population"][0]["periods"] == 10


def test_compare_trends_names_area_and_comparator(derby, book):
    fly = book.copy()
    england = fly.groupby("period", as_index=False)["incidents"].sum().assign(population=56_490_108)
    out, msgs = _said(ss.compare_trends, derby.drop(columns="census"), comparator=england, by="la_code",
                      count="incidents", dispersion="quasi")
    said = _same(msgs)
    assert len(said) == 2 and said[0].startswith("compare_trends: column 'population'"), msgs
    assert "'E06000015' (Derby): 261,334 in 10 of 10 periods" in said[0]
    assert said[1].startswith("compare_trends (the comparator") and "56,490,108 in 10 of 10 periods" in said[1]
    assert [(r["series"], r["population"]) for r in out.attrs["same_population"]] == [
        ("area", 261_334.0), ("comparator", 56_490_108.0)]


def _series(pops):
    return pd.DataFrame({"la_code": ["E1"] * 5, "la_name": ["Derby"] * 5,
                         "period": ["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"],
                         "incidents": [400, 430, 470, 500, 520], "population": pops})


def test_yearly_populations_are_not_warned():
    """Mid-year estimates change every year: nothing said, nothing listed."""
    t = _series([255_000, 256_900, 258_100, 259_700, 261_300])
    tr, msgs = _said(ss.poisson_trend, t, count="incidents", by="la_code")
    assert not _same(msgs) and tr.attrs["same_population"] == []
    out, msgs = _said(ss.add_rates, t, count="incidents")
    assert not _same(msgs) and out.attrs["same_population"] == []


def test_three_years_carried_forward_are_warned_and_two_are_not():
    t = _series([255_000, 256_900, 258_100, 258_100, 258_100])
    tr, msgs = _said(ss.poisson_trend, t, count="incidents", by="la_code")
    assert tr.attrs["same_population"] == [{"la_code": "E1", "population": 258_100.0, "periods": 3, "of": 5}]
    assert "same figure in every year (2019/20, 2020/21, 2021/22)" in _same(msgs)[0]
    assert "'E1' (Derby): 258,100 in 3 of 5 periods" in _same(msgs)[0]
    t = _series([255_000, 256_900, 258_100, 259_700, 259_700])
    tr, msgs = _said(ss.poisson_trend, t, count="incidents", by="la_code")
    assert not _same(msgs) and tr.attrs["same_population"] == []


def test_a_table_whose_note_says_it_gets_the_note_only():
    """read_hate_crime's population_note ('one population for every year') is said by add_rates
    (_warn_population_note); the new warning does not say it again."""
    t = _series([258_100] * 5).rename(columns={"la_code": "force"})
    t.attrs["population_note"] = ("Hate crime.csv: the population is the same figure in every year (2017/18, "
                                  "2018/19) for 1 of 1 forces")
    out, msgs = _said(ss.add_rates, t, count="incidents")
    assert len(_same(msgs)) == 1 and "listed in .attrs['same_population']" not in _same(msgs)[0], msgs
    assert out.attrs["same_population"] == []


def test_hate_crime_population_year_is_said_to_be_unstated():
    """The Home Office table's population: one figure for both years, rounded to hundreds, neither
    Census, and the published rate of both years is on it; the docstrings said "mid-year estimates"
    without a year, which neither the file nor the bulletin tables' notes state."""
    from saferstats.datasets import census2011_by_force, hate_crime_by_force

    h = hate_crime_by_force()
    known = h.dropna(subset=["population"])
    assert len(known) == 84 and (known["population"] % 100 == 0).all()
    assert ((known["offences"] / known["population"] * 1e5).round() - known["published_rate"]).abs().max() <= 1
    herts = h.loc[h.force == "Hertfordshire", "population"].unique().tolist()
    c21 = ss.census_population("force").groupby("force")["population"].sum()["hertfordshire"]
    c11 = int(census2011_by_force().set_index("force").loc["Hertfordshire", "All"])
    assert herts == [1_184_400] and (c11, int(c21)) == (1_116_062, 1_198_832)
    doc = " ".join(hate_crime_by_force.__doc__.split())
    assert "Which year's estimate that population is is not stated, neither in the file nor in the notes" in doc
    assert "1,116,062 residents in 2011, 1,198,832 in 2021" in doc
    assert "mid-year estimates" not in " ".join(census2011_by_force.__doc__.split())


def test_months_of_one_year_on_its_estimate_are_not_warned():
    """Monthly counts share their year's mid-year estimate: 14 months on one figure are not named,
    25 months (three calendar years) are; a series without a by column is 'the series'."""
    months = pd.date_range("2021-01-01", periods=25, freq="MS")
    d = pd.DataFrame({"period": months, "count": range(20, 45), "population": [1e5] * 25})
    tr, msgs = _said(ss.poisson_trend, d.iloc[:14])
    assert not _same(msgs) and tr.attrs["same_population"] == []
    tr, msgs = _said(ss.poisson_trend, d)
    assert tr.attrs["same_population"] == [{"population": 100_000.0, "periods": 25, "of": 25}]
    assert "same figure in every year (2021-01-01, 2021-02-01," in _same(msgs)[0]
    assert "(100,000): one population estimate" in _same(msgs)[0]
    assert "not a trend in the rate: 100,000 in 25 of 25 periods; listed" in _same(msgs)[0]


def test_comparator_named_as_a_total_row_gives_the_sum_to_use(book):
    """compare_trends(fly, comparator='England', by='la_code') said "is not a value of column
    'la_code'" (by la_name: "did you mean 'Fenland'?"); England is read_flytipping's total row,
    left out, and on another basis before 2019/20. The error now gives the comparison to make, and
    that code runs: Derby +5.40% a year. (Session 25, w37b: the code is the report's and the
    command's comparison, England's other councils like for like over Derby's years; it was the
    councils published in every year: tests/python/test_trend_w37b.py.)"""
    data = book.copy()
    said = {}
    for by in ("la_code", "la_name"):
        with pytest.raises(ss.InvalidInputError) as err:
            ss.compare_trends(data, comparator="England", by=by, count="incidents", population=None)
        msg = said[by] = str(err.value)
        assert "England is one of the table's total rows, left out as not an area (.attrs['totals'])" in msg
        assert "2017/18 England 997,612, its authorities' rows 894,789" in msg and "Fenland" not in msg
    recipe = said["la_code"].split("`")[-2]
    env = {"data": data}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(recipe, env)  # noqa: S102
    row = env["out"].set_index("_compared").loc["E06000015"]
    assert row["comparator"] == "England less the area, its other areas counted like for like"
    assert round(row["apc"], 2) == 5.40  # (the comparator's trend is checked against statsmodels in test_trend_w37b)


def test_drop_that_leaves_out_whole_periods_says_the_trend_is_shorter(book):
    """Derbyshire's councils on Defra's own mid_population_estimates (published from 2019/20):
    missing='drop' left out 63 rows and said only that "their groups' trends use the periods they
    have"; every trend ran over 3 of the 10 years. Now the periods and the column are named."""
    data = book.copy()
    dby = ["E07000032", "E07000033", "E07000034", "E06000015", "E07000035", "E07000036", "E07000037",
           "E07000038", "E07000039"]
    d = data[data["la_code"].isin(dby)]
    tr, msgs = _said(ss.poisson_trend, d, count="incidents", by="la_code", population="mid_population_estimates",
                     missing="drop", dispersion="quasi", use_t=True)
    said = [m for m in msgs if m.startswith("poisson_trend: 63 rows with a missing count or population left out")]
    assert len(said) == 1, msgs
    assert ("column 'mid_population_estimates' has no figure in any row of 7 periods (2012/13, 2013/14, 2014/15, "
            "2015/16, 2016/17, 2017/18, 2018/19), so every trend runs over the other 3 only (2019/20 to 2021/22") in said[0]
    assert set(tr["first_period"]) == {"2019/20"} and (tr["n_periods"] == 3).all()
    assert tr.attrs["same_population"] == []  # Defra's mid-year estimates change every year
    assert round(float(tr.set_index("la_code").loc["E06000015", "apc"]), 2) == 4.37


def test_report_flytipping_section_says_one_population_in_its_caption_only(book):
    """The report's fly-tipping trend (Census 2021 by code for every year) says "one population for
    every year" in its caption; poisson_trend's new warning is not repeated on the console."""
    from saferstats.report.sections import _flytipping

    data = book.copy()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        s = _flytipping({"confidence": 0.95, "disclosure_threshold": 5, "area": "Derby"},
                        {"data": data, "area": "la_name", "code": "la_code", "period": "period", "count": "incidents"})
    trend = next(t for t in s.tables if t.name == "flytipping_trend")
    assert "one population for every year, so this is the change in the count" in trend.caption
    assert not _same([str(m.message) for m in w]), [str(m.message)[:200] for m in w]
