"""Session 28 (w45d): the MHA reader's warning on England's rates not of their count, the
population note of a subset kept whole without matching words, one mention of Redbridge's
recording change in its funnel label, the two FEW_DF thresholds named apart, and the docs.

Every figure is checked against the published files read with pandas or the csv module
(``/work/shared/data``), never against saferstats' own output."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

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


# ----------------------------------------------------------------------------- 1: the population note in parts

HATE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"
BUNDLED = "hate_crime_by_force() (the Home Office table by force, 2017-18 and 2018-19)"


def _said(fn, table, **kw) -> list[str]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn(table, count="offences", population="population", missing="propagate", **kw)
    return [str(x.message) for x in w if "the population is" in str(x.message)]


def _file_cells(path) -> pd.DataFrame:
    """The Home Office file's Force, Year and Population cells (the csv module's reading, via pandas)."""
    raw = pd.read_csv(path, dtype=str)
    raw["force"] = raw["Force"].str.strip()
    raw["pop"] = _number(raw["Population"])
    return raw


@pytest.mark.parametrize("which", ["bundled", "read"])
def test_population_note_is_kept_in_parts(shared_data, which):
    """The note of one population for both years is kept apart in attrs (its base sentence and the
    sentences after it), its text as before: base + ". " + each extra sentence."""
    path = shared_path(shared_data, HATE)
    raw = _file_cells(path)
    herts = raw.loc[raw["force"].eq("Hertfordshire"), "pop"]
    assert set(herts) == {1_184_400.0} and sorted(raw["Year"].unique()) == ["2017-18", "2018-19"]
    if which == "bundled":
        t = saferstats.datasets.hate_crime_by_force()
        name, periods = BUNDLED, ["2017-18", "2018-19"]
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = saferstats.read_hate_crime(path)
        name, periods = "Hate crime.csv", ["2017/18", "2018/19"]
    parts = t.attrs["population_note_parts"]
    assert parts["source"] == name and parts["periods"] == periods
    assert parts["base"].startswith(f"{name}: the population is the same figure in every year ({', '.join(periods)})")
    assert parts["extra"] == [{"kind": "unstated_estimate", "text": (
        "Which year's mid-year estimate it is is stated neither in the file nor in the bulletin's tables: rounded to "
        "hundreds, it is neither Census (Hertfordshire 1,184,400 here; 1,116,062 residents in 2011, 1,198,832 in "
        "2021)")}]
    assert t.attrs["population_note"] == parts["base"] + ". " + parts["extra"][0]["text"]


def test_subset_note_keeps_whole_sentences_from_the_parts():
    """A sentence the source adds after the base is kept whole in a subset's note, however it is
    worded (no words of it are looked for): here one that repeats the base's last words, which the
    word match split at."""
    t = saferstats.datasets.hate_crime_by_force()
    own = "Say which year the population is beside the rates (the bulletin, table 2.3), as the Home Office does"
    t.attrs["population_note_parts"]["extra"].append({"kind": "source", "text": own})
    t.attrs["population_note"] += f". {own}"
    essex = t[t["force"].isin(["Essex", "Kent"])]
    pops = t.set_index("force")["population"]
    said = _said(saferstats.add_rates, essex)
    assert len(said) == 1, said
    assert said[0].endswith(f"rounded to hundreds (Essex {int(pops['Essex'].iloc[0]):,} here; Hertfordshire 1,184,400 "
                            f"is neither Census). {own}"), said[0]
    assert said[0].count("Which year's mid-year estimate") == 1


def test_a_note_set_by_hand_is_said_as_it_is():
    """A population_note without its parts (set by the analyst) is repeated as written, not cut
    up by its words."""
    t = saferstats.datasets.hate_crime_by_force().query("force == 'Essex'")
    t.attrs = {"population_note": "my.csv: one population for both years; say which year the population is beside "
                                  "the rates. Mine."}
    assert _said(saferstats.add_rates, t) == [f"add_rates: {t.attrs['population_note']}"]


# ----------------------------------------------------------------------------- 2: Redbridge's 4-fold change said once

FLY_CSV = "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv"
FLY_BOOK = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


def test_redbridge_funnel_label_says_its_change_once(shared_data):
    """Redbridge 2021/22 (Defra: public reports only, 26,053 in 2020-21 and 6,035 in 2021-22) was
    labelled with its note, which gives the 4-fold change, and "also recording_step True", the same
    change again; the label now says it once."""
    pytest.importorskip("openpyxl")
    raw = pd.read_csv(shared_path(shared_data, FLY_CSV), dtype=str)
    red = raw[raw["LA Name"].eq("Redbridge")].set_index("Year")
    fold = float(_number(red["Total Incidents"])["2020-21"] / _number(red["Total Incidents"])["2021-22"])
    assert fold >= 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ft = saferstats.read_flytipping(shared_path(shared_data, FLY_BOOK))
    y = ft[(ft.period == "2021/22") & ft.incidents.notna()]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        saferstats.funnel_significance("incidents", "mid_population_estimates", data=y, kind="rate", multiplier=1000)
    basis = [str(x.message) for x in w if "not counted on Defra's 'All incidents' basis" in str(x.message)]
    assert len(basis) == 1
    label = basis[0].split(": Redbridge 2021/22 (", 1)[1].split("), ", 1)[0]
    assert label == (f"Customer/public reported only; down {fold:.1f}-fold on the previous year published: a change "
                     "in recording?")
    assert "also recording_step" not in basis[0]


# ----------------------------------------------------------------------------- 4: names

def test_the_two_few_df_thresholds_have_their_own_names():
    """`__main__.FEW_DF` (5: `trend --use-z` gives the t p-value) and `trend.FEW_DF` (30: the
    library warns that z intervals are optimistic) were one name for two thresholds."""
    from saferstats import __main__ as cli, trend

    assert trend.QUASI_Z_WARN_BELOW_DF == 30 and trend.FEW_DF == trend.QUASI_Z_WARN_BELOW_DF  # the old public name
    assert cli.USE_Z_T_PVALUE_BELOW_DF == 5 and not hasattr(cli, "FEW_DF")
    # what the 30 is for: t(0.975, 30) is 4% above z
    from scipy import stats
    assert stats.t.ppf(0.975, 30) / stats.norm.ppf(0.975) - 1 == pytest.approx(0.042, abs=0.001)


def test_vocabulary_says_what_monthly_counts_and_financial_years_return():
    """docs/vocabulary.md catalogued them as helpers ("a scalar, array or tuple"): they return a
    Series and a DataFrame of counts by period, now their own kind, "tally"."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in doc.splitlines() if line.startswith("| ")}
    assert "`monthly_counts`" not in rows["helper"] and "`financial_years`" not in rows["helper"]
    assert "`monthly_counts`, `financial_years` |" in rows["tally"]
    records = pd.DataFrame({"month": ["2021-04", "2021-04", "2021-06", "2022-03", "2022-04"]})
    counts = saferstats.monthly_counts(records, date="month")
    assert isinstance(counts, pd.Series) and counts.tolist() == [2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # part years: said by its own warning
        years = saferstats.financial_years(records)
    assert isinstance(years, pd.DataFrame) and years["period"].tolist() == ["2021/22", "2022/23"]


# ----------------------------------------------------------------------------- 5: which period a funnel names

def test_funnel_names_period_where_a_table_has_period_and_year_and_the_docs_say_so(shared_data):
    """The bundled Home Office table has `period` ("2018/19") and `year` ("2018-19", as the file
    prints it, read here with pandas): the funnel's mixed-period warning names and filters
    `period`, and the methods page and the docstring say which column is used."""
    from pathlib import Path

    raw = pd.read_csv(shared_path(shared_data, HATE), dtype=str)
    t = saferstats.datasets.hate_crime_by_force()
    assert {"period", "year"} <= set(t.columns) and sorted(raw["Year"].unique()) == sorted(t["year"].unique())
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        saferstats.funnel_significance("offences", "population", data=t.dropna(subset=["population"]), kind="rate",
                                       multiplier=100_000)
    mixed = [str(x.message) for x in w if "the points are of 2 periods" in str(x.message)]
    assert len(mixed) == 1 and "(2017/18, 2018/19)" in mixed[0] and "data[data['period'] == '2018/19']" in mixed[0]
    doc = (Path(__file__).resolve().parents[2] / "docs" / "methods" / "trends.md").read_text(encoding="utf-8")
    page = " ".join(doc.split())
    assert ("Where a table has both `period` and `year` — the bundled `datasets.hate_crime_by_force()`: `period` "
            "\"2018/19\" in the library's form, `year` \"2018-19\" as the Home Office file prints it — `period` is "
            "used") in page
    assert "where a table has both ``period`` and ``year``" in " ".join((saferstats.funnel_significance.__doc__ or "").split())
