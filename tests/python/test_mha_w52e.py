"""NHS MHA reader, session 31 (w52e): the jumbled "People subject to repeat detentions" blocks put back in order.

Data: NHS England's Mental Health Act Statistics, Annual Figures 2023-24 (main sheet, suppressed
CSV) in shared/data/s136_mental_health/ (PROVENANCE.md section 5). Every expected figure is
computed from the raw file with pandas (the labels put back by position from subcategory "1"'s
order, written out independently of the reader), or written out by hand for the small inline files.
"""

from __future__ import annotations

import pandas as pd

from conftest import shared_path
from test_mha_w49b import HEAD
from test_s136_w48d import MHA, _caught, _raw
import saferstats

REPEAT = "People subject to repeat detentions"
BROAD = ["Asian or Asian British", "Black or Black British", "Mixed", "White", "Other Ethnic Groups", "Unknown"]


def _repeat(raw: pd.DataFrame) -> pd.DataFrame:
    return raw[(raw["Measure"] == REPEAT) & (raw["OrganisationBreakdown"] == "All submissions")]


def test_jumbled_repeat_detention_blocks_put_back_in_order_and_checked(shared_data):
    """Before: subcategories "2", "3" and "5" of "People subject to repeat detentions" kept their
    jumbled labels ("#N/A" seven times under Age, gender labels under Age and Ethnicity, "Female"
    on the "All" row): a filter on "18 to 34" missed three of the seven subcategories, their
    breakdowns were never checked, and total_row skipped them. Now each block takes, row by row,
    the order the other four blocks agree on, and each demographic's groups add up to the "All"
    row. Reference: the raw CSV with pandas, relabelled by position from subcategory "1"; the
    sums written out."""
    raw = _repeat(_raw(shared_data))
    blocks = {s: b for s, b in raw.groupby("measureSubcategory", sort=False)}
    assert list(blocks) == ["1", "2", "3", "4", "5", "6", "7 and over"] and {len(b) for b in blocks.values()} == {41}
    order = list(blocks["1"]["DemographicBreakdown"])
    demos = list(blocks["1"]["Demographic"])
    intact = [s for s, b in blocks.items() if list(b["DemographicBreakdown"]) == order]
    assert intact == ["1", "4", "6", "7 and over"]
    assert all(list(b["Demographic"]) == demos for b in blocks.values())  # same demographics, row by row
    sums = {}
    for s in ("2", "3", "5"):
        b = blocks[s].assign(label=order)
        n = b.set_index(["Demographic", "label"])["n"]
        sums[s] = (n[("All", "All")], n["Age"].drop("All").sum(), n["Gender"].drop("All genders").sum(),
                   n["Ethnicity"][BROAD].sum())
    # subcategory "2" written out: the "All" row (published as "Female") 8,376
    assert 44 + 132 + 3445 + 2227 + 1590 + 938 + 0 == 8376  # Age bands + "Unknown"
    assert 4341 + 3981 + 11 + 7 + 8 + 28 == 8376  # Gender + "Missing"
    assert 645 + 992 + 375 + 4343 + 1721 + 300 == 8376  # Ethnicity's broad groups + "Unknown"
    assert sums == {"2": (8376,) * 4, "3": (1482,) * 4, "5": (105,) * 4}
    assert blocks["2"]["DemographicBreakdown"].iloc[8] == "Female" and blocks["3"]["DemographicBreakdown"].iloc[8] == "Male"

    t, said = _caught(saferstats.read_mha_annual, shared_path(shared_data, MHA))
    for s in ("2", "3", "5"):
        rows = t.iloc[(blocks[s]["line"] - 2).to_numpy()]  # row k of the table is line k + 2
        assert list(rows["breakdown"]) == order and list(rows["demographic"]) == demos
    got = t.attrs["breakdowns_restored"]
    assert [(f["subcategory"], f["source_lines"][0], f["source_lines"][-1], f["restored"], f["total"],
             f["sums"], f["adds_up"]) for f in got] == [
        ("2", 5823, 5863, True, 8376.0, {"Age": 8376.0, "Ethnicity": 8376.0, "Gender": 8376.0}, True),
        ("3", 5864, 5904, True, 1482.0, {"Age": 1482.0, "Ethnicity": 1482.0, "Gender": 1482.0}, True),
        ("5", 5946, 5986, True, 105.0, {"Age": 105.0, "Ethnicity": 105.0, "Gender": 105.0}, True)]
    assert got[0]["published"] == list(blocks["2"]["DemographicBreakdown"]) and got[0]["labels"] == order
    # a filter on a band finds all seven subcategories now (before: four), with the raw counts
    band = t[(t["measure"] == REPEAT) & (t["breakdown"] == "18 to 34")]
    want = [int(b["n"].iloc[order.index("18 to 34")]) for b in blocks.values()]
    assert list(band["count"].astype(int)) == want and want[:2] == [16652, 3445]
    # the "All" rows of "2" and "3" are total rows now; the measure's demographic totals hold 0, no total
    every = t[(t["measure"] == REPEAT) & (t["demographic"] == "All")]
    assert list(every["breakdown"]) == ["All"] * 7 and every["total_row"].all()
    zero = t[(t["measure"] == REPEAT) & (t["demographic"] != "All") & t["breakdown"].isin(["All", "All genders"])]
    assert len(zero) == 21 and (zero["count"] == 0).all() and not zero["total_row"].any()
    msg = [m for m in said if "jumbled breakdown labels" in m]
    assert len(msg) == 1 and "3 put back in order by position" in msg[0]
    assert ("subcategory '2': Age 8,376, Ethnicity 8,376, Gender 8,376 against the 'All' row's 8,376" in msg[0])
    # the findings on the labels as published are kept: repeated labels and slips are still listed
    assert any(f["breakdown"] == "#N/A" for f in t.attrs["repeated_labels"])


def _blocks(tmp_path, blocks):
    body = "".join(f"2023/24,M,{s},{d},{b},All submissions,MHSDS,All prov,All providers,{n},0,{n},,,\n"
                   for s, rows in blocks for d, b, n in rows)
    f = tmp_path / "mha.csv"
    f.write_text(HEAD + body)
    return f


def test_block_put_back_and_found_not_adding_up(tmp_path):
    """A jumbled block ("#N/A" twice under Age) put back by the order two other blocks agree on;
    its Age groups 6 + 3 = 9 are checked against its "All" row's 10: not adding up, said. Hand sums."""
    ok = [("Age", "18 to 34", 4), ("Age", "35 to 49", 6), ("All", "All", 10)]
    bad = [("Age", "#N/A", 6), ("Age", "#N/A", 3), ("All", "Female", 10)]
    t, said = _caught(saferstats.read_mha_annual, _blocks(tmp_path, [("1", ok), ("2", ok), ("3", bad)]))
    assert list(t["breakdown"]) == ["18 to 34", "35 to 49", "All"] * 3
    [f] = t.attrs["breakdowns_restored"]
    assert (f["restored"], f["published"], f["total"], f["sums"], f["adds_up"]) == (
        True, ["#N/A", "#N/A", "Female"], 10.0, {"Age": 9.0}, False)
    assert 6 + 3 == 9 != 10
    assert any("1 put back in order" in m and "(NOT adding up)" in m for m in said)


def test_block_not_put_back_when_the_order_is_ambiguous(tmp_path):
    """The other blocks give two orders (and the jumbled one has other rows): not put back, kept as
    published, listed with restored False and the reason, and said in the warning."""
    a = [("Age", "18 to 34", 4), ("Age", "35 to 49", 6), ("All", "All", 10)]
    b = [("Age", "35 to 49", 6), ("Age", "18 to 34", 4), ("All", "All", 10)]
    bad = [("Age", "#N/A", 6), ("Age", "#N/A", 3), ("All", "All", 9)]
    t, said = _caught(saferstats.read_mha_annual, _blocks(tmp_path, [("1", a), ("2", b), ("3", bad)]))
    assert list(t["breakdown"].iloc[6:]) == ["#N/A", "#N/A", "All"]
    [f] = t.attrs["breakdowns_restored"]
    assert (f["restored"], f["labels"], f["measure"], f["source_lines"]) == (False, None, "M", [8, 9, 10])
    assert f["reason"] == "the measure's other blocks do not agree on one order of labels"
    assert any("1 not put back, ambiguous, kept as published" in m and "lines 8-10, M, subcategory '3'" in m
               for m in said)
