"""suppress() with a published table's total row, and counts already rounded (session 29, w49c).

Data: NHS England's Mental Health Act Statistics, Annual Figures 2023-24 (main sheet, suppressed
CSV) in shared/data/s136_mental_health/ (PROVENANCE.md section 5): Section 136 uses by independent
provider with the level's "All providers" row. Expected figures are hand sums from the raw file with
pandas; the bound on the hidden providers is checked with scipy's linprog, the leak with the test
attacker (tests/python/disclosure_attack.py).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from conftest import shared_path
from disclosure_attack import Attack
from saferstats import InvalidInputError, suppress

MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


def _providers(shared_data) -> pd.DataFrame:
    """The analyst's table straight from the raw file: providers' names and counts (NaN = '*')."""
    raw = pd.read_csv(shared_path(shared_data, MHA), dtype=str, keep_default_na=False)
    rows = raw[(raw["OrganisationBreakdown"] == "Independent Health Provider")
               & (raw["measureSubcategory"] == "Section 136") & (raw["Demographic"] == "All")]
    return pd.DataFrame({"org_name": rows["OrgName"].to_numpy(),
                         "count": pd.to_numeric(rows["Total_Count"].str.replace(",", ""), errors="coerce").to_numpy()})


def _said(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [" ".join(str(x.message).split()) for x in w]


def test_the_raw_table_is_as_described(shared_data):
    t = _providers(shared_data)
    total = t.loc[t["org_name"] == "All providers", "count"].item()
    parts = t[t["org_name"] != "All providers"]
    assert (len(parts), total, int(parts["count"].isna().sum())) == (23, 377, 21)
    assert sorted(parts["count"].dropna().tolist()) == [160, 215]


def test_a_total_row_named_by_its_column_is_accepted_and_bounds_the_hidden_providers(shared_data):
    # before: InvalidInputError "`totals` must map the label of a total row to the labels of its parts"
    t = _providers(shared_data)
    out, said = _said(suppress, t, totals={"org_name": "All providers"})
    # the same tie as the label form
    out2, _ = _said(suppress, t, totals={"All providers": [n for n in t["org_name"] if n != "All providers"]})
    assert out.attrs["totals_not_sums"] == out2.attrs["totals_not_sums"]
    (bad,) = out.attrs["totals_not_sums"]
    parts = t[t["org_name"] != "All providers"]
    hand_sum = parts["count"].sum()                      # 160 + 215, NaN skipped
    published = parts["count"].dropna().to_numpy()
    # independent bound: rounded parts within ± 2 of the published, 21 hidden >= 0, sum = 377 exactly
    k, m = len(published), int(parts["count"].isna().sum())
    a_eq = np.ones((1, k + m))
    bounds = [(p - 2, p + 2) for p in published] + [(0, None)] * m
    hi = linprog(-np.eye(k + m)[k], A_eq=a_eq, b_eq=[377], bounds=bounds, method="highs")
    one_hidden_max = -hi.fun
    assert (bad["total"], bad["parts_sum"], bad["rounded_to"], len(bad["missing"])) == (377, hand_sum, 5, m)
    assert bad["missing_sum"] == (0, 377 - (published - 2).sum()) == (0, 6)
    assert one_hidden_max == pytest.approx(6)
    msg = next(s for s in said if s.startswith("`totals`"))
    assert "'All providers' (row 7) 'count' 377 less its 2 parts with a count (375) leaves 2" in msg
    assert "21 parts missing a count" in msg and "sum is 0 to 6, so each is at most 6" in msg


def test_placeholders_for_counts_hidden_at_source_do_not_add_up_and_are_named(shared_data):
    # the missing-counts warning says to give a hidden count a value below the threshold (e.g. 1): the
    # parts then make 396, not 377, and the audit tied them silently
    t = _providers(shared_data)
    filled = t.assign(count=t["count"].fillna(1))
    out, said = _said(suppress, filled, totals={"org_name": "All providers"})
    hand = filled.loc[filled["org_name"] != "All providers", "count"].sum()
    assert hand == 396
    (bad,) = out.attrs["totals_not_sums"]
    assert (bad["total"], bad["parts_sum"], bad["missing"], bad["missing_sum"]) == (377, hand, [], None)
    assert any("'All providers' (row 7) 'count' 377 less its 23 parts with a count (396) is -19 off" in s
               for s in said)


def test_exact_counts_with_the_total_row_leave_no_hidden_count_recoverable(shared_data):
    # a truth consistent with the file (the 21 hidden providers sum to 2): the attacker, who knows the
    # total row is the sum of the providers, recovers nothing, with or without round_to=5
    t = _providers(shared_data)
    truth = t.assign(count=t["count"].fillna(0).astype(int))
    truth.loc[0, "count"] = 2
    total_row = int(np.flatnonzero(truth["org_name"] == "All providers")[0])
    assert truth["count"].sum() - truth.loc[total_row, "count"] == truth.loc[total_row, "count"]
    for kw in ({}, {"round_to": 5}):
        out, _ = _said(suppress, truth, totals={"org_name": "All providers"}, **kw)
        assert out.attrs["totals_not_sums"] == []
        assert out.loc[0, "count"] == "[c]"
        a = Attack()
        a.table("t", out, truth, ["count"])
        a.relation([("t", i, "count") for i in truth.index if i != total_row], [("t", total_row, "count")])
        assert a.run() == [] and a.linear(floor_one=True) == []


def test_totals_errors_show_the_call_to_write(shared_data):
    t = _providers(shared_data)
    with pytest.raises(InvalidInputError, match=r"For this table: totals=\{'org_name': 'All providers'\}") as e:
        suppress(t, totals={"All providers": "org_name"})   # the other way round
    assert e.value.argument == "totals"
    with pytest.raises(InvalidInputError, match=r"For this table: totals=\{'org_name': 'All providers'\}"):
        suppress(t, totals={"providers": "All providers"})
    with pytest.raises(InvalidInputError, match="column 'org_name' has no row labelled 'All'"):
        suppress(t, totals={"org_name": "All"})


def test_the_may_be_a_total_warning_gives_the_column_form(shared_data):
    t = _providers(shared_data)
    truth = t.assign(count=t["count"].fillna(0).astype(int))
    truth.loc[0, "count"] = 2
    _, said = _said(suppress, truth)
    msg = next(s for s in said if s.startswith("1 row that may be a total of other rows"))
    assert "'All providers' (377) = 'ST MAGNUS HOSPITAL' 2 + 'NAVIGO HEALTH AND SOCIAL CARE CIC' 160" in msg
    assert "or totals={'<column>': '<total label>'} where every other row of its column is a part" in msg


def test_a_total_beside_an_id_column_is_tied_not_skipped(shared_data):
    # the file's shape: org_id beside org_name. Both were taken as keys, so each row was a stratum of
    # its own and the named total was tied to nothing, silently; now org_id is another name of the row
    raw = pd.read_csv(shared_path(shared_data, MHA), dtype=str, keep_default_na=False)
    rows = raw[(raw["OrganisationBreakdown"] == "Independent Health Provider")
               & (raw["measureSubcategory"] == "Section 136") & (raw["Demographic"] == "All")]
    t = pd.DataFrame({"org_id": rows["OrgID"].to_numpy(), "org_name": rows["OrgName"].to_numpy(),
                      "count": pd.to_numeric(rows["Total_Count"], errors="coerce").fillna(1).to_numpy()})
    parts = [n for n in t["org_name"] if n != "All providers"]
    out, said = _said(suppress, t, totals={"All providers": parts})
    (bad,) = out.attrs["totals_not_sums"]
    assert (bad["total"], bad["parts_sum"]) == (377, t.loc[t["org_name"] != "All providers", "count"].sum()) == (377, 396)
    lonely = pd.DataFrame({"area": ["A", "B", "All"], "year": [2020, 2020, 2021], "n": [2, 9, 11]})
    with pytest.raises(InvalidInputError, match="the total 'All' .* has no part in its stratum"):
        suppress(lonely, keys=["area", "year"], totals={"area": "All"})
