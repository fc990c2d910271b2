"""Session 35 (y3): the Census readers an analyst calls on every run, without repeated work.

Before: ``read_census_ethnicity`` converted every published cell on its own (``_number`` once per
cell: 214,032 calls for TS021 by LSOA, most of its ~3 s), found each label's broad group once per
row (178,360 calls), and looked each LSOA code up in the lookup once for each of eight columns.
Now the plain counts (text of ASCII digits only) of a column are read at once, and only the other
cells (thousands separators, footnote markers, no-figure marks, blanks, workbook numbers) go
cell by cell through the old path, in file order, so the values, the warnings and the first cell
refused are the same. The references here are the raw files summed with pandas and the messages
written out by hand.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from saferstats import published
from saferstats.exceptions import InvalidInputError

from conftest import shared_path

LSOA_FILE = "population/census2021_ew/ts021_ethnic_group_lsoa21.csv"
LA_FILE = "population/census2021_ew/ts021_ethnic_group_detailed_ltla21.csv"
GM_FILE = "population/census2021_ts021_greater_manchester/2021_population_ethnic_group_la_gm.csv"

# the first three LSOAs of TS021 by LSOA (humaniverse/demographr's layout), as published
HEAD = "lsoa21_code,asian,black,mixed,white,other,total_residents"
ROWS = ["E01000001,158,11,56,1181,68,1474", "E01000002,181,11,60,1084,50,1386", "E01000003,153,56,101,1195,107,1612"]


def _write(tmp_path: Path, lines: list[str], name: str = "ts021_lsoa.csv") -> Path:
    f = tmp_path / name
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


def _first_word(label: str) -> str:
    """The broad group of an ONS TS021 label, its first word ("Asian, Asian British ..." -> Asian)."""
    return label.replace(",", " ").replace(":", " ").split()[0]


def _counted(path: Path, **kw: object) -> tuple[pd.DataFrame, int]:
    """The table read, and how many cells went through ``published._number`` one at a time."""
    with mock.patch.object(published, "_number", wraps=published._number) as number:
        out = ss.read_census_ethnicity(path, **kw)
    return out, number.call_count


def test_plain_cells_are_not_converted_one_at_a_time(tmp_path: Path) -> None:
    """Before: 18 calls of ``_number`` for 3 rows of 6 counts; now none. Reference: the cells as
    written above (E01000001: Asian 158, White 1,181; 1,474 residents)."""
    out, calls = _counted(_write(tmp_path, [HEAD, *ROWS]), level="lsoa")
    assert calls == 0
    got = out.set_index(["lsoa_code", "ethnicity"])["population"]
    assert got[("E01000001", "Asian")] == 158 and got[("E01000001", "White")] == 1181
    assert int(got.loc["E01000001"].sum()) == 1474 and int(out["population"].sum()) == 1474 + 1386 + 1612


def test_only_the_row_with_an_odd_cell_goes_cell_by_cell(tmp_path: Path) -> None:
    """A thousands separator and a footnote marker (``"1,181"``, ``"68¹"``) are still read by the
    per-cell rules: that row's 6 cells (5 groups and the total) go through ``_number``, the others
    none. Reference: the same counts as the plain row."""
    odd = 'E01000001,158,11,56,"1,181",68\u00b9,"1,474"'
    out, calls = _counted(_write(tmp_path, [HEAD, odd, *ROWS[1:]]), level="lsoa")
    assert calls == 6
    got = out.set_index(["lsoa_code", "ethnicity"])["population"]
    assert got[("E01000001", "White")] == 1181 and got[("E01000001", "Other")] == 68


def test_long_layout_values_read_at_once(tmp_path: Path) -> None:
    """Trafford Data Lab's long layout: before, one ``_number`` call per value (19); now none.
    Reference: 1000 + i for the i-th of the 19 labels, summed per broad group (the label's first
    word: ONS's broad group, "Other ethnic group: Arab" in Other)."""
    labels = _labels()
    rows = [f'E08000009,Trafford,2021-03-21,"{g}",Count,{1000 + i}' for i, g in enumerate(labels)]
    out, calls = _counted(_write(tmp_path, ["area_code,area_name,period,ethnic_group,measure,value", *rows],
                                 "long.csv"))
    assert calls == 0
    expected: dict[str, int] = {}
    for i, g in enumerate(labels):
        broad = _first_word(g)
        expected[broad] = expected.get(broad, 0) + 1000 + i
    assert dict(zip(out["ethnicity"], out["population"].astype(int))) == expected


def test_lsoa_placement_looked_up_once(tmp_path: Path) -> None:
    """Before: ``Series.map`` 10 times in placing an LSOA table (the broad group by a function of
    each row, each of the eight lookup columns, the names); now once (the broad group, by a dict).
    Reference: E01000001 is "City of London 001A" in the City of London, in the City of London
    police force area (ONS's LSOA lookup)."""
    f = _write(tmp_path, [HEAD, *ROWS])
    original = pd.Series.map
    calls: list[int] = []

    def counting(self: pd.Series, *args: object, **kwargs: object) -> pd.Series:
        calls.append(1)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ss.census_population("lsoa")  # built (and cached) outside the count
    with mock.patch.object(pd.Series, "map", counting):
        out = ss.read_census_ethnicity(f, level="lsoa")
    assert len(calls) <= 2
    row = out[out["lsoa_code"] == "E01000001"].iloc[0]
    assert row["lsoa"] == "City of London 001A" and row["la"] == "City of London"
    assert row["force"] == "city-of-london"


def _labels() -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(ss.census_population("la", detailed=True)["ethnicity"].unique())


def test_authorities_placed_from_one_read_of_each_table(tmp_path: Path) -> None:
    """Two districts of 2021 merged since (Allerdale, Carlisle: now Cumberland) and Trafford, in
    ONS's wide layout with cells written as ONS's table by authority writes them ("100.0"). Before:
    the CSP names were built again for each merged district (``area_names`` twice) and every cell
    went through ``_number`` (57); now once, and none. Reference: cell i of each row is 100 + i,
    summed by hand per broad group; Allerdale and Carlisle keep their own CSPs, in Cumbria's force
    area (ONS's lookups)."""
    from saferstats import geography

    labels = _labels()
    head = ",".join(["ltla21_code", "ltla21_name", *[f'"{g}"' for g in labels]])
    rows = [",".join([code, name, *[f"{100 + i}.0" for i in range(19)]])
            for code, name in [("E07000026", "Allerdale"), ("E07000028", "Carlisle"), ("E08000009", "Trafford")]]
    f = _write(tmp_path, [head, *rows], "wide.csv")
    with mock.patch.object(geography, "area_names", wraps=geography.area_names) as names:
        out, calls = _counted(f)
    assert names.call_count <= 1 and calls == 0
    expected: dict[str, int] = {}
    for i, g in enumerate(labels):
        expected[_first_word(g)] = expected.get(_first_word(g), 0) + 100 + i
    for code in ("E07000026", "E07000028", "E08000009"):
        got = out[out["la_code"] == code]
        assert dict(zip(got["ethnicity"], got["population"].astype(int))) == expected
    where = out.drop_duplicates("la_code").set_index("la_code")
    assert where.loc["E07000026", "csp"] == "Allerdale" and where.loc["E07000028", "csp"] == "Carlisle"
    assert where.loc["E07000026", "force"] == "cumbria" and where.loc["E08000009", "force"] == "greater-manchester"


def test_ward_table_built_without_a_call_per_ward() -> None:
    """Before: the ward table joined each ward's CSPs with a Python function called for each of the
    7,536 wards (twice: ``csp`` and ``csp_code``), each converting its group (``Series.astype``
    15,072 times: 1.8 s of ``census_population("ward")``); now from the distinct ward-CSP pairs.
    Reference: the bundled LSOA table read with pandas: 7,536 wards, 59,597,576 residents, and
    the 4 wards whose LSOAs are in two CSPs carry both codes, sorted, joined with "; "."""
    from saferstats import geography

    original = pd.Series.astype
    calls: list[int] = []

    def counting(self: pd.Series, *args: object, **kwargs: object) -> pd.Series:
        calls.append(1)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    geography._census2021_tables.cache_clear()
    with mock.patch.object(pd.Series, "astype", counting):
        wide, long = geography._census2021_tables("ward")
    assert len(calls) < 100
    raw = geography.bundled_table("census2021_lsoa21.csv.gz")
    both = raw.groupby("ward_code")["csp_code"].agg(lambda v: "; ".join(sorted(set(v))))
    assert len(wide) == raw["ward_code"].nunique() == 7536
    assert int(long["population"].sum()) == int(raw[["Asian", "Black", "Mixed", "Other", "White"]].sum().sum())
    assert int(long["population"].sum()) == 59_597_576
    two = both[both.str.contains("; ")]
    assert len(two) == 4
    assert wide.set_index("ward_code")["csp_code"].reindex(two.index).tolist() == two.tolist()


@pytest.mark.parametrize("cell, shown", [("[c]", "'[c]'"), ("", "''"), ("-158", "'-158'"), ("158.5", "'158.5'")])
def test_refused_cells_named_as_before(tmp_path: Path, cell: str, shown: str) -> None:
    """A suppressed, blank, negative or fractional count is refused naming its line and column,
    word for word as the per-cell path says it (written out here)."""
    bad = f"E01000002,{cell},11,60,1084,50,1386"
    f = _write(tmp_path, [HEAD, ROWS[0], bad, ROWS[2]])
    with pytest.raises(InvalidInputError) as e:
        ss.read_census_ethnicity(f, level="lsoa")
    assert str(e.value) == (f"{f}, line 3, column 'Asian': {shown} is not a count of residents (a whole number, "
                            "0 or more); a population must not be guessed")


def test_first_cell_refused_is_in_file_order(tmp_path: Path) -> None:
    """A total that is not the sum of its groups on line 2 and a suppressed cell on line 4: the
    refusal names line 2, as reading row by row did (1,474 + 1 against 158+11+56+1181+68 = 1,474)."""
    f = _write(tmp_path, [HEAD, ROWS[0].replace(",1474", ",1475"), ROWS[1], "E01000003,[c],56,101,1195,107,1612"])
    with pytest.raises(InvalidInputError, match=r"line 2, column 'total_residents': '1475' is not the sum of the "
                                                r"five groups \(1,474\)"):
        ss.read_census_ethnicity(f, level="lsoa")
    short = _write(tmp_path, [HEAD, ROWS[0], "E01000002,181,11,60", ROWS[2]], "short.csv")
    with pytest.raises(InvalidInputError, match=r"line 3, column 'Other': None is not a count"):
        ss.read_census_ethnicity(short, level="lsoa")


def test_plain_counts_rule() -> None:
    """What counts as plain: ASCII digits only (1 to 12 of them), a point and zeros after them at
    most. Anything ``_number`` reads with a rule of its own (spaces, separators, superscripts,
    other scripts' digits, other decimals) is not."""
    cells = ["0", "007", "123456789012", "3.0", "278.", "1234567890123", " 5", "5 ", "1,234", "12\u00b2",
             "\u0661\u0662", "3.5", ".0", "", None, 4, 4.0, "-1"]
    values, plain = published._plain_counts(cells)
    assert plain.tolist() == [True] * 5 + [False] * 13
    assert values[:5].tolist() == [0.0, 7.0, 123456789012.0, 3.0, 278.0] and np.isnan(values[5:]).all()
    assert published._plain_counts(["1", "2"])[0].tolist() == [1.0, 2.0]  # the all-plain shortcut
    assert published._plain_counts([])[1].tolist() == []


@pytest.fixture(scope="module")
def lsoa_read(shared_data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = shared_path(shared_data, LSOA_FILE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ss.read_census_ethnicity(path, level="lsoa"), pd.read_csv(path)


def test_lsoa_table_against_raw_csv(lsoa_read: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Every LSOA and group of the England and Wales table equals the raw CSV's cell (pandas),
    and the total is the raw cells' sum (59,597,576)."""
    out, raw = lsoa_read
    wide = out.pivot(index="lsoa_code", columns="ethnicity", values="population")
    raw = raw.set_index("lsoa21_code")
    for g in ("Asian", "Black", "Mixed", "Other", "White"):
        assert (wide[g].reindex(raw.index).to_numpy() == raw[g.lower()].to_numpy()).all()
    assert out.attrs["total"] == int(raw["total_residents"].sum()) == 59_597_576
    assert out["lsoa_code"].nunique() == len(raw) == 35_672


def test_authority_tables_against_raw_csv(shared_data: Path) -> None:
    """England and Wales by authority (wide, 19 columns) and Greater Manchester (long): each
    authority's broad group is the raw CSV's detailed cells summed with pandas by the first word
    of each label (ONS's broad group: "Other ethnic group: Arab" in Other). By force area the 43
    areas add up to the raw cells' sum (59,597,578), the authorities covered found once, not once
    per force area (43 ``isin`` calls before)."""
    la_path, gm_path = shared_path(shared_data, LA_FILE), shared_path(shared_data, GM_FILE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        la, gm = ss.read_census_ethnicity(la_path), ss.read_census_ethnicity(gm_path)
    raw = pd.read_csv(la_path).set_index("ltla21_code")
    for g in ("Asian", "Black", "Mixed", "Other", "White"):
        expect = raw[[c for c in raw.columns if ":" in c and _first_word(c) == g]]
        assert len(expect.columns) in (2, 3, 4, 5), g
        got = la[la["ethnicity"] == g].set_index("la_code")["population"].reindex(raw.index)
        assert (got.to_numpy() == expect.sum(axis=1).to_numpy()).all(), g
    assert la.attrs["total"] == int(raw.select_dtypes("number").sum().sum())
    original = pd.Series.isin
    calls: list[int] = []

    def counting(self: pd.Series, *args: object, **kwargs: object) -> pd.Series:
        calls.append(1)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    with warnings.catch_warnings(), mock.patch.object(pd.Series, "isin", counting):
        warnings.simplefilter("ignore")
        force = ss.read_census_ethnicity(la_path, level="force")
    # before: one isin of the covered authorities for each of the 43 force areas (and a mask each)
    assert len(calls) < 10
    assert force["force"].nunique() == 43 and force.attrs["total"] == la.attrs["total"] == 59_597_578
    long = pd.read_csv(gm_path)
    counts = long[(long["measure"] == "Count") & long["ethnic_group"].str.contains(":")]
    assert gm.attrs["total"] == int(counts["value"].sum())
    assert set(gm["la_code"]) == set(counts["area_code"])
