"""Follow-ups w43c of the hate-crime walk (session 27), on ``datasets.hate_crime_by_force()``
(the Home Office table by force, 2017-18 and 2018-19) and ``police-defined-demographics.csv``.

References are the bundled file's own cells (csv module), the shared data's cells, or
``read_hate_crime`` of the same file, never the output under test.

1. the funnels' point names and mixed-period check looked only at a ``period`` column, so on the
   bundled table (``year`` "2018-19") a point was "Hertfordshire" and both years in one funnel
   were "42 area(s) are more than one point", never "points of 2 periods";
2. the bundled table had ``year`` "2018-19" where ``read_hate_crime`` of the same file has
   ``period`` "2018/19": it now has both;
3. the population note said of a subset dropped w42a's sentence (which year's estimate is stated
   nowhere);
4. ``read_census_ethnicity`` refused ``police-defined-demographics.csv`` with no word of what it is.
"""
from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from test_hate_w42a import _cells, _messages  # the file's cells (csv module); warnings caught
from saferstats import datasets

UNSTATED = ("Which year's mid-year estimate it is is stated neither in the file nor in the bulletin's tables: "
            "rounded to hundreds, it is neither Census (Hertfordshire 1,184,400 here; 1,116,062 residents in 2011, "
            "1,198,832 in 2021)")


def _with_year_only() -> pd.DataFrame:
    """The bundled table as code that knows it by its ``year`` column has it (no ``period``)."""
    return datasets.hate_crime_by_force().drop(columns="period", errors="ignore")


# --- 1. the period column found by one rule -------------------------------------------------------

def test_funnel_of_both_years_says_two_periods_by_the_year_column() -> None:
    df = _with_year_only()
    _, msgs = _messages(saferstats.funnel_significance, "offences", "population", data=df, kind="rate",
                        multiplier=100_000, missing="propagate")  # (w43a: missing values refused by default)
    mixed = [m for m in msgs if "periods" in m and "the points are of" in m]
    assert mixed == ["funnel_significance: the points are of 2 periods (2017-18, 2018-19): a funnel compares areas "
                     "in one period, and here each area is in it once a period and the target mixes the years; "
                     "filter one period, e.g. data[data['year'] == '2018-19']"]
    assert not any("more than one point" in m for m in msgs)  # the years said, not "42 areas twice"
    # the City of London's two missing rows (#N/A population in the file) are named with their year
    years = sorted(r["Year"] for r in _cells() if r["Force"].strip() == "London, City of" and r["Population"] == "#N/A")
    assert years == ["2017-18", "2018-19"]
    assert any("(rows 'London, City of 2017-18', 'London, City of 2018-19')" in m for m in msgs)


def test_funnel_point_names_carry_the_year() -> None:
    """One year with a hand-added national row: the aggregate is named with its year."""
    one = _with_year_only().query("year == '2018-19'").dropna(subset=["population"])
    total = pd.DataFrame({"force": ["England and Wales"], "year": ["2018-19"],
                          "offences": [one["offences"].sum()], "population": [one["population"].sum()]})
    table = pd.concat([one, total], ignore_index=True)
    _, msgs = _messages(saferstats.funnel_significance, "offences", "population", data=table, kind="rate",
                        multiplier=100_000)
    assert any("1 point read as aggregate rows, not areas: England and Wales 2018-19;" in m for m in msgs)
    assert not any("points are of" in m for m in msgs)
    names = saferstats.trend.point_names(table, None)
    herts = next(r for r in _cells() if r["Force"].strip() == "Hertfordshire" and r["Year"] == "2018-19")
    assert f"{herts['Force'].strip()} {herts['Year']}" in names


def test_period_column_rule_is_the_one_add_rates_uses() -> None:
    from saferstats.trend import _period_column

    assert _period_column(pd.DataFrame(columns=["force", "year"])) == "year"
    assert _period_column(pd.DataFrame(columns=["force", "year", "period"])) == "period"
    assert _period_column(pd.DataFrame(columns=["force", "month"])) == "month"
    assert _period_column(pd.DataFrame(columns=["force"])) is None


# --- 2. ``period`` beside ``year``, as read_hate_crime writes it -----------------------------------

def test_bundled_period_is_read_hate_crimes_period_of_the_same_file() -> None:
    df = datasets.hate_crime_by_force()
    assert list(df.columns[:3]) == ["force", "year", "period"]  # year kept, for code that uses it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hc = saferstats.read_hate_crime(datasets.hate_crime_table_path())
    assert sorted(df["period"].unique()) == sorted(hc["period"].unique()) == ["2017/18", "2018/19"]
    both = df.merge(hc[["force", "period", "offences", "population"]], on=["force", "period"], how="outer",
                    suffixes=("", "_read"), indicator=True, validate="one_to_one")
    assert (both["_merge"] == "both").all() and len(both) == len(_cells()) == 86
    assert (both["offences"] == both["offences_read"]).all()
    # the year of each row: the file's own "Year" cell, in the library's form
    for r, (_, row) in zip(_cells(), df.iterrows()):
        assert row["year"] == r["Year"] and row["period"] == r["Year"].replace("-", "/")
    assert (saferstats.parse_periods(df["year"]) == saferstats.parse_periods(df["period"])).all()
    long = datasets.hate_crime_by_force(long=True)
    assert list(long.columns) == ["force", "year", "period", "strand", "count", "population"]
    assert set(zip(long["year"], long["period"])) == {("2017-18", "2017/18"), ("2018-19", "2018/19")}


def test_shared_copy_of_the_file_gives_the_same_periods(shared_data: Path) -> None:
    path = shared_path(shared_data, "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hc = saferstats.read_hate_crime(path)
    df = datasets.hate_crime_by_force()
    got = df.set_index(["force", "period"])["offences"].sort_index()
    ref = hc.set_index(["force", "period"])["offences"].sort_index()
    assert got.index.equals(ref.index) and (got.to_numpy() == ref.to_numpy()).all()


# --- 3. the population note kept whole for a subset ----------------------------------------------

@pytest.mark.parametrize("drop_period", [False, True])
def test_population_note_of_one_force_keeps_the_unstated_year(drop_period: bool) -> None:
    df = _with_year_only() if drop_period else datasets.hate_crime_by_force()
    herts = df[df["force"] == "Hertfordshire"]
    pops = {r["Population"] for r in _cells() if r["Force"].strip() == "Hertfordshire"}
    assert pops == {"1,184,400"}  # one figure in both years of the file
    _, msgs = _messages(saferstats.add_rates, herts, count="offences", population="population")
    said = [m for m in msgs if "the population is the same figure in every year" in m]
    years = "2017-18, 2018-19" if drop_period else "2017/18, 2018/19"
    assert said == [f"add_rates: hate_crime_by_force() (the Home Office table by force, 2017-18 and 2018-19): the "
                    f"population is the same figure in every year ({years}) for Hertfordshire (1,184,400): one "
                    "population estimate serves every year, so a rate is not on its own year's population, and the "
                    "change in a rate is the change in the count. Give each year's ONS mid-year estimate for rates by "
                    f"year, or say which year the population is beside the rates. {UNSTATED}"]
    assert df.attrs["population_note"].endswith(UNSTATED)


def test_population_note_of_one_year_keeps_the_unstated_year() -> None:
    one = datasets.hate_crime_by_force().query("period == '2018/19'")
    _, msgs = _messages(saferstats.add_rates, one, count="offences", population="population", missing="propagate")
    said = [m for m in msgs if "one figure for every year of the source" in m]
    assert len(said) == 1 and said[0].endswith(f"give 2018/19's ONS mid-year estimate. {UNSTATED}")


def test_population_note_of_year_on_year_for_two_forces_keeps_it() -> None:
    two = datasets.hate_crime_by_force().query("force in ['Hertfordshire', 'Essex']")
    _, msgs = _messages(saferstats.year_on_year, two, count="offences", population="population", by="force")
    said = [m for m in msgs if "the population is the same figure in every year" in m]
    assert len(said) == 1 and "for 2 of 2 forces" in said[0] and said[0].endswith(UNSTATED)


# --- 4. police-defined-demographics.csv -----------------------------------------------------------

def test_police_defined_table_is_said_with_what_to_use(shared_data: Path) -> None:
    path = shared_path(shared_data, "population/police-defined-demographics.csv")
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.read_census_ethnicity(path)
    msg = str(e.value)
    assert ("This is a table of police-defined categories (White, Black (or Black British), Asian (or Asian British), "
            "Chinese, Mixed, Other, by 'Police force': Census 2011 residents regrouped as the police once grouped "
            "ethnicity, Chinese apart from Asian)") in msg
    assert "call saferstats.census_population('force', census=2011)" in msg
    assert "This is a Census 2011 table (ONS QS201EW" not in msg
    # the call named gives the file's Hertfordshire, with Chinese in Asian
    with path.open(newline="") as fh:
        herts = next(r for r in csv.DictReader(fh) if r["Police force"] == "Hertfordshire")
    pop = saferstats.census_population("force", census=2011)
    got = pop[pop["force_name"] == "Hertfordshire"].set_index("ethnicity")["population"]
    assert int(got["Asian"]) == int(herts["Asian (or Asian British)"]) + int(herts["Chinese"]) == 72_581
    assert int(got["Black"]) == int(herts["Black (or Black British)"])
    assert int(got["White"]) == int(herts["White"])


def test_census_2011_tables_keep_their_own_hint(shared_data: Path) -> None:
    path = shared_path(shared_data, "population/force-demographics.csv")
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.read_census_ethnicity(path)
    assert "This is a Census 2011 table" in str(e.value) and "police-defined" not in str(e.value)
