"""Session 30 (w51d): the strategic-assessment report's stop-and-search wording, and its refusal of a
CSP the Census authority table cannot give.

1. A one-month police.uk file with ``[stop_search] annualise = false``: the caption said "Search rates
   per 1,000 over the 1 months (not per year), Feb 2020 to Feb 2020" and the text "Searches from Feb
   2020 to Feb 2020"; the find table's caption "Test: ." (every row withheld, each test ""). Now one
   function (``report.inputs.over_months``) says "over the month" / "over the 3 months" everywhere,
   a one-month period is "Feb 2020" and the empty test label is not said.
2. ``__main__._as_flags``' summary gave ``multiplier=12000`` as its example, the advice the library no
   longer gives (``per_year=True``).
3. ``report.inputs.refuse_left_out_csp`` found the CSP by a regex on the error's words (and took a
   ``path`` it did not use): a reworded message would have let the bare error through. The
   ``UnknownAreaError`` of a stratum with no population now carries ``stratum`` and ``key``.
"""

from __future__ import annotations

import argparse
import html
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.exceptions import UnknownAreaError
from saferstats.report.config import ConfigError
from saferstats.report.inputs import refuse_left_out_csp, stop_search_period

FOLDER = "stop_search/policeuk_7forces_2019-12_to_2020-02/"


def _page_text(path):
    t = path.read_text()
    t = re.sub(r"<(style|script).*?</\1>", " ", t, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", t)).split())


def _report(tmp_path, files, extra=""):
    from saferstats.__main__ import main

    cfg = tmp_path / "a.toml"
    names = ", ".join(f'"{f}"' for f in files)
    cfg.write_text(f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = [{names}]\nby = ["force"]\n'
                   f'annualise = false\nsource = "police.uk"\n{extra}')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    return _page_text(tmp_path / "o" / "index.html")


def test_one_month_file_says_the_month(shared_data, tmp_path):
    """Before: "over the 1 months (not per year), Feb 2020 to Feb 2020" in the caption, "Searches from Feb
    2020 to Feb 2020" in the text and "Test: ." under the find table. Reference: the file's Date column
    read with pandas (one month, February 2020)."""
    f = shared_path(shared_data, FOLDER + "2020-02-derbyshire-stop-and-search.csv")
    months = pd.to_datetime(pd.read_csv(f)["Date"], utc=True).dt.strftime("%b %Y").unique()
    assert list(months) == ["Feb 2020"]
    page = _report(tmp_path, [f])
    assert "1 months" not in page and "Feb 2020 to Feb 2020" not in page
    assert "Search rates per 1,000 over the month (not per year), Feb 2020, and ratio to White" in page
    assert "Searches in Feb 2020 (1 month); each rate is over this month, not per year" in page
    assert "Search rate (per 1,000 over the month)" in page
    assert "Test: ." not in page and "Test: ," not in page


def test_three_months_still_say_their_number(shared_data, tmp_path):
    """The words for more than one month are unchanged: Derbyshire's three files, Dec 2019 - Feb 2020
    (three months by their Date columns)."""
    files = [shared_path(shared_data, FOLDER + f"{m}-derbyshire-stop-and-search.csv")
             for m in ("2019-12", "2020-01", "2020-02")]
    dates = pd.concat([pd.read_csv(f)["Date"] for f in files])
    assert pd.to_datetime(dates, utc=True).dt.strftime("%Y-%m").nunique() == 3
    page = _report(tmp_path, files)
    assert "Search rates per 1,000 over the 3 months (not per year), Dec 2019 to Feb 2020" in page
    assert "Searches from Dec 2019 to Feb 2020 (3 months); each rate is over these 3 months" in page
    assert "Search rate (per 1,000 over the 3 months)" in page


def test_over_months_and_period_words():
    """By hand: one month is "the month", never "the 1 months"; the period of one month is said once."""
    from saferstats.report.inputs import over_months

    assert over_months(1) == "over the month" and over_months(1, "these") == "over this month"
    assert over_months(2) == "over the 2 months" and over_months(12, "these") == "over these 12 months"
    one = pd.DataFrame({"date": ["2020-02-01T10:00:00+00:00", "2020-02-29T23:00:00+00:00"]})
    assert stop_search_period(one) == ("Feb 2020", 1)
    year = pd.DataFrame({"date": ["2023-01-01", "2023-12-31"]})
    assert stop_search_period(year) == ("Jan 2023 to Dec 2023", 12)


def test_as_flags_summary_gives_the_current_advice():
    """Before: the summary line's example was ``pass multiplier=12000`` -> ``--multiplier 12000``, the
    twelfths the library no longer advises; the example it gives now runs as said."""
    from saferstats import __main__ as cli

    doc = cli._as_flags.__doc__ or ""
    assert "12000" not in doc and "12/months" not in doc
    # (words, not indentation: Python 3.13 strips a docstring's indentation when it compiles it)
    assert "``pass per_year=True`` -> ``pass --per-year``" in " ".join(doc.split())
    assert cli._as_flags("pass per_year=True", argparse.Namespace(per_year=False)) == "pass --per-year"


_DROPPED = [{"source_file": "ltla.csv", "source_line": 7, "csp": "Wycombe", "csp_code": "E22000318",
             "csp_residents": 180669, "lacking": "its part of Buckinghamshire (E06000060)",
             "reason": "left out"}]


def _pop():
    pop = pd.DataFrame({"csp": ["Chiltern"], "ethnicity": ["White"], "population": [1000]})
    pop.attrs["dropped"] = _DROPPED
    return pop


def test_refusal_reads_the_error_not_its_words():
    """Before: the CSP was found by a regex ("csp 'Wycombe' is not in it") in the message, so an error
    worded otherwise passed through unexplained, and the function took an unused ``path``. Now it
    reads the error's ``stratum`` and ``key``; the record by hand above (Wycombe, line 7)."""
    exc = UnknownAreaError("Wycombe: nothing in the table", "population",
                           stratum={"force": "Thames Valley", "csp": "Wycombe"}, key="csp")
    with pytest.raises(ConfigError) as got:
        refuse_left_out_csp(exc, _pop())
    msg = str(got.value)
    assert got.value.argument == "stop_search.population"
    assert "cannot give the residents of Wycombe CSP (E22000318, 180,669 residents" in msg
    assert "(line 7)" in msg and "ts021_ethnic_group_lsoa21.csv" in msg
    # the code as the key works too; a CSP the records do not name, or another error, is left alone
    with pytest.raises(ConfigError):
        refuse_left_out_csp(UnknownAreaError("x", "csp_code", stratum={"csp_code": "E22000318"}, key="csp_code"), _pop())
    assert refuse_left_out_csp(UnknownAreaError("x", "csp", stratum={"csp": "Chiltern"}, key="csp"), _pop()) is None
    assert refuse_left_out_csp(UnknownAreaError("csp 'Wycombe' is not in it"), _pop()) is None
    assert refuse_left_out_csp(exc, None) is None


def test_no_population_error_carries_its_stratum():
    """The library's error for a stratum with no population says what it is about: the stratum (by
    hand: CSP "A", which the table lacks) and the key, besides ``argument``."""
    searches = pd.DataFrame({"csp": ["A", "A"], "ethnicity": ["White", "Black"], "searches": [10, 5]})
    pop = pd.DataFrame({"csp": ["B", "B"], "ethnicity": ["White", "Black"], "population": [1000, 200]})
    with pytest.raises(UnknownAreaError) as got:
        ss.disproportionality(searches, pop, by="csp", count="searches")
    assert got.value.stratum == {"csp": "A"} and got.value.key == "csp" and got.value.argument == "csp"
    # the left-out CSP's error too (the table's dropped record): argument "population", the stratum kept
    pop.attrs["dropped"] = [dict(_DROPPED[0], csp="A", csp_code="E22000999")]
    with pytest.raises(UnknownAreaError) as got:
        ss.disproportionality(searches, pop, by="csp", count="searches")
    assert got.value.argument == "population" and got.value.stratum == {"csp": "A"} and got.value.key == "csp"


def test_hotspot_text_does_not_promise_min_samples_per_cluster():
    """Before: "2 clusters: groups of at least 40 incidents each" over a table with a cluster of 39
    (police.uk Hertfordshire ASB, Jan 2021 - Jan 2022, 150 m, 40: clusters of 33, 25 and 15 listed).
    Reference, by hand (ms = 40, eps = 150 m, x/y in metres): A (-140, 0) has 38 incidents at
    (-200, 60) (85 m), itself and X (0, 0) (140 m): 40, a core; B (140, 0) likewise with its 38 at
    (200, 60); X has only A, B and itself (3): a border point within reach of both, so it goes to the
    cluster found first (A's: 40) and B's holds 39; the 38-incident piles have 39 neighbours: border."""
    from saferstats.report.sections import _hotspots

    lat0, lon0 = 51.75, -0.34

    def pt(x, y):
        return lat0 + y / 111_250.0, lon0 + x / (111_320.0 * np.cos(np.radians(lat0)))

    rows = [pt(-140, 0)] + [pt(-200, 60)] * 38 + [pt(0, 0)] + [pt(140, 0)] + [pt(200, 60)] * 38
    d = pd.DataFrame(rows, columns=["lat", "lon"]).assign(month="2021-01")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _hotspots({"confidence": 0.95, "disclosure_threshold": 5},
                      {"data": d, "lat": "lat", "lon": "lon", "date": "month", "eps_m": 150.0, "min_samples": 40,
                       "cell_size": 100.0})
    table = next(t for t in s.tables if t.name == "hotspot_clusters")
    assert sorted(int(n) for n in table.frame["n"]) == [39, 40]  # the hand figures
    assert "at least 40 incidents each" not in s.intro
    assert "each grows from incidents with at least 40 incidents (themselves included) within a search radius of 150 m" in s.intro
    assert "so 1 of the clusters holds fewer than 40 incidents (the smallest 39, in the table)." in s.intro
    cap = next(f.caption for f in s.figures if f.name == "hotspot_clusters")
    assert "each grows from incidents with at least 40 within it" in cap and "at least 40 incidents)" not in cap


def test_counts_on_the_page_take_their_plural():
    """Before: "13 month(s) above the upper process limit", "2 row(s) of the published table have a count",
    "1 ratio(s) of a rate per resident" on the page (police.uk and Home Office files for Hertfordshire).
    By hand: one is singular, any other number plural, with thousands separated."""
    from saferstats.report.tables import number_of

    assert number_of(1, "month") == "1 month" and number_of(13, "month") == "13 months"
    assert number_of(1, "ratio") == "1 ratio" and number_of(0, "file") == "0 files"
    assert number_of(1649, "square") == "1,649 squares" and number_of(2, "authority", "authorities") == "2 authorities"
