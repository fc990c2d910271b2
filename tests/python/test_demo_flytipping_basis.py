"""The demo report's fly-tipping trend knows Defra's reporting basis (session 14; found by walk 10,
fly-tipping). The bundled Hertfordshire excerpt had no `Reporting basis` column, so the demo ran Welwyn
Hatfield's trend through 2019-20 (1,700: customer/public reports only) and 2020-21 (4,836: all
incidents). Reference: Defra's CSV export in ../shared/data, read with the csv module."""

from __future__ import annotations

import csv

import saferstats as ss
from saferstats import report as rp
from saferstats.report import sections

SRC = "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv"


def test_bundled_excerpt_is_defras_rows_with_their_basis(shared_data):
    with open(shared_data / SRC, newline="", encoding="utf-8-sig") as fh:
        defra = {(r["Year"], r["ONS Code"]): r for r in csv.DictReader(fh)}
    df = ss.datasets.flytipping_hertfordshire()
    assert len(df) == 100
    for r in df.itertuples():
        src = defra[(r.year, r.la_code)]
        assert int(src["Total Incidents"]) == r.incidents
        basis = src["Reporting basis"].strip()
        assert (r.reporting_basis if isinstance(r.reporting_basis, str) else ":") == basis
        assert bool(r.not_all_incidents) == (basis not in (":", "All incidents"))
    changed = {src["LA Name"].strip() for (y, c), src in defra.items()
               if c in set(df["la_code"]) and src["Reporting basis"].strip() not in (":", "All incidents")}
    assert changed == {"Welwyn Hatfield"}


def test_demo_trend_does_not_run_through_the_change():
    cfg = rp.demo_config()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = sections._BUILDERS["flytipping"](cfg, cfg["flytipping"])
    trend = next(t.frame for t in s.tables if t.name == "flytipping_trend")
    assert "Welwyn Hatfield" not in set(trend["la"].astype(str))
    assert len(trend) == 9
    assert "Welwyn Hatfield (2019-20" in s.intro
