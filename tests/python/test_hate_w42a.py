"""Follow-ups w42a of the hate-crime walk w41c (session 26).

References are the bundled file's own cells (csv module), scipy run live, or the Home Office's
published figures, never saferstats' output.

- a hand-assembled national row ("England and Wales", "England & Wales", "E&W total", "National")
  in a by-force table was taken as a funnel point: ``_AGGREGATE`` matched "England" alone. It is
  one definition with ``read_use_of_force``'s (``published.AGGREGATE_NAME``).
- ``datasets.hate_crime_by_force()`` carried no ``population_note`` (the key ``read_hate_crime``
  puts on the same file), so the one-population warning never fired for it.
- ``rate_ci`` / ``add_rates`` put no ``attrs["multiplier"]`` on their results, and ``saferstats
  rates --multiplier`` wrote ``rate`` without its unit.
- funnel warnings on a table indexed by force with a ``period`` column named a point
  "row 'London, City of' 2017/18".
"""
from __future__ import annotations

import csv
import warnings
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import saferstats
from saferstats import datasets

BY_FORCE = "hate_crime_by_force_2017-18_2018-19.csv"


def _cells() -> list[dict[str, str]]:
    with resources.files("saferstats").joinpath("data", BY_FORCE).open("r", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _num(s: str) -> float:
    return float(s.replace(",", "")) if s not in ("#N/A", "") else float("nan")


def _messages(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [str(w.message) for w in caught]


def _forces_2018_19() -> pd.DataFrame:
    rows = [r for r in _cells() if r["Year"] == "2018-19" and r["Population"] != "#N/A"]
    return pd.DataFrame({"force": [r["Force"].strip() for r in rows],
                         "offences": [_num(r["Total number of offences"]) for r in rows],
                         "population": [_num(r["Population"]) for r in rows]})


# --- 3. national rows in a by-force funnel ------------------------------------------------------

@pytest.mark.parametrize("name", ["England and Wales", "England & Wales", "E&W total", "National",
                                  "england and wales total"])
def test_hand_assembled_national_row_is_named_as_an_aggregate(name: str) -> None:
    df = _forces_2018_19()
    total = pd.DataFrame([{"force": name, "offences": df["offences"].sum(), "population": df["population"].sum()}])
    table = pd.concat([df, total], ignore_index=True)
    _, msgs = _messages(saferstats.funnel_significance, "offences", "population", data=table, kind="rate",
                        multiplier=100_000)
    agg = [m for m in msgs if "read as aggregate rows" in m]
    assert agg == [f"funnel_significance: 1 point read as aggregate rows, not areas: {name}; a total compared "
                   "with its own parts is no comparison (and counts them twice in the target): leave them out"]


def test_forces_alone_and_wales_are_not_aggregates() -> None:
    df = _forces_2018_19()
    assert len(df) == 42  # the 43 territorial forces less the City of London (#N/A)
    _, msgs = _messages(saferstats.funnel_significance, "offences", "population", data=df, kind="rate",
                        multiplier=100_000)
    assert not [m for m in msgs if "aggregate rows" in m]
    wales = pd.concat([df, pd.DataFrame([{"force": "Wales", "offences": 1.0, "population": 1000.0}])],
                      ignore_index=True)
    _, msgs = _messages(saferstats.funnel_significance, "offences", "population", data=wales, kind="rate",
                        multiplier=100_000)
    assert not [m for m in msgs if "aggregate rows" in m]  # left out: a nation is a point of a funnel of nations


def test_one_definition_with_use_of_force() -> None:
    from saferstats import published, trend

    assert not hasattr(trend, "_AGGREGATE") and trend.AGGREGATE_NAME is published.AGGREGATE_NAME
    for name in ("*Total", "England", "England and Wales", "England & Wales", "E&W", "National total"):
        assert published.AGGREGATE_NAME.search(name), name
    for name in ("Hertfordshire", "Metropolitan Police", "Wales", "National Crime Agency", "Dyfed-Powys"):
        assert not published.AGGREGATE_NAME.search(name), name


# --- 1. hate_crime_by_force's population note ---------------------------------------------------

def test_hate_crime_by_force_carries_the_population_note() -> None:
    cells = [r for r in _cells() if r["Force"].strip() == "Hertfordshire"]
    pops = {r["Year"]: _num(r["Population"]) for r in cells}
    assert pops == {"2017-18": 1_184_400.0, "2018-19": 1_184_400.0}  # one figure for both years (the file's cells)
    df = datasets.hate_crime_by_force()
    note = df.attrs["population_note"]
    assert "the population is the same figure in every year (2017-18, 2018-19) for 42 of 42 forces" in note
    assert "Which year's mid-year estimate it is is stated neither in the file" in note
    assert datasets.hate_crime_by_force(long=True).attrs["population_note"] == note
    # the same key and words as read_hate_crime's on the same file
    t = saferstats.read_hate_crime(datasets.hate_crime_table_path())
    ours = note.split(": ", 1)[1]  # with its unstated-estimate sentence too (w44c)
    assert t.attrs["population_note"].split(": ", 1)[1] == ours.replace("2017-18, 2018-19", "2017/18, 2018/19")


def test_add_rates_on_the_dataset_repeats_the_note() -> None:
    df = datasets.hate_crime_by_force()
    herts = df[df["force"] == "Hertfordshire"]
    out, msgs = _messages(saferstats.add_rates, herts, count="offences")
    said = [m for m in msgs if "the population is the same figure in every year" in m]
    assert len(said) == 1 and "for Hertfordshire (1,184,400)" in said[0]
    # the rates themselves: the file's counts over its population (the Home Office's 124 and 135, rounded)
    assert out["rate"].round().tolist() == [124.0, 135.0]


# --- 4. the multiplier recorded -----------------------------------------------------------------

def test_rate_ci_and_add_rates_record_the_multiplier() -> None:
    df = _forces_2018_19()
    herts = df[df["force"] == "Hertfordshire"].iloc[0]
    ci = saferstats.rate_ci(herts["offences"], herts["population"], multiplier=1000)
    assert ci.attrs["multiplier"] == 1000
    # against scipy: the exact Poisson (Garwood) interval of 1,600 offences, per 1,000
    lo = stats.chi2.ppf(0.025, 2 * 1600) / 2 / 1_184_400 * 1000
    hi = stats.chi2.ppf(0.975, 2 * 1600 + 2) / 2 / 1_184_400 * 1000
    assert float(np.asarray(ci["lower"])[0]) == pytest.approx(lo, rel=1e-3)
    assert float(np.asarray(ci["upper"])[0]) == pytest.approx(hi, rel=1e-3)
    out = saferstats.add_rates(df, count="offences", multiplier=1000)
    assert out.attrs["multiplier"] == 1000
    assert out.loc[out["force"] == "Hertfordshire", "rate"].iloc[0] == pytest.approx(1600 / 1_184_400 * 1000)


# --- 2. funnel warnings name a point by its label -----------------------------------------------

def test_funnel_warning_names_a_force_index_by_its_name() -> None:
    t = saferstats.read_hate_crime(datasets.hate_crime_table_path()).set_index("force")
    _, msgs = _messages(saferstats.funnel_significance, "offences", "population", data=t, kind="rate",
                        multiplier=100_000, missing="propagate")
    missing = [m for m in msgs if "missing numerator or denominator" in m]
    assert len(missing) == 1
    assert "rows 'London, City of 2017/18', 'London, City of 2018/19'" in missing[0]
    assert "row 'London" not in missing[0].replace("rows 'London", "")


def test_cli_rates_says_the_unit(tmp_path: Any, capsys: Any) -> None:
    from saferstats.__main__ import main

    f = tmp_path / "herts.csv"
    f.write_text("force,offences,population\nHertfordshire,1600,\"1,184,400\"\n", encoding="utf-8")
    assert main(["rates", str(f), "--count", "offences", "--population", "population", "--multiplier", "1000",
                 "--out", str(tmp_path / "o.csv")]) == 0
    err = capsys.readouterr().err
    assert "rate, lower and upper are 'offences' per 1,000 of 'population' (--multiplier 1000)" in err
    got = pd.read_csv(tmp_path / "o.csv")
    assert got["rate"].iloc[0] == pytest.approx(1600 / 1_184_400 * 1000)


# --- 5. read_census_ethnicity on a Census 2011 table points to census_population(census=2011) ----

@pytest.mark.parametrize("name, level", [("force-demographics.csv", "force"), ("la-ethnic-groups.csv", "la"),
                                         ("local-authorities-demographics-with-police-force.csv", "la")])
def test_census_2011_table_refusal_says_what_to_call(shared_data: Any, name: str, level: str) -> None:
    from pathlib import Path

    from conftest import shared_path

    path = shared_path(Path(shared_data), f"population/{name}")
    with pytest.raises(saferstats.SaferstatsError) as err:
        saferstats.read_census_ethnicity(path)
    msg = str(err.value)
    assert "This is a Census 2011 table (ONS QS201EW's labels" in msg
    assert f"call saferstats.census_population({level!r}, census=2011)" in msg
    if level == "force":  # the call named gives the file's own 2011 figures (Hertfordshire, Black)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = {r["PFA16NM"]: r for r in csv.DictReader(fh)}
        black = int(rows["Hertfordshire"]["Ethnic Group: Black; measures: Value"])
        old = saferstats.census_population("force", census=2011)
        ours = old.query("force == 'hertfordshire' and ethnicity == 'Black'")["population"].iloc[0]
        assert int(ours) == black == 31401


def test_census_2011_labels_in_a_long_table(tmp_path: Any) -> None:
    f = tmp_path / "old.csv"
    f.write_text("area_code,area_name,ethnic_group,value\n"
                 "E07000098,Hertsmere,White: English/Welsh/Scottish/Northern Irish/British,80000\n", encoding="utf-8")
    with pytest.raises(saferstats.SaferstatsError) as err:
        saferstats.read_census_ethnicity(f)
    assert "is not one of the 19 Census 2021 groups" in str(err.value)
    assert "call saferstats.census_population('la', census=2011)" in str(err.value)


# --- 6. plot_funnel(highlight=) with data= and no labels= ---------------------------------------

def test_plot_funnel_highlight_uses_the_tables_names() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = datasets.hate_crime_by_force().query("year == '2018-19'").dropna(subset=["population"])
    ax, msgs = _messages(saferstats.plot_funnel, "offences", "population", data=df, kind="rate",
                         highlight=["Hertfordshire"], overdispersion=False)
    try:
        assert not [m for m in msgs if "highlight" in m]
        marks = [(t.get_text(), t.xy) for t in ax.texts]
        assert len(marks) == 1 and marks[0][0] == "Hertfordshire"
        # at the file's own cells: 1,600 offences over 1,184,400 people, per 100,000
        assert marks[0][1][0] == 1_184_400 and marks[0][1][1] == pytest.approx(1600 / 1_184_400 * 100_000)
    finally:
        plt.close("all")
