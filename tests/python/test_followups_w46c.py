"""Session 28 (w46c): follow-ups of round 1.

1. ``io.input_files``' path errors name the caller's argument (``read_fixmystreet(path=...)`` said
   ``path_or_paths``).
2. ``trend._AGGREGATE`` is gone: the funnels use ``published.AGGREGATE_NAME`` itself.
3. ``read_mha_annual``: England's Ethnicity rows' ``rate_per`` says why their population is about
   56.4 million (Census 2021's England less its Roma), checked against the shared Census 2021 files.
4. ``suppress``' "may be a total" rule knows local authorities of 2016-2023 ("South Somerset",
   "West Dorset") and codes by their kind's prefix.

Figures are from the published files read with pandas, never from saferstats' own output."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from saferstats import io as sio
from saferstats import published, trend
from saferstats.exceptions import InvalidInputError
from saferstats.geography import area_lookup
from warning_capture import saferstats_messages


# ----------------------------------------------------------------------------- 1: the argument's name

def test_read_fixmystreet_missing_path_names_path(tmp_path):
    with pytest.raises(InvalidInputError) as e:
        saferstats.read_fixmystreet(tmp_path / "no-such-folder")
    assert e.value.argument == "path"
    assert str(e.value) == f"path: {tmp_path / 'no-such-folder'}: no such file or folder"


def test_read_fixmystreet_empty_folder_names_path_and_its_pattern(tmp_path):
    (tmp_path / "notes.csv").write_text("a\n1\n")  # not a year's file
    with pytest.raises(InvalidInputError) as e:
        saferstats.read_fixmystreet(tmp_path)
    assert e.value.argument == "path"
    # the pattern was cut to "12][0-9][0-9][0-9].csv" (its first character dropped as if a "*")
    assert str(e.value) == f"path: {tmp_path}: folder has no [12][0-9][0-9][0-9].csv files"


def test_read_mha_annual_names_path(tmp_path):
    with pytest.raises(InvalidInputError) as e:
        saferstats.read_mha_annual(tmp_path)
    assert e.value.argument == "path"
    assert str(e.value) == f"path: {tmp_path}: folder has no .csv, .csv.gz files"


def test_input_files_takes_the_callers_name(tmp_path):
    with pytest.raises(InvalidInputError) as e:
        sio.input_files(3, arg="files")
    assert e.value.argument == "files" and str(e.value) == "files must be a path, a folder or a list of them, not int"
    with pytest.raises(InvalidInputError) as e:  # a reader whose parameter is path_or_paths
        saferstats.read_mid_year_population(tmp_path / "none.csv")
    assert e.value.argument == "path_or_paths"


# ----------------------------------------------------------------------------- 2: one name for aggregates

def test_no_aggregate_alias_in_trend():
    assert "_AGGREGATE" not in vars(trend)
    assert trend.AGGREGATE_NAME is published.AGGREGATE_NAME


# ----------------------------------------------------------------------------- 3: MHA Ethnicity's population

MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


def _census_england_and_roma(shared_data) -> tuple[int, int]:
    """Census 2021 England's usual residents (TS021 by LSOA) and its Roma (the detailed table by authority)."""
    def england(file: str, code: str, column: str) -> int:
        t = pd.read_csv(shared_path(shared_data, f"population/census2021_ew/{file}"), usecols=[code, column])
        return int(t.loc[t[code].str[0].eq("E"), column].sum())

    return (england("ts021_ethnic_group_lsoa21.csv", "lsoa21_code", "total_residents"),
            england("ts021_ethnic_group_detailed_ltla21.csv", "ltla21_code", "White: Roma"))


def test_mha_ethnicity_rate_per_says_census_2021_without_roma(shared_data):
    path = shared_path(shared_data, MHA)
    england, roma = _census_england_and_roma(shared_data)
    raw = pd.read_csv(path, dtype=str, thousands=",")
    rows = raw.query("OrganisationBreakdown == 'All submissions' and Demographic == 'Ethnicity' "
                     "and DemographicBreakdown == 'All'")
    fits = [(1e5 * count / (rate + 0.05), 1e5 * count / (rate - 0.05))  # each published rate, to 0.1
            for count, rate in zip(pd.to_numeric(rows["Total_Count"]), pd.to_numeric(rows["CrudeRate"], errors="coerce"))
            if rate > 0.05]
    assert len(fits) == 4 and all(lo <= england - roma <= hi for lo, hi in fits)
    assert any(not lo <= england <= hi for lo, hi in fits)  # Census England's total does not fit them all
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_mha_annual(path)
    whole = t[t["organisation_level"].eq("All submissions") & t["breakdown"].eq("All")]
    said = set(whole.loc[whole["demographic"].eq("Ethnicity") & (whole["crude_rate"] > 0.05), "rate_per"])
    assert len(said) == 1, said
    (text,) = said
    assert text.startswith("100,000 people in England (about 56.4 million: count / crude_rate"), text
    assert (f"Census 2021's England ({england:,} usual residents) less its Roma ({roma:,}), who have no group "
            f"in the NHS's ethnic categories, {england - roma:,}, fits these rates and Census England does not "
            "(inferred from the numbers; the file does not say so)") in text, text
    others = whole.loc[~whole["demographic"].eq("Ethnicity"), "rate_per"]
    assert not others.str.contains("Roma").any()  # the All, Age, IMD rows: a mid-year population


# ----------------------------------------------------------------------------- 4: areas of other years

def _totals_said(msgs: list[str]) -> list[str]:
    return [m for m in msgs if "may be totals of other rows" in m or "may be a total of other rows" in m]


def _table(names: list[str], first: list[int]) -> pd.DataFrame:
    rows = [(n, "A", a) for n, a in zip(names, first)] + [(n, "B", 40 + 10 * i) for i, n in enumerate(names)]
    return pd.DataFrame(rows, columns=["csp", "group", "searches"])


@pytest.fixture(scope="module")
def former() -> pd.DataFrame:
    """The bundled districts abolished since 2016 (ONS LSOA lookups), read with pandas."""
    from importlib.resources import files

    with (files("saferstats") / "data" / "census2021_former_la.csv.gz").open("rb") as fh:
        return pd.read_csv(fh, compression="gzip")


@pytest.fixture(scope="module")
def lad16() -> pd.DataFrame:
    """The bundled ONS LAD16 -> CSP16 -> PFA16 lookup, read with pandas."""
    from importlib.resources import files

    with (files("saferstats") / "data" / "lad16_csp16_pfa16_lookup.csv").open("rb") as fh:
        return pd.read_csv(fh, encoding="utf-8-sig")


def test_somersets_districts_of_2021_are_no_total(former):
    """South Somerset's 5 = Somerset West and Taunton's 2 + Mendip's 3 is a coincidence of three
    local authorities of 2021 (abolished 2023, so in no December 2024 list); their shared word
    "Somerset" said a total."""
    somerset = former.loc[former["successor"].eq("Somerset"), "la"].tolist()
    names = ["South Somerset", "Somerset West and Taunton", "Mendip", "Sedgemoor"]
    assert sorted(somerset) == sorted(names) and not set(names) & set(area_lookup()["la"])
    t = _table(names, [5, 2, 3, 20]).rename(columns={"csp": "la"})
    _, msgs = saferstats_messages(saferstats.suppress, t)
    assert not _totals_said(msgs), msgs
    # Somerset (2023) beside the districts it was made of is their total, and is still said
    whole = t.groupby("group", as_index=False)["searches"].sum().assign(la="Somerset")
    _, msgs = saferstats_messages(saferstats.suppress, pd.concat([t, whole[t.columns]], ignore_index=True))
    assert _totals_said(msgs) and "'Somerset' (30) = " in _totals_said(msgs)[0], msgs


def test_dorsets_districts_of_2016_are_no_total(lad16):
    """West Dorset 5 = North Dorset 2 + East Dorset 3: districts of the 2016 lookup (Dorset since 2019)."""
    names = ["West Dorset", "North Dorset", "East Dorset", "Purbeck"]
    assert set(names) <= set(lad16["LAD16NM"]) and not set(names) & set(area_lookup()["la"])
    t = _table(names, [5, 2, 3, 20]).rename(columns={"csp": "la"})
    _, msgs = saferstats_messages(saferstats.suppress, t)
    assert not _totals_said(msgs), msgs
    _, msgs = saferstats_messages(saferstats.suppress, pd.concat([t, t.groupby("group", as_index=False)["searches"].sum()
                                                                  .assign(la="Total")[t.columns]], ignore_index=True))
    assert _totals_said(msgs) and "'Total' (30) = " in _totals_said(msgs)[0], msgs


def test_a_code_is_known_by_its_prefix():
    """A CSP code of no bundled lookup (E22 and six digits) beside CSP names: still CSPs side by side."""
    names = ["South Derbyshire", "Chesterfield", "Derbyshire Dales", "E22000999"]
    assert "E22000999" not in set(area_lookup()["csp_code"])
    _, msgs = saferstats_messages(saferstats.suppress, _table(names, [3, 2, 1, 20]))
    assert not _totals_said(msgs), msgs
    # a force's code (E23) among CSPs is another kind: the shared-word rule applies again
    _, msgs = saferstats_messages(saferstats.suppress, _table(["South Derbyshire", "Chesterfield",
                                                               "Derbyshire Dales", "E23000018"], [3, 2, 1, 20]))
    assert _totals_said(msgs) and "'South Derbyshire' (3) = " in _totals_said(msgs)[0], msgs


# ----------------------------------------------------------------------------- 5: each kind says what it returns

def _kind_rows() -> dict[str, str]:
    """docs/vocabulary.md's table of kinds: kind -> its "returns" and "examples" cells."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and cells[0] not in ("kind", "---"):
            rows[cells[0]] = cells[1] + " | " + cells[2]
    return rows


def test_geo_exports_have_a_kind_that_says_what_they_return(tmp_path):
    """to_geodataframe (a GeoDataFrame) and write_ascii_grid (a Path) were catalogued as helpers,
    which the docs said return "a scalar, array or tuple of arrays"."""
    from test_vocabulary import CATALOGUE

    rows = _kind_rows()
    k = saferstats.kde_grid([530000.0, 530040.0, 530010.0, 529980.0], [180000.0, 180030.0, 179990.0, 180010.0],
                            cell_size=50, bandwidth=100)  # British National Grid metres
    written = saferstats.geo.write_ascii_grid(k, tmp_path / "kde.asc")
    assert type(written).__name__.endswith("Path") and written.exists()
    kind = CATALOGUE["write_ascii_grid"][0]
    assert kind == CATALOGUE["to_geodataframe"][0] != "helper"
    assert "`Path`" in rows[kind] and "GeoDataFrame" in rows[kind] and "`geo.to_geodataframe`" in rows[kind]


def test_grid_counts_is_a_helper_the_docs_describe():
    """grid_counts returns a tuple of three arrays (counts, x centres, y centres): the helper row names it."""
    from test_vocabulary import CATALOGUE

    out = saferstats.grid_counts([0.0, 10.0, 120.0], [0.0, 5.0, 80.0], cell_size=100)
    assert isinstance(out, tuple) and len(out) == 3 and all(isinstance(a, np.ndarray) for a in out)
    assert int(out[0].sum()) == 3
    row = _kind_rows()[CATALOGUE["grid_counts"][0]]
    assert "tuple of arrays" in row and "`grid_counts`" in row
    for name in ("short_group_labels", "funnel_overdispersion", "e_test", "p_adjust"):  # list / Series
        assert CATALOGUE[name][0] == "helper" and f"`{name}`" in row, name
