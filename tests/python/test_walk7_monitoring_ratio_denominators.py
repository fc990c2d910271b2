"""Walk 7 (monitoring): a ratio funnel given populations as its denominators said nothing.

``funnel_overdispersion(offences, population, kind="ratio")`` — the analyst picked "ratio" for
"offences per head" — treats the populations as expected counts: every O/E is about 0.002, and φ
came out as 5.2e7, τ² 38 (log scale), numbers with no meaning, silently. A ratio funnel's
denominators are expected counts, whose total is near the observed total; when Σ O / Σ E is
outside 0.1–10 a SaferstatsWarning now says so and points to kind="rate". The same offences
against expected counts (population × the national rate) do not warn and give the rate funnel's
φ and τ² (docs/methods/monitoring.md: a rate funnel is the SR funnel with E = population × target).
"""

from __future__ import annotations

import warnings

import pytest

import saferstats
from saferstats import SaferstatsWarning


@pytest.fixture()
def hc():
    return saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna(subset=["population"])


def test_populations_on_a_ratio_funnel_warn(hc):
    with pytest.warns(SaferstatsWarning, match=r"Σ observed / Σ expected = 0\.00169.*kind='rate'"):
        saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="ratio")


def test_expected_counts_do_not_warn_and_match_the_rate_funnel(hc):
    rate = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate")
    expected = hc["population"] * hc["offences"].sum() / hc["population"].sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        ratio = saferstats.funnel_overdispersion(hc["offences"], expected, kind="ratio")
    assert ratio["phi"] == pytest.approx(rate["phi"], rel=1e-10)
    assert ratio["tau2"] == pytest.approx(rate["tau2"], rel=1e-10)
    assert round(rate["phi"], 2) == 191.91 and round(rate["tau2"], 4) == 0.0842  # FunnelPlotR (monitoring.md)
