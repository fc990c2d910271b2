"""Walk-through w48e (a Hertfordshire CSP / PCC analyst's hate crime trends, Census 2021 rates).

Worked on the Home Office hate crime files in ../shared/data exactly as published (PROVENANCE §3);
references from the files' own cells (pandas.read_csv, hand sums) and statsmodels run live, never
from saferstats' output.

- ``shares`` of the hate crime strands (race, religion, sexual orientation, disability,
  transgender) without ``total=`` summed the strands as if they were exclusive: Hertfordshire
  2018/19's "total" was 1,682 (its motivating factors), not its 1,600 offences, and race "73.0%"
  where it is 76.8% of the offences, as the Home Office states its shares, without a word. Now a
  ``SaferstatsWarning`` says so with the way to shares of offences.
"""
from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import shared_path

HATE = "hate_crime/home_office_by_force_2017-18_2018-19"
STRANDS = ["race", "religion", "sexual_orientation", "disability", "transgender"]
FILE_STRANDS = ["Race", "Total Religion", "Sexual orientation", "Disability", "Transgender"]


@pytest.fixture
def by_force(shared_data: Path) -> Path:
    return shared_path(shared_data, f"{HATE}/Hate crime.csv")


def _herts_cells(path: Path) -> pd.Series:
    raw = pd.read_csv(path, thousands=",")
    row = raw[(raw["Force"].str.strip() == "Hertfordshire") & (raw["Year"] == "2018-19")]
    assert len(row) == 1
    return row.iloc[0]


def _messages(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SaferstatsWarning)]


def test_strand_shares_say_they_are_of_motivating_factors(by_force: Path) -> None:
    cells = _herts_cells(by_force)
    factors = int(sum(int(cells[c]) for c in FILE_STRANDS))  # hand sum of the file's five strand cells
    assert factors == int(cells["Total number of motivating factors"]) == 1682
    offences = int(cells["Total number of offences"])
    assert offences == 1600
    hc = saferstats.read_hate_crime(by_force)
    long = hc.melt(id_vars=["force", "period"], value_vars=STRANDS, var_name="strand", value_name="count")
    herts = long[(long.force == "Hertfordshire") & (long.period == "2018/19")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.shares(herts, by=["force", "period"])
    # the figures are unchanged: shares of the strands' sum
    assert out["total"].tolist() == [factors] * 5
    race = out[out.strand == "race"].iloc[0]
    assert race["share"] == pytest.approx(100 * int(cells["Race"]) / factors)
    msgs = [m for m in _messages(caught) if "hate crime strands" in m]
    assert len(msgs) == 1, _messages(caught)
    msg = msgs[0]
    assert "not exclusive" in msg and "motivating factors, not its offences" in msg
    assert "Hertfordshire, 2018/19: 1,682" in msg
    assert f"race {100 * int(cells['Race']) / factors:.1f}%" in msg  # 73.0%
    assert "total='offences'" in msg


def test_recipe_in_the_warning_gives_the_home_office_shares_of_offences(by_force: Path) -> None:
    statsmodels_proportion = pytest.importorskip("statsmodels.stats.proportion")
    cells = _herts_cells(by_force)
    hc = saferstats.read_hate_crime(by_force)
    long = hc.melt(id_vars=["force", "period"], value_vars=[*STRANDS, "offences"], var_name="strand",
                   value_name="count")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.shares(long, by=["force", "period"], total="offences")
    assert not [m for m in _messages(caught) if "hate crime strands" in m]
    herts = out[(out.force == "Hertfordshire") & (out.period == "2018/19")].set_index("strand")
    assert sorted(herts.index) == sorted(STRANDS)
    for strand, column in zip(STRANDS, FILE_STRANDS):
        k, n = int(cells[column]), int(cells["Total number of offences"])
        lo, hi = statsmodels_proportion.proportion_confint(k, n, alpha=0.05, method="wilson")
        assert herts.loc[strand, "total"] == n
        assert herts.loc[strand, "share"] == pytest.approx(100 * k / n)
        assert herts.loc[strand, "lower"] == pytest.approx(100 * lo, rel=1e-9)
        assert herts.loc[strand, "upper"] == pytest.approx(100 * hi, rel=1e-9)
    assert herts.loc["race", "share"] == pytest.approx(76.75)  # 1,228 of 1,600


def test_national_strand_table_without_totals_warns(shared_data: Path) -> None:
    path = shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")
    st = saferstats.read_hate_crime(path)
    strands = st[~st.strand.isin(st.attrs["totals"])]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.shares(strands[strands.period == "2018/19"], by="period")
    msgs = [m for m in _messages(caught) if "hate crime strands" in m]
    assert len(msgs) == 1
    # 2018/19 from the file's cells: 78,991 + 8,566 + 14,491 + 8,256 + 2,333 = 112,637 factors
    assert "2018/19: 112,637" in msgs[0]
    assert f"race {100 * 78991 / 112637:.1f}%" in msgs[0]


def test_other_categories_do_not_get_the_strand_warning() -> None:
    df = pd.DataFrame({"strand": ["Race", "Other"], "count": [75, 25]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.shares(df)
    assert not [m for m in _messages(caught) if "hate crime strands" in m]


# --- coverage: the bulletin's England and Wales totals (44 forces, BTP too) against the force table (43) ---


def test_force_table_says_its_forces_and_their_sums(by_force: Path) -> None:
    raw = pd.read_csv(by_force, thousands=",")
    names = set(raw["Force"].str.strip())
    assert len(names) == 43 and not any("british transport" in n.lower() for n in names)
    sums = raw.groupby("Year")["Total number of offences"].sum()  # hand sums of the file's cells
    assert (int(sums["2017-18"]), int(sums["2018-19"])) == (90835, 99821)
    hc = saferstats.read_hate_crime(by_force)
    cov = hc.attrs["coverage"]
    assert cov.startswith("43 forces (43 of the 43 police force areas")
    assert "the British Transport Police is not among them" in cov
    assert f"2017/18: {int(sums['2017-18']):,}, 2018/19: {int(sums['2018-19']):,}" in cov


def test_strand_series_says_whose_totals_they_are(shared_data: Path) -> None:
    path = shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        notes = [r[0] for r in csv.reader(fh) if r and r[0].startswith("2. ")]
    assert len(notes) == 1 and notes[0].startswith("2. Data were collected from 44 police forces")
    st = saferstats.read_hate_crime(path)
    assert st.attrs["notes"]["2"] == " ".join(notes[0][3:].split())
    cov = st.attrs["coverage"]
    assert cov.startswith("England and Wales totals of 44 police forces (the 43 territorial forces and the "
                          "British Transport Police), as note 2 says")
    # the national offences of 2018/19 against the force table's sum, both from the files' cells
    off = st[(st.strand == "offences") & (st.period == "2018/19")]["count"].iloc[0]
    assert off == 103379
    assert "99,821 offences in 2018/19, where the bulletin of that year gives 103,379" in cov


def test_strand_series_without_the_note_has_no_coverage(tmp_path: Path, shared_data: Path) -> None:
    path = shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")
    text = path.read_text(encoding="utf-8-sig").replace("Data were collected from 44 police forces", "Data cover")
    copy = tmp_path / "table2.csv"
    copy.write_text(text, encoding="utf-8")
    st = saferstats.read_hate_crime(copy)
    assert "coverage" not in st.attrs


# --- Census 2021 residents merged as read_hate_crime's docstring says: the warning names the force ---


def test_census_same_population_warning_names_the_force_not_its_code(by_force: Path, shared_data: Path) -> None:
    census = shared_path(shared_data, "population/census2021_ew")
    # Cheshire's Census 2021 residents by hand: TS021 LSOA totals through ONS's LSOA -> LA -> PFA lookups
    lsoa = pd.read_csv(census / "ts021_ethnic_group_lsoa21.csv")
    la = pd.read_csv(census / "lookup_lsoa21_ward24_ltla24.csv")[["lsoa21_code", "ltla24_code"]]
    pfa = pd.read_csv(census / "lookup_ltla24_csp24_pfa24.csv")[["ltla24_code", "pfa24_name"]].drop_duplicates()
    joined = lsoa.merge(la, on="lsoa21_code", validate="one_to_one").merge(pfa, on="ltla24_code", validate="many_to_one")
    cheshire = int(joined.loc[joined.pfa24_name == "Cheshire", "total_residents"].sum())
    hc = saferstats.read_hate_crime(by_force)
    pop = saferstats.census_population("force").groupby(["force_code", "census"], as_index=False)["population"].sum()
    merged = hc.drop(columns="population").merge(pop, on="force_code", how="left", validate="many_to_one")
    peers = merged[merged.force.isin(["Hertfordshire", "Cheshire", "Essex"])]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yoy = saferstats.year_on_year(peers, count="offences", population="population", by="force")
    same = [m for m in _messages(caught) if "the same figure in every year" in m]
    assert len(same) == 1
    assert f"(e.g. Cheshire {cheshire:,})" in same[0]
    assert "E23000006" not in same[0]
    assert sorted(yoy.force) == ["Cheshire", "Essex", "Hertfordshire"]
