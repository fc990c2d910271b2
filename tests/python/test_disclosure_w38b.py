"""suppress's column roles on tables as analysts have them (session 25, w38b).

Found by w37d's walk of the Home Office use-of-force table by perceived health condition
(shared/data/s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/):

1. every numeric column was taken for a count: ``source_line`` (the file line each saferstats reader
   adds) was suppressed and used as protection;
2. a column that is the sum of other count columns in every row (``mental_health`` = ``mental`` +
   ``physical_and_mental``; a "Total" column) was an independent count: on Hertfordshire's types of
   force suppress published ``mental_health`` 71 beside ``mental`` 69 and a hidden 2;
3. ``suppress`` on a slice of ``read_mha_annual``'s table carried the reader's ``.attrs`` (the whole
   file's dropped cells and summary) into the result.

Expected counts are from the raw CSV with pandas; recoveries are an independent attacker's
(tests/python/disclosure_attack.py, scipy's linprog).
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from disclosure_attack import Attack
from saferstats.disclosure import column_roles, suppress

UOF = "s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv"
MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"
FIVE = ["mental", "physical", "physical_and_mental", "none", "not_reported"]
SUMS = ["tactics", "mental_health", "condition_reported"]
RAW = {"mental": "Mental", "physical": "Physical", "physical_and_mental": "Physical and mental", "none": "None",
       "not_reported": "Not reported", "tactics": "Number of times tactic reported"}


@pytest.fixture(scope="module")
def herts(shared_data):
    """Hertfordshire's types of force (2019/20) as the reader gives them, checked against the raw CSV
    (read once for this module: session 33, the CI is near its time limit; the tests never change it)."""
    path = shared_path(shared_data, UOF)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        t = saferstats.read_use_of_force(path)
    h = t[(t["force"] == "Hertfordshire") & (t["row_type"] == "type of force")].reset_index(drop=True)
    raw = pd.read_csv(path)
    raw = raw[(raw["Police Force"] == "Hertfordshire") & raw["Tactic"].str.startswith("*Total")
              & (raw["Tactic"] != "*Total Tactics") & (raw["Tactic"] != "*Total Not reported")]
    raw = raw.set_index("Tactic").loc[h["tactic"]].reset_index()
    for ours, theirs in RAW.items():
        assert h[ours].tolist() == raw[theirs].astype(float).tolist(), ours
    assert h["mental_health"].tolist() == (raw["Mental"] + raw["Physical and mental"]).astype(float).tolist()
    lll = raw[raw["Tactic"] == "*Total Less lethal weapons"].iloc[0]
    assert (lll["Mental"], lll["Physical"], lll["Physical and mental"], lll["None"]) == (69, 3, 2, 347)
    return h


def _attack(published: pd.DataFrame, truth: pd.DataFrame) -> list:
    """An attacker with each column's total over the types of force (the published *Total Tactics
    row) and the definitions of the sums in every row."""
    counts = [*FIVE, *SUMS]
    a = Attack()
    a.table("u", published[counts], truth[counts].astype(float), counts)
    for c in counts:
        a.totals_over_keys("u", [], c)
    for r in truth.index:
        cell = lambda c: ("u", r, c)  # noqa: E731
        a.relation([cell("mental_health")], [cell("mental"), cell("physical_and_mental")])
        a.relation([cell("tactics")], [cell(c) for c in FIVE])
        a.relation([cell("condition_reported"), cell("not_reported")], [cell("tactics")])
    found = a.run()
    if published.attrs.get("zeros_hidden", 0) == 0:  # hidden counts are then at least 1
        found += [f for f in a.linear(floor_one=True) if f.cell not in a.latent]
    return found


def test_source_line_is_no_count(herts):
    """source_line (the CSV line of each row: 687, 694, 695, 706, 715, 716 for Hertfordshire) was a
    count: in the plain-table row totals with the health-condition counts, and hidden when small."""
    roles = column_roles(herts)
    assert "source_line" in roles["other"] and "source_line" not in roles["counts"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        out = suppress(herts)
    assert out["source_line"].tolist() == herts["source_line"].tolist()
    assert not [e for e in out.attrs["suppression"] if e["column"] == "source_line"]
    # a small line number is no small count either
    small = pd.DataFrame({"area": ["A", "B", "C"], "searches": [40, 50, 60], "source_line": [2, 3, 4]})
    assert suppress(small)["source_line"].tolist() == [2, 3, 4]
    # the other bookkeeping the readers add: read_census_ethnicity's census year, the coordinates of
    # read_stop_search / read_street_crime
    book = pd.DataFrame({"la": ["A", "B"], "population": [900, 1000], "census": [2021, 2021],
                         "latitude": [51.7, 51.8], "longitude": [-0.2, -0.3], "count": [3, 40]})
    assert column_roles(book)["other"] == ["la", "population", "census", "latitude", "longitude"]


def test_sum_columns_are_tied_to_their_parts_on_hertfordshire(herts):
    """Left to infer the roles, suppress published less lethal weapons' mental_health 71 beside mental
    69 with physical and mental 2 hidden (71 - 69 = 2). The sums are now found (equal to the sum of
    their parts in every row) and tied to them: no hidden count is recoverable."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        out = suppress(herts)
    assert _attack(out, herts) == []
    sums = {s["total"]: s["parts"] for s in out.attrs["roles"]["sums"]}
    assert sums["mental_health"] == ["mental", "physical_and_mental"]
    # Hertfordshire reported the condition for every tactic (not_reported 0): tactics and
    # condition_reported are both the four other counts
    assert herts["not_reported"].eq(0).all()
    assert sums["tactics"] == sums["condition_reported"] == ["mental", "physical", "physical_and_mental", "none"]
    assert "mental_health = mental + physical_and_mental" in out.attrs["rule"]
    lll = out[out["tactic"] == "*Total Less lethal weapons"].iloc[0]
    assert lll["physical_and_mental"] == "[c]" and lll["physical"] == "[c]"


def test_a_total_column_is_a_count_tied_to_its_parts():
    """An NHS/ONS-style table with a "Total" column: "total" is one of saferstats' count names, so
    Total alone was the count and White, Black and Asian derived values, published whatever their
    size: Black 2 beside Total 62. Now all four are counts and Total is tied to its parts."""
    t = pd.DataFrame({"area": ["A", "B", "C"], "White": [50, 60, 70], "Black": [2, 30, 40], "Asian": [10, 12, 14]})
    t["Total"] = t["White"] + t["Black"] + t["Asian"]
    assert column_roles(t)["counts"] == ["White", "Black", "Asian", "Total"]
    out = suppress(t)
    assert out.attrs["roles"]["sums"] == [{"total": "Total", "parts": ["White", "Black", "Asian"]}]
    assert out.loc[0, "Black"] == "[c]"
    a = Attack()
    cols = ["White", "Black", "Asian", "Total"]
    a.table("t", out[cols], t[cols].astype(float), cols)
    for c in cols:
        a.totals_over_keys("t", [], c)
    for r in t.index:
        a.relation([("t", r, "Total")], [("t", r, c) for c in cols[:3]])
    assert a.run() == [] and [f for f in a.linear(floor_one=True) if f.cell not in a.latent] == []
    # saferstats' own count + total (shares) are unchanged
    assert column_roles(pd.DataFrame({"g": ["a", "b"], "count": [3, 7], "total": [10, 10]}))["counts"] == ["count",
                                                                                                        "total"]


def test_a_sum_found_too_many_ways_is_warned_of():
    """Parts that add up to the same column five ways: each way tied would over-protect; the first four
    are tied and a warning names the column. (Session 30: three rows, not two: a sum of two parts is
    taken only on more than two rows with a non-zero total, and on two rows each pair was a coincidence
    by that rule, said as such: test_disclosure_w51a.py.)"""
    parts = {"a": [1, 10, 2], "b": [10, 1, 9], "c": [2, 9, 3], "d": [9, 2, 8], "e": [3, 8, 4], "f": [8, 3, 7],
             "g": [4, 7, 5], "h": [7, 4, 6], "i": [5, 6, 1], "j": [6, 5, 10]}
    t = pd.DataFrame({"area": ["X", "Y", "Z"], **parts, "t": [11, 11, 11]})
    with pytest.warns(saferstats.SaferstatsWarning, match=r"'t' is the sum of other count columns in more than 4 ways"):
        out = suppress(t)
    assert [s["total"] for s in out.attrs["roles"]["sums"]] == ["t"] * 4


def test_no_sum_in_a_plain_table_of_counts():
    """Columns that only add up in one row are not sums (a coincidence); the row totals stay."""
    t = pd.DataFrame({"area": ["A", "B", "C", "D"], "s2": [3, 40, 25, 52], "s3": [12, 19, 30, 44],
                      "informal": [15, 33, 41, 60]})  # informal = s2 + s3 in area A only
    out = suppress(t)
    assert out.attrs["roles"]["sums"] == []
    assert out["informal"].tolist() == [15, 33, 41, 60]


@pytest.fixture(scope="module")
def mha_table(shared_data):
    """read_mha_annual of NHS England's 2023-24 main sheet (CSV export), read once for this module."""
    path = shared_path(shared_data, MHA)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return saferstats.read_mha_annual(path)


def test_result_attrs_are_its_own(mha_table):
    """suppress on a slice of read_mha_annual's table (one measure by ICB) carried the reader's
    .attrs for the whole file into the result (its dropped cells, summary, mislabelled rows)."""
    t = mha_table
    assert {"dropped", "summary"} <= set(t.attrs)
    sel = ((t.measure == "All detentions") & (t.subcategory == "All") & (t.organisation_level == "ICB")
           & (t.demographic == "Ethnicity"))
    x = t[sel][["org_name", "breakdown", "count"]].reset_index(drop=True)
    assert x.attrs == t.attrs  # pandas carries them on a slice
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = suppress(x, keys=["org_name", "breakdown"], totals={})
    assert set(out.attrs) == {"missing_counts", "suppression", "roles", "unprotected", "zeros_hidden", "rule", "within"}
    assert "dropped" in x.attrs and "summary" in x.attrs  # the caller's table is untouched
    assert len(out) == len(x) > 0


def test_attrs_keep_rows_still_there():
    """keep= still reports its outcome in the result's own attrs."""
    s = pd.DataFrame({"area": ["A"] * 4 + ["B"] * 4, "group": ["White", "Black", "Asian", "Mixed"] * 2,
                      "searches": [39, 2, 0, 0, 120, 30, 15, 40]})
    s.attrs["from_reader"] = {"rows": 8}
    out = suppress(s, keys=["area", "group"], keep={"group": "White"})
    assert out.attrs["keep"]["applied"] is True and "from_reader" not in out.attrs


def test_columns_named_for_what_they_count_are_counts(shared_data):
    """Defra's fly-tipping table: ``incidents`` is a saferstats count name, so it alone was the count
    and every ``*_incidents`` column (land and waste types, sizes) a derived value, published whatever
    its size unless the row's incidents were hidden; its population a derived value too. One year
    (2021/22): incidents = the land types = the waste types in every row (raw CSV, pandas), both tied."""
    path = shared_path(shared_data, "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_flytipping(path)
    roles = column_roles(t)
    assert {"incidents", "highway_incidents", "green_incidents", "single_item_incidents"} <= set(roles["counts"])
    assert "mid_population_estimates" in roles["other"]
    assert {"incidents_per_1_000_people", "total_incidents_clearance_costs"} <= set(roles["derived"])
    raw = pd.read_csv(path)
    land = ["highway_incidents", "footpath_bridleway_incidents", "back_alleyway_incidents", "railway_incidents",
            "council_land_incidents", "agricultural_incidents", "private_residential_incidents",
            "commercial_industrial_incidents", "watercourse_bank_incidents", "other_unidentified_incidents"]
    year = t[t["period"] == "2021/22"].reset_index(drop=True)
    full = year[[*land, "incidents"]].notna().all(axis=1)
    assert full.sum() > 300 and (year.loc[full, land].sum(axis=1) == year.loc[full, "incidents"]).all()
    las = raw[(raw["Year"] == "2021-22") & ~raw["ONS Code"].astype(str).str.startswith("*")]
    raw_land = las.loc[:, "Highway Incidents":"Other (unidentified) Incidents"].apply(pd.to_numeric, errors="coerce")
    whole = raw_land.notna().all(axis=1)
    assert raw_land.shape[1] == len(land) and whole.sum() == full.sum()
    assert (raw_land[whole].sum(axis=1) == pd.to_numeric(las.loc[whole, "Total Incidents"], errors="coerce")).all()
    assert year["incidents"].sum() == pd.to_numeric(las["Total Incidents"], errors="coerce").sum()
    from saferstats.disclosure import _as_counts, _column_sums
    found, unsure = _column_sums({c: _as_counts(year, c, "[c]") for c in roles["counts"]}, roles["counts"])
    ways = [parts for total, parts in found if total == "incidents"]
    assert sorted(land) in [sorted(w) for w in ways] and len(ways) == 2 and unsure == []


def test_mha_count_and_mhsds_count_are_counts_tied(mha_table):
    """read_mha_annual's ICBs by ethnicity: mhsds_count (equal to count where both are published) was a
    derived value, published beside a hidden count; now a count tied to it, hidden with it. (NHS England
    publishes these rounded to 5, none under 5: threshold 10 hides the 5s.)"""
    t = mha_table
    sel = ((t.measure == "All detentions") & (t.subcategory == "All") & (t.organisation_level == "ICB")
           & (t.demographic == "Ethnicity"))
    x = t[sel][["org_name", "breakdown", "count", "mhsds_count"]].reset_index(drop=True)
    both = x[["count", "mhsds_count"]].dropna()
    assert len(both) > 100 and (both["count"] == both["mhsds_count"]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = suppress(x, keys=["org_name", "breakdown"], totals={}, threshold=10)
    assert out.attrs["roles"]["counts"] == ["count", "mhsds_count"]
    assert out.attrs["roles"]["sums"] == [{"total": "mhsds_count", "parts": ["count"]}]
    hid = out["count"].astype(str) == "[c]"
    assert hid.any() and (out.loc[hid, "mhsds_count"].astype(str) == "[c]").all()
