"""Session 17 (w22c): the CLI reads Defra's fly-tipping workbook as published; year_on_year
missing="drop"; the bundled hate crime table keeps Table 2's footnote."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from conftest import defra_flytipping_read
from saferstats.__main__ import main

FLY = Path("fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx")


def _tiny_flytipping_book(path: Path) -> Path:
    """A workbook laid out as Defra's: title lines, a header row on line 3, a total row, two
    authorities over four years; Hackney 2021/22 published with no figure (':', line 11)."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "LA_incidents"
    ws.append(["Fly-tipping incidents reported by local authorities in England"])
    ws.append([None, None, None, None, "TOTAL"])
    ws.append(["Year", "ONS Code", "LA Name", "Region", "Total Incidents", "Mid Population Estimates",
               "Reporting basis"])
    rows = [("2018-19", "E09000012", "Hackney", "London", 1900, 279000),
            ("2018-19", "E07000243", "Stevenage", "East", 2900, 87000),
            ("2019-20", "E09000012", "Hackney", "London", 2000, 280000),
            ("2019-20", "E07000243", "Stevenage", "East", 3000, 88000),
            ("2020-21", "E09000012", "Hackney", "London", 2200, 281000),
            ("2020-21", "E07000243", "Stevenage", "East", 3100, 89000),
            ("2021-22", "E09000012", "Hackney", "London", ":", 282000),
            ("2021-22", "E07000243", "Stevenage", "East", 3223, 90000)]
    ws.append(["2019-20", "*Total", "*Total", "*Total England", 5000, 368000])
    for r in rows:
        ws.append([*r, "All incidents" if r[0] >= "2019" else None])
    wb.create_sheet("Notes").append(["Notes"])
    wb.save(path)
    return path


def test_cli_rates_reads_a_defra_flytipping_workbook(tmp_path, capsys):
    book = _tiny_flytipping_book(tmp_path / "Flytipping.xlsx")
    out = tmp_path / "rates.csv"
    rc = main(["rates", str(book), "--count", "incidents", "--population", "mid_population_estimates",
               "--multiplier", "1000", "--missing", "propagate", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert "Save As" not in err and "Defra's fly-tipping table" in err
    assert "Flytipping.xlsx: 1 of 8 rows has no count or population, so no rate (line 11)" in err
    res = pd.read_csv(out)
    assert len(res) == 8
    st = res[(res.la_name == "Stevenage") & (res.period == "2021/22")].iloc[0]
    assert st["rate"] == pytest.approx(3223 / 90000 * 1000)
    hk = res[(res.la_name == "Hackney") & (res.period == "2021/22")].iloc[0]
    assert pd.isna(hk["rate"])
    # without --missing: the row with no count stops the run, named by its line in the sheet
    rc = main(["rates", str(book), "--count", "incidents", "--population", "mid_population_estimates"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "line 11 of Flytipping.xlsx" in err and "Hackney" in err and "--missing propagate" in err


def test_cli_trend_reads_a_defra_flytipping_workbook(tmp_path, capsys):
    book = _tiny_flytipping_book(tmp_path / "Flytipping.xlsx")
    rc = main(["trend", str(book), "--count", "incidents", "--population", "mid_population_estimates",
               "--by", "la_name"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "1 row with no figure for 'incidents'" in err and "line 11 of Flytipping.xlsx (Hackney, 2021/22" in err
    out = tmp_path / "trend.csv"
    rc = main(["trend", str(book), "--count", "incidents", "--population", "mid_population_estimates",
               "--by", "la_name", "--missing", "drop", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 0, err
    res = pd.read_csv(out).set_index("la_name")
    assert res.loc["Stevenage", "n_periods"] == 4
    assert res.loc["Hackney", "n_periods"] == 3 and res.loc["Hackney", "last_period"] == "2020/21"
    assert "line 11 of Flytipping.xlsx (Hackney, 2021/22)" in err


def test_cli_another_workbook_still_says_save_as_csv(tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(["area", "count", "population"])
    wb.active.append(["A", 1, 100])
    wb.save(tmp_path / "mine.xlsx")
    rc = main(["rates", str(tmp_path / "mine.xlsx"), "--count", "count", "--population", "population"])
    err = capsys.readouterr().err
    assert rc == 2 and "Save As" in err


def test_cli_rates_on_defras_published_flytipping_workbook(shared_data, tmp_path, capsys):
    path = shared_data / FLY
    rc = main(["rates", str(path), "--count", "incidents", "--population", "mid_population_estimates",
               "--multiplier", "1000"])
    err = capsys.readouterr().err
    assert rc == 2 and "Save As" not in err
    assert "on line 205 of Flytipping.xlsx (2012/13, E06000018, Nottingham)" in err
    # (session 22: the reader's warning, given before the error, follows it, marked as such)
    assert "saferstats: warning before the error: read_flytipping:" in err
    assert err.index("saferstats: error:") < err.index("saferstats: warning before the error: read_flytipping:")
    out = tmp_path / "r.csv"
    rc = main(["rates", str(path), "--count", "incidents", "--population", "mid_population_estimates",
               "--multiplier", "1000", "--missing", "propagate", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 0
    assert "Defra publishes no mid_population_estimates for 2012/13 to 2018/19 (7 years)" in err
    assert "2,283 of 3,222 rows have no count or population, so no rate" in err
    res = pd.read_csv(out)
    assert len(res) == 3222
    hk = res[(res.la_name == "Hackney") & (res.period == "2021/22")].iloc[0]
    assert pd.isna(hk["count"]) and pd.isna(hk["rate"]) and hk["source_line"] == 3126
    st = res[(res.la_name == "Stevenage") & (res.period == "2021/22")].iloc[0]
    assert st["count"] == 3223
    assert st["rate"] == pytest.approx(3223 / st["population"] * 1000)


def test_bundled_national_strands_keep_table_2s_footnote_so_trends_warn():
    import saferstats

    nat = saferstats.datasets.hate_crime_national()
    assert nat.attrs["footnotes"] == {"2017/18": "Merseyside police have revised figures for 2017/18."}
    race = nat.query("strand == 'Race'")
    with pytest.warns(saferstats.SaferstatsWarning, match=r"poisson_trend: the trend runs over a period the source "
                      r"footnotes \(2017/18: 'Merseyside police"):
        tr = saferstats.poisson_trend(race, count="count", population=None, period="year", dispersion="quasi")
    assert tr.attrs["footnotes"] == {"2017/18": "Merseyside police have revised figures for 2017/18."}
    with pytest.warns(saferstats.SaferstatsWarning, match=r"year_on_year: 2 of 7 comparisons run into or out of"):
        saferstats.year_on_year(race, count="count", population=None, period="year")
    # the years before the footnoted one: no word of it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.poisson_trend(race[race.year < "2017/18"], count="count", population=None, period="year",
                                 dispersion="quasi")
    assert not [w for w in caught if "footnotes" in str(w.message)]


def test_year_on_year_missing_drop_leaves_rows_out_and_flags_the_pairs_across_them():
    import saferstats

    t = pd.DataFrame({"area": ["A"] * 4 + ["B"] * 3,
                      "period": ["2016/17", "2017/18", "2018/19", "2019/20", "2016/17", "2017/18", "2018/19"],
                      "count": [100, 120, float("nan"), 150, 10, 20, 30],
                      "population": [1000.0] * 7})
    with pytest.warns(saferstats.SaferstatsWarning) as rec:
        yoy = saferstats.year_on_year(t, by="area", missing="drop", multiplier=1000)
    said = [str(w.message) for w in rec]
    assert any("year_on_year: 1 row with a missing count or population left out: row 2 (A, 2018/19)" in m
               for m in said)
    assert any("1 pair of periods is not consecutive" in m and "'A': 2017/18 → 2019/20" in m for m in said)
    a = yoy[yoy.area == "A"]
    assert a[["period_from", "period_to"]].values.tolist() == [["2016/17", "2017/18"], ["2017/18", "2019/20"]]
    assert a["consecutive"].tolist() == [True, False]
    assert a["pct_change"].iloc[1] == pytest.approx(25.0)
    assert yoy[yoy.area == "B"]["consecutive"].all() and len(yoy) == 4
    assert yoy.attrs["dropped"] == [{"row": 2, "area": "A", "period": "2018/19"}]
    # a population missing is left out too
    t.loc[5, "population"] = float("nan")
    with pytest.warns(saferstats.SaferstatsWarning):
        yoy = saferstats.year_on_year(t, by="area", missing="drop")
    assert yoy[yoy.area == "B"][["period_from", "period_to", "consecutive"]].values.tolist() == [
        ["2016/17", "2018/19", False]]


def test_year_on_year_missing_drop_on_defras_flytipping(shared_data):
    import saferstats

    ft = defra_flytipping_read(shared_data)
    red = ft[ft.la_name == "Redbridge"]
    with pytest.warns(saferstats.SaferstatsWarning, match=r"2 rows with a missing count or population left out"):
        yoy = saferstats.year_on_year(red, count="incidents", population=None, by="la_name", missing="drop")
    gaps = yoy[~yoy.consecutive][["period_from", "period_to"]].values.tolist()
    assert gaps == [["2015/16", "2017/18"], ["2017/18", "2019/20"]]
    assert [d["period"] for d in yoy.attrs["dropped"]] == ["2016/17", "2018/19"]
