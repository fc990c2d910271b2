"""Session 24 (w36b): five misleading or unclear outputs, on the shared data.

1. `outcome_test`'s warnings on the searches with no stated ethnicity printed the unadjusted p
   beside the two rates while the Benjamini-Hochberg adjusted p decided (police.uk Dec 2019 - Feb
   2020, arrests by force: Merseyside "p = 0.026", judged on 0.042).

References: the stop-and-search files read with the csv module, the pooled two-proportion z test
by hand and statsmodels' ``multipletests(method="fdr_bh")`` run here.
"""

from __future__ import annotations

import pytest

import saferstats as ss
from test_stopsearch_w32c import _files, _said
from test_stopsearch_w33c import FORCES, _by_hand, _z_p


def test_the_not_stated_warning_prints_the_p_that_decided(shared_data):
    multipletests = pytest.importorskip("statsmodels.stats.multitest").multipletests
    hand = {f: _by_hand(shared_data, f, lambda r: r["Outcome"] == "Arrest") for f in FORCES}
    tested = [f for f, (_, _, _, nn, _, sn) in hand.items() if nn >= 10 and sn >= 10]
    p = {f: _z_p(*hand[f][2:]) for f in tested}
    adjusted = dict(zip(tested, multipletests([p[f] for f in tested], method="fdr_bh")[1]))
    assert (round(p["merseyside"], 3), round(adjusted["merseyside"], 3)) == (0.026, 0.042)  # the premise
    recs = ss.read_stop_search([f for force in FORCES for f in _files(shared_data, force)])
    out, messages = _said(ss.outcome_test, recs, outcome="arrest", by="force")
    (under,) = [m for m in messages if "not stated for fewer than a fifth" in m]
    for force, name in (("merseyside", "Merseyside"), ("essex", "Essex"), ("leicestershire", "Leicestershire")):
        # was: "..., p = 0.026)", the p that did not decide
        one = under.split(f"{name} (")[1].split(")", 1)[0]
        assert one.endswith(f"of the stated, adjusted p = {adjusted[force]:.3f} [unadjusted p = {p[force]:.3f}]"), under
    assert "stated, p = " not in under
    (fifth,) = [m for m in messages if "not stated for a fifth or more" in m]
    # South Yorkshire: the adjusted p alone where both read "< 0.001"
    said = f"{adjusted['south-yorkshire']:.3f}" if adjusted["south-yorkshire"] >= 0.001 else None
    assert (f"adjusted p = {said} [unadjusted p < 0.001])" if said else "adjusted p < 0.001)") in fifth, fifth
    assert out.attrs["not_stated_rule"]["p"] == "p_adjusted"
