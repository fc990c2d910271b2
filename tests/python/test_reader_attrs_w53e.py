"""Session 32 (w53e): a published reader's ``attrs`` re-said of the rows passed.

Worked on the Home Office hate crime tables as the package ships them
(``data/hate_crime_by_force_2017-18_2018-19.csv``, ``data/hate_crime_national_strands_2011-12_2018-19.csv``);
the references are the files' cells read with pandas (``dtype=str``) and counted here, never
saferstats' output.

- ``_frames.reader_attrs_of_rows`` knew the hate crime table by force (its columns, its coverage):
  now a generic hook running what ``saferstats.published`` registers.
- A subset's ``attrs["summary"]`` kept the file's ``missing_cells`` (4: the City of London's
  population and rate, '#N/A', in both years) for rows that have none: now counted over the rows
  passed, the file's kept as ``missing_cells_read``; rows summed over the forces get no count and a
  ``cells_note``.
- ``year_on_year`` and ``shares(total=)`` did not carry the summary and coverage (``year_on_year``
  none at all; ``shares(total=)`` the whole table's, 86 rows and 43 forces, for two forces).
"""
from __future__ import annotations

import inspect
import warnings

import pandas as pd
import pytest

import saferstats
from saferstats import _frames
from saferstats.published import COVERAGE_OFF_ITS_FORCES

NO_FIGURE = {"", "#N/A", "N/A", "..", "n/a"}


def _cells(raw: pd.DataFrame, columns: list[str]) -> tuple[int, int]:
    """Missing and unparsable cells of ``raw`` (read as text) under ``columns``, counted by hand."""
    missing = unparsable = 0
    for col in columns:
        for v in raw[col]:
            v = str(v).strip()
            if v in NO_FIGURE:
                missing += 1
                continue
            try:
                float(v.replace(",", ""))
            except ValueError:
                unparsable += 1
    return missing, unparsable


@pytest.fixture(scope="module")
def by_force() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The by-force table as published (text, with pandas) and as read."""
    path = saferstats.datasets.hate_crime_table_path()
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hc = saferstats.read_hate_crime(path)
    return raw, hc


def _figures(raw: pd.DataFrame) -> list[str]:
    return [c for c in raw.columns if c not in ("Force", "Year")]


def test_frames_knows_no_reader() -> None:
    """Before: reader_attrs_of_rows named the force, force_code, period and offences columns, the
    layout "force" and imported saferstats.published. Now it runs the registered functions."""
    src = inspect.getsource(_frames.reader_attrs_of_rows) + inspect.getsource(_frames.restates_attrs_of_rows)
    code = "\n".join(line for line in src.splitlines() if not line.strip().startswith((">>>", "...")))
    for word in ("force", "offences", "published import", "coverage", "layout"):
        assert word not in code.split('"""')[-1], word
    assert not hasattr(_frames, "COVERAGE_OFF_ITS_FORCES")
    assert saferstats.published.attrs_of_rows in _frames._ATTRS_OF_ROWS


def test_cells_counted_over_the_rows_passed(by_force: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """One year's forces through add_rates. Before: missing_cells 4 (the whole file's) for 42 rows with
    no missing cell. Reference: the raw file's cells under its figure columns, counted by hand."""
    raw, hc = by_force
    whole = _cells(raw, _figures(raw))
    assert whole == (4, 0) and hc.attrs["summary"]["missing_cells"] == 4
    year = raw[raw["Year"] == "2018-19"]
    with_pop = year[~year["Population"].str.strip().isin(NO_FIGURE)]
    assert len(with_pop) == 42 and _cells(with_pop, _figures(raw)) == (0, 0)
    assert _cells(year, _figures(raw)) == (2, 0)  # the City of London's population and rate
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = hc[hc.period == "2018/19"]
        r42 = saferstats.add_rates(y[y.population.notna()], count="offences")
        r43 = saferstats.add_rates(y, count="offences", missing="propagate")
    s = r42.attrs["summary"]
    assert (s["rows"], s["missing_cells"], s["unparsable_cells"]) == (42, 0, 0)
    assert (s["rows_read"], s["missing_cells_read"], s["unparsable_cells_read"]) == (86, *whole)
    s = r43.attrs["summary"]
    assert (s["rows"], s["missing_cells"], s["unparsable_cells"]) == (43, 2, 0)
    # said again of a subset of the subset: the file's counts stay the file's
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r1 = saferstats.add_rates(r42[r42.force == "Essex"].drop(columns=["rate", "lower", "upper", "confidence",
                                                                            "method"]), count="offences")
    assert r1.attrs["summary"]["rows"] == 1 and r1.attrs["summary"]["missing_cells_read"] == 4


def test_summed_rows_say_the_cells_are_the_files(by_force: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """groupby("period").sum() has no force or source_line: before, missing_cells 4 of its 2 rows; now
    no count, the file's as missing_cells_read and a note saying so."""
    raw, hc = by_force
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nat = hc.groupby("period", as_index=False)[["offences", "population"]].sum()
        r = saferstats.add_rates(nat, count="offences")
    s = r.attrs["summary"]
    assert "missing_cells" not in s and "unparsable_cells" not in s
    assert s["missing_cells_read"] == _cells(raw, _figures(raw))[0] == 4
    note = " ".join(s["cells_note"].split())
    assert note.startswith("missing_cells (4) and unparsable_cells (0) are the file's")
    assert "force, period, source_line" in note
    assert r.attrs["coverage"] == COVERAGE_OFF_ITS_FORCES + hc.attrs["coverage"]


def test_year_on_year_carries_summary_and_coverage(by_force: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Before: year_on_year's result had no summary or coverage. Now said of the 4 rows passed (the
    City of London and Essex, both years): their cells (the City's '#N/A' population and rate in
    both years: 4) and sums, from the raw file."""
    raw, hc = by_force
    two = raw[raw["Force"].isin(["London, City of", "Essex"])]
    sums = {y: sum(int(v.replace(",", "")) for v in two.loc[two["Year"] == y, "Total number of offences"])
            for y in ("2017-18", "2018-19")}
    sub = hc[hc.force.isin(["London, City of", "Essex"])]
    assert len(sub) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yoy = saferstats.year_on_year(sub, count="offences", population=None, by="force")
    s = yoy.attrs["summary"]
    assert (s["rows"], s["rows_read"], s["missing_cells"]) == (4, 86, _cells(two, _figures(raw))[0]) == (4, 86, 4)
    cov = yoy.attrs["coverage"]
    assert cov.startswith("2 forces (2 of the 43 police force areas")
    assert cov.endswith(f"2017/18: {sums['2017-18']:,}, 2018/19: {sums['2018-19']:,}")
    # the whole table as read: its own summary and coverage, as read
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        all_yoy = saferstats.year_on_year(hc, count="offences", population=None, by="force")
    assert all_yoy.attrs["summary"] == hc.attrs["summary"] and all_yoy.attrs["coverage"] == hc.attrs["coverage"]


def test_shares_of_a_total_carries_them(by_force: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """shares(total="offences") of two forces' strands. Before: rows 86 and "43 forces" (the table read)
    for 12 rows of 2 forces. Now rows 12; the offences are melted into the strands, so the coverage
    is marked as the table's."""
    raw, hc = by_force
    sub = hc[hc.force.isin(["Essex", "Kent"])]
    long = sub.melt(id_vars=["force", "period", "source_line"], value_vars=["race", "religion", "offences"],
                    var_name="strand", value_name="count")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sh = saferstats.shares(long, count="count", category="strand", by=["force", "period"], total="offences")
    s = sh.attrs["summary"]
    two = raw[raw["Force"].isin(["Essex", "Kent"])]
    assert (s["rows"], s["rows_read"], s["missing_cells"]) == (12, 86, _cells(two, _figures(raw))[0]) == (12, 86, 0)
    assert sh.attrs["coverage"] == COVERAGE_OFF_ITS_FORCES + hc.attrs["coverage"]


def test_strand_cells_found_by_line_and_period() -> None:
    """The strand series: one line per strand, a cell per period. Offences of 2011/12 are 'N/A'; rows of
    2012/13 and 2013/14 have no missing cell though line 14 is among them (before: 1, the file's).
    Reference: the raw CSV's cells under those period columns, counted by hand."""
    path = saferstats.datasets.hate_crime_strands_path()
    cells = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, names=range(10))
    at = cells.index[cells[0] == "Hate crime strand"][0]
    raw = cells.iloc[at + 1:].set_axis(list(cells.iloc[at]), axis=1)
    raw = raw[raw["Hate crime strand"].isin(["Race", "Religion", "Sexual orientation", "Disability", "Transgender",
                                             "Total number of motivating factors", "Total number of offences"])]
    assert len(raw) == 7
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = saferstats.read_hate_crime(path)
        later = saferstats.year_on_year(s[s.period.isin(["2012/13", "2013/14"])], population=None, by="strand")
        first = saferstats.year_on_year(s[s.period.isin(["2011/12", "2012/13"])], population=None, by="strand",
                                        missing="propagate")
    assert later.attrs["summary"]["missing_cells"] == _cells(raw, ["2012/13", "2013/14"])[0] == 0
    assert first.attrs["summary"]["missing_cells"] == _cells(raw, ["2011/12", "2012/13"])[0] == 1
    assert later.attrs["summary"]["rows"] == 14 and later.attrs["summary"]["missing_cells_read"] == 1
    assert later.attrs["coverage"] == s.attrs["coverage"]  # the 44 forces' totals: of any of its rows
