"""Reference audit: funnel_limits (proportions, ratios, rates) and proportion funnel_significance
against the definitions of docs/methods/trends.md A7 solved with base R (prop.test's Wilson
interval, pgamma, uniroot), stored in tests/fixtures/audit_funnel.json by
tests/fixtures/generate_audit_funnel.R.

The older tests pinned PHE's published limits at a handful of denominators (target 20% at n = 50,
100, 1000; 80.6% at n = 1, 3; four ratio points); this covers a grid of denominators from 1 to
1.2 million, including the clipped and zero limits of tiny denominators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats

FX = load_fixture("audit_funnel.json")
COLS = ["lower_998", "lower_95", "upper_95", "upper_998"]
# uniroot to 1e-13 in R against saferstats' closed form (proportions) and bisection (ratios,
# rates; observed differences ~1e-12 relative)
REL = 1e-9


@pytest.mark.parametrize("target", sorted({r["target"] for r in FX["proportion"]}))
def test_proportion_funnel_limits_match_wilson_inversion(target):
    want = pd.DataFrame([r for r in FX["proportion"] if r["target"] == target])
    out = saferstats.funnel_limits(want["denominator"], target=100 * target)
    np.testing.assert_allclose(out[COLS].to_numpy() / 100, want[COLS].to_numpy(), rtol=REL, atol=1e-13)


def test_ratio_funnel_limits_match_exact_poisson():
    want = pd.DataFrame(FX["ratio"])
    out = saferstats.funnel_limits(want["denominator"], target=1, kind="ratio")
    np.testing.assert_allclose(out[COLS].to_numpy(), want[COLS].to_numpy(), rtol=REL, atol=1e-13)
    assert (out.loc[want["denominator"] < 3.69, "lower_95"] == 0).all()  # no O >= 0 reaches it


def test_rate_funnel_limits_match_exact_poisson():
    want = pd.DataFrame(FX["rate"])
    out = saferstats.funnel_limits(want["denominator"], target=want["target"].iloc[0], kind="rate")
    np.testing.assert_allclose(out[COLS].to_numpy(), want[COLS].to_numpy(), rtol=REL, atol=1e-12)


def test_proportion_significance_matches_r_wilson_labels():
    f = FX["proportion_significance"]
    assert saferstats.funnel_target(f["x"], f["n"]) == pytest.approx(100 * f["target"], rel=1e-12)
    got = saferstats.funnel_significance(f["x"], f["n"])
    assert got.tolist() == f["label"]
    assert {"Low (0.001)", "Low (0.025)", "High (0.001)", "Not significant"} <= set(f["label"])
