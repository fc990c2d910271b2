"""Session 21 (w30a): the report's stop-and-search Census by the library's rule, force names by
``geography.force_name``, one name per council on a page, and the library's caution on rates by
month."""

import glob
import inspect
import os
import warnings

import pandas as pd
import pytest

import saferstats as ss
from saferstats.report import ConfigError
from saferstats.report.sections import _census_for, _flytipping, _force_names, _said_names, _stop_search

CFG = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Leicestershire"}


@pytest.fixture(scope="module")
def undated(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled police.uk sample with every Date blank (files named by month, rows undated)."""
    out = tmp_path_factory.mktemp("undated")
    for f in sorted(glob.glob(f"{ss.datasets.stop_search_sample_path()}/*.csv.gz")):
        raw = pd.read_csv(f, dtype=str, keep_default_na=False)
        raw["Date"] = ""
        raw.to_csv(out / os.path.basename(f)[:-3], index=False)
    return str(out)


def test_undated_searches_ask_which_census_as_the_library_does(undated: str) -> None:
    """The report took Census 2021 for searches with no dates (its own _census_for), while
    disproportionality(census="auto") refuses them: the section now uses the library's rule and
    its error names the key to set."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ConfigError) as exc:
            _stop_search(CFG, {"files": [undated], "by": ["force"], "census": "auto"})
    assert exc.value.argument == "stop_search.census"
    assert 'set [stop_search] census = "2011"' in str(exc.value) and 'census = "2021"' in str(exc.value)
    recs = ss.read_stop_search(undated)
    with pytest.raises(ConfigError, match='census = "2011"'):
        _census_for(recs, "auto")
    # set, it is used and said
    assert _census_for(recs, "2011") == 2011
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search(CFG, {"files": [undated], "by": ["force"], "census": "2011"})
    table = s.tables[0].frame
    assert set(table["denominator"].str.split(";").str[0]) == {"Census 2011 usual residents"}


def test_dated_searches_still_take_the_home_offices_census() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search(CFG, {"files": [str(ss.datasets.stop_search_sample_path())], "by": ["force"]})
    assert set(s.tables[0].frame["denominator"].str.split(";").str[0]) == {"Census 2011 usual residents"}


def test_force_names_are_the_librarys() -> None:
    """_force_names / _said_names are geography.force_name (one rule for the report and the CLI)."""
    from saferstats.report import sections

    assert _force_names(["city-of-london", "avon-and-somerset", "btp"]) == {
        "city-of-london": "London, City of", "avon-and-somerset": "Avon and Somerset", "btp": "btp"}
    assert _said_names(["city-of-london", "btp"]) == {"city-of-london": "City of London", "btp": "btp"}
    assert "force_name(" in inspect.getsource(sections._force_names)
    assert "force_name(" in inspect.getsource(sections._said_names)
    src = inspect.getsource(sections)
    assert "_LSOA_NOTE" not in src and "LSOA_CODES_NOTE" in src


def test_a_council_is_named_as_ons_names_it_whatever_defra_writes() -> None:
    """Walk of Liverpool CSP: the page said "St. Helens" (ONS, stop-and-search table) and "St Helens"
    (Defra's latest spelling, the fly-tipping tables). Fly-tipping now shows the ONS name, and says
    the file's spelling."""
    rows = []
    for i, y in enumerate(["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]):
        rows += [("St Helens", "E08000013", y, 1800 + 40 * i), ("Bristol", "E06000023", y, 9000 - 100 * i),
                 ("Liverpool", "E08000012", y, 9000 + 100 * i), ("Not a council", "", y, 100)]
    data = pd.DataFrame(rows, columns=["la_name", "la_code", "year", "incidents"])
    data["population"] = 100_000.0
    sec = {"data": data, "area": "la_name", "code": "la_code", "period": "year", "count": "incidents",
           "population": "population"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping({**CFG, "area": ""}, sec)
    rates = next(t.frame for t in s.tables if t.name == "flytipping_rates")
    assert {"St. Helens", "Bristol, City of", "Liverpool", "Not a council"} == set(rates["la_name"])
    assert ("2 authorities are named in the file other than as ONS names them, or differently across years, and shown "
            "under the ONS name (matched by ONS code): 'Bristol, City of' (E06000023; in the file 'Bristol'), "
            "'St. Helens' (E08000013; in the file 'St Helens').") in s.intro


def test_rates_by_month_say_they_are_per_month() -> None:
    """by=[..., 'month']: each row's rate is a month's; the library said nothing (its "not per year"
    caution is of rates over the whole span), so only the CLI warned."""
    recs = ss.read_stop_search(ss.datasets.stop_search_sample_path())
    said = "disproportionality: by='month': the rates are searches per 1,000 residents in each month, not per year"
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        ss.disproportionality(recs, None, by=["force", "month"], census=2011)
    assert sum(said in str(w.message) for w in seen) == 1
    assert any("pass per_year=True" in str(w.message) for w in seen if said in str(w.message))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        ss.disproportionality(recs, None, by=["force", "month"], census=2011, multiplier=12000)
        ss.disproportionality(recs, None, by=["force"], census=2011)
    assert not any(said in str(w.message) for w in seen)


MERSEYSIDE = "stop_search/policeuk_7forces_2019-12_to_2020-02/20{}-merseyside-stop-and-search.csv"


def test_every_find_comparison_withheld_compares_arrests_instead(shared_data) -> None:
    """Walk of Liverpool CSP (police.uk Merseyside, Dec 2019 - Feb 2020): the 'outcome linked' flag is
    blank on 78% of searches, so every find comparison was withheld, and the note pointed to arrests
    that the page did not show. The section now adds the arrest comparison, protected with the other
    two tables, and the findings say it as arrests."""
    from saferstats.report.summary import executive_summary
    from saferstats.report.tables import header

    files = [str(shared_data / MERSEYSIDE.format(m)) for m in ("19-12", "20-01", "20-02")]
    if not all(os.path.exists(f) for f in files):
        pytest.skip("Merseyside police.uk files absent")
    cfg = {**CFG, "area": "Liverpool"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search(cfg, {"files": files, "by": ["force", "csp"], "census": "auto"})
    names = [t.name for t in s.tables]
    assert names == ["stop_search_disproportionality", "stop_search_find_rates", "stop_search_arrest_rates"]
    a = s.tables[2].frame
    liv = a[a.csp == "Liverpool"].set_index("group")
    assert (liv.loc["Black", "n"], liv.loc["Black", "hits"], liv.loc["White", "n"], liv.loc["White", "hits"]) == \
        (189, 16, 3205, 266)
    assert liv.loc["Asian", "hits"] == "[c]"   # 3 arrests
    for v in a["hits"]:   # no published count below the threshold but 0
        assert v == "[c]" or int(v) == 0 or int(v) >= 5
    # a group's searches hidden in the rates table are hidden here too (Knowsley's Asian searches)
    d = s.tables[0].frame
    for (csp, g), v in zip(d[["csp", "group"]].itertuples(index=False), d["searches"]):
        if v == "[c]":
            assert a[(a.csp == csp) & (a.group == g)]["n"].iloc[0] == "[c]"
    assert "Every find-rate comparison is withheld, so the arrest rates" in s.intro
    # the searches are those with a recorded outcome, and the header says so (session 22, w32b)
    assert list(s.tables[2].page.columns[:7]) == ["force", "csp", "group", "searches_with_outcome", "arrests",
                                                  "arrest_percent", "arrest_percent_lower"]
    assert [header(c) for c in s.tables[2].page.columns[3:5]] == ["Searches with a recorded outcome", "Arrests"]
    f = executive_summary([s], cfg).findings["stop_search"]
    assert any(x.startswith("Arrest rates (the share of searches that ended in arrest, compared because no find rate "
                            "could be; an arrest is not a find) showed no statistically significant difference from "
                            "White people's for the 6 of 20 comparisons that could be made (the others are suppressed")
               for x in f), f


def test_find_comparisons_made_add_no_arrest_table() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search(CFG, {"files": [str(ss.datasets.stop_search_sample_path())], "by": ["force"]})
    assert [t.name for t in s.tables] == ["stop_search_disproportionality", "stop_search_find_rates"]
    assert "arrest rates" not in s.intro


def test_the_arrest_table_leaves_the_other_tables_as_they_were(shared_data) -> None:
    """Solved all at once with the other two tables, the arrest table moved their pattern: Leicestershire
    (police.uk, Dec 2019 - Feb 2020, its find flag blank on most searches) had its 67 Black searches,
    the report's headline ratio 5.45, hidden in place of Mixed's 8 to protect Other's 2. The arrest
    table is protected against the other tables as published, and hides only its own cells."""
    files = sorted(str(p) for p in (shared_data / "stop_search/policeuk_7forces_2019-12_to_2020-02").glob(
        "*-leicestershire-stop-and-search.csv"))
    if not files:
        pytest.skip("Leicestershire police.uk files absent")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search({**CFG, "area": "Charnwood"}, {"files": files, "by": ["force"]})
    d = s.tables[0].frame.set_index("group")["searches"].astype(str).to_dict()
    assert d == {"Asian": "103", "Black": "67", "Mixed": "[c]", "Other": "[c]", "White": "398"}
    a = s.tables[2].frame.set_index("group")
    assert s.tables[2].name == "stop_search_arrest_rates"
    assert (a.loc["Asian", "hits"], a.loc["White", "hits"]) == (16, 58)
    assert a.loc["Mixed", "n"] == a.loc["Other", "n"] == "[c]"   # their searches are hidden
