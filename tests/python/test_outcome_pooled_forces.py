"""outcome_test rows that pool several forces: the within-force (Mantel-Haenszel) ratio beside the
pooled one, and a warning where pooling changes the comparison (session 18, lead).

police.uk, seven forces, Dec 2019 - Feb 2020: arrests of Asian people were 1.14 times White
people's pooled over the forces, 0.93 within them (R epiR 2.0.57 `epi.2by2` RR.mh.wald; the Rust
test tests/tables_mantel_haenszel.rs holds the full reference values, from
tests/fixtures/generate_mantel_haenszel.R).
"""

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from warning_capture import warning_messages


_quiet = warning_messages  # call and capture warnings (tests/python/warning_capture.py)


def test_seven_forces_pooled_against_within_forces(shared_data):
    recs, _ = _quiet(ss.read_stop_search, shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02")
    out, said = _quiet(ss.outcome_test, recs, outcome="arrest")
    within = pd.DataFrame(out.attrs["within_forces"]).set_index("group")
    epir = {"Asian": (0.930888534804, 0.750638770323, 1.15442140546),
            "Black": (1.27671273761, 1.07807950229, 1.51194360982),
            "Mixed": (1.09370697495, 0.815165438062, 1.46742598642),
            "Other": (1.58706251483, 1.06048043854, 2.37511917658)}
    for g, (e, lo, hi) in epir.items():
        assert within.loc[g, ["rr", "rr_lower", "rr_upper"]].to_numpy(float) == pytest.approx([e, lo, hi], rel=1e-9)
    assert within.loc["Other", "strata"] == 5 and within.loc["Asian", "strata"] == 7
    pooled = out.set_index("group")["rr"]
    assert within.loc["Asian", "rr_pooled"] == pytest.approx(pooled["Asian"]) and round(pooled["Asian"], 2) == 1.14
    msg = [m for m in said if "partly compares forces" in m]
    assert len(msg) == 1
    assert "the rows pool the searches of 7 forces, whose arrest rates differ (Merseyside 7.4% to Durham 35.3%)" in msg[0]
    assert "Asian: 1.14 pooled, 0.93 within forces (95% CI 0.75 to 1.15)" in msg[0]
    # each force on its own: nothing pooled, nothing said
    by_force, said = _quiet(ss.outcome_test, recs, outcome="arrest", by="force")
    assert "within_forces" not in by_force.attrs and not [m for m in said if "partly compares forces" in m]


def test_within_forces_equals_statsmodels_on_the_bundled_sample():
    ctab = pytest.importorskip("statsmodels.stats.contingency_tables")
    recs, _ = _quiet(ss.read_stop_search, ss.datasets.stop_search_sample_path())
    out, _ = _quiet(ss.outcome_test, recs, outcome="positive")
    by_force, _ = _quiet(ss.outcome_test, recs, outcome="positive", by="force")
    within = pd.DataFrame(out.attrs["within_forces"]).set_index("group")
    for g in within.index:
        tables = []
        for f in by_force["force"].unique():
            x = by_force[(by_force.force == f) & (by_force.group == g)].iloc[0]
            w = by_force[(by_force.force == f) & (by_force.group == "White")].iloc[0]
            if x.n > 0:
                tables.append(np.array([[x.hits, x.n - x.hits], [w.hits, w.n - w.hits]], dtype=float))
        if len(tables) and all(t[:, 0].sum() > 0 for t in tables):
            want = ctab.StratifiedTable(tables).riskratio_pooled
            assert within.loc[g, "rr"] == pytest.approx(want, rel=1e-9), g


def test_records_of_one_force_have_nothing_to_pool():
    recs, _ = _quiet(ss.read_stop_search, ss.datasets.stop_search_sample_path())
    one = recs[recs.force == recs.force.iloc[0]]
    out, said = _quiet(ss.outcome_test, one, outcome="arrest")
    assert "within_forces" not in out.attrs and not [m for m in said if "partly compares forces" in m]
