"""Session 25 (w39a): the stop-and-search report by a ``by`` split other than area.

1. By age range or gender the key finding's ratio is against residents of all ages and both sexes
   (the Census tables by ethnic group have no age or sex): the library warned on the console only,
   and "In the City of London (18-24), Black people were searched at 14.5 times ..." read as a finding
   like any other. The finding and the section now say so.
2. The finding's "counts suppressed" / "White people's count is suppressed" caveats pooled the groups
   over every split (City of London 2023 by legislation: "Asian, Black and Other: counts suppressed"
   beside the Misuse of Drugs Act searches' Black ratio, whose counts are all shown). Each group is now
   named with its split.
3. The library's own warnings named a missing key "nan" ("City of London / nan (43% of 100)"): now
   "no legislation recorded", as the tables say it.
4. The forest plot's caption said "by area" of rows by legislation; its title lost "(Census YYYY
   denominators)" when the City's rows add a caution to ``denominator``; the not-stated sentence
   by outcome named the searches with no outcome "nan" against the table's "no outcome recorded".

Independent references: counts from the raw police.uk files with pandas; the City's residents from
the Census 2021 LSOA table (``test_report_w36a.city_residents``).
"""

from __future__ import annotations

import glob
import re
import warnings

import numpy as np
import pandas as pd
import saferstats
from conftest import shared_path
import test_report_w36a
from test_report_w36a import CITY_2023, _city_config, _report
import test_report_w38a
from test_report_w38a import _findings

city_residents = test_report_w36a.city_residents  # (fixtures)
city_raw = test_report_w38a.city_raw
SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"
ALL_AGES = "against residents of all ages and both sexes, not of that"


# ------------------------------------------------------------------ 1. by age range or sex: not like for like

def test_city_by_age_range_finding_says_the_ratio_is_against_residents_of_all_ages(tmp_path, capsys, shared_data,
                                                                                    city_raw, city_residents):
    n = city_raw.groupby(["age_range", "broad"]).size()
    ratio = (n[("18-24", "Black")] / city_residents["Black"]) / (n[("18-24", "White")] / city_residents["White"])
    text, _, err = _report(tmp_path, capsys, _city_config(shared_path(shared_data, CITY_2023), '["force", "age_range"]'))
    said = _findings(text)
    lead = f"In the City of London (18-24), Black people were searched at {ratio:.1f} times the rate of White people"
    m = re.search(re.escape(lead) + r" \(95% CI [^)]*\), a statistically significant difference \(([^;]*);", said)
    assert m, said
    # the first caveat, beside the ratio (it was on the console only)
    assert m.group(1) == (f"{ALL_AGES} age range (the Census tables by ethnic group have no age or sex): not like for like")
    assert "split by 'age_range'" in err  # the library's warning is still there
    section = text.split("Stop and search: disproportionality and outcomes", 1)[1]
    assert ("The rates and ratios by age range set each row's searches against residents of all ages and both sexes, "
            "not of that age range") in section


def test_essex_by_gender_finding_says_so_too(tmp_path, capsys, shared_data):
    raw = pd.concat([pd.read_csv(f) for f in sorted(glob.glob(str(shared_path(shared_data, SEVEN) / "*-essex-*.csv")))])
    raw = raw[raw["Type"] != "Vehicle search"]
    male_black = int((raw["Gender"].eq("Male") & raw["Self-defined ethnicity"].fillna("").str.startswith("Black")).sum())
    files = ", ".join(f'"{f}"' for f in sorted(glob.glob(str(shared_path(shared_data, SEVEN) / "*-essex-*.csv"))))
    cfg = f'title = "T"\narea = "Essex"\n[stop_search]\nfiles = [{files}]\nby = ["force", "gender"]\ncensus = "auto"\n'
    text, _, _ = _report(tmp_path, capsys, cfg)
    disp = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str)
    row = disp[(disp["gender"] == "Male") & (disp["group"] == "Black")]
    assert int(row["searches"].iloc[0]) == male_black  # the finding's row, against the raw file
    said = _findings(text)
    assert re.search(r"In Essex \(Male\), Black people were searched at [\d.]+ times the rate of White people \(95% CI "
                     rf"[^)]*\), a statistically significant difference \({ALL_AGES} sex \(the Census tables", said), said


# ------------------------------------------------------------------ 2. caveats name their split

def test_city_by_legislation_caveats_name_the_split(tmp_path, capsys, shared_data, city_raw):
    drugs = "Misuse of Drugs Act 1971 (section 23)"
    n = city_raw.assign(legislation=city_raw["legislation"].fillna("no legislation recorded")) \
        .groupby(["legislation", "broad"]).size()
    assert all(n[(drugs, g)] >= 5 for g in ("White", "Black", "Asian", "Mixed", "Other"))  # all shown
    text, _, _ = _report(tmp_path, capsys, _city_config(shared_path(shared_data, CITY_2023), '["force", "legislation"]'))
    said = _findings(text)
    assert "Asian, Black and Other: counts suppressed" not in said
    suppressed = re.search(r"; ([^;]*): counts suppressed, so their ratios are not shown", said)
    by_white = re.search(r"; ([^;]*): their ratios are not shown, as White people's count there is suppressed", said)
    assert suppressed and by_white, said
    disp = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str)
    for leg, rows in disp.groupby("legislation"):
        white_hidden = rows.loc[rows["group"] == "White", "searches"].eq("[c]").any()
        own = rows[(rows["group"] != "White") & rows["searches"].eq("[c]")]
        # a legislation is named in a caveat exactly when a group's ratio there is hidden
        assert (leg in suppressed.group(1)) == bool(len(own)), leg
        assert (leg in by_white.group(1)) == bool(white_hidden and (~rows["searches"].eq("[c]")
                                                                   & (rows["group"] != "White")).any()), leg
    assert drugs not in suppressed.group(1) and drugs not in by_white.group(1)
    assert "Black and Other ('Criminal Justice and Public Order Act 1994 (section 60)' and 'no legislation recorded')" \
        in suppressed.group(1)  # the same groups in two splits: said once


# ------------------------------------------------------------------ 3. the library's warnings: no "nan"

def test_library_warning_names_the_searches_with_no_legislation(shared_data):
    raw = pd.read_csv(shared_path(shared_data, CITY_2023), sep=";")
    none = raw[raw["legislation"].isna() & (raw["type"] != "Vehicle search")]
    eth = none["self_defined_ethnicity"].fillna("").str.strip()
    ns = int(((eth == "") | eth.str.contains("Not stated")).sum())
    recs = saferstats.read_stop_search(shared_path(shared_data, CITY_2023))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        saferstats.outcome_test(recs, by=["force", "legislation"], outcome="arrest")
    said = " ".join(str(w.message) for w in seen)
    assert f"City of London / no legislation recorded ({round(100 * ns / len(none))}% of {len(none)})" in said, said
    assert "/ nan" not in said


# ------------------------------------------------------------------ 4. caption, title, not-stated sentence

def test_forest_caption_says_by_legislation(tmp_path, capsys, shared_data):
    _report(tmp_path, capsys, _city_config(shared_path(shared_data, CITY_2023), '["force", "legislation"]'))
    page = (tmp_path / "o" / "index.html").read_text()
    assert "Search rate ratio vs White by area and legislation (" in page
    assert "Search rate ratio vs White by area (" not in page


def test_forest_title_keeps_the_census_with_the_city_caution(shared_data):
    import matplotlib

    matplotlib.use("Agg")
    files = sorted(glob.glob(str(shared_path(shared_data, SEVEN) / "*.csv")))
    recs = pd.concat([saferstats.read_stop_search(f) for f in files])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = saferstats.disproportionality(recs, by=["force", "csp"], census=2021)
    texts = set(res["denominator"].astype(str))
    assert len(texts) == 2 and len({t.split(";")[0] for t in texts}) == 1  # the City's caution only differs
    assert saferstats.plot_disproportionality(res).get_title() == "Stop and search disproportionality (Census 2021 denominators)"


def test_not_stated_sentence_names_the_searches_with_no_outcome():
    from saferstats.report.sections import _not_stated_outcome_words

    t = pd.DataFrame({"force": ["Durham"] * 2, "outcome": ["no outcome recorded"] * 2, "group": ["Black", "White"],
                      "n": [100, 482], "hits": [30, 157]})
    st = [{"force": "durham", "outcome": np.nan, "not_stated": 297, "searches": 879, "ns_n": 297, "ns_hits": 74,
           "st_n": 582, "st_hits": 187, "ns_rate": 74 / 297, "st_rate": 187 / 582, "p_value": 0.027, "differs": True}]
    said = _not_stated_outcome_words(t, st, np.zeros(2, bool), np.zeros(2, bool), {"durham": "Durham"}, 5, "find rate")
    assert "nan" not in said
    # the table's row: its rate is the published rows' own total (187 / 582), so it is given
    assert (f"In Durham (no outcome recorded), the searches with no stated ethnicity (34% of them) had a different find "
            f"rate from the others': {100 * 74 / 297:.1f}% against {100 * 187 / 582:.1f}%") in said

