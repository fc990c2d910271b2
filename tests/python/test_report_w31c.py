"""Session 22 (w31c): the stop-and-search arrest comparison in the Methods appendix and its searches
with no recorded outcome, the fly-tipping finding of a one-area report, the report's search audit as
one function, and Section 136 for an area the NHS publishes by ICB."""

import os
import warnings

import pytest

import saferstats as ss
from saferstats.report.render import _methods_appendix
from saferstats.report.sections import _stop_search

CFG = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Leicestershire"}
POLICEUK = "stop_search/policeuk_7forces_2019-12_to_2020-02"


def _section(shared_data, force: str, area: str, by: list[str]):
    files = sorted(str(p) for p in (shared_data / POLICEUK).glob(f"*-{force}-stop-and-search.csv"))
    if len(files) != 3:
        pytest.skip(f"{force} police.uk files absent")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _stop_search({**CFG, "area": area}, {"files": files, "by": by, "census": "auto"})


@pytest.fixture(scope="module")
def liverpool(shared_data):
    """Liverpool CSP's report: police.uk Merseyside by force and CSP, Dec 2019 - Feb 2020 (every find
    comparison withheld: the flag blank on 78% of searches)."""
    return _section(shared_data, "merseyside", "Liverpool", ["force", "csp"])


@pytest.fixture(scope="module")
def leicestershire(shared_data):
    """Leicestershire by force, Dec 2019 - Feb 2020 (flag blank on 91%; 10 searches with no outcome)."""
    return _section(shared_data, "leicestershire", "Leicestershire", ["force"])


def test_the_methods_appendix_says_how_arrests_were_compared(liverpool) -> None:
    """The Liverpool report's stop-and-search section compared arrest rates (every find comparison
    withheld) while its Methods appendix described search rates only: it now says what was compared,
    the test, the protection and why arrests replaced finds."""
    assert [t.name for t in liverpool.tables][-1] == "stop_search_arrest_rates"
    items = _methods_appendix(CFG, [liverpool])
    line = [i for i in items if i.startswith("Arrest rates (stop and search)")]
    assert len(line) == 1, items
    text = line[0]
    for words in ("every find-rate comparison was withheld as not comparable (police.uk's 'outcome linked to the "
                  "object of the search' flag was blank on more than a tenth of Merseyside's searches",
                  "the arrest rate is the share of searches with a recorded outcome that ended in arrest",
                  "searches with no recorded outcome are left out, not counted as no arrest",
                  "Wilson score 95% interval", "Newcombe's hybrid score interval", "Katz log interval",
                  "pooled two-proportion z test, or Fisher's exact test where an expected cell is below 5",
                  "protected after the search-rate and find tables, against them as published: counts below 5",
                  "a group whose searches are hidden in the search-rate table is hidden here too"):
        assert words in text, words
    # before the disclosure line, after the stop-and-search one
    assert items.index(text) == items.index(next(i for i in items if i.startswith("Disclosure control"))) - 1
    assert items.index(text) > items.index(next(i for i in items if i.startswith("Stop and search: Home Office")))


def test_no_arrest_comparison_no_arrest_method() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search(CFG, {"files": [str(ss.datasets.stop_search_sample_path())], "by": ["force"]})
    assert s.methods == []
    assert not any(i.startswith("Arrest rates") for i in _methods_appendix(CFG, [s]))
