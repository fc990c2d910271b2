"""The report's remaining repeated work (session 35, y1): pandas deep-copies a table's ``.attrs``
into every column read from it, and the report's table helpers read a table column by column.
A published table's attrs (the reader's dropped cells, flagged rows, its summary) made each of
those reads a copy of all of them. Each test counts the deep copies of one attrs value (an object
that counts its own ``__deepcopy__``) on a small inline table, and checks the output against the
values written out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from saferstats.report.render import csv_safe
from saferstats.report.sections import _mark, _mask_frame, _round, csv_rounded
from saferstats.report.tables import display_table, page_names


class Counted:
    """An attrs value that counts how many times pandas deep-copies it."""

    copies = 0

    def __deepcopy__(self, memo: dict) -> "Counted":
        Counted.copies += 1
        return self


def _table(n_cols: int = 6) -> pd.DataFrame:
    t = pd.DataFrame({"force": ["London, City of", "Kent", "=cmd"]})
    for i in range(n_cols):
        t[f"rate_{i}"] = [1.23456, 2.5, np.nan]
    t["count"] = [3.0, 12.0, np.nan]
    t["note"] = ["-x", "a", "b"]
    t.attrs["reader"] = Counted()
    Counted.copies = 0
    return t


def test_round_reads_columns_without_copying_attrs():
    """Before: _round deep-copied the attrs once for the copy and twice for each float column read
    (17 with these 8 float columns); now once, for the copy it returns. The count column held as
    floats with a gap becomes Int64 (3, 12, <NA>), the rest keep their exact values."""
    t = _table()
    out = _round(t, 2)
    assert Counted.copies <= 1
    assert out["count"].dtype == "Int64" and out["count"].tolist()[:2] == [3, 12] and out["count"].isna().iloc[2]
    assert out["rate_0"].tolist()[:2] == [1.23456, 2.5]
    assert out.attrs["csv_decimals"] == 2 and isinstance(out.attrs["reader"], Counted)
    Counted.copies = 0
    csv = csv_rounded(out)
    assert Counted.copies <= 1  # before: 22, for each column read and changed
    assert csv["rate_0"].tolist()[:2] == [1.23, 2.5]  # 1.23456 to 2 decimals, half up


def test_mark_and_mask_read_columns_without_copying_attrs():
    """Before: _mark deep-copied the attrs three times a hidden column (the read, astype, where:
    19 with these 6), _mask_frame for each read and change (13); now once each, for the copy
    returned. Hidden cells: "[c]" / missing."""
    t = _table()
    hidden = {c: np.array([True, False, False]) for c in t.columns if c.startswith("rate_")}
    marked = _mark(t, hidden)
    assert Counted.copies <= 1
    assert marked["rate_3"].tolist()[:2] == ["[c]", 2.5]
    Counted.copies = 0
    masked = _mask_frame(t, hidden)
    assert Counted.copies <= 1
    assert np.isnan(masked["rate_5"].iloc[0]) and masked["rate_5"].iloc[1] == 2.5


def test_csv_safe_and_page_names_read_columns_without_copying_attrs():
    """Before: csv_safe deep-copied the attrs for each column read and change (12 on this
    9-column table); page_names 4 times for its one area column. The text cells that look like
    formulas get a leading quote; "London, City of" is "City of London" as the text says it."""
    t = _table()
    safe = csv_safe(t)
    assert Counted.copies <= 1
    assert safe["force"].tolist() == ["London, City of", "Kent", "'=cmd"] and safe["note"].tolist()[0] == "'-x"
    Counted.copies = 0
    named = page_names(t, ["force"])
    assert Counted.copies <= 1
    assert named is not None and named["force"].tolist() == ["City of London", "Kent", "=cmd"]


def test_lay_out_reads_columns_without_copying_attrs():
    """Before: laying a table out for the page deep-copied its attrs for each column read (the
    names, the decimals, the numeric test: 59 on this 9-column table); now only page_names' copy of
    the frame with the names as the text says them."""
    t = _round(_table(), 2)
    Counted.copies = 0
    d = display_table(t, "Rates", confidence=0.95)
    assert Counted.copies <= 1
    assert d.rows[0][0] == "City of London" and d.rows[0][1] == "1.23"


def _trend_input() -> pd.DataFrame:
    years = [f"20{y}/{y + 1}" for y in range(15, 21)]
    d = pd.DataFrame({"la": ["A"] * 6 + ["B"] * 6, "period": years * 2,
                      "count": [100, 112, 130, 125, 150, 161, 40, 35, 52, 38, 60, 41],
                      "population": [1000.0] * 6 + [800.0] * 6})
    d.attrs["reader"] = Counted()
    d.attrs["footnotes"] = {"2017/18": "a change in recording"}
    Counted.copies = 0
    return d


def test_trend_passes_only_the_attrs_poisson_trend_reads():
    """Before: the report's _trend gave poisson_trend the table with all its attrs, which pandas
    deep-copied into every column and group taken (Defra's workbook: 392 copies of its summary,
    dropped cells and flagged rows; 38 of this small table's); now none of the reader's other attrs
    is copied. The reference: poisson_trend on the whole table as the report passed it before -
    the same trend table, attrs (the footnoted 2017/18 named) and warnings."""
    import warnings

    import saferstats as ss
    from saferstats.report.sections import _trend

    kw = dict(count="count", period="period", by="la", confidence=0.95)
    with warnings.catch_warnings(record=True) as got_w:
        warnings.simplefilter("always")
        got = _trend(_trend_input(), **kw)
    assert Counted.copies == 0
    with warnings.catch_warnings(record=True) as want_w:
        warnings.simplefilter("always")
        want = ss.poisson_trend(_trend_input(), dispersion="auto", use_t="auto", **kw)
    pd.testing.assert_frame_equal(got, want)
    assert got.attrs == want.attrs and got.attrs["footnotes"] == {"2017/18": "a change in recording"}
    assert [str(w.message) for w in got_w] == [str(w.message) for w in want_w]
    assert any("2017/18" in str(w.message) for w in got_w)


def _councils() -> pd.DataFrame:
    years = ["2018/19", "2019/20", "2020/21", "2021/22"]
    rows = []
    for la, counts in {"A": [100, 110, 120, 130], "B": [80, 82, 84, 86], "C": [60, 61, 62, 63],
                       "D": [70, 71, 72, 73], "E": [90, None, 92, 93], "F": [50, 55, 50, 120]}.items():
        for y, n in zip(years, counts):
            if n is not None:
                rows.append({"la": la, "year": y, "n": float(n), "recording_step": la == "B" and y == "2020/21",
                             "reporting_basis": {"C": "Total" if y < "2020" else " total ",
                                                 "D": "Total" if y < "2020" else "Partial"}.get(la, "")})
    rows.append({"la": None, "year": "2018/19", "n": 5.0, "recording_step": False, "reporting_basis": ""})
    d = pd.DataFrame(rows)
    d.attrs["reader"] = Counted()
    return d


def test_like_for_like_councils_reads_the_table_once_for_every_span():
    """Before: the comparison with England read the whole table again for each span of years
    (the flags, the periods as text, the reporting basis; 18 spans of Defra's 3,222 rows in
    Cardiff's report, 0.9 s): its flag read once a span here (3 for 3 spans); now once for the table.
    The councils kept, worked out by hand: over 2018/19-2021/22 A and C (B has a 4-fold step flagged
    in 2020/21, D two bases - 'Total' then 'Partial' - E no count in 2019/20, F doubled 50 to 120:
    1 left out for a step; C's 'Total' and ' total ' are one basis); over 2018/19-2019/20 all but E;
    over 2020/21-2021/22 A, C, D, E, F's step left out. The row without a council is in none."""
    from unittest import mock

    import saferstats.report.sections as S

    d = _councils()
    spans = [("2018/19", "2019/20", "2020/21", "2021/22"), ("2018/19", "2019/20"), ("2020/21", "2021/22")]
    make = getattr(S, "_LikeForLike", None)
    with mock.patch.object(S, "_flag", wraps=S._flag) as flags:
        find = make(d, "la", "year") if make is not None else S.like_for_like_councils
        got = {w: find(S.bare(d), "la", "year", "n", w) for w in spans}
    assert flags.call_count == 1  # the one flag column of this table, read once (was 3)
    want = {spans[0]: (["A", "C"], 1), spans[1]: (["A", "B", "C", "D", "F"], 0), spans[2]: (["A", "C", "D", "E"], 1)}
    for w, (councils, stepped) in want.items():
        rows, n_stepped = got[w]
        assert sorted(set(rows["la"])) == councils and n_stepped == stepped
        # the table's own rows (index and cells), each council's years in the span
        expect = d[d["la"].isin(councils) & d["year"].isin(w)]
        pd.testing.assert_frame_equal(rows, S.bare(expect))
        # and the public function, for one span, gives the same
        pub = S.like_for_like_councils(d, "la", "year", "n", w)
        pd.testing.assert_frame_equal(pub[0], rows, check_flags=False)
        assert pub[1] == stepped


def test_basis_changes_looks_only_at_councils_whose_basis_changed():
    """Before: _basis_changes built and sorted a frame for every council (England's ~300, for the
    few whose Defra reporting basis changed); now only for those: 1 of these 5. The result, by hand:
    W counted customer/public reports in 2019/20 (1,700) and all incidents from 2020/21 (4,836), so
    its trend keeps 2020/21-2022/23 (its first three rows are dropped); V's ' All incidents ' and
    'all incidents' are one basis, and a blank basis is none."""
    from unittest import mock

    from saferstats.report.sections import _basis_changes

    years = ["2017/18", "2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    rows = [{"la": "W", "year": y, "n": n, "reporting_basis": b} for y, n, b in zip(
        years, [1500, 1600, 1700, 4836, 4900, 5000],
        ["", None, "Customer/public reports only", "All incidents", "All incidents", "All incidents"])]
    for la in ("V", "X", "Y", "Z"):
        rows += [{"la": la, "year": y, "n": 100 + i, "reporting_basis": "" if i < 2 else
                  (" All incidents " if la == "V" and i == 3 else "all incidents")} for i, y in enumerate(years)]
    d = pd.DataFrame(rows)
    d.attrs["reader"] = Counted()
    Counted.copies = 0
    assign = pd.DataFrame.assign
    with mock.patch.object(pd.DataFrame, "assign", autospec=True, side_effect=assign) as built:
        out, text, none = _basis_changes(d, "la", "year", "n")
    assert built.call_count == 1  # was 5: one frame a council
    assert Counted.copies <= 1  # (the rows returned keep the table's attrs)
    assert list(out.index) == [i for i in d.index if i not in (0, 1, 2)] and none == []
    assert ("W (2019/20: customer/public reports only, 1,700; 2020/21: all incidents, 4,836; annual % change from "
            "2020/21)") in text and "for 1 authority" in text
