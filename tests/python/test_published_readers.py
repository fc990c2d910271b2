"""Readers for files as published (issue 13): police.uk street-level crime, Home Office hate crime
tables, Defra fly-tipping. Expected values are the published figures (read independently with the
csv module, or quoted from the source), never the reader's own output."""

from __future__ import annotations

import csv
import re
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from saferstats import datasets
from saferstats.exceptions import InvalidInputError

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
STREET = SHARED / "street_crime"
HATE = SHARED / "hate_crime" / "home_office_by_force_2017-18_2018-19"
DEFRA = SHARED / "fly_tipping" / "defra_la_2012-13_to_2021-22"
needs_shared = pytest.mark.skipif(not STREET.is_dir(), reason="../shared/data is not beside the repository")


# Each large published file is read once per module where several tests read it with the same
# arguments (session 33: the CI is near its time limit); the frames are only read, never changed.
@pytest.fixture(scope="module")
def defra_csv():
    """read_flytipping of Defra's CSV export, with the warnings it gave."""
    if not DEFRA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        x = ss.read_flytipping(DEFRA / "DERIVED_Flytipping_LA_incidents.csv")
    return x, [w for w in said if issubclass(w.category, ss.SaferstatsWarning)]


@pytest.fixture(scope="module")
def mha_book():
    """read_mha_annual of NHS England's 2023-24 workbook as published, and of its main sheet's CSV export."""
    if not STREET.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    pytest.importorskip("openpyxl")
    return (ss.read_mha_annual(MHA / "mha_annual_suppressed_2023_24 (version 1).xlsx"),
            ss.read_mha_annual(MHA / "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"))


def _count_types(files):
    """Independent count of records by crime type, with the csv module."""
    c = Counter()
    for f in files:
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                c[row["Crime type"]] += 1
    return c


# ------------------------------------------------------------------------------ street crime

def test_street_sample_counts_equal_the_csv_module():
    folder = datasets.street_crime_sample_path()
    expected = _count_types(sorted(folder.glob("*.csv")))
    df = ss.read_street_crime(folder)
    assert df.attrs["summary"]["rows"] == sum(expected.values()) == 600
    assert df["crime_type"].value_counts().to_dict() == dict(expected)
    assert df["month"].cat.categories.tolist() == ["2021-01", "2021-02"]
    assert df["month"].cat.ordered
    asb = ss.read_street_crime(folder, crime_type="asb")
    assert len(asb) == expected["Anti-social behaviour"]
    assert asb.attrs["summary"]["other_crime_types"] == 600 - len(asb)
    # ASB has no outcome: missing, not an empty-string category
    assert asb["last_outcome_category"].isna().all()
    assert "" not in df["lsoa_code"].cat.categories


def test_street_crime_ids_and_columns():
    folder = datasets.street_crime_sample_path()
    df = ss.read_street_crime(folder, ids=True)
    assert list(df.columns) == ss.published.STREET_CRIME_COLUMNS
    assert "crime_id" not in ss.read_street_crime(folder).columns
    first = next(csv.DictReader(open(folder / "2021-01-hertfordshire-street.csv", encoding="utf-8")))
    row = df.iloc[0]
    assert row["crime_id"] == first["Crime ID"]
    assert row["longitude"] == pytest.approx(float(first["Longitude"]))
    assert row["lsoa_name"] == first["LSOA name"] and row["source_line"] == 2


def test_street_crime_columns_read_only_what_is_asked():
    folder = datasets.street_crime_sample_path()
    full = ss.read_street_crime(folder, crime_type="ASB")
    few = ss.read_street_crime(folder, crime_type="ASB", columns=["lsoa_code", "month"])
    assert list(few.columns) == ["month", "lsoa_code", "source_file", "source_line"]
    pd.testing.assert_frame_equal(few[["month", "lsoa_code"]].astype(str), full[["month", "lsoa_code"]].astype(str))
    with pytest.raises(InvalidInputError, match="unknown column"):
        ss.read_street_crime(folder, columns=["lsoa"])


def test_street_crime_zip_archive_equals_folder(tmp_path):
    folder = datasets.street_crime_sample_path()
    archive = tmp_path / "2021-02.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.glob("*.csv")):
            z.write(p, f"{p.name[:7]}/{p.name}")
        z.writestr("2021-02/2021-02-hertfordshire-outcomes.csv", "Crime ID,Month\n")  # not a street file
    a = ss.read_street_crime(archive, crime_type=["Burglary", "ASB"])
    b = ss.read_street_crime(folder, crime_type=["Burglary", "ASB"])
    cols = ["month", "crime_type", "lsoa_code", "longitude", "source_line"]
    pd.testing.assert_frame_equal(a[cols].astype(str), b[cols].astype(str))
    assert a["source_file"].iloc[0] == "2021-02.zip:2021-01/2021-01-hertfordshire-street.csv"


def test_street_crime_zip_in_small_batches(tmp_path, monkeypatch):
    folder = datasets.street_crime_sample_path()
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in sorted(folder.glob("*.csv")):
            z.write(p, f"x/{p.name}")
    monkeypatch.setattr(ss.published, "_ZIP_BATCH_BYTES", 1)  # one member per batch
    a = ss.read_street_crime(archive)
    assert len(a) == 600 and a["month"].cat.categories.tolist() == ["2021-01", "2021-02"]
    assert a.attrs["summary"]["files"] == 2


def test_street_crime_bad_input(tmp_path):
    folder = datasets.street_crime_sample_path()
    with pytest.raises(InvalidInputError, match="unknown crime type 'Burglery'.*Burglary"):
        ss.read_street_crime(folder, crime_type="Burglery")
    with pytest.raises(InvalidInputError, match="crime_type"):
        ss.read_street_crime(folder, crime_type=[])
    bad = tmp_path / "2021-03-x-street.csv"
    lines = (folder / "2021-01-hertfordshire-street.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",2021-01,", ",21-1,")  # an unreadable month
    lines[5] = "only,three,fields"
    bad.write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    df = ss.read_street_crime(bad)
    s = df.attrs["summary"]
    assert s["rows"] + s["lines_left_out"] == 9 and s["lines_left_out"] == 1
    reasons = {(d["source_line"], d["reason"].split(" (")[0]) for d in df.attrs["dropped"]}
    assert (4, "unparsable month") in reasons and (6, "malformed line") in reasons
    assert df["month"].isna().sum() == 1
    other = tmp_path / "notstreet-street.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidInputError, match="not a police.uk street-level crime file"):
        ss.read_street_crime(other)
    with pytest.raises(InvalidInputError, match="no such file"):
        ss.read_street_crime(tmp_path / "missing.csv")
    junk = tmp_path / "j.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(InvalidInputError, match="not a readable zip"):
        ss.read_street_crime(junk)


@needs_shared
def test_street_crime_real_files_as_published():
    files = sorted(STREET.glob("*-hertfordshire-street.csv"))
    expected = _count_types(files)
    df = ss.read_street_crime(STREET, crime_type="Anti-social behaviour")
    assert df.attrs["summary"]["records"] == sum(expected.values()) == 108_465  # PROVENANCE.md
    assert len(df) == expected["Anti-social behaviour"]
    assert len(df["month"].cat.categories) == 13


# ------------------------------------------------------------------------------ hate crime

def test_hate_crime_force_table_published_figures():
    t = ss.read_hate_crime(datasets.hate_crime_table_path())
    assert t.attrs["summary"]["layout"] == "force" and len(t) == 86
    herts = t[(t.force == "Hertfordshire")].set_index("period")
    # Home Office table as published: Hertfordshire 1,468 (2017/18) and 1,600 (2018/19) offences,
    # population "1,184,400", 135 per 100,000 in 2018/19
    assert herts.loc["2017/18", "offences"] == 1468 and herts.loc["2018/19", "offences"] == 1600
    assert herts.loc["2018/19", "population"] == 1_184_400 and herts.loc["2018/19", "published_rate"] == 135
    assert set(t.period) == {"2017/18", "2018/19"}
    # '#N/A' populations are missing and listed, never zero
    na = [d for d in t.attrs["dropped"] if d["value"] == "#N/A"]
    assert na and all(np.isnan(t.loc[t.source_line == d["source_line"], d["column"]]).all() for d in na)


def test_hate_crime_strand_table_footnotes_and_na():
    t = ss.read_hate_crime(datasets._path("hate_crime_national_strands_2011-12_2018-19.csv"))
    assert t.attrs["summary"]["layout"] == "strand"
    wide = t.pivot(index="strand", columns="period", values="count")
    # published: Race 71,264 in "2017/18³" (exported as "2017/183"), 78,991 in 2018/19
    assert wide.loc["race", "2017/18"] == 71264 and wide.loc["race", "2018/19"] == 78991
    assert wide.loc["transgender", "2011/12"] == 313
    assert np.isnan(wide.loc["offences", "2011/12"])  # "N/A" in the table
    assert [d["value"] for d in t.attrs["dropped"]] == ["N/A"]
    assert list(wide.columns) == [f"{y}/{(y + 1) % 100:02d}" for y in range(2011, 2019)]


def test_hate_crime_strand_table_names_its_totals_and_keeps_its_footnote(tmp_path):
    """Session 13: the table's two totals came out as strands (`shares` over them put race at 24% of
    2018/19, not 70%) and the note "2017/18³" points to was dropped. Reference: the file's own lines,
    read with the csv module."""
    path = ss.datasets.hate_crime_strands_path()
    t = ss.read_hate_crime(path)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    totals = [r[0] for r in lines if r and r[0].startswith("Total number of")]
    assert totals == ["Total number of motivating factors", "Total number of offences"]
    assert t.attrs["totals"] == ["motivating_factors", "offences"]
    note = next(r[0] for r in lines if r and r[0].startswith("3. "))
    assert t.attrs["footnotes"] == {"2017/18": note[3:]}
    strands = t[~t.strand.isin(t.attrs["totals"])]
    race = strands[strands.period == "2018/19"]
    share = race.loc[race.strand == "race", "count"].iloc[0] / race["count"].sum()
    assert round(share * 100) == 70  # 78,991 of the 112,637 motivating factors in 2018/19, as published
    # a superscript marker (the workbook's own "2017/18³") points to the same note
    f = tmp_path / "s.csv"
    f.write_text("Hate crime strand,2016/17,2017/18\u00b3,2018/19\nRace,1,2,3\n\n3. A note.\n", encoding="utf-8")
    u = ss.read_hate_crime(f)
    assert u.attrs["footnotes"] == {"2017/18": "A note."} and u.attrs["totals"] == []


def test_hate_crime_messy_cells(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text('Force,Year,Race,Total number of offences,Population\n'
                 'Kent ,2019/20\u00b3,"1,234",..,"1,000,000 "\n'
                 'Essex,2019-20,12a,5,N/A\n', encoding="utf-8")
    t = ss.read_hate_crime(f)
    assert t.force.tolist() == ["Kent", "Essex"] and t.period.tolist() == ["2019/20", "2019/20"]
    assert t.race.iloc[0] == 1234 and np.isnan(t.offences.iloc[0]) and t.population.iloc[0] == 1_000_000
    assert t.attrs["summary"]["unparsable_cells"] == 1 and t.attrs["summary"]["missing_cells"] == 2
    bad = tmp_path / "b.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidInputError, match="not a Home Office hate crime table"):
        ss.read_hate_crime(bad)


@needs_shared
def test_hate_crime_ods_equals_its_csv_export():
    pytest.importorskip("odf")
    ods = ss.read_hate_crime(HATE / "hate-crime-1819-hosb2419-tables.ods", sheet="Table_2")
    csv_ = ss.read_hate_crime(HATE / "DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")
    pd.testing.assert_frame_equal(ods.drop(columns="source_line"), csv_.drop(columns="source_line"))
    # without sheet=, the error names the sheets that hold a table the reader knows, and each
    # one it names is read
    with pytest.raises(InvalidInputError, match="name the sheet") as e:
        ss.read_hate_crime(HATE / "hate-crime-1819-hosb2419-tables.ods")
    assert e.value.argument == "sheet"
    assert "'Table_2' (strand series), 'Figure_2' (monthly figures)" in str(e.value)
    for name in re.findall(r"'(\w+)' \(", str(e.value).split("knows:")[1]):
        assert len(ss.read_hate_crime(HATE / "hate-crime-1819-hosb2419-tables.ods", sheet=name)) > 0


def test_hate_crime_monthly_grid(tmp_path):
    """The bulletin's monthly figure layout: years across, months down, blanks before the series
    starts; a blank inside the series is a reported gap, never a zero."""
    f = tmp_path / "fig.csv"
    f.write_text('"Figure 2: offences by month"\n\nNumbers,,,"England and Wales"\n,,2013,2014\n\n'
                 'January,,,"2,409"\nFebruary,,,..\nMarch,,,"2,816"\nApril,,"2,391",\nMay,,"2,903",\n'
                 'June,,"2,926",\nJuly,,"3,004",\nAugust,,"2,855",\nSeptember,,"2,745",\nOctober,,"2,738",\n'
                 'November,,"2,479",\nDecember,,"2,223",\n\n"Source: Police recorded crime, Home Office"\n',
                 encoding="utf-8")
    t = ss.read_hate_crime(f)
    assert t.attrs["summary"]["layout"] == "monthly"
    assert t.month.tolist()[0] == "2013-04" and t.month.tolist()[-1] == "2014-03" and len(t) == 12
    assert t["count"].iloc[0] == 2391 and t["count"].iloc[9] == 2409
    assert np.isnan(t.loc[t.month == "2014-02", "count"].iloc[0])
    assert [(d["month"], d["value"]) for d in t.attrs["dropped"]] == [("2014-02", "..")]


@needs_shared
def test_hate_crime_monthly_figure_as_published():
    """Figure 2 of the 2018/19 bulletin (CSV export and the ODS sheet) = the bundled excerpt, which
    notebooks/data_06/make_excerpts.py made from the same file with pandas."""
    bundled = datasets.hate_crime_monthly()
    csv_ = ss.read_hate_crime(HATE / "DERIVED_hate-crime-1819-hosb2419-tables_Figure_2.csv")
    assert csv_.month.tolist() == bundled.month.astype(str).tolist()
    assert csv_["count"].tolist() == bundled.offences.astype(float).tolist()
    assert csv_["count"].sum() == 273050 and not csv_.attrs["dropped"]
    pytest.importorskip("odf")
    ods = ss.read_hate_crime(HATE / "hate-crime-1819-hosb2419-tables.ods", sheet="Figure_2")
    assert ods["count"].tolist() == csv_["count"].tolist()


# ------------------------------------------------------------------------------ fly-tipping

def test_flytipping_excerpt():
    ft = ss.read_flytipping(datasets.flytipping_table_path())
    with open(datasets.flytipping_table_path(), newline="") as fh:
        published = list(csv.DictReader(fh))
    # every district in every year: Defra's 2018-19 and 2019-20 names end in spaces ("Hertsmere  "), which
    # the reader folds (an excerpt that matched names exactly once lost those 15 rows)
    assert len(ft) == len(published) == 100
    assert (ft.groupby("la_name")["period"].nunique() == 10).all() and ft.la_name.nunique() == 10
    assert set(ft.period) == {f"{y}/{(y + 1) % 100:02d}" for y in range(2012, 2022)}
    ref = datasets.flytipping_hertfordshire()
    merged = ft.merge(ref.assign(period=ref.year.str.replace("-", "/")), on=["period", "la_code"])
    assert len(merged) == 100
    assert (merged["incidents_x"] == merged["incidents_y"].astype(float)).all()
    assert set(ft.region) == set(ref.region) == {"East of England"}  # "East", then "Eastern" as published


@needs_shared
def test_flytipping_workbook_as_published(defra_csv):
    pytest.importorskip("openpyxl")
    x = ss.read_flytipping(DEFRA / "Flytipping.xlsx")
    c = defra_csv[0]
    # 3,323 published rows (PROVENANCE.md) = authorities + regional/England/unallocated aggregates
    assert x.attrs["summary"]["rows"] + x.attrs["summary"]["aggregate_rows"] == 3323
    assert not x.la_code.str.startswith("*").any() and "E00000000" not in set(x.la_code)
    pd.testing.assert_frame_equal(x[["period", "la_code", "incidents"]], c[["period", "la_code", "incidents"]])
    # a text column stays text; its ':' is missing
    assert pd.api.types.is_string_dtype(x.reporting_basis) and x.reporting_basis.isna().any()
    assert "All incidents" in set(x.reporting_basis)
    assert x.attrs["summary"]["unparsable_cells"] == 0
    # ':' is "no figure", never zero
    na_lines = set(x.loc[x["incidents"].isna(), "source_line"])
    listed = {d["source_line"] for d in x.attrs["dropped"] if d["column"] == "incidents"}
    assert x.attrs["summary"]["missing_cells"] > 0 and na_lines == listed and (x["incidents"].dropna() >= 0).all()

    # one name per region in every year: Defra prints "East" to 2020/21 and "Eastern", "E Midlands",
    # "W Midlands" in 2021/22; the ONS names (the nine English regions) are used throughout, so no
    # authority changes region and a regional series does not split in its last year
    assert sorted(x.region.unique()) == ["East Midlands", "East of England", "London", "North East", "North West",
                                        "South East", "South West", "West Midlands", "Yorkshire and The Humber"]
    assert (x.groupby("la_code")["region"].nunique() == 1).all()
    assert x.attrs["summary"]["regions_renamed"] == {"East": "East of England", "Eastern": "East of England",
                                                     "E Midlands": "East Midlands", "W Midlands": "West Midlands"}


# ------------------------------------------------------------------------- NHS MHA statistics

MHA = SHARED / "s136_mental_health" / "nhs_mha_annual_2023_24"


@needs_shared
def test_mha_workbook_as_published_equals_its_main_sheet_csv(mha_book):
    # the workbook as published (main sheet + the author's pivot sheets) gives exactly the table of
    # the main sheet's CSV export (PROVENANCE.md), "#N/A" error cells included as their text
    pytest.importorskip("openpyxl")
    book = MHA / "mha_annual_suppressed_2023_24 (version 1).xlsx"
    x, c = mha_book
    pd.testing.assert_frame_equal(x, c, check_categorical=False)
    assert len(x) == 6947 and x.attrs["suppressed"] == c.attrs["suppressed"] > 0
    # session 31 (w52e): the 7 "#N/A" cells are in a jumbled block put back in order by position, so the
    # text as published is in .attrs["breakdowns_restored"], read alike from both
    def na(t):
        return sum(f["published"].count("#N/A") for f in t.attrs["breakdowns_restored"])
    assert na(x) == na(c) == 7 and x.attrs["breakdowns_restored"] == c.attrs["breakdowns_restored"]
    assert ss.read_mha_annual(book, sheet="mha_annual_suppressed_2023_24").equals(x)
    with pytest.raises(InvalidInputError, match="no sheet 'Pivot'") as e:
        ss.read_mha_annual(book, sheet="Pivot")
    assert e.value.argument == "sheet"
    # a sheet that exists but is one of the pivot sheets: say so, and name the main sheet
    with pytest.raises(InvalidInputError, match="sheet 'Dashboard' does not have .*'mha_annual_suppressed_2023_24'") as e:
        ss.read_mha_annual(book, sheet="dashboard")
    assert e.value.argument == "sheet"
    with pytest.raises(InvalidInputError, match="applies to a workbook"):
        ss.read_mha_annual(MHA / "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv", sheet="x")


@needs_shared
def test_street_crime_counts_lsoa_codes_that_are_not_2021_lsoas():
    # police.uk 2021 street crime carries LSOA 2011 codes; those that are not LSOAs of 2021 (ONS
    # TS021 by LSOA 2021, read here from the published file) do not join Census 2021 tables
    df = ss.read_street_crime(STREET)
    with open(SHARED / "population" / "census2021_ew" / "ts021_ethnic_group_lsoa21.csv", newline="") as fh:
        lsoa21 = {r["lsoa21_code"] for r in csv.DictReader(fh)}
    rows = Counter()
    for f in sorted(STREET.glob("*-street.csv")):
        with open(f, newline="", encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                code = r["LSOA code"]
                if re.fullmatch(r"[EW]01\d{6}", code) and code not in lsoa21:
                    rows[code] += 1
    assert len(lsoa21) == 35672
    assert df.attrs["summary"]["lsoa_codes_not_2021"] == {"codes": len(rows), "rows": sum(rows.values())}
    assert len(rows) > 0
def test_mha_datasource_and_source_counts_as_in_the_workbook(mha_book):
    """read_mha_annual dropped Datasource, MHSDS_Count and Acute_Count: the S136 "All" row (MHSDS +
    A&E) could not be told from its MHSDS-only breakdowns (18-34 came out 47.0% instead of 52.0%).
    Every row's three values equal the workbook's cells, read independently with openpyxl."""
    openpyxl = pytest.importorskip("openpyxl")
    book = MHA / "mha_annual_suppressed_2023_24 (version 1).xlsx"
    wb = openpyxl.load_workbook(book, read_only=True, data_only=True)
    rows = list(wb["mha_annual_suppressed_2023_24"].iter_rows(values_only=True))
    head = list(rows[0])
    ds, mh, ac = (head.index(c) for c in ("Datasource", "MHSDS_Count", "Acute_Count"))

    def num(v):
        if v is None or (isinstance(v, str) and v.strip() in ("", "*", "[c]", "[x]", "[z]", "-")):
            return np.nan
        return float(str(v).replace(",", ""))

    t = mha_book[0]
    assert len(t) == len(rows) - 1
    assert t["datasource"].tolist() == [r[ds] for r in rows[1:]]
    np.testing.assert_array_equal(t["mhsds_count"].to_numpy(), [num(r[mh]) for r in rows[1:]])
    np.testing.assert_array_equal(t["acute_count"].to_numpy(), [num(r[ac]) for r in rows[1:]])
    # the walk-through's figures: the S136 "All" row is both sources; its breakdowns are MHSDS only
    q = t[(t.subcategory == "Section 136") & (t.organisation_level == "All submissions")]
    all_row = q[(q.demographic == "All") & (q.breakdown == "All")].iloc[0]
    assert (all_row.datasource, all_row.mhsds_count, all_row.acute_count, all_row["count"]) == ("Both", 15212, 1625, 16837)
    age = q[(q.demographic == "Age") & (q.breakdown != "All")]
    assert set(age[age["count"] > 0].datasource) == {"MHSDS"} and age["count"].sum() == all_row.mhsds_count
    n = q.query("demographic == 'Age' and breakdown == '18 to 34'")["count"].iloc[0]
    assert round(100 * n / all_row.mhsds_count, 1) == 52.0
    # the CSV export gives the same
    c = mha_book[1]
    pd.testing.assert_frame_equal(t[["datasource", "mhsds_count", "acute_count"]], c[["datasource", "mhsds_count", "acute_count"]])


def test_mha_file_without_source_columns_reads_them_as_missing(tmp_path):
    """The bundled excerpt has the source columns; a file without them (an older year's layout)
    still reads, with datasource / mhsds_count / acute_count missing in every row."""
    src = datasets.mha_annual_excerpt_path()
    with open(src, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    keep = [i for i, c in enumerate(rows[0]) if c not in ("Datasource", "MHSDS_Count", "Acute_Count")]
    assert len(keep) == len(rows[0]) - 3
    path = tmp_path / "old.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[r[i] for i in keep] for r in rows])
    full, old = ss.read_mha_annual(src), ss.read_mha_annual(path)
    assert full["datasource"].notna().all() and full["mhsds_count"].notna().any()
    assert old["datasource"].isna().all() and old["mhsds_count"].isna().all() and old["acute_count"].isna().all()
    pd.testing.assert_frame_equal(old.drop(columns=["datasource", "mhsds_count", "acute_count"]),
                                  full.drop(columns=["datasource", "mhsds_count", "acute_count"]))
    # an unparsable source count is reported with the file's own name, not the column's
    rows[3][rows[0].index("Acute_Count")] = "12a"
    bad = tmp_path / "bad.csv"
    with open(bad, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    d = ss.read_mha_annual(bad).attrs["dropped"]
    assert [(x["source_file"], x["source_line"], x["column"], x["value"]) for x in d] == [("bad.csv", 4, "Acute_Count", "12a")]


@needs_shared
def test_flytipping_recording_changes_are_named_not_trended(defra_csv):
    """Defra's counts are what each council records: Reigate and Banstead went from 524 (2019/20)
    to 10,530 (2020/21) and the report called that a 79%-a-year rise. read_flytipping names every
    year not on the 'All incidents' basis and every 4-fold change on the previous year (100+
    incidents in one of them); checked here against the published CSV read with the csv module."""
    x, said = defra_csv  # read once per module, its SaferstatsWarnings recorded
    assert any(re.search(r"99 authority-years are not counted.*16 counts changed 4-fold", str(w.message)) for w in said)
    with open(DEFRA / "DERIVED_Flytipping_LA_incidents.csv", newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    head = next(i for i, r in enumerate(rows) if "ONS Code" in [c.strip() for c in r])
    cols = [c.strip() for c in rows[head]]
    code, year, total, basis = (cols.index(k) for k in ("ONS Code", "Year", "Total Incidents", "Reporting basis"))
    series: dict[str, dict[str, float]] = {}
    not_all: set[str] = set()
    for r in rows[head + 1:]:
        if len(r) <= basis or r[code].startswith("*") or r[code] in ("", "E00000000") or not r[year].strip():
            continue
        b = r[basis].strip()
        if b and b not in (":", "..") and b.lower() != "all incidents":
            not_all.add(r[code])
        v = r[total].replace(",", "").strip()
        if v.replace(".", "", 1).isdigit():
            series.setdefault(r[code], {})[r[year].strip()] = float(v)
    want_steps = set()
    for c, ys in series.items():
        years = sorted(ys)
        for a, b in zip(years, years[1:]):
            lo, hi = sorted((ys[a], ys[b]))
            if hi >= 100 and (lo == 0 or hi / lo >= 4):
                want_steps.add((c, ys[b]))
    got_steps = {(s["la_code"], s["incidents"]) for s in x.attrs["summary"]["recording_steps"]}
    assert got_steps == want_steps and len(got_steps) == 16
    assert len(x.attrs["summary"]["not_all_incidents"]) == 99
    assert {d["la_code"] for d in x.attrs["summary"]["not_all_incidents"]} == not_all
    rb = x[(x.la_name == "Reigate and Banstead") & (x.period == "2020/21")]
    assert rb["recording_note"].iloc[0] == "up 20.1-fold on the previous year published: a change in recording?"
    red = x[(x.la_name == "Redbridge") & (x.period == "2021/22")]["recording_note"].iloc[0]
    assert red.startswith("reporting basis: Customer/public reported only; down 4.3-fold")
    # the boolean columns flag exactly the rows found independently above
    assert set(zip(x.loc[x.not_all_incidents, "la_code"], x.loc[x.not_all_incidents, "period"])) == {
        (d["la_code"], d["period"]) for d in x.attrs["summary"]["not_all_incidents"]}
    assert set(zip(x.loc[x.recording_step, "la_code"], x.loc[x.recording_step, "incidents"])) == want_steps
    assert (x["recording_note"] != "").sum() == len({(d["la_code"], d["period"]) for d in x.attrs["summary"]["not_all_incidents"]}
                                                   | {(s["la_code"], s["period"]) for s in x.attrs["summary"]["recording_steps"]})


def test_flytipping_tables_merge_and_concat():
    """Session 15: read_flytipping kept the counts as read as an array in attrs, and pandas, which
    compares attrs when it merges or concatenates, raised "The truth value of an array ... is
    ambiguous" on ``ft.merge(other)`` when both came from the reader."""
    a = ss.read_flytipping(datasets.flytipping_table_path())
    b = ss.read_flytipping(datasets.flytipping_table_path())
    merged = a.merge(b[["la_code", "period", "incidents"]], on=["la_code", "period"])
    assert len(merged) == len(a) and (merged["incidents_x"].fillna(-1) == merged["incidents_y"].fillna(-1)).all()
    both = pd.concat([a, b])
    assert len(both) == 2 * len(a)
    # the flags still reach the funnels from a column of the table
    assert ss.read_flytipping(datasets.flytipping_table_path())["incidents"].attrs.get("incidents_as_read") is not None
