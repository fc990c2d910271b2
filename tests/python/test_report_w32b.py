"""Session 22 (w32b): a new analyst's walk through the report. A report for one area states
stop-and-search findings for its own force only (by force as by force and CSP); the library's
refusals read as the config's words; the arrest table's searches are named as those with a recorded
outcome; the one-area fly-tipping trend sentence."""

import warnings

import pytest

from saferstats.report import summary
from saferstats.report.sections import _stop_search

POLICEUK = "stop_search/policeuk_7forces_2019-12_to_2020-02"
CFG = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Sheffield"}


def _seven_forces(shared_data, by: list[str]):
    """Sheffield CSP's stop-and-search section on the seven-force police.uk folder (Dec 2019 - Feb
    2020) by ``by``."""
    folder = shared_data / POLICEUK
    if not folder.is_dir():
        pytest.skip(f"{POLICEUK} not in ../shared/data")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _stop_search(CFG, {"files": [str(folder)], "by": by, "census": "auto"})


@pytest.fixture(scope="module")
def sheffield_by_force(shared_data):
    """Sheffield CSP's report on the seven-force police.uk folder, by force: the section and its findings."""
    s = _seven_forces(shared_data, ["force"])
    return s, summary._stop_search(s, CFG)


def test_by_force_findings_are_the_report_forces_only(sheffield_by_force) -> None:
    """By force, the findings of a Sheffield report named Essex ("Asian people in Essex" in the find
    finding) and gave the ratio of each of the six other forces; by force and CSP they were already
    the report's force's only. Now: South Yorkshire's, with the others left to the table."""
    s, found = sheffield_by_force
    table = next(t for t in s.tables if t.name == "stop_search_find_rates").frame
    assert set(table["force"]) >= {"Essex", "South Yorkshire", "Merseyside"}  # the table keeps every force
    text = " ".join(found)
    assert found[0].startswith("In South Yorkshire (the police force area that includes Sheffield), Black people were "
                               "searched at 2.03 times the rate of White people")
    for other in ("In Essex", "in Essex", "In Merseyside", "In Derbyshire", "In the City of London", "In Durham",
                  "In Leicestershire"):
        assert other not in text, other
    assert ("The table also shows the other 6 police forces in the files (the City of London, Derbyshire, Durham, "
            "Essex, Leicestershire and Merseyside); this report states findings for South Yorkshire only") in found
    find = [x for x in found if x.startswith("Find rates")]
    assert find == ["Find rates (the share of searches that found what was searched for) differed statistically "
                    "significantly from White people's for Asian people in South Yorkshire (20% against 11%, higher)."]


def test_a_library_refusal_reads_as_the_config(shared_data, tmp_path) -> None:
    """South Yorkshire's police.uk files have no locations, so ``by = ["csp"]`` is refused by the
    library, whose advice was Python ("by='force' sets the searches against ..."): the report's error
    now names the config's line, ``[stop_search] by = ["force"]``."""
    from saferstats.report.config import ConfigError, validate_config
    from saferstats.report.render import build_report

    files = sorted(str(p) for p in (shared_data / POLICEUK).glob("*-south-yorkshire-stop-and-search.csv"))
    if len(files) != 3:
        pytest.skip("South Yorkshire police.uk files absent")
    cfg = validate_config({"area": "Sheffield", "stop_search": {"files": files, "by": ["csp"]}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ConfigError) as err:
            build_report(cfg, tmp_path / "out", quiet=True)
    msg = str(err.value)
    assert msg.startswith('[stop_search] could not be analysed: disproportionality: [stop_search] by = ["csp"]: not '
                          "one of the 3,461 searches"), msg
    assert ("some forces' police.uk files carry no locations (South Yorkshire's, for one): [stop_search] by = "
            "[\"force\"] sets the searches against their force area's population") in msg
    assert "by='" not in msg


def test_the_arrest_tables_searches_are_those_with_an_outcome() -> None:
    """The arrest table's "Searches" are the searches with a recorded outcome (the arrest rate's
    denominator; police.uk Merseyside: Liverpool's Black 189 of more searches), and the header said
    "Searches": it now says "Searches with a recorded outcome". (The page of the real table:
    test_report_w30a.test_every_find_comparison_withheld_compares_arrests_instead.)"""
    import pandas as pd

    from saferstats.report.sections import _ARREST_PAGE, find_page
    from saferstats.report.tables import display_table

    arrests = pd.DataFrame({"group": ["Black", "White"], "n": [189, 3205], "hits": [16, 266],
                            "rate": [0.085, 0.083], "diff": [0.002, 0.0]})
    page = display_table(find_page(arrests).rename(columns=_ARREST_PAGE), "")
    assert page.headers[:3] == ["Ethnic group", "Searches with a recorded outcome", "Arrests"]
    assert page.rows[0][1] == "189"


def test_a_one_area_fly_tipping_trend_against_england_reads_as_a_sentence(shared_data) -> None:
    """Liverpool's report (Defra 2012/13 to 2021/22) said "Fly-tipping changed in line with England's other
    councils over the same years in Liverpool.": no trend given, and "in line" for a difference that is
    only not statistically significant. Now both trends, as an analyst would say it to a Panel."""
    from saferstats.report.summary import executive_summary
    from test_report_w23a import _defra_section

    s = _defra_section(shared_data, "Liverpool")
    eng = next(t for t in s.tables if t.name == "flytipping_trend_england").frame
    assert eng["against_england"].tolist() == ["in line with England"]
    found = executive_summary([s], {**CFG, "area": "Liverpool"}).findings["flytipping"]
    assert ("Liverpool's fly-tipping trend (+2.4% a year) was not statistically significantly different from that of "
            "England's other councils counted like for like over the same years (+4.7% a year across 187 "
            "councils).") in found, found
    assert not any("changed in line with England" in x for x in found)


@pytest.fixture(scope="module")
def seven_forces_by_csp(shared_data):
    """The seven-force police.uk folder (Dec 2019 - Feb 2020) by CSP alone: no force column; South
    Yorkshire's searches have no location, so none of its CSPs has a row."""
    return _seven_forces(shared_data, ["csp"])


def test_by_csp_alone_findings_are_the_report_forces_areas_only(seven_forces_by_csp) -> None:
    """By CSP alone (no force column), Sheffield's report stated the ratios of 40 CSPs of six other
    forces ("In Chelmsford, Black people were searched at 9.54 times ...") and their find rates, with
    no word that South Yorkshire has none; Liverpool's stated Essex's CSPs beside Merseyside's. Now
    the report's force's CSPs only, and none when the table has none of them."""
    s = seven_forces_by_csp
    assert "Chelmsford" in set(s.tables[0].frame["csp"]) and "Sheffield" not in set(s.tables[0].frame["csp"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no finding lost to an error
        sheffield = summary._stop_search(s, CFG)
        liverpool = summary._stop_search(s, {**CFG, "area": "Liverpool"})
    assert sheffield == ["The stop-and-search table has no Community Safety Partnership of South Yorkshire (the "
                         "report's police force area: none of its searches could be placed in one); it shows other "
                         "forces' areas only, so this report states no finding from it"]
    text = " ".join(liverpool)
    assert liverpool[0].startswith("In Liverpool, Black people were searched at 1.99 times the rate of White people")
    for csp in ("Knowsley", "Sefton", "St. Helens", "Wirral"):
        assert f"In {csp}" in text or f"{csp}:" in text, csp
    for other in ("Chelmsford", "Epping Forest", "Leicester", "Derby", "the City of London", "County Durham"):
        assert other not in text, other
    assert liverpool[-1].startswith("Find rates (the share of searches that found what was searched for) could not be "
                                    "compared with White people's for any group in Merseyside's Community Safety "
                                    "Partnerships")


def test_by_force_and_month_a_find_is_set_against_white_in_the_same_month(shared_data) -> None:
    """By ``["force", "month"]`` the find finding said "Asian people in South Yorkshire (25% against 12%,
    higher) and Asian people in South Yorkshire (19% against 12%, higher)": no month, and White people's
    find rate of the first month (Dec 2019, 12%) beside January's and February's. Now each month named,
    against White people's in that month (January 10.8%, February 10.5%)."""
    s = _seven_forces(shared_data, ["force", "month"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = summary._stop_search(s, CFG)
    find = next(x for x in found if x.startswith("Find rates"))
    assert find.startswith("Find rates (the share of searches that found what was searched for) differed statistically "
                           "significantly from White people's for Asian people in South Yorkshire in Jan 2020 (25% against "
                           "11%, higher) and Asian people in South Yorkshire in Feb 2020 (19% against 10%, higher).")
    assert "against 12%" not in find and "Essex" not in find
