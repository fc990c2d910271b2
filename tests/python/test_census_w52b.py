"""Session 31 (w52b): census_population's split-CSP warning, force=, and detailed=True by force.

References: ONS's raw files in shared data read with pandas - the LAD (2024) -> CSP -> PFA lookup
(``lookup_ltla24_csp24_pfa24.csv``), the LSOA (2021) -> ward -> LAD (2024) lookup, TS021 by LSOA
2021 (``ts021_ethnic_group_lsoa21.csv``) and TS021 detailed by LAD 2021
(``ts021_ethnic_group_detailed_ltla21.csv``) - and the six Cumbrian districts of 2021 written out
here (Allerdale E07000026 to South Lakeland E07000031, merged on 2023-04-01 into Cumberland and
Westmorland and Furness, both split across the CSPs of those districts).
"""
from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.exceptions import SaferstatsWarning, UnknownAreaError

CEN = "population/census2021_ew/"
BROAD = {"asian": "Asian", "black": "Black", "mixed": "Mixed", "white": "White", "other": "Other"}
CUMBRIA_2021 = ["E07000026", "E07000027", "E07000028", "E07000029", "E07000030", "E07000031"]


@pytest.fixture
def lookup(shared_data):  # type: ignore[no-untyped-def]
    return pd.read_csv(shared_path(shared_data, CEN + "lookup_ltla24_csp24_pfa24.csv"), dtype=str)


@pytest.fixture
def lsoa_by_la(shared_data):  # type: ignore[no-untyped-def]
    """The raw TS021 LSOA cells summed by pandas to local authorities 2024 (long: la_code, ethnicity)."""
    lsoa = pd.read_csv(shared_path(shared_data, CEN + "ts021_ethnic_group_lsoa21.csv"))
    to_la = pd.read_csv(shared_path(shared_data, CEN + "lookup_lsoa21_ward24_ltla24.csv"), dtype=str)
    lsoa["la_code"] = lsoa["lsoa21_code"].map(to_la.set_index("lsoa21_code")["ltla24_code"])
    return lsoa.groupby("la_code")[list(BROAD)].sum().rename(columns=BROAD).stack()


def _silent(*args, **kw):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return ss.census_population(*args, **kw)


def test_whole_la_table_and_hertfordshire_are_quiet(lookup, lsoa_by_la) -> None:  # type: ignore[no-untyped-def]
    """Before: every analyst call of census_population("la") warned of the seven split authorities
    (decided by inspecting the caller's stack frame), though a Hertfordshire analyst's ten
    authorities are ten CSPs. Now the whole table is quiet and flags the split rows (``csp_split``,
    ``.attrs["csp_split"]`` = the raw lookup's authorities with more than one CSP), and
    ``force="hertfordshire"`` (new) gives the raw lookup's ten authorities, each its own CSP, with
    the raw LSOA cells' sums (1,198,832 residents)."""
    la = _silent("la")
    many = lookup.groupby("ltla24_code")["csp24_name"].agg(lambda v: sorted(set(v)))
    many = many[many.map(len) > 1]
    assert {k: sorted(v) for k, v in la.attrs["csp_split"].items()} == many.to_dict()
    herts = _silent("la", force="hertfordshire")
    raw = lookup[lookup["pfa24_name"] == "Hertfordshire"]
    assert sorted(herts["la_code"].unique()) == sorted(raw["ltla24_code"]) and len(raw) == 10
    assert (herts["csp"] == herts["la"]).all() and not herts["csp_split"].any()
    assert herts.attrs["csp_split"] == {} and herts.attrs["force"] == "hertfordshire"
    ref = lsoa_by_la[lsoa_by_la.index.get_level_values(0).isin(raw["ltla24_code"])]
    got = herts.set_index(["la_code", "ethnicity"])["population"]
    pd.testing.assert_series_equal(got.sort_index(), ref.sort_index(), check_names=False, check_dtype=False)
    assert int(ref.sum()) == 1_198_832
    # "Herts", the force's name and its ONS code select the same rows
    for name in ("Herts", "Hertfordshire Constabulary", raw["pfa24_code"].iloc[0]):
        assert _silent("la", force=name).equals(herts)


def test_dorset_selection_warns_of_bcp(lookup, lsoa_by_la) -> None:  # type: ignore[no-untyped-def]
    """The warning case: force="dorset" holds Bournemouth, Christchurch and Poole, which the raw
    lookup puts in three CSPs; its row's csp "Bournemouth; Poole; Dorset" carries all of its
    400,247 residents (raw LSOA cells summed), so the call warns and points at level='csp'."""
    bcp = lookup[lookup["ltla24_name"] == "Bournemouth, Christchurch and Poole"]
    assert sorted(bcp["csp24_name"]) == ["Bournemouth", "Dorset", "Poole"]
    code = bcp["ltla24_code"].iloc[0]
    with pytest.warns(SaferstatsWarning, match=r"census_population\('csp', force='dorset'\)") as rec:
        dorset = ss.census_population("la", force="dorset")
    assert len(rec) == 1 and "Bournemouth, Christchurch and Poole: Bournemouth; Poole; Dorset" in str(rec[0].message)
    assert list(dorset.attrs["csp_split"]) == [code]
    got = int(dorset.loc[dorset["la_code"] == code, "population"].sum())
    assert got == int(lsoa_by_la[code].sum()) == 400_247
    # the CSP table of the same force is quiet: its Dorset CSP has Christchurch
    csp = _silent("csp", force="dorset")
    assert sorted(csp["csp"].unique()) == ["Bournemouth", "Dorset", "Poole"]
    assert int(csp["population"].sum()) == int(dorset["population"].sum())


def test_unknown_force_refused() -> None:
    """force= that is no force area is refused naming the argument (not an empty table)."""
    with pytest.raises(UnknownAreaError, match="none of the 43") as e:
        ss.census_population("la", force="Hertford")
    assert e.value.argument == "force"
    with pytest.raises(UnknownAreaError):
        ss.census_population("force", census=2011, force="btp")


def test_detailed_by_force_against_raw_ltla21(shared_data, lookup) -> None:  # type: ignore[no-untyped-def]
    """Before: census_population("force", detailed=True) was refused. Now it is the local
    authority detailed table summed to force areas; checked against the raw TS021 LTLA 2021 file
    summed by pandas for Hertfordshire (its ten authorities in the raw lookup) and Cumbria (the six
    districts of 2021, merged in 2023 into two authorities split across their CSPs), and the
    boundary note is carried by Thames Valley and Northamptonshire only."""
    raw = pd.read_csv(shared_path(shared_data, CEN + "ts021_ethnic_group_detailed_ltla21.csv"))
    groups = [c for c in raw.columns if ":" in c]
    herts_las = lookup.loc[lookup["pfa24_name"] == "Hertfordshire", "ltla24_code"]
    with pytest.warns(SaferstatsWarning, match="northamptonshire, thames-valley are at 2021 boundaries"):
        det = ss.census_population("force", detailed=True)
    assert list(det.columns) == ["force", "force_name", "force_code", "boundary_note", "broad", "ethnicity",
                                 "population", "census"]
    for force, codes in (("hertfordshire", herts_las), ("cumbria", CUMBRIA_2021)):
        ref = raw[raw["ltla21_code"].isin(codes)][groups].sum()
        got = det[det["force"] == force].set_index("ethnicity")["population"]
        pd.testing.assert_series_equal(got.sort_index(), ref.sort_index(), check_names=False, check_dtype=False)
        assert _silent("force", detailed=True, force=force).equals(
            det[det["force"] == force].reset_index(drop=True))
    assert set(det.loc[det["boundary_note"] != "", "force"]) == {"northamptonshire", "thames-valley"}
    assert det.attrs["geography"].startswith("police force areas")


@pytest.mark.parametrize("level", ["la", "csp"])
def test_hertfordshire_at_district_level_names_all_ten(lookup, level: str) -> None:  # type: ignore[no-untyped-def]
    """Before: find_area("Hertfordshire", level="la") said "covering 10 local authorities:
    Broxbourne, Dacorum, Hertsmere, North Hertfordshire, Three Rivers, Watford, ..." - six names
    that read as the start of an alphabetical list, hiding East Hertfordshire, St Albans, Stevenage
    and Welwyn Hatfield. Now all ten of the raw lookup's names are given (up to 12; above that the
    count of the rest: the Metropolitan Police's 32 authorities of the raw lookup end "and 20 more")."""
    col = {"la": "ltla24_name", "csp": "csp24_name"}[level]
    herts = lookup.loc[lookup["pfa24_name"] == "Hertfordshire", col]
    with pytest.raises(UnknownAreaError) as e:
        ss.find_area("Hertfordshire", level=level)  # type: ignore[arg-type]
    listed = re.search(r"covering 10 [^:]+: ([^;]+);", str(e.value)).group(1)  # type: ignore[union-attr]
    assert sorted(listed.split(", ")) == sorted(herts) and len(herts) == 10
    met = lookup.loc[lookup["pfa24_name"] == "Metropolitan Police", "ltla24_code"].nunique()
    with pytest.raises(UnknownAreaError, match=f"covering {met} local authorities: .* and {met - 12} more; "):
        ss.find_area("Metropolitan Police", level="la")


def test_study_area_describe_docstring_has_hertfordshires_code(lookup) -> None:  # type: ignore[no-untyped-def]
    """Before: StudyArea.describe's docstring gave 'Hertfordshire (police force area E23000026)';
    E23000026 is Bedfordshire in the raw lookup. Now it gives what describe() returns, with the raw
    lookup's code for Hertfordshire."""
    code = lookup.loc[lookup["pfa24_name"] == "Hertfordshire", "pfa24_code"].iloc[0]
    assert lookup.loc[lookup["pfa24_code"] == "E23000026", "pfa24_name"].iloc[0] == "Bedfordshire"
    said = ss.StudyArea("Hertfordshire", level="force").describe()
    assert said == f"Hertfordshire (police force area {code})"
    assert f"'{said}'" in " ".join((ss.StudyArea.describe.__doc__ or "").split())


def test_former_districts_of_hertfordshire_empty_says_so(lookup) -> None:  # type: ignore[no-untyped-def]
    """force= that leaves no rows (none of the mergers since 2018 was in Hertfordshire: its ten
    districts of the raw 2024 lookup are each still one CSP of its own name) warns, where before
    there was no force= and now an empty table would say nothing; Cumbria's six districts of 2021
    (written out above) are all there."""
    herts = lookup[lookup["pfa24_name"] == "Hertfordshire"]
    assert len(herts) == 10 and (herts["ltla24_name"] == herts["csp24_name"]).all()
    with pytest.warns(SaferstatsWarning, match="no districts abolished .* in hertfordshire"):
        assert ss.census_population("former_la", force="hertfordshire").empty
    cumbria = _silent("former_la", force="cumbria")
    assert sorted(cumbria["la_code"].unique()) == CUMBRIA_2021


def test_methods_page_counts_its_levels(lookup) -> None:  # type: ignore[no-untyped-def]
    """Before: docs/methods/geography.md said "Four levels, all of December 2024" over a table of
    five (LSOAs are 2021 Census geography). Now it says five; the table's counts are the raw
    lookup's (318 authorities, 314 CSPs, 43 force areas) and census_population's levels."""
    from conftest import ROOT

    text = " ".join((ROOT / "docs" / "methods" / "geography.md").read_text(encoding="utf-8").split())
    assert "Four levels" not in text and "Five levels: LSOAs of the 2021 Census geography" in text
    rows = re.findall(r"\| `(\w+)` \| [^|]+ \| ([\d,]+)", text)
    assert [r[0] for r in rows] == ["lsoa", "ward", "la", "csp", "force"]
    counts = {lv: int(n.replace(",", "")) for lv, n in rows}
    assert (counts["la"], counts["csp"], counts["force"]) == (
        lookup["ltla24_code"].nunique(), lookup["csp24_code"].nunique(), lookup["pfa24_code"].nunique())
    for lv in ("lsoa", "la", "csp", "force"):
        assert _silent(lv)[f"{lv}_code" if lv != "force" else "force_code"].nunique() == counts[lv]
