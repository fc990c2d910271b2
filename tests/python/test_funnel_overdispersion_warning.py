"""Funnels whose points vary far more than chance allows warn when PHE's exact limits were used
without being asked for (session 17, lead): Defra fly-tipping 2021/22 put 263 of 274 councils
outside the exact 99.8% limits (about 0.5 expected), and the labels read as 203 councils
"significantly low" with nothing said. References: the 0.2% per point outside the 99.8% limits
is the limits' definition; the binomial tail is checked against scipy; φ against
funnel_overdispersion (FunnelPlotR-checked in test_monitoring_funnels.py)."""
from __future__ import annotations

import warnings
import numpy as np
import pytest

import saferstats as ss
from saferstats.trend import _binomial_upper_tail

@pytest.fixture(scope="module")
def forces():
    return ss.datasets.hate_crime_by_force().query("year == '2018-19'").dropna()


def _outside(sig) -> int:
    return int(sig.isin(["Low (0.001)", "High (0.001)"]).sum())


def test_hate_crime_by_force_warns_with_counts_and_phi(forces):
    with pytest.warns(ss.SaferstatsWarning, match=r"funnel_significance: 38 of 42 points are outside the 99\.8% "
                      r"limits, where chance alone would put about 0\.084") as rec:
        sig = ss.funnel_significance(forces["offences"], forces["population"], kind="rate")
    assert _outside(sig) == 38
    phi = ss.funnel_overdispersion(forces["offences"], forces["population"], kind="rate")["phi"]
    assert round(phi, 2) == 191.91
    msg = next(str(w.message) for w in rec if "outside the 99.8%" in str(w.message))
    assert "φ = 192," in msg and "overdispersion=True" in msg


def test_saying_which_limits_is_quiet(forces):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exact = ss.funnel_significance(forces["offences"], forces["population"], kind="rate", overdispersion=False)
        widened = ss.funnel_significance(forces["offences"], forces["population"], kind="rate", overdispersion=True)
    assert _outside(exact) == 38
    assert widened.attrs["limits"].startswith("overdispersed") and _outside(widened) < 38


def test_chance_variation_is_quiet():
    rng = np.random.default_rng(20261205)
    pop = rng.integers(50_000, 500_000, 300)
    counts = rng.poisson(pop * 0.001)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sig = ss.funnel_significance(counts, pop, kind="rate")
    assert _outside(sig) <= 2


def test_binomial_tail_matches_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    for k, n in [(0, 10), (1, 10), (2, 10), (3, 274), (38, 42), (263, 274), (5, 2000)]:
        want = scipy_stats.binom.sf(k - 1, n, 0.002)
        assert _binomial_upper_tail(k, n, 0.002) == pytest.approx(want, rel=1e-9, abs=1e-300)


def test_plot_funnel_warns_too(forces):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    with pytest.warns(ss.SaferstatsWarning, match="38 of 42 points are outside"):
        ax = ss.plot_funnel(forces["offences"], forces["population"], kind="rate", multiplier=100_000)
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def test_rate_funnel_significance_points_to_the_widened_limits(forces):
    rates = forces["offences"] / forces["population"] * 100_000
    with pytest.warns(ss.SaferstatsWarning, match="rate_funnel_significance: 38 of 42 points") as rec:
        ss.rate_funnel_significance(forces["offences"], rates, denominators=forces["population"])
    msg = next(str(w.message) for w in rec if "outside the 99.8%" in str(w.message))
    assert "PHE's method has no widened limits" in msg and "overdispersion=False" not in msg


def test_defra_flytipping_as_published(shared_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ft = ss.read_flytipping(shared_data / "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx")
    d = ft[(ft["period"] == "2021/22") & ~ft["not_all_incidents"] & ~ft["recording_step"]].dropna(subset=["incidents"])
    with pytest.warns(ss.SaferstatsWarning, match=r"263 of 274 points are outside .* φ = 2,091,"):
        sig = ss.funnel_significance("incidents", "mid_population_estimates", kind="rate", multiplier=1000, data=d)
    assert (sig == "Low (0.001)").sum() == 203
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        widened = ss.funnel_significance("incidents", "mid_population_estimates", kind="rate", multiplier=1000,
                                         data=d, overdispersion=True)
    assert _outside(widened) == 4
