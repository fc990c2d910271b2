"""Session 36 (v4): the report's words where names hold "and", and a Welsh report's console.

1. A list of areas whose names have an "and" of their own read ambiguously: the Poole report's
   finding was "Fly-tipping over the whole series: no statistically significant trend in
   Bournemouth, Christchurch and Poole and Poole" (two authorities, or three places?). An item with
   an "and" of its own is now quoted: "... in 'Bournemouth, Christchurch and Poole' and Poole".
2. A report for an area Defra's table does not have (Cardiff: Welsh; the table is England's) fits
   every English council's trend for context, and printed the library's warnings about them on the
   console ("'Isles of Scilly': all counts are zero"; "the trends cover different periods", naming
   English councils), where an English area's report prints none. Those are now left out; a warning
   naming the area's own authorities (Poole's two series over different years) is still printed.

The tables are small inline frames written out below (Defra's layout: name, ONS code, year,
incidents); the references are the frames themselves, a quasi-Poisson GLM fitted in the test for "no significant trend",
and ``saferstats.poisson_trend`` called directly, which still warns (the library's messages are
unchanged: only the report's console keeps to its area).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2012, 2022)]  # 2012/13 ... 2021/22
POOLE = [905, 948, 880, 931, 912, 940, 899]                      # 2012/13 to 2018/19 (abolished 2019)
BCP = [3010, 3095, 3041]                                          # 2019/20 to 2021/22 (formed 2019)
STEVENAGE = [510, 498, 530, 505, 521, 515, 502, 526, 509, 518]


def _table() -> pd.DataFrame:
    rows = [("Poole", "E06000029", y, n) for y, n in zip(YEARS[:7], POOLE)]
    rows += [("Bournemouth, Christchurch and Poole", "E06000058", y, n) for y, n in zip(YEARS[7:], BCP)]
    rows += [("Stevenage", "E07000243", y, n) for y, n in zip(YEARS, STEVENAGE)]
    rows += [("Isles of Scilly", "E06000053", y, 0) for y in YEARS]  # every count 0
    return pd.DataFrame(rows, columns=["la_name", "la_code", "year", "incidents"])


def _run(area: str):
    from saferstats.report.sections import _flytipping
    from saferstats.report.summary import _flytipping as finding

    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": area}
    sec = {"data": _table(), "area": "la_name", "code": "la_code", "period": "year", "count": "incidents"}
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        s = _flytipping(cfg, sec)
    return s, finding(s, cfg), [str(w.message) for w in seen]


@pytest.fixture(scope="module")
def poole():
    return _run("Poole")


@pytest.fixture(scope="module")
def cardiff():
    return _run("Cardiff")


def _no_significant_trend(counts: list[int]) -> bool:
    """Whether the 95% interval of a quasi-Poisson log-linear trend includes no change: the Poisson
    GLM of the counts on the year fitted here by Newton's method (numpy), its standard error scaled by
    Pearson's chi-squared / df, and t on the residual df (scipy), as R's glm(family = quasipoisson)."""
    from scipy import stats

    y = np.asarray(counts, dtype=float)
    x = np.column_stack([np.ones(len(y)), np.arange(len(y), dtype=float)])
    b = np.array([np.log(y.mean()), 0.0])
    for _ in range(50):
        mu = np.exp(x @ b)
        b = b + np.linalg.solve(x.T @ (mu[:, None] * x), x.T @ (y - mu))
    mu = np.exp(x @ b)
    df = len(y) - 2
    phi = float(((y - mu) ** 2 / mu).sum() / df)
    se = float(np.sqrt(phi * np.linalg.inv(x.T @ (mu[:, None] * x))[1, 1]))
    q = float(stats.t.ppf(0.975, df))
    return bool(b[1] - q * se < 0 < b[1] + q * se)


def test_a_name_with_and_is_quoted_in_the_finding(poole):
    """Before: "no statistically significant trend in Bournemouth, Christchurch and Poole and Poole".
    Reference: neither series has a significant trend (the GLM fitted in the test), and the finding names both,
    the one with an "and" of its own in quotes."""
    assert _no_significant_trend(POOLE) and _no_significant_trend(BCP)
    _, said, _ = poole
    line = next(x for x in said if x.startswith("Fly-tipping over the whole series"))
    assert "no statistically significant trend in 'Bournemouth, Christchurch and Poole' and Poole" in line
    assert "Christchurch and Poole and Poole" not in " ".join(said)


def test_the_list_joiner_quotes_only_an_item_with_an_and_of_its_own():
    """The rule written out: commas and a last "and"; an item with an "and" outside its own brackets
    in quotes (a leading "the" outside them); the first ``limit`` and how many more."""
    from saferstats.report.splits import _names, split_names

    assert _names(["Stevenage", "Three Rivers", "Dacorum"]) == "Stevenage, Three Rivers and Dacorum"
    assert _names(["Barking and Dagenham", "Brent"]) == "'Barking and Dagenham' and Brent"
    assert _names(["Brent", "Hammersmith and Fulham", "Camden", "Ealing"], limit=2) == \
        "Brent, 'Hammersmith and Fulham' and 2 more"
    item = "Black people in Essex (Police and Criminal Evidence Act 1984 (section 1): higher)"
    assert _names([item, "Mixed people"]) == f"{item} and Mixed people"
    # split_names quotes every label once, as before (not twice)
    assert split_names(["Police and Criminal Evidence Act 1984 (section 1)", "no legislation recorded"]) == \
        "'Police and Criminal Evidence Act 1984 (section 1)' and 'no legislation recorded'"


def test_a_welsh_report_prints_no_warning_about_englands_councils(cardiff):
    """Before: the Cardiff report's console had "poisson_trend: no trend estimated for 1 group —
    'Isles of Scilly': all counts are zero" and "the trends cover different periods (... 'Poole'
    ...)". Reference: the table above (English codes only; the Isles of Scilly's counts all 0), and
    poisson_trend on it directly, which still gives both warnings (the library's own messages)."""
    import saferstats as ss

    table = _table()
    assert not table["la_code"].str.startswith("W").any() and (table.loc[table.la_name == "Isles of Scilly",
                                                                          "incidents"] == 0).all()
    with warnings.catch_warnings(record=True) as direct:
        warnings.simplefilter("always")
        ss.poisson_trend(table.assign(population=1000.0), count="incidents", period="year", by="la_name")
    direct_text = " ".join(str(w.message) for w in direct)
    assert "'Isles of Scilly': all counts are zero" in direct_text and "cover different periods" in direct_text

    s, said, console = cardiff
    english = set(table["la_name"])
    assert said[0].startswith("The fly-tipping table has no figures for Cardiff")  # the page says whose they are
    trend = next(t.frame for t in s.tables if t.name == "flytipping_trend")
    assert set(trend["la_name"]) == english  # every council still in the table, for context
    assert [m for m in console if any(f"'{n}'" in m for n in english)] == []


def test_the_areas_own_warning_is_kept(poole):
    """The Poole report's console still says its own two series cover different years (Poole
    2012/13 to 2018/19, Bournemouth, Christchurch and Poole 2019/20 to 2021/22, as the table above)."""
    _, _, console = poole
    spans = [m for m in console if "cover different periods" in m]
    assert len(spans) == 1 and "'Poole' 2012/13 to 2018/19" in spans[0] \
        and "'Bournemouth, Christchurch and Poole' 2019/20 to 2021/22" in spans[0]
    assert not any("Isles of Scilly" in m or "Stevenage" in m for m in console)
