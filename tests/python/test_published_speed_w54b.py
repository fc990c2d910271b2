"""Session 33 (w54b): the published-file readers without their waste, and two small correctness items.

Each speed test fails before on the waste itself (counted with unittest.mock), and checks the output
against the file read independently with pandas."""

from __future__ import annotations

import warnings
from unittest import mock

import numpy as np
import pandas as pd
import pandas.core.generic as pd_generic
import pytest
from conftest import bundled_flytipping_workbook, shared_path

import saferstats as ss
from saferstats import datasets


def _counting(owner, name):
    """(a patch of ``owner.name`` that counts its calls, still calling it; the list of calls)."""
    real, calls = getattr(owner, name), []

    def counted(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    return mock.patch.object(owner, name, counted), calls


def test_read_flytipping_deep_copies_no_attrs():
    """Before: read_flytipping set its .attrs (dropped cells, totals, summary records) and then took
    columns of the frame, row by row for attrs["not_like_for_like"] (out[col].iat[k]); pandas deep-copies
    a frame's attrs into every column taken, so the bundled excerpt (100 rows) cost 200+ deep copies
    and Defra's full table (3,222 rows) 7,022, 90% of its time. Now attrs are set once at the end: no
    deep copy. Reference: the raw CSV read with pandas."""
    path = datasets.flytipping_table_path()
    patch, calls = _counting(pd_generic, "deepcopy")
    with patch, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ft = ss.read_flytipping(path)
    assert len(calls) == 0, f"{len(calls)} deep copies of .attrs while reading"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw[~raw["ONS Code"].str.startswith("*") & (raw["ONS Code"] != "")]
    assert ft["la_code"].tolist() == raw["ONS Code"].tolist()
    want = pd.to_numeric(raw["Total Incidents"].str.replace(",", ""), errors="coerce").to_numpy(dtype=float)
    np.testing.assert_array_equal(ft["incidents"].to_numpy(dtype=float), want)
    assert set(ft.attrs) == {"dropped", "totals", "summary", "not_like_for_like", "incidents_as_read"}
    # the rows flagged are the rows whose note says so, as before
    flagged = {(r["la_code"], r["period"], r["column"]) for r in ft.attrs["not_like_for_like"]}
    assert flagged == {(c, p, col) for col in ("not_all_incidents", "recording_step")
                       for c, p in zip(ft.loc[ft[col], "la_code"], ft.loc[ft[col], "period"])}


def _engine_reader(book):
    """pandas' reader class for the engine the library reads ``book`` with (calamine where
    python-calamine is installed, else openpyxl/odfpy: ``saferstats.io.workbook_engine``)."""
    from pandas.io.excel._base import ExcelFile

    return ExcelFile._engines[ss.io.workbook_engine(book)]


def test_workbook_reader_parses_only_the_sheet_named(tmp_path):
    """Before: the workbook readers (read_flytipping, read_hate_crime, ...) parsed every sheet of the
    workbook to return one (pd.read_excel(sheet_name=None)): Defra's Flytipping.xlsx has five sheets,
    and parsing them took most of read_flytipping's 25 s. Now only the sheet named is parsed (3 -> 1
    here). Reference: the same table as the bundled CSV, read with pandas."""
    book, raw = bundled_flytipping_workbook(tmp_path)
    reader = _engine_reader(book)
    real = reader.get_sheet_data
    parsed = []

    def counted(self, sheet, *a, **kw):
        parsed.append(getattr(sheet, "title", getattr(sheet, "name", sheet)))
        return real(self, sheet, *a, **kw)

    with mock.patch.object(reader, "get_sheet_data", counted), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = ss.read_flytipping(book)
    assert parsed == ["LA_incidents"]
    body = raw[~raw["ONS Code"].str.startswith("*") & (raw["ONS Code"] != "")]
    assert x["la_code"].tolist() == body["ONS Code"].tolist()
    np.testing.assert_array_equal(x["incidents"].to_numpy(dtype=float),
                                  pd.to_numeric(body["Total Incidents"], errors="coerce").to_numpy(dtype=float))
    # a sheet that is not there is still named with every sheet of the workbook
    with pytest.raises(ss.exceptions.InvalidInputError, match="no sheet 'LAincidents'.*did you mean 'LA_incidents'.*"
                       "sheets: Contents, LA_incidents, LA_actions"):
        ss.read_flytipping(book, sheet="LAincidents")


def test_hate_crime_ods_parses_only_the_sheet_named(shared_data):
    """The same for the Home Office's hate crime workbook (.ods): one sheet parsed, not all
    of them (13 before); Table_2 as read from the workbook equals its CSV export (the published export)."""
    pytest.importorskip("odf")
    folder = shared_path(shared_data, "hate_crime/home_office_by_force_2017-18_2018-19")
    reader = _engine_reader(folder / "hate-crime-1819-hosb2419-tables.ods")
    real = reader.get_sheet_data
    parsed = []

    def counted(self, sheet, *a, **kw):
        parsed.append(sheet)
        return real(self, sheet, *a, **kw)

    with mock.patch.object(reader, "get_sheet_data", counted):
        ods = ss.read_hate_crime(folder / "hate-crime-1819-hosb2419-tables.ods", sheet="Table_2")
    assert len(parsed) == 1
    csv_ = ss.read_hate_crime(folder / "DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")
    pd.testing.assert_frame_equal(ods, csv_)


def test_a_part_of_two_named_totals_is_one_part_of_the_rounding_evidence():
    """Before: a row that is a part of two named totals (x in A = x + y and in B = x + z) was counted
    twice in the rounding base's evidence: "the 4 published parts ... counts rounded to 5 are so by
    chance one time in 16". By hand: three part rows, 10, 20 and 30, all multiples of 10, none of 50;
    counts rounded to 5 are all multiples of 10 one time in 2 ** 3 = 8."""
    t = pd.DataFrame({"area": ["A", "B", "x", "y", "z"], "count": [40, 40, 10, 20, 30]})
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        s = ss.suppress(t, totals={"A": ["x", "y"], "B": ["x", "z"]})
    assert s.attrs["rounding"]["base"] == 10 and s.attrs["rounding"]["parts"] == 3
    chance = [str(w.message) for w in said if "by chance" in str(w.message)]
    assert len(chance) == 1 and "the 3 published parts" in chance[0] and "one time in 8." in chance[0]


def test_census_warning_says_its_for_one_code(tmp_path, shared_data):
    """Before: one code not placed was said as "1 code ... (E06999999): their csp and force are
    missing"; now "its" for one code, "their" for more (the number_of rule)."""
    src = shared_path(shared_data, "population/census2021_ew/ts021_ethnic_group_detailed_ltla21.csv")
    lines = src.read_text(encoding="utf-8").splitlines()
    f = tmp_path / "la.csv"
    f.write_text("\n".join([lines[0], lines[1], lines[1].replace("E06000001,Hartlepool", "E06999999,Nowhere")]) + "\n")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        t = ss.read_census_ethnicity(f)
    words = [" ".join(str(w.message).split()) for w in said if "E06999999" in str(w.message)]
    assert len(words) == 1 and words[0].endswith("(E06999999): its csp and force are missing")
    assert t.loc[t["la_code"] == "E06999999", ["csp", "force"]].isna().all().all()


def test_census_lsoa_warning_says_its_for_one_code(tmp_path):
    """The same for an LSOA table: E01000004 is no LSOA 2021 (an LSOA 2011 code replaced in 2021)."""
    f = tmp_path / "lsoa.csv"
    f.write_text("lsoa21_code,asian,black,mixed,white,other,total_residents\nE01000001,158,11,56,1181,68,1474\n"
                 "E01000004,1,1,1,1,1,5\n")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        t = ss.read_census_ethnicity(f, level="lsoa")
    words = [" ".join(str(w.message).split()) for w in said if "E01000004" in str(w.message)]
    assert len(words) == 1 and words[0].endswith("(E01000004): its ward, local authority, CSP and force are missing")
    assert t.loc[t["lsoa_code"] == "E01000004", "csp"].isna().all()


def test_rows_summed_onto_a_real_line_are_not_the_rows_read():
    """Before: a reader's table summed with groupby().sum(numeric_only=False) keeps a summed
    source_line; Cleveland's line 2 + Norfolk's line 27 = 29, the City of London's 2017/18 line, whose
    population and published rate are published as no figure. The sum's row was taken for line 29 and
    said to have its 2 missing cells, though its population is a figure (567,700 + 903,700 =
    1,471,400, the two forces' published populations). Now a missing cell of the line given that has
    a figure in the row says the rows are not the rows read: the file's counts are kept as the
    file's, with a note."""
    from saferstats.published import attrs_of_rows

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = ss.read_hate_crime(datasets.hate_crime_table_path())
    raw = pd.read_csv(datasets.hate_crime_table_path(), dtype=str, keep_default_na=False)
    # the raw file (line n is raw row n - 2): line 29 is the City of London's 2017/18, population "#N/A"
    assert raw.loc[27, ["Force", "Year", "Population"]].tolist() == ["London, City of", "2017-18", "#N/A"]
    assert raw.loc[[0, 25], "Force"].tolist() == ["Cleveland", "Norfolk"]
    pops = [float(v.replace(",", "")) for v in raw.loc[[0, 25], "Population"]]
    pair = t[t["source_line"].isin([2, 27])]
    assert pair["force"].tolist() == ["Cleveland", "Norfolk"] and pair["population"].tolist() == pops == [567700.0, 903700.0]
    summed = pair.groupby("period", as_index=False).sum(numeric_only=False)
    assert summed["source_line"].tolist() == [29] and summed["population"].tolist() == [1471400.0]
    out = summed.copy()
    attrs_of_rows(out, summed)
    said = out.attrs["summary"]
    assert "missing_cells" not in said and said["missing_cells_read"] == 4
    assert "do not name rows read" in " ".join(said["cells_note"].split())
    # the City of London's own row (line 29) is still said to have its 2 missing cells
    own = t[t["source_line"] == 29]
    mine = own.copy()
    attrs_of_rows(mine, own)
    assert mine.attrs["summary"]["missing_cells"] == 2 and "cells_note" not in mine.attrs["summary"]


def test_read_mha_annual_finds_the_label_slips_once(shared_data):
    """Before: read_mha_annual, putting back the jumbled breakdown labels of NHS England's 2023-24
    file, took the three label columns as arrays and looked for label slips over the whole table once
    per block of rows: 155 calls of the slip finder (2 now) and 2.0 s of its 2.2 s on the CSV export.
    The output is the same: the counts are the file's Total_Count read with pandas, and the three
    blocks put back (lines 5823, 5864 and 5946) add up to their 'All' rows as the docstring's hand
    sums say (subcategory "2": Age 44 + 132 + 3,445 + 2,227 + 1,590 + 938 + 0 = 8,376)."""
    import saferstats.io as sio

    path = shared_path(shared_data, "s136_mental_health/nhs_mha_annual_2023_24/"
                                    "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv")
    patch, calls = _counting(sio, "_mha_slip")
    with patch, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = ss.read_mha_annual(path)
    assert len(calls) <= 2, f"the slips were looked for {len(calls)} times"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    want = pd.to_numeric(raw["Total_Count"].str.replace(",", ""), errors="coerce").to_numpy(dtype=float)
    np.testing.assert_array_equal(t["count"].to_numpy(dtype=float), want)
    done = {f["source_lines"][0]: (f["subcategory"], f["total"], f["sums"]) for f in t.attrs["breakdowns_restored"]}
    assert done == {5823: ("2", 8376.0, {"Age": 8376.0, "Ethnicity": 8376.0, "Gender": 8376.0}),
                    5864: ("3", 1482.0, {"Age": 1482.0, "Ethnicity": 1482.0, "Gender": 1482.0}),
                    5946: ("5", 105.0, {"Age": 105.0, "Ethnicity": 105.0, "Gender": 105.0})}
    assert len(t) == len(raw)  # line n of the file is row n - 2
    block = t.iloc[5823 - 2:5863 - 1]
    age = block[(block["demographic"] == "Age") & (block["breakdown"] != "All")]
    assert age["count"].sum() == 44 + 132 + 3445 + 2227 + 1590 + 938 + 0
