"""Session 26 (w41d): one t-or-z rule and one label for it across the library, ``saferstats
trend``, the report and the plots.

1. ``saferstats trend`` calls ``use_t="auto"`` (R's ``summary.glm`` rule per row) and labels its
   ``intervals`` column as the library and report do ("t (df=8)", "t (df=8.64)", "z"), where it
   said "Student t, 8 df", "Student t, ratio on 8.64 df", "normal (z)"; its numbers are unchanged
   (Defra fly-tipping, Home Office hate crime strands; statsmodels live).
2. ``plot_trend(use_t=...)`` is typed and documented to take "auto"; a bad value is refused by name.
3. ``its_poisson(use_t="auto")``: t when the fit is quasi-Poisson, the normal when Poisson
   (statsmodels live).
4. The few-df warnings of ``poisson_trend`` / ``compare_trends`` recommend ``use_t='auto'``.
"""
from __future__ import annotations

import typing
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.__main__ import main
from saferstats.io import read_once

FOLDER = "fly_tipping/defra_la_2012-13_to_2021-22"
EAST_SUFFOLK, IPSWICH, BABERGH = "E07000244", "E07000202", "E07000200"
STRANDS = "hate_crime/home_office_by_force_2017-18_2018-19/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"
CLINICAL = ["--count", "clinical_incidents", "--population", "none", "--by", "la_code", "--missing", "drop"]


def _command(out, *args: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["trend", *args, "--out", str(out)]) == 0
    return pd.read_csv(out, keep_default_na=False).set_index("la_code")


@pytest.fixture(scope="module")
def fly(shared_data):
    """Defra's workbook through read_flytipping (its warnings silenced), read once in the process as
    the command reads it (io.read_once: session 34, the command's runs below no longer read it again)."""
    path = shared_path(shared_data, f"{FOLDER}/Flytipping.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_once(ss.read_flytipping, path)


@pytest.fixture(scope="module")
def book(shared_data):
    return str(shared_path(shared_data, f"{FOLDER}/Flytipping.xlsx"))


@pytest.fixture(scope="module")
def cli_runs(book, tmp_path_factory):
    """``saferstats trend`` on clinical waste, each council: by default, --use-t and --use-z."""
    d = tmp_path_factory.mktemp("w41d")
    return {k: _command(d / f"{k}.csv", book, *CLINICAL, *flags)
            for k, flags in (("auto", []), ("t", ["--use-t"]), ("z", ["--use-z"]))}


def _sm_apc(counts: np.ndarray, years: np.ndarray, quasi: bool) -> tuple[list[float], float]:
    """statsmodels, live: APC and 95% limits of the Poisson GLM (normal) or quasi-Poisson (scale
    Pearson chi2/df, t on the residual df); and the p-value."""
    sm = pytest.importorskip("statsmodels.api")
    m = sm.GLM(counts.astype(float), sm.add_constant(years.astype(float)), family=sm.families.Poisson())
    f = m.fit(scale="X2", use_t=True) if quasi else m.fit()
    lo, hi = f.conf_int(alpha=0.05)[1]
    return [100 * np.expm1(v) for v in (f.params[1], lo, hi)], float(f.pvalues[1])


def _council(fly: pd.DataFrame, code: str) -> tuple[np.ndarray, np.ndarray]:
    g = fly[(fly["la_code"] == code) & fly["clinical_incidents"].notna()].sort_values("period")
    return g["clinical_incidents"].to_numpy(float), g["period"].str[:4].astype(int).to_numpy()


# --------------------------------------------------------------------------- 1. the command's labels
def test_the_command_labels_each_row_as_the_library(cli_runs, fly):
    """Defra clinical waste, each council: the command's ``intervals`` are ``poisson_trend(...,
    use_t="auto")``'s, row for row; before: "Student t, 8 df" / "normal (z)"."""
    cli = cli_runs["auto"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the command fits the groups with 3 or more periods (and gives the others a row with no trend)
        three = fly[fly.groupby("la_code")["clinical_incidents"].transform("count") >= 3]
        lib = ss.poisson_trend(three, count="clinical_incidents", population=None, by="la_code", missing="drop",
                               dispersion="auto", use_t="auto").set_index("la_code")
    assert len(cli) == 334 and len(lib) == 331
    assert set(cli.drop(lib.index)["intervals"]) == {""}
    assert cli.loc[lib.index, "intervals"].replace("", None).tolist() == lib["intervals"].tolist()
    assert set(cli["intervals"]) == {"", "z", "t (df=1)", "t (df=3)", "t (df=5)", "t (df=6)", "t (df=7)", "t (df=8)"}
    for c in ("apc", "apc_lower", "apc_upper", "p_value"):
        assert cli.loc[lib.index, c].replace("", np.nan).astype(float).tolist() == pytest.approx(
            lib[c].astype(float).tolist(), rel=1e-12, nan_ok=True), c


def test_the_commands_numbers_are_statsmodels(cli_runs, fly):
    """Ipswich (quasi-Poisson, t on 8 df) and East Suffolk (Poisson, the normal): the same numbers
    as before, each from statsmodels' fit of its kind."""
    cli = cli_runs["auto"]
    for code, quasi, label in ((IPSWICH, True, "t (df=8)"), (EAST_SUFFOLK, False, "z")):
        row = cli.loc[code]
        ref, p = _sm_apc(*_council(fly, code), quasi=quasi)
        assert row["intervals"] == label
        assert [float(row[c]) for c in ("apc", "apc_lower", "apc_upper")] == pytest.approx(ref, rel=1e-6)
        assert float(row["p_value"]) == pytest.approx(p, rel=1e-6)


def test_use_t_and_use_z_are_labelled_in_the_same_words(cli_runs, fly):
    t, z = cli_runs["t"], cli_runs["z"]
    east = t.loc[EAST_SUFFOLK]  # Poisson, t asked for: on its residual df (1)
    assert east["intervals"] == "t (df=1)" and z.loc[EAST_SUFFOLK]["intervals"] == "z"
    assert z.loc[IPSWICH]["intervals"] == "z" and t.loc[IPSWICH]["intervals"] == "t (df=8)"
    assert set(z["intervals"]) == {"", "z"}
    est = t["apc"] != ""
    assert (t.loc[est, "intervals"] == [f"t (df={int(d)})" for d in t.loc[est, "df_resid"]]).all()
    sm = pytest.importorskip("statsmodels.api")
    y, yr = _council(fly, EAST_SUFFOLK)
    f = sm.GLM(y, sm.add_constant(yr.astype(float)), family=sm.families.Poisson()).fit(use_t=True)
    assert float(east["p_value"]) == pytest.approx(float(f.pvalues[1]), rel=1e-6)


def test_the_comparison_with_england_is_labelled_as_compare_trends(book, fly, tmp_path):
    """--compare-with England: the Welch-Satterthwaite df to two decimals, as compare_trends and the
    report say it (Babergh "t (df=8.64)", was "Student t, ratio on 8.64 df"; East Suffolk "z"; Waveney
    "t (df=5.1)", was "Student t, ratio on 5.1 df")."""
    cli = _command(tmp_path / "c.csv", book, *CLINICAL, "--compare-with", "England")
    assert cli.loc[BABERGH, "intervals"] == "t (df=8.64)" and cli.loc[EAST_SUFFOLK, "intervals"] == "z"
    est = cli["ratio"] != ""
    dfs = cli.loc[est, "df"].astype(float)
    t_rows = np.isfinite(dfs)
    assert (cli.loc[est, "intervals"][t_rows] == [f"t (df={round(d, 2):g})" for d in dfs[t_rows]]).all()
    assert set(cli.loc[est, "intervals"][~t_rows]) == {"z"}
    # the report's comparison with England says the same words for the same rows
    from saferstats.report.sections import _flytipping

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping({"confidence": 0.95, "disclosure_threshold": 5, "area": "Suffolk"},
                        {"file": book, "count": "clinical_incidents"})
    rep = next(t for t in s.tables if t.name == "flytipping_trend_england").frame
    code = fly.drop_duplicates("la_name").set_index("la_name")["la_code"]
    # the councils the report fits over the command's periods (the others over the years since a step)
    same = [(code[r["la_name"]], r["intervals"]) for _, r in rep.iterrows()
            if (r["period_from"], int(r["n_periods"])) == (cli.loc[code[r["la_name"]], "first_period"],
                                                            int(cli.loc[code[r["la_name"]], "n_periods"]))]
    assert same == [(BABERGH, "t (df=8.64)"), (EAST_SUFFOLK, "z"), ("E07000206", "t (df=5.1)")]  # and Waveney
    assert all(cli.loc[k, "intervals"] == v for k, v in same)


def test_the_strand_comparison_is_labelled_as_compare_trends(shared_data, tmp_path):
    """The Home Office strand table against race (all quasi-Poisson): R's values (the fixture of
    test_cli_w25b) and compare_trends(use_t="auto")'s labels."""
    import json
    from pathlib import Path

    ref = next(r for r in json.loads((Path(__file__).parents[1] / "fixtures" / "trend_compare.json").read_text())["rows"]
               if r["name"] == "race_vs_disability")["quasi_t"]
    out = tmp_path / "s.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["trend", str(shared_data / STRANDS), "--compare-with", "race", "--missing", "drop",
                     "--out", str(out)]) == 0
    cli = pd.read_csv(out).set_index("strand")
    dis = cli.loc["disability"]
    assert dis["intervals"] == f"t (df={round(ref['df'], 2):g})" == "t (df=9.33)"
    assert [dis["ratio_lower"], dis["ratio_upper"], dis["p_value"]] == pytest.approx(
        [ref["ratio_lower"], ref["ratio_upper"], ref["p_value"]], rel=1e-6)
    assert set(cli["intervals"]) == {"t (df=9.47)", "t (df=9.33)", "t (df=10.93)", "t (df=12)"}


def test_use_z_advice_is_said_in_the_commands_terms(tmp_path, capsys):
    """The library's few-df warning recommends use_t='auto', the command's default: said as
    leaving out --use-z (not "--use-t auto", a flag the command does not have)."""
    p = tmp_path / "s.csv"
    p.write_text("area,period,count\nA,2016,100\nA,2017,190\nA,2018,120\nB,2016,100\nB,2017,104\nB,2018,110\n")
    assert main(["trend", str(p), "--population", "none", "--by", "area", "--use-z"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "leaving out --use-z gives them Student t on the residual df and the Poisson fits the normal" in err
    assert "--use-t auto" not in err and "use_t" not in err


# --------------------------------------------------------------------------- 2. plot_trend
def _two_areas() -> pd.DataFrame:
    """A over-dispersed (quasi-Poisson under auto), B not (Poisson), eight years each."""
    a = [100, 160, 95, 170, 120, 190, 130, 210]
    b = [100, 104, 108, 111, 118, 120, 127, 130]
    return pd.DataFrame({"area": ["A"] * 8 + ["B"] * 8, "period": [str(y) for y in range(2011, 2019)] * 2,
                         "count": a + b})


def test_plot_trend_types_and_takes_auto():
    import matplotlib

    matplotlib.use("Agg")
    from saferstats.plotting import plot_trend

    hint = typing.get_type_hints(plot_trend)["use_t"]
    assert "auto" in typing.get_args(typing.get_args(hint)[-1]) or "auto" in str(hint)  # before: bool
    data = _two_areas()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ax = plot_trend(data, population=None, by="area", use_t="auto")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    years = np.arange(2011, 2019)
    for area, quasi in (("A", True), ("B", False)):
        y = data.loc[data["area"] == area, "count"].to_numpy(float)
        ref, _ = _sm_apc(y, years, quasi=quasi)
        assert f"{area} trend {ref[0]:+.1f}%/yr ({ref[1]:+.1f} to {ref[2]:+.1f})" in labels, (area, labels)
    with pytest.raises(ss.InvalidInputError) as e:
        plot_trend(data, population=None, by="area", use_t="yes", fit=False)
    assert e.value.argument == "use_t" and "'auto'" in str(e.value)


# --------------------------------------------------------------------------- 3. its_poisson
ANNUAL = [52, 71, 48, 75, 60, 41, 55, 36, 47]
POP = [150_000 + 1000 * i for i in range(9)]


def _sm_its(y, pop, brk: int, quasi: bool, use_t: bool):
    sm = pytest.importorskip("statsmodels.api")
    t = np.arange(1, len(y) + 1, dtype=float)
    post = (np.arange(len(y)) >= brk).astype(float)
    since = np.maximum(0, t - (brk + 1)) * post
    x = np.column_stack([np.ones_like(t), t, post, since])
    m = sm.GLM(np.asarray(y, float), x, family=sm.families.Poisson(), offset=np.log(np.asarray(pop, float)))
    f = m.fit(scale="X2", use_t=use_t) if quasi else m.fit(use_t=use_t)
    ci = np.exp(f.conf_int(alpha=0.05))
    return [np.exp(f.params[2]), *ci[2]], float(f.pvalues[2])


@pytest.mark.parametrize("dispersion", ["quasi", "poisson"])
def test_its_poisson_auto_is_t_when_quasi_and_z_when_poisson(dispersion):
    quasi = dispersion == "quasi"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = ss.its_poisson(ANNUAL, break_index=5, population=POP, dispersion=dispersion, use_t="auto")  # before: error
    ref, p = _sm_its(ANNUAL, POP, 5, quasi=quasi, use_t=quasi)
    assert [r.level_rr, r.level_lower, r.level_upper] == pytest.approx(ref, rel=1e-6)
    assert r.level_p == pytest.approx(p, rel=1e-6)
    assert r.use_t is quasi and r.model.endswith(", t intervals on 5 df") is quasi
    # the other intervals would differ: the rule chose, not a coincidence
    other, _ = _sm_its(ANNUAL, POP, 5, quasi=quasi, use_t=not quasi)
    assert abs(other[1] - ref[1]) > 1e-3


def test_its_poisson_refuses_other_strings_by_name():
    with pytest.raises(ss.InvalidInputError) as e:
        ss.its_poisson(ANNUAL, break_index=5, population=POP, use_t="t")
    assert e.value.argument == "use_t"


def test_its_poisson_few_df_warning_recommends_auto():
    with pytest.warns(ss.SaferstatsWarning, match=r"use_t='auto' \(or use_t=True\) gives Student t on the residual df"):
        ss.its_poisson(ANNUAL, break_index=5, population=POP, dispersion="quasi")


# --------------------------------------------------------------------------- 4. the few-df warnings
def _said(fn, *args, **kw) -> list[str]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = fn(*args, **kw)
    return res, [str(m.message) for m in w]


def test_poisson_trends_few_df_warning_recommends_auto_and_auto_is_statsmodels():
    data = _two_areas()
    _, msgs = _said(ss.poisson_trend, data, population=None, by="area", dispersion="auto", use_t=False)
    few = [m for m in msgs if "are optimistic on few points" in m]
    assert len(few) == 1 and few[0].endswith(
        "use_t='auto' gives them Student t on the residual df and the Poisson fits the normal, R's summary.glm "
        "intervals (use_t=True: t for every fit)")  # before: "use_t=True gives Student t on the residual df, ..."
    res, msgs = _said(ss.poisson_trend, data, population=None, by="area", dispersion="auto", use_t="auto")
    assert not [m for m in msgs if "are optimistic on few points" in m]
    res = res.set_index("area")
    years = np.arange(2011, 2019)
    for area, quasi in (("A", True), ("B", False)):
        ref, p = _sm_apc(data.loc[data["area"] == area, "count"].to_numpy(float), years, quasi=quasi)
        assert [res.loc[area, c] for c in ("apc", "apc_lower", "apc_upper")] == pytest.approx(ref, rel=1e-6)
        assert res.loc[area, "p_value"] == pytest.approx(p, rel=1e-5)


def test_compare_trends_few_df_warning_recommends_auto():
    data = _two_areas()
    _, msgs = _said(ss.compare_trends, data, comparator="B", by="area", population=None, dispersion="quasi",
                    use_t=False)
    few = [m for m in msgs if "are optimistic on few points" in m]
    assert len(few) == 1 and few[0].endswith(
        "use_t='auto' gives those Student t (the ratio on the Welch-Satterthwaite df) and the comparisons of two "
        "Poisson fits the normal, R's summary.glm intervals (use_t=True: t for every comparison)")
    _, msgs = _said(ss.compare_trends, data, comparator="B", by="area", population=None, dispersion="quasi",
                    use_t="auto")
    assert not [m for m in msgs if "are optimistic on few points" in m]


def test_the_commands_help_says_the_labels(capsys):
    with pytest.raises(SystemExit):
        main(["trend", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "as the library and the report: 't (df=8)', 't (df=8.64)' or 'z'" in out
