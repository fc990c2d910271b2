"""Monitoring (session 32, w53d): the SPC season check across gaps, the report's season sentence
of several series, the City of London on a funnel of numpy denominators, and plurals.

References: the Home Office monthly racially or religiously aggravated offences (the package's
CSV) read with pandas, its gap-free runs found with pandas' ``PeriodIndex`` and the season's
correlation written out here with scipy's ``linregress`` and pandas' ``DataFrame.corr`` (not the
library's code); counts of zeros and missing rows counted in the inline frames."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import saferstats
from saferstats.report.sections import _season_words

matplotlib.use("Agg")

HO_MONTHLY = Path(saferstats.__file__).parent / "data" / "ho_racially_religiously_aggravated_monthly_2013-04_2019-03.csv"
# Hertfordshire anti-social behaviour by month, police.uk 2021-01 to 2022-01 (session 31's figures)
HERTS_ASB = [1583, 1624, 2158, 2382, 2516, 2735, 2918, 2377, 2347, 2157, 1801, 1558, 1702]


def _said(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [" ".join(str(w.message).split()) for w in rec]


@pytest.fixture(scope="module")
def ho() -> pd.DataFrame:
    return pd.read_csv(HO_MONTHLY)


def _runs(months: pd.Series) -> list[tuple[int, int]]:
    """Positions (first, last) of the runs of consecutive months, by pandas' PeriodIndex."""
    p = pd.PeriodIndex(months, freq="M")
    steps = pd.Series(p.asi8).diff().fillna(1).to_numpy()
    run_id = np.cumsum(steps != 1)
    return [(int(np.flatnonzero(run_id == k)[0]), int(np.flatnonzero(run_id == k)[-1])) for k in np.unique(run_id)]


def _season_reference(y: np.ndarray, first_month: str) -> tuple[float, str, str]:
    """Mean correlation of consecutive years' month profiles after a least-squares line, the
    months of the highest and lowest mean profile (scipy and pandas)."""
    years = len(y) // 12
    y = np.asarray(y[:12 * years], dtype=float)
    fit = stats.linregress(np.arange(len(y)), y)
    resid = y - (fit.intercept + fit.slope * np.arange(len(y)))
    table = pd.DataFrame(resid.reshape(years, 12).T)  # a column per year
    table = table - table.mean()
    corr = table.corr()
    r = float(np.mean([corr.iloc[k, k + 1] for k in range(years - 1)]))
    names = pd.period_range(first_month, periods=12, freq="M").strftime("%b")
    profile = table.mean(axis=1)
    return r, names[int(profile.idxmax())], names[int(profile.idxmin())]


def test_a_removed_month_checks_the_season_on_the_longest_run_without_a_gap(ho):
    """Before: a monthly series with a gap and 24 months or more got only the gap warning: the
    Home Office's 72 months less 2016-03 had no season check at all (``.attrs["season"]``
    empty). Now the check is made on the longest run without a gap, 2016-04 to 2019-03 (36
    months: the 35 before the gap are fewer), and ``checked`` names the months compared."""
    gap = ho[ho["month"] != "2016-03"].reset_index(drop=True)
    runs = _runs(gap["month"])
    assert [(gap["month"][a], gap["month"][b], b - a + 1) for a, b in runs] == \
        [("2013-04", "2016-02", 35), ("2016-04", "2019-03", 36)]
    a, b = runs[1]
    r, hi, lo = _season_reference(gap["offences"].to_numpy()[a:b + 1], "2016-04")
    assert r > 0.5
    out, said = _said(saferstats.spc, gap["offences"], periods=gap["month"], improvement="decrease")
    assert any("periods are missing" in m for m in said)  # the gap's own warning, as before
    season = [m for m in said if "seasonal pattern" in m]
    assert len(season) == 1
    assert (f"3 years from 2016-04, in the longest run of months without a gap, 2016-04 to 2019-03: mean "
            f"correlation of the years' month profiles {r:.2f}; highest in {hi}, lowest in {lo}") in season[0]
    rec = out.attrs["season"]
    assert list(rec.columns) == ["months", "profile_correlation", "highest", "lowest", "checked"]
    assert rec["profile_correlation"].iloc[0] == pytest.approx(r, abs=1e-9)
    assert (rec["highest"].iloc[0], rec["lowest"].iloc[0], rec["checked"].iloc[0]) == (hi, lo, "2016-04 to 2019-03")
    assert rec["months"].iloc[0] == 36  # the months compared, 2016-04 to 2019-03 (was 72, the span charted)


def test_no_24_months_without_a_gap_says_the_season_could_not_be_checked(ho):
    """Before: the same series less 2015-03, 2017-03 and 2019-01 (no run of 24 months) had only the
    gap warning, which said nothing of the season its special causes can be. Now the season
    warning says it could not be checked, naming the longest run (23 months, 2015-04 to 2017-02,
    the latest of two, found here with pandas), and the report's sentence says why."""
    gap = ho[~ho["month"].isin(["2015-03", "2017-03", "2019-01"])].reset_index(drop=True)
    runs = _runs(gap["month"])
    longest = max(b - a + 1 for a, b in runs)
    a, b = [(a, b) for a, b in runs if b - a + 1 == longest][-1]  # of equal runs, the latest
    assert [b - a + 1 for a, b in runs] == [23, 23, 21, 2]
    assert (longest, gap["month"][a], gap["month"][b]) == (23, "2015-04", "2017-02")
    out, said = _said(saferstats.spc, gap["offences"], periods=gap["month"], improvement="decrease")
    assert (out["special_cause"] != "common cause").any()
    season = [m for m in said if "seasonal pattern" in m]
    assert len(season) == 1
    assert ("72 months (2013-04 to 2019-03) with 3 gaps and no 24 months without one (the longest run: 23 months, "
            "2015-04 to 2017-02), so the season could not be checked") in season[0]
    rec = out.attrs["season"]
    assert rec["profile_correlation"].isna().all() and rec["checked"].isna().all()
    words = _season_words(rec)
    assert "With a gap in the months and no 24 months in a row without one, the chart cannot show" in words
    assert "With 72 months" not in words


def test_the_report_sentence_speaks_of_each_series_with_a_season(ho):
    """Before: ``_season_words`` read only the first row of ``.attrs["season"]``: of two series
    with a season (hate crime, 72 months rising and falling alike each year; Hertfordshire ASB,
    13 months) it spoke of the first alone, and without its name. Now each series has its
    sentence, by name; and a season of the second series alone is said of it, not of "the chart"."""
    r, hi, lo = _season_reference(ho["offences"].to_numpy(), "2013-04")
    asb_months = pd.period_range("2021-01", periods=len(HERTS_ASB), freq="M").strftime("%Y-%m")
    both = pd.DataFrame({
        "series": ["hate crime"] * len(ho) + ["ASB"] * len(HERTS_ASB),
        "month": list(ho["month"]) + list(asb_months),
        "count": list(ho["offences"]) + HERTS_ASB,
    })
    out, _ = _said(saferstats.spc, both["count"], periods=both["month"], by=both["series"])
    rec = out.attrs["season"]
    assert sorted(rec["series"]) == ["ASB", "hate crime"]
    words = " ".join(_season_words(rec).split())
    assert (f"The months of hate crime rise and fall alike from year to year (highest in {hi}, lowest in {lo})"
            in words)
    assert f"With {len(HERTS_ASB)} months the chart of ASB cannot show whether these signals are the time of year" in words
    only_asb = rec[rec["series"] == "ASB"]
    words = " ".join(_season_words(only_asb).split())
    assert words.startswith("With 13 months the chart of ASB cannot show") and "hate crime" not in words


@pytest.fixture(scope="module")
def forces() -> pd.DataFrame:
    df = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").reset_index(drop=True)
    city = df["force"] == "London, City of"
    assert df.loc[city, "offences"].tolist() == [141] and df.loc[city, "population"].isna().all()
    # the City's Census 2021 usual residents (the Home Office table has none), as session 31 (w52a)
    return df.assign(population=df["population"].astype("float").where(~city, 8588.0))


def test_plot_funnel_with_labels_and_numpy_denominators_names_the_city_of_london(forces):
    """Before: ``plot_funnel(offences, population, labels=force)`` with numpy arrays gave no word
    on the City of London (its name was in ``labels=``, but the denominators had no name to say
    they were residents). Now an unnamed denominator of a rate funnel is taken as residents and
    the City is named as with a Series named ``population``: 141 offences over 8,588 residents,
    1,641.8 per 100,000 (141 / 8,588 × 100,000 = 1,641.83)."""
    assert round(141 / 8588 * 100_000, 1) == 1641.8
    o, d = forces["offences"].to_numpy(float), forces["population"].to_numpy(float)
    ax, said = _said(saferstats.plot_funnel, o, d, labels=forces["force"].tolist(), kind="rate")
    city = [m for m in said if "London, City of" in m and "poor denominator" in m]
    assert len(city) == 1 and "141 over 8,588 residents" in city[0]
    assert ax.saferstats_non_resident_areas == ["London, City of"]
    # without names nothing can be checked (documented), and a proportion's denominators are not residents
    ax, said = _said(saferstats.plot_funnel, o, d, kind="rate")
    assert ax.saferstats_non_resident_areas == [] and not any("poor denominator" in m for m in said)
    doc = " ".join(saferstats.plot_funnel.__doc__.split())
    assert "The check needs the areas' names: numpy arrays without ``labels=`` or ``data=`` are not checked" in doc


def test_counts_of_points_rows_segments_and_areas_are_said_in_words():
    """Before: "1 point(s) with a count of 0 ... are taken", "1 segment(s) have", "1 row(s)".
    Now ``number_of``: "1 point with a count of 0 ... is taken" and "2 points ... are" (the report's
    regex reads ``points?``), "1 segment has", "1 row", "2 rows" (the zeros and the missing rows
    counted in the inline lists)."""
    pops = [1e5, 2e5, 3e5, 1.5e5, 2.5e5, 4e5]
    for counts, n, verb in (([0, 400, 90, 300, 30, 900], 1, "is"), ([0, 400, 0, 300, 30, 900], 2, "are")):
        assert sum(c == 0 for c in counts) == n
        _, said = _said(saferstats.funnel_overdispersion, counts, pops, kind="rate")
        zero = [m for m in said if "with a count of 0" in m]
        noun = "point" if n == 1 else "points"
        assert len(zero) == 1 and zero[0].startswith(f"funnel_overdispersion: {n} {noun} with a count of 0")
        assert f") {verb} taken as 0.5 on the log scale" in zero[0] and "(s)" not in zero[0]
    y = [5, 7, 6, 8, 5, 6, 30, 31, 29, 33, 30, 32, 31, 30, 29, 33, 30, 31, 32]
    _, said = _said(saferstats.spc, y, rebase={13: "new system"})
    segment = [m for m in said if "fewer points than" in m]
    assert len(segment) == 1 and "1 segment has fewer points than" in segment[0] and "(s)" not in segment[0]
    data = pd.DataFrame({"area": ["A", "B", "C"], "year": ["2019", "2019", "2019"], "count": [10.0, np.nan, 12.0],
                         "population": [1000.0, 1000.0, 1100.0]})
    assert int(data["count"].isna().sum()) == 1
    _, said = _said(saferstats.plot_trend, data, count="count", population="population", period="year", by="area",
                    missing="drop")
    missing = [m for m in said if m.startswith("plot_trend: ")]
    assert missing and missing[0].startswith("plot_trend: 1 row with a missing count or population left out")
