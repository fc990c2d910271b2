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


# ------------------------------------------------ the not-stated searches of a force, by strata finer than it

def _policeuk(shared_data) -> pd.DataFrame:
    from test_stopsearch_w32c import _files
    from test_stopsearch_w33c import FORCES

    return saferstats.read_stop_search([f for force in FORCES for f in _files(shared_data, force)])


def test_a_force_wide_not_stated_difference_is_named_by_month(shared_data):
    """Arrests by month: the strata of Leicestershire, Essex and Merseyside have too few not-stated
    searches to test (or differ less), so nothing was said of them, though by force all three are
    named (test_stopsearch_w33c: p = 0.001, 0.026, 0.028; 6 forces tested)."""
    from test_stopsearch_w32c import _said

    out, messages = _said(saferstats.outcome_test, _policeuk(shared_data), outcome="arrest", by="month")
    (whole,) = [m for m in messages if "taken force by force" in m]  # was: none
    assert whole.startswith(
        "outcome_test(outcome='arrest'): taken force by force, not stratum by stratum, the searches with no stated "
        "ethnicity matter in South Yorkshire (24% of 4,554; arrest rate 14.1% of those searches against 10.5% of the "
        "stated, adjusted p = 0.004 [unadjusted p < 0.001]); Leicestershire (18% of 701; arrest rate 4.9% of those "
        "searches against 16.2% of the stated, adjusted p = 0.004 [unadjusted p = 0.001]); Merseyside (13% of 9,413; "
        "arrest rate 5.7% of those searches against 7.4% of the stated, adjusted p = 0.042 [unadjusted p = 0.026]); "
        "Essex (11% of 5,131; arrest rate 7.0% of those searches against 10.0% of the stated, adjusted p = 0.042 "
        "[unadjusted p = 0.028]), "
        "though no month stratum of those forces is named for them"), whole
    assert "adjustment over the 6 forces tested" in whole and whole.endswith(".attrs['not_stated_forces']")
    got = {r["force"]: r for r in out.attrs["not_stated_forces"]}
    # South Yorkshire differs too; its months are named for their share only (a fifth or more not stated): with
    # the one rule of session 24 (w35b), the adjusted p over the 18 strata, none of their rates differs, so the
    # force is named for its rates (was: its months' rates given on the unadjusted p, the force not named)
    assert {f: r["warned"] for f, r in got.items()} == {
        "city-of-london": False, "derbyshire": False, "durham": False, "essex": True, "leicestershire": True,
        "merseyside": True, "south-yorkshire": True}
    assert got["south-yorkshire"]["differs"] and got["south-yorkshire"]["p_adjusted"] < 0.05
    assert (got["leicestershire"]["not_stated"], got["leicestershire"]["searches"]) == (123, 701)
    # the strata's own rows are as they were: no month of those three forces named for its arrest rate
    # (Leicestershire, Dec 2019, only for its share: 23% of 106)
    strata = pd.DataFrame(out.attrs["not_stated_strata"])
    three = strata[strata["force"].isin(["essex", "leicestershire", "merseyside"])]
    assert not (three["warned"] & three["differs"]).any()
    assert three.loc[three["warned"], ["force", "month"]].values.tolist() == [["leicestershire", "2019-12"]]
    # by force, the strata are the forces: nothing more is said, and no force rows
    out, messages = _said(saferstats.outcome_test, _policeuk(shared_data), outcome="arrest", by="force")
    assert not [m for m in messages if "taken force by force" in m] and out.attrs["not_stated_forces"] == []


def test_derbyshire_positive_outcomes_by_csp(shared_data):
    """By CSP no Derbyshire CSP is tested (each has fewer than 10 not-stated searches with an outcome,
    or differs less); the force's placed searches, as a whole, differ (by force, all 480: p = 0.026)."""
    from test_stopsearch_w32c import _said

    recs = _policeuk(shared_data)
    out, messages = _said(saferstats.outcome_test, recs, outcome="positive", by="csp")
    (whole,) = [m for m in messages if "taken force by force" in m]  # was: none
    rate = "rate of outcomes other than no further action"
    assert (f"matter in Derbyshire (14% of 458; {rate} 15.9% of those searches against 30.1% of the stated, "
            "adjusted p = 0.033 [unadjusted p = 0.020]), though no csp stratum of the force is named for them") in whole, whole
    got = {r["force"]: r for r in out.attrs["not_stated_forces"]}
    d = got["derbyshire"]
    assert (d["not_stated"], d["searches"], d["ns_n"], d["ns_hits"]) == (63, 458, 63, 10)
    assert d["warned"] and d["p_adjusted"] == pytest.approx(0.0325, abs=5e-5)
    # Essex and Leicestershire differ as a whole too, but their CSPs (Colchester, Leicester...) are named
    assert got["essex"]["differs"] and not got["essex"]["warned"]
    strata = pd.DataFrame(out.attrs["not_stated_strata"])
    derby = strata[strata["force"] == "derbyshire"]  # North East Derbyshire named for its share only (31% of 16)
    assert derby["searches"].sum() == 458 and not (derby["warned"] & derby["differs"]).any()
    assert derby.loc[derby["warned"], "csp"].tolist() == ["North East Derbyshire"]


# ------------------------------------------------ notebook 02: the outcome tests' text says what the cells warn

def test_notebook_02_says_the_warnings_its_outcome_cells_give(shared_data):
    """The find-rate text spoke of "two cautions, each a warning" while the cell gives five (two of
    the flag, two of the not-stated searches, one of the many comparisons)."""
    import json

    from conftest import ROOT
    from test_stopsearch_w32c import _said

    nb = json.loads((ROOT / "notebooks" / "02_stop_search_disproportionality.ipynb").read_text())
    (text,) = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
               and "".join(c["source"]).startswith("## Outcome tests")]
    assert "Two cautions" not in text and "The find cell gives five warnings." in text  # was: "Two cautions"
    finds, messages = _said(saferstats.outcome_test, _policeuk(shared_data), outcome="find", by="force")
    assert len(messages) == 5, messages
    assert sum("'outcome linked to object of search'" in m for m in messages[:2]) == 2
    (under,) = [m for m in messages if "fewer than a fifth" in m]
    (fifth,) = [m for m in messages if "a fifth or more" in m]
    assert "Essex (11% of 5,131; find rate 14.4% of those searches against 24.0% of the stated" in under
    assert "City of London (34% of 879; find rate 24.9% of those searches against 32.1%" in fifth
    assert "South Yorkshire (24% of 4,554)" in fifth
    assert "Essex (11% not stated; 14.4% of them against 24.0%) and the City of London (34%; 24.9% against 32.1%)" \
           in text and "South Yorkshire has 24% not stated" in text
    (many,) = [m for m in messages if "comparisons with the White rate" in m]
    assert "12 comparisons with the White rate" in many and "2 have p < 0.05" in many and "about 0.6" in many
    assert "of 12 comparisons with the White rate, 2 have p < 0.05, about 0.6 would by chance alone" in text
    arrests, said = _said(saferstats.outcome_test, _policeuk(shared_data), outcome="arrest")
    assert any("Leicestershire (18% of 701; arrest rate 4.9% of those searches against 16.2%" in m for m in said)


def test_the_bundled_detailed_table_gets_the_same_hint_and_totals():
    """census_population(detailed=True) has the same ONS labels: the same error, and its line gives
    Manchester White 313,632, as the published Greater Manchester file does."""
    with pytest.warns(saferstats.SaferstatsWarning, match="at 2021 boundaries"):
        detailed = saferstats.census_population(level="la", detailed=True)
    searches = pd.DataFrame({"la": ["Manchester", "Manchester"], "ethnicity": ["White", "Black"],
                             "searches": [1500, 700]})
    with pytest.raises(saferstats.InvalidInputError, match="their 5 groups sum to 313,632") as e:
        saferstats.disproportionality(searches, detailed, count="searches", by="la")
    pop = eval(_pandas_line(str(e.value)), {"pop": detailed})  # noqa: S307
    got = saferstats.disproportionality(searches, pop, count="searches", by="la").set_index("group")
    assert got.loc["White", "population"] == 313_632 and got.loc["Black", "population"] == 65_893
