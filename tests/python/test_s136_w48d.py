"""Section 136 / MHA walk of session 29 (w48d).

Data: NHS England's Mental Health Act Statistics, Annual Figures 2023-24 (main sheet, suppressed
CSV) in shared/data/s136_mental_health/ (PROVENANCE.md section 5). Every expected figure is
computed from the raw file with pandas.
"""

from __future__ import annotations

import pandas as pd

from conftest import shared_path
from test_s136_w41b import _caught as _caught_raw, _flat
import saferstats

MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


def _caught(fn, *args, **kw):
    out, said = _caught_raw(fn, *args, **kw)
    return out, [_flat(m) for m in said]


def _raw(shared_data) -> pd.DataFrame:
    raw = pd.read_csv(shared_path(shared_data, MHA), dtype=str, keep_default_na=False)
    raw["n"] = pd.to_numeric(raw["Total_Count"].str.replace(",", ""), errors="coerce")
    raw["line"] = raw.index + 2  # the header is line 1
    return raw


def _england(raw: pd.DataFrame, measure: str, sub: str, demographic: str, breakdown: str) -> pd.Series:
    row = raw[(raw["OrganisationBreakdown"] == "All submissions") & (raw["Measure"] == measure)
              & (raw["measureSubcategory"] == sub) & (raw["Demographic"] == demographic)
              & (raw["DemographicBreakdown"] == breakdown)]
    assert len(row) == 1
    return row.iloc[0]


# 1. England's ethnicity rows miss some Section 136 uses, silently

def test_ethnicity_rows_short_of_the_total_are_warned_and_listed(shared_data):
    raw = _raw(shared_data)
    s136 = ("Short term orders", "Section 136")
    age = raw[(raw["OrganisationBreakdown"] == "All submissions") & (raw["Measure"] == s136[0])
              & (raw["measureSubcategory"] == s136[1]) & (raw["Demographic"] == "Age")]
    total = _england(raw, *s136, "Age", "All")
    bands = age[age["DemographicBreakdown"] != "All"]["n"].sum()
    assert bands == total["n"] == 15212  # the age bands add up to the total
    gender = _england(raw, *s136, "Gender", "All genders")["n"] + _england(raw, *s136, "Gender", "Missing")["n"]
    assert gender == total["n"]  # so do the genders with "Missing"
    known, unknown = _england(raw, *s136, "Ethnicity", "All"), _england(raw, *s136, "Ethnicity", "Unknown")
    broad = ["White", "Asian or Asian British", "Black or Black British", "Mixed", "Other Ethnic Groups"]
    assert sum(_england(raw, *s136, "Ethnicity", b)["n"] for b in broad) == known["n"]  # "All" is of known
    in_rows = known["n"] + unknown["n"]
    assert in_rows == 14947 and total["n"] - in_rows == 265

    # session 30 (w51c): the total is the measure's "All" row's MHSDS_Count (line 6475, 15,212; the Age
    # "All" row, line 6473, holds the same here), and the record says which total it is
    every = _england(raw, *s136, "All", "All")
    assert int(every["MHSDS_Count"]) == total["n"]

    t, said = _caught(saferstats.read_mha_annual, shared_path(shared_data, MHA))
    found = [f for f in t.attrs["breakdowns_short"] if f["subcategory"] == "Section 136"]
    assert found == [{"source_lines": [int(known["line"]), int(unknown["line"])], "measure": s136[0],
                      "subcategory": s136[1], "demographic": "Ethnicity", "total": 15212.0,
                      "total_line": int(every["line"]), "total_of": "the 'All' row's mhsds_count",
                      "rows": {"All": 13156.0, "Unknown": 1791.0}, "in_rows": 14947.0, "in_no_row": 265.0}]
    msg = [m for m in said if "cover fewer cases" in m]
    assert len(msg) == 1
    assert (f"lines {known['line']}, {unknown['line']}, Short term orders, Section 136: Ethnicity 'All' 13,156 "
            f"+ 'Unknown' 1,791 = 14,947 of the total 15,212 (the 'All' row's mhsds_count, line {every['line']}): "
            "265 (1.7%) in no ethnicity row") in msg[0]
    # every England measure whose ethnicity rows fall short of the "All" row's MHSDS_Count, from the raw file
    # (session 30: "All detentions" 1,186 of 50,437, where against the Age "All" row it was 1,183 of 50,434)
    expected = []
    eng = raw[raw["OrganisationBreakdown"] == "All submissions"]
    for (m, s), g in eng.groupby(["Measure", "measureSubcategory"], sort=False):
        pick = {(d, b): g[(g["Demographic"] == d) & (g["DemographicBreakdown"] == b)]
                for d, b in [("All", "All"), ("Ethnicity", "All"), ("Ethnicity", "Unknown")]}
        if all(len(v) == 1 and v["n"].notna().all() for v in pick.values()):
            ref = float(pick[("All", "All")]["MHSDS_Count"].iloc[0])
            cov = pick[("Ethnicity", "All")]["n"].iloc[0] + pick[("Ethnicity", "Unknown")]["n"].iloc[0]
            if m != "People subject to repeat detentions" and ref > 0 and 0 < cov < ref:  # (its labels are jumbled)
                expected.append((m, s, ref - cov))
    got = [(f["measure"], f["subcategory"], f["in_no_row"]) for f in t.attrs["breakdowns_short"]]
    assert sorted(got) == sorted(expected)
    assert ("All detentions", "All", 1186.0) in got and len(got) == 4


def test_breakdowns_that_cover_the_total_are_not_flagged(tmp_path):
    head = ("Year,Measure,measureSubcategory,Demographic,DemographicBreakdown,OrganisationBreakdown,Datasource,"
            "OrgID,OrgName,MHSDS_Count,Acute_Count,Total_Count,CrudeRate,StdRate,Confidence_interval\n")
    rows = [("Age", "All", 100), ("Age", "18 to 34", 60), ("Age", "35 to 49", 40), ("Ethnicity", "All", 90),
            ("Ethnicity", "Unknown", 10), ("Gender", "All genders", 99), ("Gender", "Missing", 1)]
    body = "".join(f"2023/24,Short term orders,Section 136,{d},{b},All submissions,MHSDS,All prov,All providers,"
                   f"{n},0,{n},,,\n" for d, b, n in rows)
    f = tmp_path / "mha.csv"
    f.write_text(head + body)
    t, said = _caught(saferstats.read_mha_annual, f)
    assert t.attrs["breakdowns_short"] == []
    assert not any("cover fewer cases" in m for m in said)
    # one fewer in Unknown: 99 of 100, flagged
    f.write_text(head + body.replace("Unknown,All submissions,MHSDS,All prov,All providers,10,0,10",
                                     "Unknown,All submissions,MHSDS,All prov,All providers,9,0,9"))
    t, said = _caught(saferstats.read_mha_annual, f)
    assert [(x["demographic"], x["in_rows"], x["in_no_row"]) for x in t.attrs["breakdowns_short"]] == [
        ("Ethnicity", 99.0, 1.0)]
    assert any("1 of England's breakdowns covers fewer cases" in m for m in said)


# 2. docs/methods/s136.md: Section 136 uses are by provider, not ICB; the ethnicity rows miss 265

def test_methods_page_says_s136_uses_are_by_provider_only_and_the_ethnicity_gap(shared_data):
    from pathlib import Path

    page = _flat((Path(__file__).resolve().parents[2] / "docs" / "methods" / "s136.md").read_text())
    raw = _raw(shared_data)
    s136 = raw[(raw["Measure"] == "Short term orders") & (raw["measureSubcategory"] == "Section 136")]
    levels = s136.groupby("OrganisationBreakdown")["OrgID"].apply(lambda x: int((x != "All prov").sum()))
    assert set(levels.index) == {"All submissions", "NHS Trust", "Independent Health Provider"}  # no ICB, no sub-ICB
    herts = s136[s136["OrgName"].str.contains("HERTFORDSHIRE", case=False)]
    assert len(herts) == 1 and herts["OrganisationBreakdown"].iloc[0] == "NHS Trust"
    assert (f"Section 136 uses themselves are published for England and by provider only ({levels['NHS Trust']} NHS "
            f"trusts and {levels['Independent Health Provider']} independent providers in 2023-24, where the person "
            f"was taken: Hertfordshire Partnership University NHS Foundation Trust {int(herts['n'].iloc[0])}), by no "
            "ICB or sub-ICB") in page
    s = ("Short term orders", "Section 136")
    total = int(_england(raw, *s, "Age", "All")["n"])
    known, unknown = int(_england(raw, *s, "Ethnicity", "All")["n"]), int(_england(raw, *s, "Ethnicity", "Unknown")["n"])
    gap = total - known - unknown
    assert (f"the two make {known + unknown:,} of the {total:,} the age bands add up to, so {gap} uses are in no "
            "ethnicity row") in page
    assert (f"({100 * unknown / (known + unknown):.1f}% of {known + unknown:,}; {unknown + gap:,} of {total:,}, "
            f"{100 * (unknown + gap) / total:.1f}%, are of no known group)") in page
    assert "England only, by provider and ICB, not by police force" in page  # kept (test_s136_w40d pins it)
