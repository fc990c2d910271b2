"""Repeated work in trend.py that the report's fly-tipping section paid (session 34, x6).

Each test counts the repeated call on a small inline table (it grew with the number of groups
before) and checks the output against figures written out by hand.
"""

from __future__ import annotations

import warnings
from unittest import mock

import pandas as pd

import saferstats as ss

PERIODS = ["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]


def _same_population_table(n: int) -> pd.DataFrame:
    """``n`` councils over five years, each on one population in every year (as Census 2021
    residents merged onto Defra's fly-tipping by code); the last council's population changes in its
    last two years, so it has one figure in 3 of its 5 periods."""
    rows = []
    for g in range(n):
        for i, p in enumerate(PERIODS):
            pop = 1000.0 * (g + 1) + (50.0 if g == n - 1 and i >= 3 else 0.0)
            rows.append({"la_code": f"E0700{g:04d}", "period": p, "incidents": 10 + 3 * i + g % 4 + (i * g) % 5,
                         "population": pop})
    return pd.DataFrame(rows)


def _series_comparisons(data: pd.DataFrame) -> tuple[int, pd.DataFrame, list[str]]:
    """How many times a pandas Series is compared with ``==`` while ``poisson_trend`` fits ``data``
    by council, its table and its warnings."""
    calls = 0
    eq = pd.Series.__eq__

    def counted(self: pd.Series, other: object) -> pd.Series:
        nonlocal calls
        calls += 1
        return eq(self, other)

    with warnings.catch_warnings(record=True) as caught, mock.patch.object(pd.Series, "__eq__", counted):
        warnings.simplefilter("always")
        out = ss.poisson_trend(data, count="incidents", by="la_code")
    return calls, out, [str(w.message) for w in caught]


def test_same_population_rows_are_found_in_one_pass_not_per_group():
    """Before, the same-population warning of poisson_trend compared every key column of the whole
    table with each group it found, one pandas Series ``==`` per group (289 for Defra's councils on
    Census 2021: 1,324 comparisons in Cardiff's fly-tipping section, 0.3 s a call of 2,730 rows):
    6 more comparisons for 6 more councils. Now each row's key is read once, so the number of
    comparisons does not grow with the groups. Reference for the output: the table above by hand,
    every council on one figure in 5 of 5 periods, the last in 3 of 5."""
    few, out_few, said_few = _series_comparisons(_same_population_table(6))
    many, out_many, said_many = _series_comparisons(_same_population_table(12))
    assert many == few, f"{few} Series comparisons for 6 councils, {many} for 12"
    # the groups, by hand: council g's population is 1000(g + 1), the last one's 50 more from 2020/21
    assert out_many.attrs["same_population"] == (
        [{"la_code": f"E0700{g:04d}", "population": 1000.0 * (g + 1), "periods": 5, "of": 5} for g in range(11)]
        + [{"la_code": "E07000011", "population": 12000.0, "periods": 3, "of": 5}])
    said = " ".join(" ".join(next(w for w in said_many if "same figure" in w).split()).split())
    assert "for 12 of 12 la_code groups" in said
    assert "'E07000000' (1,000 in 5 of 5 periods); 'E07000001' (2,000 in 5 of 5 periods)" in said
    assert said.endswith("(and 2 more); listed in .attrs['same_population']")
    few_said = " ".join(next(w for w in said_few if "same figure" in w).split())
    assert "'E07000005' (6,000 in 3 of 5 periods)" in few_said and "more)" not in few_said


def _two_councils() -> pd.DataFrame:
    """Two councils over eight years: A's counts close to a straight line (Poisson: χ²/df below
    1.5), B's jumping about it (quasi-Poisson), so use_t="auto" refits for A's normal limits."""
    a = [100, 104, 109, 112, 118, 121, 127, 131]
    b = [100, 160, 90, 170, 80, 190, 95, 200]
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(2014, 2022)]
    return pd.DataFrame({"area": ["A"] * 8 + ["B"] * 8, "period": years * 2, "count": a + b,
                         "population": [50_000.0] * 16})


def test_the_refit_for_normal_limits_repeats_no_check_that_only_warns():
    """Before, use_t="auto" refitted a table with a Poisson row (for its normal limits) by running
    poisson_trend whole again, every check that only warns or fills .attrs with it (the population,
    the recording changes, the season, the gaps: 0.08 s of Suffolk's trend of 7 councils, 0.18 s of
    its comparison with England), its warnings then thrown away. Now the refit leaves them out
    (0.02 s and 0.09 s): each check runs once. The limits are unchanged. Reference: statsmodels'
    GLM, Poisson with the normal's limits for A, quasi-Poisson (scale X2) with Student t on 6 df
    for B, as R's summary.glm."""
    import numpy as np
    import statsmodels.api as sm
    from scipy import stats

    data = _two_councils()
    counted = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with mock.patch("saferstats.trend._warn_same_population", wraps=ss.trend._warn_same_population) as same, \
                mock.patch("saferstats.trend._recording_changes", wraps=ss.trend._recording_changes) as rec, \
                mock.patch("saferstats.trend._warn_trend_gaps", wraps=ss.trend._warn_trend_gaps) as gaps:
            out = ss.poisson_trend(data, by="area", dispersion="auto", use_t="auto")
            counted["trend"] = (same.call_count, rec.call_count, gaps.call_count)
        with mock.patch("saferstats.trend._warn_inside_comparator",
                        wraps=ss.trend._warn_inside_comparator) as inside:
            # C against A, both Poisson: the comparison is refitted for its normal limits too
            c = data[data.area == "A"].assign(area="C", count=[101, 103, 110, 111, 119, 120, 128, 130])
            ss.compare_trends(pd.concat([data, c]), comparator="A", by="area", dispersion="auto", use_t="auto")
            counted["compare"] = inside.call_count
    assert list(out["method"].astype(str).str.split().str[0]) == ["poisson", "quasi-poisson"]
    assert counted == {"trend": (1, 1, 1), "compare": 1}, counted
    # the limits, from statsmodels
    x = sm.add_constant(np.arange(8.0))
    fit_a = sm.GLM(data["count"][:8].to_numpy(), x, family=sm.families.Poisson(),
                   offset=np.log(data["population"][:8].to_numpy())).fit()
    lo, hi = fit_a.conf_int(0.05)[1]
    assert np.allclose(out.loc[0, ["apc_lower", "apc_upper"]].to_numpy(float), [100 * np.expm1(lo), 100 * np.expm1(hi)],
                       rtol=1e-6)
    fit_b = sm.GLM(data["count"][8:].to_numpy(), x, family=sm.families.Poisson(),
                   offset=np.log(data["population"][8:].to_numpy())).fit(scale="X2")
    q = stats.t.ppf(0.975, 6)
    b1, se = fit_b.params[1], fit_b.bse[1]
    assert np.allclose(out.loc[1, ["apc_lower", "apc_upper"]].to_numpy(float),
                       [100 * np.expm1(b1 - q * se), 100 * np.expm1(b1 + q * se)], rtol=1e-6)
    assert list(out["intervals"]) == ["z", "t (df=6)"]
