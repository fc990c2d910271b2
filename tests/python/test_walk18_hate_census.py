"""Walk-through 18 (hate crime rates on Census populations), session 15.

1. The Home Office writes "Devon and Cornwall", ONS "Devon & Cornwall": a merge on the name gave that
   force no population. ``read_hate_crime`` now gives every force its ONS code (``force_code``).
   Reference: the csv module reading the Home Office file, ONS's LAD -> CSP -> PFA (December 2024)
   lookup and TS021 by LSOA read with the csv module (independent of the bundled tables).
2. ``census_population``'s Census year was lost in a merge; a ``census`` column now carries it, and
   ``add_rates`` / ``year_on_year`` warn of Census 2021 residents set against 2017/18 crimes.
3. ``saferstats trend/rates --sheet`` read the published workbook (.ods); the strand trend on the
   workbook's Table_2 equals statsmodels' on the CSV export (tests/fixtures/walk17_hate/reference.json).
4. Table 3 (perceived religion of the victim) is read; reference: the csv module on the file, and
   the published total number of targeted religions (7,717).
"""
from __future__ import annotations

import csv
import re
import warnings
from collections import defaultdict

import pytest

import saferstats as ss
from saferstats.__main__ import main
from saferstats.exceptions import InvalidInputError, SaferstatsWarning

from conftest import load_fixture

HO = "hate_crime/home_office_by_force_2017-18_2018-19"
FX = load_fixture("walk17_hate/reference.json")


def _rows(path):
    return list(csv.reader(open(path, newline="", encoding="utf-8-sig")))


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("&", "and")).strip().lower()


def _census_by_pfa(shared_data) -> dict[str, int]:
    """TS021 usual residents summed to police force areas with the csv module (LSOA -> LTLA -> PFA)."""
    src = shared_data / "population" / "census2021_ew"
    la_of = {r["lsoa21_code"]: r["ltla24_code"] for r in csv.DictReader(open(src / "lookup_lsoa21_ward24_ltla24.csv"))}
    pfa_of = {r["ltla24_code"]: r["pfa24_code"] for r in csv.DictReader(open(src / "lookup_ltla24_csp24_pfa24.csv"))}
    out: dict[str, int] = defaultdict(int)
    for r in csv.DictReader(open(src / "ts021_ethnic_group_lsoa21.csv")):
        out[pfa_of[la_of[r["lsoa21_code"]]]] += sum(int(r[g]) for g in ("asian", "black", "mixed", "white", "other"))
    return out


def test_every_home_office_force_gets_its_ons_code(shared_data):
    path = shared_data / HO / "Hate crime.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)  # no force left unmatched
        t = ss.read_hate_crime(path)
    names = {r[0].strip() for r in _rows(path)[1:] if r and r[0].strip()}
    assert set(t.force) == names and len(names) == 43
    assert t.force_code.notna().all() and t.force_code.nunique() == 43
    # independent: ONS's own names for the codes, "&" read as "and"
    ons = {r["pfa24_code"]: r["pfa24_name"]
           for r in csv.DictReader(open(shared_data / "population/census2021_ew/lookup_ltla24_csp24_pfa24.csv"))}
    for force, code in zip(t.force, t.force_code):
        assert _key(ons[code]) == _key(force), (force, code, ons[code])
    assert t.loc[t.force == "Devon and Cornwall", "force_code"].unique().tolist() == ["E23000035"]
    assert ons["E23000035"] == "Devon & Cornwall"


def test_census_join_on_code_misses_no_force_and_equals_the_published_totals(shared_data):
    t = ss.read_hate_crime(shared_data / HO / "Hate crime.csv")
    pop = ss.census_population("force").groupby(["force_code", "census"], as_index=False)["population"].sum()
    m = t.drop(columns="population").merge(pop, on="force_code", how="left", validate="many_to_one")
    assert m.population.notna().all() and len(m) == len(t)
    assert set(m.census) == {2021}
    want = _census_by_pfa(shared_data)
    for code, got in m.drop_duplicates("force_code").set_index("force_code")["population"].items():
        assert int(got) == want[code], code
    # Hertfordshire force area, ONS TS021 broad groups (census_population's reference values)
    assert want["E23000027"] == 103_679 + 44_863 + 45_127 + 980_115 + 25_048


def test_unmatched_force_is_named_in_a_warning(tmp_path, shared_data):
    rows = _rows(shared_data / HO / "Hate crime.csv")
    rows[3][0] = "Nowhere Constabulary"
    f = tmp_path / "hc.csv"
    with open(f, "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.warns(SaferstatsWarning, match=r"'Nowhere Constabulary' \(line 4\)"):
        t = ss.read_hate_crime(f)
    assert t.loc[t.force == "Nowhere Constabulary", "force_code"].isna().all()
    assert t.loc[t.force != "Nowhere Constabulary", "force_code"].notna().all()


def test_census_year_travels_and_rates_warn(shared_data):
    t = ss.read_hate_crime(shared_data / HO / "Hate crime.csv")
    pop = ss.census_population("force")
    assert (pop["census"] == 2021).all() and (ss.census_population("force", census=2011)["census"] == 2011).all()
    pop = pop.groupby(["force_code", "census"], as_index=False)["population"].sum()
    m = t.drop(columns="population").merge(pop, on="force_code", how="left")
    for fn, kw in ((ss.add_rates, {}), (ss.year_on_year, {"by": "force_code"})):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            fn(m, count="offences", **kw)
        msgs = [str(x.message) for x in w if issubclass(x.category, SaferstatsWarning)]
        far = [x for x in msgs if "Census 2021 residents" in x]
        assert len(far) == 1 and "2017/18" in far[0] and "2018/19" not in far[0], msgs
        assert any("same figure in every year (2017/18, 2018/19) for 43 of 43 forces" in x for x in msgs), msgs
    # the Home Office's own population (no census column): no Census warning, the table's own note only
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ss.add_rates(t.dropna(subset=["population"]), count="offences")
    msgs = [str(x.message) for x in w]
    # (the note itself says the population is neither Census, w44c: no Census *warning* is the point)
    assert not any("Census 2021 residents" in x or "census" in x.split("neither Census")[0].lower() for x in msgs)
    assert sum("same figure in every year" in x for x in msgs) == 1


def test_census_near_the_periods_does_not_warn():
    import pandas as pd

    d = pd.DataFrame({"area": ["A", "A"], "period": ["2020/21", "2021/22"], "count": [30, 40],
                      "population": [100_000, 101_000], "census": [2021, 2021]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        ss.add_rates(d)
        ss.year_on_year(d, by="area")


def test_table_3_perceived_religion(shared_data):
    path = shared_data / HO / "DERIVED_hate-crime-1819-hosb2419-tables_Table_3.csv"
    t = ss.read_hate_crime(path)
    rows = _rows(path)
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Perceived religion of the victim")
    want = {}
    for r in rows[head + 1:]:
        if r and r[0] and len(r) > 1 and r[1]:
            want[r[0]] = float(r[1].replace(",", ""))
    got = dict(zip(t.religion, t["count"]))
    assert got["targeted_religions"] == want["Total number of targeted religions"] == 7717
    assert got["offences"] == want["Total number of offences"] == 7446
    rel = t[~t.religion.isin(t.attrs["totals"])]
    assert {k: v for k, v in got.items() if k not in t.attrs["totals"]} == {
        k: v for k, v in want.items() if not k.startswith("Total")}
    assert rel["count"].sum() == 7717  # the religions add up to the targeted religions, not the offences
    assert set(t.period) == {"2018/19"}
    assert t.loc[t.religion == "Muslim", "published_percent"].iloc[0] == 47
    assert "2" in t.attrs["notes"]


def test_table_3_from_the_workbook_matches_the_csv(shared_data):
    book = ss.read_hate_crime(shared_data / HO / "hate-crime-1819-hosb2419-tables.ods", sheet="Table_3")
    csv_t = ss.read_hate_crime(shared_data / HO / "DERIVED_hate-crime-1819-hosb2419-tables_Table_3.csv")
    assert book[["religion", "period", "count"]].equals(csv_t[["religion", "period", "count"]])


def test_unknown_table_says_which_tables_are_read(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("Table 9: something else\n\nArea,Things\nA,1\n")
    with pytest.raises(InvalidInputError, match=r"Table 2.*Table 3.*Figure 2.*pandas.read_csv"):
        ss.read_hate_crime(f)


def test_cli_trend_reads_the_workbook_sheet(tmp_path, capsys, shared_data):
    book = shared_data / HO / "hate-crime-1819-hosb2419-tables.ods"
    out = tmp_path / "t.csv"
    # (w25b: --use-z, the normal limits of FX; without it quasi-Poisson limits are t on the residual df)
    assert main(["trend", str(book), "--sheet", "Table_2", "--missing", "drop", "--dispersion", "quasi",
                 "--use-z", "--out", str(out)]) == 0
    rows = {r["strand"]: r for r in csv.DictReader(open(out, newline=""))}
    assert float(rows["race"]["apc"]) == pytest.approx(FX["quasi_trend"]["Race"]["apc"], rel=1e-9)
    assert float(rows["offences"]["apc_lower"]) == pytest.approx(
        FX["quasi_trend"]["Total number of offences"]["apc_lower"], rel=1e-9)
    capsys.readouterr()


def test_cli_wrong_or_missing_sheet_lists_the_sheets(capsys, shared_data):
    book = shared_data / HO / "hate-crime-1819-hosb2419-tables.ods"
    assert main(["trend", str(book), "--sheet", "Table 2"]) == 2
    err = capsys.readouterr().err
    assert "no sheet 'Table 2'" in err and "did you mean 'Table_2'" in err and "Table_3" in err
    assert main(["rates", str(book), "--count", "count", "--population", "population"]) == 2
    err = capsys.readouterr().err
    assert "--sheet" in err and "'Table_2' (strand series)" in err


def test_cli_rates_sheet_on_a_csv_is_an_error(capsys, shared_data):
    assert main(["rates", str(shared_data / HO / "Hate crime.csv"), "--sheet", "Table_2", "--count", "x",
                 "--population", "y"]) == 2
    assert "--sheet 'Table_2' is for a workbook" in capsys.readouterr().err
