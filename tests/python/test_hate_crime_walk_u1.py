"""Walk-through u1 (a force/PCC performance analyst: "is recorded hate crime in Hertfordshire rising,
and is it out of line with similar forces?"), on the Home Office hate crime tables as published.

References are the files' own cells (pandas.read_csv, the csv module), scipy's chi-square quantiles
for the exact Poisson interval and hand arithmetic, never saferstats' own output.

- ``rate_ci``, ``rate_ratio`` and ``percent_change`` on ``df["population"]`` of the Home Office table
  by force said nothing of its population being one figure for both years (Hertfordshire 1,184,400 in
  2017/18 and 2018/19), where ``add_rates`` and ``year_on_year`` warn: Hertfordshire's "+9.0%" rate
  change was its count change (1,468 -> 1,600) given as a rate change without a word. ``rate_ratio``
  and ``percent_change`` now repeat the table's population note in a ``SaferstatsWarning``, and all
  three keep it in ``.attrs["population_note"]``.
- ``read_hate_crime`` kept a force given two rows for one year (a row pasted twice) without a word,
  while ``attrs["coverage"]`` counted it once: a sum, a funnel or a rate table counted it twice. Now
  a warning names the force, year and lines, and ``attrs["repeated"]`` lists them.
- ``read_hate_crime`` of the bulletin's Figure 2 gave ``month, count`` with nothing saying what is
  counted: racially or religiously aggravated offences (five offence types), not all hate crime and
  not Table 2's race strand. Its title (without the note markers) and notes are now in ``attrs``.
"""
from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

import saferstats
from saferstats import SaferstatsWarning

from conftest import shared_path

HATE = "hate_crime/home_office_by_force_2017-18_2018-19"


@pytest.fixture(scope="module")
def by_force() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return saferstats.read_hate_crime(saferstats.datasets.hate_crime_table_path())


@pytest.fixture(scope="module")
def raw_herts() -> pd.DataFrame:
    """Hertfordshire's rows of the bundled table, read with pandas as published."""
    raw = pd.read_csv(saferstats.datasets.hate_crime_table_path(), thousands=",")
    return raw[raw["Force"].str.strip() == "Hertfordshire"].set_index("Year")


def test_rate_ci_on_the_force_tables_population_flags_it_is_one_figure_for_both_years(by_force, raw_herts):
    """Before: no attrs (the rates looked like rates on each year's population). Now the note is in
    ``.attrs["population_note"]`` (a flag, not a warning: the CLI demo says it in its own words).
    The reference: the raw file's Population is 1,184,400 in both years, and the exact interval is
    chi2(0.025, 2x)/2 to chi2(0.975, 2x+2)/2 over the population."""
    assert raw_herts.loc["2017-18", "Population"] == raw_herts.loc["2018-19", "Population"] == 1_184_400
    herts = by_force[by_force.force == "Hertfordshire"]
    out = saferstats.rate_ci(herts["offences"], herts["population"], multiplier=1000, method="exact")
    assert "one population estimate serves every year" in out.attrs["population_note"]
    x, n = raw_herts.loc["2018-19", "Total number of offences"], 1_184_400
    last = out.iloc[-1]
    assert last["rate"] == pytest.approx(1000 * x / n, rel=1e-12)
    assert last["lower"] == pytest.approx(1000 * stats.chi2.ppf(0.025, 2 * x) / 2 / n, rel=1e-6)
    assert last["upper"] == pytest.approx(1000 * stats.chi2.ppf(0.975, 2 * x + 2) / 2 / n, rel=1e-6)


def test_percent_change_and_rate_ratio_say_the_change_is_the_count_change(by_force, raw_herts):
    """Before: Hertfordshire's +9.0% came without a word that it is the change in the count (one
    population for both years). Reference: 1,600 / 1,468 - 1 from the raw file."""
    herts = by_force[by_force.force == "Hertfordshire"].set_index("period")
    new, old = herts.loc[["2018/19"]], herts.loc[["2017/18"]]
    with pytest.warns(SaferstatsWarning, match=r"percent_change: .*the change in a rate is the change in the count"):
        pc = saferstats.percent_change(new["offences"], new["population"], old["offences"], old["population"])
    counts = raw_herts["Total number of offences"]
    assert pc["percent_change"].iloc[0] == pytest.approx(100 * (counts["2018-19"] / counts["2017-18"] - 1), rel=1e-9)
    assert "population_note" in pc.attrs
    with pytest.warns(SaferstatsWarning, match=r"rate_ratio: .*same figure in every year"):
        rr = saferstats.rate_ratio(new["offences"], new["population"], old["offences"], old["population"])
    assert rr["ratio"].iloc[0] == pytest.approx(counts["2018-19"] / counts["2017-18"], rel=1e-9)


def test_plain_numbers_carry_no_note():
    """Arrays and lists have no attrs: nothing is said (guard against a note said of every call)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        out = saferstats.rate_ci([1600], [1_184_400], multiplier=1000)
        pc = saferstats.percent_change([1600], [1_184_400], [1468], [1_184_400])
    assert "population_note" not in out.attrs and "population_note" not in pc.attrs


def test_a_force_given_two_rows_for_one_year_is_named(tmp_path: Path):
    """Before: both rows kept silently (coverage counted Durham once, a sum over rows twice). The
    reference: the lines of the file written here (Durham 2017-18 on lines 3 and 5)."""
    text = saferstats.datasets.hate_crime_table_path().read_text(encoding="utf-8-sig").splitlines()
    header = text[0]
    durham = next(r for r in text if r.startswith("Durham,2017-18"))
    cleveland = next(r for r in text if r.startswith("Cleveland,2017-18"))
    kent = next(r for r in text if r.startswith("Kent,2017-18"))
    f = tmp_path / "pasted.csv"
    f.write_text("\n".join([header, cleveland, durham, kent, durham]) + "\n", encoding="utf-8")
    rows = list(csv.reader(io.StringIO(f.read_text(encoding="utf-8"))))
    lines = [i for i, r in enumerate(rows, start=1) if r[:2] == ["Durham", "2017-18"]]
    assert lines == [3, 5]
    with pytest.warns(SaferstatsWarning, match=r"Durham 2017/18 \(lines 3, 5\)"):
        t = saferstats.read_hate_crime(f)
    assert t.attrs["repeated"] == [{"force": "Durham", "period": "2017/18", "source_lines": [3, 5]}]
    assert len(t) == 4  # kept as published


def test_the_bundled_force_table_has_no_repeated_rows(by_force):
    """The published table has each force once a year: no warning, no attrs (43 forces x 2 years)."""
    assert "repeated" not in by_force.attrs
    assert len(by_force) == 86 and not by_force.duplicated(["force", "period"]).any()


def test_figure_2_says_what_it_counts(shared_data: Path):
    """Before: no title or notes in attrs, so the monthly "count" read as all hate crime. Reference:
    the first cell of the CSV export (its note marker "1" glued on: "police1by month") and its note
    1, read with the csv module; 2018/19 (April 2018 to March 2019) summed by hand from the cells
    is 57,693, fewer than Table 2's 78,991 race hate crimes."""
    path = shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Figure_2.csv")
    rows = list(csv.reader(open(path, newline="", encoding="utf-8-sig")))
    assert "police1by month" in rows[0][0]
    note = next(r[0] for r in rows if r and r[0].startswith("1. "))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        m = saferstats.read_hate_crime(path)
    assert m.attrs["title"] == rows[0][0].replace("police1by", "police by")
    assert "racially or religiously aggravated offences" in m.attrs["title"]
    assert m.attrs["notes"]["1"] == note[3:]
    header = next(r for r in rows if "2013" in r)
    col = {int(y): k for k, y in enumerate(header) if y.strip().isdigit()}
    months = ["April", "May", "June", "July", "August", "September", "October", "November", "December"]
    by_hand = sum(int(r[col[2018]].replace(",", "")) for r in rows if r and r[0] in months)
    by_hand += sum(int(r[col[2019]].replace(",", "")) for r in rows if r and r[0] in ("January", "February", "March"))
    assert by_hand == 57_693
    fy = m[(m.month >= "2018-04") & (m.month <= "2019-03")]["count"].sum()
    assert fy == by_hand


def test_a_row_without_a_financial_year_is_named(tmp_path: Path):
    """Before: a row whose Year is blank was kept with period missing and listed only in
    attrs["dropped"]: a table of 2018/19 left Kent's figures out without a word. Reference: the
    file written here (Kent on line 3 with a blank Year)."""
    text = saferstats.datasets.hate_crime_table_path().read_text(encoding="utf-8-sig").splitlines()
    kent = next(r for r in text if r.startswith("Kent,2018-19")).replace("2018-19", "", 1)
    cleveland = next(r for r in text if r.startswith("Cleveland,2018-19"))
    f = tmp_path / "blank_year.csv"
    f.write_text("\n".join([text[0], cleveland, kent]) + "\n", encoding="utf-8")
    assert next(csv.reader(io.StringIO(f.read_text(encoding="utf-8").splitlines()[2])))[:2] == ["Kent", ""]
    with pytest.warns(SaferstatsWarning, match=r"Year is not a financial year .*line 3 \(Kent, Year blank\)"):
        t = saferstats.read_hate_crime(f)
    assert t["period"].isna().tolist() == [False, True]
