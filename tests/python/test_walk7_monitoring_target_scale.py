"""Walk 7 (monitoring): an over-dispersion target on another scale than the values was silent.

``target`` is per ``multiplier`` (the England hate-crime rate 2018/19 is 168.6 per 100,000). An
analyst who gave it per head (``target=0.0017``) to ``funnel_significance(..., kind="rate",
overdispersion=True)`` got "Not significant" for all 42 forces — each ~100,000 times the target —
because φ and τ² were measured from the wrong centre, with nothing said. When a given target is
within a factor 2 of the points' overall value divided (or multiplied) by the multiplier, a
SaferstatsWarning now says it looks like a slip of scale and gives the value per multiplier. The
right target (the overall rate, FunnelPlotR's default) keeps the reference result: φ 191.91,
τ² 0.0842, 9 forces outside the over-dispersed limits (docs/methods/monitoring.md).
"""

from __future__ import annotations

import warnings

import pytest

import saferstats
from saferstats import SaferstatsWarning


@pytest.fixture()
def hc():
    return saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna(subset=["population"])


def test_a_target_per_head_warns(hc):
    overall = hc["offences"].sum() / hc["population"].sum()
    with pytest.warns(SaferstatsWarning, match=r"`target` 0\.0017 is about 1/100,000 .*168\.6 per 100,000.*\(170\)"):
        saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate", target=0.0017,
                                       overdispersion=True)
    assert round(overall * 100_000, 1) == 168.6


def test_a_proportion_target_as_a_fraction_warns():
    # percentages by default (multiplier 100): 0.25 for 25%
    with pytest.warns(SaferstatsWarning, match=r"`target` 0\.25 is about 1/100 .*give it per `multiplier` \(25\)"):
        saferstats.funnel_overdispersion([25, 30, 20, 28, 22], [100, 110, 90, 105, 95], target=0.25)


def test_targets_on_the_right_scale_do_not_warn(hc):
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        od = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate",
                                              target=hc["offences"].sum() / hc["population"].sum() * 100_000)
        saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate", target=120)
        sig = saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate", overdispersion=od)
    assert round(od["phi"], 2) == 191.91 and round(od["tau2"], 4) == 0.0842
    assert int((sig != "Not significant").sum()) == 9


def test_the_plain_phe_funnel_warns_too(hc):
    """Session 12: without over-dispersion the same slip put all 42 forces "High (0.001)" with no word;
    the exact funnel warns now (one check, shared with funnel_overdispersion), and only once with
    overdispersion=True."""
    with pytest.warns(SaferstatsWarning, match=r"funnel_significance: `target` 0\.0017 is about 1/100,000") as rec:
        sig = saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate", target=0.0017)
    assert set(sig) == {"High (0.001)"}  # what the warning is about
    assert len([w for w in rec if "`target`" in str(w.message)]) == 1
    with pytest.warns(SaferstatsWarning) as rec:
        saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate", target=0.0017,
                                       overdispersion=True)
    assert len([w for w in rec if "`target`" in str(w.message)]) == 1
