"""Session 24 (w35b): stop and search.

1. `outcome_test` had two rules for one warning on the searches with no stated ethnicity: the
   warning for strata with a fifth or more not stated gave their outcome rates on the unadjusted p
   (police.uk Dec 2019 - Feb 2020, arrests by force and month: South Yorkshire's December, p = 0.028,
   and February, 0.023, and the City of London's February, 0.045), the warning for strata under a
   fifth on the Benjamini-Hochberg adjusted p (0.099, 0.099 and 0.134 over the 18 strata tested).
   Now the adjusted p decides both, and ``.attrs["not_stated_rule"]`` says so.

Reference: the files read with the csv module, the pooled two-proportion z test by hand, and
statsmodels' ``multipletests(method="fdr_bh")`` run here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from test_stopsearch_w32c import _files, _force_rows, _not_stated, _said
from test_stopsearch_w33c import FORCES, _z_p


def _month_by_hand(shared_data, force: str, month: str) -> tuple[int, int, int, int, int, int]:
    """(not stated, searches, not-stated arrests, not stated with an outcome, stated arrests, stated with one)."""
    rows = [r for r in _force_rows(shared_data, force) if r["Date"][:7] == month]
    known = [r for r in rows if r["Outcome"].strip()]
    ns = [r for r in known if _not_stated(r)]
    st = [r for r in known if not _not_stated(r)]
    arrest = lambda r: r["Outcome"] == "Arrest"  # noqa: E731
    return (sum(map(_not_stated, rows)), len(rows), sum(map(arrest, ns)), len(ns), sum(map(arrest, st)), len(st))


def test_one_rule_the_adjusted_p_for_both_not_stated_warnings(shared_data):
    multipletests = pytest.importorskip("statsmodels.stats.multitest").multipletests
    recs = ss.read_stop_search([f for force in FORCES for f in _files(shared_data, force)])
    out, messages = _said(ss.outcome_test, recs, outcome="arrest", by=["force", "month"])
    got = pd.DataFrame(out.attrs["not_stated_strata"])
    tested = got["p_value"].notna().to_numpy()
    # the adjustment: Benjamini-Hochberg over every stratum tested, as statsmodels gives it
    ref = multipletests(got.loc[tested, "p_value"].to_numpy(), method="fdr_bh")[1]
    np.testing.assert_allclose(got.loc[tested, "p_adjusted"].to_numpy(), ref, rtol=1e-12)
    assert int(tested.sum()) == 18
    # the three strata the fifth's warning gave rates for on the unadjusted p (by hand from the files)
    fifth = {}
    for force, month in (("south-yorkshire", "2019-12"), ("south-yorkshire", "2020-02"), ("city-of-london", "2020-02")):
        ns, n, nh, nn, sh, sn = _month_by_hand(shared_data, force, month)
        assert ns >= 0.2 * n  # a fifth or more not stated
        row = got[(got["force"] == force) & (got["month"] == month)].iloc[0]
        assert row["p_value"] == pytest.approx(_z_p(nh, nn, sh, sn), rel=1e-9)
        fifth[(force, month)] = (round(row["p_value"], 3), round(row["p_adjusted"], 3))
        assert not row["differs"] and row["warned"]  # was: differs True, their rates given
    assert fifth == {("south-yorkshire", "2019-12"): (0.028, 0.099), ("south-yorkshire", "2020-02"): (0.023, 0.099),
                     ("city-of-london", "2020-02"): (0.045, 0.134)}
    # one rule for every stratum: differs is the adjusted p below 0.05 (and the rates a tenth apart)
    apart = (got["ns_rate"] - got["st_rate"]).abs() >= 0.1 * got[["ns_rate", "st_rate"]].max(axis=1)
    assert got["differs"].tolist() == ((got["p_adjusted"] < 0.05) & apart).tolist()
    share = got["not_stated"] / got["searches"]
    big = (got["searches"] >= 10) & (share >= 0.2)
    assert got["warned"].tolist() == (big | ((got["searches"] >= 10) & (share >= 0.05) & got["differs"])).tolist()
    (said,) = [m for m in messages if "not stated for a fifth or more" in m]
    # their shares, not their rates (was: "South Yorkshire / 2019-12 (27% of 1,177; arrest rate 15.2% of those
    # searches against 10.6% of the stated, p = 0.028)")
    assert "South Yorkshire / 2019-12 (27% of 1,177); " in said and "City of London / 2020-02 (41% of 236); " in said
    assert "South Yorkshire / 2020-02 (22% of 1,518): those searches" in said
    assert "arrest rate" not in said and "p = " not in said
    rule = out.attrs["not_stated_rule"]  # which p was used (was: no such attr)
    assert (rule["p"], rule["method"], rule["alpha"], rule["strata_tested"]) == (
        "p_adjusted", "benjamini-hochberg", pytest.approx(0.05), 18)
    assert rule["forces_tested"] == sum(r["p_adjusted"] == r["p_adjusted"] for r in out.attrs["not_stated_forces"])


def test_by_force_the_fifths_rates_stay(shared_data):
    """South Yorkshire by force: p < 0.001 also after the adjustment over the 6 forces: its rates stay."""
    multipletests = pytest.importorskip("statsmodels.stats.multitest").multipletests
    recs = ss.read_stop_search([f for force in FORCES for f in _files(shared_data, force)])
    out, messages = _said(ss.outcome_test, recs, outcome="arrest", by="force")
    got = pd.DataFrame(out.attrs["not_stated_strata"]).set_index("force")
    t = got["p_value"].notna()
    np.testing.assert_allclose(got.loc[t, "p_adjusted"], multipletests(got.loc[t, "p_value"], method="fdr_bh")[1],
                               rtol=1e-12)
    (said,) = [m for m in messages if "not stated for a fifth or more" in m]
    assert "South Yorkshire (24% of 4,554; arrest rate 14.1% of those searches against 10.5% of the stated" in said
    assert "beyond chance (also after the Benjamini-Hochberg adjustment over the 6 strata tested; rates given above)" \
        in said
    assert out.attrs["not_stated_rule"]["strata_tested"] == 6 and out.attrs["not_stated_rule"]["forces_tested"] == 0
