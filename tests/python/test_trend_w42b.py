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
    """use_t="auto" as it was before session 27: a fit with t, then t_where_quasi's refit with z."""
    def fit(with_t):
        return _quiet(fn, **kw, use_t=with_t)
    res = fit(True)
    trend.t_where_quasi(res, fit, estimate)
    return res


def _glm(sm, counts, quasi):
    t = np.arange(len(counts), dtype=float)
    glm = sm.GLM(np.asarray(counts, float), sm.add_constant(t - t.mean()), family=sm.families.Poisson())
    return glm.fit(scale="X2", use_t=True, tol=1e-12) if quasi else glm.fit(tol=1e-12)


@pytest.mark.parametrize("dispersion, with_t, fits", [("poisson", False, 1), ("negbin", False, 1),
                                                      ("quasi", True, 1), ("auto", True, 2)])
def test_poisson_trend_auto_fits_once_where_the_dispersion_decides(monkeypatch, dispersion, with_t, fits):
    sm = pytest.importorskip("statsmodels.api")
    data = _table()
    kw = dict(data=data, population=None, by="area", dispersion=dispersion)
    before = _before(saferstats.poisson_trend, "apc", **kw)
    calls = _count_core(monkeypatch)
    got = _quiet(saferstats.poisson_trend, **kw, use_t="auto")
    # one core fit where the dispersion decides (was two: with t, then the normal's refit);
    # dispersion="auto" decides row by row: t, then the normal for its Poisson row
    assert calls == ([with_t] if fits == 1 else [True, False])
    pd.testing.assert_frame_equal(got.drop(columns="intervals"), before, check_exact=True)
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
