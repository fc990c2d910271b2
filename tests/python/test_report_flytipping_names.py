"""The fly-tipping section follows an authority by its ONS code, not its name, and leaves out of
the trend an authority with too few years (walk-through 2: a Merseyside report stopped with "group
'St Helens' has 1 period(s)", because Defra spells it "St. Helens" until 2020/21; Thames Valley
stopped on Buckinghamshire, formed in 2020)."""

import pandas as pd

from saferstats.report.sections import _flytipping

YEARS = ["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]


def _table():
    rows = []
    for i, y in enumerate(YEARS):
        rows.append(("St. Helens" if y != "2021/22" else "St Helens", "E08000013", y, 1800 + 40 * i))
        rows.append(("Liverpool", "E08000012", y, 9000 + 100 * i))
        rows.append(("Knowsley", "E08000011", y, 1200 - 10 * i))
    rows.append(("Buckinghamshire", "E06000060", "2020/21", 3000))
    rows.append(("Buckinghamshire", "E06000060", "2021/22", 3140))
    return pd.DataFrame(rows, columns=["la_name", "la_code", "year", "incidents"])


def _section(area):
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": area}
    sec = {"data": _table(), "area": "la_name", "code": "la_code", "period": "year", "count": "incidents"}
    return _flytipping(cfg, sec)


def test_a_respelt_authority_is_one_series_under_its_ons_name():
    # one series, under the ONS name the report's other tables use (session 21, w30a: "St. Helens",
    # not Defra's latest "St Helens", on the same page as the stop-and-search table's "St. Helens")
    s = _section("Merseyside")
    trend = next(t.frame for t in s.tables if t.name == "flytipping_trend")
    assert "St Helens" not in set(trend.la_name)
    row = trend[trend.la_name == "St. Helens"]
    assert len(row) == 1 and int(row.n_periods.iloc[0]) == 5
    assert "'St. Helens' (E08000013; in the file also 'St Helens')" in s.intro


def test_an_authority_with_fewer_than_three_years_is_named_not_fatal():
    s = _section("")
    trend = next(t.frame for t in s.tables if t.name == "flytipping_trend")
    assert "Buckinghamshire" not in set(trend.la_name)
    assert "Buckinghamshire (2 years)" in s.intro
    rates = next(t.frame for t in s.tables if t.name == "flytipping_rates")
    assert "Buckinghamshire" in set(rates.la_name)  # still in the latest year's rates and funnel


def test_an_area_with_no_authority_in_the_table_says_so():
    s = _section("Cumbria")  # neither its authorities nor the districts merged into them in 2023 are in this table
    assert ("None of Cumbria's local authorities (Allerdale, Barrow-in-Furness, Carlisle, Copeland, Cumberland, Eden, "
            "South Lakeland and 'Westmorland and Furness') has a row") in s.intro


def test_a_recording_change_is_named_and_not_reported_as_a_trend():
    """Walk-through 2: a South-East report's key finding was "Fly-tipping in Reigate and Banstead
    rose by an average of 79% a year": Defra's table has 524 incidents in 2019/20 and 10,530 in
    2020/21, a change in what the council records. The section names it and gives no trend for it;
    an authority counting only public reports in the latest year is named too."""
    import warnings

    from conftest import SHARED_DATA, defra_flytipping_read

    import saferstats as ss
    from saferstats.report.summary import _flytipping as finding

    data = defra_flytipping_read(SHARED_DATA)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Surrey"}
        s = _flytipping(cfg, {"data": data, "area": "la_name", "code": "la_code", "period": "period",
                              "count": "incidents"})
    trend = next(t.frame for t in s.tables if t.name == "flytipping_trend")
    assert "Reigate and Banstead" not in set(trend.la_name) and "Guildford" in set(trend.la_name)
    assert "Reigate and Banstead (2020/21: 524 to 10,530)" in s.intro
    rates = next(t.frame for t in s.tables if t.name == "flytipping_rates")
    assert "Reigate and Banstead" in set(rates.la_name)       # its latest rate is still shown
    # no trend is reported for it; since session 12 the finding says it has none (its counting changed)
    said = [line for line in finding(s, cfg) if "Reigate" in line]
    assert said and all("no annual % change for" in line and "whose counting changed" in line for line in said)
    assert not any("Reigate and Banstead rose" in line or "trends in Reigate" in line for line in said)
    # Surrey authorities not counting all incidents in 2021/22, as published
    basis = data[(data.period == "2021/22") & data.la_name.isin(set(rates.la_name))
                 & data.reporting_basis.notna() & (data.reporting_basis != "All incidents")]
    for name in basis.la_name:
        assert f"{name} (" in s.intro.split("did not count all incidents")[1]


def test_rows_without_a_code_keep_their_own_names():
    t = _table()
    t["population"] = 100_000.0
    t.loc[t.la_name.isin(["Knowsley", "Liverpool"]), "la_code"] = None  # two authorities without a code
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": ""}
    sec = {"data": t, "area": "la_name", "code": "la_code", "period": "year", "count": "incidents",
           "population": "population"}
    s = _flytipping(cfg, sec)
    trend = next(x.frame for x in s.tables if x.name == "flytipping_trend")
    assert {"Knowsley", "Liverpool", "St. Helens"} <= set(trend.la_name)


def test_gaps_in_the_files_population_column_are_years_not_authorities():
    t = _table()
    t["population"] = [None if y < "2019/20" else 150_000.0 for y in t.year]   # as Defra's own column
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": ""}
    sec = {"data": t, "area": "la_name", "code": "la_code", "period": "year", "count": "incidents",
           "population": "population"}
    s = _flytipping(cfg, sec)
    assert "codes not in Census 2021" not in s.intro
    assert "6 authority-years with no figure in the file's 'population' column left out (2017/18, 2018/19)" in s.intro


def test_trend_caption_says_when_the_population_is_one_for_every_year():
    """Walk-through 2: the trend table said "per resident" while every year used the same Census 2021
    population: the model's offset is constant, so the trend is the change in the count."""
    t = _table()
    t["population"] = 100_000.0                       # one population for every year
    sec = {"data": t, "area": "la_name", "code": "la_code", "period": "year", "count": "incidents",
           "population": "population"}
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": ""}
    cap = next(x.caption for x in _flytipping(cfg, sec).tables if x.name == "flytipping_trend")
    assert "one population for every year, so this is the change in the count" in cap
    t["population"] = [100_000.0 + 1_000 * int(y[:4]) for y in t.year]   # a population per year
    cap = next(x.caption for x in _flytipping(cfg, {**sec, "data": t}).tables if x.name == "flytipping_trend")
    assert cap == "Annual % change in fly-tipping incidents per resident"
