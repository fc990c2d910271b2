"""police.uk files carry LSOA 2011 codes: assign_lsoa21 and read_street_crime's warning (session 14, w10a).

References, none of them saferstats' own tables:

* ``tests/fixtures/lsoa11_lsoa21_reference.json``: ONS's LSOA (2011) -> LSOA (2021) lookup and the
  LSOA 2021 -> ward -> LA (December 2024) -> police force area lookups, read with R straight from
  the geographr R data files (``tests/fixtures/generate_lsoa11_lsoa21_reference.R``): the lookup's
  counts, every changed LSOA 2011 of the ten Hertfordshire districts, a nine-way split, a merge and
  the three LSOAs 2011 whose parts lie in two authorities;
* the Hertfordshire 2021 police.uk files in ``../shared/data/street_crime/`` read with the csv
  module, the LSOAs 2021 from the published Census 2021 TS021 file and ONS's LSOA 2021 -> LA
  lookup in ``../shared/data/population/census2021_ew/``, and each record's district from the
  LSOA 2011 name police.uk gives it (``"Watford 009A"``); the figures measured in session 13
  (86 of 1,447 codes, 10,394 of 100,407 records; none of North Hertfordshire's records, 19% of
  Stevenage's, 23% of Watford's) are checked against that reading, not against saferstats;
* the records' coordinates (:func:`assign_area`) for where split LSOAs' records are.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import shutil
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import FIXTURES
from saferstats import datasets
from saferstats.exceptions import InvalidInputError, SaferstatsWarning

REF = json.loads((FIXTURES / "lsoa11_lsoa21_reference.json").read_text())
EXAMPLES = {e["lsoa11_code"]: e for e in REF["examples"]}
HERTS = ("Broxbourne", "Dacorum", "East Hertfordshire", "Hertsmere", "North Hertfordshire", "St Albans",
         "Stevenage", "Three Rivers", "Watford", "Welwyn Hatfield")


def quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return f(*a, **k)


def bundled_pairs() -> pd.DataFrame:
    path = Path(ss.__file__).parent / "data" / "lsoa11_lsoa21.csv.gz"
    with gzip.open(path, "rt") as fh:
        return pd.read_csv(fh, dtype=str)


def force_codes() -> dict[str, str]:
    lk = ss.geography.area_lookup()
    return dict(zip(lk["force"], lk["force_code"]))


# ------------------------------------------------------------------------------ the bundled lookup


def test_bundled_lookup_is_the_changed_part_of_the_ons_lookup():
    pairs = bundled_pairs()
    c = REF["counts"]
    per = pairs.drop_duplicates("lsoa11_code")["change"].value_counts()
    assert {k: int(per[k]) for k in "SMX"} == {k: c[f"lsoa11_{k}"] for k in "SMX"}
    assert {k: int((pairs["change"] == k).sum()) for k in "SMX"} == {k: c[f"pairs_{k}"] for k in "SMX"}
    # the unchanged LSOAs 2011 are LSOAs 2021 with the same code: 34,753 - 1,106 of them
    lsoa21 = set(ss.census_population("lsoa")["lsoa_code"])
    assert len(lsoa21) == c["lsoa21"] == 35_672
    assert not set(pairs["lsoa11_code"]) & lsoa21
    assert c["lsoa11"] - pairs["lsoa11_code"].nunique() == c["lsoa11_U"]
    assert set(pairs["lsoa21_code"]) <= lsoa21
    size = (Path(ss.__file__).parent / "data" / "lsoa11_lsoa21.csv.gz").stat().st_size
    assert size < 50_000


def test_changed_lsoas_against_the_ons_lookups_read_with_r():
    codes = sorted(EXAMPLES)
    out = quiet(ss.assign_lsoa21, pd.Series(codes, index=[f"r{i}" for i in range(len(codes))]))
    assert list(out.index) == [f"r{i}" for i in range(len(codes))]
    fc = force_codes()
    for (_, row), code in zip(out.iterrows(), codes):
        e = EXAMPLES[code]
        assert row["lsoa21_candidates"].split("; ") == e["lsoa21_codes"], code
        n21, one_la = len(e["lsoa21_codes"]), len(e["la_codes"]) == 1
        expected = {("M", 1): "merged", ("X", 1): "irregular"}.get((e["change"], n21),
                                                                    "split" if one_la else "split_areas")
        assert row["status"] == expected, code
        assert (row["lsoa21_code"] == e["lsoa21_codes"][0]) if n21 == 1 else pd.isna(row["lsoa21_code"]), code
        assert (row["la_code"] == e["la_codes"][0] and row["la"] == e["la_names"][0]) if one_la else (
            pd.isna(row["la_code"]) and pd.isna(row["csp_code"])), code
        assert (row["ward_code"] == e["ward_codes"][0]) if len(e["ward_codes"]) == 1 else pd.isna(row["ward_code"]), code
        assert fc[row["force"]] == e["force_codes"][0] and len(e["force_codes"]) == 1, code
    # a nine-way split (Newham 013G), a merge (Barking and Dagenham 021B with E01033588)
    newham = out[[c == "E01033583" for c in codes]].iloc[0]
    assert newham["status"] == "split" and newham["la"] == "Newham" and len(newham["lsoa21_candidates"].split("; ")) == 9
    merged = quiet(ss.assign_lsoa21, REF["merge_group"]["lsoa11_codes"])
    assert (merged["lsoa21_code"] == REF["merge_group"]["lsoa21_code"]).all() and (merged["status"] == "merged").all()


def test_exactly_the_lsoas_in_two_authorities_are_split_areas():
    pairs = bundled_pairs()
    out = quiet(ss.assign_lsoa21, pairs["lsoa11_code"].drop_duplicates())
    assert sorted(pairs["lsoa11_code"].drop_duplicates()[out["status"] == "split_areas"]) == REF["lsoa11_in_two_las"]
    # every split LSOA 2011 (ONS change S) lies in one local authority: its LA and CSP are given
    s = out["status"].to_numpy() == "split"
    assert s.sum() == REF["counts"]["lsoa11_S"] and out.loc[s, "la_code"].notna().all()
    assert out.loc[s, "csp_code"].notna().all() and out.loc[s, "force"].notna().all()
    # the CSP of a split LSOA 2011 in an authority whose CSPs follow pre-merger districts is one district's
    lsoa = ss.census_population("lsoa").drop_duplicates("lsoa_code").set_index("lsoa_code")
    for cands, csp in zip(out.loc[s, "lsoa21_candidates"], out.loc[s, "csp_code"]):
        assert {lsoa.at[c, "csp_code"] for c in cands.split("; ")} == {csp}


# ------------------------------------------------------------------------------ inputs and reporting


def test_inputs_index_and_counts():
    codes = pd.Series(pd.Categorical([" e01023859", "E01035582", None, "S01006506", "E01035582"]), index=list("abcde"))
    with pytest.warns(SaferstatsWarning, match=r"3 of 5 rows have no LSOA 2021: 1 with an LSOA 2011 code split .*"
                                               r"1 with a code that is not an LSOA of England and Wales; 1 with no code"):
        out = ss.assign_lsoa21(codes)
    assert list(out.index) == list("abcde")
    assert out["status"].tolist() == ["split", "lsoa21", "missing", "not_lsoa", "lsoa21"]
    assert out.attrs["status"] == {"lsoa21": 2, "split": 1, "not_lsoa": 1, "missing": 1}
    assert sum(out.attrs["status"].values()) == len(codes)
    assert out.attrs["unplaced"] == {"lsoa21_code": 3, "ward_code": 2, "la_code": 2, "csp_code": 2, "force": 2}
    assert out.loc["a", "la"] == "Watford" and out.loc["b", "la"] == "Stevenage"
    # the same from a list, an array, an Index, a single code, a frame with police.uk's column name
    for given in (list(codes), np.asarray(codes, dtype=object), pd.Index(codes.astype(object))):
        again = quiet(ss.assign_lsoa21, given)
        assert again["status"].tolist() == out["status"].tolist()
        assert list(again.index) == list(range(5))
    assert quiet(ss.assign_lsoa21, "E01000048")["lsoa21_code"].tolist() == ["E01034479"]
    frame = pd.DataFrame({"LSOA code": ["E01000048"], "Month": ["2021-01"]})
    assert ss.assign_lsoa21(frame)["status"].tolist() == ["merged"]
    # categoricals out; joins back onto the records without clashing columns
    assert all(isinstance(d, pd.CategoricalDtype) for d in out.dtypes)
    assert not set(out.columns) & set(ss.published.STREET_CRIME_COLUMNS)


def test_all_2021_codes_no_warning_and_empty_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ss.assign_lsoa21(pd.Series(["E01035582", "W01000010"]))  # new in 2021; Isle of Anglesey 002A
        empty = ss.assign_lsoa21(pd.Series([], dtype=object))
    assert out["status"].tolist() == ["lsoa21", "lsoa21"] and out["lsoa21_code"].notna().all()
    assert len(empty) == 0 and empty.attrs["unplaced"]["la_code"] == 0


def test_a_column_of_names_is_refused_naming_the_argument_and_row():
    with pytest.raises(InvalidInputError, match=r"no LSOA code .*row 'x' is 'Watford 009A'.*not the names") as e:
        ss.assign_lsoa21(pd.Series(["Watford 009A", "Stevenage 004B"], index=["x", "y"]))
    assert e.value.argument == "lsoa_code" and e.value.index == "x"
    with pytest.raises(InvalidInputError, match="without a column of LSOA codes") as e:
        ss.assign_lsoa21(pd.DataFrame({"code": ["E01000048"]}))
    assert e.value.argument == "lsoa_code"
    with pytest.raises(InvalidInputError, match="one column"):
        ss.assign_lsoa21(np.array([["E01000048"]]))


# ------------------------------------------------------------------------------ read_street_crime


def test_read_street_crime_warns_once_and_counts_over_files_and_archives(tmp_path):
    sample = datasets.street_crime_sample_path()
    files = sorted(sample.glob("*-street.csv"))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        both = ss.read_street_crime(files)
    lsoa_w = [x for x in w if "LSOA 2011" in str(x.message)]
    assert len(lsoa_w) == 1 and issubclass(lsoa_w[0].category, SaferstatsWarning)
    # independent count: the csv module and the LSOAs 2021 of census_population("lsoa")
    lsoa21 = set(ss.census_population("lsoa")["lsoa_code"])
    old = Counter()
    for f in files:
        with open(f, newline="", encoding="utf-8-sig") as fh:
            old.update(r["LSOA code"] for r in csv.DictReader(fh) if r["LSOA code"] and r["LSOA code"] not in lsoa21)
    expected = {"codes": len(old), "rows": sum(old.values())}
    assert expected["rows"] > 0 and both.attrs["summary"]["lsoa_codes_not_2021"] == expected
    assert str(lsoa_w[0].message).startswith(f"read_street_crime: {expected['rows']:,} of {len(both):,} records")
    # one file plain and one in a police.uk archive: read in two parts, counted over both
    (tmp_path / "2021-02").mkdir()
    shutil.copy(files[1], tmp_path / "2021-02" / files[1].name)
    with zipfile.ZipFile(tmp_path / "download.zip", "w") as z:
        z.write(tmp_path / "2021-02" / files[1].name, f"2021-02/{files[1].name}")
    mixed = quiet(ss.read_street_crime, [files[0], tmp_path / "download.zip"])
    assert mixed.attrs["summary"]["lsoa_codes_not_2021"] == expected
    # no LSOA column read: no LSOA count, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        some = ss.read_street_crime(files, columns=["month", "crime_type"])
    assert "lsoa_codes_not_2021" not in some.attrs["summary"]


def _herts_2021(street: Path):
    """The records of Hertfordshire's twelve 2021 files read with the csv module: (code, district of
    its LSOA 2011 name, lat, lon)."""
    rows = []
    for f in sorted(street.glob("2021-*-hertfordshire-street.csv")):
        with open(f, newline="", encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                district = re.sub(r" \d{3}[A-Z]$", "", r["LSOA name"]) if r["LSOA name"] else ""
                rows.append((r["LSOA code"], district, r["Latitude"], r["Longitude"]))
    return rows


@pytest.fixture(scope="module")
def herts(shared_data):
    street = shared_data / "street_crime"
    rows = _herts_2021(street)
    with open(shared_data / "population" / "census2021_ew" / "ts021_ethnic_group_lsoa21.csv", newline="") as fh:
        lsoa21 = {r["lsoa21_code"] for r in csv.DictReader(fh)}
    with open(shared_data / "population" / "census2021_ew" / "lookup_lsoa21_ward24_ltla24.csv", newline="") as fh:
        la_of = {r["lsoa21_code"]: r["ltla24_name"] for r in csv.DictReader(fh)}
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        df = ss.read_street_crime(sorted(street.glob("2021-*-hertfordshire-street.csv")))
    return rows, lsoa21, la_of, df, [x for x in w if "LSOA 2011" in str(x.message)]


def test_hertfordshire_2021_loss_as_measured(herts):
    rows, lsoa21, _la_of, df, _w = herts
    codes = Counter(c for c, *_ in rows if c)
    old = {c: n for c, n in codes.items() if re.fullmatch(r"[EW]01\d{6}", c) and c not in lsoa21}
    assert len(rows) == len(df) == 100_407
    assert len(codes) == 1_447 and len(old) == 86 and sum(old.values()) == 10_394
    assert df.attrs["summary"]["lsoa_codes_not_2021"] == {"codes": 86, "rows": 10_394}
    # uneven: by the district in each record's LSOA 2011 name
    tot, lost = Counter(), Counter()
    for c, d, *_ in rows:
        if c:
            tot[d] += 1
            lost[d] += c in old
    share = {d: lost[d] / tot[d] for d in HERTS}
    assert share["North Hertfordshire"] == 0
    assert round(100 * share["Stevenage"]) == 19 and round(100 * share["Watford"]) == 23


def test_hertfordshire_warning_names_counts_and_the_authorities_most_affected(herts):
    rows, lsoa21, la_of, df, w = herts
    assert len(w) == 1
    msg = str(w[0].message)
    assert "10,394 of 100,407 records (86 LSOA codes) carry LSOA 2011 codes" in msg
    assert "assign_lsoa21(df['lsoa_code'])" in msg and "assign_area(df['latitude'], df['longitude'])" in msg
    # each authority's share, independently: the LA of an LSOA 2021 from ONS's lookup, of a changed
    # LSOA 2011 from the R reference (Hertfordshire's changed LSOAs all lie in one authority but two)
    tot, lost = Counter(), Counter()
    for c, *_ in rows:
        if c in la_of:
            tot[la_of[c]] += 1
        elif c in EXAMPLES and len(EXAMPLES[c]["la_names"]) == 1:
            la = EXAMPLES[c]["la_names"][0]
            tot[la] += 1
            lost[la] += 1
    share = sorted(((lost[d] / tot[d], d) for d in HERTS), reverse=True)
    top = ", ".join(f"{d} {100 * s:.1f}%" for s, d in share[:3])
    assert f"(share of each local authority's records: {top} ... North Hertfordshire none)" in msg
    assert top.startswith("Watford 23.1%") and "Stevenage 18.9%" in top


def test_hertfordshire_join_loss_after_assign_lsoa21(herts):
    rows, lsoa21, _la_of, df, _w = herts
    out = quiet(ss.assign_lsoa21, df["lsoa_code"])
    placed = out["lsoa21_code"].notna().to_numpy()
    # every record given an LSOA 2021 joins the Census 2021 LSOA table
    assert set(out.loc[placed, "lsoa21_code"].astype(str)) <= lsoa21
    district = np.array([d for _c, d, *_ in rows], dtype=object)
    assert (df["lsoa_name"].astype(object).fillna("").str.replace(r" \d{3}[A-Z]$", "", regex=True).to_numpy() == district).all()
    with_code = df["lsoa_code"].notna().to_numpy()
    for d in ("North Hertfordshire", "Stevenage", "Watford"):
        mine = (district == d) & with_code
        # before: a join on lsoa_code loses up to 23%; after: no record of these districts loses its
        # local authority, and it is the district police.uk names
        assert (out.loc[mine, "la"] == d).all(), d
        # LSOA level: only the split LSOAs' records have no LSOA 2021; their ward where it is one
        no21 = mine & ~placed
        assert (out.loc[no21, "status"] == "split").all(), d
    # overall: the records with a code but no local authority are exactly those of the LSOAs 2011 in two
    st = out["status"].astype(str).to_numpy()
    assert set(df.loc[with_code & out["la_code"].isna().to_numpy(), "lsoa_code"].astype(str)) <= set(REF["lsoa11_in_two_las"])
    assert out.attrs["unplaced"]["la_code"] == int((st == "split_areas").sum()) + int((~with_code).sum())
    assert int((st == "split_areas").sum()) < 0.005 * len(df)


def test_split_and_straddling_codes_against_the_records_coordinates(herts):
    _rows, _lsoa21, _la_of, df, _w = herts
    out = quiet(ss.assign_lsoa21, df["lsoa_code"])
    where = quiet(ss.assign_area, df["latitude"], df["longitude"])
    st = out["status"].astype(str).to_numpy()
    herts_la = np.isin(out["la"].astype(object), HERTS)
    split = (st == "split") & herts_la
    agree = (where.loc[split, "name"].astype(object) == out.loc[split, "la"].astype(object)).mean()
    assert split.sum() > 9_000 and agree > 0.99  # the rest lie within the generalised outlines' error
    # Stevenage 004B (ONS X): wholly inside one LSOA 2021, in Stevenage; by coordinates in Stevenage,
    # or in East Hertfordshire within 150 m of Stevenage's generalised outline (its error)
    irr = (df["lsoa_code"] == "E01023768").to_numpy()
    assert irr.sum() > 0 and (out.loc[irr, "lsoa21_code"] == "E01035582").all()
    named = where.loc[irr, "name"].astype(object)
    assert set(named) == {"Stevenage", "East Hertfordshire"} and (named == "Stevenage").mean() > 0.7
    off = (named != "Stevenage").to_numpy()
    x, y = ss.to_bng(df.loc[irr, "latitude"].to_numpy()[off], df.loc[irr, "longitude"].to_numpy()[off])
    assert _distance_to_outline(x, y, ss.StudyArea("Stevenage", level="la").rings_bng).max() < 150
    # the LSOAs 2011 now divided between two authorities: only those two authorities hold their records
    for code, pair in (("E01023508", {"East Hertfordshire", "Stevenage"}), ("E01023964", {"Welwyn Hatfield", "St Albans"})):
        two = (df["lsoa_code"] == code).to_numpy()
        assert two.sum() > 0 and set(where.loc[two, "name"].dropna().astype(object)) <= pair
        assert (st[two] == "split_areas").all() and out.loc[two, "la"].isna().all()
        assert (out.loc[two, "force"] == "hertfordshire").all()


def _distance_to_outline(x, y, rings):
    """Metres from each point to the nearest edge of ``rings`` (British National Grid)."""
    best = np.full(len(x), np.inf)
    for r in rings:
        a, b = r[:-1], r[1:]
        d = b - a
        for i, (px, py) in enumerate(zip(x, y)):
            t = np.clip(((px - a[:, 0]) * d[:, 0] + (py - a[:, 1]) * d[:, 1]) / np.maximum((d ** 2).sum(1), 1e-12), 0, 1)
            best[i] = min(best[i], float(np.hypot(a[:, 0] + t * d[:, 0] - px, a[:, 1] + t * d[:, 1] - py).min()))
    return best


def test_find_area_says_what_an_lsoa_2011_code_became():
    # E01023859 (Watford 009A) split into two LSOAs 2021 in Watford (the R reference); an error said
    # "an LSOA 2011 code that changed in 2021?"
    e = EXAMPLES["E01023859"]
    with pytest.raises(ss.UnknownAreaError, match=(rf"E01023859 is an LSOA 2011 code, split in 2021 into the LSOAs "
                                                   rf"2021 {'; '.join(e['lsoa21_codes'])} in the local authority "
                                                   rf"'Watford' \({e['la_codes'][0]}\).*assign_lsoa21")):
        ss.find_area("E01023859")
    with pytest.raises(ss.UnknownAreaError, match="divided in 2021 between two local authorities"):
        ss.find_area("E01023508", level="csp")
    with pytest.raises(ss.UnknownAreaError, match="is not an LSOA 2021, nor an LSOA 2011"):
        ss.find_area("E01999999")


def test_polars_and_pyarrow_columns():
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    for given in (pl.Series("lsoa_code", ["E01000048", None]), pl.DataFrame({"lsoa_code": ["E01000048", None]}),
                  pa.array(["E01000048", None])):
        out = quiet(ss.assign_lsoa21, given)
        assert out["status"].tolist() == ["merged", "missing"]
        assert out["lsoa21_code"].tolist()[0] == REF["merge_group"]["lsoa21_code"]


def test_hotspots_place_by_coordinates_so_no_lsoa_warning(tmp_path, capsys):
    """The hotspot command (and the report's hotspot section) reads police.uk files for their
    coordinates: the LSOA 2011 warning does not apply there and is not shown; the filter matches the
    warning read_street_crime gives (so a change of its wording cannot pass silently)."""
    from saferstats.__main__ import main
    from saferstats.published import _LSOA_NOTE

    files = sorted(datasets.street_crime_sample_path().glob("*-street.csv"))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ss.read_street_crime(files)
    assert [x for x in w if re.match(_LSOA_NOTE, str(x.message))]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        code = main(["hotspots", *map(str, files), "--crime-type", "Anti-social behaviour", "--eps-m", "300",
                     "--min-samples", "5", "--out", str(tmp_path / "c.csv")])
    assert code == 0
    assert not [x for x in w if "LSOA" in str(x.message)]
    assert "LSOA" not in capsys.readouterr().err
    # each cluster's first and last police.uk month (the command passed no times before), as YYYY-MM
    got = pd.read_csv(tmp_path / "c.csv", dtype=str)
    months = set()
    for f in files:
        with open(f, newline="", encoding="utf-8-sig") as fh:
            months |= {r["Month"] for r in csv.DictReader(fh)}
    assert len(got) and set(got["first_time"]) | set(got["last_time"]) <= months
