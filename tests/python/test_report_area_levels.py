"""A force and a local authority can share a name (Dorset, Wiltshire, North Yorkshire). The report's
fly-tipping table for the Swindon CSP (Wiltshire force) listed the Wiltshire authority as one of
Swindon's, and the Poole CSP's listed Dorset; the by-level lookup now keeps an LA table to the area's
own authorities. Poole CSP is part of Bournemouth, Christchurch and Poole (an authority with three
CSPs), and the report says the figures are the whole authority's. Checked against the ONS LA -> CSP
-> force lookup read with the csv module."""

import csv

import pandas as pd
import pytest

from conftest import build_report

DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


def _lookup(shared_data):
    with open(shared_data / "population" / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def test_scope_keeps_a_level_apart(shared_data):
    from saferstats.report.inputs import scope_of

    rows = _lookup(shared_data)
    poole_las = {r["ltla24_name"] for r in rows if r["csp24_name"] == "Poole"}
    assert poole_las == {"Bournemouth, Christchurch and Poole"}
    assert {r["pfa24_name"] for r in rows if r["csp24_name"] == "Poole"} == {"Dorset"}  # the force's name
    labels = ["Dorset", "Bournemouth, Christchurch and Poole", "Wiltshire"]
    assert scope_of("Poole").highlights(labels, level="la") == sorted(poole_las)
    assert scope_of("Poole").highlights(labels, level="force") == ["Dorset"]
    wide = {r["ltla24_name"] for r in rows
            if len({q["csp24_name"] for q in rows if q["ltla24_name"] == r["ltla24_name"]}) > 1}
    assert scope_of("Poole").wider_authorities(poole_las) == sorted(poole_las & wide)
    assert scope_of("Swindon").wider_authorities(["Swindon"]) == []


@pytest.mark.parametrize("area", ["Swindon", "Poole"])
def test_flytipping_table_is_the_areas_own_authorities(area, shared_data, tmp_path):
    rows = _lookup(shared_data)
    own = {r["ltla24_name"] for r in rows if r["csp24_name"] == area}
    out = build_report(tmp_path, f'area = "{area}"\n[flytipping]\nfile = "{shared_data / DEFRA}"\n')
    shown = set(pd.read_csv(out / "flytipping_rates.csv").iloc[:, 0])
    assert shown == own
    text = (out / "index.html").read_text()
    wider = "Poole is part of Bournemouth, Christchurch and Poole: Defra publishes fly-tipping by local authority"
    assert (wider in text) == (area == "Poole")
