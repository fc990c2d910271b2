"""w44c: funnel warnings name an area once over every unlike column; the period rule in
``_row_named``; one definition of the Home Office table's unstated-estimate sentence.

References: Defra's fly-tipping CSV (``DERIVED_Flytipping_LA_incidents.csv``, read with the csv
module) and the bundled Home Office table by force (its cells read with the csv module)."""
from __future__ import annotations

import csv
import warnings
from typing import Any

import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from saferstats import datasets
from test_hate_w42a import _cells

WORKBOOK = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
CSV = "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv"


def _caught(f: Any, *a: Any, **kw: Any) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = f(*a, **kw)
    return out, [str(x.message) for x in w]


# --- 1. a council flagged in both of read_flytipping's columns is named once ----------------------

def test_flytipping_funnel_names_a_council_once(shared_data) -> None:
    pytest.importorskip("openpyxl")
    with open(shared_path(shared_data, CSV), encoding="utf-8-sig", newline="") as fh:
        raw = {(r["Year"], r["LA Name"]): float(r["Total Incidents"]) for r in csv.DictReader(fh)
               if r["LA Name"] == "Redbridge" and r["Total Incidents"] not in ("", ":")}
    # Defra's own counts: Redbridge 26,053 in 2020-21, 6,035 in 2021-22: more than 4-fold down
    assert raw[("2020-21", "Redbridge")] / raw[("2021-22", "Redbridge")] >= 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ft = saferstats.read_flytipping(shared_path(shared_data, WORKBOOK))
    y = ft[(ft.period == "2021/22") & ft.incidents.notna()]
    sig, msgs = _caught(saferstats.funnel_significance, "incidents", "mid_population_estimates", data=y,
                        kind="rate", multiplier=1000)
    unlike = [m for m in msgs if "They are listed in the result's attrs['not_like_for_like']" in m]
    assert len(unlike) == 2
    basis, step = unlike
    # named first of the 33 (the 8 shown), with both reasons: 26,053 / 6,035 is 4.3
    assert basis.startswith("funnel_significance: 33 points not counted on Defra's 'All incidents' basis")
    assert (": Redbridge 2021/22 (Customer/public reported only; down "
            f"{raw[('2020-21', 'Redbridge')] / raw[('2021-22', 'Redbridge')]:.1f}-fold on the previous year "
            "published: a change in recording?), Birmingham 2021/22") in basis
    assert "Redbridge" not in step
    assert step.startswith("funnel_significance: 2 points 4-fold or more up or down on the year before")
    assert "Lewisham 2021/22 and 1 named in the warning above, with this reason too" in step
    # each flagged council is named in one warning only; the result still lists each reason
    for name in {r["name"] for r in sig.attrs["not_like_for_like"]}:
        assert sum(f"{name} (" in m or f"{name}," in m or f"{name} and" in m or f"{name}." in m
                   for m in unlike) <= 1, name
    assert {("Redbridge 2021/22", c) for c in ("not_all_incidents", "recording_step")} <= {
        (r["name"], r["column"]) for r in sig.attrs["not_like_for_like"]}


# --- 2. _row_named finds the period column by the one rule (month too) ----------------------------

def test_add_rates_error_names_the_month() -> None:
    d = pd.DataFrame({"area": ["Hackney", "Hackney", "Camden"], "month": ["2021-01", "2021-02", "2021-01"],
                      "count": [3, 4, 5], "population": [100, -5, 100]})
    with pytest.raises(saferstats.InvalidInputError) as err:
        saferstats.add_rates(d, count="count", population="population")
    assert str(err.value) == ("invalid value in column 'population' at row 1 (Hackney, 2021-02): -5 "
                              "(must be greater than zero)")


# --- 3. the unstated-estimate sentence: one definition, of the rows' own area ---------------------

def _population(force: str) -> str:
    pops = {r["Population"] for r in _cells() if r["Force"].strip() == force}
    assert len(pops) == 1  # one figure in both years of the file
    return pops.pop()


def test_read_hate_crime_note_says_the_estimate_is_unstated() -> None:
    herts = _population("Hertfordshire")
    assert herts == "1,184,400"
    t = saferstats.read_hate_crime(datasets.hate_crime_table_path())
    bundled = datasets.hate_crime_by_force().attrs["population_note"]
    end = ("Which year's mid-year estimate it is is stated neither in the file nor in the bulletin's tables: "
           f"rounded to hundreds, it is neither Census (Hertfordshire {herts} here; 1,116,062 residents in 2011, "
           "1,198,832 in 2021)")
    assert t.attrs["population_note"].endswith(end) and bundled.endswith(end)
    # the same words after the file's name and its years' spelling
    assert (t.attrs["population_note"].split(": ", 1)[1]
            == bundled.split(": ", 1)[1].replace("2017-18, 2018-19", "2017/18, 2018/19"))


@pytest.mark.parametrize("bundled", [True, False])
def test_subset_without_hertfordshire_cites_its_own_area(bundled: bool) -> None:
    table = (datasets.hate_crime_by_force() if bundled
             else saferstats.read_hate_crime(datasets.hate_crime_table_path()))
    two = table[table.force.isin(["Kent", "Essex"])]
    _, msgs = _caught(saferstats.year_on_year, two, count="offences", population="population", by="force")
    said = [m for m in msgs if "the population is the same figure in every year" in m]
    assert len(said) == 1 and "for 2 of 2 forces" in said[0]
    essex = _population("Essex")
    assert essex == "1,832,800"
    assert said[0].endswith("Which year's mid-year estimate it is is stated neither in the file nor in the "
                            f"bulletin's tables: rounded to hundreds (Essex {essex} here; Hertfordshire 1,184,400 "
                            "is neither Census)")
    one = table[table.force == "Kent"]
    _, msgs = _caught(saferstats.add_rates, one, count="offences", population="population")
    said = [m for m in msgs if "the population is the same figure in every year" in m]
    assert len(said) == 1 and f"for Kent ({_population('Kent')})" in said[0]
    assert said[0].endswith(f"(Kent {_population('Kent')} here; Hertfordshire 1,184,400 is neither Census)")
