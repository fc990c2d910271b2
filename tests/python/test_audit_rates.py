"""Reference audit: rates, rate ratios, percent change, year-on-year change, shares and the
stop-and-search rate/ratio against Debian R (stats::poisson.test, prop.test, epitools), stored in
tests/fixtures/audit_rates.json by tests/fixtures/generate_audit_rates.R.

These close the columns no other test compared with an outside figure: year_on_year's upper
limits, p-values and exact method, shares' limits, the disproportionality rate limits, and the
exact-method p-values and percent-change limits of rate_ratio / percent_change against R rather
than statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats

FX = load_fixture("audit_rates.json")
# R's JSON keeps 15 significant digits; every quantity here is closed-form or a root of a
# monotone tail sum found to machine precision on both sides.
REL = 1e-9


def test_rate_ci_exact_matches_r_poisson_test():
    rows = pd.DataFrame(FX["rate_exact"])
    for conf, g in rows.groupby("confidence"):
        out = saferstats.rate_ci(g["count"], g["population"], confidence=conf, method="exact")
        np.testing.assert_allclose(out["rate"], g["rate"], rtol=REL)
        np.testing.assert_allclose(out["lower"], g["lower"], rtol=REL, atol=1e-12)
        np.testing.assert_allclose(out["upper"], g["upper"], rtol=REL)
        # add_rates is the data-frame face of rate_ci: the same numbers
        added = saferstats.add_rates(g.reset_index(drop=True), confidence=conf, method="exact")
        np.testing.assert_allclose(added["upper"], g["upper"], rtol=REL)


@pytest.mark.parametrize("method", ["exact", "wald-log"])
def test_rate_ratio_and_percent_change_match_r(method):
    rows = pd.DataFrame(FX["rate_ratio"])
    key = "exact" if method == "exact" else "wald"
    for conf, g in rows.groupby("confidence"):
        args = (g["count_a"], g["population_a"], g["count_b"], g["population_b"])
        rr = saferstats.rate_ratio(*args, confidence=conf, method=method)
        np.testing.assert_allclose(rr["ratio"], g["ratio"], rtol=REL)
        np.testing.assert_allclose(rr["lower"], g[f"{key}_lower"], rtol=REL)
        np.testing.assert_allclose(rr["upper"], g[f"{key}_upper"], rtol=REL)
        np.testing.assert_allclose(rr["p_value"], g[f"{key}_p"], rtol=1e-7)
        if method == "wald-log":
            np.testing.assert_allclose(rr["z"], g["wald_z"], rtol=1e-9)
        pc = saferstats.percent_change(*args, confidence=conf, method=method)
        np.testing.assert_allclose(pc["percent_change"], 100 * (g["ratio"] - 1), rtol=REL, atol=1e-9)
        np.testing.assert_allclose(pc["percent_change_lower"], 100 * (g[f"{key}_lower"] - 1), rtol=REL, atol=1e-9)
        np.testing.assert_allclose(pc["percent_change_upper"], 100 * (g[f"{key}_upper"] - 1), rtol=REL, atol=1e-9)


@pytest.mark.parametrize("method", ["wald-log", "exact"])
def test_year_on_year_matches_r_with_changing_populations(method):
    data = pd.DataFrame(FX["year_on_year"]["data"])
    rows = pd.DataFrame(FX["year_on_year"]["rows"])
    key = "exact" if method == "exact" else "wald"
    for conf, want in rows.groupby("confidence"):
        out = saferstats.year_on_year(data, by="area", confidence=conf, method=method)
        out = out.set_index(["area", "period_from"]).sort_index()
        want = want.set_index(["area", "period_from"]).sort_index()
        assert list(out.index) == list(want.index)
        np.testing.assert_allclose(out["ratio"], want["ratio"], rtol=REL)
        np.testing.assert_allclose(out["lower"], want[f"{key}_lower"], rtol=REL)
        np.testing.assert_allclose(out["upper"], want[f"{key}_upper"], rtol=REL)
        np.testing.assert_allclose(out["pct_change"], 100 * (want["ratio"] - 1), rtol=REL)
        np.testing.assert_allclose(out["pct_lower"], 100 * (want[f"{key}_lower"] - 1), rtol=REL)
        np.testing.assert_allclose(out["pct_upper"], 100 * (want[f"{key}_upper"] - 1), rtol=REL)
        np.testing.assert_allclose(out["p_value"], want[f"{key}_p"], rtol=1e-7)
        # the rates beside the ratio are PHE's (Byar from 10 events): for the small area's
        # single-figure counts they are the exact limits R gives
        small = want.index.get_level_values("area") == "South"
        frm = np.array(want["rate_from_exact"].tolist())
        lo_from = out["rate_from_lower"].to_numpy()
        few = small & (out["count_from"].to_numpy() < 10)
        assert few.any()
        np.testing.assert_allclose(lo_from[few], frm[few, 0], rtol=REL)


def test_shares_wilson_limits_match_r_prop_test():
    data = pd.DataFrame(FX["shares"]["data"])
    rows = pd.DataFrame(FX["shares"]["rows"])
    for conf, want in rows.groupby("confidence"):
        out = saferstats.shares(data, by="area", confidence=conf)
        m = out.merge(want, on=["area", "strand"], suffixes=("", "_r"))
        assert len(m) == len(data)
        np.testing.assert_allclose(m["share"], m["share_r"], rtol=REL)
        np.testing.assert_allclose(m["total"], m["total_r"], rtol=0)
        np.testing.assert_allclose(m["lower"], m["lower_r"], rtol=REL, atol=1e-12)
        np.testing.assert_allclose(m["upper"], m["upper_r"], rtol=REL)


@pytest.mark.parametrize("ratio_method", ["katz", "poisson"])
def test_disproportionality_rates_and_ratios_match_r(ratio_method):
    d = pd.DataFrame(FX["disproportionality"]["data"])
    rows = pd.DataFrame(FX["disproportionality"]["rows"])
    agg = d[["group", "searches"]].rename(columns={"group": "ethnicity"})
    pop = dict(zip(d["group"], d["population"]))
    for conf, want in rows.groupby("confidence"):
        out = saferstats.disproportionality(agg, pop, count="searches", confidence=conf, ratio_method=ratio_method,
                                            min_count=0, min_population=0)
        out = out.set_index("group").loc[want["group"]]
        np.testing.assert_allclose(out["rate"], want["rate"], rtol=REL)
        np.testing.assert_allclose(out["rate_lower"], want["rate_lower"], rtol=REL)
        np.testing.assert_allclose(out["rate_upper"], want["rate_upper"], rtol=REL)
        nonref = (want["group"] != "White").to_numpy()
        np.testing.assert_allclose(out["ratio"].to_numpy()[nonref], want["ratio"].to_numpy()[nonref], rtol=REL)
        np.testing.assert_allclose(out["ratio_lower"].to_numpy()[nonref],
                                   want[f"{ratio_method}_lower"].to_numpy()[nonref], rtol=REL)
        np.testing.assert_allclose(out["ratio_upper"].to_numpy()[nonref],
                                   want[f"{ratio_method}_upper"].to_numpy()[nonref], rtol=REL)
