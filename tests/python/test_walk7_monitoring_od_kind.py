"""Walk 7 (monitoring): an over-dispersion estimate for one kind of funnel was used on another.

τ² is on the scale of the funnel's ``kind``: arcsine-square-root for proportions, log for rates
(Spiegelhalter 2005; FunnelPlotR). An analyst who estimated it once with the default
``kind="proportion"`` and passed the result to a rate funnel got τ² 2.7e-05 read on the log scale
instead of 0.0842: on the Home Office hate-crime force funnel (2018/19) 40 of 42 forces outside
the "over-dispersed" 95% limits rather than 9, and the title still said "over-dispersed". Both
``funnel_significance`` and ``funnel_limits`` now raise an InvalidInputError naming
``overdispersion``; the estimate of the right kind keeps its reference result (9 of 42, the
FunnelPlotR figure in docs/methods/monitoring.md and tests/fixtures/monitoring_reference.json).
"""

from __future__ import annotations

import pytest

import saferstats
from saferstats import InvalidInputError


@pytest.fixture()
def hc():
    return saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna(subset=["population"])


def test_a_proportion_estimate_on_a_rate_funnel_is_an_error(hc):
    od = saferstats.funnel_overdispersion(hc["offences"], hc["population"])  # kind="proportion" by default
    assert od["kind"] == "proportion" and od["phi"] > 1
    with pytest.raises(InvalidInputError, match="kind='proportion'.*kind='rate'") as e:
        saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate", overdispersion=od)
    assert e.value.argument == "overdispersion"
    with pytest.raises(InvalidInputError, match="kind='proportion'.*kind='rate'") as e:
        saferstats.funnel_limits([1e6], kind="rate", target=168.6, overdispersion=od)
    assert e.value.argument == "overdispersion"


def test_the_right_kind_keeps_the_reference_result(hc):
    od = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate")
    assert round(od["phi"], 2) == 191.91 and round(od["tau2"], 4) == 0.0842
    sig = saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate", overdispersion=od)
    assert int((sig != "Not significant").sum()) == 9
    # a bare τ² number, or a mapping without a kind, is taken as given
    lim = saferstats.funnel_limits([1e6], kind="rate", target=od["target"], overdispersion=float(od["tau2"]))
    lim2 = saferstats.funnel_limits([1e6], kind="rate", target=od["target"], overdispersion=od)
    assert lim["upper_95"].iloc[0] == pytest.approx(lim2["upper_95"].iloc[0], rel=1e-12)
