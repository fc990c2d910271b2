"""Session 29 (w49a): errors that name their fix.

1. ``disproportionality(records, read_census_ethnicity(<TS021 by local authority>, level="csp"),
   by="csp")`` for searches placed in Wycombe said "csp 'Wycombe' is not in it; no close matches":
   the CSP that the reader left out (recorded in ``attrs["dropped"]``) was not named as such. Now
   the error names the CSP, its residents, the authority it lacks, the file's line and the LSOA
   table to pass as ``population``.
   Independent reference: the raw ONS lookups (authority December 2024 -> CSP; LSOA 2021 ->
   authority) and the raw TS021 files, read with pandas: Wycombe's CSP code and authority, the
   authority's line in the file, and the residents of Buckinghamshire's CSPs summing to its LSOAs.
2. ``io.input_files``' errors for a missing path or an empty folder named the argument only in
   ``.argument``; now the text starts with it ("path: ...: no such file or folder").
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.exceptions import InvalidInputError, UnknownAreaError

CEN = "population/census2021_ew/"
LA_FILE = CEN + "ts021_ethnic_group_detailed_ltla21.csv"
LSOA_FILE = CEN + "ts021_ethnic_group_lsoa21.csv"
ESSEX = "stop_search/policeuk_7forces_2019-12_to_2020-02/2020-01-essex-stop-and-search.csv"


def _quiet(fn, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **kw)


def _wycombe_records(shared_data, tmp_path):
    """Forty real police.uk rows (Essex, January 2020) placed in High Wycombe (as w48a's test does):
    only the place of the searches matters here."""
    d = pd.read_csv(shared_path(shared_data, ESSEX)).head(40).assign(Latitude=51.6286, Longitude=-0.7482)
    f = tmp_path / "2020-01-thames-valley-stop-and-search.csv"
    d.to_csv(f, index=False)
    return _quiet(ss.read_stop_search, f)


def test_disproportionality_names_the_csp_left_out_and_the_lsoa_table(shared_data, tmp_path):
    """Before: UnknownAreaError("no population for {'csp': 'Wycombe', 'csp_code': 'E22000318'} ...:
    csp 'Wycombe' is not in it; no close matches"), argument 'csp'."""
    recs = _wycombe_records(shared_data, tmp_path)
    pop = _quiet(ss.read_census_ethnicity, shared_path(shared_data, LA_FILE), level="csp")
    with pytest.raises(UnknownAreaError) as e:
        _quiet(ss.disproportionality, recs, pop, by="csp")
    msg = str(e.value)
    assert "no close matches" not in msg
    assert e.value.argument == "population"
    # the reference: the raw lookups and files
    lk = pd.read_csv(shared_path(shared_data, CEN + "lookup_ltla24_csp24_pfa24.csv"), dtype=str)
    w = lk[lk["csp24_name"] == "Wycombe"].iloc[0]
    la21 = pd.read_csv(shared_path(shared_data, LA_FILE), dtype=str)
    line = int(la21.index[la21.iloc[:, 0] == w["ltla24_code"]][0]) + 2  # (header, then 1-based)
    said = re.search(
        r"csp 'Wycombe' is not in it: ts021_ethnic_group_detailed_ltla21.csv, the Census 2021 table by local "
        rf"authority, cannot give the residents of Wycombe CSP \({w['csp24_code']}, ([\d,]+) residents by LSOA "
        rf"counts\), where searches are placed: the CSP lacks its part of {w['ltla24_name']} \({w['ltla24_code']}\)"
        rf", which the file gives whole for several CSPs \(line {line}\), so read_census_ethnicity left it out\. "
        r"Pass as population the Census 2021 TS021 table by LSOA read with read_census_ethnicity\(path, "
        r"level='csp'\) \(ts021_ethnic_group_lsoa21\.csv", msg)
    assert said is not None, msg
    n = int(said.group(1).replace(",", ""))
    # Buckinghamshire is split across CSPs in the lookup; the residents of its CSPs (as the error says
    # each) sum to its LSOAs in the raw LSOA file over the raw LSOA -> authority lookup
    bucks = lk.loc[lk["ltla24_code"] == w["ltla24_code"], "csp24_name"].tolist()
    assert len(bucks) == 4 and "Wycombe" in bucks
    lsoa = pd.read_csv(shared_path(shared_data, LSOA_FILE))
    lk21 = pd.read_csv(shared_path(shared_data, CEN + "lookup_lsoa21_ward24_ltla24.csv"), dtype=str)
    total = int(lsoa.merge(lk21, on="lsoa21_code").query("ltla24_code == @w.ltla24_code")["total_residents"].sum())
    parts = {r["csp"]: r["csp_residents"] for r in pop.attrs["dropped"] if r["csp"] in bucks}  # (the reader's records)
    assert parts["Wycombe"] == n and sum(parts.values()) == total
    # the fix it names: the LSOA table read by CSP gives Wycombe those residents
    fixed = _quiet(ss.disproportionality, recs, _quiet(ss.read_census_ethnicity, shared_path(shared_data, LSOA_FILE),
                                                         level="csp"), by="csp")
    assert set(fixed["csp"].astype(str)) == {"Wycombe"}
    assert int(fixed["population"].sum()) == n


def test_other_missing_csp_keeps_close_matches(shared_data, tmp_path):
    """A CSP the table simply lacks (not one the reader left out) is said as before."""
    recs = _wycombe_records(shared_data, tmp_path)
    pop = pd.DataFrame({"csp": ["Wycombe District"] * 2, "ethnicity": ["White", "Black"], "population": [10, 20]})
    with pytest.raises(UnknownAreaError) as e:
        _quiet(ss.disproportionality, recs, pop, by="csp")
    assert "csp 'Wycombe' is not in it; close matches: 'Wycombe District'" in str(e.value)
    assert e.value.argument == "csp"


# ----------------------------------------------------------------------------- 2: input_files' argument

READERS = [
    (ss.read_stop_search, "path_or_paths", ".csv, .csv.gz, .json, .json.gz"),
    (ss.read_street_crime, "path_or_paths", "-street.csv, -street.csv.gz, .zip"),
    (ss.read_mid_year_population, "path_or_paths", ".csv"),
    (ss.read_fixmystreet, "path", "[12][0-9][0-9][0-9].csv"),
    (ss.read_mha_annual, "path", ".csv, .csv.gz"),
]


@pytest.mark.parametrize("reader, arg, kinds", READERS, ids=[r[0].__name__ for r in READERS])
def test_path_errors_name_the_argument_in_the_text(tmp_path, reader, arg, kinds):
    """Before: "<path>: no such file or folder" and "<path>: folder has no ... files", the name in
    .argument only."""
    with pytest.raises(InvalidInputError) as e:
        reader(tmp_path / "none")
    assert e.value.argument == arg and str(e.value) == f"{arg}: {tmp_path / 'none'}: no such file or folder"
    with pytest.raises(InvalidInputError) as e:
        reader(tmp_path)
    assert e.value.argument == arg and str(e.value) == f"{arg}: {tmp_path}: folder has no {kinds} files"


ONE_FILE = [ss.read_hate_crime, ss.read_flytipping, ss.read_census_ethnicity, ss.read_use_of_force]


@pytest.mark.parametrize("reader", ONE_FILE, ids=[r.__name__ for r in ONE_FILE])
def test_one_file_readers_name_path(tmp_path, reader):
    """The readers of one published table (``published._one_file``) pass ``path``."""
    with pytest.raises(InvalidInputError) as e:
        reader(tmp_path / "none.csv")
    assert e.value.argument == "path" and str(e.value) == f"path: {tmp_path / 'none.csv'}: no such file or folder"
    with pytest.raises(InvalidInputError) as e:
        reader(tmp_path)
    assert e.value.argument == "path" and str(e.value) == f"path: {tmp_path}: folder has no .csv, .ods, .xlsx files"
    with pytest.raises(InvalidInputError) as e:
        reader([])
    assert e.value.argument == "path" and str(e.value) == "path: no input files given"


def test_command_line_and_report_say_the_path_in_their_own_words(tmp_path, capsys):
    """The command line and the report name the path their own way: the Python parameter's name
    is left out there (as before this change), the path given."""
    from saferstats.__main__ import main

    (tmp_path / "empty").mkdir()
    assert main(["disproportionality", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert f"saferstats: error: {tmp_path / 'empty'}: folder has no .csv, .csv.gz, .json, .json.gz files" in err
    assert "path_or_paths" not in err
    cfg = tmp_path / "r.toml"
    cfg.write_text(f'title = "T"\narea = "Thames Valley"\n[stop_search]\nfiles = ["{tmp_path / "empty"}"]\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert (f"saferstats: error: [stop_search] could not be analysed: {tmp_path / 'empty'}: folder has no .csv, "
            ".csv.gz, .json, .json.gz files") in err
    assert "path_or_paths" not in err
