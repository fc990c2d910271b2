"""Monthly rates are not twelfths of a year (w44b).

`disproportionality(by=[..., "month"], multiplier=12000)` read every month as a twelfth of a year,
so police.uk South Yorkshire's Feb 2020 rates (29 days) came out about 6.5% below a 31-day month's
from the calendar alone. `per_year=True` gives rates per year by person-time: searches /
(population x days / 365.25). Counts from the raw police.uk files with pandas; intervals against
scipy's exact Poisson (chi-square) limits.
"""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest
from scipy import stats

import saferstats
from conftest import shared_path

FORCES = ("derbyshire", "south-yorkshire")
DAYS = {"2019-12": 31, "2020-01": 31, "2020-02": 29}


@pytest.fixture(scope="module")
def folder(tmp_path_factory, shared_data):
    src = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02")
    dst = tmp_path_factory.mktemp("ss_w44b")
    for f in FORCES:
        for p in src.glob(f"*-{f}-stop-and-search.csv"):
            shutil.copy(p, dst / p.name)
    return dst


def _raw_white(folder) -> dict[tuple[str, str], int]:
    out = {}
    for p in folder.glob("*.csv"):
        month, force = p.name[:7], p.name[8:].removesuffix("-stop-and-search.csv")
        raw = pd.read_csv(p)
        keep = (raw["Type"] != "Vehicle search") & raw["Self-defined ethnicity"].fillna("").str.startswith("White - ")
        out[(force, month)] = int(keep.sum())
    return out


def _run(folder, **kw):
    recs = saferstats.read_stop_search(folder)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.disproportionality(recs, by=["force", "month"], census=2011, **kw)
    return out, [str(w.message) for w in caught]


def test_monthly_rates_per_year_by_days(folder):
    raw = _raw_white(folder)
    out, _ = _run(folder, per_year=True)
    twelfth, said = _run(folder, multiplier=12000)
    assert any("twelfth of a year" in m and "per_year=True" in m for m in said)
    white = out[out.group == "White"].set_index(["force", "month"])
    assert {k: int(v) for k, v in white["searches"].items()} == raw
    for (force, month), row in white.iterrows():
        years = row["population"] * DAYS[month] / 365.25  # person-years
        n = raw[(force, month)]
        assert row["rate"] == pytest.approx(n / years * 1000, rel=1e-12)
        lo, hi = stats.chi2.ppf(0.025, 2 * n) / 2, stats.chi2.ppf(0.975, 2 * n + 2) / 2
        assert row["rate_lower"] == pytest.approx(lo / years * 1000, rel=2e-3)
        assert row["rate_upper"] == pytest.approx(hi / years * 1000, rel=2e-3)
    # Feb 2020 read as a twelfth: 365.25 / 12 = 30.44 days, not 29 (4.7% too low)
    tw = twelfth[twelfth.group == "White"].set_index(["force", "month"])
    sy = ("south-yorkshire", "2020-02")
    assert white.loc[sy, "rate"] / tw.loc[sy, "rate"] == pytest.approx(365.25 / 12 / 29, rel=1e-12)
    assert white.loc[("south-yorkshire", "2020-01"), "rate"] / tw.loc[("south-yorkshire", "2020-01"), "rate"] == \
        pytest.approx(365.25 / 12 / 31, rel=1e-12)
    assert out.attrs["per_year"]["basis"].startswith("person-time")
    # ratios are unaffected
    pd.testing.assert_series_equal(out["ratio"], twelfth["ratio"])
    pd.testing.assert_series_equal(out["ratio_upper"], twelfth["ratio_upper"])


def test_whole_period_per_year_by_days(folder):
    raw = _raw_white(folder)
    recs = saferstats.read_stop_search(folder)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.disproportionality(recs, by="force", census=2011, per_year=True)
    assert not any("not per year" in str(w.message) for w in caught)
    w = out[(out.group == "White") & (out.force == "south-yorkshire")].iloc[0]
    n = sum(v for (f, _), v in raw.items() if f == "south-yorkshire")
    assert w["searches"] == n
    assert w["rate"] == pytest.approx(n / (w["population"] * 91 / 365.25) * 1000, rel=1e-12)


def test_per_year_refused_for_aggregate_tables():
    agg = pd.DataFrame({"ethnicity": ["Black", "White"], "searches": [1200, 5400]})
    with pytest.raises(saferstats.SaferstatsError, match="per_year"):
        saferstats.disproportionality(agg, {"Black": 48_000, "White": 1_080_000}, count="searches", per_year=True)


def test_plot_by_month_distinct_styles_and_census(tmp_path_factory, shared_data):
    """Twelve lines (three forces x four groups): ten colours alone gave Derbyshire / Black and South
    Yorkshire / Other the same orange; each line now has its own colour x marker, and the legend
    names the Census of the denominators (kept under a caller's title)."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    src = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02")
    dst = tmp_path_factory.mktemp("ss_w44b_plot")
    for f in (*FORCES, "durham"):
        for p in src.glob(f"*-{f}-stop-and-search.csv"):
            shutil.copy(p, dst / p.name)
    recs = saferstats.read_stop_search(dst)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = saferstats.disproportionality(recs, by=["force", "month"], census=2011)
    ax = saferstats.plot_disproportionality(d, period="month", title="mine")
    lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    assert len(lines) == 12
    styles = [(matplotlib.colors.to_hex(ln.get_color()), ln.get_marker()) for ln in lines]
    assert len(set(styles)) == 12
    by = {ln.get_label(): s for ln, s in zip(lines, styles)}
    assert by["Derbyshire / Black"] != by["South Yorkshire / Other"]
    assert ax.get_legend().get_title().get_text() == "Census 2011 denominators"
    assert ax.get_title() == "mine"
    matplotlib.pyplot.close("all")
