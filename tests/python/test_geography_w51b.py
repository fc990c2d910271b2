"""Session 30 (w51b): geography and Census 2021 as a new CSP analyst meets them.

References: ONS's raw lookups and TS021 files in shared data
(``population/census2021_ew/lookup_ltla24_csp24_pfa24.csv``, ``ts021_ethnic_group_lsoa21.csv``,
``ts021_ethnic_group_detailed_ltla21.csv``) read with pandas, and the merger dates written out
here from the orders (Bournemouth, Christchurch and Poole and Somerset West and Taunton
2019-04-01; Cumberland, Westmorland and Furness and Somerset 2023-04-01).
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.exceptions import InvalidInputError, SaferstatsWarning, UnknownAreaError

LOOKUP = "population/census2021_ew/lookup_ltla24_csp24_pfa24.csv"


@pytest.fixture
def lookup(shared_data):  # type: ignore[no-untyped-def]
    return pd.read_csv(shared_path(shared_data, LOOKUP), dtype=str)


def _refusal(query: str, level: str | None) -> str:
    with pytest.raises(UnknownAreaError) as e:
        ss.find_area(query, level=level)  # type: ignore[arg-type]
    return str(e.value)


def test_taunton_names_its_district_and_both_successors(lookup) -> None:  # type: ignore[no-untyped-def]
    """Before: "Taunton" got "close matches: 'Luton', 'Thanet', 'Sutton', 'Halton'". Now it is
    read as Taunton Deane (E07000190), which became Somerset West and Taunton on 2019-04-01 and
    part of Somerset (E06000066 in the raw 2024 lookup) on 2023-04-01 - the message says both dates."""
    somerset = lookup.loc[lookup["ltla24_name"] == "Somerset", "ltla24_code"].iloc[0]
    assert "Taunton" not in set(lookup["ltla24_name"]) | set(lookup["csp24_name"])
    for level in ("la", None):
        msg = _refusal("Taunton", level)
        assert "Taunton Deane (E07000190)" in msg and "2019-04-01" in msg
        assert "'Somerset West and Taunton'" in msg
        assert f"since part of 'Somerset' ({somerset}) from 2023-04-01" in msg
        assert "Luton" not in msg
    csp = lookup.loc[lookup["ltla24_code"] == somerset, "csp24_code"].iloc[0]
    assert f"CSP 'Somerset' ({csp})" in _refusal("Taunton", "csp")


@pytest.mark.parametrize("query,district,successor,since", [
    ("South Lakeland District", "South Lakeland", "Westmorland and Furness", "2023-04-01"),
    ("Carlisle City", "Carlisle", "Cumberland", "2023-04-01"),
    ("Borough of Poole", "Poole", "Bournemouth, Christchurch and Poole", "2019-04-01"),
    ("Eden District Council", "Eden", "Westmorland and Furness", "2023-04-01"),
])
def test_council_words_around_a_former_district(lookup, query, district, successor, since) -> None:  # type: ignore[no-untyped-def]
    """Before: "South Lakeland District" and "Carlisle City" got look-alikes ("South Holland",
    "Castle Point") and "Borough of Poole" "no close matches" at level='la'. Now the error names
    the successor (its code from the raw lookup) and the date, as for the bare name; at level='csp'
    the name finds the CSP the raw lookup has."""
    code = lookup.loc[lookup["ltla24_name"] == successor, "ltla24_code"].iloc[0]
    msg = _refusal(query, "la")
    assert f"'{successor}' ({code})" in msg and f"was a district until {since}" in msg
    assert msg.split(": ", 1)[1] == _refusal(district, "la").split(": ", 1)[1]
    csp = lookup.loc[lookup["csp24_name"] == district, "csp24_code"].iloc[0]
    assert ss.find_area(query, level="csp") == {"level": "csp", "code": csp, "name": district}


@pytest.mark.parametrize("query,name", [
    ("Watford Borough", "Watford"), ("Dacorum Borough", "Dacorum"), ("Three Rivers District", "Three Rivers"),
    ("Borough of Broxbourne", "Broxbourne"), ("St Albans City and District", "St Albans"),
    ("Bradford Metropolitan Borough", "Bradford"),
])
def test_kind_of_council_without_council(lookup, query, name) -> None:  # type: ignore[no-untyped-def]
    """Before: "Watford Borough" got "close matches: 'Harborough', 'Peterborough', 'Watford'"
    (the kind of council was taken only before "Council"). Now any of the kinds, with or without
    "Council", finds the authority: the code is the raw lookup's."""
    code = lookup.loc[lookup["ltla24_name"] == name, "ltla24_code"].iloc[0]
    assert ss.find_area(query) == {"level": "la", "code": code, "name": name}


def test_la_table_says_which_authorities_are_split(lookup) -> None:  # type: ignore[no-untyped-def]
    """Before: census_population("la") returned rows whose csp is "Bournemouth; Poole; Dorset"
    silently, and groupby("csp") summed all of BCP under that label. Now ``.attrs["csp_split"]``
    gives each split authority's CSPs - exactly the authorities with more than one CSP in the raw
    lookup. (Session 31, w52b: the whole table no longer warns; the column and attrs flag it, and
    force= with a split authority warns: test_census_w52b.py.)"""
    many = lookup.groupby("ltla24_code")["csp24_name"].agg(lambda v: sorted(set(v)))
    many = many[many.map(len) > 1]
    assert len(many) == 7
    la = ss.census_population("la")
    split = la.attrs["csp_split"]
    assert {k: sorted(v) for k, v in split.items()} == many.to_dict()
    assert set(la.loc[la["csp_split"], "la_code"]) == set(many.index)
    # the label is no CSP of the lookup; census_population("csp") has Dorset with Christchurch
    assert "Bournemouth; Poole; Dorset" not in set(lookup["csp24_name"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        csp = ss.census_population("csp")
    dorset = int(csp.loc[csp["csp"] == "Dorset", "population"].sum())
    dorset_la = int(la.loc[la["csp"] == "Dorset", "population"].sum())
    assert dorset > dorset_la  # Christchurch (part of BCP) is in the CSP, not in the LA "Dorset" row


def test_package_callers_do_not_warn() -> None:
    """The warning is for the analyst's own call: the package's callers (areas_2024) join on codes."""
    from saferstats.geography import areas_2024

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(areas_2024("la", 2021)) == 318 * 5


def test_detailed_by_force_against_raw_ltla_table(shared_data, lookup) -> None:  # type: ignore[no-untyped-def]
    """Before: census_population("force", detailed=True) said only "available at level='la' only".
    Then the error gave the sum over the la table's force column; since session 31 (w52b) that sum is the
    table itself, checked here
    against the raw TS021 LTLA 2021 file summed with pandas by force (the 17 districts of 2021
    abolished in 2023 placed by hand in Cumbria, North Yorkshire and Avon and Somerset), and its
    broad sums against the raw TS021 LSOA file through the raw LSOA -> LTLA 2024 -> PFA lookups
    (ONS perturbed the two tables separately, and one LSOA of 1,914 residents moved from West
    Northamptonshire to Cherwell)."""
    d = shared_path(shared_data, "population/census2021_ew")
    det = pd.read_csv(d / "ts021_ethnic_group_detailed_ltla21.csv")
    groups = [c for c in det.columns if ":" in c]
    assert len(groups) == 19
    force_of = lookup.drop_duplicates("ltla24_code").set_index("ltla24_code")["pfa24_name"].to_dict()
    force_of.update({c: "Cumbria" for c in ("E07000026", "E07000027", "E07000028", "E07000029", "E07000030",
                                            "E07000031")})
    force_of.update({f"E0700016{i}": "North Yorkshire" for i in range(3, 10)})
    force_of.update({c: "Avon and Somerset" for c in ("E07000187", "E07000188", "E07000189", "E07000246")})
    det["pfa"] = det["ltla21_code"].map(force_of)
    assert det["pfa"].notna().all()
    ref = det.groupby("pfa")[groups].sum().stack()
    # session 31 (w52b): no longer refused; the table is the recipe the refusal gave
    with pytest.warns(SaferstatsWarning, match="2021 boundaries"):
        got = ss.census_population("force", detailed=True)
    names = lookup.drop_duplicates("pfa24_name").set_index("pfa24_name")["pfa24_code"]
    got["force_name"] = got["force"].map({ss.force_id(n): n for n in names.index})
    assert len(got) == 43 * 19 and got["force_name"].notna().all()
    mine = got.set_index(["force_name", "ethnicity"])["population"]
    pd.testing.assert_series_equal(mine.sort_index(), ref.sort_index(), check_names=False, check_dtype=False)
    # broad sums against the LSOA table
    lsoa = pd.read_csv(d / "ts021_ethnic_group_lsoa21.csv")
    to_la = pd.read_csv(d / "lookup_lsoa21_ward24_ltla24.csv", dtype=str)
    lsoa["pfa"] = lsoa["lsoa21_code"].map(to_la.set_index("lsoa21_code")["ltla24_code"]).map(force_of)
    assert lsoa["pfa"].notna().all()
    broad = lsoa.groupby("pfa")[["asian", "black", "mixed", "white", "other"]].sum()
    mine_broad = got.groupby(["force_name", "broad"])["population"].sum().unstack()
    diff = (mine_broad.rename(columns=str.lower)[broad.columns] - broad).abs()
    assert int(diff.max().max()) <= 1_914 + 60, diff.max()


@pytest.mark.parametrize("level", ["csp", "ward", "lsoa", "former_la"])
def test_detailed_elsewhere_refused_naming_what_works(level: str) -> None:
    """Before: "detailed=True is available at level='la' only", nothing more. The refusal now says
    why and names the broad-group table of the level asked for."""
    with pytest.raises(InvalidInputError, match="level='la' or 'force' only, not") as e:
        ss.census_population(level, detailed=True)  # type: ignore[arg-type]
    assert f"census_population({level!r})" in str(e.value) and e.value.argument == "detailed"


def test_methods_page_examples_run() -> None:
    """docs/methods/geography.md (new): its python blocks run in order and their assertions hold
    (the figures there are checked above against the raw files)."""
    import re

    from conftest import ROOT

    text = (ROOT / "docs" / "methods" / "geography.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 4
    scope: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "geography.md", "exec"), scope)
    index = (ROOT / "docs" / "methods" / "index.md").read_text(encoding="utf-8")
    assert "(geography.md)" in index and "\ngeography\n" in index


def test_short_form_of_a_former_district(lookup) -> None:  # type: ignore[no-untyped-def]
    """Before: "Weymouth" got look-alikes. Now the short form before a join of a district abolished
    since 2016 (Weymouth and Portland, E07000053, merged into Dorset on 2019-04-01) explains it, when no
    current area has that short form ("Newcastle" still names both current authorities)."""
    dorset = lookup.loc[lookup["ltla24_name"] == "Dorset", "ltla24_code"].iloc[0]
    msg = _refusal("Weymouth", "la")
    assert "Weymouth and Portland (E07000053) was a district until 2019-04-01" in msg and f"({dorset})" in msg
    with pytest.raises(UnknownAreaError, match="Newcastle upon Tyne.*Newcastle-under-Lyme|Newcastle-under-Lyme.*Newcastle upon Tyne"):
        ss.find_area("Newcastle", level="la")
