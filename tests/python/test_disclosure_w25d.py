"""Session 19, helper w25d: suppress() takes each complete financial year's total as known for a
quarterly table too (the Home Office's "2021/22 Q1", "2021 Q2", ONS's "Apr to Jun 2021", quarterly
Periods), and each complete calendar year's ("year ending December") for monthly and quarterly
tables (session 18 took financial years of monthly tables only)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats

GROUPS = ["Asian", "Black", "Mixed", "Other", "White"]

FY_QUARTERS = [f"{y}/{(y + 1) % 100:02d} Q{q}" for y in (2021, 2022) for q in (1, 2, 3, 4)]  # April 2021 - March 2023
CAL_QUARTERS = ["2021 Q2", "2021 Q3", "2021 Q4", "2022 Q1", "2022 Q2", "2022 Q3", "2022 Q4", "2023 Q1"]  # the same
ONS_QUARTERS = ["Apr to Jun 2021", "Jul to Sep 2021", "Oct to Dec 2021", "Jan to Mar 2022",
                "Apr to Jun 2022", "Jul to Sep 2022", "Oct to Dec 2022", "Jan to Mar 2023"]


def _quarterly(seed: int, labels=FY_QUARTERS) -> pd.DataFrame:
    """One force's searches by group and quarter over two financial years (police.uk-like sizes)."""
    rng = np.random.default_rng(seed)
    rows = [("Force A", g, q, "2021/22" if i < 4 else "2022/23", int(rng.poisson(lam)))
            for g, lam in zip(GROUPS, [60, 45, 12, 6, 360]) for i, q in enumerate(labels)]
    return pd.DataFrame(rows, columns=["force", "group", "quarter", "year", "searches"])


def _monthly_two_calendar_years(seed: int) -> pd.DataFrame:
    """One force's searches by group and month, January 2021 to December 2022."""
    rng = np.random.default_rng(seed)
    months = pd.period_range("2021-01", "2022-12", freq="M").astype(str)
    rows = [("Force A", g, m, m[:4], int(rng.poisson(lam)))
            for g, lam in zip(GROUPS, [25, 20, 9, 6, 120]) for m in months]
    return pd.DataFrame(rows, columns=["force", "group", "month", "year", "searches"])


def _suppress(truth: pd.DataFrame, key: str, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        return saferstats.suppress(truth.drop(columns="year"), columns=["searches"], keys=["force", "group", key],
                                   totals={}, **kw)


def _attack(published: pd.DataFrame, truth: pd.DataFrame, key: str, *, over_keys: bool = True,
            declared: list | None = None) -> list:
    """Hidden counts pinned by the totals over each key (or the ``declared`` ones) and each year's
    (truth["year"]: financial or calendar) total by force and group."""
    from disclosure_attack import Attack

    a = Attack()
    a.table("t", published, truth, counts=["searches"])
    if over_keys:
        a.totals_over_keys("t", ["force", "group", key], "searches")
    for d in declared or []:
        for rows in (truth.groupby(d).groups.values() if d else [truth.index]):
            a.total(("t", r, "searches") for r in rows)
    for rows in truth.groupby(["force", "group", "year"]).groups.values():
        a.total(("t", r, "searches") for r in rows)
    return a.linear(floor_one=True)


@pytest.mark.parametrize("labels", [FY_QUARTERS, CAL_QUARTERS, ONS_QUARTERS], ids=["2021/22 Q1", "2021 Q2", "Apr to Jun"])
@pytest.mark.parametrize("seed", [1, 2, 5, 9, 16])
def test_suppress_protects_a_quarterly_table_against_each_financial_years_total(seed: int, labels) -> None:
    """Before: a quarterly table over two financial years took the total over all eight quarters as
    the only total over quarters. Seed 2: Other searches in 2021/22 Q2 (3, a primary count) were
    the row's only hidden quarter of 2021/22 (its partners hidden in 2022/23), so a reader with the
    Home Office's 2021/22 total had it back: 25 - 8 - 8 - 6 = 3."""
    truth = _quarterly(seed, labels)
    published = _suppress(truth, "quarter")
    hidden = published["searches"].astype(str).eq("[c]")
    assert 0 < hidden.sum() < len(truth) // 2
    assert _attack(published, truth, "quarter") == [], "a hidden count is recovered from a year's total"
    per_year = hidden.groupby([truth["group"], truth["year"]]).sum()
    assert not (per_year == 1).any(), per_year[per_year == 1]


def test_quarterly_periods_are_quarters_too() -> None:
    """A quarterly pandas Period column (calendar quarters, or Q-MAR financial ones) is read as the
    labels are: the same year groups, the same suppression."""
    from saferstats.disclosure import financial_year_groups

    t = _quarterly(2, CAL_QUARTERS)
    (g,) = financial_year_groups(t, ["force", "group", "quarter"])
    as_period = t.assign(quarter=pd.PeriodIndex(["2021Q2", "2021Q3", "2021Q4", "2022Q1", "2022Q2", "2022Q3", "2022Q4",
                                                 "2023Q1"] * 5, freq="Q"))
    (h,) = financial_year_groups(as_period, ["force", "group", "quarter"])
    assert (h == g).all() and len(np.unique(g)) == 10
    fiscal = as_period.assign(quarter=as_period["quarter"].dt.asfreq("M", "s").dt.asfreq("Q-MAR"))
    (f,) = financial_year_groups(fiscal, ["force", "group", "quarter"])
    assert (f == g).all()
    assert _suppress(as_period, "quarter")["searches"].tolist() == _suppress(t, "quarter")["searches"].tolist()


@pytest.mark.parametrize("seed", [16, 23, 25])
def test_suppress_protects_a_monthly_table_against_each_calendar_years_total(seed: int) -> None:
    """Before: January 2021 to December 2022 by month took each complete financial year's total
    (2021/22) and the total over the 24 months, not each calendar year's ("year ending December").
    Seed 16: Mixed (3) and Other (1) in January 2022 were their rows' only hidden months of 2022,
    so the 2022 totals (Mixed 127, Other 76) gave them back."""
    truth = _monthly_two_calendar_years(seed)
    published = _suppress(truth, "month")
    assert _attack(published, truth, "month") == [], "a hidden count is recovered from a calendar year's total"
    hidden = published["searches"].astype(str).eq("[c]")
    per_year = hidden.groupby([truth["group"], truth["year"]]).sum()
    assert not (per_year == 1).any(), per_year[per_year == 1]


def test_declared_published_totals_take_each_year_of_a_quarterly_key() -> None:
    """published_totals=[["force", "quarter"], ["force", "group"]]: each force's group over the
    quarters runs over a key of quarters, so each complete financial year's is taken too."""
    truth = _quarterly(2, FY_QUARTERS)
    declared = [["force", "quarter"], ["force", "group"]]
    published = _suppress(truth, "quarter", published_totals=declared)
    assert _attack(published, truth, "quarter", over_keys=False, declared=declared) == []


def test_quarter_labels_read_and_refused() -> None:
    from saferstats.disclosure import _period_spans

    starts = {"2021/22 Q1": 2021 * 12 + 3, "Q4 2021/22": 2022 * 12, "2021Q2": 2021 * 12 + 3, "Q1 2022": 2022 * 12,
              "Jan to Mar 2022": 2022 * 12, "Oct-Dec 2021": 2021 * 12 + 9}
    got = _period_spans(pd.Series(list(starts)))
    assert got is not None and got[1] == 3 and got[0].tolist() == list(starts.values())
    for labels in (["2021/22", "2022/23"], ["2021/23 Q1"], ["May to Jul 2021"], ["2021", "2022"], ["2021 Q5"]):
        assert _period_spans(pd.Series(labels)) is None, labels
    assert _period_spans(pd.Series(["2021-06", "2021-07"]))[1] == 1  # months as before


def test_no_year_total_when_the_periods_are_one_year_or_none_complete() -> None:
    """Twelve months January to December (or four quarters of one financial year) are one year,
    whose total is the total over the periods; a span with no complete year adds nothing."""
    from saferstats.disclosure import _calendar_year_groups, financial_year_groups

    t = _monthly_two_calendar_years(0)
    one = t[t["year"] == "2022"].reset_index(drop=True)
    assert _calendar_year_groups(one, ["force", "group", "month"]) == []
    assert len(financial_year_groups(one, ["force", "group", "month"])) == 0  # no complete financial year
    part = t[t["month"].between("2021-03", "2022-11")].reset_index(drop=True)
    assert _calendar_year_groups(part, ["force", "group", "month"]) == []
    (g,) = _calendar_year_groups(t, ["force", "group", "month"])  # 2021 and 2022, five groups each
    assert len(np.unique(g)) == 10
    q = _quarterly(0, FY_QUARTERS)
    assert financial_year_groups(q[q["year"] == "2021/22"].reset_index(drop=True), ["force", "group", "quarter"]) == []
    # calendar quarters April 2021 - March 2023: calendar 2022 complete
    (c,) = _calendar_year_groups(_quarterly(0, CAL_QUARTERS), ["force", "group", "quarter"])
    assert len(np.unique(c)) == 5 + 5 * 4


# --------------------------------------------------------------------------- report by CSP and month
def _two_csps(months: list[str]) -> pd.DataFrame:
    """Two Leicestershire CSPs by month and group (Charnwood and Leicester, ONS codes)."""
    rng = np.random.default_rng(3)
    rows = [(c, code, m, g, int(rng.poisson(lam))) for c, code in (("Charnwood", "E22000165"), ("Leicester", "E22000168"))
            for m in months for g, lam in (("Black", 6), ("White", 40))]
    return pd.DataFrame(rows, columns=["csp", "csp_code", "month", "group", "searches"])


def test_report_by_csp_and_month_takes_the_forces_totals_not_each_csps() -> None:
    """The report's audit by CSP and month took each CSP's searches by group over the months as
    known, which no one publishes (the Home Office's table is by force). It now takes each force's
    by group over its CSPs and months (and each complete financial year's), and no CSP's."""
    from saferstats.report.sections import _search_totals

    frame = _two_csps(["2020-01", "2020-02"])
    parts = [sorted(map(tuple, frame.loc[lab == v, ["csp", "month", "group"]].to_numpy().tolist()))
             for lab in _search_totals(frame, ["csp", "month"]) for v in np.unique(lab)]
    assert [("Charnwood", "2020-01", "Black"), ("Charnwood", "2020-02", "Black")] not in parts  # a CSP's: not known
    assert [("Charnwood", "2020-01", "Black"), ("Charnwood", "2020-02", "Black"),
            ("Leicester", "2020-01", "Black"), ("Leicester", "2020-02", "Black")] in parts  # the force's
    assert [("Charnwood", "2020-01", "Black"), ("Charnwood", "2020-01", "White")] in parts  # a CSP's month
    # over two financial years: each year's force total by group, not each CSP's
    months = [str(p) for p in pd.period_range("2021-04", "2023-03", freq="M")]
    frame = _two_csps(months)
    known = _search_totals(frame, ["csp", "month"])
    fy = np.where(frame["month"] < "2022-04", 0, 1)
    want = frame.groupby([frame["group"], fy]).ngroup().to_numpy()  # force (both CSPs) x group x year
    assert any(len(np.unique(k)) == 4 and (pd.crosstab(k, want).gt(0).sum(axis=1) == 1).all() for k in known)
    per_csp = frame.groupby(["csp", "group", fy]).ngroup().to_numpy()
    assert not any(len(np.unique(k)) == 8 and (pd.crosstab(k, per_csp).gt(0).sum(axis=1) == 1).all() for k in known)


def test_report_by_csp_and_month_protects_a_csp_with_one_month() -> None:
    """Charnwood in two months, Leicester in one (2 Black, 40 White): with each CSP's searches by
    group over the months taken as known, Leicester's one month was a total of one cell, so its 2
    was reported as 'cannot be protected' and Leicestershire's 47 Black searches (Home Office) gave
    it back: 47 - 20 - 25. Now it is protected with Charnwood's January and nothing is given back."""
    from search_audit import csp_month_attack, leicestershire_csp_months, report_search_audit

    frame = leicestershire_csp_months()
    hidden, unprotected = report_search_audit(frame, ["csp", "month"], threshold=5)
    assert list(unprotected) == [] and hidden.tolist() == [True, True, False, False, True, True]
    # police.uk: each CSP's month; the Home Office: the force's by group
    assert csp_month_attack(frame, hidden, ["leicestershire"] * len(frame)) == []


@pytest.mark.parametrize("when", ["QS", "QE"])
def test_quarterly_dates_are_quarters(when: str) -> None:
    """A quarterly table keyed by dates (pandas' resample("QS"): the first day of each quarter, or
    "QE": the last) was read as months (quarter starts) or not at all (quarter ends): four months a
    year, so no year was ever complete and the financial year's total was not taken. Seed 2: the
    2021/22 total gave Other's 3 back."""
    truth = _quarterly(2, FY_QUARTERS)
    starts = pd.date_range("2021-04-01", periods=8, freq="QS")
    dates = starts if when == "QS" else starts + pd.offsets.QuarterEnd(0)
    as_dates = truth.assign(quarter=np.tile(dates, 5))
    published = _suppress(as_dates, "quarter")
    assert _attack(published, as_dates, "quarter") == []
    assert published["searches"].tolist() == _suppress(truth, "quarter")["searches"].tolist()
