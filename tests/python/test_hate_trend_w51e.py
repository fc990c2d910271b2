"""Session 30 (w51e): hate crime rates and shares as a new analyst meets them.

Worked on the Home Office hate crime files in ../shared/data as published (PROVENANCE §3); the
references are the files' own cells read with pandas and hand sums, never saferstats' output.

- The City of London (police force area E23000034, local authority E09000001) was flagged "High"
  on its Census residents (about 8,600; a daytime population of hundreds of thousands) by
  ``add_rates`` and ``funnel_significance`` without a word. Now a ``SaferstatsWarning`` names it
  and ``.attrs["non_resident_areas"]`` lists it.
- ``read_hate_crime``'s ``attrs["population_note"]`` (one population for both years, "42 of 42
  forces (e.g. Avon and Somerset 1,711,500)") survived ``groupby("period").sum()`` (pandas keeps
  ``attrs``) and was repeated by ``add_rates`` of the two summed rows as if they were the forces.
  Now it is said of the rows passed, or dropped where it does not apply.
- ``shares`` of Table 2 with its totals kept warned of the totals only; once they were left out, a
  second warning said the strands' shares are of motivating factors. Now one warning says both.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import shared_path

HATE = "hate_crime/home_office_by_force_2017-18_2018-19"


@pytest.fixture
def by_force(shared_data: Path) -> Path:
    return shared_path(shared_data, f"{HATE}/Hate crime.csv")


def _said(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SaferstatsWarning)]


def _with_census(by_force: Path) -> pd.DataFrame:
    """The table by force with Census 2021 residents joined on the force code, as read_hate_crime's
    docstring shows (the file's City of London population is #N/A)."""
    hc = saferstats.read_hate_crime(by_force)
    pop = saferstats.census_population("force").groupby(["force_code", "census"], as_index=False)["population"].sum()
    return hc.drop(columns="population").merge(pop, on="force_code", how="left", validate="many_to_one")


# --- 1. the City of London on resident denominators ---


def test_city_of_london_rate_on_residents_is_named(by_force: Path) -> None:
    """Before: no warning, no attrs key. Reference: the raw file's City of London row for 2018-19
    (141 offences, population #N/A) read with pandas."""
    raw = pd.read_csv(by_force, thousands=",", na_values=["#N/A"])
    city = raw[(raw["Force"].str.strip() == "London, City of") & (raw["Year"] == "2018-19")].iloc[0]
    assert int(city["Total number of offences"]) == 141 and pd.isna(city["Population"])
    t = _with_census(by_force)
    y = t[t.period == "2018/19"]
    residents = float(y.loc[y.force_code == "E23000034", "population"].iloc[0])
    assert 7_000 < residents < 10_000  # a few thousand residents
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = saferstats.add_rates(y, count="offences")
    said = [m for m in _said(caught) if "poor denominator" in m]
    assert len(said) == 1
    assert "'London, City of'" in said[0]
    assert f"141 over {residents:,.0f} residents" in said[0]
    assert "daytime population" in said[0]
    assert r.attrs["non_resident_areas"] == ["London, City of"]
    # the rate itself is unchanged: 141 over its residents, per 100,000 (hand computation)
    got = float(r.loc[r.force_code == "E23000034", "rate"].iloc[0])
    assert got == pytest.approx(141 / residents * 100_000)


def test_city_of_london_funnel_flag_is_named(by_force: Path) -> None:
    """Before: 'High (0.001)' with no word on its denominator."""
    t = _with_census(by_force)
    y = t[t.period == "2018/19"].reset_index(drop=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = saferstats.funnel_significance("offences", "population", data=y, kind="rate", multiplier=100_000,
                                           overdispersion=False)
    assert f[y.force_code.eq("E23000034").to_numpy()].iloc[0].startswith("High")
    said = [m for m in _said(caught) if "poor denominator" in m]
    assert len(said) == 1 and said[0].startswith("funnel_significance: 'London, City of'")
    assert f.attrs["non_resident_areas"] == ["London, City of"]


def test_local_authority_code_is_matched_and_others_are_not() -> None:
    df = pd.DataFrame({"la_code": ["E09000001", "E09000002"], "count": [50, 500],
                       "population": [8_600, 218_900]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = saferstats.add_rates(df)
    assert r.attrs["non_resident_areas"] == ["E09000001"]
    assert sum("poor denominator" in m for m in _said(caught)) == 1
    other = df.iloc[[1]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = saferstats.add_rates(other)
    assert r.attrs["non_resident_areas"] == []
    assert not [m for m in _said(caught) if "poor denominator" in m]


# --- 2. a population note carried by pandas onto another table ---


def test_note_summed_over_forces_is_said_of_the_summed_rows(by_force: Path) -> None:
    """Before: add_rates of the two national rows repeated "for 42 of 42 forces ... (e.g. Avon and
    Somerset 1,711,500)". Reference: the raw file's populations summed by year with pandas (the
    same figure in both years, as each force's is)."""
    raw = pd.read_csv(by_force, thousands=",", na_values=["#N/A"])
    sums = raw.groupby("Year")["Population"].sum()
    assert sums["2017-18"] == sums["2018-19"]
    hc = saferstats.read_hate_crime(by_force)
    g = hc.groupby("period", as_index=False)[["offences", "population"]].sum()
    assert "population_note" in g.attrs  # pandas carried it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = saferstats.add_rates(g, count="offences")
    said = [m for m in _said(caught) if "population" in m and "one population estimate" in m]
    assert len(said) == 1
    assert "Avon and Somerset" not in said[0] and "42 of 42" not in said[0]
    assert f"these rows ({sums['2018-19']:,.0f})" in said[0]
    assert "not the 42 forces" in said[0]
    assert r.attrs["population_note"] == said[0].removeprefix("add_rates: ")


def test_note_that_no_longer_applies_is_dropped(by_force: Path) -> None:
    """A concat with two later years on other populations, summed by period: the populations differ
    between years (pandas sums), so the note is not said and not left in the result."""
    hc = saferstats.read_hate_crime(by_force)
    later = hc.assign(period=hc["period"].map({"2017/18": "2019/20", "2018/19": "2020/21"}),
                      population=hc["population"] * 1.01)
    both = pd.concat([hc, later])
    assert "population_note" in both.attrs
    g = both.groupby("period", as_index=False)[["offences", "population"]].sum()
    assert g["population"].nunique() == 2  # 2017/18 = 2018/19, 2019/20 = 2020/21
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = saferstats.add_rates(g, count="offences")
    assert not [m for m in _said(caught) if "one population estimate" in m or "42 of 42" in m]
    assert "population_note" not in r.attrs


# --- 3. strand shares with the totals kept: one warning saying both ---


def test_strand_shares_with_totals_give_one_warning_saying_both(shared_data: Path) -> None:
    """Before: the totals' warning only; leaving them out then gave a second warning (shares of
    motivating factors). Reference: Table 2's 2018/19 cells (78,991 race of 112,637 factors)."""
    path = shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")
    st = saferstats.read_hate_crime(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.shares(st[st.period == "2018/19"], by="period")
    said = _said(caught)
    assert len(said) == 1
    assert "are totals of the others" in said[0]
    assert "hate crime strands" in said[0] and "motivating factors" in said[0]
    factors = 78991 + 8566 + 14491 + 8256 + 2333
    assert f"2018/19: {factors:,}" in said[0] and f"race {100 * 78991 / factors:.1f}%" in said[0]
    assert "total='offences'" in said[0]
