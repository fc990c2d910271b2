"""Walk-through 5: `poisson_trend` with its default ``dispersion="poisson"`` on over-dispersed counts.

National race hate crime 2011/12-2018/19 has Pearson χ²/df 268.9: the Poisson APC interval
(13.85%-14.16%) is 16 times too narrow (quasi-Poisson 11.48%-16.59%), and nothing said so. Now a
SaferstatsWarning names the groups and the factor. Checked against statsmodels' GLM."""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm

import saferstats


def _statsmodels_ratio(counts: np.ndarray) -> float:
    t = np.arange(len(counts), dtype=float)
    fit = sm.GLM(counts, sm.add_constant(t), family=sm.families.Poisson()).fit()
    return float(fit.pearson_chi2 / fit.df_resid)


def test_default_poisson_warns_about_overdispersion_with_the_factor():
    nat = saferstats.datasets.hate_crime_national()
    race = nat[nat.strand == "Race"]
    ratio = _statsmodels_ratio(race["count"].to_numpy(float))
    assert ratio > 100
    with pytest.warns(saferstats.SaferstatsWarning, match="vary more than a Poisson model allows") as rec:
        out = saferstats.poisson_trend(nat, population=None, period="year", by="strand")
    msg = str(rec[0].message)
    assert "'Race' 268.9" in msg and f"up to {np.sqrt(ratio):.1f}" in msg and "dispersion='quasi'" in msg
    assert out.loc[out.strand == "Race", "dispersion_ratio"].iloc[0] == pytest.approx(ratio, rel=1e-8)


def test_no_warning_when_the_spread_is_poisson_or_already_allowed_for():
    # docs/methods/trends.md reference 1: χ²/df 0.5 (under-dispersed)
    import pandas as pd

    df = pd.DataFrame({"period": range(6), "count": [310, 335, 352, 401, 388, 430],
                       "population": [250000, 252000, 254500, 256000, 258000, 260000]})
    assert _statsmodels_ratio(np.array([310, 335, 352, 401, 388, 430.0])) < 1.5
    nat = saferstats.datasets.hate_crime_national()
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        # (the bundled table's footnoted 2017/18 is warned of: not this test's point)
        warnings.filterwarnings("ignore", message="poisson_trend: the trends run over a period the source footnotes")
        # (its Total offences from 2012/13 beside the strands from 2011/12 is said since w50a: nor is that)
        warnings.filterwarnings("ignore", message="poisson_trend: the trends cover different periods")
        saferstats.poisson_trend(df)
        # use_t: eight years are 6 residual df, where normal quasi-Poisson limits warn (session 11)
        saferstats.poisson_trend(nat, population=None, period="year", by="strand", dispersion="quasi", use_t=True)
        saferstats.poisson_trend(nat, population=None, period="year", by="strand", dispersion="auto", use_t=True)
