"""Session 19, helper w25d: the forest plot of an outcome test whose rows pool forces shows the
within-force ratio too; outcome_test says how many of many comparisons stay significant after
Benjamini-Hochberg.

police.uk, seven forces, Dec 2019 - Feb 2020 (../shared/data/stop_search, as published)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import saferstats as ss  # noqa: E402
from warning_capture import warning_messages  # noqa: E402

SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"


@pytest.fixture(scope="module")
def seven(shared_data):
    recs, _ = warning_messages(ss.read_stop_search, shared_data / SEVEN)
    return recs


def _scatter(ax, label: str) -> np.ndarray:
    """The (x, y) points of the scatter whose legend label contains ``label``."""
    found = [c for c in ax.collections if label in str(c.get_label())]
    assert len(found) == 1, [c.get_label() for c in ax.collections]
    return np.asarray(found[0].get_offsets())


# --------------------------------------------------------------------------- 1. plot of pooled forces
def test_forest_plot_of_pooled_forces_draws_the_within_force_ratio(seven) -> None:
    """The forest plot of outcome_test(arrest) over the seven forces drew only the pooled ratios
    (Asian 1.14), though within forces the ratio is 0.93 (CI 0.75 to 1.15): it now draws both, each
    labelled, and the title says so."""
    out, _ = warning_messages(ss.outcome_test, seven, outcome="arrest")
    within = pd.DataFrame(out.attrs["within_forces"]).set_index("group")
    ax = ss.plot_disproportionality(out)
    try:
        assert "pooled over forces and within forces" in ax.get_title()
        names = [t.get_text() for t in ax.get_yticklabels()]
        assert names == ["Asian", "Black", "Mixed", "Other"]
        pooled = _scatter(ax, "pooled over forces")
        inside = _scatter(ax, "within forces (Mantel-Haenszel)")
        ticks = dict(zip(names, ax.get_yticks()))
        rr = out.set_index("group")["rr"]
        for g in names:
            (p,) = pooled[np.isclose(pooled[:, 1], ticks[g])]
            assert p[0] == pytest.approx(rr[g])
            (w,) = inside[np.isclose(inside[:, 1], ticks[g] - 0.3)]  # just below its pooled one
            assert w[0] == pytest.approx(within.loc[g, "rr"])
        asian = inside[np.isclose(inside[:, 1], ticks["Asian"] - 0.3)][0]
        assert round(asian[0], 2) == 0.93 and round(rr["Asian"], 2) == 1.14
        # the within-force interval is drawn: a horizontal segment from its lower to its upper limit
        segs = [s for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)
                for s in c.get_segments() if np.isclose(s[0][1], ticks["Asian"] - 0.3)]
        assert len(segs) == 1
        assert sorted([segs[0][0][0], segs[0][1][0]]) == pytest.approx(
            [within.loc["Asian", "rr_lower"], within.loc["Asian", "rr_upper"]])
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "within forces (Mantel-Haenszel)" in legend and "pooled over forces (z test)" in legend
    finally:
        plt.close(ax.figure)


def test_forest_plot_by_force_has_nothing_pooled(seven) -> None:
    """By force each row is one force's: no within-force ratio, the labels and title as before."""
    out, _ = warning_messages(ss.outcome_test, seven, outcome="arrest", by="force")
    ax = ss.plot_disproportionality(out)
    try:
        assert ax.get_title() == "Stop and search outcomes by group (2 rows with no ratio not shown)"
        assert not [c for c in ax.collections if "within forces" in str(c.get_label())]
    finally:
        plt.close(ax.figure)


def test_period_plot_of_pooled_forces_draws_the_within_force_line(seven) -> None:
    """By month (each month pools the seven forces): each group's within-force ratio is a dashed
    line beside its pooled one, with its values."""
    recs = seven.assign(month=seven["date"].dt.strftime("%Y-%m"))
    out, _ = warning_messages(ss.outcome_test, recs, outcome="arrest", by="month")
    within = pd.DataFrame(out.attrs["within_forces"]).set_index(["month", "group"])["rr"]
    ax = ss.plot_disproportionality(out, period="month")
    try:
        lines = {ln.get_label(): ln for ln in ax.get_lines()}
        dashed = lines["Asian (within forces, Mantel-Haenszel)"]
        assert dashed.get_linestyle() == "--"
        assert np.asarray(dashed.get_ydata(), float) == pytest.approx(
            [within[(m, "Asian")] for m in ("2019-12", "2020-01", "2020-02")])
        assert "Asian (pooled over forces)" in lines
        assert "pooled over forces and within forces" in ax.get_title()
    finally:
        plt.close(ax.figure)


# --------------------------------------------------------------------------- 2. many comparisons
def test_many_comparisons_say_how_many_stay_significant_after_bh(seven) -> None:
    """By force, 26 comparisons with White: Black people in Leicestershire (p 0.034) and Other in
    Merseyside (0.038) were below 0.05, each said "significant" on its own; after Benjamini-Hochberg
    none stays. A warning says so, with the numbers in .attrs."""
    out, said = warning_messages(ss.outcome_test, seven, outcome="arrest", by="force")
    mc = out.attrs["multiple_comparisons"]
    assert (mc["comparisons"], mc["significant"], mc["significant_adjusted"]) == (26, 2, 0)
    assert mc["method"] == "benjamini-hochberg" and mc["alpha"] == 0.05
    adj = pd.DataFrame(mc["p_adjusted"])
    assert len(adj) == 26
    # the package's own BH (saferstats.p_adjust), over the table's p-values
    tested = out[out["p_value"].notna()]
    assert adj["p_adjusted"].to_numpy() == pytest.approx(ss.p_adjust(tested["p_value"].to_numpy(), method="bh"))
    lei = adj[(adj.force == "leicestershire") & (adj.group == "Black")].iloc[0]
    assert lei.p_value == pytest.approx(0.034317, abs=1e-6) and lei.p_adjusted == pytest.approx(0.458155, abs=1e-6)
    msg = [m for m in said if "comparisons with the White rate" in m]
    assert len(msg) == 1
    assert msg[0].startswith("outcome_test(outcome='arrest'): 26 comparisons with the White rate (4 groups in 7 forces); "
                             "2 have p < 0.05 each on its own (Leicestershire / Black p = 0.034 (adjusted 0.458); "
                             "Merseyside / Other p = 0.038 (adjusted 0.458))")
    assert "after the Benjamini-Hochberg adjustment (false discovery rate 5%) none stays significant" in msg[0]


def test_some_stay_significant_and_few_comparisons_are_not_warned(seven) -> None:
    """Positive outcomes by force: Merseyside / Other (p < 0.001) stays, Essex / Asian (0.042) does
    not. Pooled over the forces there are 4 comparisons: numbers in .attrs, no warning."""
    out, said = warning_messages(ss.outcome_test, seven, outcome="positive", by="force")
    mc = out.attrs["multiple_comparisons"]
    assert (mc["comparisons"], mc["significant"], mc["significant_adjusted"]) == (26, 2, 1)
    (msg,) = [m for m in said if "comparisons with the White rate" in m]
    assert "Merseyside / Other p < 0.001 (adjusted 0.005)" in msg and "1 stays significant" in msg
    pooled, said = warning_messages(ss.outcome_test, seven, outcome="positive")
    mc = pooled.attrs["multiple_comparisons"]
    assert (mc["comparisons"], mc["significant"], mc["significant_adjusted"]) == (4, 3, 3)
    assert not [m for m in said if "comparisons with the White rate" in m]


def test_alpha_follows_the_confidence_level(seven) -> None:
    """At 99.8% a comparison is significant below 0.002: none of the 26 by force is."""
    out, said = warning_messages(ss.outcome_test, seven, outcome="arrest", by="force", confidence=0.998)
    mc = out.attrs["multiple_comparisons"]
    assert mc["alpha"] == pytest.approx(0.002) and mc["significant"] == 0
    assert not [m for m in said if "comparisons with the White rate" in m]
