"""NHS MHA reader, session 30 (w51c): breakdowns against the true total, total_row on jumbled rows, IMD.

Data: NHS England's Mental Health Act Statistics, Annual Figures 2023-24 (main sheet, suppressed
CSV) in shared/data/s136_mental_health/ (PROVENANCE.md section 5). Every expected figure is
computed from the raw file with pandas, or written out by hand for the small inline files.
"""

from __future__ import annotations

from pathlib import Path

from conftest import shared_path
from test_mha_w49b import _file  # England's Section 136 rows, one a line from line 2
from test_s136_w41b import _flat
from test_s136_w48d import MHA, _caught, _england, _raw
import saferstats


# 1. Each breakdown against the measure's true total, and which total that is

def test_all_detentions_ethnicity_short_of_the_true_total(shared_data):
    """Before: the Ethnicity rows of "All detentions" were compared with the Age "All" row, which
    leaves out Age "Unknown", and said 1,183 of 50,434. The true total is the "All" row's
    MHSDS_Count, 50,437 (= Age "All" 50,434 + "Unknown" 3 = genders with "Missing" = IMD "All"),
    so 1,186 of 50,437. Reference: the raw CSV read with pandas, the sums written out."""
    raw = _raw(shared_data)
    m = ("All detentions", "All")
    every = _england(raw, *m, "All", "All")
    age, age_unknown = _england(raw, *m, "Age", "All"), _england(raw, *m, "Age", "Unknown")
    eth, eth_unknown = _england(raw, *m, "Ethnicity", "All"), _england(raw, *m, "Ethnicity", "Unknown")
    genders, missing = _england(raw, *m, "Gender", "All genders"), _england(raw, *m, "Gender", "Missing")
    imd = _england(raw, *m, "IMD", "All")
    assert int(every["MHSDS_Count"]) == 50437 and every["n"] == 52458
    assert age["n"] + age_unknown["n"] == 50434 + 3 == 50437
    assert genders["n"] + missing["n"] == 50389 + 48 == 50437
    assert imd["n"] == 50437
    assert eth["n"] + eth_unknown["n"] == 45525 + 3726 == 49251
    assert 50437 - 49251 == 1186 and 50434 - 49251 == 1183  # now, and before

    t, said = _caught(saferstats.read_mha_annual, shared_path(shared_data, MHA))
    [f] = [f for f in t.attrs["breakdowns_short"] if f["measure"] == "All detentions"]
    assert f == {"source_lines": [int(eth["line"]), int(eth_unknown["line"])], "measure": "All detentions",
                 "subcategory": "All", "demographic": "Ethnicity", "total": 50437.0, "total_line": int(every["line"]),
                 "total_of": "the 'All' row's mhsds_count", "rows": {"All": 45525.0, "Unknown": 3726.0},
                 "in_rows": 49251.0, "in_no_row": 1186.0}
    assert int(every["line"]) == 311
    msg = [m for m in said if "cover fewer cases" in m]
    assert len(msg) == 1
    assert (f"lines {eth['line']}, {eth_unknown['line']}, All detentions, All: Ethnicity 'All' 45,525 + 'Unknown' "
            "3,726 = 49,251 of the total 50,437 (the 'All' row's mhsds_count, line 311): 1,186 (2.4%) in no "
            "ethnicity row") in msg[0]
    # Age (with "Unknown"), Gender (with "Missing") and IMD cover the total: neither short nor over
    assert t.attrs["breakdowns_over"] == []
    assert {f["demographic"] for f in t.attrs["breakdowns_short"]} == {"Ethnicity"}
    # "Discharges following detention": 36,213 (the "All" row), Ethnicity 821 short (before: 818 of 36,210)
    d = ("Discharges following detention", "All")
    tot = float(_england(raw, *d, "All", "All")["MHSDS_Count"])
    cov = _england(raw, *d, "Ethnicity", "All")["n"] + _england(raw, *d, "Ethnicity", "Unknown")["n"]
    assert (tot, cov) == (36213.0, 32669 + 2723)
    [g] = [f for f in t.attrs["breakdowns_short"] if f["measure"] == d[0]]
    assert (g["total"], g["in_no_row"]) == (36213.0, tot - cov) == (36213.0, 821.0)


def test_without_an_all_row_the_total_two_breakdowns_agree_on(tmp_path):
    """A measure with no "All" row: the total is the largest that two breakdowns agree on (Age 100
    + "Unknown" 2 = 102 = Gender 100 + "Missing" 2), not the Age "All" row's 100 (before: Ethnicity
    95 + 5 = 100 passed and the genders were said to be 2 over). Hand sums."""
    rows = [("Age", "All", 100), ("Age", "18 to 34", 60), ("Age", "35 to 49", 40), ("Age", "Unknown", 2),
            ("Ethnicity", "All", 95), ("Ethnicity", "Unknown", 5), ("Gender", "All genders", 100),
            ("Gender", "Missing", 2)]
    assert 100 + 2 == 100 + 2 and 95 + 5 == 100
    t, said = _caught(saferstats.read_mha_annual, _file(tmp_path, rows))
    assert t.attrs["breakdowns_over"] == []
    [f] = t.attrs["breakdowns_short"]
    assert (f["demographic"], f["total"], f["total_of"], f["total_line"], f["in_rows"], f["in_no_row"]) == (
        "Ethnicity", 102.0, "the total Age and Gender agree on", 2, 100.0, 2.0)
    assert any("= 100 of the total 102 (the total Age and Gender agree on, line 2): 2 (2.0%) in no ethnicity row"
               in m for m in said)


# 2. total_row only where the row is its measure's total

def test_total_row_false_on_the_jumbled_repeat_detention_rows(shared_data):
    """Before: ``total_row`` was True on every total label, also on "People subject to repeat
    detentions"' rows, whose labels are out of order: Age "All" 0 beside "18 to 34" 16,652
    (subcategory "1"), Ethnicity "All" 0, Gender "All genders" 0 (and 28 in subcategory "2" beside
    "Male" 3,981). A total is at least each of its groups. Reference: the raw CSV with pandas, each
    total label's count against the largest other count of its group (the rows of cases in no
    group, such as "Unknown" and "Missing", left aside)."""
    raw = _raw(shared_data)
    label = (raw["DemographicBreakdown"] == "All") | ((raw["Demographic"] == "Gender")
                                                     & (raw["DemographicBreakdown"] == "All genders"))
    keys = ["Year", "Measure", "measureSubcategory", "Demographic", "OrganisationBreakdown", "OrgID"]
    not_placed = {"Unknown", "Missing", "Not Known", "Not Stated", "Not stated", "Not stated/Not known/Invalid"}
    parts = raw[~label & ~raw["DemographicBreakdown"].isin(not_placed)].groupby(keys)["n"].max().rename("largest")
    lab = raw[label].join(parts, on=keys)
    no_total = lab[lab["n"] < lab["largest"]]
    assert len(no_total) == 16 and set(no_total["Measure"]) == {"People subject to repeat detentions"}
    sub1 = raw[(raw["Measure"] == "People subject to repeat detentions") & (raw["measureSubcategory"] == "1")
               & (raw["OrganisationBreakdown"] == "All submissions")]
    age = sub1[sub1["Demographic"] == "Age"].set_index("DemographicBreakdown")["n"]
    assert (age["All"], age["18 to 34"]) == (0, 16652)
    bands = age.drop(["All", "Unknown"]).sum()
    every = sub1[sub1["Demographic"] == "All"]["n"].iloc[0]
    assert (bands, age["Unknown"], every) == (47827, 3, 47830)  # the "All" row is the total

    t, _ = _caught(saferstats.read_mha_annual, shared_path(shared_data, MHA))
    lines = (no_total["line"] - 2).to_numpy()  # row k of the table is line k + 2
    assert not t["total_row"].iloc[lines].any()
    # session 31 (w52e): subcategories "2" and "3"'s "All" rows, published as "Female" and "Male", are put
    # back in order as "All" and are total rows (+2; test_mha_w52e)
    assert t["total_row"].to_numpy().sum() == int(label.sum()) - 16 + 2
    assert bool(t["total_row"].iloc[int(sub1[sub1["Demographic"] == "All"]["line"].iloc[0]) - 2])
    assert not bool(t["total_row"].iloc[int(sub1[(sub1["Demographic"] == "Age")
                                                 & (sub1["DemographicBreakdown"] == "All")]["line"].iloc[0]) - 2])
    # and those labels are not compared as totals: no repeat-detention breakdown is listed short or over
    listed = t.attrs["breakdowns_short"] + t.attrs["breakdowns_over"]
    assert not [f for f in listed if f["measure"] == "People subject to repeat detentions"]


def test_total_row_kept_where_unknown_exceeds_a_known_total(tmp_path):
    """A total of known ethnicity below its "Unknown" row is still the total row (the cases in no
    group are outside it), while a Gender "All genders" 3 below "Male" 40 is not. Hand figures."""
    rows = [("All", "All", 100), ("Age", "All", 100), ("Age", "18 to 34", 100), ("Ethnicity", "All", 30),
            ("Ethnicity", "White", 30), ("Ethnicity", "Unknown", 70), ("Gender", "All genders", 3),
            ("Gender", "Male", 40), ("Gender", "Female", 60)]
    t, _ = _caught(saferstats.read_mha_annual, _file(tmp_path, rows))
    got = dict(zip(zip(t["demographic"], t["breakdown"]), t["total_row"]))
    assert got[("Ethnicity", "All")] and got[("Age", "All")] and got[("All", "All")]
    assert not got[("Gender", "All genders")]


# 3. IMD's "All" row against the total, as Ethnicity's and Gender's

def test_imd_all_row_is_checked_against_the_total(tmp_path, shared_data):
    """Before: IMD was not compared with the total. Its "All" row holds "Not stated/Not known/Invalid"
    (2023-24 "All detentions": deciles 47,575 + 2,862 = 50,437 = the "All" row's MHSDS_Count), so
    "All" alone is compared. Hand figures: IMD "All" 95 of 100 is 5 short; 103 is 3 over."""
    raw = _raw(shared_data)
    imd = raw[(raw["OrganisationBreakdown"] == "All submissions") & (raw["Measure"] == "All detentions")
              & (raw["Demographic"] == "IMD")].set_index("DemographicBreakdown")["n"]
    unstated = imd["Not stated/Not known/Invalid"]
    assert (imd.drop(["All", "Not stated/Not known/Invalid"]).sum(), unstated, imd["All"]) == (47575, 2862, 50437)
    t, _ = _caught(saferstats.read_mha_annual, shared_path(shared_data, MHA))
    assert not [f for f in t.attrs["breakdowns_short"] + t.attrs["breakdowns_over"] if f["demographic"] == "IMD"]

    base = [("All", "All", 100), ("Age", "All", 100), ("Age", "18 to 34", 100), ("IMD", "01 Most deprived", 60),
            ("IMD", "10 Least deprived", 30), ("IMD", "Not stated/Not known/Invalid", 5)]
    t, said = _caught(saferstats.read_mha_annual, _file(tmp_path, base + [("IMD", "All", 95)]))
    assert t.attrs["breakdowns_over"] == []
    [f] = t.attrs["breakdowns_short"]
    assert f == {"source_lines": [8], "measure": "Short term orders", "subcategory": "Section 136",
                 "demographic": "IMD", "total": 100.0, "total_line": 2, "total_of": "the 'All' row's mhsds_count",
                 "rows": {"All": 95.0}, "in_rows": 95.0, "in_no_row": 5.0}
    assert any("1 of England's breakdowns covers fewer cases than their measure's total (line 8, Short term "
               "orders, Section 136: IMD 'All' 95 = 95 of the total 100 (the 'All' row's mhsds_count, line 2): 5 "
               "(5.0%) in no IMD row)" in m and "Listed in .attrs['breakdowns_short']" in m for m in said)
    t, said = _caught(saferstats.read_mha_annual, _file(tmp_path, base + [("IMD", "All", 103)]))
    assert t.attrs["breakdowns_short"] == []
    [f] = t.attrs["breakdowns_over"]
    assert (f["demographic"], f["in_rows"], f["over_total"], f["direction"], f["within_rounding"]) == (
        "IMD", 103.0, 3.0, "over", False)
    assert any("IMD 'All' 103 = 103, 3 more than the total 100 (the 'All' row's mhsds_count, line 2;" in m
               and "Listed in .attrs['breakdowns_over']" in m for m in said)
    t, _ = _caught(saferstats.read_mha_annual, _file(tmp_path, base + [("IMD", "All", 100)]))
    assert t.attrs["breakdowns_short"] == [] and t.attrs["breakdowns_over"] == []


# 4. docs/methods/s136.md says short and over, with the figures

def test_methods_page_says_short_and_over_against_the_true_total(shared_data):
    """Before: the page did not say that the Age "All" row leaves out "Unknown" (50,434 + 3 = 50,437)
    nor that the check is against the "All" row's mhsds_count. Figures from the raw file."""
    page = _flat((Path(__file__).resolve().parents[2] / "docs" / "methods" / "s136.md").read_text())
    raw = _raw(shared_data)
    m = ("All detentions", "All")
    age, unk = _england(raw, *m, "Age", "All")["n"], _england(raw, *m, "Age", "Unknown")["n"]
    every = int(_england(raw, *m, "All", "All")["MHSDS_Count"])
    eth = _england(raw, *m, "Ethnicity", "All")["n"] + _england(raw, *m, "Ethnicity", "Unknown")["n"]
    assert age + unk == every
    assert (f'the Age "All" row leaves out Age "Unknown" ({int(age):,} + {int(unk)} = {every:,} in "All detentions")'
            in page)
    assert f'"All detentions" {int(every - eth):,} of {every:,}' in page
    assert '`.attrs["breakdowns_short"]`' in page and '`.attrs["breakdowns_over"]`' in page
    assert "the \"All\" row's `mhsds_count`" in page
    assert "1,183" not in page and "IMD" in page
