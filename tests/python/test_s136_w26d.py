"""Session 19 (w26d): its_poisson on monthly counts fitted with no seasonal term."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import saferstats


def _glm_level(y: np.ndarray, b: int, seasonal: bool) -> tuple[float, float, float]:
    """statsmodels quasi-Poisson: log E[y] = b0 + b1 t + b2 post + b3 since (+ one Fourier pair)."""
    n = len(y)
    t = np.arange(1, n + 1, dtype=float)
    post = (np.arange(n) >= b).astype(float)
    since = np.maximum(0.0, t - (b + 1))
    cols = [np.ones(n), t, post, since]
    if seasonal:
        cols += [np.sin(2 * np.pi * t / 12), np.cos(2 * np.pi * t / 12)]
    fit = sm.GLM(y, np.column_stack(cols), family=sm.families.Poisson()).fit(scale="X2")
    lo, hi = fit.conf_int()[2]
    return float(np.exp(fit.params[2])), float(np.exp(lo)), float(np.exp(hi))


def test_its_poisson_says_when_a_seasonal_term_changes_the_answer() -> None:
    """Home Office racially or religiously aggravated offences a month (bundled, as published), a
    break at April 2016: without a seasonal term the level change is 1.147 (1.013 to 1.298), a
    'significant' rise that a yearly Fourier pair takes away (1.042, 0.964 to 1.127) - and nothing
    said so."""
    m = saferstats.datasets.hate_crime_monthly().set_index("month")["offences"]
    y = m.to_numpy(dtype=float)
    bi = list(m.index.astype(str)).index("2016-04")
    plain = _glm_level(y, bi, False)
    seasonal = _glm_level(y, bi, True)
    with pytest.warns(saferstats.SaferstatsWarning, match="monthly .* no seasonal term") as rec:
        r = saferstats.its_poisson(m, break_index=bi, dispersion="quasi")
    assert (r.level_rr, r.level_lower, r.level_upper) == pytest.approx(plain, rel=1e-6)
    text = next(str(w.message) for w in rec if "no seasonal term" in str(w.message))
    said = [float(v) for v in re.findall(r"(\d\.\d{3})", text)]
    assert said[:3] == pytest.approx(seasonal, abs=6e-4) and said[3:6] == pytest.approx(plain, abs=6e-4)
    assert round(plain[1], 3) == 1.013 and round(seasonal[1], 3) == 0.964
    # the fit it names is the one seasonality="fourier" gives
    s = saferstats.its_poisson(m, break_index=bi, dispersion="quasi", seasonality="fourier", season_length=12)
    assert (s.level_rr, s.level_lower, s.level_upper) == pytest.approx(seasonal, rel=1e-6)


def test_its_poisson_says_nothing_without_labels_or_when_the_season_changes_nothing() -> None:
    m = saferstats.datasets.hate_crime_monthly().set_index("month")["offences"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # a plain array carries no calendar: taken as given
        saferstats.its_poisson(m.to_numpy(), break_index=36, dispersion="quasi")
        # a monthly series with no season: the Fourier pair moves nothing
        flat = pd.Series(np.r_[np.full(24, 100.0), np.full(12, 80.0)] + np.tile([1.0, -1.0], 18),
                         index=pd.period_range("2021-01", periods=36, freq="M"))
        saferstats.its_poisson(flat, break_index=24)
