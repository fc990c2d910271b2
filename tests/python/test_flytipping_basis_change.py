"""A council whose Defra "Reporting basis" changed within its series is not like for like with its
own past (session 12, found reading a Merseyside/Hertfordshire report built from the published
workbook). Welwyn Hatfield counted customer/public reports only in 2019/20 (1,700 incidents) and all
incidents from 2020/21 (4,836): the report fitted one annual % change through the change, so the
change in counting read as a rise. Now the trend uses only the years since the change, is not given
with fewer than 3, and the section names each such council with the two bases and counts.

The reference is the workbook itself, read here with pandas alone (the LA_incidents sheet's
"Reporting basis" column, as published), not saferstats' reader."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from saferstats.geography import display_name
from saferstats.report.sections import _flytipping
from saferstats.report.summary import _flytipping as findings

DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
HERTS = ["Broxbourne", "Dacorum", "East Hertfordshire", "Hertsmere", "North Hertfordshire", "St Albans", "Stevenage",
         "Three Rivers", "Watford", "Welwyn Hatfield"]
CFG = {"confidence": 0.95, "disclosure_threshold": 5}


@pytest.fixture(scope="module")
def sheet(shared_data) -> pd.DataFrame:
    """The LA_incidents sheet as published, read with pandas once for the file (session 34: it was
    read three times, the workbook's read being most of these tests' own time)."""
    return pd.read_excel(shared_data / DEFRA, sheet_name="LA_incidents", header=2)


def _changed(sheet: pd.DataFrame) -> dict[str, list[tuple[str, str, int]]]:
    """{council: [(year, basis, incidents), ...]} for councils whose published basis takes more than
    one value, from the raw sheet (codes keep a council together across spellings of its name)."""
    raw = sheet.copy()
    raw = raw[raw["Reporting basis"].notna() & (raw["Reporting basis"].astype(str).str.strip() != ":")]  # ":" = not published
    out = {}
    for _, g in raw.groupby("ONS Code"):
        if g["Reporting basis"].str.strip().str.lower().nunique() > 1:
            g = g.sort_values("Year")
            out[str(g["LA Name"].iloc[-1]).strip()] = list(zip(g["Year"], g["Reporting basis"].str.strip(),
                                                               pd.to_numeric(g["Total Incidents"], errors="coerce")))
    return out


def test_welwyn_hatfield_is_left_out_of_the_trend_and_named(shared_data, sheet):
    changed = _changed(sheet)
    herts = {k: v for k, v in changed.items() if k in HERTS}
    assert herts == {"Welwyn Hatfield": [("2019-20", "Customer/public reported only", 1700),
                                         ("2020-21", "All incidents", 4836), ("2021-22", "All incidents", 3722)]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping({**CFG, "area": "Hertfordshire"}, {"file": str(shared_data / DEFRA)})
    trend = next(t.frame for t in s.tables if t.name == "flytipping_trend")
    assert "Welwyn Hatfield" not in set(trend.iloc[:, 0].astype(str))
    assert len(trend) == 9 and set(trend.iloc[:, 0].astype(str)) == set(HERTS) - {"Welwyn Hatfield"}
    assert ("changed within the series for 1 authority" in s.intro and
            "Welwyn Hatfield (2019/20: customer/public reported only, 1,700; 2020/21: all incidents, 4,836; "
            "no annual % change: 2 years on the same basis)" in s.intro)
    # the step it made is no longer called a possible change in counting "included" in the trend
    assert "Welwyn Hatfield (2019/20 to 2020/21" not in s.intro
    # and the key finding accounts for all ten councils: nine with a trend, Welwyn Hatfield without
    text = [t for t in findings(s, {**CFG, "area": "Hertfordshire"}) if t.startswith("Fly-tipping over the whole series")]
    assert text and text[0].endswith("; no annual % change for Welwyn Hatfield, whose counting changed (see the section).")


def test_every_council_with_a_change_is_out_of_the_national_trend(shared_data, sheet):
    changed = _changed(sheet)
    assert len(changed) >= 20  # 27 in the 2012-13 to 2021-22 workbook
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping({**CFG, "area": ""}, {"file": str(shared_data / DEFRA)})
    trend = next(t.frame for t in s.tables if t.name == "flytipping_trend")
    names = {display_name(n) for n in trend.iloc[:, 0].astype(str)}
    # none has 3 years on its latest basis (the basis is published from 2019/20)
    assert not names & {display_name(n) for n in changed}
    # each is named, but for those already left out of the trend for a 4-fold step in one year
    # (a recording change by docs/methods/trends.md A5: Lewisham 4,294 -> 29,515, Redbridge ...)
    raw = sheet.copy()
    raw = raw[raw["LA Name"].astype(str).str.strip().isin(changed)].sort_values(["ONS Code", "Year"])
    y = pd.to_numeric(raw["Total Incidents"], errors="coerce")
    prev = y.groupby(raw["ONS Code"]).shift()
    step = ((y / prev >= 4) | (prev / y >= 4)) & (np.maximum(y, prev) >= 100)
    stepped = set(raw.loc[step, "LA Name"].astype(str).str.strip())
    assert stepped and stepped < set(changed)
    assert f"changed within the series for {len(changed) - len(stepped)} authorities" in s.intro


def test_three_years_since_the_change_give_a_trend_from_the_change():
    """Synthetic: a council counting public reports only to 2019/20 and all incidents from 2020/21
    for four years keeps a trend over those four years - the same as poisson_trend on them alone."""
    years = [f"{y}/{str(y + 1)[2:]}" for y in range(2016, 2024)]
    rows = []
    for k in range(6):
        for i, yr in enumerate(years):
            rows.append((f"Council {k}", f"E0700090{k}", yr, 800 + 37 * i + 11 * k, 100_000, "All incidents" if i >= 3 else None))
    counts = [300, 320, 310, 330, 1200, 1300, 1250, 1400]
    basis = [None, None, None, "Customer/public reported only", "All incidents", "All incidents", "All incidents",
             "All incidents"]
    rows += [("Changer", "E07000999", yr, c, 120_000, b) for yr, c, b in zip(years, counts, basis)]
    t = pd.DataFrame(rows, columns=["la_name", "la_code", "year", "incidents", "pop", "reporting_basis"])
    sec = {"data": t, "area": "la_name", "code": "la_code", "period": "year", "count": "incidents", "population": "pop"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping({**CFG, "area": ""}, sec)
    trend = next(x.frame for x in s.tables if x.name == "flytipping_trend").set_index("la_name")
    assert trend.loc["Changer", "n_periods"] == 4
    alone = t[(t.la_name == "Changer") & (t.year >= "2020/21")]
    want = ss.poisson_trend(alone, count="incidents", population="pop", period="year", dispersion="auto",
                            use_t=True).iloc[0]
    assert trend.loc["Changer", "apc"] == pytest.approx(float(want["apc"]))  # the exact value (the CSV keeps 2 decimals)
    # counting all of it, not a 4-fold rise in fly-tipping: the years before the change are not in it
    assert np.isfinite(want["apc"]) and abs(want["apc"]) < 20
    assert "Changer (2019/20: customer/public reported only, 330; 2020/21: all incidents, 1,200; annual % change " \
           "from 2020/21)" in s.intro
    for k in range(6):  # councils with one basis keep every year
        assert trend.loc[f"Council {k}", "n_periods"] == len(years)
