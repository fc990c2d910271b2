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


# 2. The advice for yearly rates, and rates that are not per year


def _derbyshire_files(shared_data) -> list[str]:
    return sorted(str(f) for f in shared_path(shared_data, FOLDER).glob("*-derbyshire-stop-and-search.csv"))


def test_not_per_year_caution_gives_the_days_and_no_multiplier(shared_data):
    """The library's caution on rates over a quarter named "a multiplier of 12/months" beside the advice;
    the advice is by days (91: December, January, February, from the calendar), and why 12/months is
    wrong is said without offering it."""
    import calendar
    import warnings

    import saferstats as ss

    days = sum(calendar.monthrange(y, m)[1] for y, m in ((2019, 12), (2020, 1), (2020, 2)))
    assert days == 91
    recs = ss.read_stop_search(_derbyshire_files(shared_data))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        ss.disproportionality(recs, None, by=["force"], census=2011)
        ss.disproportionality(recs, None, by=["force", "month"], census=2011)
    said = [str(w.message) for w in seen if "not per year" in str(w.message)]
    assert len(said) == 2, said
    assert (f"for yearly rates pass per_year=True (searches per 1,000 residents per year by person-time, population x "
            f"days / 365.25: over the {days} days of those months, so February counts its 28 or 29 days, not a twelfth "
            "of a year; the ratios do not change)") in said[0]
    assert ("population x the month's days / 365.25, so February counts its 28 or 29 days, not a twelfth of a year; "
            "the ratios do not change)") in said[1]
    assert not any("multiplier" in m or "12/months" in m for m in said)


def test_page_says_rates_not_annualised_are_not_per_year(tmp_path, shared_data):
    """With ``annualise = false`` (police.uk Derbyshire, Dec 2019 - Feb 2020) the page said nothing of
    the rates being a quarter's, under the heading the Home Office's yearly rates have: only the
    console cautioned. The page now says so, and the table's caption."""
    import html as html_mod
    import re

    from conftest import build_report

    files = _derbyshire_files(shared_data)
    listed = "[" + ", ".join(f'"{f}"' for f in files) + "]"
    out = build_report(tmp_path, f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = {listed}\ncensus = "2011"\n'
                                 "annualise = false\n")
    page = " ".join(html_mod.unescape(re.sub(r"<[^>]+>", " ", (out / "index.html").read_text())).split())
    assert ("Searches from Dec 2019 to Feb 2020 (3 months); each rate is over these 3 months, not per year as the Home "
            "Office publishes them, so it is not comparable with yearly rates ([stop_search] annualise = true gives "
            "rates per year by person-time: population × days / 365.25).") in page
    assert "Search rates per 1,000 over the 3 months (not per year), Dec 2019 to Feb 2020" in page
    # the rates are the quarter's: the hand count (pandas) per 1,000 of the table's population, not x 365.25 / 91
    raw = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files])
    asian = int(((raw["Type"] != "Vehicle search")
                 & raw["Self-defined ethnicity"].str.startswith("Asian/Asian British")).sum())
    disp = pd.read_csv(out / "stop_search_disproportionality.csv").set_index("group")
    assert int(disp.at["Asian", "searches"]) == asian == 28
    assert disp.at["Asian", "rate"] == pytest.approx(1000 * asian / disp.at["Asian", "population"], abs=5e-4)


def test_year_with_a_missing_month_is_annualised_by_days(tmp_path, shared_data):
    """A year's files with a force missing a month (the City of London's 2023 file without March): its
    rates were scaled by 12 / 11, each month read as a twelfth of a year, and the console said they
    were not per year though the page said they were. They are per year by person-time over the 334
    days of its 11 months (the calendar's), as the library's per_year=True gives them."""
    import calendar
    import warnings

    from saferstats.__main__ import main

    src = shared_path(shared_data, "stop_search/city_of_london_2023/stop_and_search.csv")
    raw = pd.read_csv(src, sep=";", dtype=str, keep_default_na=False)
    kept = raw[~raw["date"].str.startswith("2023-03")]
    assert 0 < len(kept) < len(raw)
    lines = src.read_text().splitlines(keepends=True)
    path = tmp_path / "ss.csv"
    path.write_text("".join([lines[0], *(x for x in lines[1:] if ";2023-03-" not in x)]))
    cfg = tmp_path / "a.toml"
    cfg.write_text(f'title = "T"\narea = "City of London"\n[stop_search]\nfiles = ["{path}"]\n')
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert not [w for w in seen if "not per year" in str(w.message)]
    days = sum(calendar.monthrange(2023, m)[1] for m in range(1, 13) if m != 3)
    assert days == 334
    asian = int(((kept["type"] != "Vehicle search") & kept["self_defined_ethnicity"].str.startswith("Asian")).sum())
    disp = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv").set_index("group")
    assert int(disp.at["Asian", "searches"]) == asian == 145
    per_year = 1000 * asian / disp.at["Asian", "population"] * 365.25 / days
    assert disp.at["Asian", "rate"] == pytest.approx(per_year, abs=5e-4)  # 109.583 (by 12 / 11: 109.317)
    page = (tmp_path / "o" / "index.html").read_text()
    assert "rates are annualised by person-time" in page
