"""Session 35 (y2): ``use_t="auto"`` fits once; no hidden mode switch in ``trend``.

Before, ``poisson_trend(use_t="auto")`` and ``compare_trends(use_t="auto")`` with
``dispersion="auto"`` fitted the table with Student t and then refitted the whole table with the
normal (``t_where_quasi`` calling the function again) for the limits of its Poisson rows, while a
module-level ``ContextVar`` (``_REFIT_FOR_Z``) told the refit to skip its warnings and checks. The
estimate and its standard error are the same in both fits (only the critical value differs), so the
normal's limits are now derived from the one fit's slopes and SEs: no refit, no switch.

References: statsmodels' ``GLM(..., family=Poisson()).fit()`` (``conf_int``, ``pvalues``) for the
Poisson series, ``fit(scale="X2", use_t=True)`` for the quasi-Poisson one (R's ``summary.glm``), and
the hand computation exp(d ± Φ⁻¹(0.975)·√(SE_a² + SE_b²)) (scipy's ``norm.ppf``) for a comparison of
two Poisson fits.
"""

from __future__ import annotations

import warnings
from contextvars import ContextVar
from unittest import mock

import numpy as np
import pandas as pd
import pytest

import saferstats
import saferstats.trend as trend

#: Two councils' counts over 8 years: one close to its line (Poisson: Pearson χ²/df below 1.5), one
#: jumping about it (quasi-Poisson under dispersion="auto").
SERIES = {"steady": [60, 63, 69, 71, 77, 80, 86, 90], "noisy": [110, 170, 95, 180, 120, 230, 140, 250]}


def _table() -> pd.DataFrame:
    names = [n for n in SERIES for _ in range(8)]
    return pd.DataFrame({"area": names, "period": list(range(2014, 2022)) * len(SERIES),
                         "count": [c for n in SERIES for c in SERIES[n]]})


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


def _glm(counts, quasi):
    glm_module = pytest.importorskip("statsmodels.genmod.generalized_linear_model")
    from statsmodels.genmod import families

    t = np.arange(len(counts), dtype=float)
    glm = glm_module.GLM(np.asarray(counts, float), np.column_stack([np.ones_like(t), t - t.mean()]),
                         family=families.Poisson())
    return glm.fit(scale="X2", use_t=True, tol=1e-12) if quasi else glm.fit(tol=1e-12)


def _counted():
    """The core's trend fit, counted (unittest.mock wrapping the binding)."""
    return mock.patch.object(trend._ext, "poisson_trend_many", wraps=trend._ext.poisson_trend_many)


def test_poisson_trend_auto_fits_once_and_derives_the_normal_limits():
    """dispersion="auto" with one Poisson and one quasi-Poisson row: one core fit (before: two, the
    second a refit of the whole table with the normal). The Poisson row's limits and p-value are
    statsmodels' Poisson GLM (z), the quasi row's statsmodels' quasi-Poisson with t on 6 df."""
    with _counted() as core:
        got = _quiet(saferstats.poisson_trend, _table(), population=None, by="area", dispersion="auto",
                     use_t="auto")
    assert core.call_count == 1
    assert core.call_args.kwargs["use_t"] is True
    got = got.set_index("area")
    assert got["intervals"].tolist() == ["t (df=6)", "z"]  # noisy, steady
    for name, counts in SERIES.items():
        quasi = name == "noisy"
        assert str(got.loc[name, "method"]).startswith("quasi-poisson") == quasi
        fit = _glm(counts, quasi)
        lo, hi = fit.conf_int(alpha=0.05)[1]
        assert got.loc[name, "apc_lower"] == pytest.approx(100 * np.expm1(lo), rel=1e-7)
        assert got.loc[name, "apc_upper"] == pytest.approx(100 * np.expm1(hi), rel=1e-7)
        assert got.loc[name, "p_value"] == pytest.approx(fit.pvalues[1], rel=1e-6)


def test_the_normal_limits_are_the_slope_and_se_with_z_by_hand():
    """The Poisson row by hand from its own slope and SE: 100·(e^(β ± z·SE) − 1), z = norm.ppf(0.95)
    at 90%, and p = 2·norm.sf(|β/SE|) (scipy); and at 90% the quasi row keeps t on 6 df."""
    stats = pytest.importorskip("scipy.stats")
    got = _quiet(saferstats.poisson_trend, _table(), population=None, by="area", dispersion="auto",
                 use_t="auto", confidence=0.9).set_index("area")
    row = got.loc["steady"]
    z = stats.norm.ppf(0.95)
    assert z == pytest.approx(1.6448536269514722, rel=1e-15)
    b, se = row["beta"], row["se"]
    assert (row["apc_lower"], row["apc_upper"]) == pytest.approx(
        (100 * np.expm1(b - z * se), 100 * np.expm1(b + z * se)), rel=1e-12)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(b / se)), rel=1e-9)
    q = got.loc["noisy"]
    t6 = stats.t.ppf(0.95, 6)
    assert q["apc_lower"] == pytest.approx(100 * np.expm1(q["beta"] - t6 * q["se"]), rel=1e-9)


def test_compare_trends_auto_fits_twice_not_four_times():
    """compare_trends(use_t="auto"), dispersion="auto": the area's fit and the comparator's, one core
    call each (before: four, the pair again with the normal). A comparison of two Poisson fits has the
    normal's ratio limits, exp(d ± Φ⁻¹(0.975)·√(SE_a² + SE_b²)) from statsmodels' slopes and SEs,
    df inf; a third series compared with t where its fit is quasi-Poisson."""
    stats = pytest.importorskip("scipy.stats")
    data = pd.concat([_table(), pd.DataFrame({"period": np.arange(2014, 2022), "area": "calm",
                                              "count": [40, 41, 45, 44, 49, 50, 54, 55]})], ignore_index=True)
    with _counted() as core:
        got = _quiet(saferstats.compare_trends, data, comparator="steady", by="area", population=None,
                     dispersion="auto", use_t="auto")
    assert core.call_count == 2
    got = got.set_index("area")
    assert got.loc["calm", "intervals"] == "z" and got.loc["noisy", "intervals"].startswith("t (df=")
    a, b = _glm([40, 41, 45, 44, 49, 50, 54, 55], False), _glm(SERIES["steady"], False)
    diff, se = a.params[1] - b.params[1], np.hypot(a.bse[1], b.bse[1])
    z = stats.norm.ppf(0.975)
    row = got.loc["calm"]
    assert (row["ratio_lower"], row["ratio_upper"]) == pytest.approx((np.exp(diff - z * se), np.exp(diff + z * se)),
                                                                     rel=1e-7)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(diff / se)), rel=1e-6)
    assert row["df"] == np.inf
    lo, hi = a.conf_int(alpha=0.05)[1]
    assert (row["apc_lower"], row["apc_upper"]) == pytest.approx((100 * np.expm1(lo), 100 * np.expm1(hi)), rel=1e-7)
    lo, hi = b.conf_int(alpha=0.05)[1]
    assert (row["comparator_apc_lower"], row["comparator_apc_upper"]) == pytest.approx(
        (100 * np.expm1(lo), 100 * np.expm1(hi)), rel=1e-7)


def test_auto_says_the_warnings_of_its_one_fit_once():
    """The warnings of use_t="auto" are those of the fit with t, each once (before: the refit's were
    silenced by the module's switch; now there is no second fit to silence)."""
    def said(**kw):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            saferstats.poisson_trend(_table(), population=None, by="area", dispersion="auto", **kw)
        return [str(w.message) for w in caught]

    auto, with_t = said(use_t="auto"), said(use_t=True)
    assert auto == with_t
    assert len(auto) == len(set(auto))


def test_the_module_has_no_refit_switch():
    """The hidden mode switch is gone: no ``_REFIT_FOR_Z``, and the only ContextVar left in the module
    is ``_SHOWN_KEYS`` (how compare_trends names its groups in messages; not a mode of the fit)."""
    assert not hasattr(trend, "_REFIT_FOR_Z")
    assert [n for n, v in vars(trend).items() if isinstance(v, ContextVar)] == ["_SHOWN_KEYS"]
