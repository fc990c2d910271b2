"""Session 27 (w42b): trends.

1. ``use_t="auto"`` fits once where the ``dispersion`` asked for decides every row (Poisson and
   negative binomial: the normal; quasi-Poisson: Student t on the residual df), where it fitted with
   t and then refitted the Poisson rows; ``dispersion="auto"`` keeps R's rule row by row.
2. ``plot_trend`` says in its legend whether its limits are t or z (``trend.intervals_said``).
3. ``financial_years``: monthly counts totalled into financial years (April to March), part years
   flagged.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
import saferstats.trend as trend

# ------------------------------------------------------------------ 1. one fit where one is needed
#: Two series of 8 years: one Poisson-like, one over-dispersed (Pearson chi2/df well above 1.5).
SERIES = {
    "steady": [50, 54, 57, 61, 66, 70, 73, 78],
    "noisy": [120, 95, 160, 130, 210, 150, 240, 190],
}


def _table() -> pd.DataFrame:
    return pd.concat([pd.DataFrame({"period": np.arange(2014, 2022), "count": c, "area": name})
                      for name, c in SERIES.items()], ignore_index=True)


def _count_core(monkeypatch) -> list:
    """The calls of the core's trend fit (the binding poisson_trend calls), one entry per call."""
    calls: list = []
    real = trend._ext.poisson_trend_many

    def counted(*a, **k):
        calls.append(k.get("use_t"))
        return real(*a, **k)
    monkeypatch.setattr(trend._ext, "poisson_trend_many", counted)
    return calls


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


def _before(fn, estimate, **kw):
    """use_t="auto" as it was before session 27: a fit with t, then a refit with z whose limits
    t_where_quasi gives the Poisson rows (session 35: it takes the normal's columns, not a refit)."""
    def fit(with_t):
        return _quiet(fn, **kw, use_t=with_t)
    res = fit(True)
    trend.t_where_quasi(res, fit(False), estimate)
    return res


def _glm(sm, counts, quasi):
    t = np.arange(len(counts), dtype=float)
    glm = sm.GLM(np.asarray(counts, float), sm.add_constant(t - t.mean()), family=sm.families.Poisson())
    return glm.fit(scale="X2", use_t=True, tol=1e-12) if quasi else glm.fit(tol=1e-12)


@pytest.mark.parametrize("dispersion, with_t, fits", [("poisson", False, 1), ("negbin", False, 1),
                                                      ("quasi", True, 1), ("auto", True, 1)])
def test_poisson_trend_auto_fits_once_where_the_dispersion_decides(monkeypatch, dispersion, with_t, fits):
    sm = pytest.importorskip("statsmodels.api")
    data = _table()
    kw = dict(data=data, population=None, by="area", dispersion=dispersion)
    before = _before(saferstats.poisson_trend, "apc", **kw)
    calls = _count_core(monkeypatch)
    got = _quiet(saferstats.poisson_trend, **kw, use_t="auto")
    # one core fit where the dispersion decides (was two: with t, then the normal's refit);
    # dispersion="auto" decides row by row: t, and the normal's limits of its Poisson row from the
    # same fit's slope and SE (session 35: no refit; the normal's quantile to the last digit or two)
    assert calls == [with_t] * fits
    pd.testing.assert_frame_equal(got.drop(columns="intervals"), before, check_exact=False, rtol=1e-13, atol=0)
    got = got.set_index("area")
    if dispersion == "negbin":
        assert got["intervals"].tolist() == ["z", "z"]
        return
    for name, counts in SERIES.items():
        quasi = dispersion == "quasi" or (dispersion == "auto" and name == "noisy")
        assert str(got.loc[name, "method"]).startswith("quasi-poisson") == quasi
        fit = _glm(sm, counts, quasi)
        lo, hi = fit.conf_int(alpha=0.05)[1]
        assert got.loc[name, "apc_lower"] == pytest.approx(100 * np.expm1(lo), rel=1e-6)
        assert got.loc[name, "apc_upper"] == pytest.approx(100 * np.expm1(hi), rel=1e-6)
        assert got.loc[name, "p_value"] == pytest.approx(fit.pvalues[1], rel=1e-5)
        assert got.loc[name, "intervals"] == ("t (df=6)" if quasi else "z")


@pytest.mark.parametrize("dispersion, with_t", [("poisson", False), ("quasi", True)])
def test_compare_trends_auto_fits_once_where_the_dispersion_decides(monkeypatch, dispersion, with_t):
    sm = pytest.importorskip("statsmodels.api")
    from scipy import stats

    kw = dict(data=_table(), comparator="steady", by="area", population=None, dispersion=dispersion)
    once = _count_core(monkeypatch)
    _quiet(saferstats.compare_trends, **kw, use_t=with_t)  # what one fit costs the core
    before = _before(saferstats.compare_trends, "ratio", **kw)
    del once[:]
    got = _quiet(saferstats.compare_trends, **kw, use_t="auto")
    # the calls of one compare_trends fit, no more (was: those of a fit with t and of one with z)
    assert len(once) == 2 and set(once) == {with_t}
    pd.testing.assert_frame_equal(got.drop(columns="intervals"), before, check_exact=True)
    a, b = _glm(sm, SERIES["noisy"], with_t), _glm(sm, SERIES["steady"], with_t)
    diff, se = a.params[1] - b.params[1], np.hypot(a.bse[1], b.bse[1])
    if with_t:  # Welch-Satterthwaite df of the two quasi-Poisson slopes
        df = se ** 4 / (a.bse[1] ** 4 / a.df_resid + b.bse[1] ** 4 / b.df_resid)
        q, p = stats.t.ppf(0.975, df), 2 * stats.t.sf(abs(diff / se), df)
        assert got["intervals"].iloc[0] == f"t (df={round(df, 2):g})"
    else:
        q, p = stats.norm.ppf(0.975), 2 * stats.norm.sf(abs(diff / se))
        assert got["intervals"].iloc[0] == "z"
    row = got.iloc[0]
    assert row["ratio"] == pytest.approx(np.exp(diff), rel=1e-6)
    assert (row["ratio_lower"], row["ratio_upper"]) == pytest.approx((np.exp(diff - q * se), np.exp(diff + q * se)),
                                                                     rel=1e-6)
    assert row["p_value"] == pytest.approx(p, rel=1e-5)


# ------------------------------------------------------------------ 2. plot_trend says t or z
def _legend(use_t, dispersion="auto"):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = _quiet(saferstats.plot_trend, _table(), population=None, by="area", dispersion=dispersion, use_t=use_t)
    texts = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)
    return texts


def test_plot_trend_legend_says_t_or_z_per_line_with_auto():
    sm = pytest.importorskip("statsmodels.api")
    legend = _legend("auto")
    # statsmodels: the over-dispersed series is quasi-Poisson (t on 6 df), the steady one Poisson (z)
    for name, quasi in (("noisy", True), ("steady", False)):
        fit = _glm(sm, SERIES[name], quasi)
        lo, hi = 100 * np.expm1(fit.conf_int(alpha=0.05)[1])
        apc = 100 * np.expm1(fit.params[1])
        assert f"{name} trend {apc:+.1f}%/yr ({lo:+.1f} to {hi:+.1f})" in legend, legend
    assert legend[-1] == ("95% limits of the trends: t (df=6) noisy; z steady (use_t='auto', R's summary.glm: "
                          "t where quasi-Poisson, z where Poisson)")


@pytest.mark.parametrize("use_t, said", [(True, "t (df=6)"), (False, "z")])
def test_plot_trend_legend_says_t_or_z(use_t, said):
    legend = _legend(use_t, dispersion="quasi")
    assert legend[-1] == f"95% limits of the trends: {said}"
    # as the library says it for these rows
    rows = _quiet(saferstats.poisson_trend, _table(), population=None, by="area", dispersion="quasi", use_t=use_t)
    assert set(trend.intervals_said([use_t] * 2, rows["df_resid"], [True, True])) == {said}


# ------------------------------------------------------------------ 3. months into financial years
def _fy_by_hand(month_text: pd.Series) -> pd.Series:
    """'2021-03' -> '2020/21', '2021-04' -> '2021/22': April to March, by hand."""
    y, m = month_text.str[:4].astype(int), month_text.str[5:7].astype(int)
    start = np.where(m >= 4, y, y - 1)
    return pd.Series([f"{s}/{(s + 1) % 100:02d}" for s in start], index=month_text.index)


def _warned(fn, *a, **k):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*a, **k)
    return out, [str(x.message) for x in w if issubclass(x.category, saferstats.SaferstatsWarning)]


def test_financial_years_hertfordshire_street_files_against_pandas(shared_data):
    from conftest import herts_street_files

    files = herts_street_files(shared_data)
    if len(files) != 13:
        pytest.skip("the 13 Hertfordshire street files are not in ../shared/data")
    raw = pd.concat([pd.read_csv(f, usecols=["Month", "Crime type"]) for f in files], ignore_index=True)
    out, said = _warned(saferstats.financial_years, raw, date="Month", by="Crime type")
    # by hand: each record's financial year from its month, counted by crime type
    ref = raw.assign(fy=_fy_by_hand(raw["Month"])).groupby(["Crime type", "fy"]).size()
    got = out.set_index(["Crime type", "period"])["count"]
    assert got.to_dict() == ref.to_dict()
    assert out["count"].sum() == len(raw) == 108_465
    # Jan-Mar 2021 in 2020/21, Apr 2021 - Jan 2022 in 2021/22: neither a whole year
    months = raw.assign(fy=_fy_by_hand(raw["Month"])).groupby("fy")["Month"].nunique().to_dict()
    assert months == {"2020/21": 3, "2021/22": 10}
    assert dict(zip(out["period"], out["months"])) == months
    assert not out["complete"].any()
    assert set(zip(out["period"], out["first_month"], out["last_month"])) == {
        ("2020/21", "2021-01", "2021-03"), ("2021/22", "2021-04", "2022-01")}
    assert out.attrs["part_years"] == ["2020/21", "2021/22"]
    assert len(said) == 1 and ("2 financial years with fewer than 12 months" in said[0]
                               and "2020/21 (3 months, 2021-01 to 2021-03)" in said[0]
                               and "2021/22 (10 months, 2021-04 to 2022-01)" in said[0]), said
    # the same records read by the package (police.uk's month as read_street_crime gives it)
    read = _quiet(saferstats.read_street_crime, files)
    again = _quiet(saferstats.financial_years, read, date="month")
    by_hand = read.assign(fy=_fy_by_hand(read["month"].astype(str))).groupby("fy").size()
    assert dict(zip(again["period"], again["count"])) == by_hand.to_dict()


def test_financial_years_exact_small_frame():
    # area A: April 2021 to April 2022, counts 1..13; area B: the same year without July 2021
    months = pd.period_range("2021-04", "2022-04", freq="M").strftime("%Y-%m")
    a = pd.DataFrame({"area": "A", "month": months, "n": np.arange(1, 14)})
    b = a.assign(area="B", n=a["n"] * 10)
    b = b[b["month"] != "2021-07"]
    data = pd.concat([a, b], ignore_index=True)
    out, said = _warned(saferstats.financial_years, data, count="n", by="area")
    assert out.columns.tolist() == ["area", "period", "n", "months", "complete", "first_month", "last_month"]
    assert out[["area", "period", "n", "months", "complete"]].values.tolist() == [
        ["A", "2021/22", 78, 12, True],          # 1 + ... + 12
        ["A", "2022/23", 13, 1, False],
        ["B", "2021/22", 780 - 40, 11, False],   # July 2021's 40 missing
        ["B", "2022/23", 130, 1, False],
    ]
    assert out.attrs["part_years"] == ["2021/22", "2022/23"]
    assert len(said) == 1 and "'B': 2021/22 (11 months, 2021-04 to 2022-03)" in said[0] and "'A': 2021/22" not in said[0]
    # the labels are the ones poisson_trend and year_on_year read as financial years
    assert saferstats.parse_periods(out["period"].tolist()[:2]).tolist() == [2021.0, 2022.0]
    # dates (daily records) and monthly Periods give the same years
    days = pd.DataFrame({"when": pd.to_datetime(["2022-03-31", "2022-04-01", "2022-04-30"])})
    got = _quiet(saferstats.financial_years, days, date="when")
    assert got[["period", "count", "months"]].values.tolist() == [["2021/22", 1, 1], ["2022/23", 2, 1]]
    per = _quiet(saferstats.financial_years, a.assign(month=pd.PeriodIndex(a["month"], freq="M")), count="n")
    assert per["n"].tolist() == [78, 13]


def test_financial_years_refuses_what_it_cannot_total():
    data = pd.DataFrame({"month": ["2021-04", "2021-13", "2021-06"], "n": [1, 2, 3]}, index=[10, 11, 12])
    with pytest.raises(saferstats.InvalidInputError, match=r"column 'month' .* row 11: cannot be read .*'2021-13'") as e:
        saferstats.financial_years(data, count="n")
    assert e.value.argument == "month"
    gap = data.assign(month=["2021-04", "2021-05", "2021-06"], n=[1.0, np.nan, 3.0])
    with pytest.raises(saferstats.MissingValueError, match=r"column 'n' .* row 11"):
        saferstats.financial_years(gap, count="n")
    with pytest.raises(saferstats.InvalidInputError, match="date"):
        saferstats.financial_years(data.rename(columns={"month": "m"}), count="n")
