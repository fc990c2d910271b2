"""Session 23 (w34a): stop and search as a new analyst reads it.

* Census 2021 TS021 as ONS and Nomis publish it (19 groups, labelled ``"Broad: Detailed"``) as the
  population: the error for a group with searches but no population suggested renaming one detailed
  group to the broad one ("is 'White: English, Welsh, Scottish, Northern Irish or British' that
  group? Name it 'White'"), which gives Manchester White 268,572 residents instead of 313,632.
  It now says the detailed groups must be summed, with the pandas line that does it.

Reference values: Greater Manchester's TS021 file (../shared/data/population/
census2021_ts021_greater_manchester), summed here by hand: Manchester White 268,572 + 9,442 + 597 +
883 + 34,138 = 313,632; Bolton White 203,486 + 1,430 + 519 + 373 + 7,133 = 212,941.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import saferstats
from conftest import shared_path

GM = "population/census2021_ts021_greater_manchester/2021_population_ethnic_group_la_gm.csv"


def _gm(shared_data) -> pd.DataFrame:
    """The Greater Manchester TS021 file as published, its columns named for disproportionality."""
    return pd.read_csv(shared_path(shared_data, GM)).rename(
        columns={"area_name": "la", "ethnic_group": "ethnicity", "value": "population"})


def _pandas_line(message: str) -> str:
    return message.split("e.g. pop = ", 1)[1].split(" (labels of", 1)[0]


def test_ts021_detailed_groups_are_summed_not_renamed(shared_data):
    gm = _gm(shared_data)
    searches = pd.DataFrame({"la": ["Manchester", "Manchester", "Bolton", "Bolton"],
                             "ethnicity": ["White", "Black", "White", "Black"], "searches": [1500, 700, 400, 90]})
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.disproportionality(searches, gm, count="searches", by="la")
    msg = str(e.value)
    assert "Name it" not in msg and "that group?" not in msg, msg
    assert "ONS detailed groups of 'White'" in msg and "the population of 'White' is their sum" in msg, msg
    assert "in Manchester: their 5 groups sum to 313,632, the largest alone ('White: English, Welsh, Scottish, " \
           "Northern Irish or British') is 268,572" in msg, msg
    line = _pandas_line(msg)
    assert line == ("pop.assign(ethnicity=pop['ethnicity'].str.extract(r\"^(Black|White)\", expand=False))"
                    ".groupby(['la', 'ethnicity'], as_index=False)['population'].sum()"), line
    # the line, as given, makes the table the searches need: the published totals
    pop = eval(line, {"pop": gm})  # noqa: S307 - the message's own pandas line
    got = saferstats.disproportionality(searches, pop, count="searches", by="la").set_index(["la", "group"])
    assert got.loc[("Manchester", "White"), "population"] == 313_632
    assert got.loc[("Bolton", "White"), "population"] == 212_941
    assert got.loc[("Manchester", "Black"), "population"] == 47_858 + 10_472 + 7_563
    # Black / White in Manchester: (700 / 65,893) / (1,500 / 313,632), not / 268,572
    assert got.loc[("Manchester", "Black"), "ratio"] == pytest.approx((700 / 65_893) / (1500 / 313_632))


def test_ts021_five_groups_line_puts_arab_in_other(shared_data):
    """All five groups: Census 2021 and the Home Office's groups put 'Other ethnic group: Arab' in
    Other (police.uk's 'Other ethnic group - Arab' maps to Other too)."""
    gm = _gm(shared_data)
    man = gm[gm["la"] == "Manchester"][["ethnicity", "population"]]
    searches = pd.DataFrame({"ethnicity": ["Asian", "Black", "Mixed", "Other", "White"],
                             "searches": [900, 700, 150, 200, 1500]})
    with pytest.raises(saferstats.InvalidInputError, match=r"sum to 115,109") as e:
        saferstats.disproportionality(searches, man, count="searches")
    pop = eval(_pandas_line(str(e.value)), {"pop": man})  # noqa: S307
    assert dict(zip(pop["ethnicity"], pop["population"])) == {
        "Asian": 115_109, "Black": 65_893, "Mixed": 29_026, "Other": 15_028 + 13_250, "White": 313_632}
    assert saferstats.HO_ETHNICITY_GROUPS["Other ethnic group - Arab"] == "Other"


def test_detailed_hint_without_shared_data():
    pop = pd.DataFrame({"ethnicity": ["White: English, Welsh, Scottish, Northern Irish or British", "White: Irish",
                                      "White: Other White", "Black, Black British, Black Welsh, Caribbean or African: "
                                      "African", "Chinese"],
                        "population": [1000, 50, 200, 300, 40]})
    searches = pd.DataFrame({"ethnicity": ["White", "Black"], "searches": [10, 5]})
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.disproportionality(searches, pop, count="searches")
    msg = str(e.value)
    assert "their 3 groups sum to 1,250, the largest alone" in msg and "is 1,000" in msg, msg
    assert "(labels of no such group are left out by it: ['Chinese'])" in msg, msg
    # a label that is the group with another word (no "Broad: Detailed" colon) keeps the rename hint
    pop2 = pd.DataFrame({"ethnicity": ["White (or White British)", "Black"], "population": [1000, 300]})
    with pytest.raises(saferstats.InvalidInputError, match=re.escape("is 'White (or White British)' that group? "
                                                                     "Name it 'White'")):
        saferstats.disproportionality(searches, pop2, count="searches")
