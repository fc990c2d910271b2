"""NHS MHA reader, session 35 (z4): the 21 zero-valued repeat-detention totals, told.

Data: NHS England's Mental Health Act Statistics, Annual Figures 2023-24 (main sheet, suppressed),
the workbook as published and its main sheet's CSV export, in shared/data/s136_mental_health/
(PROVENANCE.md section 5). Every expected figure is computed from the raw CSV with pandas (the
jumbled blocks relabelled by position from subcategory "1"'s order, written out here independently
of the reader) or written out by hand for the small inline files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import shared_path
from test_mha_w49b import HEAD
from test_s136_w48d import MHA, _caught, _raw
import saferstats
from saferstats.exceptions import SaferstatsWarning

BOOK = "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx"
REPEAT = "People subject to repeat detentions"
KEY = ".attrs['totals_below_breakdowns']"
#: the groups each total label holds (Ethnicity: the five broad groups, its other labels are parts of
#: them; "Unknown" and Gender's "Missing" are outside the total, as NHS England's other measures show)
GROUPS = {"Age": ["15 and under", "16 to 17", "18 to 34", "35 to 49", "50 to 64", "65 and over"],
          "Ethnicity": ["Asian or Asian British", "Black or Black British", "Mixed", "White", "Other Ethnic Groups"],
          "Gender": ["Male", "Female", "Non-binary", "Other", "Not stated"]}
TOTAL = {"Age": "All", "Ethnicity": "All", "Gender": "All genders"}


@pytest.fixture(scope="module")
def read(shared_data):
    """The raw CSV (pandas), and read_mha_annual of the CSV and of the workbook, with their warnings."""
    csv, book = shared_path(shared_data, MHA), shared_path(shared_data, BOOK)
    return (_raw(shared_data), _caught(saferstats.read_mha_annual, csv), _caught(saferstats.read_mha_annual, book),
            csv.name, book.name)


def _zero_totals(raw: pd.DataFrame) -> pd.DataFrame:
    """The measure's England rows relabelled by position from subcategory "1" (its blocks of 41 rows
    have the same demographics row by row; "2", "3" and "5" carry jumbled labels), and of them the
    rows labelled as a demographic's total that hold 0, with their groups' sum."""
    rep = raw[(raw["Measure"] == REPEAT) & (raw["OrganisationBreakdown"] == "All submissions")]
    blocks = {s: b for s, b in rep.groupby("measureSubcategory", sort=False)}
    order, demos = list(blocks["1"]["DemographicBreakdown"]), list(blocks["1"]["Demographic"])
    assert all(list(b["Demographic"]) == demos for b in blocks.values())
    rows = []
    for s, b in blocks.items():
        b = b.assign(label=order)
        n = b.set_index(["Demographic", "label"])["n"]
        for d, total in TOTAL.items():
            row = b[(b["Demographic"] == d) & (b["label"] == total)].iloc[0]
            rows.append({"line": int(row["line"]), "subcategory": s, "demographic": d, "label": total,
                         "n": row["n"], "groups": float(n[d][GROUPS[d]].sum()), "largest": float(n[d][GROUPS[d]].max()),
                         "all_row": float(n[("All", "All")])})
    return pd.DataFrame(rows)


def test_zero_repeat_detention_totals_warned_once_and_listed(read):
    """Before: the 21 Age "All", Ethnicity "All" and Gender "All genders" rows of "People subject
    to repeat detentions" (0 beside non-zero breakdowns) had total_row False but no warning and no
    list: t.query("breakdown == 'All'") gave 0 without a word. Now one SaferstatsWarning a read
    names the measure, the 21 rows, an example line (5788) and the sum of the breakdowns to use, and
    .attrs['totals_below_breakdowns'] lists them. Reference: the raw CSV with pandas; subcategory
    "1"'s sums written out by hand."""
    raw, (t, said), _, name, _ = read
    want = _zero_totals(raw)
    assert len(want) == 21 and (want["n"] == 0).all() and (want["largest"] > 0).all()
    # subcategory "1" by hand (lines 5782-5822 of the CSV)
    assert 440 + 891 + 16652 + 12625 + 9269 + 7950 == 47827  # Age bands; + "Unknown" 3 = 47,830
    assert 3761 + 4943 + 1905 + 26440 + 9389 == 46438  # Ethnicity's broad groups; + "Unknown" 1,392 = 47,830
    assert 25325 + 22257 + 47 + 34 + 38 == 47701  # genders; + "Missing" 129 = 47,830
    first = want[want["subcategory"] == "1"].set_index("demographic")
    assert list(first["groups"]) == [47827, 46438, 47701] and list(first["line"]) == [5788, 5792, 5821]
    assert (first["all_row"] == 47830).all()

    got = t.attrs["totals_below_breakdowns"]
    assert [(f["source_line"], f["subcategory"], f["demographic"], f["breakdown"], f["count"], f["sum_of_breakdowns"],
             f["largest"]["count"], f["all_row"]) for f in got] == [
        (r.line, r.subcategory, r.demographic, r.label, 0.0, r.groups, r.largest, r.all_row) for r in want.itertuples()]
    assert {f["measure"] for f in got} == {REPEAT}
    assert got[0]["largest"] == {"breakdown": "18 to 34", "count": 16652.0, "source_line": 5784}
    assert got[0]["outside"] == {"Unknown": 3.0} and got[0]["all_row_line"] == 5790
    # no count changed, and the rows are still no total rows
    assert np.array_equal(t["count"].to_numpy(dtype=float), raw["n"].to_numpy(dtype=float), equal_nan=True)
    assert not t["total_row"].iloc[(want["line"] - 2).to_numpy()].any()

    msg = [m for m in said if KEY in m]
    assert len(msg) == 1  # once a read
    assert msg[0].startswith(f"read_mha_annual: {name}: 21 rows labelled as their demographic's total")
    assert (f"{REPEAT}: 21 rows (Age 'All' 7, Ethnicity 'All' 7, Gender 'All genders' 7, in 7 subcategories), "
            "holding 0") in msg[0]
    assert (f"e.g. line 5788, {REPEAT}, subcategory '1', Age 'All' 0 beside '18 to 34' 16,652, whose groups add up "
            "to 47,827 (with 'Unknown' 3: 47,830, the 'All' row's count, line 5790)") in msg[0]
    assert "use the sum of the demographic's breakdowns instead" in msg[0]
    # nor are their breakdowns compared with the measure's total (test_mha_w51c); the report knows the
    # warning by its attribute (report/sections.py _MHA_TOTALS_BELOW), not by naming those of another
    assert ".attrs['totals_below_breakdowns']" in msg[0] and "breakdowns_short" not in msg[0]
    assert not [f for f in t.attrs["breakdowns_short"] + t.attrs["breakdowns_over"] if f["measure"] == REPEAT]


def test_workbook_warns_and_lists_as_its_csv(read):
    """The workbook (its main sheet converted by the reader) gives the same warning, but for the
    file's name, and the same list as its CSV export. Reference: the CSV's reading above."""
    _, (c, said_c), (x, said_x), csv_name, book_name = read
    assert x.attrs["totals_below_breakdowns"] == c.attrs["totals_below_breakdowns"]
    mc, mx = [m for m in said_c if KEY in m], [m for m in said_x if KEY in m]
    assert len(mx) == 1 and mx[0].startswith(f"read_mha_annual: {book_name}: ")
    assert mx[0].replace(book_name, csv_name) == mc[0]


def _file(tmp_path, rows, name="mha.csv"):
    body = "".join(f"2023/24,M,1,{d},{b},ICB,MHSDS,QE1,AN ICB,{n},0,{n},,,\n" for d, b, n in rows)
    f = tmp_path / name
    f.write_text(HEAD + body)
    return f


def test_one_total_below_its_group_said_in_the_singular(tmp_path):
    """An ICB's Gender "All genders" 3 below "Male" 40: one row, said in the singular, its groups
    40 + 60 = 100 to use ("Missing" 2 outside, the "All" row 102); a suppressed group gives no sum.
    Hand figures."""
    rows = [("All", "All", 102), ("Gender", "Male", 40), ("Gender", "Female", 60), ("Gender", "All genders", 3),
            ("Gender", "Missing", 2)]
    assert 40 + 60 == 100 and 100 + 2 == 102
    with pytest.warns(SaferstatsWarning) as seen:
        t = saferstats.read_mha_annual(_file(tmp_path, rows))
    [f] = t.attrs["totals_below_breakdowns"]
    assert (f["source_line"], f["organisation_level"], f["org_id"], f["count"], f["breakdowns"], f["sum_of_breakdowns"],
            f["outside"], f["all_row"], f["all_row_line"]) == (
        5, "ICB", "QE1", 3.0, {"Male": 40.0, "Female": 60.0}, 100.0, {"Missing": 2.0}, 102.0, 2)
    [msg] = [" ".join(str(w.message).split()) for w in seen if KEY in str(w.message)]
    assert ("1 row labelled as its demographic's total holds less than one of the groups it totals, so it is no "
            "total (M: 1 row (Gender 'All genders' 1, in 1 subcategory), holding 3; e.g. line 5, M, subcategory '1', "
            "Gender 'All genders' 3 beside 'Female' 60, whose groups add up to 100 (with 'Missing' 2: 102, the 'All' "
            "row's count, line 2))") in msg
    t, _ = _caught(saferstats.read_mha_annual, _file(tmp_path, [*rows[:2], ("Gender", "Female", "*"), *rows[3:]]))
    [f] = t.attrs["totals_below_breakdowns"]
    assert f["sum_of_breakdowns"] is None and f["largest"]["breakdown"] == "Male"
    # a total at least each of its groups: nothing said
    t, said = _caught(saferstats.read_mha_annual, _file(tmp_path, [*rows[:3], ("Gender", "All genders", 100),
                                                                   rows[4]]))
    assert t.attrs["totals_below_breakdowns"] == [] and not [m for m in said if KEY in m]
