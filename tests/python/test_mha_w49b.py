"""NHS MHA reader follow-ups of session 29 (w49b): breakdowns over their total, the Gender total row.

Data: NHS England's Mental Health Act Statistics, Annual Figures 2023-24 (main sheet, suppressed
CSV) in shared/data/s136_mental_health/ (PROVENANCE.md section 5). Every expected figure is
computed from the raw file with pandas.
"""

from __future__ import annotations

import pandas as pd

from conftest import shared_path
from test_s136_w48d import MHA, _caught, _england, _raw
import saferstats

HEAD = ("Year,Measure,measureSubcategory,Demographic,DemographicBreakdown,OrganisationBreakdown,Datasource,"
        "OrgID,OrgName,MHSDS_Count,Acute_Count,Total_Count,CrudeRate,StdRate,Confidence_interval\n")


def _file(tmp_path, rows):
    body = "".join(f"2023/24,Short term orders,Section 136,{d},{b},All submissions,MHSDS,All prov,All providers,"
                   f"{n},0,{n},,,\n" for d, b, n in rows)
    f = tmp_path / "mha.csv"
    f.write_text(HEAD + body)
    return f


# 1. Breakdowns that cover more cases than the total: flagged too, with what the gap is

def test_breakdowns_over_the_total_are_warned_and_listed(shared_data):
    raw = _raw(shared_data)
    raw["mhsds"] = pd.to_numeric(raw["MHSDS_Count"], errors="coerce")
    expected = {}
    for m in ("All detentions", "Discharges following detention"):
        total, unknown = _england(raw, m, "All", "Age", "All"), _england(raw, m, "All", "Age", "Unknown")
        genders, missing = _england(raw, m, "All", "Gender", "All genders"), _england(raw, m, "All", "Gender", "Missing")
        every = _england(raw, m, "All", "All", "All")
        assert genders["n"] + missing["n"] == every["mhsds"] == total["n"] + unknown["n"]  # the 3 of unknown age
        assert genders["n"] % 5 and missing["n"] % 5  # England's counts are not rounded to 5
        expected[m] = (total, unknown, genders, missing, every)
    total, unknown, genders, missing, every = expected["All detentions"]
    assert (total["n"], genders["n"], missing["n"], every["mhsds"], every["n"], unknown["n"]) == (
        50434, 50389, 48, 50437, 52458, 3)
    # the age bands (with "15 and under", whose row on line 2 carries level "h") add up to the Age "All" row
    bands = raw[(raw["Measure"] == "All detentions") & (raw["OrgID"] == "All prov") & (raw["Demographic"] == "Age")
                & raw["OrganisationBreakdown"].isin(["All submissions", "h"])
                & ~raw["DemographicBreakdown"].isin(["All", "Unknown"])]
    assert bands["n"].sum() == total["n"]

    # session 30 (w51c): the total is the "All" row's mhsds_count, 50,437 = Age "All" 50,434 + "Unknown" 3;
    # against it the genders with "Missing" are not over (before, against the Age "All" row alone, the
    # genders and the "All" row were listed 3 over, in both measures)
    t, said = _caught(saferstats.read_mha_annual, shared_path(shared_data, MHA))
    assert t.attrs["breakdowns_over"] == []
    assert not [m for m in said if "cover more cases" in m or "covers more cases" in m]
    # the shortfalls are of the true total, and none of them is over
    assert [(f["measure"], f["total"], f["in_no_row"]) for f in t.attrs["breakdowns_short"]
            if f["measure"] == "All detentions"] == [("All detentions", 50437.0, 1186.0)]
    assert all("direction" not in f for f in t.attrs["breakdowns_short"])


def test_over_and_under_on_small_files(tmp_path):
    base = [("Age", "All", 100), ("Age", "18 to 34", 60), ("Age", "35 to 49", 40), ("Ethnicity", "All", 90),
            ("Ethnicity", "Unknown", 10), ("Gender", "All genders", 99), ("Gender", "Missing", 1)]
    t, said = _caught(saferstats.read_mha_annual, _file(tmp_path, base))
    assert t.attrs["breakdowns_over"] == [] and t.attrs["breakdowns_short"] == []
    assert not any("cover" in m and "cases than their measure's total" in m for m in said)
    # 2 too many in "Missing", no Age "Unknown" row: over, not rounding (100 and 101 are not both multiples of 5)
    rows = [r if r[1] != "Missing" else ("Gender", "Missing", 3) for r in base]
    t, said = _caught(saferstats.read_mha_annual, _file(tmp_path, rows))
    assert t.attrs["breakdowns_short"] == []
    [f] = t.attrs["breakdowns_over"]
    assert (f["demographic"], f["in_rows"], f["over_total"], f["age_unknown"], f["within_rounding"]) == (
        "Gender", 102.0, 2.0, None, False)
    # (session 30: the total is the one Age and Ethnicity agree on, no longer "the Age 'All' row's")
    assert f["total_of"] == "the total Age and Ethnicity agree on"
    assert any("1 of England's breakdowns covers more cases than their measure's total" in m
               and "Gender 'All genders' 99 + 'Missing' 3 = 102, 2 more than the total 100 (the total Age and "
               "Ethnicity agree on, line 2;" in m
               and "not rounding" in m and "Age 'Unknown'" not in m for m in said)
    # counts rounded to 5 (as organisations' are) and 5 over: within the rounding, and said so
    rows = [("Age", "All", 100), ("Age", "18 to 34", 60), ("Age", "35 to 49", 40), ("Gender", "All genders", 100),
            ("Gender", "Missing", 5)]
    t, said = _caught(saferstats.read_mha_annual, _file(tmp_path, rows))
    [f] = t.attrs["breakdowns_over"]
    assert (f["over_total"], f["within_rounding"]) == (5.0, True)
    assert any("within the rounding of counts to 5" in m for m in said)


# 2. Gender's total row is "All genders": findable with total_row

def test_total_row_finds_every_demographics_total_including_gender(shared_data):
    raw = _raw(shared_data)
    s136 = ("Short term orders", "Section 136")
    genders = _england(raw, *s136, "Gender", "All genders")
    missing = _england(raw, *s136, "Gender", "Missing")
    assert (genders["n"], missing["n"]) == (15173, 39)
    assert genders["n"] + missing["n"] == _england(raw, *s136, "Age", "All")["n"]
    eng = raw[(raw["OrganisationBreakdown"] == "All submissions") & (raw["Measure"] == s136[0])
              & (raw["measureSubcategory"] == s136[1])]
    expected = eng[(eng["DemographicBreakdown"] == "All")
                   | ((eng["Demographic"] == "Gender") & (eng["DemographicBreakdown"] == "All genders"))]
    assert sorted(expected["Demographic"]) == ["Age", "All", "Ethnicity", "Gender"]

    t, _ = _caught(saferstats.read_mha_annual, shared_path(shared_data, MHA))
    assert t["total_row"].dtype == bool
    nat = t[(t["organisation_level"] == "All submissions") & (t["measure"] == s136[0]) & (t["subcategory"] == s136[1])]
    tot = nat[nat["total_row"]]
    assert sorted(zip(tot["demographic"], tot["breakdown"], tot["count"])) == sorted(
        zip(expected["Demographic"], expected["DemographicBreakdown"], expected["n"].astype(float)))
    assert ("Gender", "All genders", 15173.0) in set(zip(tot["demographic"], tot["breakdown"], tot["count"]))
    # the old filter misses Gender; the labels are kept as published
    assert "Gender" not in set(nat.loc[nat["breakdown"] == "All", "demographic"])
    # a total label under another demographic (a slip in the source) is no total row
    slips = t[(t["demographic"] != "Gender") & (t["breakdown"] == "All genders")]
    assert len(slips) > 0 and not slips["total_row"].any()
    # every row of the file: total_row is the raw file's total labels, less (session 30, w51c) the 16
    # jumbled "People subject to repeat detentions" rows whose total label holds no total (test_mha_w51c)
    want = (raw["DemographicBreakdown"] == "All") | ((raw["Demographic"] == "Gender")
                                                    & (raw["DemographicBreakdown"] == "All genders"))
    jumbled = want & (raw["Measure"] == "People subject to repeat detentions") & (raw["Demographic"] != "All")
    assert int(jumbled.sum()) == 16
    # session 31 (w52e): that measure's jumbled subcategories "2", "3" and "5" are put back in order by
    # position (test_mha_w52e): their "All" rows, published as "Female" 8,376 and "Male" 1,482, are total
    # rows now (1,799 + 2 = 1,801), and each demographic's total row of the measure holds 0 (not a total)
    repeat = raw["Measure"] == "People subject to repeat detentions"
    put_back = repeat & raw["measureSubcategory"].isin(["2", "3", "5"]) & (raw["Demographic"] == "All") \
        & (raw["DemographicBreakdown"] != "All")
    assert sorted(raw.loc[put_back, "n"]) == [1482, 8376]
    assert int(t["total_row"].sum()) == int((want & ~jumbled).sum()) + 2 == 1801


def test_docstring_example_uses_total_row_and_finds_gender():
    doc = saferstats.read_mha_annual.__doc__
    assert "breakdown == 'All' and organisation_level" not in doc
    assert "total_row and organisation_level == 'All submissions'" in doc
    t, _ = _caught(saferstats.read_mha_annual, saferstats.datasets.mha_annual_excerpt_path())
    s136 = t.query("subcategory == 'Section 136' and total_row and organisation_level == 'All submissions'")
    assert list(zip(s136["demographic"], s136["breakdown"])) == [
        ("Age", "All"), ("All", "All"), ("Ethnicity", "All"), ("Gender", "All genders")]
    assert "('Gender', 'All genders', 'MHSDS', 15173, 0, 15173)" in doc


def test_methods_page_says_the_over_cases_and_total_row(shared_data):
    from pathlib import Path

    from test_s136_w41b import _flat

    page = _flat((Path(__file__).resolve().parents[2] / "docs" / "methods" / "s136.md").read_text())
    raw = _raw(shared_data)
    d = [(_england(raw, m, "All", "Gender", "All genders")["n"] + _england(raw, m, "All", "Gender", "Missing")["n"],
          _england(raw, m, "All", "Age", "All")["n"], _england(raw, m, "All", "Age", "Unknown")["n"])
         for m in ("All detentions", "Discharges following detention")]
    assert (f'"All detentions" has genders (with "Missing") of {d[0][0]:,.0f} against {d[0][1]:,.0f}, and "Discharges '
            f'following detention" {d[1][0]:,.0f} against {d[1][1]:,.0f}') in page
    assert d[0][0] - d[0][1] == d[0][2] == d[1][0] - d[1][1] == d[1][2] == 3
    assert 'it is the Age "Unknown" row (3 in each)' in page
    g = _england(raw, "Short term orders", "Section 136", "Gender", "All genders")["n"]
    m = _england(raw, "Short term orders", "Section 136", "Gender", "Missing")["n"]
    assert f'Gender\'s total row is labelled "All genders", not "All" ({g:,.0f} Section 136 uses, without "Missing"\'s {m:,.0f})' in page
    assert "with the `total_row` column" in page
