"""Session 22 (w31c): the stop-and-search arrest comparison in the Methods appendix and its searches
with no recorded outcome, the fly-tipping finding of a one-area report, the report's search audit as
one function, and Section 136 for an area the NHS publishes by ICB."""

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


def _published_and_truth(shared_data, force: str, area: str, by: list[str]):
    """The section as published (threshold 5) and the same tables unsuppressed (threshold 1)."""
    pub = _section(shared_data, force, area, by)
    files = sorted(str(p) for p in (shared_data / POLICEUK).glob(f"*-{force}-stop-and-search.csv"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        truth = _stop_search({**CFG, "area": area, "disclosure_threshold": 1}, {"files": files, "by": by, "census": "auto"})
    return pub, truth


def _arrest_attack(pub, truth, by: list[str], no_outcome_total: bool) -> list:
    """A reader's attack (disclosure_attack.Attack, scipy LP) on the three tables as published, with the
    totals the report takes as known (each area's searches over the groups; the force's by group over
    its areas; the force's searches with the 'outcome linked' flag, from the caveat), each table's
    numbers within the searches, and, when the text gives it, the force's searches with no recorded
    outcome (the searches less the arrest table's numbers). The counts recovered other than zeros
    (zeros are published: Mixed's and Other's flagged searches, 0, hidden with their searches, are the
    caveat's 53 less the published ones)."""
    from disclosure_attack import Attack

    from saferstats.report.sections import csv_rounded

    p = {t.name: csv_rounded(t.frame).reset_index(drop=True) for t in pub.tables}
    t = {t.name: csv_rounded(t.frame).reset_index(drop=True) for t in truth.tables}
    d, f, a = (t[n] for n in ("stop_search_disproportionality", "stop_search_find_rates", "stop_search_arrest_rates"))
    # session 28 (w45a): where the find rate is withheld as not comparable, the searches flagged (hits) are
    # blank in both runs: not published, so not a cell of the attack
    f = f.assign(hits=f["hits"].mask(f["hits"].astype(str).eq("")))
    at = Attack()
    at.table("d", p["stop_search_disproportionality"], d, ["searches"])
    at.table("f", p["stop_search_find_rates"], f, ["n", "hits"])
    at.table("a", p["stop_search_arrest_rates"], a, ["n", "hits"])
    for labels in ([*by[:-1], "group"], by):   # the force's by group over its areas; each area's over groups
        for rows in d.groupby(labels if len(labels) > 1 else labels[0]).groups.values():
            at.total(("d", r, "searches") for r in rows)
    at.total(("f", r, "n") for r in f.index)
    row = {tuple(map(str, k)): r for r, k in zip(d.index, d[[*by, "group"]].itertuples(index=False))}
    for name, frame in (("f", f), ("a", a)):
        for r, k in zip(frame.index, frame[[*by, "group"]].itertuples(index=False)):
            at.subset((name, r, "n"), ("d", row[tuple(map(str, k))], "searches"), (name, "none", r))
            at.subset((name, r, "hits"), (name, r, "n"), (name, "misses", r))
    if no_outcome_total:
        at.total(("a", "none", r) for r in a.index)
    return [x for x in at.run() if x.true > 0]


def test_the_arrest_text_says_how_many_searches_had_no_outcome(shared_data) -> None:
    """Leicestershire (police.uk, Dec 2019 - Feb 2020): 6 of White people's 398 searches, and 4 of
    Black people's 67, had no recorded outcome; the arrest rates leave them out (392 White), and the
    text did not say so. It now gives the number, protected as the tables are: by force the total (10)
    would hide White people's 392 (the reference) to protect Black people's 4, so the text gives only
    what the tables already publish (398 less 392) and says the rest is withheld; by CSP (Charnwood's
    report) the total is published, and no hidden count can be worked back with it."""
    pub, truth = _published_and_truth(shared_data, "leicestershire", "Leicestershire", ["force"])
    assert ("Some searches had no recorded outcome: 6 of White people's 398 searches (a group's number is its "
            "searches in the search-rate table less those in the arrest table, where both are shown; for the groups "
            "whose counts are suppressed it is withheld to protect small numbers). They are left out of the arrest "
            "rates (an outcome not recorded is not known to be no arrest), so the arrest table counts only the "
            "searches with one.") in pub.intro
    a = pub.tables[2].frame.set_index("group")
    assert (a.loc["White", "n"], a.loc["Asian", "n"], a.loc["Black", "n"]) == (392, 103, "[c]")
    assert "10 (1.7%)" not in pub.intro
    assert _arrest_attack(pub, truth, ["force"], no_outcome_total=False) == []

    pub, truth = _published_and_truth(shared_data, "leicestershire", "Charnwood", ["force", "csp"])
    assert ("Of the 574 searches in the search-rate table, 10 (1.7%) had no recorded outcome: they are left out of "
            "the arrest rates") in pub.intro
    tn = truth.tables[2].frame
    assert int(truth.tables[0].frame["searches"].sum() - tn["n"].sum()) == 10
    assert _arrest_attack(pub, truth, ["force", "csp"], no_outcome_total=True) == []


def test_a_large_share_with_no_outcome_is_a_caution(shared_data) -> None:
    """Durham (police.uk, Dec 2019 - Feb 2020): 189 of the 413 searches had no recorded outcome (the
    latest months not yet updated), so its arrest rates are of fewer than three in five searches."""
    pub, truth = _published_and_truth(shared_data, "durham", "Durham", ["force"])
    assert ("Of the 413 searches in the search-rate table, 189 (45.8%) had no recorded outcome (more than a tenth: if "
            "the searches still without an outcome differ from the rest, as when police.uk's latest months are not "
            "yet updated, the arrest rates are not like for like with other forces' or periods')") in pub.intro
    assert _arrest_attack(pub, truth, ["force"], no_outcome_total=True) == []


def test_every_search_with_an_outcome_is_said(liverpool) -> None:
    assert "Every search in the search-rate table had a recorded outcome." in liverpool.intro


@pytest.mark.parametrize("sig, said", [
    ("Not significant", "within the 95% limits of the funnel plot against the overall rate of all 308 authorities in "
                        "England (limits widened for over-dispersion between areas): not statistically significantly "
                        "different from it."),
    ("High (0.001)", "above the upper 99.8% limit of the funnel plot against the overall rate of all 308 authorities "
                     "in England (limits widened for over-dispersion between areas): statistically significantly "
                     "higher than the overall rate."),
    ("Low (0.025)", "below the lower 95% limit of the funnel plot against the overall rate of all 308 authorities in "
                    "England, but within the 99.8% limits (limits widened for over-dispersion between areas): lower "
                    "than the overall rate at the 95% level, but not at the 99.8% level.")])
def test_a_one_area_fly_tipping_finding_reads_as_a_sentence_about_it(sig: str, said: str) -> None:
    """Liverpool CSP's report (Defra 2021/22): "Fly-tipping rates, 2021/22, compared with the overall rate of
    all 308 authorities in England, for the 1 local authority area shown (funnel plot): 1 within the limits
    (limits widened for over-dispersion between areas); Liverpool is within the 95% limits." Now one
    sentence on Liverpool's rate and what its place in the funnel means."""
    import pandas as pd

    from saferstats.report.summary import _funnel_sentence

    rates = pd.DataFrame({"la_name": ["Liverpool"], "period": ["2021/22"], "incidents": [18976],
                          "population": [486097], "rate": [39.04], "significance": [sig]})
    rates.attrs.update(funnel_against="all 308 authorities in England",
                       funnel_limits="95% / 99.8% limits widened for over-dispersion (φ = 2059.28)")
    assert _funnel_sentence(rates, "fly-tipping", 1000, "Liverpool") == [
        "Liverpool's fly-tipping rate in 2021/22 was 39.0 per 1,000 residents (18,976 incidents), " + said]


def test_the_search_audit_is_the_reports_one_function() -> None:
    """tests/python/search_audit.py copied the report's audit of its searches table (duplicates: a
    pair with report/sections.py); both are now report.sections.search_audit, which _stop_search's
    margins come from too (_search_margins)."""
    import inspect

    import search_audit as tests_audit
    from saferstats.report import sections

    frame = tests_audit.leicestershire_csp_months()
    hidden, unprotected = sections.search_audit(frame, ["csp", "month"])
    assert (hidden.tolist(), unprotected) == ([True, True, False, False, True, True], [])
    assert "search_audit(frame, by, threshold)" in inspect.getsource(tests_audit.report_search_audit)
    assert "_search_margins(" in inspect.getsource(sections._stop_search)
    assert "cells.margin(" not in inspect.getsource(tests_audit)


def test_by_force_and_csp_the_forces_totals_by_group_are_known(shared_data) -> None:
    """Durham by force and CSP (police.uk, Dec 2019 - Feb 2020): County Durham's Mixed and Other searches
    (0) were published, so Darlington's Mixed (4) and Other (1) were Durham's totals by group (the Home
    Office's force x ethnicity figures, which the problem takes as known by CSP) less 0: by force and CSP
    the problem took only each CSP's total. It now takes each force's by group over its CSPs too."""
    from saferstats.report.sections import _search_totals

    pub, truth = _published_and_truth(shared_data, "durham", "Durham", ["force", "csp"])
    assert _arrest_attack(pub, truth, ["force", "csp"], no_outcome_total=False) == []
    d = pub.tables[0].frame.set_index(["csp", "group"])["searches"]
    assert d[("Darlington", "Mixed")] == d[("Darlington", "Other")] == "[c]"
    frame = truth.tables[0].frame
    assert len(_search_totals(frame, ["force", "csp"])) == len(_search_totals(frame, ["csp"])) == 2
