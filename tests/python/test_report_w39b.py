"""Session 25 (w39b): one rule for Student t or the normal in every trend the report fits.

``saferstats trend`` and the report's comparison with England take R's ``summary.glm`` rule
(``trend.t_where_quasi``): Student t on the residual df where a fit is quasi-Poisson, the normal
where it is Poisson. The rest of the report fitted every trend with ``use_t=True``: on Defra's
clinical waste fly-tipping East Suffolk's own trend (2019/20 to 2021/22, Poisson) had t limits on
1 df in the report (-98.0% to +12,119% a year) and the normal's from the command (-20.6% to +205.1%).
The references are statsmodels' GLMs fitted here on Defra's counts as read from the workbook:
Poisson with normal limits, and quasi-Poisson (scale = Pearson chi2 / df) with t limits.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.__main__ import main
from saferstats.io import read_once

FOLDER = "fly_tipping/defra_la_2012-13_to_2021-22"
EAST_SUFFOLK, IPSWICH, MID_SUFFOLK = "E07000244", "E07000202", "E07000203"


@pytest.fixture(scope="module")
def fly(shared_data):
    """Defra's workbook as read_flytipping reads it, through read_once: the report and the command of
    this file's fixtures take that read too, so the workbook is read once for the file (was 3 times)."""
    book = shared_path(shared_data, f"{FOLDER}/Flytipping.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_once(ss.read_flytipping, book)


@pytest.fixture(scope="module")
def report(shared_data):
    """The report's fly-tipping section for Suffolk on clinical waste (a Defra column of small counts)."""
    from saferstats.report.sections import _flytipping

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping({"confidence": 0.95, "disclosure_threshold": 5, "area": "Suffolk"},
                        {"file": str(shared_path(shared_data, f"{FOLDER}/Flytipping.xlsx")), "count": "clinical_incidents"})
    return s


def _command(out, index: str, *args: str) -> pd.DataFrame:
    """``saferstats trend ARGS --out OUT`` (its warnings not this file's point), the table it wrote."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["trend", *args, "--out", str(out)]) == 0
    return pd.read_csv(out, keep_default_na=False).set_index(index)


@pytest.fixture(scope="module")
def cli(shared_data, tmp_path_factory):
    """``saferstats trend`` on the workbook as published, clinical waste, each council (no --compare-with)."""
    book = shared_path(shared_data, f"{FOLDER}/Flytipping.xlsx")
    return _command(tmp_path_factory.mktemp("w39b") / "trend.csv", "la_code", str(book), "--count",
                    "clinical_incidents", "--population", "none", "--by", "la_code", "--missing", "drop")


def _statsmodels_apc(counts: np.ndarray, years: np.ndarray, quasi: bool) -> list[float]:
    """statsmodels, live: Poisson GLM of the counts on the year (limits from the normal) or the
    quasi-Poisson fit (scale = Pearson chi2 / df, limits from t on the residual df): APC and limits."""
    sm = pytest.importorskip("statsmodels.api")
    x = sm.add_constant(years.astype(float))
    m = sm.GLM(counts.astype(float), x, family=sm.families.Poisson())
    f = m.fit(scale="X2", use_t=True) if quasi else m.fit()
    if quasi:
        assert f.scale == pytest.approx(f.pearson_chi2 / f.df_resid, rel=1e-12) and f.scale > 1.5
    else:
        assert f.pearson_chi2 / f.df_resid <= 1.5  # Poisson in dispersion="auto"'s test
    lo, hi = f.conf_int(alpha=0.05)[1]
    return [100 * (np.exp(v) - 1) for v in (f.params[1], lo, hi)]


def _council(fly: pd.DataFrame, code: str, since: str = "") -> tuple[np.ndarray, np.ndarray]:
    g = fly[(fly["la_code"] == code) & fly["clinical_incidents"].notna() & (fly["period"] >= since)].sort_values("period")
    return g["clinical_incidents"].to_numpy(float), g["period"].str[:4].astype(int).to_numpy()


def _table(report, name: str) -> pd.DataFrame:
    return next(t for t in report.tables if t.name == name).frame.set_index("la_name")


# --------------------------------------------------------------------------- 1. the report's trend tables
def test_a_poisson_councils_trend_has_normal_limits_as_the_command(fly, report, cli):
    """East Suffolk, 2019/20 to 2021/22 (3, 4, 7 incidents; Poisson): the normal's limits in the
    report's trend table, as ``saferstats trend`` and statsmodels' Poisson GLM give them."""
    ref = _statsmodels_apc(*_council(fly, EAST_SUFFOLK), quasi=False)
    row = _table(report, "flytipping_trend").loc["East Suffolk"]
    cli_row = cli.loc[EAST_SUFFOLK]
    assert row["method"] == "poisson" and cli_row["intervals"] == "z"
    cli_vals = [float(cli_row[c]) for c in ("apc", "apc_lower", "apc_upper")]
    assert cli_vals == pytest.approx(ref, rel=1e-6)
    assert [row[c] for c in ("apc", "apc_lower", "apc_upper")] == pytest.approx(ref, abs=0.006)  # (rounded to 2)
    # before: Student t on 1 df, -98.02% to +12,118.86% a year
    assert [round(v, 1) for v in ref[1:]] == [-20.6, 205.1]


def test_a_quasi_poisson_councils_trend_keeps_student_t(fly, report, cli):
    """Ipswich, 2012/13 to 2021/22 (quasi-Poisson, dispersion 1.76): Student t on 8 df, as before,
    equal to statsmodels' quasi-Poisson fit with t and to the command's row."""
    ref = _statsmodels_apc(*_council(fly, IPSWICH), quasi=True)
    row = _table(report, "flytipping_trend").loc["Ipswich"]
    cli_row = cli.loc[IPSWICH]
    assert row["method"].startswith("quasi-poisson") and cli_row["intervals"] == "t (df=8)"
    assert [float(cli_row[c]) for c in ("apc", "apc_lower", "apc_upper")] == pytest.approx(ref, rel=1e-6)
    assert [row[c] for c in ("apc", "apc_lower", "apc_upper")] == pytest.approx(ref, abs=0.006)


def test_every_row_of_the_trend_table_is_the_commands(report, cli, fly):
    """Each council's row (Babergh, Waveney Poisson; Ipswich, Mid Suffolk quasi) as ``saferstats trend``."""
    t = _table(report, "flytipping_trend")
    code = fly.drop_duplicates("la_name").set_index("la_name")["la_code"]
    fitted = t[t["apc"].notna()]
    assert len(fitted) == 5
    for name, row in fitted.iterrows():
        c = cli.loc[code[name]]
        assert [row[k] for k in ("apc", "apc_lower", "apc_upper")] == pytest.approx(
            [float(c[k]) for k in ("apc", "apc_lower", "apc_upper")], abs=0.006), name
        assert (c["intervals"] == "z") == (row["method"] == "poisson"), name


def test_the_trend_since_a_step_takes_the_same_rule(fly, report):
    """``_since_steps``: Mid Suffolk from 2016/17 (Poisson) takes the normal, Ipswich from 2018/19
    (quasi-Poisson) Student t on 2 df; each as statsmodels."""
    t = _table(report, "flytipping_trend_since_step")
    for name, code, since, quasi in (("Mid Suffolk", MID_SUFFOLK, "2016/17", False), ("Ipswich", IPSWICH, "2018/19", True)):
        row = t.loc[name]
        assert row["period_from"] == since and row["method"].startswith("quasi") == quasi
        ref = _statsmodels_apc(*_council(fly, code, since), quasi=quasi)
        assert [row[c] for c in ("apc_lower", "apc_upper")] == pytest.approx(ref[1:], abs=0.006), name


def test_the_section_says_the_rule(report):
    assert ("intervals from Student's t on the residual degrees of freedom where a fit is quasi-Poisson, since its "
            "dispersion is estimated from a council's few years, and from the normal where it is Poisson, as R's "
            "summary.glm and saferstats trend") in report.intro
    assert "as R's summary.glm, since a council's series is a few years" not in report.intro  # the old words


def test_the_methods_appendix_says_the_rule():
    from saferstats.report import render

    text = " ".join(render._methods_appendix({"confidence": 0.95, "disclosure_threshold": 5}))
    assert ("intervals and significance from Student's t on the residual degrees of freedom (years − 2) where the fit "
            "is quasi-Poisson, and from the normal where it is Poisson, as R's summary.glm") in text


# --------------------------------------------------------------------------- the hate crime section
def _national_with_a_poisson_strand() -> pd.DataFrame:
    """The Home Office series by strand (bundled) with one strand of small counts added (CONSTRUCTED
    for this test: 11 ... 20 offences, no over-dispersion), so the table has a Poisson row."""
    nat = ss.datasets.hate_crime_national()
    nat = nat[nat.strand != "Total offences"]
    years = sorted(nat["year"].astype(str).unique())
    small = pd.DataFrame({"strand": "Small", "year": years, "count": [11, 12, 14, 13, 15, 17, 16, 20][:len(years)]})
    out = pd.concat([nat[["strand", "year", "count"]], small], ignore_index=True)
    return out


def _demo_hate_crime(**national: pd.DataFrame):
    """The demo assessment's hate crime section (bundled data; without its monthly chart and forces),
    its ``national`` table replaced where given."""
    from saferstats.report.config import demo_config
    from saferstats.report.sections import _hate_crime

    cfg = demo_config()
    sec = {k: v for k, v in cfg["hate_crime"].items() if k not in ("monthly", "forces")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _hate_crime(cfg, {**sec, **national})


def test_the_hate_crime_trends_take_the_rule():
    """The hate crime section's national table and its figure's legend: the strands (quasi-Poisson)
    keep Student t on 6 df, the Poisson strand takes the normal; each as statsmodels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from saferstats.report.sections import _trend, _trend_lines

    nat = _national_with_a_poisson_strand()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tr = _trend(nat, population=None, period="year", by="strand", confidence=0.95).set_index("strand")
    x = nat["year"].astype(str).str[:4].astype(int)
    for strand, quasi in (("Small", False), ("Race", True), ("Transgender", True)):
        g = nat[nat.strand == strand]
        ref = _statsmodels_apc(g["count"].to_numpy(float), x[g.index].to_numpy(), quasi=quasi)
        assert tr.loc[strand, "method"].startswith("quasi") == quasi
        assert [tr.loc[strand, c] for c in ("apc", "apc_lower", "apc_upper")] == pytest.approx(ref, rel=1e-6), strand
    # the figure's legend gives the table's limits
    fig, ax = plt.subplots()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ss.plot_trend(nat, population=None, period="year", by="strand", ax=ax, fit=False)
            assert _trend_lines(ax, nat, 0.95)
        labels = [str(h.get_label()) for h in ax.get_legend().legend_handles]
    finally:
        plt.close(fig)
    r = tr.loc["Small"]
    assert f"Small trend {r['apc']:+.1f}%/yr ({r['apc_lower']:+.1f} to {r['apc_upper']:+.1f})" in labels


def test_the_hate_crime_section_table_and_the_command_agree(tmp_path):
    """``saferstats trend`` on the same table (a CSV of strand, year, count) and the report's
    ``hate_crime_national_trend``: the same limits, the command's intervals column saying which."""
    nat = _national_with_a_poisson_strand()
    path = tmp_path / "strands.csv"
    nat.to_csv(path, index=False)
    cli = _command(tmp_path / "trend.csv", "strand", str(path), "--count", "count", "--population", "none",
                   "--period", "year", "--by", "strand")
    s = _demo_hate_crime(national=nat)
    table = next(t for t in s.tables if t.name == "hate_crime_national_trend")
    assert "quasi-Poisson where over-dispersed; intervals from Student's t on the residual degrees of freedom where " \
           "quasi-Poisson, from the normal where Poisson, as R's summary.glm" in table.caption
    tab = table.frame.set_index("strand")
    assert cli.loc["Small", "intervals"] == "z" and cli.loc["Race", "intervals"] == "t (df=6)"
    for strand in tab.index:
        assert [tab.loc[strand, c] for c in ("apc", "apc_lower", "apc_upper")] == pytest.approx(
            [cli.loc[strand, c] for c in ("apc", "apc_lower", "apc_upper")], abs=0.006), strand


def test_the_command_on_the_published_strand_table_is_the_reports(tmp_path):
    """``saferstats trend`` on the Home Office strand table as published (bundled; 2011/12 offences
    'N/A', --missing drop) and the report's demo hate crime section: every strand quasi-Poisson,
    Student t on 6 df in both, the same limits."""
    cli = _command(tmp_path / "trend.csv", "strand", str(ss.datasets.hate_crime_strands_path()), "--missing", "drop")
    s = _demo_hate_crime()
    tab = next(t for t in s.tables if t.name == "hate_crime_national_trend").frame
    assert len(tab) == 5
    for _, r in tab.iterrows():
        c = cli.loc[str(r["strand"]).lower().replace(" ", "_")]
        assert c["intervals"] == "t (df=6)" and r["method"].startswith("quasi")
        assert [r[k] for k in ("apc", "apc_lower", "apc_upper")] == pytest.approx(
            [c[k] for k in ("apc", "apc_lower", "apc_upper")], abs=0.006), r["strand"]


# --------------------------------------------------------------------------- 3. the reader's docstring
def test_mid_year_reader_names_every_function_that_warns_of_a_calendar_year():
    doc = " ".join(ss.read_mid_year_population.__doc__.split())
    assert (":func:`saferstats.add_rates`, :func:`saferstats.year_on_year`, :func:`saferstats.poisson_trend` and "
            ":func:`saferstats.compare_trends`") in doc
