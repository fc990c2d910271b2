"""funnel_limits and funnel_significance use one rule for over-dispersion (audit, session 11).

With funnel_overdispersion([20, 41, 60], [100, 200, 300], model="multiplicative") (φ = 0.0045,
not over-dispersed) funnel_significance labels by PHE's exact limits (FunnelPlotR draws adjusted
limits only when φ > 1) but funnel_limits drew √φ-scaled ones (lower 95% at n = 20: 5.861 against
the exact 2.470), so a point labelled "Not significant" sat outside the limits drawn. The exact
limits themselves are checked against PHEindicatormethods in test_audit_funnel.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import saferstats

COLS = ["lower_998", "lower_95", "upper_95", "upper_998"]
# labels as funnel_significance gives them, by the band a point's value falls in
ORDER = ["Low (0.001)", "Low (0.025)", "Not significant", "High (0.025)", "High (0.001)"]


@pytest.fixture(scope="module")
def od():
    od = saferstats.funnel_overdispersion([20, 41, 60], [100, 200, 300], model="multiplicative")
    assert float(od["phi"]) < 1 and not od["overdispersed"]
    return od


def test_phi_below_one_gives_the_plain_limits(od):
    got = saferstats.funnel_limits([20], target=20, overdispersion=od)
    plain = saferstats.funnel_limits([20], target=20)
    pd.testing.assert_frame_equal(got, plain, check_like=False)
    assert got["lower_95"].iloc[0] == pytest.approx(2.469549, abs=1e-6)  # not the √φ-scaled 5.861
    assert "phi <= 1" in got.attrs["limits"]


def test_phi_below_one_on_a_range_of_denominators(od):
    d = [5, 20, 50, 100, 300, 1000]
    got = saferstats.funnel_limits(d, target=20.166667, overdispersion=od)
    plain = saferstats.funnel_limits(d, target=20.166667)
    np.testing.assert_array_equal(got[COLS].to_numpy(), plain[COLS].to_numpy())


def _band(value, row):
    # PHE: a point on a limit is inside it
    if value < row["lower_998"]:
        return 0
    if value < row["lower_95"]:
        return 1
    if value <= row["upper_95"]:
        return 2
    if value <= row["upper_998"]:
        return 3
    return 4


@pytest.mark.parametrize("overdispersed", [False, True])
def test_every_label_matches_the_returned_limits(od, overdispersed):
    """Points across all five bands; with φ ≤ 1 and with a genuinely over-dispersed result."""
    o = np.array([0, 1, 3, 4, 6, 10, 12, 16, 20, 1, 19, 60, 2, 5, 33, 45], dtype=float)
    d = np.array([20, 20, 20, 20, 20, 40, 40, 40, 60, 60, 100, 100, 30, 30, 100, 100], dtype=float)
    use = od
    if overdispersed:
        use = saferstats.funnel_overdispersion(o, d, target=20, model="multiplicative")
        assert float(use["phi"]) > 1
    sig = saferstats.funnel_significance(o, d, target=20, overdispersion=use)
    lim = saferstats.funnel_limits(d, target=20, overdispersion=use)
    value = o / d * 100
    bands = [_band(v, lim.iloc[i]) for i, v in enumerate(value)]
    assert [ORDER[b] for b in bands] == sig.tolist()
    if not overdispersed:
        assert "Not significant" in sig.tolist() and len(set(bands)) >= 3
        # the audit's case: a point inside the exact limits but below the √φ-scaled lower 95%
        assert sig.iloc[1] == "Not significant" and value[1] < 5.860645


def test_a_tau2_number_is_still_used_as_given():
    wide = saferstats.funnel_limits([20, 100], target=20, overdispersion=0.05)
    plain = saferstats.funnel_limits([20, 100], target=20)
    assert (wide["upper_95"] > plain["upper_95"]).all()
    assert wide.attrs["limits"] == "overdispersed"


def test_plot_funnel_draws_the_limits_it_labels_by(od):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    o, d = [20, 41, 60], [100, 200, 300]
    ax = saferstats.plot_funnel(o, d, overdispersion=od)
    try:
        lower_95 = next(ln for ln in ax.lines if ln.get_label() == "95% limits")
        grid, drawn = lower_95.get_data()
        target = saferstats.funnel_target(o, d)
        np.testing.assert_allclose(drawn, saferstats.funnel_limits(grid, target=target)["lower_95"], rtol=1e-12)
    finally:
        plt.close(ax.figure)
