"""Stop and search by Community Safety Partnership (walk-through 3).

`disproportionality(by="csp")` places each search in its CSP from its location; `outcome_test` did
not, so a report with `[stop_search] by = ["csp"]` stopped: "searches has no column 'csp'". With
that fixed it stopped again on a CSP with no White search to compare with ("reference group 'White'
has no row for Melton"). And the report never said that searches without a location were left out
of the CSP tables - all 3,461 of South Yorkshire's in the seven-force files (no coordinates), 1,548
of Merseyside's. Counts checked with the csv module.
"""

from __future__ import annotations

import warnings
from collections import Counter

import pandas as pd
import pytest

import saferstats
from conftest import build_report, policeuk_stop_search_rows


def _stated(folder):
    """{force: (stated person searches, of them without coordinates)}."""
    n, blank = Counter(), Counter()
    for force, row in policeuk_stop_search_rows(folder, stated_only=True):
        n[force] += 1
        blank[force] += row["Latitude"].strip() == ""
    return n, blank


def test_outcome_test_by_csp_places_searches_as_disproportionality_does():
    folder = saferstats.datasets.stop_search_sample_path()
    recs = saferstats.read_stop_search(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        disp = saferstats.disproportionality(recs, by="csp", census=2011)
        arrests = saferstats.outcome_test(recs, outcome="arrest", by="csp")
    assert {"csp", "csp_code"} <= set(arrests.columns)
    both = disp.merge(arrests, on=["csp", "csp_code", "group"], how="inner")
    # the same areas; the arrest table leaves out the searches with no outcome recorded (session 13:
    # they were counted as "not arrested"), and counts them
    assert (both["searches"] >= both["n"]).all()
    no_outcome = arrests.attrs["excluded"]["outcome_missing"]
    assert no_outcome > 0 and int(arrests["n"].sum()) + no_outcome == int(disp["searches"].sum())
    n, blank = _stated(folder)
    assert int(arrests["n"].sum()) + no_outcome + arrests.attrs["excluded"]["unassigned_location"] == sum(n.values())
    assert arrests.attrs["unassigned"]["missing_coordinates"] == sum(blank.values())


def test_a_stratum_without_the_reference_group_is_left_out_and_said():
    recs = pd.DataFrame({"area": ["A"] * 4 + ["B"] * 2,
                         "self_defined_ethnicity": ["White - Irish", "White - Irish", "Other ethnic group - Arab",
                                                    "Other ethnic group - Arab", "Other ethnic group - Arab",
                                                    "Asian/Asian British - Indian"],
                         "outcome": ["Arrest", "A no further action disposal"] * 3})
    with pytest.warns(saferstats.SaferstatsWarning, match=r"1 of 2 strata have no White searches.*\(B\)"):
        out = saferstats.outcome_test(recs, outcome="arrest", by="area")
    assert set(out["area"]) == {"A"} and out.attrs["no_reference"] == [{"area": "B"}]
    assert out.attrs["excluded"]["no_reference_searches"] == 2


def test_report_by_csp_builds_and_says_what_was_not_placed(tmp_path):
    folder = saferstats.datasets.stop_search_sample_path()
    n, blank = _stated(folder)
    build_report(tmp_path, f'title = "T"\narea = "Derby"\n[stop_search]\nfiles = ["{folder}"]\nby = ["csp"]\n')
    page = (tmp_path / "o" / "index.html").read_text()
    assert "could not be placed in a Community Safety Partnership" in page
    # City of London: 100 stated searches without coordinates in the sample, more placed elsewhere
    assert blank["city-of-london"] >= 5
    assert "City of London: " in page and f" of {n['city-of-london']:,}" in page
    finds = pd.read_csv(tmp_path / "o" / "stop_search_find_rates.csv", dtype=str)
    assert "csp" in finds.columns


def test_report_by_csp_says_what_the_unplaced_searches_do_to_the_rates(tmp_path):
    """Session 12 (a Liverpool report from the seven-force files): the CSP rates of a force with
    searches that could not be placed count only the placed ones, so they understate searching; a
    force none of whose searches could be placed has no CSP rates. Which forces are which is read
    with the csv module."""
    folder = saferstats.datasets.stop_search_sample_path()
    n, blank = _stated(folder)
    partly = [f for f in n if 0 < blank[f] < n[f]]
    wholly = [f for f in n if n[f] and blank[f] == n[f]]
    assert partly
    build_report(tmp_path, f'title = "T"\narea = "Derby"\n[stop_search]\nfiles = ["{folder}"]\nby = ["csp"]\n')
    page = " ".join((tmp_path / "o" / "index.html").read_text().split())
    assert ("The rates of the Community Safety Partnerships of those forces count only the searches that could be "
            "placed, so they understate searching there by up to the share not placed") in page
    names = {"south-yorkshire": "South Yorkshire", "merseyside": "Merseyside", "city-of-london": "London, City of"}
    for f in wholly:
        assert f"No search of {names.get(f, f)} could be placed" in page
    if not wholly:
        assert "could be placed, so its Community Safety Partnerships have no rates" not in page


def test_a_force_with_no_locations_has_no_csp_rates_and_is_said(tmp_path, shared_data):
    folder = shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02"
    n, blank = _stated(folder)
    assert n["south-yorkshire"] == blank["south-yorkshire"] == 3461  # no coordinates at all
    build_report(tmp_path, f'title = "T"\narea = "Liverpool"\n[stop_search]\nfiles = ["{folder}"]\nby = ["csp"]\n')
    page = " ".join((tmp_path / "o" / "index.html").read_text().split())
    assert "No search of South Yorkshire could be placed, so its Community Safety Partnerships have no rates here." in page
    # its 24% not stated is no caution on rates it does not have (the City of London's still is)
    assert "of searches in South Yorkshire" not in page and "of searches in the City of London" in page  # (walk 21)
    rates = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str)
    assert not rates["csp"].isin(["Sheffield", "Barnsley", "Rotherham", "Doncaster"]).any()
