"""Trends after session 21's season check and totals (w30b).

3. ``plot_trend`` on monthly counts whose month-of-year pattern is material says so on the figure
   (a legend note with the APC with month-of-year terms, and the title), not only in a warning.
4. ``datasets.hate_crime_national()`` names its ``Total offences`` in ``.attrs["totals"]`` as
   ``read_hate_crime`` names the published table's totals, so that ``compare_trends`` and
   ``shares`` treat it as they treat ``offences``.
5. A recording-change warning with ``by='la_name'`` names each council once.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import saferstats
from saferstats import datasets
from warning_capture import warning_messages


# --------------------------------------------------------------------------- 3. the season on the figure
def test_plot_trend_monthly_counts_say_the_season_on_the_figure():
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    m = datasets.hate_crime_monthly()
    ax, _ = warning_messages(saferstats.plot_trend, m, count="offences", population=None, period="month")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "trend +12.1%/yr (+10.0 to +14.2)"
    note = " ".join(legend[1].split("\n"))
    assert note == ("season: the month-of-year pattern is material (F = 16.5 on 11 and 59 df, p < 0.001) and the "
                    "dashed trend has no term for it; with one the trend is +12.9%/yr (+11.8 to +14.1, 95% "
                    "quasi-Poisson), χ²/df 21.1 against 74.3")
    assert ax.get_title().endswith("; dashed: log-linear trend; season: see legend")
    # the figures are the library's season check
    res, _ = warning_messages(saferstats.poisson_trend, m, count="offences", population=None, period="month")
    check = res.attrs["season"][0]
    assert check["apc_seasonal"] == pytest.approx(12.9257, abs=1e-3) and check["material"]
    assert len(ax.get_lines()) == 2  # the note is in the legend, not a line on the axes


def test_plot_trend_season_by_group_and_annual_unchanged():
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    m = datasets.hate_crime_monthly()
    two = pd.concat([m.assign(force="A"), m.assign(force="B", offences=m["offences"] // 2)], ignore_index=True)
    ax, _ = warning_messages(saferstats.plot_trend, two, count="offences", population=None, period="month", by="force")
    notes = [" ".join(t.get_text().split("\n")) for t in ax.get_legend().get_texts() if t.get_text().startswith("season")]
    assert [n.split(":")[1].strip() for n in notes] == ["A", "B"]
    assert all("month-of-year pattern is material" in n for n in notes)
    nat = datasets.hate_crime_national().query("strand == 'Race'")
    ax, _ = warning_messages(saferstats.plot_trend, nat, population=None, period="year")
    assert not any(t.get_text().startswith("season") for t in ax.get_legend().get_texts())
    assert "season" not in ax.get_title()


# --------------------------------------------------------------------------- 4. the packaged series' total
def test_hate_crime_national_names_its_total_as_the_reader_does():
    nat = datasets.hate_crime_national()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = saferstats.read_hate_crime(datasets.hate_crime_strands_path())
    # the reader names the totals the table has among its strands; the packaged series has one
    assert table.attrs["totals"] == ["motivating_factors", "offences"]
    assert nat.attrs["totals"] == ["Total offences"]
    assert set(nat.attrs["totals"]) <= set(nat["strand"])


def test_compare_trends_against_the_total_same_as_the_published_table():
    nat = datasets.hate_crime_national()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = saferstats.read_hate_crime(datasets.hate_crime_strands_path())
    # against the total: race (76% of offences) is taken to be inside it, as with the published table
    _, said_nat = warning_messages(saferstats.compare_trends, nat, comparator="Total offences", by="strand",
                            count="count", population=None, period="year")
    _, said_tab = warning_messages(saferstats.compare_trends, table, comparator="offences", by="strand",
                            population=None, missing="drop")
    inside = [m for m in said_nat if "a fifth or more of the comparator's" in m]
    assert len(inside) == 1 and inside[0].startswith("compare_trends: the counts of 'Race' are a fifth or more of "
                                                     "the comparator's (Total offences)")
    assert any(m.startswith("compare_trends: the counts of 'race' are a fifth or more") for m in said_tab)
    # against a strand: the total is left out, named as the table's total
    res, said = warning_messages(saferstats.compare_trends, nat, comparator="Race", by="strand", count="count",
                          population=None, period="year")
    assert sorted(res["strand"]) == ["Disability", "Religion", "Sexual orientation", "Transgender"]
    assert any(m.startswith("compare_trends: the table's totals ('Total offences'; .attrs['totals']) are left out")
               for m in said)


def test_shares_name_the_total_on_both():
    nat = datasets.hate_crime_national().query("year == '2018/19'")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = saferstats.read_hate_crime(datasets.hate_crime_strands_path()).query("period == '2018/19'")
    _, said_nat = warning_messages(saferstats.shares, nat, category="strand")
    _, said_tab = warning_messages(saferstats.shares, table, category="strand")
    assert any("'Total offences'" in m and "total" in m for m in said_nat)
    assert any("'offences'" in m and "total" in m for m in said_tab)
    # left out as the attribute says, the shares are of the strands alone (race 70% of motivating factors)
    s = saferstats.shares(nat[~nat["strand"].isin(nat.attrs["totals"])], category="strand").set_index("strand")
    assert s.loc["Race", "share"] == pytest.approx(100 * 78991 / s.loc["Race", "total"])
    assert s.loc["Race", "share"] == pytest.approx(70.13, abs=0.01)


# --------------------------------------------------------------------------- 5. each council once
def _basis_change() -> pd.DataFrame:
    return pd.DataFrame({
        "la_code": ["E07000027"] * 5 + ["E07000001"] * 5,
        "la_name": ["Barrow-in-Furness"] * 5 + ["Adur"] * 5,
        "period": ["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"] * 2,
        "incidents": [300, 320, 310, 900, 950, 50, 55, 60, 58, 62],
        "reporting_basis": [None, None, "Customer/public reported only", "All incidents", "All incidents",
                            None, None, "All incidents", "All incidents", "All incidents"],
    })


def test_recording_change_by_name_names_each_once():
    _, said = warning_messages(saferstats.poisson_trend, _basis_change(), count="incidents", population=None,
                        by="la_name", dispersion="quasi")
    rec = [m for m in said if "change in how the count is recorded" in m]
    assert len(rec) == 1
    assert "Barrow-in-Furness (Barrow-in-Furness)" not in rec[0]
    assert ("1 group's trend runs across a change in how the count is recorded, so the change in counting would "
            "be read as a rise or fall: Barrow-in-Furness: 2019/20 to 2020/21, reporting basis 'Customer/public "
            "reported only' to 'All incidents'.") in rec[0]
    # by code, the council's name beside its code, as before
    _, said = warning_messages(saferstats.poisson_trend, _basis_change(), count="incidents", population=None,
                        by="la_code", dispersion="quasi")
    assert any("E07000027 (Barrow-in-Furness): 2019/20 to 2020/21" in m for m in said)


def test_short_group_labels_are_the_error_s():
    from saferstats.trend import short_group_labels

    d = pd.DataFrame({"la_code": ["E1"] * 3 + ["E2", "E3", "E3"], "la_name": ["A"] * 3 + ["B", "C", "C"],
                      "period": ["2019/20", "2020/21", "2021/22", "2021/22", "2020/21", "2021/22"],
                      "count": [5, 6, 7, 8, 9, 10]})
    labels = short_group_labels(d, [("E2", 1), ("E3", 2)], by=["la_code"], period="period")
    assert labels == ["'E2' (B): 1 period", "'E3' (C): 2 periods"]
    with pytest.raises(saferstats.InvalidInputError) as err:
        saferstats.poisson_trend(d, population=None, by="la_code")
    assert "; ".join(labels) in str(err.value)


# --------------------------------------------------------------------------- 6. whose figure is missing
def test_compare_with_the_total_names_the_missing_figure_as_the_comparator_s():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = saferstats.read_hate_crime(datasets.hate_crime_strands_path())
    res, said = warning_messages(saferstats.compare_trends, table, comparator="offences", by="strand", population=None,
                          missing="drop")
    left = [m for m in said if "left out of both trends" in m]
    assert len(left) == 1
    # 'race' 2011/12 is left out because the total (offences) was not published that year, not race
    assert "('race' 2011/12: missing in the comparator, offences)" in left[0]
    assert "('race' 2011/12: the comparator)" not in left[0]
    assert {r["missing_in"] for r in res.attrs["excluded_rows"]} == {"comparator"}


# --------------------------------------------------------------------------- 6. by code, the council beside it
def _gappy() -> pd.DataFrame:
    return pd.DataFrame({
        "la_code": ["E06000018"] * 5 + ["E07000001"] * 5,
        "la_name": ["Nottingham"] * 5 + ["Adur"] * 5,
        "period": ["2012/13", "2013/14", "2015/16", "2016/17", "2017/18"] + ["2012/13", "2013/14", "2014/15",
                                                                             "2015/16", "2016/17"],
        "incidents": [float("nan"), 120, 130, 150, 160, 50, 55, 60, 58, 62],
    })


def test_by_code_missing_rows_and_gaps_name_the_council():
    _, said = warning_messages(saferstats.poisson_trend, _gappy(), count="incidents", population=None, by="la_code",
                        missing="drop", dispersion="quasi")
    left = [m for m in said if "with a missing count or population left out" in m]
    assert left == ["poisson_trend: 1 row with a missing count or population left out: row 0 (E06000018 "
                    "(Nottingham), 2012/13); their groups' trends use the periods they have"]
    gaps = [m for m in said if "periods missing inside their series" in m]
    assert len(gaps) == 1 and "— 'E06000018' (Nottingham; before 2015/16);" in gaps[0]
    # by name, as before: the name once
    _, said = warning_messages(saferstats.poisson_trend, _gappy(), count="incidents", population=None, by="la_name",
                        missing="drop", dispersion="quasi")
    assert any("row 0 (Nottingham, 2012/13)" in m for m in said)
    assert any("— 'Nottingham' (before 2015/16);" in m for m in said)
