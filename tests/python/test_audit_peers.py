"""Reference audit: peer_compare (the most-similar-group comparison) against Debian R
(stats::poisson.test, t.test, epitools::rateratio.wald, metafor::rma fixed effect), stored in
tests/fixtures/audit_peers.json by tests/fixtures/generate_audit_peers.R.

The older tests compared peer_compare with saferstats' own rate_ci / rate_ratio and a closed form
for the t interval at 95%; here every column is set against R, at 95% and 99.8%, for groups of
2 to 7 peers and for estimates pooled by inverse variance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats

FX = load_fixture("audit_peers.json")
REL = 1e-9  # closed forms and quantiles on both sides; R's JSON keeps 15 significant digits
RATE_COLS = ["n_peers", "rate", "rate_lower", "rate_upper", "group_rate", "group_rate_lower", "group_rate_upper",
             "group_mean", "group_mean_lower", "group_mean_upper", "rank", "of", "ratio", "ratio_lower", "ratio_upper"]
EST_COLS = ["n_peers", "group_indicator", "group_indicator_lower", "group_indicator_upper", "group_mean",
            "group_mean_lower", "group_mean_upper", "rank", "of", "ratio", "ratio_lower", "ratio_upper"]


def _check(out, rows, cols):
    for want in rows:
        got = out.loc[want["area"]]
        for col in cols:
            assert got[col] == pytest.approx(want[col], rel=REL, abs=1e-12), (want["area"], col)


@pytest.mark.parametrize("conf", [0.95, 0.998])
def test_peer_compare_rates_match_r(conf):
    data = pd.DataFrame(FX["rates"]["data"])
    rows = [r for r in FX["rates"]["rows"] if r["confidence"] == conf]
    peers = {r["area"]: list(np.atleast_1d(r["peers"])) for r in rows}
    out = saferstats.peer_compare(data, area="force", peers=peers, numerator="offences", denominator="population",
                                  confidence=conf).set_index("area")
    _check(out, rows, RATE_COLS)
    assert [out.loc[r["area"], "significance"] for r in rows] == [r["significance"] for r in rows]


@pytest.mark.parametrize("conf", [0.95, 0.998])
def test_peer_compare_estimates_match_r_metafor(conf):
    data = pd.DataFrame(FX["estimates"]["data"])
    rows = [r for r in FX["estimates"]["rows"] if r["confidence"] == conf]
    peers = {r["area"]: list(np.atleast_1d(r["peers"])) for r in rows}
    out = saferstats.peer_compare(data, area="force", peers=peers, value="ratio", lower="lo", upper="hi",
                                  confidence=conf).set_index("area")
    _check(out, rows, EST_COLS)
