"""``poisson_trend`` names the groups whose periods skip a step (a year not published), and fits
them against the real times: the APC is per year, as statsmodels gives with t = the years."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import saferstats as ss


def _data():
    a_years = ["2015/16", "2016/17", "2018/19", "2019/20"]  # no 2017/18
    b_years = ["2015/16", "2016/17", "2017/18", "2018/19", "2019/20"]
    return pd.DataFrame({
        "area": ["a"] * 4 + ["b"] * 5,
        "period": a_years + b_years,
        "count": [10, 12, 15, 16, 5, 6, 7, 8, 9],
        "population": [1000, 1010, 1030, 1040, 900, 905, 910, 915, 920],
    })


def test_a_gap_is_named_and_fitted_as_a_gap_in_time():
    d = _data()
    with pytest.warns(ss.SaferstatsWarning, match=r"1 group has periods missing inside.*'a' \(before 2018/19\)") as rec:
        tr = ss.poisson_trend(d, by="area")
    assert not any("'b'" in str(w.message) for w in rec)
    a = d[d.area == "a"]
    t = np.array([2015, 2016, 2018, 2019], dtype=float)
    fit = sm.GLM(a["count"].to_numpy(), sm.add_constant(t), family=sm.families.Poisson(),
                 offset=np.log(a["population"].to_numpy())).fit()
    apc = 100 * (np.exp(fit.params[1]) - 1)
    row = tr.set_index("area").loc["a"]
    assert row["apc"] == pytest.approx(apc, rel=1e-8) and row["n_periods"] == 4


def test_no_warning_without_a_gap():
    d = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ss.SaferstatsWarning)
        ss.poisson_trend(d[d.area == "b"], by="area")


def test_months_with_a_gap():
    d = pd.DataFrame({"month": ["2021-01", "2021-02", "2021-04", "2021-05"], "count": [4, 5, 7, 8],
                      "population": [1.0] * 4})
    with pytest.warns(ss.SaferstatsWarning, match=r"the series \(before 2021-04\)"):
        ss.poisson_trend(d, period="month")
