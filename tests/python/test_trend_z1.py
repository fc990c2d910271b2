"""trend.py items found by this session's helpers (session 35, z1).

1. funnel_limits took a target on another scale than the funnel_overdispersion result passed with
   it without a word: 0.1584 with the Home Office use-of-force result, whose own target is 15.84 per
   100, drew 95% limits of 0% to 6.79% around 0.16%.
2. like_for_like_others and compare_trends repeated pandas work for each council (the report's
   comparison with England: 253 councils for Cardiff's report).
3. parse_periods_step parsed each period label once per row (Defra's 3,222 rows have 10 labels).

Each speed test counts the repeated work with unittest.mock (no timing) and checks the output
against figures written out by hand.
"""

from __future__ import annotations

import warnings
from unittest import mock

import numpy as np
import pandas as pd
import pandas.core.generic as pandas_generic
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.exceptions import InvalidInputError
from saferstats.trend import like_for_like_others, parse_periods_step

UOF = "s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv"


def _said(caught: list) -> list[str]:
    return [" ".join(str(w.message).split()) for w in caught if issubclass(w.category, ss.SaferstatsWarning)]


# --- 1. a target on another scale than the overdispersion result's --------------------------------

@pytest.fixture(scope="module")
def use_of_force(shared_data):
    """The forces' all-tactics rows of 2019/20 that record the health condition like for like (the
    reader's ``comparable``), and the raw CSV read with pandas."""
    path = shared_path(shared_data, UOF)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        t = ss.read_use_of_force(path)
    rows = t[(t["row_type"] == "all tactics") & t["comparable"]]
    return rows, pd.read_csv(path)


def test_funnel_limits_warns_of_a_target_off_the_overdispersion_results_scale(use_of_force):
    """Before: funnel_limits(target=0.1584, overdispersion=od) with od of the use-of-force table
    (target 15.84 per 100) drew limits around 0.16% (95%: 0 to 6.79%) and said nothing. Now a
    SaferstatsWarning names `target`, both values and the result's scale. Reference: the result's
    target by hand from the raw CSV, the '*Total Tactics' rows of the 37 forces: (Mental + Physical
    and mental) / (Number of times tactic reported - Not reported) x 100 = 104,131 / 657,348 x 100."""
    rows, raw = use_of_force
    tot = raw[(raw["Tactic"] == "*Total Tactics") & raw["Police Force"].isin(rows["force"])]
    assert len(tot) == 37
    num = float((tot["Mental"] + tot["Physical and mental"]).sum())
    den = float((tot["Number of times tactic reported"] - tot["Not reported"]).sum())
    assert (num, den) == (104131.0, 657348.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)  # (two forces lacking a tactic: not this test's)
        od = ss.funnel_overdispersion("mental_health", "condition_reported", data=rows, kind="proportion")
    assert od["target"] == pytest.approx(num / den * 100, rel=1e-12) and od["multiplier"] == 100
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lim = ss.funnel_limits("condition_reported", target=0.1584, overdispersion=od, data=rows)
    said = [w for w in _said(caught) if "`target`" in w]
    assert len(said) == 1, _said(caught)
    assert said[0].startswith("funnel_limits: `target` 0.1584 is about 1/100 of the overdispersion result's own "
                              "target 15.84 per 100")
    assert "the result is per 100" in said[0] and said[0].endswith("give it per `multiplier` (15.84)")
    # the limits themselves are as before (around the target given): 95% upper 6.77 to 6.82
    assert lim["lower_95"].max() == 0 and 6.7 < lim["upper_95"].min() < lim["upper_95"].max() < 6.9
    # the target on the result's scale (its own, or the published 16.0 with the six other forces): no warning
    for target in (15.84, 16.0):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ss.funnel_limits("condition_reported", target=target, overdispersion=od, data=rows)
        assert not [w for w in _said(caught) if "`target`" in w], target


def test_funnel_limits_target_check_inline():
    """The same rule on small results: with a proportion result of target 23.75 per 100 ((10 + 30 +
    50 + 5) / 400), 0.2 (a fraction) is named, 20 and 25 are not; with a rate result of 115.4 per
    100,000 ((10 + 30 + 5) / 39,000), 1.2 (per 1,000) is named; a τ² number has no target to check
    against."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        od = ss.funnel_overdispersion([10, 30, 50, 5], [100, 100, 100, 100], kind="proportion")
        rate = ss.funnel_overdispersion([10, 30, 5], [10_000, 20_000, 9_000], kind="rate")
    assert od["target"] == pytest.approx(23.75) and rate["target"] == pytest.approx(45 / 39_000 * 1e5)

    def target_warnings(target, overdispersion=od):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ss.funnel_limits([100, 200], target=target, overdispersion=overdispersion,
                             kind=None if isinstance(overdispersion, pd.Series) else "proportion")
        return [w for w in _said(caught) if "`target`" in w]

    assert "about 1/100 of the overdispersion result's own target 23.75 per 100" in target_warnings(0.2)[0]
    assert target_warnings(20.0) == [] and target_warnings(25.0) == []
    assert target_warnings(0.2, overdispersion=0.05) == []
    said = target_warnings(1.2, overdispersion=rate)[0]
    assert "about 1/100 of the overdispersion result's own target 115.4 per 100,000" in said
    assert "it looks like a value per 1,000" in said


# --- 2. like_for_like_others and compare_trends: work repeated for each council ------------------

YEARS = ["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]


def _councils(n: int) -> pd.DataFrame:
    """``n`` councils over five years; council g's count 100 + 7g + 5i (+4 where ig is 1 mod 3) in
    year i, population 10,000(g + 1); the first council's reporting basis is never given."""
    rows = []
    for g in range(n):
        for i, y in enumerate(YEARS):
            rows.append({"la": f"C{g:02d}", "period": y,
                         "incidents": float(100 + 7 * g + 5 * i + (4 if (i * g) % 3 == 1 else 0)),
                         "population": 10_000.0 * (g + 1), "recording_step": False,
                         "reporting_basis": None if g == 0 else "All incidents"})
    return pd.DataFrame(rows)


def _all_like_for_like(everyone, area, period, count, window):
    """Every council counted like for like over every span (one span here)."""
    return everyone[everyone[period].isin(window)], 0


def _lfl_counted(n: int):
    """like_for_like_others on ``n`` councils, and how many columns or row slices of a frame it took."""
    d = _councils(n)
    calls = {"getitem": 0, "iloc": 0}
    getitem = pd.DataFrame.__getitem__
    iloc = pd.DataFrame.iloc.fget

    def counted_getitem(self, key):
        calls["getitem"] += 1
        return getitem(self, key)

    def counted_iloc(self):
        calls["iloc"] += 1
        return iloc(self)

    with mock.patch.object(pd.DataFrame, "__getitem__", counted_getitem), \
            mock.patch.object(pd.DataFrame, "iloc", property(counted_iloc)):
        got = like_for_like_others(d, d, sorted(set(d["la"])), area="la", period="period", count="incidents",
                                   population="population", like_for_like=_all_like_for_like)
    return calls, got


def test_like_for_like_others_reads_the_table_once_not_per_council():
    """Before: like_for_like_others cut the table for each council (its frame, each of its columns
    read, and an empty slice of the table made for each council as a default): 6 more councils
    made 6 more row slices and 42 more column reads (12 and 94 for 12 councils). Now each column is read once for the table,
    so the count does not grow with the councils. Reference: the comparators written out by hand
    (each council's comparator is the sum of the others, year by year)."""
    few, _ = _lfl_counted(6)
    many, (pairs, comps, info) = _lfl_counted(12)
    assert many == few, f"{few} for 6 councils, {many} for 12"
    # by hand, 12 councils: the sum of all in year i is sum_g (100 + 7g + 5i + 4[(ig) % 3 == 1])
    bump = [[4 if (i * g) % 3 == 1 else 0 for g in range(12)] for i in range(5)]
    total = [sum(100 + 7 * g + 5 * i + bump[i][g] for g in range(12)) for i in range(5)]
    c03 = comps[comps["_compared"] == "C03"]
    assert c03["period"].tolist() == YEARS
    assert c03["incidents"].tolist() == [total[i] - (100 + 21 + 5 * i + bump[i][3]) for i in range(5)]
    assert c03["population"].tolist() == [10_000.0 * (78 - 4)] * 5  # 10,000 x (1 + ... + 12 - 4)
    assert info["other_areas"].tolist() == [11] * 12 and info["window"].iloc[0] == tuple(YEARS)
    # the areas' own rows, and their recording columns as before (the first council's basis all missing:
    # its piece is of objects, so the column is)
    assert pairs["_compared"].tolist() == [f"C{g:02d}" for g in range(12) for _ in YEARS]
    assert pairs["incidents"].tolist()[5:10] == [107.0, 116.0, 117.0, 122.0, 131.0]  # C01: 107 + 5i (+4 i=1, 4)
    assert pairs["recording_step"].dtype == bool and not pairs["recording_step"].any()
    assert pairs["reporting_basis"].dtype == object
    assert pairs["reporting_basis"].isna().tolist() == [True] * 5 + [False] * 55


def test_compare_trends_reads_its_fits_without_copying_their_attrs():
    """Before: compare_trends read the columns of its two fits with their .attrs (each council's
    same-population records, 12 a fit for 12 councils), which pandas deep-copied at each read: 58
    copies of them, 888 records in all. Now none. The result: each council's APC from statsmodels'
    Poisson GLM of its counts on the year (offset log population; R's glm), as compare_trends fits."""
    import statsmodels.api as sm

    d = _councils(12)
    pairs, comps, _ = like_for_like_others(d, d, sorted(set(d["la"])), area="la", period="period",
                                           count="incidents", population="population",
                                           like_for_like=_all_like_for_like)
    copied: list[int] = []
    deepcopy = pandas_generic.deepcopy

    def counted(x, memo=None):
        if isinstance(x, dict) and "same_population" in x:
            copied.append(len(x["same_population"]))
        return deepcopy(x, memo)

    with warnings.catch_warnings(), mock.patch.object(pandas_generic, "deepcopy", counted):
        warnings.simplefilter("ignore")
        c = ss.compare_trends(pairs.assign(_series="council"), by=["_series", "_compared"], comparator=comps,
                              count="incidents", population="population", period="period", dispersion="auto",
                              use_t="auto")
    assert copied == [], f"{len(copied)} copies of the fits' attrs ({sum(copied)} records)"
    assert len(c.attrs["same_population"]) == 24
    own = d[d["la"] == "C05"]
    fit = sm.GLM(own["incidents"].to_numpy(), sm.add_constant(np.arange(5.0)), family=sm.families.Poisson(),
                 offset=np.log(own["population"].to_numpy())).fit()
    assert c.loc[c["_compared"] == "C05", "apc"].iloc[0] == pytest.approx(100 * np.expm1(fit.params[1]), rel=1e-8)


# --- 3. parse_periods_step: each distinct label parsed once --------------------------------------

def test_parse_periods_step_parses_each_distinct_label_once():
    """Before: each of 3,000 rows' labels was parsed (3 distinct financial years: 3,000 parses); now
    each distinct label once (3). The values by hand (2019/20 -> 2019.0), the step 1."""
    labels = ["2019/20", "2020/21", "2021/22"] * 1000
    fy = mock.Mock(wraps=ss.trend._PARSERS["financial year"])
    with mock.patch.dict(ss.trend._PARSERS, {"financial year": fy}):
        t, step = parse_periods_step(pd.Series(labels), "period")
    assert fy.call_count == 3
    assert t.tolist() == [2019.0, 2020.0, 2021.0] * 1000 and step == 1.0


def test_parse_periods_step_names_the_first_unreadable_label_and_its_row_as_before():
    """The messages as before (written out by hand): the first label the best kind cannot read, at
    the row where it first appears, with the rows before it; a repeated label read once."""
    with pytest.raises(InvalidInputError) as e:
        parse_periods_step(pd.Series(["2019/20", "2020/21", "2019/20", "x", "2020/21", "x"],
                                     index=list("abcdef")), "period")
    assert str(e.value) == ("column 'period' row 'd': cannot read period 'x' as a financial year like '2016/17' "
                            "(rows 'a' to 'c' are financial years)")
    with pytest.raises(InvalidInputError) as e:
        parse_periods_step(["2019", "2019", "2019-02", "2019-03"], "period")
    assert str(e.value).startswith("column 'period' row 2: cannot read period '2019-02' as a year")
    assert str(e.value).endswith("(rows 0-1 are years)")
    with pytest.raises(InvalidInputError) as e:
        parse_periods_step(["bad", "2019", "bad"], "period")
    assert str(e.value) == ("column 'period' row 0: cannot read period 'bad' (use numbers, '2016/17', '2016', "
                            "or '2016-03')")
    t, step = parse_periods_step(["2019-04-01", "2020-04-01", "2019-04-01"], "period")  # dates as text: no step
    assert t.tolist() == [2019.25, 2020.25, 2019.25] and step is None
