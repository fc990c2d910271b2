"""saferstats trend over many groups (w23c): Defra's fly-tipping workbook as published, ~340
council names over ten years. The missing-figures advice names 10 groups and counts the rest; a
grouping by name that splits renamed councils (one la_code, two la_names) or holds councils created
or abolished part-way is said, with --by la_code; groups with too few periods get a row saying so
and the others are fitted; and the paired-by-position warning names each caller's arguments."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import saferstats
from saferstats.__main__ import main
from saferstats.rates import warn_paired_by_position

FLY = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


def _many_groups(tmp_path: Path, n: int = 25) -> Path:
    """n areas over 2015-2019 with no population for 2015 and 2016 (as Defra's before 2019/20)."""
    p = tmp_path / "many.csv"
    rows = ["area,period,count,population"]
    for i in range(n):
        for y in range(2015, 2020):
            rows.append(f"Area {i:02d},{y},{10 + i + y - 2015},{'' if y < 2017 else 1000}")
    p.write_text("\n".join(rows) + "\n")
    return p


# 1. the list of groups in the missing-figures advice is capped

def test_missing_advice_names_ten_groups_and_counts_the_rest(tmp_path, capsys):
    assert main(["trend", str(_many_groups(tmp_path)), "--by", "area"]) == 2
    err = capsys.readouterr().err
    assert "'Area 09' on the 3 periods it has (2017 to 2019)" in err
    assert "'Area 10'" not in err and "'Area 24'" not in err  # 25 groups: 10 named
    assert "; and 15 more groups on the periods they have" in err
    assert "all groups: --missing drop --out FILE.csv" in err
    assert len(err) < 2000, len(err)


def test_missing_advice_few_groups_all_named(tmp_path, capsys):
    assert main(["trend", str(_many_groups(tmp_path, 3)), "--by", "area"]) == 2
    err = capsys.readouterr().err
    assert "'Area 02' on the 3 periods it has (2017 to 2019)" in err
    assert "more group" not in err
    assert "(the first_period, last_period and n_periods columns show it)" in err


def test_flytipping_missing_advice_is_capped(shared_data, capsys):
    path = shared_data / FLY
    args = ["trend", str(path), "--by", "la_name", "--count", "incidents", "--population", "mid_population_estimates"]
    assert main(args) == 2
    # the error line (session 22: the warnings given before it follow it)
    err = next(ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("saferstats: error:"))
    assert err.startswith("saferstats: error: 2,283 rows with no figure for 'incidents' or 'mid_population_estimates'")
    assert "'Barnet' on the 3 periods it has (2019/20 to 2021/22); and 317 more groups" in err
    assert "(30 of them too few for a trend, so no trend)" in err
    assert "'York'" not in err
    assert len(err) < 3000, len(err)  # was 23,000 characters, every council named


# 2. names that split one code, and groups over part of the periods

def test_renamed_area_split_by_name_is_said(tmp_path, capsys):
    p = tmp_path / "renamed.csv"
    rows = ["la_code,la_name,period,count"]
    rows += [f"E1,Shepway,{y},{20 + y - 2015}" for y in range(2015, 2019)]
    rows += [f"E1,Folkestone and Hythe,{y},{25 + y - 2019}" for y in range(2019, 2022)]
    rows += [f"E2,Adur,{y},{30 + y - 2015}" for y in range(2015, 2022)]
    p.write_text("\n".join(rows) + "\n")
    out = tmp_path / "t.csv"
    assert main(["trend", str(p), "--by", "la_name", "--population", "none", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "trend --by la_name: 1 code in la_code appears under two or more la_name values" in err
    assert "E1 'Shepway' / 'Folkestone and Hythe'" in err
    assert "--by la_code keeps each as one series" in err
    assert "2 la_name groups are in only part of 2015 to 2021" in err
    assert "'Folkestone and Hythe' (2019 to 2021); 'Shepway' (2015 to 2018)" in err
    # --by la_code: one series each, named (its names in period order)
    assert main(["trend", str(p), "--by", "la_code", "--population", "none", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "under two or more" not in err and "only part of" not in err
    got = pd.read_csv(out).set_index("la_code")
    assert got.loc["E1", "la_name"] == "Shepway / Folkestone and Hythe"
    assert got.loc["E1", "n_periods"] == 7 and got.loc["E2", "la_name"] == "Adur"


def test_flytipping_by_name_says_renamed_councils(shared_data, capsys, tmp_path):
    path = shared_data / FLY
    out = tmp_path / "t.csv"
    assert main(["trend", str(path), "--by", "la_name", "--count", "incidents", "--population", "none",
                 "--missing", "drop", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "5 codes in la_code appear under two or more la_name values" in err
    assert "E06000023 'Bristol, City of' / 'Bristol'" in err
    assert "43 la_name groups are in only part of 2012/13 to 2021/22" in err
    assert "'Buckinghamshire' (2020/21 to 2021/22)" in err
    assert main(["trend", str(path), "--by", "la_code", "--count", "incidents", "--population", "none",
                 "--missing", "drop", "--out", str(out)]) == 0
    got = pd.read_csv(out).set_index("la_code")
    assert got.loc["E06000023", ["la_name", "n_periods", "first_period", "last_period"]].tolist() == \
        ["Bristol, City of / Bristol", 9, "2012/13", "2021/22"]
    assert got.loc["E06000023", "method"] != "not estimable"


# 3. groups with too few periods: a row each, the others fitted

def test_too_few_periods_rows_not_estimable(tmp_path, capsys):
    p = tmp_path / "c.csv"
    p.write_text("area,period,count,population\n"
                 + "".join(f"A,{y},{c},1000\n" for y, c in zip(range(2015, 2020), [5, 6, 7, 8, 9]))
                 + "B,2015,3,1000\nB,2016,,1000\nB,2017,4,1000\nB,2018,,1000\n"
                 + "C,2018,4,1000\nC,2019,5,1000\n")
    out = tmp_path / "t.csv"
    assert main(["trend", str(p), "--by", "area", "--missing", "drop", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert ("trend: 2 of 3 groups have fewer than 3 periods with figures, so no trend (a row each, method "
            "'not estimable', the reason in note); the other 1 are fitted. No trend: 'B' (2); 'C' (2)") in err
    got = pd.read_csv(out).set_index("area")
    assert got.index.tolist() == ["A", "B", "C"]
    assert got.loc["A", "method"] == "poisson" and got.loc["A", "n_periods"] == 5
    assert got.loc["A", "apc"] == pytest.approx(saferstats.poisson_trend(
        pd.DataFrame({"period": range(2015, 2020), "count": [5, 6, 7, 8, 9], "population": 1000}))["apc"].iloc[0])
    assert got.loc["B", ["method", "n_periods", "first_period", "last_period"]].tolist() == \
        ["not estimable", 2, 2015, 2017]
    assert got.loc["B", "note"] == "2 periods with figures; a trend needs at least 3"
    assert pd.isna(got.loc["B", "apc"]) and pd.isna(got.loc["C", "apc"])
    # the library stays strict: a script says which groups it fits
    with pytest.raises(saferstats.InvalidInputError, match="2 of 3 groups have fewer than 3 periods"), \
            pytest.warns(saferstats.SaferstatsWarning, match="2 row"):
        saferstats.poisson_trend(pd.read_csv(p), by="area", missing="drop")


def test_every_group_too_short_still_stops(tmp_path, capsys):
    p = tmp_path / "c.csv"
    p.write_text("area,period,count,population\nA,2015,3,1000\nA,2016,4,1000\nA,2017,,1000\n"
                 "B,2015,3,1000\nB,2016,4,1000\nB,2017,,1000\n")
    assert main(["trend", str(p), "--by", "area", "--missing", "drop"]) == 2
    assert "2 of 2 groups have fewer than 3 periods" in capsys.readouterr().err


def test_flytipping_drop_fits_the_rest(shared_data, capsys, tmp_path):
    path = shared_data / FLY
    out = tmp_path / "t.csv"
    assert main(["trend", str(path), "--by", "la_name", "--count", "incidents", "--population",
                 "mid_population_estimates", "--missing", "drop", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "38 of 339 groups have fewer than 3 periods with figures, so no trend" in err
    assert "the other 301 are fitted" in err
    got = pd.read_csv(out).set_index("la_name")
    assert len(got) == 339 and (got["method"] == "not estimable").sum() == 39  # and the Isles of Scilly: all zero
    assert got.loc["Buckinghamshire", ["n_periods", "first_period", "last_period"]].tolist() == [2, "2020/21", "2021/22"]
    assert got.loc["Adur", "n_periods"] == 3 and got.loc["Adur", "first_period"] == "2019/20"


# 4. the paired-by-position warning names each caller's arguments

def test_paired_warning_takes_explicit_pairs():
    a, b = pd.Series([1, 2], index=[3, 4]), pd.Series([5, 6], index=[0, 1])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        warn_paired_by_position("f", (("first", [1, 2]), ("second", [3, 4])), (("x1", a), ("x2", b)))
    assert len(w) == 1
    assert str(w[0].message).startswith("f: `x1` and `x2` are Series with different row labels")
    assert w[0].filename == __file__  # the caller's line, not the package's


def test_compare_proportions_warning_names_x1_x2_and_n1_n2():
    x1, x2 = pd.Series([3, 10], index=[3, 4]), pd.Series([5, 6], index=[0, 1])
    n1, n2 = pd.Series([30, 40], index=[3, 4]), pd.Series([20, 60], index=[0, 1])
    with pytest.warns(saferstats.SaferstatsWarning, match=r"compare_proportions: `x1` and `x2` are Series"):
        saferstats.compare_proportions(x1, n1, x2, n2)
    with pytest.warns(saferstats.SaferstatsWarning, match=r"compare_proportions: `n1` and `n2` are Series"):
        saferstats.compare_proportions(x1.to_numpy(), n1, x2.to_numpy(), n2)
    with pytest.warns(saferstats.SaferstatsWarning, match=r"rate_ratio: `count_a` and `count_b` are Series"):
        saferstats.rate_ratio(x1, n1, x2, n2)


def test_compare_with_short_group_gets_a_row(tmp_path, capsys):
    p = tmp_path / "c.csv"
    p.write_text("area,period,count,population\n"
                 + "".join(f"All,{y},{100 + 5 * i},10000\n" for i, y in enumerate(range(2015, 2020)))
                 + "".join(f"A,{y},{10 + i},1000\n" for i, y in enumerate(range(2015, 2020)))
                 + "C,2018,4,1000\nC,2019,5,1000\n")
    out = tmp_path / "t.csv"
    assert main(["trend", str(p), "--by", "area", "--compare-with", "All", "--out", str(out)]) == 0
    assert "1 of 3 groups have fewer than 3 periods, so no trend" in capsys.readouterr().err
    got = pd.read_csv(out).set_index("area")
    assert got.index.tolist() == ["A", "C"]
    assert got.loc["C", ["comparator", "method", "n_periods"]].tolist() == ["All", "not estimable", 2]
    assert pd.isna(got.loc["C", "ratio"]) and got.loc["A", "ratio"] > 0


def test_flytipping_defaults_say_its_columns(shared_data, capsys):
    """`saferstats trend Flytipping.xlsx --by la_name` (the defaults --count count --population
    population): the error listed 53 columns; it names Defra's count and population columns, that
    populations start in 2019/20, and --by la_code."""
    path = shared_data / FLY
    assert main(["trend", str(path), "--by", "la_name"]) == 2
    err = next(ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("saferstats: error:"))
    assert "Defra's fly-tipping table has no column 'count' (--count); its counts are 'incidents'" in err
    assert "'mid_population_estimates', published from 2019/20 only: --population none" in err
    assert "--by la_code" in err and "columns are" not in err
    assert main(["trend", str(path), "--by", "la_name", "--count", "incidents"]) == 2
    assert "has no column 'population' (--population)" in capsys.readouterr().err


def test_interim_csv_marks_and_spaces(tmp_path, capsys):
    """Defra's interim.csv as exported: ':' for no figure (Nottingham 2012/13) stopped the run as
    "':' is not a number", and 'Hartlepool', 'Hartlepool ' and 'Hartlepool  ' in different years
    made three groups of one council."""
    p = tmp_path / "interim.csv"
    p.write_text("Year,ONS Code,LA Name,Total Incidents\n"
                 "2012-13,E1,Hartlepool,10\n2013-14,E1,Hartlepool ,12\n2014-15,E1,Hartlepool  ,14\n"
                 "2015-16,E1,Hartlepool,16\n"
                 "2012-13,E2,Nottingham,:\n2013-14,E2,Nottingham,20\n2014-15,E2,Nottingham,22\n"
                 "2015-16,E2,Nottingham,24\n")
    out = tmp_path / "t.csv"
    args = ["trend", str(p), "--count", "Total Incidents", "--population", "none", "--period", "Year",
            "--by", "LA Name"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "column 'Total Incidents': 1 cell holds ':', a published mark for no figure: read as missing" in err
    assert "column 'LA Name' (--by): spaces around 2 values removed ('Hartlepool ', 'Hartlepool  '; 2 cells)" in err
    assert "1 row with no figure for 'Total Incidents': line 6 of interim.csv (Nottingham, 2012-13)" in err
    assert main([*args, "--missing", "drop", "--out", str(out)]) == 0
    got = pd.read_csv(out).set_index("LA Name")
    assert got.index.tolist() == ["Hartlepool", "Nottingham"]
    assert got["n_periods"].tolist() == [4, 3]
    assert "only part of" not in capsys.readouterr().err


def test_rates_reads_a_colon_as_no_figure(tmp_path, capsys):
    p = tmp_path / "r.csv"
    p.write_text("area,count,population\nA,10,1000\nB,:,2000\n")
    out = tmp_path / "o.csv"
    assert main(["rates", str(p), "--count", "count", "--population", "population", "--missing", "propagate",
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "column 'count': 1 cell holds ':'" in err and "1 of 2 rows has no count or population" in err
    got = pd.read_csv(out).set_index("area")
    assert got.loc["A", "rate"] == 1000 and pd.isna(got.loc["B", "rate"]) and got.loc["B", "method"] == "not applicable"


def test_duplicate_rows_named_by_lines_with_more(tmp_path, capsys):
    """Defra's interim.csv has one 'No relevant LA' row (code E00000000) per region and year: the
    error said "(rows [2, 3, 4, 5, 6, 7] and 2 more)" and "add it to `by`"."""
    p = tmp_path / "interim.csv"
    rows = ["Year,ONS Code,Region,Total Incidents"]
    rows += [f"{y},E00000000,Region {r},{10 + r}" for y in (2013, 2014, 2015) for r in range(8)]
    p.write_text("\n".join(rows) + "\n")
    # (w25b: such rows are left out as no area by default; --keep-totals keeps them, as before)
    assert main(["trend", str(p), "--count", "Total Incidents", "--population", "none", "--period", "Year",
                 "--by", "ONS Code", "--keep-totals"]) == 2
    err = capsys.readouterr().err
    assert "(lines 2, 3, 4, 5, 6, 7 and 2 more of interim.csv)" in err
    assert "they differ in 'Region': add it to --by to keep them apart" in err


def test_trend_on_the_bulletins_monthly_and_religion_csvs(shared_data, capsys):
    """The bulletin's Figure 2 and Table 3 saved as CSV (as in shared/data) stopped with pandas'
    "Expected 1 fields in line 3"; the ODS sheet worked. The CSV now gives the same trend."""
    d = shared_data / "hate_crime/home_office_by_force_2017-18_2018-19"
    # (w25b: --use-z, the normal limits these figures are; quasi-Poisson fits now default to t)
    assert main(["trend", str(d / "DERIVED_hate-crime-1819-hosb2419-tables_Figure_2.csv"), "--use-z"]) == 0
    out, err = capsys.readouterr()
    assert "Read the Home Office monthly figures (2013-04 to 2019-03" in err
    row = out.splitlines()[1].split()
    assert row[:3] == ["12.11", "10.01", "14.24"] and "72" in row
    assert main(["trend", str(d / "DERIVED_hate-crime-1819-hosb2419-tables_Table_3.csv")]) == 2
    err = capsys.readouterr().err
    assert "this is the table by perceived religion, one year only" in err and "ParserError" not in err


def test_rates_on_the_bulletins_csvs_says_counts_only(shared_data, capsys):
    d = shared_data / "hate_crime/home_office_by_force_2017-18_2018-19"
    for name, layout in (("Figure_2", "monthly"), ("Table_2", "strand")):
        path = d / f"DERIVED_hate-crime-1819-hosb2419-tables_{name}.csv"
        assert main(["rates", str(path), "--count", "count", "--population", "population"]) == 2
        err = capsys.readouterr().err
        assert f"this file is the bulletin's {layout} table, counts with no population, so no rate" in err
        assert f"for this table's trend in the counts: saferstats trend \"{path}\"" in err and "ParserError" not in err
