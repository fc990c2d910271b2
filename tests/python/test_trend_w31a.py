"""Trends, session 22 (w31a).

1. ``poisson_trend``'s season check fits every eligible series in ONE call of the core
   (``season_checks_many`` with one offsets array), with the results of one call per series.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import trend


def _monthly(groups: dict[str, tuple[float, float, int]], seed: int = 3) -> pd.DataFrame:
    """Monthly counts per group: (level, seasonal amplitude, months)."""
    rng = np.random.default_rng(seed)
    rows = []
    for g, (level, amp, n) in groups.items():
        for i in range(n):
            month = pd.Period("2016-01", "M") + i
            mu = level * np.exp(0.01 * i + amp * np.sin(2 * np.pi * (month.month - 1) / 12))
            rows.append({"area": g, "period": str(month), "count": float(rng.poisson(mu))})
    return pd.DataFrame(rows)


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


# --------------------------------------------------------------------------- 1. one call of the core
def test_season_checks_run_in_one_core_call_with_the_single_series_results(monkeypatch):
    d = _monthly({"A": (80, 0.4, 36), "B": (40, 0.0, 30), "C": (120, 0.3, 48), "D": (60, 0.2, 18),
                  "E": (30, 0.5, 24)})
    single = {g: _quiet(saferstats.poisson_trend, d[d.area == g], population=None).attrs["season"][0]
              for g in "ABCDE"}
    calls = []
    real = trend._ext.season_checks_many

    def spy(y, pop, t, offsets, **kw):
        calls.append(list(offsets))
        return real(y, pop, t, offsets, **kw)

    monkeypatch.setattr(trend._ext, "season_checks_many", spy)
    got = _quiet(saferstats.poisson_trend, d, population=None, by="area").attrs["season"]
    assert calls == [[0, 36, 66, 114, 138]]  # A, B, C, E (D: 18 months, too short to check)
    assert [c["area"] for c in got] == ["A", "B", "C", "D", "E"]
    assert got[3]["note"] == "fewer than two years (18 months)" and "f" not in got[3]
    for c in got:
        one = single[c["area"]]
        assert set(one) == set(c) - {"area"}
        for k, v in one.items():
            if isinstance(v, float):
                assert c[k] == pytest.approx(v, rel=1e-10, abs=1e-12), (c["area"], k)
            else:
                assert c[k] == v, (c["area"], k)
    assert got[0]["material"] and got[0]["f_df"] == (11, 23)


# --------------------------------------------------------------------------- 2. compare_trends and the season
def test_compare_trends_carries_each_sides_season_check():
    d = _monthly({"Force": (300, 0.1, 36), "A": (80, 0.4, 36), "B": (40, 0.0, 36)})
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        c = saferstats.compare_trends(d, by="area", comparator="Force", population=None)
    said = [str(x.message) for x in w]
    got = c.attrs["season"]
    assert [(r["area"], r["series"]) for r in got] == [("A", "area"), ("B", "area"), ("A", "comparator"),
                                                        ("B", "comparator")]
    # each side's check is poisson_trend's check of that series over the same months
    own = _quiet(saferstats.poisson_trend, d[d.area == "A"], population=None).attrs["season"][0]
    force = _quiet(saferstats.poisson_trend, d[d.area == "Force"], population=None).attrs["season"][0]
    assert got[0]["apc_seasonal"] == pytest.approx(own["apc_seasonal"]) and got[0]["material"]
    assert got[2]["apc_seasonal"] == pytest.approx(force["apc_seasonal"]) and got[2]["material"]
    assert not got[1]["material"] and got[1]["p_value"] == pytest.approx(0.3165, abs=1e-4)
    assert any(m.startswith("compare_trends: the counts are monthly") for m in said)
    assert any(m.startswith("compare_trends (the comparator, Force") and "month-of-year" in m for m in said)
    # yearly periods: no check
    nat = saferstats.datasets.hate_crime_national()
    two = nat[nat.strand.isin(["Race", "Disability"])]
    y = _quiet(saferstats.compare_trends, two, by="strand", comparator="Race", population=None, period="year")
    assert y.attrs["season"] == []


def test_cli_trend_compare_with_has_the_season_column(tmp_path, capsys):
    from saferstats.__main__ import main

    src, out = tmp_path / "m.csv", tmp_path / "o.csv"
    _monthly({"Force": (300, 0.1, 36), "A": (80, 0.4, 36), "B": (40, 0.0, 36)}).to_csv(src, index=False)
    assert main(["trend", str(src), "--by", "area", "--compare-with", "Force", "--population", "none",
                 "--out", str(out)]) == 0
    got = pd.read_csv(out)
    cols = list(got.columns)
    assert cols.index("season") == cols.index("note") + 1
    a, b = got.set_index("area")["season"][["A", "B"]]
    assert a.startswith("area: month-of-year terms material (F = 52.9 on 11 and 23 df, p < 0.001): the APC with "
                        "them is 12.03 (7.59 to 16.64, quasi-Poisson); the area's APC in this row has none; "
                        "comparator: month-of-year terms material (F = 7.1 on 11 and 23 df, p < 0.001)")
    assert b.startswith("area: month-of-year terms not material (F = 1.2 on 11 and 23 df, p = 0.317); comparator: ")


# --------------------------------------------------------------------------- 3. one line for what is compared
TABLE2 = "hate_crime/home_office_by_force_2017-18_2018-19/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"


def test_cli_strand_table_compare_with_race_says_what_is_compared_once(shared_data, capsys, tmp_path):
    from conftest import shared_path
    from saferstats.__main__ import main

    out = tmp_path / "c.csv"
    # without --missing drop: the totals (offences has no 2011/12 figure) are left out before the check
    assert main(["trend", str(shared_path(shared_data, TABLE2)), "--compare-with", "race", "--out", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [x for x in err if "left out" in x] == [
        "Read the Home Office hate crime series by strand (2011/12 to 2018/19; counts, no population): each "
        "other strand's annual % change compared with that of 'race' (the totals, offences and "
        "motivating_factors, are left out: race's counts are in them, so they are no strand beside it; "
        "--compare-with offences sets each strand against the total), over the periods both have: the ratio "
        "against 'race' > 1, rising faster (or falling slower); < 1, slower"]
    assert not [x for x in err if x.startswith("Each strand")]
    assert len([x for x in err if "the source footnotes" in x]) == 1
    assert sorted(pd.read_csv(out)["strand"]) == ["disability", "religion", "sexual_orientation", "transgender"]


# --------------------------------------------------------------------------- 4. the CLI names groups as the library
def test_cli_partial_groups_are_named_as_the_library_names_them(tmp_path, capsys):
    from saferstats.__main__ import main

    p = tmp_path / "abolished.csv"
    councils = {("E06000028", "Bournemouth"): range(2015, 2019),  # abolished in 2019
                ("E06000058", "Bournemouth, Christchurch and Poole"): range(2019, 2022),  # created in 2019
                ("E07000223", "Adur"): range(2015, 2022)}
    pd.DataFrame([{"la_code": c, "la_name": n, "period": y, "count": 20 + y - 2015}
                  for (c, n), years in councils.items() for y in years]).to_csv(p, index=False)
    assert main(["trend", str(p), "--by", "la_code", "--population", "none", "--out", str(tmp_path / "t.csv")]) == 0
    err = capsys.readouterr().err
    want = saferstats.short_group_labels(pd.read_csv(p), [("E06000028", "2015 to 2018"),
                                                          ("E06000058", "2019 to 2021")], by="la_code")
    assert want == ["'E06000028' (Bournemouth): 2015 to 2018",
                    "'E06000058' (Bournemouth, Christchurch and Poole): 2019 to 2021"]
    assert "2 la_code groups are in only part of 2015 to 2021" in err
    assert "; ".join(want) in err
    assert "'E06000028' Bournemouth" not in err  # the command's own style, before


# --------------------------------------------------------------------------- 5. short_group_labels is public
def test_short_group_labels_is_public_and_documented():
    assert "short_group_labels" in trend.__all__ and "short_group_labels" in saferstats.__all__
    assert saferstats.short_group_labels is trend.short_group_labels
    d = pd.DataFrame({"force": ["Kent", "Kent", "Essex"], "period": ["2017/18", "2018/19", "2018/19"]})
    assert saferstats.short_group_labels(d, [("Essex", 1), ("Kent", 2)], by="force") == ["'Essex' (1)", "'Kent' (2)"]


# --------------------------------------------------------------------------- 6. year_on_year, a year apart
def test_year_on_year_season_length_compares_the_same_month_a_year_earlier():
    m = saferstats.datasets.hate_crime_monthly()  # Home Office Figure 2, April 2013 to March 2019
    got = saferstats.year_on_year(m, count="offences", population=None, period="month", season_length=12)
    assert len(got) == 72 - 12 and got["consecutive"].all()
    assert [str(p) for p in got["period_from"][:2]] == ["2013-04", "2013-05"]
    assert [str(p) for p in got["period_to"][:2]] == ["2014-04", "2014-05"]
    # by hand: each month's count against the count 12 rows earlier, by percent_change on the same counts
    c = m["offences"].to_numpy(dtype=float)
    want = saferstats.percent_change(c[12:], np.ones(60), c[:-12], np.ones(60))
    np.testing.assert_allclose(got["count_from"], c[:-12])
    np.testing.assert_allclose(got["count_to"], c[12:])
    for a, b in (("ratio", "ratio"), ("lower", "lower"), ("upper", "upper"), ("pct_change", "percent_change"),
                 ("pct_lower", "percent_change_lower"), ("pct_upper", "percent_change_upper"),
                 ("p_value", "p_value")):
        np.testing.assert_allclose(got[a].to_numpy(float), want[b].to_numpy(float), rtol=1e-12)
    assert got["pct_change"].iloc[0] == pytest.approx(100 * (2563 / 2391 - 1))  # April 2014 on April 2013
    # month on month (the default) still warns that the season reads as change; a year apart does not
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        saferstats.year_on_year(m, count="offences", population=None, period="month", season_length=12)
        assert not [x for x in w if "month with the month before" in str(x.message)]
        saferstats.year_on_year(m, count="offences", population=None, period="month")
        assert [x for x in w if "month with the month before" in str(x.message)]


def test_year_on_year_season_length_by_group_gaps_and_spacing():
    d = pd.DataFrame({"area": ["A"] * 8 + ["B"] * 5,
                      "period": [f"2020-{k:02d}" for k in (1, 2, 3, 4)] + [f"2021-{k:02d}" for k in (1, 2, 3, 4)]
                      + ["2020-01", "2020-02", "2020-03", "2020-04", "2021-02"],
                      "count": [10, 11, 12, 13, 20, 22, 24, 26, 5, 6, 7, 8, 12]})
    # by group: A's four months of 2021 against theirs of 2020, B's 2021-02 against 2020-02 (the months
    # between, absent, are no comparison's)
    got = saferstats.year_on_year(d, population=None, by="area", season_length=12)
    assert list(zip(got["area"], got["period_from"], got["period_to"])) == [
        ("A", "2020-01", "2021-01"), ("A", "2020-02", "2021-02"), ("A", "2020-03", "2021-03"),
        ("A", "2020-04", "2021-04"), ("B", "2020-02", "2021-02")]
    assert got["pct_change"].tolist() == pytest.approx([100.0, 100.0, 100.0, 100.0, 100.0])
    full = pd.DataFrame({"area": "A", "period": [str(pd.Period("2020-01", "M") + i) for i in range(15)],
                         "count": np.arange(15) + 10.0})
    got = saferstats.year_on_year(full, population=None, by="area", season_length=12)
    assert got["period_to"].tolist() == ["2021-01", "2021-02", "2021-03"]
    assert got["pct_change"].tolist() == pytest.approx([100 * (22 / 10 - 1), 100 * (23 / 11 - 1),
                                                        100 * (24 / 12 - 1)])
    gap = full.drop(index=13)  # 2021-02 absent: 2021-03's year-earlier month is there; 2021-02 has no row
    assert saferstats.year_on_year(gap, population=None, season_length=12)["period_to"].tolist() == ["2021-01",
                                                                                                     "2021-03"]
    hole = full.drop(index=1)  # 2020-02 absent: 2021-02 has nothing a year earlier
    with pytest.raises(saferstats.InvalidInputError, match=r"period '2021-02' has no period 12 steps earlier"):
        saferstats.year_on_year(hole, population=None, season_length=12)
    # months 5 apart are not the same month of an earlier year
    with pytest.raises(saferstats.InvalidInputError, match="season_length=5") as err:
        saferstats.year_on_year(full, population=None, season_length=5)
    assert err.value.argument == "season_length"
