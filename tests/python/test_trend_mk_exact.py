"""Mann-Kendall's exact p-value (``exact_p``) against scipy's exact Kendall test.

Reference: ``scipy.stats.kendalltau(range(n), x, method="exact")`` run live (the Mann-Kendall S is
Kendall's S between time and the values; with no ties its exact null distribution is that of the
number of discordant pairs).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

import saferstats


def _scipy_exact(x: np.ndarray) -> float:
    return float(kendalltau(np.arange(len(x)), x, method="exact").pvalue)


def test_race_strand_exact_p_is_scipys_and_the_warning_gives_it() -> None:
    # Home Office Table 2 (bundled): race hate crime, 8 financial years 2011/12 to 2018/19
    d = saferstats.datasets.hate_crime_national()
    race = d[d["strand"] == "Race"].set_index("year")["count"]
    assert len(race) == 8
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        mk = saferstats.mann_kendall(race)
    want = _scipy_exact(race.to_numpy(dtype=float))
    assert mk["exact_p"].iat[0] == pytest.approx(want, rel=1e-10)
    # the normal approximation is the more cautious here, as the warning says
    assert mk["p_value"].iat[0] > 3 * mk["exact_p"].iat[0]
    msg = [str(w.message) for w in said if "normal approximation is rough" in str(w.message)]
    assert len(msg) == 1
    assert msg[0].endswith("exact_p gives the exact p-value of S where the values are untied (quote it)")
    assert list(mk.columns[-3:]) == ["exact_p", "confidence", "method"]


def test_random_untied_series_match_scipy_and_ties_give_nan() -> None:
    rng = np.random.default_rng(26)
    rows = []
    for n in (3, 4, 5, 7, 9, 12, 20, 33, 60, 100):
        x = rng.permutation(n).astype(float) + rng.normal(0, 0.01, n).cumsum() * (n % 2)
        rows.append(x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mk = saferstats.mann_kendall(x)
        assert mk["exact_p"].iat[0] == pytest.approx(_scipy_exact(x), rel=1e-9), n
    # a 2-D table: each row its own exact p
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        many = saferstats.mann_kendall(np.vstack([rows[5], rows[5][::-1]]))
    assert many["exact_p"].tolist() == pytest.approx([_scipy_exact(rows[5]), _scipy_exact(rows[5][::-1])], rel=1e-9)
    # ties: the exact distribution is another
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tied = saferstats.mann_kendall([3, 5, 5, 8, 9, 12])
    assert np.isnan(tied["exact_p"].iat[0]) and np.isfinite(tied["p_value"].iat[0])
    # more than 100 values: the normal p only
    long = saferstats.mann_kendall(rng.permutation(101).astype(float))
    assert np.isnan(long["exact_p"].iat[0])


def test_seasonal_test_has_no_exact_p() -> None:
    months = pd.period_range("2019-01", periods=36, freq="M").astype(str)
    x = pd.Series(np.arange(36) + 5 * np.sin(np.arange(36) * np.pi / 6), index=months)
    mk = saferstats.mann_kendall(x, season_length=12)
    assert np.isnan(mk["exact_p"].iat[0])
