"""Session 22 (w32c): a new analyst's walk on the police.uk files of seven forces, Dec 2019 - Feb 2020.

1. `outcome_test` said nothing of the searches it leaves out as ethnicity not stated: in South
   Yorkshire a quarter (24%), arrested more often (14.1%) than the stated searches (10.5%).
2. `disproportionality` judged the not-stated share per force only: by month, Leicestershire's
   December (23% of 106) passed a fifth unwarned (17% over the quarter).
3. `saferstats disproportionality --by csp` printed and wrote counts below 5 (Southend-on-Sea
   Mixed 3, Other 0; Basildon Other 2) with no word on disclosure control.

Checked against the files read with the csv module.
"""

from __future__ import annotations

import warnings
from collections import Counter

import pytest

import saferstats as ss
from conftest import policeuk_stop_search_rows, shared_path

FOLDER = "stop_search/policeuk_7forces_2019-12_to_2020-02"


def _said(call, *args, **kw):
    """``call(*args, **kw)`` and the messages of the warnings it gave."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = call(*args, **kw)
    return out, [str(x.message) for x in w]


def _not_stated(row: dict) -> bool:
    eth = row["Self-defined ethnicity"].strip()
    return not eth or eth.endswith("Not stated")


def _force_rows(shared_data, force: str) -> list[dict]:
    folder = shared_path(shared_data, FOLDER)
    return [r for f, r in policeuk_stop_search_rows(folder) if f == force and r["Type"] != "Vehicle search"]


def _files(shared_data, force: str) -> list[str]:
    return [str(p) for p in sorted(shared_path(shared_data, FOLDER).glob(f"*-{force}-stop-and-search.csv"))]


def test_outcome_test_warns_of_the_not_stated_searches_and_their_arrest_rate(shared_data):
    rows = _force_rows(shared_data, "south-yorkshire")
    known = [r for r in rows if r["Outcome"].strip()]  # South Yorkshire's outcomes: police.uk's labels, none unknown
    ns = [r for r in known if _not_stated(r)]
    st = [r for r in known if not _not_stated(r)]
    share = sum(map(_not_stated, rows)) / len(rows)
    ns_rate = sum(r["Outcome"] == "Arrest" for r in ns) / len(ns)
    st_rate = sum(r["Outcome"] == "Arrest" for r in st) / len(st)
    assert (f"{share:.0%}", f"{ns_rate:.1%}", f"{st_rate:.1%}") == ("24%", "14.1%", "10.5%")  # the premise
    recs = ss.read_stop_search(_files(shared_data, "south-yorkshire"))
    out, said = _said(ss.outcome_test, recs, outcome="arrest", by="force")
    said = [m for m in said if "not stated" in m]
    assert len(said) == 1  # was: none
    assert said[0].startswith(f"outcome_test(outcome='arrest'): ethnicity is not stated for a fifth or more of the "
                              f"searches in South Yorkshire (24% of {len(rows):,}; arrest rate 14.1% of those searches "
                              "against 10.5% of the stated, adjusted p < 0.001): those searches are in no group's rate")
    (got,) = out.attrs["not_stated_strata"]
    assert (got["not_stated"], got["searches"]) == (sum(map(_not_stated, rows)), len(rows))
    assert (got["ns_n"], got["st_n"], got["differs"]) == (len(ns), len(st), True)
    assert got["ns_rate"] == pytest.approx(ns_rate) and got["st_rate"] == pytest.approx(st_rate)


def test_outcome_test_gives_no_rates_where_the_not_stated_do_not_differ(shared_data):
    """City of London: 34% not stated, arrested about as often as the stated searches: the share
    alone (pooled over forces, each force is judged apart)."""
    recs = ss.read_stop_search(_files(shared_data, "city-of-london") + _files(shared_data, "durham"))
    said = [m for m in _said(ss.outcome_test, recs, outcome="arrest")[1] if "not stated" in m]
    assert len(said) == 1 and "searches in City of London (34% of 879): those searches" in said[0]
    assert "Durham" not in said[0]


def test_disproportionality_names_a_month_over_a_fifth_in_a_force_under_it(shared_data):
    rows = _force_rows(shared_data, "leicestershire")
    n, ns = Counter(r["Date"][:7] for r in rows), Counter(r["Date"][:7] for r in rows if _not_stated(r))
    assert (ns["2019-12"], n["2019-12"]) == (24, 106) and sum(ns.values()) < 0.2 * len(rows)  # the premise
    recs = ss.read_stop_search(_files(shared_data, "leicestershire"))
    out, said = _said(ss.disproportionality, recs, None, by=["force", "month"], census=2011)
    assert not [m for m in said if m.startswith("disproportionality: ethnicity is not stated")]  # the force: under a fifth
    strata = [m for m in said if "strata ethnicity is not stated" in m]
    assert len(strata) == 1  # was: none
    assert strata[0].startswith("disproportionality: in 1 of the 3 force × month strata ethnicity is not stated for a "
                                "fifth or more of the searches, though not in their force as a whole (Leicestershire / "
                                "2019-12 (23% of 106)): the rates of those rows count only")
    assert [(r["month"], r["not_stated"], r["searches"]) for r in out.attrs["not_stated_strata"]] == [
        (m, ns[m], n[m]) for m in sorted(n)]


def test_cli_by_csp_says_why_small_counts_are_shown_and_what_controls_them(shared_data, tmp_path, capsys):
    import pandas as pd

    from saferstats.__main__ import main

    out = tmp_path / "essex.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["disproportionality", *_files(shared_data, "essex"), "--by", "csp", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    shown = table.set_index(["csp", "group"])["searches"]
    assert (shown["Southend-on-Sea", "Mixed"], shown["Southend-on-Sea", "Other"], shown["Basildon", "Other"]) == (3, 0, 2)
    small = int(((table["searches"] >= 1) & (table["searches"] < 5)).sum())
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("Note:")]
    assert notes == [  # was: none
        f"Note: {small} of the {len(table)} counts of searches are below 5 (Basildon / Other: 2; Brentwood / Asian: 2; "
        f"Brentwood / Mixed: 4 and {small - 3} more): shown, not withheld, because every search record is already "
        "public on police.uk; publishing them beside other tables (a CSP's totals, other sources) needs disclosure "
        "control: --threshold 5 hides them and every cell that would give them back (saferstats.suppress in Python)"]
    # the function named does it: on the CSV as written, the small counts are hidden
    hidden = ss.suppress(table).set_index(["csp", "group"])["searches"]
    assert hidden["Basildon", "Other"] == hidden["Southend-on-Sea", "Mixed"] == "[c]"
