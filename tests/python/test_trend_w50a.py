"""Walk-through w50a (hate-crime trend follow-ups to w48e: warnings that misled).

On the Home Office's Table 2 (hate crimes by monitored strand, 2011/12 to 2018/19) in ../shared/data
exactly as published (PROVENANCE §3); references from the file's own cells (pandas.read_csv) and
statsmodels' Poisson GLM run live, never from saferstats' output.

- ``compare_trends`` of the strands against race said the comparator's over-dispersion under each
  strand's name ("'disability' 268.9; 'religion' 268.9; ..." — race's figure) right after the
  strands' own warning gave disability 60.3. Now race's figure is named once, as race's.
- ``poisson_trend`` with the totals kept (``missing="drop"``) fitted ``offences`` over 2012/13 to
  2018/19 beside strands over 2011/12 to 2018/19 and said only that a row was left out. Now it says
  that the trends cover different periods, with each series' first and last period.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import saferstats
from saferstats import SaferstatsWarning

from conftest import shared_path

TABLE2 = "hate_crime/home_office_by_force_2017-18_2018-19/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"
ROWS = {"Race": "race", "Religion": "religion", "Sexual orientation": "sexual_orientation",
        "Disability": "disability", "Transgender": "transgender",
        "Total number of motivating factors": "motivating_factors", "Total number of offences": "offences"}


@pytest.fixture
def table2(shared_data: Path) -> Path:
    return shared_path(shared_data, TABLE2)


def _raw(path: Path) -> pd.DataFrame:
    """The file's cells, read with pandas: one row per series, one column per financial year."""
    raw = pd.read_csv(path, skiprows=3, header=0, thousands=",", na_values=["N/A"], dtype=str)
    raw = raw[raw.iloc[:, 0].isin(list(ROWS))].set_index(raw.columns[0])
    years = [c for c in raw.columns if re.match(r"^\d{4}/\d{2}", c)]
    cells = raw[years].apply(lambda c: pd.to_numeric(c.str.replace(",", ""), errors="coerce"))
    cells.columns = [c[:7] for c in years]  # "2017/183" is 2017/18 with its footnote mark
    cells.index = [ROWS[i] for i in cells.index]
    return cells


def _dispersion(counts: np.ndarray) -> float:
    t = np.arange(len(counts), dtype=float)
    fit = sm.GLM(counts, sm.add_constant(t), family=sm.families.Poisson()).fit()
    return float(fit.pearson_chi2 / fit.df_resid)


def _messages(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SaferstatsWarning)]


def test_comparator_dispersion_is_named_once_as_the_comparators(table2: Path) -> None:
    cells = _raw(table2)
    strands = ["religion", "sexual_orientation", "disability", "transgender"]
    own = {s: _dispersion(cells.loc[s].to_numpy(float)) for s in strands}
    race = _dispersion(cells.loc["race"].to_numpy(float))
    assert round(own["disability"], 1) == 60.3 and round(race, 1) == 268.9  # the figures w48e saw
    st = saferstats.read_hate_crime(table2)
    st = st[st["strand"].isin(["race", *strands])]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.compare_trends(st, comparator="race", by="strand", population=None, period="period")
    msgs = [m for m in _messages(caught) if "vary more than a Poisson model allows" in m]
    assert len(msgs) == 2
    areas, comp = msgs
    assert areas.startswith("compare_trends: ")
    for s in strands:  # each strand under its own name with its own figure
        assert f"'{s}' {own[s]:.1f}" in areas
        assert f"'{s}'" not in comp  # the comparator's figure is not said under a strand's name
    assert comp.startswith("compare_trends (the comparator, race)")
    assert f"race {race:.1f}, one figure over the periods of 4 of 4 areas, the comparator's" in comp
    assert comp.count(f"{race:.1f}") == 1
    assert f"up to {np.sqrt(race):.1f}" in comp
    assert out["comparator_dispersion_ratio"].to_numpy() == pytest.approx([race] * 4, rel=1e-8)


def test_comparator_dispersion_over_different_periods_says_whose_periods(table2: Path) -> None:
    cells = _raw(table2)
    st = saferstats.read_hate_crime(table2)
    st = st[st["strand"].isin(["race", "religion", "disability"])]
    st = st[~((st["strand"] == "religion") & (st["period"] == "2011/12"))]  # religion from 2012/13
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.compare_trends(st, comparator="race", by="strand", population=None, period="period")
    comp = [m for m in _messages(caught) if m.startswith("compare_trends (the comparator, race)")
            and "vary more than a Poisson model allows" in m]
    assert len(comp) == 1
    race = cells.loc["race"].to_numpy(float)
    assert f"race over 'disability''s periods {_dispersion(race):.1f}" in comp[0]
    assert f"race over 'religion''s periods {_dispersion(race[1:]):.1f}" in comp[0]


def test_trends_over_different_periods_are_said_with_each_span(table2: Path) -> None:
    cells = _raw(table2)
    has = cells.notna()
    span = {s: (has.columns[has.loc[s]][0], has.columns[has.loc[s]][-1]) for s in cells.index}
    assert span["offences"] == ("2012/13", "2018/19") and span["race"] == ("2011/12", "2018/19")
    st = saferstats.read_hate_crime(table2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.poisson_trend(st, by="strand", population=None, period="period", missing="drop")
    msgs = [m for m in _messages(caught) if "trends cover different periods" in m]
    assert len(msgs) == 1
    msg = msgs[0]
    assert "2 spans" in msg
    assert f"'offences' {span['offences'][0]} to {span['offences'][1]}" in msg
    others = sorted(s for s in cells.index if s != "offences")
    a, b = span[others[0]]
    assert all(span[s] == (a, b) for s in others)
    assert ", ".join(f"'{s}'" for s in others) + f" {a} to {b}" in msg
    assert dict(zip(out["strand"], zip(out["first_period"], out["last_period"]))) == span


def test_same_periods_say_nothing_of_spans(table2: Path) -> None:
    st = saferstats.read_hate_crime(table2)
    st = st[st["strand"] != "offences"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.poisson_trend(st, by="strand", population=None, period="period")
    assert not [m for m in _messages(caught) if "trends cover different periods" in m]


def test_subtracted_comparator_names_each_figure_as_the_comparator_less_that_area() -> None:
    rng = np.random.default_rng(1)
    counts = {a: np.array([int(rng.poisson(200) * (1 + 0.6 * rng.random())) for _ in range(10)], dtype=float)
              for a in "ABC"}
    total = sum(counts.values())
    d = pd.DataFrame([{"area": a, "period": 2010 + i, "count": c[i], "population": 3e5 if a == "All" else 1e5}
                      for a, c in {**counts, "All": total}.items() for i in range(10)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.compare_trends(d, comparator="All", by="area", subtract=True)
    comp = [m for m in _messages(caught) if m.startswith("compare_trends (the comparator, All less each area)")
            and "vary more than a Poisson model allows" in m]
    assert len(comp) == 1
    for a in "ABC":  # the comparator less the area, a rate on population 3e5 - 1e5: a constant offset
        assert f"All less '{a}' {_dispersion(total - counts[a]):.1f}" in comp[0]
