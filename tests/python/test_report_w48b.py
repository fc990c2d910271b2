"""Session 29 (w48b): the stop-and-search section's leftovers.

1. The report's disclosure audit took the finds (``hits``) of rows whose find rate is withheld as not
   comparable as published counts, though ``stop_search_find_rates.csv`` leaves them blank (w45a)
   and the page too: it then hid counts to protect what those blank cells would have given back.
   police.uk Derbyshire by CSP, Dec 2019 - Feb 2020 (every find rate withheld: most finds ended in no
   further action): Amber Valley's and Chesterfield's Mixed searches and Derbyshire Dales' Black
   searches, all 0, were hidden ([c]) with their rates and the arrest rows, as protection. A blank
   is now unpublished in the audit (a latent cell, protected when small): those zeros are published,
   every hidden search count is a small one, and scipy's linear programme over every published cell
   and the totals a reader knows pins none.

The counts are checked against the police.uk files read with pandas, each search placed in its
local authority (Derbyshire's CSPs are its districts) with shapely on the ONS boundaries in the
shared data.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import shared_path
from test_walk17_disclosure_stop_search_totals import (FOLDER, GROUPS, MARK, _attack, _check_not_pinned, _csp_truth,
                                                       _derived_hidden, _report, _unpublished)


def _hand_counts(shared_data, files) -> pd.DataFrame:
    """(district, group) -> searches, with the flag (n) and flagged True (hits), from the police.uk
    files with pandas: person searches (not vehicle-only) with a stated self-defined ethnicity,
    placed by their coordinates in the ONS local authority districts (boundaries_ltla24.geojson,
    ultra-generalised: a search within a few hundred metres of a border may fall on the other side)."""
    shapely = pytest.importorskip("shapely.geometry")
    raw = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files])
    eth = raw["Self-defined ethnicity"]
    raw = raw[(raw["Type"] != "Vehicle search") & (eth != "") & (eth != "Other ethnic group - Not stated")].copy()
    raw["group"] = raw["Self-defined ethnicity"].str.split(" - ").str[0].map(GROUPS).fillna("Other")
    bounds = json.loads(shared_path(shared_data, "boundaries/boundaries_ltla24.geojson").read_text())
    areas = [(f["properties"]["ltla24_name"], shapely.shape(f["geometry"])) for f in bounds["features"]]

    def district(lon: str, lat: str) -> str:
        if not lon or not lat:
            return ""
        p = shapely.Point(float(lon), float(lat))
        return next((name for name, shape in areas if shape.contains(p)), "")

    raw["la"] = [district(x, y) for x, y in zip(raw["Longitude"], raw["Latitude"])]
    flag = raw["Outcome linked to object of search"]
    raw["n"], raw["hits"] = flag.ne(""), flag.eq("True")
    return raw.groupby(["la", "group"]).agg(searches=("group", "size"), n=("n", "sum"), hits=("hits", "sum"))


@pytest.fixture(scope="module")
def derbyshire_by_csp(tmp_path_factory, shared_data):
    files = sorted(str(f) for f in shared_path(shared_data, FOLDER).glob("*-derbyshire-stop-and-search.csv"))
    out, disp, finds = _report(tmp_path_factory.mktemp("w48b_csp"), files, '["csp"]', "Derbyshire")
    return out, disp, finds, files, _hand_counts(shared_data, files)


def csps_of(disp: pd.DataFrame) -> list[str]:
    return list(disp["csp"].unique())


def _count(hand: pd.DataFrame, la: str, group: str, col: str = "searches") -> int:
    return int(hand[col].get((la, group), 0))


def test_blank_finds_are_unpublished_in_the_audit_so_zeros_are_not_hidden_for_them(derbyshire_by_csp):
    out, disp, finds, files, hand = derbyshire_by_csp
    # the premise: every find rate withheld, the finds blank in the CSV (w45a, w46b)
    assert finds["rate"].eq("withheld").all() and finds["hits"].eq("").all()
    cell = disp.set_index(["csp", "group"])
    zeros = [("Amber Valley", "Mixed"), ("Chesterfield", "Mixed"), ("Derbyshire Dales", "Black")]
    for la, g in zeros:
        assert _count(hand, la, g) == 0, (la, g)  # no such search in the police.uk files
        # published as 0 (before: [c], hidden to protect what the blank finds would give back)
        assert cell.at[(la, g), "searches"] == "0", (la, g)
        assert cell.at[(la, g), "rate"] == "0.0" and cell.at[(la, g), "ratio_method"] == "exact (zero count)"
    f = finds.set_index(["csp", "group"])
    assert [f.at[k, "n"] for k in zeros] == ["0", "0", "0"]
    arrests = pd.read_csv(out / "stop_search_arrest_rates.csv", dtype=str, keep_default_na=False).set_index(["csp", "group"])
    assert [(arrests.at[k, "n"], arrests.at[k, "hits"]) for k in zeros] == [("0", "0")] * 3
    # no more hidden than the rule needs: in each CSP its small counts (1 to 4, by the package's placing
    # and by the hand count, but for a search on a generalised border), and where one is alone (its
    # CSP's total is known) one partner: a zero (Amber Valley's Asian beside Black 1; Erewash's Asian
    # beside Mixed 2), so that White's count and its ratios stay published
    truth = _csp_truth(files, disp, finds)
    hidden = [(r.csp, r.group) for r in disp.itertuples(index=False) if r.searches == MARK]
    assert hidden == [("Amber Valley", "Asian"), ("Amber Valley", "Black"), ("Chesterfield", "Asian"),
                      ("Chesterfield", "Black"), ("Derbyshire Dales", "Asian"), ("Derbyshire Dales", "Mixed"),
                      ("Erewash", "Asian"), ("Erewash", "Mixed"), ("South Derbyshire", "Asian"),
                      ("South Derbyshire", "Black"), ("South Derbyshire", "Mixed")]
    for a in {a for a, _ in hidden}:
        small = [g for aa, g in hidden if aa == a and 0 < truth[(a, g, "searches")] < 5]
        zero = [g for aa, g in hidden if aa == a and truth[(a, g, "searches")] == 0]
        assert len(small) + len(zero) == sum(aa == a for aa, _ in hidden) and len(zero) == (len(small) == 1), a
        assert all(_count(hand, a, g) < 5 for g in small + zero), a
    # the published counts are the hand counts, but for a search or two on a generalised border
    for r in disp.itertuples(index=False):
        if not _unpublished(r.searches):
            assert abs(int(r.searches) - _count(hand, r.csp, r.group)) <= 1, (r.csp, r.group)


def test_blank_finds_still_protected_against_every_total_a_reader_knows(derbyshire_by_csp):
    """scipy's linear programme (walk 17's attack): each CSP's searches, the force's by group over its
    CSPs, and the force's finds (the no-further-action caution's "of 369", hand-counted) - the blank
    finds unknowns like the hidden counts: nothing small is pinned, the zeros published above
    included."""
    out, disp, finds, files, hand = derbyshire_by_csp
    truth = _csp_truth(files, disp, finds)
    html = (out / "index.html").read_text()
    placed = sum(v for k, v in truth.items() if k[2] == "hits")
    assert f"of {placed:,}" in html
    # the hand count of the finds placed in Derbyshire's districts: 368, one on a generalised border
    ours = hand.loc[[i for i in hand.index if i[0] in set(csps_of(disp))], "hits"].sum()
    assert abs(placed - int(ours)) <= 1
    groups, csps = sorted(set(disp["group"])), list(disp["csp"].unique())
    totals = [[(a, g) for g in groups] for a in csps] + [[(a, g) for a in csps] for g in groups]
    bounds = _attack(disp, finds, "csp", truth, totals, [], [[(a, g) for a in csps for g in groups]])
    assert sum(k[2] == "hits" for k in bounds) == len(finds)  # every blank find an unknown
    _check_not_pinned(bounds, truth)
    _derived_hidden(disp, finds, "csp", per_year=365.25 / 91)
