"""Reference audit: every column of the two-proportion comparison (compare_proportions, and the
same table inside outcome_test) against Debian R (prop.test, chisq.test, fisher.test, epitools),
stored in tests/fixtures/audit_proportions.json by tests/fixtures/generate_audit_proportions.R.

The older tests compared diff_lower, rr_lower, z and the Fisher p with statsmodels/scipy; the upper
limits, the z-test p-value, chi2 and the odds ratio had no outside figure, and nothing was checked
at 99.8%."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats

FX = load_fixture("audit_proportions.json")
ROWS = pd.DataFrame(FX["rows"])
# R's JSON keeps 15 significant digits; all quantities are closed-form, except the Fisher p (a
# finite sum of hypergeometric terms, compared at 1e-9 as the older fixtures do).
REL = 1e-9


@pytest.mark.parametrize("conf", [0.95, 0.998])
def test_compare_proportions_every_column_matches_r(conf):
    r = ROWS[ROWS["confidence"] == conf].reset_index(drop=True)
    out = saferstats.compare_proportions(r["x1"], r["n1"], r["x2"], r["n2"], confidence=conf)
    assert (out["rr_method"] == "katz").all()
    for col in ("p1", "p2", "p1_lower", "p1_upper", "p2_lower", "p2_upper", "diff", "diff_lower", "diff_upper",
                "rr", "rr_lower", "rr_upper", "odds_ratio", "chi2", "chi2_yates", "p_chi2_yates", "z"):
        np.testing.assert_allclose(out[col], r[col], rtol=REL, atol=1e-13, err_msg=col)
    np.testing.assert_allclose(out["fisher_p"], r["fisher_p"], rtol=REL, err_msg="fisher_p")
    fisher = (r["min_expected"] < 5).to_numpy()
    assert fisher.any() and (~fisher).any()
    assert list(out["test"]) == ["fisher" if f else "z" for f in fisher]
    want_p = np.where(fisher, r["fisher_p"], r["p_z"])
    np.testing.assert_allclose(out["p_value"], want_p, rtol=REL, err_msg="p_value")


@pytest.mark.parametrize("conf", [0.95, 0.998])
def test_outcome_test_every_column_matches_r(conf):
    r = ROWS[ROWS["confidence"] == conf]
    for _, t in r.iterrows():
        x1, n1, x2, n2 = (int(t[k]) for k in ("x1", "n1", "x2", "n2"))
        recs = pd.DataFrame({
            "ethnicity": ["Black"] * n1 + ["White"] * n2,
            "outcome": ["Arrest"] * x1 + ["A no further action disposal"] * (n1 - x1)
            + ["Arrest"] * x2 + ["A no further action disposal"] * (n2 - x2),
        })
        out = saferstats.outcome_test(recs, outcome="arrest", confidence=conf).set_index("group")
        g = out.loc["Black"]
        assert (g["n"], g["hits"]) == (n1, x1)
        scale = g["rate"] / t["p1"]  # the rate may be a proportion or a percentage
        assert scale == pytest.approx(1.0) or scale == pytest.approx(100.0)
        for col, key in (("rate_lower", "p1_lower"), ("rate_upper", "p1_upper")):
            assert g[col] == pytest.approx(scale * t[key], rel=REL), col
        for col, key in (("diff", "diff"), ("diff_lower", "diff_lower"), ("diff_upper", "diff_upper")):
            assert g[col] == pytest.approx(scale * t[key], rel=REL, abs=1e-12), col
        for col, key in (("rr", "rr"), ("rr_lower", "rr_lower"), ("rr_upper", "rr_upper"), ("odds_ratio", "odds_ratio"),
                         ("z", "z"), ("chi2_yates", "chi2_yates"), ("p_chi2_yates", "p_chi2_yates"),
                         ("p_fisher", "fisher_p")):
            assert g[col] == pytest.approx(t[key], rel=REL), col
        fisher = t["min_expected"] < 5
        assert g["test"] == ("fisher" if fisher else "z")
        assert g["p_value"] == pytest.approx(t["fisher_p"] if fisher else t["p_z"], rel=REL)
