"""Session 31 (w52a): the City of London in funnels, and a reader's attrs carried stale by pandas.

Worked on the Home Office hate crime table by force and Defra's fly-tipping workbook in
../shared/data as published (PROVENANCE); the references are the files' own cells read with pandas
(or openpyxl) and hand sums, never saferstats' output.

- ``funnel_limits(data=)`` and ``plot_funnel`` put the City of London (8,588 Census 2021 residents,
  a daytime population of hundreds of thousands) in a funnel on its residents without a word, where
  ``add_rates`` and ``funnel_significance`` (w51e) warn. Now one ``SaferstatsWarning`` in the same
  words, and ``.attrs["non_resident_areas"]`` (``ax.saferstats_non_resident_areas`` for the plot).
- ``read_hate_crime``'s ``attrs["summary"]`` (``rows: 86``) and ``attrs["coverage"]`` ("43 forces ...
  2017/18: 90,835, 2018/19: 99,821") were carried by pandas through a filter and
  ``groupby().sum()`` into ``add_rates``' and ``shares``' results, describing another table. Now they
  are said again of the rows passed (``rows``, ``rows_read``; the subset's forces and sums), or
  marked as said of the table the rows were made from.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import defra_flytipping_read, defra_la_incidents, shared_path

HATE = "hate_crime/home_office_by_force_2017-18_2018-19"


@pytest.fixture
def by_force(shared_data: Path) -> Path:
    return shared_path(shared_data, f"{HATE}/Hate crime.csv")


def _raw(by_force: Path) -> pd.DataFrame:
    """The file as published, read with pandas (the City of London's population is '#N/A')."""
    raw = pd.read_csv(by_force, thousands=",", na_values=["#N/A"])
    raw["Force"] = raw["Force"].str.strip()
    return raw


def _poor(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SaferstatsWarning)
            and "poor denominator" in str(w.message)]


def _with_census(by_force: Path) -> pd.DataFrame:
    """The table by force with Census 2021 residents joined on the force code, as read_hate_crime's
    docstring shows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hc = saferstats.read_hate_crime(by_force)
        pop = saferstats.census_population("force").groupby(["force_code", "census"], as_index=False)["population"].sum()
    return hc.drop(columns="population").merge(pop, on="force_code", how="left", validate="many_to_one")


# --- 2. the City of London in funnel_limits and plot_funnel ---


def test_funnel_limits_names_the_city_of_london(by_force: Path) -> None:
    """Before: limits on the City's 8,588 residents, no warning and no attrs key. Reference: the raw
    file's City of London row of 2018-19 (141 offences) read with pandas."""
    raw = _raw(by_force)
    city = raw[(raw["Force"] == "London, City of") & (raw["Year"] == "2018-19")].iloc[0]
    assert int(city["Total number of offences"]) == 141
    y = _with_census(by_force).query("period == '2018/19'").reset_index(drop=True)
    residents = float(y.loc[y.force_code == "E23000034", "population"].iloc[0])
    assert 7_000 < residents < 10_000
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lim = saferstats.funnel_limits("population", data=y, target=170, kind="rate")
    said = _poor(caught)
    assert len(said) == 1 and said[0].startswith("funnel_limits: 'London, City of' is an area")
    assert f"London, City of 2018/19: {residents:,.0f} residents" in said[0]
    assert "daytime population" in said[0]
    assert lim.attrs["non_resident_areas"] == ["London, City of"]
    # the limits themselves unchanged: one row per force, the City's at its residents
    assert len(lim) == len(raw[raw["Year"] == "2018-19"])
    assert float(lim.loc[y.index[y.force_code == "E23000034"][0], "denominator"]) == residents
    # without a table (plain numbers) nothing is said, and the key is empty
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plain = saferstats.funnel_limits(y["population"].dropna().to_numpy(), target=170, kind="rate")
    assert not _poor(caught) and plain.attrs["non_resident_areas"] == []


def test_plot_funnel_names_the_city_of_london_hate_crime(by_force: Path) -> None:
    """Before: plot_funnel drew the City's 141 offences over its residents (1,641.8 per 100,000) with no
    word. Now one warning, with data= and with labels= and a population Series alike."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    y = _with_census(by_force).query("period == '2018/19'").reset_index(drop=True)
    residents = float(y.loc[y.force_code == "E23000034", "population"].iloc[0])
    for call in (lambda: saferstats.plot_funnel("offences", "population", data=y, kind="rate"),
                 lambda: saferstats.plot_funnel(y["offences"], y["population"], labels=y["force"], kind="rate")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ax = call()
        said = _poor(caught)
        assert len(said) == 1 and said[0].startswith("plot_funnel: 'London, City of'")
        assert f"141 over {residents:,.0f} residents" in said[0]
        assert "data[~data['force'].isin(['London, City of'])]" in said[0]
        assert said[0].endswith("listed in ax.saferstats_non_resident_areas")
        assert ax.saferstats_non_resident_areas == ["London, City of"]
        plt.close("all")


def test_plot_funnel_names_the_city_of_london_flytipping(shared_data: Path) -> None:
    """Defra's workbook as published, 2021/22 by council with Census 2021 residents: before, the
    City's 2,497 incidents over 8,588 residents (290.8 per 1,000) were drawn with no word. Reference:
    the LA_incidents sheet read with openpyxl (2,497) and the hand rate."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    raw = defra_la_incidents(shared_data)
    count = int(raw.loc[(raw["ONS Code"] == "E09000001") & (raw["Year"] == "2021-22"), "Total Incidents"].iloc[0])
    assert count == 2497
    ft = defra_flytipping_read(shared_data, "Flytipping.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pop = saferstats.census_population(level="la", census=2021).groupby("la_code", as_index=False)["population"].sum()
    latest = ft[ft.period == "2021/22"].merge(pop, on="la_code", how="inner").dropna(subset=["incidents"])
    residents = float(latest.loc[latest.la_code == "E09000001", "population"].iloc[0])
    assert count / residents * 1000 == pytest.approx(290.8, abs=0.05)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = saferstats.plot_funnel("incidents", "population", data=latest, kind="rate", multiplier=1000)
    said = _poor(caught)
    assert len(said) == 1 and said[0].startswith("plot_funnel: 'City of London'")
    assert f"City of London 2021/22: {count:,} over {residents:,.0f} residents" in said[0]
    assert ax.saferstats_non_resident_areas == ["City of London"]
    plt.close("all")


# --- 3. read_hate_crime's summary and coverage through the real calls ---


def test_summary_and_coverage_said_of_a_years_rows(by_force: Path) -> None:
    """read_hate_crime, then one year's forces with a population, then add_rates. Before: the result
    said rows 86 and "43 forces ... 2017/18: 90,835, 2018/19: 99,821" of its 42 rows. Reference: the
    raw file's 2018-19 rows with a population, counted and summed with pandas."""
    raw = _raw(by_force)
    rows = raw[(raw["Year"] == "2018-19") & raw["Population"].notna()]
    assert len(raw) == 86 and len(rows) == 42
    total = int(rows["Total number of offences"].sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hc = saferstats.read_hate_crime(by_force)
        y = hc[(hc.period == "2018/19") & hc.population.notna()]
        r = saferstats.add_rates(y, count="offences")
    assert hc.attrs["summary"]["rows"] == 86  # the read itself: as read
    assert r.attrs["summary"]["rows"] == 42 and r.attrs["summary"]["rows_read"] == 86
    assert r.attrs["summary"]["file"] == "Hate crime.csv"
    cov = r.attrs["coverage"]
    assert cov.startswith("42 forces (42 of the 43 police force areas")
    assert cov.endswith(f"2018/19: {total:,}") and "2017/18" not in cov
    assert "British Transport Police is not among them" in cov
    # the whole table through add_rates keeps them as read
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = saferstats.add_rates(hc, count="offences", missing="propagate")
    assert whole.attrs["summary"] == hc.attrs["summary"] and whole.attrs["coverage"] == hc.attrs["coverage"]


def test_coverage_of_summed_rows_and_shares(by_force: Path) -> None:
    """groupby("period").sum() has no forces: before, add_rates' result said "43 forces" of its 2 rows
    as if they were the forces. Now marked as said of the table they were made from. shares of two
    forces' strands is told those forces' own sums (Essex and Kent, summed from the raw file)."""
    from saferstats.published import COVERAGE_OFF_ITS_FORCES

    raw = _raw(by_force)
    two = raw[raw["Force"].isin(["Essex", "Kent"])]
    sums = two.groupby("Year")["Total number of offences"].sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hc = saferstats.read_hate_crime(by_force)
        nat = hc.groupby("period", as_index=False)[["offences", "population"]].sum()
        r = saferstats.add_rates(nat, count="offences")
        sub = hc[hc.force.isin(["Essex", "Kent"])]
        long = sub.melt(id_vars=["force", "force_code", "period", "offences"], value_vars=["race", "religion"],
                        var_name="strand", value_name="count")
        sh = saferstats.shares(long, count="count", category="strand", by=["force", "period"])
    assert nat.attrs["summary"]["rows"] == 86  # pandas carries them (the stale state)
    assert r.attrs["summary"]["rows"] == 2 and r.attrs["summary"]["rows_read"] == 86
    assert r.attrs["coverage"] == COVERAGE_OFF_ITS_FORCES + hc.attrs["coverage"]
    assert sh.attrs["summary"]["rows"] == 8 and sh.attrs["summary"]["rows_read"] == 86
    assert sh.attrs["coverage"].startswith("2 forces (2 of the 43")
    assert sh.attrs["coverage"].endswith(f"2017/18: {int(sums['2017-18']):,}, 2018/19: {int(sums['2018-19']):,}")


def test_report_uses_trend_matching() -> None:
    """Item 1: the report's caution finds the City by trend.non_resident_areas (one matching), the
    names as the table has them; the sentence as before."""
    from saferstats.report.sections import _non_resident_authorities

    mask, words = _non_resident_authorities(pd.Series(["Essex", "City of London", "London, City of"]))
    assert mask.tolist() == [False, True, True]
    assert words.startswith(" Caution for the City of London, the City of London: the City of London has a few")
    assert _non_resident_authorities(pd.Series([], dtype=object))[1] == ""
