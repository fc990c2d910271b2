"""Session 26 (w40c): trends say t or z; one "auto" rule.

1. ``compare_trends(use_t="auto")``: R's ``summary.glm`` rule per comparison (``trend.t_where_quasi``,
   as the report and ``saferstats trend --compare-with`` take it): Student t on the
   Welch-Satterthwaite df where either fit is quasi-Poisson, the normal where both are Poisson, with
   an ``intervals`` column. Reference: statsmodels' GLMs fitted here on each series (quasi-Poisson:
   ``fit(scale="X2")``; Poisson: ``fit()``), the ratio's limits formed from their slopes and SEs.
2. The recipe ``compare_trends`` gives for Defra's England total row (``trend._others_code``) used
   ``use_t=True`` for every row: on clinical waste fly-tipping East Suffolk's comparison (2019/20 to
   2021/22, both fits Poisson) gave 0.03 to 100.5 where the report and the command give 0.84 to 3.25.
   It now takes ``use_t="auto"``: the report's row, which is statsmodels' (test_trend_w38c).
3. The report's trend tables (and their CSVs) carry an ``intervals`` column: ``"t (df=k)"`` or ``"z"``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import saferstats as ss
from saferstats.exceptions import InvalidInputError
import test_report_w39b as w39b
from test_report_w39b import EAST_SUFFOLK, _demo_hate_crime, _national_with_a_poisson_strand, _table
from test_trend_w38c import WINDOW, _others_by_hand

# Defra's workbook, and the report's fly-tipping section for Suffolk on clinical waste (w39b's fixtures)
fly, report = w39b.fly, w39b.report

BABERGH = "E07000200"


# --------------------------------------------------------------------------- 1. compare_trends(use_t="auto")
def _series(counts: list[int], name: str) -> pd.DataFrame:
    return pd.DataFrame({"area": name, "year": np.arange(2012, 2012 + len(counts)), "count": counts,
                         "population": 250_000})


def _slope(sm, counts: np.ndarray, quasi: bool):
    t = np.arange(len(counts), dtype=float)
    glm = sm.GLM(counts.astype(float), sm.add_constant(t), family=sm.families.Poisson(),
                 offset=np.log(np.full(len(counts), 250_000.0)))
    plain = glm.fit(tol=1e-12)
    assert (plain.pearson_chi2 / plain.df_resid > 1.5) == quasi  # dispersion="auto"'s test
    f = glm.fit(scale="X2", tol=1e-12) if quasi else plain
    return f.params[1], f.bse[1], f.df_resid


def test_compare_trends_auto_is_rs_rule_per_comparison_against_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    comp = [400, 412, 430, 441, 452, 470, 481, 495]     # Poisson (chi2/df below 1.5)
    calm = [100, 104, 107, 113, 115, 121, 125, 128]     # Poisson: both fits Poisson, the normal
    wild = [100, 140, 95, 160, 120, 190, 130, 210]      # over-dispersed: quasi-Poisson, t
    data = pd.concat([_series(comp, "Region"), _series(calm, "Calm"), _series(wild, "Wild")], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ss.compare_trends(data, comparator="Region", by="area", count="count", population="population",
                                period="year", dispersion="auto", use_t="auto").set_index("area")
    b_c, se_c, df_c = _slope(sm, np.array(comp), quasi=False)
    for name, counts, quasi in (("Calm", calm, False), ("Wild", wild, True)):
        b_a, se_a, df_a = _slope(sm, np.array(counts), quasi=quasi)
        d, se = b_a - b_c, float(np.hypot(se_a, se_c))
        if quasi:  # Welch-Satterthwaite df of the two fits' residual df
            df = se ** 4 / (se_a ** 4 / df_a + se_c ** 4 / df_c)
            q, p = stats.t.ppf(0.975, df), 2 * stats.t.sf(abs(d / se), df)
        else:
            df, q, p = np.inf, stats.norm.ppf(0.975), 2 * stats.norm.sf(abs(d / se))
        r = out.loc[name]
        assert [r["ratio"], r["ratio_lower"], r["ratio_upper"], r["p_value"]] == pytest.approx(
            [np.exp(d), np.exp(d - q * se), np.exp(d + q * se), p], rel=1e-6), name
        assert r["df"] == pytest.approx(df, rel=1e-9) if quasi else r["df"] == np.inf
        assert r["intervals"] == (f"t (df={round(df, 2):g})" if quasi else "z"), name
    assert list(out.columns).index("intervals") == list(out.columns).index("p_value") + 1
    assert out.attrs["use_t"] == "auto"
    # True and False are as they were: t (or z) for every row, no intervals column
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = ss.compare_trends(data, comparator="Region", by="area", population="population", period="year",
                              dispersion="auto", use_t=True).set_index("area")
    assert "intervals" not in t.columns and t.loc["Calm", "df"] < np.inf and t.attrs["use_t"] is True
    assert t.loc["Wild", "ratio_lower"] == out.loc["Wild", "ratio_lower"]


def test_use_t_auto_is_named_in_the_error():
    with pytest.raises(InvalidInputError, match="True, False or 'auto'") as e:
        ss.compare_trends(_series([1, 2, 3], "A"), comparator="A", by="area", use_t="t")
    assert e.value.argument == "use_t"


# --------------------------------------------------------------------------- 2. the recipe for England
def test_the_recipe_for_england_gives_the_reports_poisson_row(fly, report):
    """The recipe of compare_trends' error for comparator='England', run as written on the workbook
    (clinical waste): East Suffolk's row, both fits Poisson, is the report's (the normal), the limits
    statsmodels' Poisson GLMs give (test_trend_w38c); with use_t=True it was 0.027 to 100.5."""
    sm = pytest.importorskip("statsmodels.api")
    with pytest.raises(InvalidInputError) as err:
        ss.compare_trends(fly, comparator="England", by="la_code", count="clinical_incidents", population=None)
    recipe = str(err.value).split("`")[-2]
    assert "dispersion='auto', use_t='auto')" in recipe
    env = {"data": fly}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(recipe, env)  # noqa: S102
    got = env["out"].set_index("_compared")
    row, mine = got.loc[EAST_SUFFOLK], _table(report, "flytipping_trend_england").loc["East Suffolk"]
    # statsmodels, live: Poisson GLMs of East Suffolk's counts and of the other councils' summed counts
    own = fly[(fly["la_code"] == EAST_SUFFOLK) & fly["period"].isin(WINDOW)].sort_values("period")
    comp = _others_by_hand(fly)
    x = sm.add_constant(np.arange(3.0))
    fa = sm.GLM(own["clinical_incidents"].to_numpy(float), x, family=sm.families.Poisson()).fit()
    fb = sm.GLM(comp["clinical_incidents"].to_numpy(float), x, family=sm.families.Poisson()).fit()
    b, se, z = fa.params[1] - fb.params[1], float(np.hypot(fa.bse[1], fb.bse[1])), stats.norm.ppf(0.975)
    ref = [np.exp(b), np.exp(b - z * se), np.exp(b + z * se), 2 * stats.norm.sf(abs(b / se))]
    recipe_row = [row[c] for c in ("ratio", "ratio_lower", "ratio_upper", "p_value")]
    assert recipe_row == pytest.approx(ref, rel=1e-6)
    assert recipe_row == pytest.approx([mine[c] for c in ("ratio_england", "ratio_england_lower",
                                                          "ratio_england_upper", "p_value")], rel=1e-9)
    assert [round(v, 3) for v in recipe_row[1:]] == [0.838, 3.252, 0.147]  # use_t=True: 0.027, 100.5, 0.38
    assert row["intervals"] == mine["intervals"] == "z" and row["df"] == np.inf
    # a comparison with a quasi-Poisson side keeps Student t in both (Babergh: England's others quasi-Poisson)
    assert got.loc[BABERGH, "intervals"] == _table(report, "flytipping_trend_england").loc["Babergh", "intervals"] \
        == "t (df=8.64)"


# --------------------------------------------------------------------------- 3. the report's tables say it
def test_the_reports_trend_tables_say_t_or_z(report, tmp_path):
    """Each trend table of the fly-tipping section (Suffolk, clinical waste) has the intervals column,
    the page shows it where the rows differ and the CSV writes it."""
    from saferstats.report.render import write_csv
    from saferstats.report.sections import csv_rounded
    from saferstats.report.tables import display_table

    trend = _table(report, "flytipping_trend")
    assert trend.loc["East Suffolk", "intervals"] == "z" and trend.loc["East Suffolk", "method"] == "poisson"
    assert trend.loc["Ipswich", "intervals"] == "t (df=8)" and trend.loc["Ipswich", "method"].startswith("quasi")
    fitted = trend["method"].astype(str) != "not estimable"
    assert set(trend.loc[fitted, "intervals"]) <= {"z"} | {f"t (df={k})" for k in range(1, 9)}
    assert trend.loc[~fitted, "intervals"].isna().all()  # no estimate, no interval (a blank in the CSV)
    since = _table(report, "flytipping_trend_since_step")
    assert since.loc["Mid Suffolk", "intervals"] in ("z", "t (df=4)")
    assert (since.loc["Mid Suffolk", "intervals"] == "z") == (since.loc["Mid Suffolk", "method"] == "poisson")
    england = _table(report, "flytipping_trend_england")
    assert england.loc["East Suffolk", "intervals"] == "z"
    for name in ("flytipping_trend", "flytipping_trend_since_step", "flytipping_trend_england"):
        t = next(t for t in report.tables if t.name == name)
        page = display_table(t.frame, t.caption)
        path = write_csv(csv_rounded(t.frame), tmp_path / f"{name}.csv")
        written = pd.read_csv(path, keep_default_na=False)
        assert written["intervals"].tolist() == t.frame["intervals"].fillna("").tolist(), name
        if t.frame["intervals"].nunique() > 1:
            assert "Intervals" in page.headers, name
        else:
            assert f"Intervals: {t.frame['intervals'].iloc[0]}." in page.caption, name


def test_the_hate_crime_table_says_t_or_z():
    """hate_crime_national_trend: the quasi-Poisson strands t on 6 df, a Poisson strand z."""
    s = _demo_hate_crime(national=_national_with_a_poisson_strand())
    tab = next(t for t in s.tables if t.name == "hate_crime_national_trend").frame.set_index("strand")
    assert tab.loc["Small", "intervals"] == "z" and tab.loc["Small", "method"] == "poisson"
    assert tab.loc["Race", "intervals"] == "t (df=6)" and tab.loc["Race", "method"].startswith("quasi")
    s = _demo_hate_crime()  # the strands as published: every one quasi-Poisson, said once in the caption
    t = next(t for t in s.tables if t.name == "hate_crime_national_trend")
    assert set(t.frame["intervals"]) == {"t (df=6)"}
    from saferstats.report.tables import display_table

    assert "Intervals: t (df=6)." in display_table(t.frame, t.caption).caption
