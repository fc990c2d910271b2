"""Walk-through 5: `unusual_periods` on counts far more variable than Poisson.

National racially or religiously aggravated offences per month (Home Office, 2013-04 to 2019-03,
bundled): with baseline 12, 41 of the 60 tested months come out "unusual" (30 high, 11 low) - the
E-test assumes Poisson counts around a steady rate, and the series has seasons and a trend
((count − expected)²/expected averages 91.6, computed here with numpy). Stevenage's Defra
fly-tipping, baseline 3: every tested year "unusual". Nothing said so. Now a SaferstatsWarning names
the series, the share flagged and the dispersion; Poisson counts stay quiet."""

import warnings

import numpy as np
import pytest

import saferstats


def _pearson(out) -> float:
    e, x = out["expected"].to_numpy(float), out["count"].to_numpy(float)
    ok = np.isfinite(e) & (e > 0)
    return float(np.mean((x[ok] - e[ok]) ** 2 / e[ok]))


def test_monthly_hate_crime_is_named_as_over_dispersed():
    m = saferstats.datasets.hate_crime_monthly().set_index("month")["offences"]
    with pytest.warns(saferstats.SaferstatsWarning, match="vary far more than Poisson") as rec:
        out = saferstats.unusual_periods(m, baseline=12)
    phi = _pearson(out)
    flagged = int((out["unusual"] != "").sum())
    assert phi > 50 and flagged == 41
    msg = next(str(w.message) for w in rec if "vary far more" in str(w.message))
    assert f"{flagged} of 60 tested periods flagged" in msg and f"{phi:,.1f}" in msg and "spc()" in msg


def test_series_are_named_and_poisson_counts_are_quiet():
    ft = saferstats.datasets.flytipping_hertfordshire()
    with pytest.warns(saferstats.SaferstatsWarning, match="'Stevenage': 7 of 7 tested periods flagged"):
        saferstats.unusual_periods(ft["incidents"].to_numpy(float), by=ft["la"].to_numpy(), baseline=3)
    y = np.random.default_rng(0).poisson(50, 120)
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        out = saferstats.unusual_periods(y, baseline=12)
    assert _pearson(out) < 2
