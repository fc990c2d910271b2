"""saferstats rates / trend as a new analyst meets them on the shared files (w25b).

1. Defra's fly-tipping CSVs hold rows that are no area: ``interim.csv`` labels its regional and
   England totals 'No relevant LA' (ONS code E00000000), the sheet's CSV export '*Total'. They are
   left out by default and said on stderr (how many, which labels); ``--keep-totals`` keeps them.
2. ``trend``'s ``intercept`` is the trend line at year 0; ``fitted_first_period`` gives the line at
   the first period (a count, or a rate per 100,000), the existing columns unchanged.
3. Quasi-Poisson limits and p-values from Student t on the residual df by default (R's
   ``summary.glm``), the ``intervals`` column saying which; ``--use-z`` for the normal, with a
   warning giving the t p-value below 5 residual df.
4. ``add_rates`` naming a row whose label repeats: one bracket (library, ``trend._row_named``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.__main__ import main

DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22"
INTERIM = ["--count", "Total Incidents", "--population", "none", "--period", "Year", "--missing", "drop"]
BEFORE_W25B = ["ONS Code", "apc", "apc_lower", "apc_upper", "beta", "se", "dispersion_ratio", "n_periods", "method",
               "z", "p_value", "alpha", "intercept", "first_period", "last_period", "note", "confidence"]


# 1. rows that are no area --------------------------------------------------------------------------

def test_interim_no_relevant_la_rows_left_out_and_said(shared_data, tmp_path, capsys):
    path = shared_data / DEFRA / "interim.csv"
    out = tmp_path / "t.csv"
    # before: the 99 'No relevant LA' rows (E00000000, one per region and year) stopped the run as
    # duplicate rows of one "area"
    assert main(["trend", str(path), *INTERIM, "--by", "ONS Code", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "interim.csv: 99 of 3,321 rows are totals or counts of no area" in err
    assert "ONS Code 'E00000000' (99); LA Name 'No relevant LA' (99)" in err
    assert "(line 2, 3, 4, 5, 6 ...); --keep-totals keeps them" in err
    res = pd.read_csv(out)
    assert "E00000000" not in set(res["ONS Code"])
    assert len(res) == 334 and res["ONS Code"].is_unique


def test_interim_keep_totals_keeps_them(shared_data, tmp_path, capsys):
    path = shared_data / DEFRA / "interim.csv"
    assert main(["trend", str(path), *INTERIM, "--by", "ONS Code", "--keep-totals", "--out", str(tmp_path / "t.csv")]) == 2
    err = capsys.readouterr().err
    assert "99 rows labelled as totals or as no area are kept (--keep-totals)" in err
    assert "duplicate rows for {'ONS Code': 'E00000000', 'Year': '2012-13'}" in err


def test_derived_export_total_rows_get_no_rate(shared_data, tmp_path, capsys):
    path = shared_data / DEFRA / "DERIVED_Flytipping_LA_incidents.csv"
    out = tmp_path / "r.csv"
    assert main(["rates", str(path), "--count", "Total Incidents", "--population", "Mid population estimates ",
                 "--missing", "propagate", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "101 of 3,323 rows are totals or counts of no area" in err
    assert "ONS Code '*Total' (101)" in err
    res = pd.read_csv(out)
    assert len(res) == 3222 and not res["ONS Code"].astype(str).str.startswith("*").any()


def test_rates_no_relevant_la_row_is_not_an_area(tmp_path, capsys):
    p = tmp_path / "ft.csv"
    p.write_text("Year,ONS Code,LA Name,Region,Total Incidents,population\n"
                 "2021-22,E00000000,No relevant LA,East,27384,6300000\n"
                 "2021-22,E07000243,Stevenage,East,3223,89500\n"
                 "2021-22,E07000241,Welwyn Hatfield,East,1021,119900\n")
    assert main(["rates", str(p), "--count", "Total Incidents", "--population", "population"]) == 0
    cap = capsys.readouterr()
    assert "No relevant LA" not in cap.out and "Stevenage" in cap.out and "Welwyn Hatfield" in cap.out
    assert "1 of 3 rows are totals or counts of no area" in cap.err
    assert "LA Name 'No relevant LA' (1)" in cap.err and "(line 2)" in cap.err


def test_no_area_labels_only_whole_cells(tmp_path, capsys):
    """'Total' without Defra's star, or a name that holds the words, is an area as written."""
    p = tmp_path / "a.csv"
    p.write_text("area,count,population\nTotal,10,1000\nNo relevant LA Road ward,5,1000\nE00000001,3,100\n")
    assert main(["rates", str(p), "--count", "count", "--population", "population"]) == 0
    cap = capsys.readouterr()
    assert "Total" in cap.out and "E00000001" in cap.out and "No relevant LA Road ward" in cap.out
    assert "no area" not in cap.err


def test_compare_with_a_total_keeps_the_totals(tmp_path, capsys):
    p = tmp_path / "c.csv"
    rows = ["area,period,count"]
    for y, (a, b) in zip(range(2015, 2019), [(100, 1000), (120, 1100), (150, 1180), (170, 1300)]):
        rows += [f"Stevenage,{y},{a}", f"*Total England,{y},{b}"]
    p.write_text("\n".join(rows) + "\n")
    assert main(["trend", str(p), "--population", "none", "--by", "area", "--compare-with", "*Total England"]) == 0
    cap = capsys.readouterr()
    assert "Stevenage" in cap.out and "kept (--keep-totals)" in cap.err


# 2. the intercept and the fitted first period -------------------------------------------------------

def test_fitted_first_period_is_the_rate_at_the_first_period(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("area,period,count,population\n" + "".join(
        f"A,{2015 + k},{100 * 2 ** k},1000\n" for k in range(4)))
    out = tmp_path / "o.csv"
    assert main(["trend", str(p), "--by", "area", "--out", str(out)]) == 0
    res = pd.read_csv(out)
    # counts doubling each year on 1,000 residents: the line passes through every point
    assert res["apc"].iloc[0] == pytest.approx(100, rel=1e-9)
    assert res["fitted_first_period"].iloc[0] == pytest.approx(100 / 1000 * 100_000, rel=1e-9)
    # the intercept is still the line at year 0: log(0.1 / 2**2015) per resident
    assert res["intercept"].iloc[0] == pytest.approx(np.log(0.1) - 2015 * np.log(2), rel=1e-9)


def test_fitted_first_period_counts_on_interim_match_statsmodels(shared_data, tmp_path):
    sm = pytest.importorskip("statsmodels.api")
    path = shared_data / DEFRA / "interim.csv"
    out = tmp_path / "t.csv"
    assert main(["trend", str(path), *INTERIM, "--by", "ONS Code", "--out", str(out)]) == 0
    res = pd.read_csv(out)
    before = [c for c in res.columns if c in BEFORE_W25B]
    assert before == BEFORE_W25B  # every earlier column, in its order
    d = pd.read_csv(path, thousands=",", na_values=[":"])
    h = d[d["ONS Code"] == "E06000001"].dropna(subset=["Total Incidents"])  # Hartlepool
    t = h["Year"].str[:4].astype(float).to_numpy()
    fit = sm.GLM(h["Total Incidents"].to_numpy(), sm.add_constant(t), family=sm.families.Poisson()).fit(
        scale="X2", use_t=True)
    row = res[res["ONS Code"] == "E06000001"].iloc[0]
    assert row["intercept"] == pytest.approx(fit.params[0], rel=1e-8)  # year 0: about -138.8
    assert row["fitted_first_period"] == pytest.approx(np.exp(fit.params[0] + fit.params[1] * 2012), rel=1e-8)
    assert row["fitted_first_period"] == pytest.approx(1130.796, rel=1e-5)
    # 3. quasi-Poisson (auto: dispersion 112.7) on 8 df: R's summary.glm, statsmodels use_t=True
    assert row["intervals"] == "t (df=8)"
    assert row["p_value"] == pytest.approx(fit.pvalues[1], rel=1e-8)
    lo, hi = fit.conf_int()[1]
    assert row["apc_lower"] == pytest.approx(100 * np.expm1(lo), rel=1e-8)
    assert row["apc_upper"] == pytest.approx(100 * np.expm1(hi), rel=1e-8)


def test_help_says_what_the_intercept_is(capsys):
    with pytest.raises(SystemExit):
        main(["trend", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "intercept is its log at t = 0 (year 0, not the first period)" in out
    assert "fitted_first_period is the line at first_period" in out


# 3. quasi-Poisson on few residual df ----------------------------------------------------------------

def _short(tmp_path: Path) -> Path:
    """Two areas over three years: A over-dispersed (quasi-Poisson under auto), B not (Poisson)."""
    p = tmp_path / "s.csv"
    p.write_text("area,period,count\nA,2016,100\nA,2017,190\nA,2018,120\nB,2016,100\nB,2017,104\nB,2018,110\n")
    return p


def test_quasi_poisson_on_one_df_uses_t_by_default(tmp_path, capsys):
    scipy_stats = pytest.importorskip("scipy.stats")
    out = tmp_path / "o.csv"
    assert main(["trend", str(_short(tmp_path)), "--population", "none", "--by", "area", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    res = pd.read_csv(out).set_index("area")
    assert res.loc["A", "method"].startswith("quasi-poisson") and res.loc["B", "method"] == "poisson"
    # A: t on 1 residual df (R's summary.glm for quasipoisson); before: 2 * norm.sf(|z|)
    z = res.loc["A", "z"]
    assert res.loc["A", "p_value"] == pytest.approx(2 * scipy_stats.t.sf(abs(z), 1), rel=1e-6)
    assert res.loc["A", "intervals"] == "t (df=1)"
    ref = saferstats.poisson_trend(pd.read_csv(_short(tmp_path)), population=None, by="area", dispersion="auto",
                                   use_t=True).set_index("area")
    for c in ["apc_lower", "apc_upper", "p_value"]:
        assert res.loc["A", c] == pytest.approx(ref.loc["A", c], rel=1e-9)
    # B: Poisson keeps the normal, as R's summary.glm for family = poisson
    assert res.loc["B", "intervals"] == "z"
    assert res.loc["B", "p_value"] == pytest.approx(2 * scipy_stats.norm.sf(abs(res.loc["B", "z"])), rel=1e-6)
    assert "Quasi-Poisson fits (1 of 2): limits and p-values from Student t" in err
    assert "quasi-Poisson intervals and p-values from the normal (z) are optimistic" not in err


def test_use_z_warns_with_the_t_p_value(tmp_path, capsys):
    scipy_stats = pytest.importorskip("scipy.stats")
    out = tmp_path / "o.csv"
    assert main(["trend", str(_short(tmp_path)), "--population", "none", "--by", "area", "--use-z",
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    res = pd.read_csv(out).set_index("area")
    z = res.loc["A", "z"]
    assert res.loc["A", "p_value"] == pytest.approx(2 * scipy_stats.norm.sf(abs(z)), rel=1e-6)
    assert res.loc["A", "intervals"] == "z"
    p_t = 2 * scipy_stats.t.sf(abs(z), 1)
    assert f"'A' p {res.loc['A', 'p_value']:.2g} (z) against {p_t:.2g} (t on 1 df)" in err
    assert "trend --use-z: 1 quasi-Poisson fit has fewer than 5 residual degrees of freedom" in err


def test_use_t_and_use_z_together_refused(tmp_path, capsys):
    assert main(["trend", str(_short(tmp_path)), "--population", "none", "--by", "area", "--use-t", "--use-z"]) == 2
    assert "--use-t and --use-z ask for opposite intervals" in capsys.readouterr().err


def test_use_t_gives_t_to_every_fit(tmp_path):
    scipy_stats = pytest.importorskip("scipy.stats")
    out = tmp_path / "o.csv"
    assert main(["trend", str(_short(tmp_path)), "--population", "none", "--by", "area", "--use-t",
                 "--out", str(out)]) == 0
    res = pd.read_csv(out).set_index("area")
    assert list(res["intervals"]) == ["t (df=1)", "t (df=1)"]
    assert res.loc["B", "p_value"] == pytest.approx(2 * scipy_stats.t.sf(abs(res.loc["B", "z"]), 1), rel=1e-6)


def test_compare_with_quasi_poisson_defaults_to_t_as_r(shared_data, tmp_path, capsys):
    """--compare-with on the strand table (quasi-Poisson): the ratio's limits and p-value on the
    Welch-Satterthwaite df without --use-t; the reference is R (tests/fixtures/trend_compare.json)."""
    import json

    ref = next(r for r in json.loads((Path(__file__).parents[1] / "fixtures" / "trend_compare.json").read_text())["rows"]
               if r["name"] == "race_vs_disability")["quasi_t"]
    out = tmp_path / "c.csv"
    strands = "hate_crime/home_office_by_force_2017-18_2018-19/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"
    assert main(["trend", str(shared_data / strands), "--compare-with", "race", "--dispersion", "quasi",
                 "--missing", "drop", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    # (4 of 4 since session 21: the two totals are left out against a strand)
    assert "Comparisons with a quasi-Poisson fit (4 of 4): limits and p-values from Student t" in err
    dis = pd.read_csv(out).set_index("strand").loc["disability"]
    assert dis["df"] == pytest.approx(ref["df"], rel=1e-6)
    assert dis["p_value"] == pytest.approx(ref["p_value"], rel=1e-6)  # 3.5e-04; the normal gave 4.8e-08
    assert [dis["ratio_lower"], dis["ratio_upper"]] == pytest.approx([ref["ratio_lower"], ref["ratio_upper"]], rel=1e-6)
    assert dis["intervals"] == f"t (df={round(ref['df'], 2):g})"


# 4. add_rates on a table whose labels repeat ---------------------------------------------------------

def test_add_rates_repeated_label_one_bracket():
    a = pd.DataFrame({"area": ["A", "B", "C"], "period": ["2019"] * 3, "count": [1, 2, 3], "population": [100] * 3})
    b = pd.DataFrame({"area": ["D", "E"], "period": ["2020"] * 2, "count": [1, -2], "population": [100] * 2})
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.add_rates(pd.concat([a, b]))
    msg = str(e.value)
    assert "at row 1 (E, 2020; position 4: 2 rows have that label" in msg
    assert ") (" not in msg


# 5. Defra's table as a plain CSV: its recording changes said; the workbook's totals counted ------------

def test_interim_csv_recording_changes_said(shared_data, tmp_path, capsys):
    path = shared_data / DEFRA / "interim.csv"
    assert main(["trend", str(path), *INTERIM, "--by", "ONS Code", "--out", str(tmp_path / "t.csv")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "interim.csv is Defra's fly-tipping table read as a plain CSV" in err
    assert "16 counts changed 4-fold or more on the previous year published (Plymouth 2016/17: 6,316 to 718;" in err
    assert "it has no 'Reporting basis' column" in err


def test_derived_csv_names_councils_not_counting_all_incidents(shared_data, tmp_path, capsys):
    path = shared_data / DEFRA / "DERIVED_Flytipping_LA_incidents.csv"
    assert main(["rates", str(path), "--count", "Total Incidents", "--population", "Mid population estimates ",
                 "--missing", "propagate", "--out", str(tmp_path / "r.csv")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert ("99 authority-years not counted on Defra's 'All incidents' basis (Barrow-in-Furness 2019/20: "
            "Customer/public reported only;") in err


def test_other_csv_gets_no_defra_note(tmp_path, capsys):
    assert main(["trend", str(_short(tmp_path)), "--population", "none", "--by", "area"]) == 0
    assert "Defra" not in capsys.readouterr().err


def test_workbook_says_its_total_rows_are_left_out(shared_data, tmp_path, capsys):
    path = shared_data / DEFRA / "Flytipping.xlsx"
    assert main(["trend", str(path), "--by", "la_code", "--count", "incidents", "--population", "none",
                 "--missing", "drop", "--out", str(tmp_path / "t.csv")]) == 0
    err = capsys.readouterr().err
    assert "3,222 authority-years, 2012/13 to 2021/22 (101 rows of regional and England totals left out: not areas)" in err


def test_defra_like_csv_without_region_still_runs(tmp_path, capsys):
    """The note is read by saferstats.read_flytipping, which raises KeyError 'region' for Defra's
    columns without Region: the command reads such a file as a plain CSV, as before."""
    p = tmp_path / "interim.csv"
    p.write_text("Year,ONS Code,LA Name,Total Incidents\n" + "".join(
        f"{y}-{(y + 1) % 100:02d},E1,Hartlepool,{10 + y - 2012}\n" for y in range(2012, 2016)))
    assert main(["trend", str(p), "--count", "Total Incidents", "--population", "none", "--period", "Year",
                 "--by", "LA Name"]) == 0
    assert "Hartlepool" in capsys.readouterr().out


def test_error_after_missing_drop_names_the_right_line(shared_data, capsys):
    path = shared_data / DEFRA / "interim.csv"
    # the England total of 2015-16 (941,895.77) is line 1008; four ':' rows above it were left out
    assert main(["trend", str(path), *INTERIM, "--by", "LA Name", "Region", "--keep-totals"]) == 2
    err = next(line for line in capsys.readouterr().err.splitlines() if line.startswith("saferstats: error:"))
    assert "on line 1008 of interim.csv: 941895.766955149" in err
