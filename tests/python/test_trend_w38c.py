"""Session 25 (w38c): trend comparisons, the report against the command line; the like-for-like
step test vectorised; the calendar / financial-year population check in the trend functions.

1. The report's comparison with England (``report.sections._against_england``) took Student t for
   every row (``use_t=True``); ``saferstats trend --compare-with England`` takes t where either
   trend is quasi-Poisson and the normal where both are Poisson, as R's ``summary.glm``. On Defra's
   total incidents every comparison has a quasi-Poisson side and the two agreed; on clinical waste
   fly-tipping (a Defra column of small counts) East Suffolk's comparison (2019/20 to 2021/22, both
   fits Poisson) was 95% CI 0.03 to 100.5 in the report and 0.84 to 3.25 from the command. Both
   now take the command's rule (``trend.t_where_quasi``); the reference is statsmodels' Poisson
   GLM fitted here on Defra's counts, the comparator's summed by hand.
2. ``_every_doubling_step`` is vectorised: the old loop is kept below as the reference and the
   two give the same steps on the Defra workbook (every count column).
3. ``poisson_trend`` and ``compare_trends`` now say what ``add_rates`` and ``year_on_year`` say of
   a calendar ``year`` beside financial-year periods (``published.warn_calendar_year_on_financial_years``),
   walked with the Greater Manchester mid-year files joined on the financial year's end.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import defra_flytipping_read, shared_path
from saferstats.__main__ import main

FOLDER = "fly_tipping/defra_la_2012-13_to_2021-22"
EAST_SUFFOLK = "E07000244"
WINDOW = ["2019/20", "2020/21", "2021/22"]


# --------------------------------------------------------------------------- 1. one rule for t or z
@pytest.fixture(scope="module")
def fly(shared_data):
    return defra_flytipping_read(shared_data, "Flytipping.xlsx")


@pytest.fixture(scope="module")
def report_table(shared_data):
    """The report's comparison with England for Suffolk's councils, on clinical waste fly-tipping."""
    from saferstats.report.sections import _flytipping

    book = shared_path(shared_data, f"{FOLDER}/Flytipping.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping({"confidence": 0.95, "disclosure_threshold": 5, "area": "Suffolk"},
                        {"file": str(book), "count": "clinical_incidents"})
    t = next(t for t in s.tables if t.name == "flytipping_trend_england").frame.set_index("la_name")
    t.attrs["intro"] = s.intro
    return t


@pytest.fixture(scope="module")
def cli_table(shared_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("w38c") / "england.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["trend", str(shared_path(shared_data, f"{FOLDER}/Flytipping.xlsx")), "--count",
                     "clinical_incidents", "--population", "none", "--by", "la_code", "--missing", "drop",
                     "--compare-with", "England", "--out", str(out)]) == 0
    return pd.read_csv(out, keep_default_na=False).set_index("la_code")


def _others_by_hand(fly: pd.DataFrame) -> pd.DataFrame:
    """England's councils other than East Suffolk with a clinical-waste count in each of 2019/20 to
    2021/22, no flag (4-fold step, not all incidents) and one reporting basis there, and no step of
    2-fold or more between consecutive years (both counts above 0); their counts summed a year."""
    d = fly[fly["period"].isin(WINDOW) & fly["clinical_incidents"].notna() & (fly["la_code"] != EAST_SUFFOLK)]
    keep = []
    for code, g in d.groupby("la_code"):
        g = g.sort_values("period")
        y = g["clinical_incidents"].to_numpy(float)
        basis = g["reporting_basis"].dropna().astype(str).str.strip().str.lower()
        stepped = any(a > 0 and b > 0 and max(a / b, b / a) >= 2 for a, b in zip(y[:-1], y[1:]))
        if (len(g) == 3 and not g["recording_step"].any() and not g["not_all_incidents"].any()
                and basis[basis != ""].nunique() <= 1 and not stepped):
            keep.append(code)
    return d[d["la_code"].isin(keep)].groupby("period")["clinical_incidents"].sum().reset_index().assign(
        councils=len(keep))


def test_report_and_command_give_one_answer_for_a_poisson_comparison(fly, report_table, cli_table):
    row, cli_row, intro = report_table.loc["East Suffolk"], cli_table.loc[EAST_SUFFOLK], report_table.attrs["intro"]
    sm = pytest.importorskip("statsmodels.api")
    from scipy import stats

    # statsmodels, live: Poisson GLM of East Suffolk's counts and of the other councils' summed counts
    own = fly[(fly["la_code"] == EAST_SUFFOLK) & fly["period"].isin(WINDOW)].sort_values("period")
    comp = _others_by_hand(fly)
    assert own["period"].tolist() == comp["period"].tolist() == WINDOW
    assert int(row["other_councils"]) == int(cli_row["other_areas"]) == int(comp["councils"].iloc[0]) == 153
    x = sm.add_constant(np.arange(3.0))
    fa = sm.GLM(own["clinical_incidents"].to_numpy(float), x, family=sm.families.Poisson()).fit()
    fb = sm.GLM(comp["clinical_incidents"].to_numpy(float), x, family=sm.families.Poisson()).fit()
    # both Poisson in auto's test (Pearson chi2 / df at most 1.5)
    assert fa.pearson_chi2 / fa.df_resid <= 1.5 and fb.pearson_chi2 / fb.df_resid <= 1.5
    b = fa.params[1] - fb.params[1]
    se = float(np.hypot(fa.bse[1], fb.bse[1]))
    z = stats.norm.ppf(0.975)
    ref = [np.exp(b), np.exp(b - z * se), np.exp(b + z * se), 2 * stats.norm.sf(abs(b / se))]
    mine = [row["ratio_england"], row["ratio_england_lower"], row["ratio_england_upper"], row["p_value"]]
    cli = [float(cli_row[c]) for c in ("ratio", "ratio_lower", "ratio_upper", "p_value")]
    assert mine == pytest.approx(ref, rel=1e-6)
    assert mine == pytest.approx(cli, rel=1e-9)
    assert cli_row["intervals"] == "z" and float(cli_row["df"]) == np.inf
    # before: the report's row was Student t on the Welch-Satterthwaite df (1.03): 0.027 to 100.5, p 0.38
    assert [round(v, 3) for v in mine[1:3]] == [0.838, 3.252] and round(mine[3], 3) == 0.147
    assert "the normal where both are Poisson, as R's summary.glm and saferstats trend --compare-with" in intro


def test_a_comparison_with_a_quasi_poisson_side_keeps_student_t(report_table, cli_table):
    """Babergh (2012/13 to 2021/22): its own fit Poisson, England's others quasi-Poisson: Student t
    on the Welch-Satterthwaite df in the report and the command, as before (1.3427, 0.936 to 1.926)."""
    row, cli = report_table.loc["Babergh"], cli_table.loc["E07000200"]
    assert cli["intervals"].startswith("t (df=") and float(cli["df"]) == pytest.approx(8.64, abs=0.01)
    mine = [row["ratio_england"], row["ratio_england_lower"], row["ratio_england_upper"], row["p_value"]]
    assert mine == pytest.approx([float(cli[c]) for c in ("ratio", "ratio_lower", "ratio_upper", "p_value")], rel=1e-9)
    assert [round(v, 3) for v in mine] == [1.343, 0.936, 1.926, 0.097]


# --------------------------------------------------------------------------- 2. the step test, vectorised
def _every_doubling_step_before(data: pd.DataFrame, area: str, period: str, count: str) -> dict[str, list[str]]:
    """The reference: ``report.sections._every_doubling_step`` as it was at 0d11d06 (a Python loop
    over the areas), copied here unchanged so that the vectorised one is checked against it. (Run
    on the rows without their ``.attrs``: pandas deep-copies a reader's ``.attrs`` into every group
    and column the loop takes, which made this reference most of the file's time; the values are
    the same.)"""
    data = pd.DataFrame({c: data[c] for c in (area, period, count)}, index=data.index)
    out: dict[str, list[str]] = {}
    for a, g in data.groupby(area, observed=True, sort=True):
        g = g.assign(_p=g[period].astype(str)).sort_values("_p", kind="stable")
        y = pd.to_numeric(g[count], errors="coerce").to_numpy(dtype=float)
        p = g["_p"].to_numpy()
        for i in range(1, len(y)):
            if not (y[i - 1] > 0 and y[i] > 0):
                continue
            if max(y[i] / y[i - 1], y[i - 1] / y[i]) >= 2:
                out.setdefault(str(a), []).append(f"{p[i - 1]} to {p[i]}: {y[i - 1]:,.0f} to {y[i]:,.0f}")
    return out


def _same_steps(data: pd.DataFrame, area: str, period: str, count: str) -> dict[str, list[str]]:
    from saferstats.report.sections import _every_doubling_step

    new, old = _every_doubling_step(data, area, period, count), _every_doubling_step_before(data, area, period, count)
    assert new == old and list(new) == list(old)  # the same steps, and the areas in the same order
    return new


def test_every_doubling_step_is_the_loops_on_defras_workbook(fly):
    # the total, small counts (many steps, zeros) and a cost column (the old loop is slow: a few columns)
    counts = ["incidents", "clinical_incidents", "asbestos_incidents", "tyres_incidents", "total_incidents_clearance_costs"]
    found = {c: _same_steps(fly, "la_code", "period", c) for c in counts}
    assert sum(len(v) for f in found.values() for v in f.values()) > 1000
    # by name too (Defra respells councils across years: each spelling its own series), and shuffled
    _same_steps(fly.sample(frac=1.0, random_state=3), "la_name", "period", "incidents")
    # the spans the comparison with England cuts: each window's rows, as like_for_like_councils passes them
    for w in (WINDOW, ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]):
        _same_steps(fly[fly["period"].isin(w)], "la_code", "period", "incidents")
    # Watford's 612 to 1,815 (2014/15 to 2015/16), the step the report names
    assert found["incidents"]["E07000103"][0] == "2014/15 to 2015/16: 612 to 1,815"


def test_every_doubling_step_edges_are_the_loops():
    d = pd.DataFrame({"la": ["A", "A", "A", "A", None, None, "B", "B", "B", "C", "C", "C"],
                      "year": ["2017/18", "2015/16", "2016/17", "2016/17", "2015/16", "2016/17", "2015/16", "2016/17",
                               "2017/18", "2015/16", "2016/17", "2017/18"],
                      "n": [100, 10, 40, 9, 1, 100, 0, 50, np.nan, "7", "x", 30]})
    assert _same_steps(d, "la", "year", "n") == {"A": ["2015/16 to 2016/17: 10 to 40", "2016/17 to 2016/17: 40 to 9",
                                                       "2016/17 to 2017/18: 9 to 100"]}
    assert _same_steps(d.assign(la=d["la"].astype("category")), "la", "year", "n")
    assert _same_steps(d.iloc[:0], "la", "year", "n") == {}
    assert _same_steps(d.assign(la=d["la"].map({"A": 2, "B": 1, "C": 3})), "la", "year", "n") == {
        "2.0": ["2015/16 to 2016/17: 10 to 40", "2016/17 to 2016/17: 40 to 9", "2016/17 to 2017/18: 9 to 100"]}


# --------------------------------------------------------------------------- 3. calendar against financial years
TRAFFORD = "E08000009"
YEARS = ["2019/20", "2020/21", "2021/22"]


@pytest.fixture(scope="module")
def joined_on_the_area(fly, shared_data):
    """Trafford's fly-tipping (Defra, financial years 2019/20 to 2021/22) with ONS's mid-2024
    estimate (Trafford Data Lab's file) merged on the council's code alone: mid-2024 beside every
    financial year, where each year's is the estimate of the year it starts (mid-2019 for 2019/20)."""
    path = shared_path(shared_data, "population/mid_year_greater_manchester/"
                                    "mid-year_2024_population_estimates_local_authority.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pop = ss.read_mid_year_population(path)
    own = fly[(fly["la_code"] == TRAFFORD) & fly["period"].isin(YEARS)][["la_code", "la_name", "period", "incidents"]]
    t = own.merge(pop[["la_code", "population", "year"]], on="la_code").sort_values("period", ignore_index=True)
    assert t["population"].tolist() == [241025] * 3 and t["year"].tolist() == [2024] * 3  # the raw CSV's all_ages
    return t


def _said(fn, *args, **kw) -> list[str]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn(*args, **kw)
    return [str(x.message) for x in w if "is not the year the financial year" in str(x.message)]


def _comparator(fly: pd.DataFrame) -> pd.DataFrame:
    """The North West's other councils (Defra's mid-year populations, published from 2019/20), summed."""
    nw = fly[(fly["region"] == "North West") & (fly["la_code"] != TRAFFORD) & fly["period"].isin(YEARS)]
    nw = nw.dropna(subset=["incidents", "mid_population_estimates"])
    comp = nw.groupby("period", as_index=False)[["incidents", "mid_population_estimates"]].sum()
    return comp.rename(columns={"mid_population_estimates": "population"}).assign(la_code="North West less Trafford")


def test_poisson_trend_and_compare_trends_say_what_add_rates_says(joined_on_the_area, fly):
    t = joined_on_the_area
    said = _said(ss.add_rates, t, count="incidents")
    assert len(said) == 1 and said[0].startswith("add_rates: the column 'year'")
    assert "(row 0: 2019/20 on mid-2024; row 1: 2020/21 on mid-2024; row 2: 2021/22 on mid-2024)" in said[0]
    text = said[0].removeprefix("add_rates: ")
    # before: poisson_trend and compare_trends said nothing of it
    assert _said(ss.poisson_trend, t, count="incidents", period="period", by="la_code",
                 dispersion="auto") == [f"poisson_trend: {text}"]
    comp = _comparator(fly)
    assert _said(ss.compare_trends, t, comparator=comp, count="incidents", period="period", by="la_code",
                 dispersion="auto") == [f"compare_trends: {text}"]  # once (not again from each side's fit)
    # the comparator's own table is judged too, and named
    wrong = comp.assign(year=2024)
    both = _said(ss.compare_trends, t, comparator=wrong, count="incidents", period="period", by="la_code",
                 dispersion="auto")
    assert len(both) == 2 and both[1].startswith("compare_trends (the comparator): the column 'year'")
    assert "(row 0: 2019/20 on mid-2024; row 1: 2020/21 on mid-2024; row 2: 2021/22 on mid-2024)" in both[1]


def test_the_year_each_financial_year_starts_is_not_warned(joined_on_the_area, fly):
    right = joined_on_the_area.assign(year=[2019, 2020, 2021])  # (the convention: mid-2019 for 2019/20)
    assert _said(ss.poisson_trend, right, count="incidents", period="period", by="la_code", dispersion="auto") == []
    assert _said(ss.compare_trends, right, comparator=_comparator(fly), count="incidents", period="period",
                 by="la_code", dispersion="auto") == []
    assert _said(ss.poisson_trend, joined_on_the_area, count="incidents", population=None, period="period",
                 by="la_code", dispersion="auto") == []  # (no population: no rate, nothing to say)
