"""Session 28 (w45d): the MHA reader's warning on England's rates not of their count, the
population note of a subset kept whole without matching words, one mention of Redbridge's
recording change in its funnel label, the two FEW_DF thresholds named apart, and the docs.

Every figure is checked against the published files read with pandas or the csv module
(``/work/shared/data``), never against saferstats' own output."""

from __future__ import annotations

import warnings

import pandas as pd

from conftest import shared_path
import saferstats

MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


def _number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype(str).str.replace(",", ""), errors="coerce")


# ----------------------------------------------------------------------------- 3: MHA rates not of their count

def test_mha_rates_not_of_count_are_warned_with_their_lines(shared_data):
    """England's "All" rows whose CrudeRate is of MHSDS_Count, not Total_Count (the raw CSV with
    pandas: count / (rate ± 0.05) misses the All rows' population, MHSDS_Count / rate fits it), were in
    attrs only; a warning now names each (line, what it is per, the A&E uses count adds) and says a
    rate or funnel of count on them is not like-for-like."""
    path = shared_path(shared_data, MHA)
    raw = pd.read_csv(path, dtype=str)
    raw["line"] = raw.index + 2
    eng = raw[raw["OrganisationBreakdown"].eq("All submissions") & raw["Demographic"].eq("All")
              & raw["DemographicBreakdown"].eq("All")].copy()
    c, m, r = _number(eng["Total_Count"]), _number(eng["MHSDS_Count"]), _number(eng["CrudeRate"])
    eng = eng[(r > 0.05) & c.notna()]
    c, m, r = c[eng.index], m[eng.index], r[eng.index]
    lo, hi = c / (r + 0.05) * 1e5, c / (r - 0.05) * 1e5
    s136 = eng["measureSubcategory"].eq("Section 136") & eng["Measure"].eq("Short term orders")
    pop = float(lo[s136].iloc[0]), float(hi[s136].iloc[0])  # Section 136: 29.2 for 16,837
    off = (hi < pop[0]) | (lo > pop[1])
    of_mhsds = off & (m / (r - 0.05) * 1e5 >= pop[0]) & (m / (r + 0.05) * 1e5 <= pop[1])
    assert off.sum() == 2 and of_mhsds.sum() == 2
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        t = saferstats.read_mha_annual(path)
    said = [str(x.message) for x in w if "not of their row's count" in str(x.message)]
    assert len(said) == 1, [str(x.message) for x in w]
    msg = said[0]
    assert "2 of England's rates are not of their row's count" in msg
    for i in eng.index[off]:
        row = eng.loc[i]
        assert (f"line {row['line']}, {row['Measure']}, {row['measureSubcategory']} (All): {row['CrudeRate']} per "
                f"100,000 people in England (about 57.7 million) is of mhsds_count {int(m[i]):,} (the mental health "
                f"services' records), not of count {int(c[i]):,}, which adds {int(c[i] - m[i]):,} A&E uses") in msg
    assert "a rate, share or funnel of count on these rows is not like-for-like with crude_rate" in msg
    assert sorted(d["source_line"] for d in t.attrs["rates_not_of_count"]) == sorted(eng.loc[off, "line"])


def test_mha_ethnicity_population_is_census_2021_without_roma(shared_data):
    """The documented why of Ethnicity's 56.4 million: Census 2021 England (the shared TS021 files)
    is outside the four Ethnicity "All" rates' interval, Census 2021 less Roma is inside it."""
    raw = pd.read_csv(shared_path(shared_data, MHA), dtype=str)
    e = raw[raw["OrganisationBreakdown"].eq("All submissions") & raw["Demographic"].eq("Ethnicity")
            & raw["DemographicBreakdown"].eq("All")]
    c, r = _number(e["Total_Count"]), _number(e["CrudeRate"])
    keep = r > 0.05
    lo, hi = float((c / (r + 0.05))[keep].max() * 1e5), float((c / (r - 0.05))[keep].min() * 1e5)
    lsoa = pd.read_csv(shared_path(shared_data, "population/census2021_ew/ts021_ethnic_group_lsoa21.csv"))
    england = int(lsoa.loc[lsoa["lsoa21_code"].str.startswith("E"), "total_residents"].sum())
    la = pd.read_csv(shared_path(shared_data, "population/census2021_ew/ts021_ethnic_group_detailed_ltla21.csv"))
    roma = int(la.loc[la["ltla21_code"].str.startswith("E"), "White: Roma"].sum())
    assert england == 56_490_108 and roma == 99_122
    assert not lo <= england <= hi and lo <= england - roma <= hi
    doc = " ".join((saferstats.read_mha_annual.__doc__ or "").split())
    assert "is not Census 2021's England (56,490,108 usual residents)" in doc
    assert "in which Roma (99,122 in England) have no group: about 56.39 million" in doc
