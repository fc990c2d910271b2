"""Session 20 (w27c): ``before_after(..., population=)`` computed the detention rate ratio but kept
it only in ``.attrs``; the returned (and printed) table showed the proportions alone, so analysts
missed it. The rates and their ratio are now columns of the table (docs/vocabulary.md: estimates
named for the statistic, ``<stat>_lower/_upper``, ``confidence`` last).

Reference values (independent of saferstats), computed on 2026-12-05 with statsmodels 0.15.0 and
scipy 1.17.1 for ``synthetic.s136_pilot_records(seed=1)`` split at 2024-01-01 (688 detentions in
24 months before, 315 in 12 months after; 1.1 million residents, so person-time 2.2e6 and 1.1e6):

    from statsmodels.stats.rates import confint_poisson_2indep, test_poisson_2indep
    confint_poisson_2indep(315, 1.1e6, 688, 2.2e6, method="wald-log", compare="ratio")
    test_poisson_2indep(315, 1.1e6, 688, 2.2e6, method="wald-log").pvalue
    # exact conditional: a ~ Bin(315 + 688, 1.1e6 / 3.3e6), Clopper-Pearson limits mapped to the ratio
    ci = scipy.stats.binomtest(315, 1003, 1 / 3).proportion_ci(0.95, "exact")
    low, high = (p / (1 - p) * 2 for p in (ci.low, ci.high))
    # the per-period rates: exact Poisson (Garwood) limits, scipy.stats.chi2.ppf, per 100,000
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

import saferstats

FIXTURE = {
    "pre": 688, "post": 315,
    "ratio": 0.9156976744186046,
    "wald_log": {"lower": 0.8013916326238432, "upper": 1.046307693768019, "p_value": 0.19547205633881437},
    "exact_cond": {"lower": 0.7988325620766281, "upper": 1.047829573622737},
}


@pytest.fixture(scope="module")
def ba():
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        return saferstats.before_after(recs, split="2024-01-01", population=1_100_000)


def test_rate_ratio_is_in_the_table_and_matches_statsmodels(ba):
    for c in ("rate_ratio", "rate_ratio_lower", "rate_ratio_upper", "rate_ratio_p", "rate_ratio_method",
              "pre_rate", "post_rate", "pre_detentions", "post_detentions"):
        assert c in ba.columns, c
    assert ba.columns[-1] == "confidence"
    row = ba.iloc[0]
    assert (row.pre_detentions, row.post_detentions) == (FIXTURE["pre"], FIXTURE["post"])
    assert row.rate_ratio == pytest.approx(FIXTURE["ratio"], rel=1e-12)
    assert row.rate_ratio_lower == pytest.approx(FIXTURE["wald_log"]["lower"], rel=1e-9)
    assert row.rate_ratio_upper == pytest.approx(FIXTURE["wald_log"]["upper"], rel=1e-9)
    assert row.rate_ratio_p == pytest.approx(FIXTURE["wald_log"]["p_value"], rel=1e-6)
    assert row.rate_ratio_method == "wald-log"
    # the same comparison on every row; the attrs keep it too
    assert ba["rate_ratio"].nunique() == 1
    assert ba.attrs["rate_ratio"]["ratio"] == row.rate_ratio
    # the Wald interval sits close to the exact conditional one (a second, independent check)
    assert row.rate_ratio_lower == pytest.approx(FIXTURE["exact_cond"]["lower"], abs=0.005)
    assert row.rate_ratio_upper == pytest.approx(FIXTURE["exact_cond"]["upper"], abs=0.005)


def test_period_rates_are_per_100000_person_years(ba):
    row = ba.iloc[0]
    assert row.multiplier == 100_000
    assert (row.pre_population, row.post_population) == (2.2e6, 1.1e6)
    assert row.pre_rate == pytest.approx(688 / 2.2e6 * 1e5)
    assert row.post_rate == pytest.approx(315 / 1.1e6 * 1e5)
    # exact (Garwood) limits bracket what saferstats gives (Byar's approximation above 10)
    lo = stats.chi2.ppf(0.025, 2 * 315) / 2 / 1.1e6 * 1e5
    hi = stats.chi2.ppf(0.975, 2 * 316) / 2 / 1.1e6 * 1e5
    assert row.post_rate_lower == pytest.approx(lo, rel=2e-3)
    assert row.post_rate_upper == pytest.approx(hi, rel=2e-3)
    assert row.pre_rate_lower < row.pre_rate < row.pre_rate_upper


def test_without_population_no_rate_columns():
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    ba = saferstats.before_after(recs, split="2024-01-01")
    assert not any(c.startswith("rate_ratio") for c in ba.columns)
    assert ba.columns[-1] == "confidence"
    assert np.isfinite(ba["rr"]).any()


def test_its_on_under_two_years_of_monthly_counts_says_the_season_is_unchecked(shared_data):
    """Hertfordshire anti-social behaviour, Jan 2021 - Jan 2022 (police.uk street files as published),
    a break at July 2021: the summer peak and the autumn fall read as a slope change of 0.807 a month
    (p < 0.001) with nothing said; on 13 months no seasonal term can be fitted, and the warning for an
    unseasonal fit only ran on two years or more. It now says the season is unchecked."""
    from conftest import shared_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        recs = saferstats.read_street_crime(shared_path(shared_data, "street_crime"))
    asb = saferstats.monthly_counts(recs[recs["crime_type"] == "Anti-social behaviour"])
    assert len(asb) == 13 and str(asb.index[6]) == "2021-07"
    with pytest.warns(saferstats.SaferstatsWarning, match=r"monthly over 13 periods, fewer than two years \(24\).*"
                                                          r"no seasonal term can be fitted to check it"):
        r = saferstats.its_poisson(asb, break_index=6, dispersion="quasi", use_t=True)
    assert round(r.slope_rr, 3) == 0.807
    # an unlabelled array carries no calendar: nothing to say
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        saferstats.its_poisson(asb.to_numpy(), break_index=6, dispersion="quasi", use_t=True)
