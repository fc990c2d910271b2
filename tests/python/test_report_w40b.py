"""Session 26 (w40b): the stop-and-search report by area and another split, as a new analyst runs it
on police.uk files.

1. By ``["force", "month"]`` the finding's "counts suppressed" caveat pooled the groups over the
   months (seven forces, Dec 2019 - Feb 2020, Essex: "Mixed and Other: counts suppressed" beside the
   Feb 2020 ratio, with January's Mixed and Other counts shown): each group is now named with its
   month, as w39a named the other splits.
2. The caveat that rates by age range or sex are against residents of all ages came after "or the
   numbers were too small to say" on "no ethnic group was searched at a ... higher rate", and was not
   given at all on "too few to say" (Derbyshire by age range): one rule now puts it first everywhere.
3. With two splits besides the area the labels read "10-17, Female, 25-34, Female and ..." (City of
   London 2023 by ``["force", "age_range", "gender"]``): now "10-17 / Female, 25-34 / Female", in the
   finding, the caveats and the find-rate finding alike; the groups with no searches name their split.
4. By outcome the find and arrest rates are within an outcome, where the outcome is the split: the
   report states no finding from them and says why (Durham by ``["force", "outcome"]``).
5. The split vocabulary lives in ``report/splits.py``; the section and the summary use its functions.

Independent references: counts and find rates from the raw police.uk files with pandas; the City's
residents from the Census 2021 LSOA table (``test_report_w36a.city_residents``).
"""

from __future__ import annotations

import glob
import re

import numpy as np
import pandas as pd

from conftest import shared_path
import test_report_w36a
from test_report_w36a import CITY_2023, _city_config, _report
import test_report_w38a
from test_report_w38a import _findings

city_residents = test_report_w36a.city_residents  # (fixtures)
city_raw = test_report_w38a.city_raw
SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"
ALL_AGES = "against residents of all ages and both sexes, not of that"


def _files(shared_data, force: str) -> list[str]:
    return sorted(glob.glob(str(shared_path(shared_data, SEVEN) / f"*-{force}-*.csv")))


def _config(files: list[str], area: str, by: str) -> str:
    listed = ", ".join(f'"{f}"' for f in files)
    return f'title = "T"\narea = "{area}"\n[stop_search]\nfiles = [{listed}]\nby = {by}\ncensus = "auto"\n'


def _raw(files: list[str]) -> pd.DataFrame:
    """Searches of people with a stated self-defined ethnicity, with their broad group and month."""
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    raw = raw[raw["Type"] != "Vehicle search"]
    eth = raw["Self-defined ethnicity"].fillna("").str.strip()
    raw = raw[(eth != "") & ~eth.str.contains("Not stated")]
    return raw.assign(broad=raw["Self-defined ethnicity"].str.extract(r"^(White|Black|Asian|Mixed|Other)")[0],
                      month=raw["Date"].str[:7])


# ------------------------------------------------------------------ 1. by month: the caveat names the month

def test_essex_by_month_caveat_names_the_months(tmp_path, capsys, shared_data):
    files = sorted(glob.glob(str(shared_path(shared_data, SEVEN) / "*.csv")))
    n = _raw(_files(shared_data, "essex")).groupby(["month", "broad"]).size()
    assert all(n[("2020-01", g)] >= 5 for g in ("White", "Black", "Asian", "Mixed", "Other"))  # January: all shown
    assert n[("2020-02", "Other")] < 5  # February: Other's count is suppressed
    text, _, _ = _report(tmp_path, capsys, _config(files, "Essex", '["force", "month"]'))
    said = _findings(text)
    assert "In Essex in Feb 2020, Black people were searched at" in said, said
    assert "(Mixed and Other: counts suppressed" not in said  # pooled over the months (before)
    m = re.search(r"\(([^;()]*\([^)]*\)): counts suppressed, so their ratios are not shown\)", said)
    assert m, said
    disp = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str)
    essex = disp[disp["force"] == "Essex"]
    for month, rows in essex.groupby("month"):
        hidden = rows[(rows["group"] != "White") & rows["searches"].eq("[c]")]
        label = pd.Timestamp(f"{month}-01").strftime("%b %Y")
        assert (label in m.group(1)) == bool(len(hidden)), (label, m.group(1))
    assert m.group(1) == "Mixed and Other (Dec 2019 and Feb 2020)"


# ------------------------------------------------------------------ 2. the all-ages caveat first, one rule

def _gender_table(female_hidden: bool) -> pd.DataFrame:
    female = ("[c]", "[c]", "[c]", "[c]") if female_hidden else (30, 0.95, 0.66, 1.37)
    rows = []
    for sex, (black, ratio, lo, hi) in (("Male", (40, 1.10, 0.80, 1.51)), ("Female", female)):
        rows += [{"force": "Durham", "gender": sex, "group": "Black", "searches": black, "ratio": ratio,
                  "ratio_lower": lo, "ratio_upper": hi, "reliable": "True"},
                 {"force": "Durham", "gender": sex, "group": "White", "searches": 900, "ratio": 1.0,
                  "ratio_lower": None, "ratio_upper": None, "reliable": "True"}]
    t = pd.DataFrame(rows)
    t.attrs["all_residents_split"] = ["gender"]
    return t


def test_no_group_higher_says_the_all_ages_caveat_first():
    from search_tables import search_section

    from saferstats.report import summary

    cfg = {"area": "Durham", "confidence": 0.95}
    first = f"{ALL_AGES} sex (the Census tables by ethnic group have no age or sex): not like for like; or the numbers were too small to say"
    said = " ".join(summary._stop_search(search_section(_gender_table(False)), cfg))
    # before: "(or the numbers were too small to say; against residents of all ages ...)"
    assert ("In Durham, no ethnic group was searched at a statistically significantly higher rate than White people "
            f"({first})") in said, said
    # a count suppressed: the same order
    said = " ".join(summary._stop_search(search_section(_gender_table(True)), cfg))
    assert ("In Durham, Black people, the only group whose ratio is shown, were not searched at a statistically "
            f"significantly higher rate than White people ({first}; Black (Female): counts suppressed") in said, said


def test_overview_of_areas_by_gender_says_the_all_ages_caveat():
    """A force's report by force, CSP and sex: the overview of its CSPs said nothing of the all-ages caveat."""
    from search_tables import search_section

    from saferstats.report import summary

    t = _gender_table(False)
    t = pd.concat([t.assign(csp="Darlington"), t.assign(csp="Chester-le-Street")], ignore_index=True)[
        ["force", "csp", "gender", "group", "searches", "ratio", "ratio_lower", "ratio_upper", "reliable"]]
    t.attrs["all_residents_split"] = ["gender"]
    said = " ".join(summary._stop_search(search_section(t), {"area": "Durham", "confidence": 0.95}))
    assert re.search(r"no ethnic group was searched at a statistically significantly higher rate than White people "
                     rf"\({ALL_AGES} sex \(the Census tables by ethnic group have no age or sex\): not like for like\) "
                     r"where there were enough searches to say", said), said


def test_derbyshire_by_age_range_too_few_says_the_split_and_the_all_ages_caveat(tmp_path, capsys, shared_data):
    files = _files(shared_data, "derbyshire")
    n = _raw(files).groupby(["Age range", "broad"]).size()
    text, _, _ = _report(tmp_path, capsys, _config(files, "Derbyshire", '["force", "age_range"]'))
    said = _findings(text)
    m = re.search(r"Derbyshire: the groups searched at a statistically significantly higher rate than White people had "
                  r"fewer than 20 searches \((.*?)\): too few to say \(([^)]*\([^)]*\)[^)]*)\)\.", said)
    assert m, said
    items = re.findall(r"(\w+) (\d+) \(([^)]+)\)", m.group(1))
    assert items and all(int(k) == int(n[(band, g)]) for g, k, band in items), (items, m.group(1))
    assert m.group(2).startswith(ALL_AGES + " age range")


# ------------------------------------------------------------------ 3. two splits: "18-24 / Male"

def test_city_by_age_range_and_gender_labels_say_each_split(tmp_path, capsys, shared_data, city_raw, city_residents):
    n = city_raw.groupby(["age_range", "gender", "broad"]).size()
    ratio = (n[("18-24", "Male", "Black")] / city_residents["Black"]) / (n[("18-24", "Male", "White")]
                                                                         / city_residents["White"])
    known = city_raw[city_raw["outcome_linked_to_object_of_search"].notna()]
    find = known.groupby(["age_range", "gender", "broad"])["outcome_linked_to_object_of_search"].mean()
    text, _, _ = _report(tmp_path, capsys, _city_config(shared_path(shared_data, CITY_2023),
                                                        '["force", "age_range", "gender"]'))
    said = _findings(text)
    assert f"In the City of London (18-24 / Male), Black people were searched at {ratio:.1f} times" in said, said
    assert "10-17, Female" not in said and "(18-24, Male)" not in said  # (before)
    suppressed = re.search(r"; ([^;]*): counts suppressed, so their ratios are not shown", said)
    assert suppressed, said
    disp = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str)
    for (age, sex), rows in disp.groupby(["age_range", "gender"]):
        hidden = rows[(rows["group"] != "White") & rows["searches"].eq("[c]")]
        # a split is named (as "age / sex") exactly when a group's count there is hidden
        assert (f"{age} / {sex}" in suppressed.group(1)) == bool(len(hidden)), (age, sex)
    for band, way in (("18-24", "lower"), ("25-34", "higher")):
        assert (f"Black people in the City of London ({band} / Male: {100 * find[(band, 'Male', 'Black')]:.0f}% against "
                f"{100 * find[(band, 'Male', 'White')]:.0f}%, {way})") in said


def test_durham_by_age_range_groups_with_no_searches_name_the_band(tmp_path, capsys, shared_data):
    files = _files(shared_data, "durham")
    n = _raw(files).groupby(["Age range", "broad"]).size()
    text, _, _ = _report(tmp_path, capsys, _config(files, "Durham", '["force", "age_range"]'))
    said = _findings(text)
    listed = re.search(r"the only ratios shown are of groups with no searches: (.*?); no other group", said)
    assert listed, said
    named = re.findall(r"(Asian|Black|Mixed|Other) (?:people|ethnic groups) \(([^:()]+): a ratio of 0", listed.group(1))
    assert len(named) == 4, listed.group(1)  # before: four "a ratio of 0" with no age range, two of them Other's
    for group, band in named:
        assert int(n.get((band, group), 0)) == 0, (group, band)  # none searched in the raw files


# ------------------------------------------------------------------ 4. by outcome: no find or arrest finding

def test_durham_by_outcome_states_no_find_or_arrest_finding(tmp_path, capsys, shared_data):
    files = _files(shared_data, "durham")
    raw = _raw(files)
    # the tautology in the raw file: every search whose outcome is 'Arrest' ended in arrest, no other did
    assert (raw["Outcome"] == "Arrest").any()
    text, tables, _ = _report(tmp_path, capsys, _config(files, "Durham", '["force", "outcome"]'))
    said = _findings(text)
    why = ("Find and arrest rates are not compared with White people here: the searches are split by outcome, so "
           "within an outcome the arrest rate is fixed by the split")
    assert why in said, said
    assert "Arrest rates (the share of searches" not in said and "Find rates (the share of searches" not in said
    section = text.split("Stop and search: disproportionality and outcomes", 1)[1]
    assert why in section
    assert "split by outcome, so not a comparison of the groups' searches: see the text" in text + tables  # captions
    arrests = pd.read_csv(tmp_path / "o" / "stop_search_arrest_rates.csv", dtype=str)  # (the tables are kept)
    shown = arrests[arrests["outcome"].eq("Arrest") & arrests["rate"].ne("[c]")]
    assert np.allclose(shown["rate"].astype(float), 1.0)  # within 'Arrest', every search ended in arrest


# ------------------------------------------------------------------ 5. one module for the split vocabulary

def test_section_and_summary_use_the_splits_module():
    from saferstats.report import sections, splits, summary

    assert sections._not_recorded_keys is splits._not_recorded_keys
    assert sections.all_residents_words is splits.all_residents_words
    assert summary._groups_in_splits is splits._groups_in_splits and summary.sub_strata is splits.sub_strata
    assert not hasattr(sections, "sub_strata")
    assert splits.split_label({"age_range": "18-24", "gender": "Male"}, ["age_range", "gender"]) == "18-24 / Male"
