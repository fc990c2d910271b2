"""Session 35 (lead): the published workbooks read with calamine (python-calamine), not openpyxl/odfpy.

Before: ``read_flytipping`` parsed Defra's ``Flytipping.xlsx`` with openpyxl (3.4 s for the one sheet
it reads; 5-30 s on a loaded machine) and ``read_hate_crime`` the Home Office ``.ods`` with odfpy.
Now both read through :func:`saferstats.io.workbook_engine`: calamine where installed (the
``readers`` extra), 6 and 18 times faster. The references: the same workbooks read by pandas with
openpyxl and odfpy (independent parsers), cell for cell; the readers' tables and attrs compared
between the two engines."""

from __future__ import annotations

import math
import sys
import warnings
from unittest import mock

import pandas as pd
import pytest
from conftest import bundled_flytipping_workbook, shared_path

import saferstats as ss

BOOKS = {
    "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx": ["LA_incidents", "Notes"],
    "hate_crime/home_office_by_force_2017-18_2018-19/hate-crime-1819-hosb2419-tables.ods": None,
    "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx":
        ["Section Usage By Gender", "Detentions by Ethnic Group All "],
}


def _cells(book, engine, sheets):
    """{sheet: rows of cells} as pandas reads them with ``engine`` (empty cells as None)."""
    def cell(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v

    with pd.ExcelFile(book, engine=engine) as x:
        names = sheets if sheets is not None else [str(n) for n in x.sheet_names]
        return {n: [[cell(v) for v in row] for row in pd.read_excel(x, sheet_name=n, header=None,
                                                                       dtype=object).itertuples(index=False)]
                for n in names}


@pytest.fixture(scope="module")
def calamine():
    pytest.importorskip("python_calamine")
    assert ss.io.workbook_engine("x.xlsx") == "calamine" == ss.io.workbook_engine("x.ods")


@pytest.mark.parametrize("rel", list(BOOKS))
def test_calamine_reads_the_cells_openpyxl_and_odfpy_read(calamine, shared_data, rel):
    """Every cell (value and type: 3 and 3.0 differ here) of the sheets the readers read, as
    calamine gives them, equals what openpyxl (.xlsx) or odfpy (.ods) gives."""
    book = shared_path(shared_data, rel)
    other = "odf" if book.suffix == ".ods" else "openpyxl"
    pytest.importorskip("odf" if other == "odf" else "openpyxl")
    a, b = _cells(book, other, BOOKS[rel]), _cells(book, "calamine", BOOKS[rel])
    assert list(a) == list(b)
    for name in a:
        assert len(a[name]) == len(b[name]) > 0
        for k, (x, y) in enumerate(zip(a[name], b[name])):
            assert [(v, type(v)) for v in x] == [(v, type(v)) for v in y], (name, k)


def _read_flytipping_with(book, engine):
    with mock.patch.object(ss.io, "workbook_engine", return_value=engine) as chosen, \
            mock.patch("saferstats.published.workbook_engine", chosen), warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        t = ss.read_flytipping(book, sheet="LA_incidents")
    return t, [str(w.message) for w in said]


def test_read_flytipping_reads_with_calamine_and_gives_the_same_table(calamine, tmp_path):
    """Before: the reader opened the workbook with engine="openpyxl" whatever was installed. Now
    with calamine; the table, its attrs and its warnings are those read with openpyxl. The
    workbook: the package's Defra table written with openpyxl."""
    book, raw = bundled_flytipping_workbook(tmp_path, actions=False)
    real, engines = pd.ExcelFile, []

    def opened(path, *a, engine=None, **kw):
        engines.append(engine)
        return real(path, *a, engine=engine, **kw)

    with mock.patch.object(pd, "ExcelFile", opened), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ss.read_flytipping(book, sheet="LA_incidents")
    assert engines == ["calamine"]
    new, said_new = _read_flytipping_with(book, "calamine")
    old, said_old = _read_flytipping_with(book, "openpyxl")
    pd.testing.assert_frame_equal(new, old)
    body = raw[~raw["ONS Code"].str.startswith("*") & (raw["ONS Code"] != "")]
    assert repr(new.attrs) == repr(old.attrs) and said_new == said_old and len(new) == len(body) > 0


def test_read_hate_crime_ods_same_table_with_calamine_and_odfpy(calamine, shared_data):
    """The Home Office's hate crime .ods: Table_2 and Table_3 read with calamine equal those read
    with odfpy (frames, attrs, warnings)."""
    pytest.importorskip("odf")
    book = shared_path(shared_data, "hate_crime/home_office_by_force_2017-18_2018-19/"
                                    "hate-crime-1819-hosb2419-tables.ods")
    for sheet in ("Table_2", "Table_3"):
        out = {}
        for engine in ("calamine", "odf"):
            with mock.patch("saferstats.published.workbook_engine", return_value=engine), \
                    warnings.catch_warnings(record=True) as said:
                warnings.simplefilter("always")
                t = ss.read_hate_crime(book, sheet=sheet)
            out[engine] = (t, repr(t.attrs), [str(w.message) for w in said])
        pd.testing.assert_frame_equal(out["calamine"][0], out["odf"][0])
        assert out["calamine"][1:] == out["odf"][1:]


def test_without_calamine_the_readers_use_openpyxl_and_odfpy(monkeypatch):
    """Where python-calamine is not installed, openpyxl reads .xlsx/.xlsm and odfpy .ods, as before."""
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import fails
    assert [ss.io.workbook_engine(p) for p in ("a.xlsx", "a.XLSM", "a.ods")] == ["openpyxl", "openpyxl", "odf"]
