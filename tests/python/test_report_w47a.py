"""Session 28 (w47a): ``[stop_search] population`` by local authority, codes of two years.

With ``by = ["la"]`` the searches are placed in the local authorities of December 2024 (the bundled
ONS boundaries: Cumberland, E06000063), while the Census 2021 TS021 table by local authority
(``ts021_ethnic_group_detailed_ltla21.csv``) has the districts of 2021 (Allerdale, E07000026): the
report stopped ("no population for {'la': 'Cumberland', ...}; close matches: 'Northumberland', ...").
The districts abolished since are now summed into their December 2024 authority; a file lacking some
of an authority's districts is refused naming them. The TS021 table by LSOA was at 2024 already.

No police.uk files of a force whose authorities changed are shared (Cumbria, North Yorkshire, Avon and
Somerset), so the searches are Durham's police.uk rows of December 2019 moved to four Cumbrian towns.
Every population is the raw ONS files summed here with pandas.
"""

from __future__ import annotations

import html
import re
import warnings

import pandas as pd
import pytest

from conftest import build_report, shared_path

SS = "stop_search/policeuk_7forces_2019-12_to_2020-02/2019-12-durham-stop-and-search.csv"
CEN = "population/census2021_ew/"
# (latitude, longitude) of four town centres: Carlisle and Whitehaven (Cumberland), Kendal and
# Barrow-in-Furness (Westmorland and Furness)
TOWNS = [(54.8925, -2.9329, "Cumberland"), (54.5489, -3.5870, "Cumberland"),
         (54.3280, -2.7463, "Westmorland and Furness"), (54.1108, -3.2261, "Westmorland and Furness")]
BROAD = {"Asian": "Asian", "Black": "Black", "Mixed": "Mixed", "Other": "Other", "White": "White"}


def _cumbria_file(tmp_path, shared_data) -> tuple[str, pd.DataFrame]:
    raw = pd.read_csv(shared_path(shared_data, SS), dtype=str, keep_default_na=False)
    rows = raw[raw["Latitude"] != ""].head(400).reset_index(drop=True)
    town = [TOWNS[i % 4] for i in range(len(rows))]
    rows["Latitude"] = [str(t[0]) for t in town]
    rows["Longitude"] = [str(t[1]) for t in town]
    path = tmp_path / "2019-12-cumbria-stop-and-search.csv"
    rows.to_csv(path, index=False)
    return str(path), rows.assign(la=[t[2] for t in town])


def _raw_ltla(shared_data) -> pd.DataFrame:
    """The raw TS021 table by authority 2021, its detailed columns summed to the five broad groups."""
    raw = pd.read_csv(shared_path(shared_data, CEN + "ts021_ethnic_group_detailed_ltla21.csv"))
    out = pd.DataFrame({"code": raw["ltla21_code"], "name": raw["ltla21_name"]})
    for g in BROAD:
        out[g] = raw[[c for c in raw.columns if c.startswith(g)]].sum(axis=1)
    return out


def _districts_of(shared_data, la24: str) -> set[str]:
    """The 2021 districts an authority of December 2024 was made of: the names LSOAs 2021 carry
    ("Allerdale 001A") of its LSOAs in the ONS lookup."""
    lk = pd.read_csv(shared_path(shared_data, CEN + "lookup_lsoa21_ward24_ltla24.csv"), dtype=str)
    return set(lk.loc[lk["ltla24_name"] == la24, "lsoa21_name"].str.replace(r" \d{3}[A-Z]$", "", regex=True))


def _page_text(out) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", (out / "index.html").read_text())).split())


def test_la_table_of_2021_summed_to_the_authorities_the_searches_are_placed_in(tmp_path, shared_data):
    path, rows = _cumbria_file(tmp_path, shared_data)
    ltla = shared_path(shared_data, CEN + "ts021_ethnic_group_detailed_ltla21.csv")
    out = build_report(tmp_path, f'title = "T"\narea = "Cumbria"\n[stop_search]\nfiles = ["{path}"]\nby = ["la"]\n'
                                 f'population = "{ltla}"\n')
    d = pd.read_csv(out / "stop_search_disproportionality.csv", dtype=str, keep_default_na=False)
    assert set(d["la"]) == {"Cumberland", "Westmorland and Furness"}
    assert set(d["la_code"]) == {"E06000063", "E06000064"}
    raw = _raw_ltla(shared_data)
    white = rows["Self-defined ethnicity"].str.startswith("White")
    for la24, districts in (("Cumberland", {"Allerdale", "Carlisle", "Copeland"}),
                            ("Westmorland and Furness", {"Barrow-in-Furness", "Eden", "South Lakeland"})):
        assert _districts_of(shared_data, la24) == districts
        mine = raw[raw["name"].isin(districts)]
        assert len(mine) == 3
        got = d[d["la"] == la24].set_index("group")
        for g in BROAD:
            assert int(got.at[g, "population"]) == int(mine[g].sum()), (la24, g)
        # White searches counted from the file, and their rate per 1,000 per year (31 days of December)
        n = int((white & (rows["la"] == la24)).sum())
        assert int(got.at["White", "searches"]) == n > 0
        assert float(got.at["White", "rate"]) == pytest.approx(n / mine["White"].sum() * 1000 * 365.25 / 31, abs=6e-4)
    page = _page_text(out)
    assert ("from ts021_ethnic_group_detailed_ltla21.csv, summed from its local authorities to local authorities of "
            "December 2024, where the searches are placed (17 districts abolished since 2021 summed into Cumberland, "
            "North Yorkshire, Somerset and 'Westmorland and Furness').") in page


def test_both_census_tables_give_the_same_authorities(shared_data):
    """The table by authority and the table by LSOA now give the same 318 authorities of December 2024,
    with the same CSPs; their populations differ by ONS's perturbation only (each table perturbed apart)."""
    from saferstats.report.inputs import stop_search_population

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        la, _ = stop_search_population(shared_path(shared_data, CEN + "ts021_ethnic_group_detailed_ltla21.csv"), ["la"])
        lsoa, _ = stop_search_population(shared_path(shared_data, CEN + "ts021_ethnic_group_lsoa21.csv"), ["la"])
    cols = ["la", "la_code", "csp", "csp_code", "force", "csp_split"]
    a, b = la[cols].drop_duplicates().set_index("la_code"), lsoa[cols].drop_duplicates().set_index("la_code")
    assert len(a) == len(b) == 318
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index())
    # all of England and Wales is in both
    raw = _raw_ltla(shared_data)
    assert int(la["population"].sum()) == int(raw[list(BROAD)].to_numpy().sum())


def test_a_file_lacking_districts_of_an_authority_is_refused(tmp_path, shared_data):
    from saferstats.report.config import ConfigError
    from saferstats.report.inputs import stop_search_population

    raw = pd.read_csv(shared_path(shared_data, CEN + "ts021_ethnic_group_detailed_ltla21.csv"))
    part = tmp_path / "ts021_part.csv"
    raw[raw["ltla21_code"].str.startswith("E06") | (raw["ltla21_name"] == "Allerdale")].to_csv(part, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ConfigError) as e:
            stop_search_population(part, ["la"])
    msg = str(e.value)
    assert "Cumberland (E06000063) lacks Carlisle (E07000028), Copeland (E07000029)" in msg, msg
    assert "Pass the whole Census 2021 TS021 table by local authority or LSOA" in msg
