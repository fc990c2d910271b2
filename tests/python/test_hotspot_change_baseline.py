"""hotspot_change(baseline=...) (session 14; noticed by walk 10, hotspots).

Dacorum ASB fell from 907 to 663 events between two periods; hotspot_change tests each cell against
no change, so cells that only followed the area-wide fall were flagged, without a word. It now warns
when the area's own change is significant, and ``baseline="area"`` tests each cell against the
area's change. Reference: scipy.stats.binomtest (exact two-sided, as R binom.test) with
p = A / (B + A), and the relative rate ratio computed here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.stats import binomtest

import saferstats as ss
from saferstats.exceptions import InvalidInputError, SaferstatsWarning


def _events(seed: int = 7):
    rng = np.random.default_rng(seed)
    xb, yb = rng.uniform(0, 1000, 900), rng.uniform(0, 1000, 900)
    xa, ya = rng.uniform(0, 1000, 600), rng.uniform(0, 1000, 600)
    # one cell (0-100, 0-100) that rose while the area fell
    xa, ya = np.r_[xa, rng.uniform(0, 100, 40)], np.r_[ya, rng.uniform(0, 100, 40)]
    return xb, yb, xa, ya


def test_area_baseline_against_scipy():
    xb, yb, xa, ya = _events()
    g = ss.hotspot_change(xb, yb, xa, ya, cell_size=100, bounds=(0, 999.999, 0, 999.999), baseline="area")
    c = g.cells
    nb, na = c["count_before"].sum(), c["count_after"].sum()
    assert (nb, na) == (900, 640)
    for _, r in c[(c["count_before"] + c["count_after"]) > 0].iterrows():
        n = int(r["count_before"] + r["count_after"])
        want = binomtest(int(r["count_after"]), n, na / (na + nb)).pvalue
        assert r["p_value"] == pytest.approx(want, rel=1e-9, abs=1e-15)
        if r["count_before"] > 0:
            assert r["ratio"] == pytest.approx((r["count_after"] / na) / (r["count_before"] / nb), rel=1e-12)
    # the cell that rose against the area's fall is the most significant one
    top = c.loc[c["p_value"].idxmin()]
    assert (top["x"], top["y"]) == (50.0, 50.0) and top["p_adjusted"] < 0.05


def test_equal_rates_warns_when_the_area_changed():
    xb, yb, xa, ya = _events()
    with pytest.warns(SaferstatsWarning, match=r"from 900 to 640 \(rate ratio 0.71, p = .*baseline='area'"):
        g = ss.hotspot_change(xb, yb, xa, ya, cell_size=100, bounds=(0, 999.999, 0, 999.999))
    whole = binomtest(640, 1540, 0.5).pvalue
    assert whole < 0.05
    # the default test is unchanged: each cell against equal rates
    c = g.cells[(g.cells["count_before"] + g.cells["count_after"]) > 0]
    r = c.iloc[0]
    n = int(r["count_before"] + r["count_after"])
    assert r["p_value"] == pytest.approx(binomtest(int(r["count_after"]), n, 0.5).pvalue, rel=1e-9)
    # no area-wide change: no warning
    rng = np.random.default_rng(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        ss.hotspot_change(rng.uniform(0, 1000, 500), rng.uniform(0, 1000, 500), rng.uniform(0, 1000, 505),
                          rng.uniform(0, 1000, 505), cell_size=100, bounds=(0, 999.999, 0, 999.999))


def test_bad_baseline_is_named():
    xb, yb, xa, ya = _events()
    with pytest.raises(InvalidInputError, match="baseline"):
        ss.hotspot_change(xb, yb, xa, ya, cell_size=100, baseline="previous")
