"""Session 35 (y6): Section 136 and the monitoring methods as a new analyst uses them.

Each test says what was wrong before and what the independent reference is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import shared_path

UOF = "s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv"


@pytest.fixture(scope="module")
def use_of_force(shared_data):
    """The Home Office table through the package's reader, and the raw file read with pandas."""
    path = shared_path(shared_data, UOF)
    with pytest.warns(saferstats.SaferstatsWarning):
        table = saferstats.read_use_of_force(path)
    return table, pd.read_csv(path)


def test_funnel_overdispersion_names_the_column_and_row_of_a_bad_denominator(use_of_force):
    """Before: ``funnel_overdispersion`` of every force's all-tactics row (``data=``, the columns
    ``mental_health`` / ``condition_reported``) said "invalid value in `denominators` at position
    42", neither the column nor the row: the analyst had to count rows to find the force, where
    ``funnel_significance`` of the same points named ``column 'condition_reported'`` and the row
    label. Now both name them. Reference: the raw CSV read with pandas: Wiltshire's
    "*Total Tactics" row has 0 under Mental, Physical, Physical and mental and None (all 3,026 of
    its tactics "Not reported"), so its condition_reported is 0."""
    table, raw = use_of_force
    wilts = raw[(raw["Police Force"] == "Wiltshire") & (raw["Tactic"] == "*Total Tactics")].iloc[0]
    assert wilts[["Mental", "Physical", "Physical and mental", "None"]].sum() == 0
    assert wilts["Not reported"] == wilts["Number of times tactic reported"] == 3026
    rows = table[table["row_type"] == "all tactics"]
    label = rows.index[(rows["force"] == "Wiltshire").to_numpy()][0]
    with pytest.raises(saferstats.InvalidInputError) as err:
        saferstats.funnel_overdispersion("mental_health", "condition_reported", kind="proportion", data=rows)
    assert err.value.argument == "condition_reported" and err.value.index == label
    assert f"column 'condition_reported' (keyword `denominators`) at row {label}" in str(err.value)
    assert "position" not in str(err.value)
    with pytest.raises(saferstats.InvalidInputError) as err:
        saferstats.funnel_overdispersion(rows["mental_health"], rows["condition_reported"], kind="proportion")
    assert err.value.argument == "denominators" and err.value.index == label
    assert f"at row {label}" in str(err.value)


def test_funnel_overdispersion_and_wdd_harm_name_a_row_by_its_label():
    """Before: a negative count given as a Series labelled by force was "at position 2" in
    ``funnel_overdispersion`` and a negative standard error "at position 1" in ``wdd_harm``, where
    ``rate_funnel_limits`` and ``p_adjust`` name the row by its label. Reference: the inputs
    written out here (the third count, Cambs, is -3; the second se, Beds, is -2)."""
    forces = ["Herts", "Beds", "Cambs", "Essex"]
    counts = pd.Series([10.0, 20.0, -3.0, 40.0], index=forces)
    population = pd.Series([1000.0, 2000.0, 3000.0, 4000.0], index=forces)
    with pytest.raises(saferstats.InvalidInputError, match="`numerators` at row 'Cambs'") as err:
        saferstats.funnel_overdispersion(counts, population, kind="rate")
    assert err.value.index == "Cambs"
    three = forces[:3]
    with pytest.raises(saferstats.InvalidInputError, match="`se` at row 'Beds'") as err:
        saferstats.wdd_harm(pd.Series([1.0, 2.0, 3.0], index=three), pd.Series([1.0, -2.0, 3.0], index=three),
                            pd.Series([1.0, 1.0, 1.0], index=three))
    assert err.value.index == "Beds"


def test_funnel_overdispersion_of_comparable_forces_equals_a_hand_computation(use_of_force):
    """A check that stays (no change): φ and τ² of the 37 forces that record the condition like for
    like equal FunnelPlotR's method written out with numpy (arcsine-square-root z-scores about the
    pooled share, winsorised at the 10th and 90th percentiles, φ = mean z², DerSimonian-Laird τ²)."""
    table, _ = use_of_force
    rows = table[(table["row_type"] == "all tactics") & table["comparable"]]
    o = rows["mental_health"].to_numpy(float)
    d = rows["condition_reported"].to_numpy(float)
    target = o.sum() / d.sum()
    s = 1 / (2 * np.sqrt(d))
    z = (np.arcsin(np.sqrt(o / d)) - np.arcsin(np.sqrt(target))) / s
    lo, hi = np.quantile(z, [0.1, 0.9])
    phi = float(np.mean(np.clip(z, lo, hi) ** 2))
    w = 1 / s**2
    tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    od = saferstats.funnel_overdispersion(rows["mental_health"], rows["condition_reported"], kind="proportion")
    assert od["n"] == len(rows) == 37
    assert od["phi"] == pytest.approx(phi, rel=1e-9)
    assert od["tau2"] == pytest.approx(tau2, rel=1e-9)
    assert od["target"] == pytest.approx(100 * target)


def test_s136_summary_names_the_counts_it_cannot_protect_by_group_and_category():
    """Before: the warning of counts ``s136_summary`` cannot protect listed them as the places
    they are printed, ``('place_of_safety', 3, 'count')``, ``('durations', 0, 'over_36h')``: the
    analyst had to count rows of a table to learn which group and which place of safety. Now each
    count is named by its category and group ("place_of_safety 'other' count (district=North,
    triage=False)"), once however many tables print it. Reference: the package's synthetic pilot
    (every sixth record, districts by position) counted with pandas: North without triage has 3
    detentions to an "Other" place of safety, and 1 over 36 hours."""
    recs = saferstats.synthetic.s136_pilot_records(seed=136).iloc[::6].copy()
    recs["district"] = np.where(np.arange(len(recs)) % 3 == 0, "North", "South")
    north = recs[(recs["district"] == "North") & ~recs["triage"].astype(bool)]
    assert (north["place_of_safety"] == "Other").sum() == 3
    hours = (north["departure_time"] - north["arrival_time"].fillna(north["detention_time"])).dt.total_seconds() / 3600
    assert (hours > 36).sum() == 1
    with pytest.warns(saferstats.SaferstatsWarning, match="cannot be protected") as seen:
        s = saferstats.s136_summary(recs, by=["district", "triage"])
    text = " ".join(" ".join(str(w.message) for w in seen if "cannot be protected" in str(w.message)).split())
    assert "place_of_safety 'other' count (district=North, triage=False)" in text
    assert "over_36h (district=North, triage=False) in durations and flags" in text
    assert "('place_of_safety', 3, 'count')" not in text
    # the places stay listed as before, for code
    assert ("place_of_safety", 3, "count") in s.unprotected and ("flags", 0, "over_36h") in s.unprotected


def test_suppress_names_an_unprotectable_count_by_its_row_and_key():
    """Before: ``suppress`` warned "1 small count [{'row': 2, 'column': 'c2'}] cannot be
    protected": a list of dicts with the row's position, not which area, and without the
    "suppress:" its other warnings start with. Now it names the row by its label and key column
    value, "row 2 (area 'Total'), column 'c2'". Reference, by hand: the Total row's c2 is
    87 - 44 - 40 = 3, the grand total less the Total row's published c0 and c1, so no other cell
    hidden can protect it."""
    table = pd.DataFrame({"area": ["A0", "A1", "Total"], "c0": [4, 40, 44], "c1": [0, 40, 40], "c2": [2, 1, 3],
                          "total": [6, 81, 87]})
    assert 87 - 44 - 40 == table.loc[2, "c2"] == 3
    with pytest.warns(saferstats.SaferstatsWarning, match="cannot be protected") as seen:
        out = saferstats.suppress(table, totals={"area": "Total"})
    text = " ".join(" ".join(str(w.message) for w in seen if "cannot be protected" in str(w.message)).split())
    assert text.startswith("suppress: 1 small count (row 2 (area 'Total'), column 'c2'")
    assert "{'row'" not in text
    assert out.attrs["unprotected"] == [{"row": 2, "column": "c2"}]  # for code, as before
