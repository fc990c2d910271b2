"""A police.uk month missing from the street-level files read, said where the analyst reads them
(session 36, v1). The reference throughout is the list of files written or left out, by hand."""
import warnings
import zipfile

import pandas as pd
import pytest

import saferstats
from conftest import shared_path

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
          "Last outcome category,Context\n")
FORCE = "Hertfordshire Constabulary"


def _rows(month, n_asb=6, n_burglary=2):
    """police.uk lines of ``month``: ``n_asb`` ASB records at one map point (a cluster), ``n_burglary`` burglaries."""
    asb = [f",{month},{FORCE},{FORCE},-0.396,51.655,On or near High Street,E01023848,Watford 008A,"
           "Anti-social behaviour,,\n"] * n_asb
    bur = [f"abc{k},{month},{FORCE},{FORCE},-0.300,51.700,On or near Park Road,E01023848,Watford 008A,Burglary,"
           "Under investigation,\n" for k in range(n_burglary)]
    return "".join(asb + bur)


def _files(tmp_path, months, **kw):
    """One police.uk file per month, named as published (``YYYY-MM-hertfordshire-street.csv``)."""
    out = []
    for m in months:
        p = tmp_path / f"{m}-hertfordshire-street.csv"
        p.write_text(HEADER + _rows(m, **kw), encoding="utf-8")
        out.append(str(p))
    return out


WRITTEN = ["2021-01", "2021-02", "2021-04", "2021-05"]  # 2021-03 left out, by hand: 4 of the 5 months


def _read(*args, **kw):
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        df = saferstats.read_street_crime(*args, **kw)
    return df, [str(w.message) for w in said if issubclass(w.category, saferstats.SaferstatsWarning)]


def test_read_street_crime_names_a_month_not_read(tmp_path):
    """Before: files of 2021-01, 02, 04 and 05 (March's left out) were read without a word, and no
    attribute held the gap. Reference: the months written, by hand (2021-03 of 2021-01 to 2021-05)."""
    df, said = _read(_files(tmp_path, WRITTEN))
    assert df.attrs["months_missing"] == ["2021-03"]
    gap = [s for s in said if s.startswith("read_street_crime: no file of")]
    assert len(gap) == 1
    words = " ".join(gap[0].split())
    assert "no file of 2021-03 was read" in words and "the records cover 4 of the 5 months from 2021-01 to 2021-05" \
        in words and ".attrs['months_missing']" in words
    # a police.uk zip archive: the same months, from its members
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for m in WRITTEN:
            z.writestr(f"{m}/{m}-hertfordshire-street.csv", HEADER + _rows(m))
    df, said = _read(archive)
    assert df.attrs["months_missing"] == ["2021-03"]
    assert sum(s.startswith("read_street_crime: no file of 2021-03") for s in said) == 1


def test_a_month_read_is_not_missing(tmp_path):
    """A month whose file was read is not missing: with ``crime_type`` keeping none of its records
    (2021-03 has no burglary) and for a file with only its header (police.uk's month with no record).
    Nor is any month missing when every file is read. Reference: the files written."""
    months = ["2021-01", "2021-02", "2021-03"]
    files = _files(tmp_path, months[:2]) + _files(tmp_path, months[2:], n_burglary=0)
    df, said = _read(files, crime_type="Burglary")
    assert sorted(df["month"].astype(str).unique()) == ["2021-01", "2021-02"]
    assert "months_missing" not in df.attrs and not any("no file of" in s for s in said)
    (tmp_path / "2021-04-hertfordshire-street.csv").write_text(HEADER, encoding="utf-8")
    files += _files(tmp_path, ["2021-05"])
    df, said = _read([*files, str(tmp_path / "2021-04-hertfordshire-street.csv")])
    assert "months_missing" not in df.attrs and not any("no file of" in s for s in said)


@pytest.fixture(scope="module")
def herts_without_june(request):
    """Hertfordshire's 13 monthly files as published, June 2021's left out (read once: month and LSOA only)."""
    shared = request.getfixturevalue("shared_data")
    folder = shared_path(shared, "street_crime")
    files = sorted(folder.glob("20*-hertfordshire-street.csv"))
    if len(files) != 13:
        pytest.skip("Hertfordshire's 13 police.uk files of 2021-01 to 2022-01 are not in the shared data")
    kept = [str(f) for f in files if not f.name.startswith("2021-06")]
    return files, _read(kept, crime_type="ASB", columns=["month", "lsoa_code"])


def test_herts_lsoa_warning_says_its_span_true(herts_without_june):
    """Before: the LSOA 2011 warning said "of 2021-01 to 2022-01 (12 months)" of a 13-month span read
    without June's file. Reference: the file names (13 months, 2021-06 left out), counted with pandas."""
    files, (df, said) = herts_without_june
    names = pd.Series([f.name[:7] for f in files])
    span = pd.period_range(names.min(), names.max(), freq="M")
    assert len(span) == 13 and len(names) == 13
    assert df.attrs["months_missing"] == ["2021-06"]
    note = next(" ".join(s.split()) for s in said if s.startswith("read_street_crime: ") and "LSOA 2011" in s)
    assert "(12 months)" not in note
    assert "of 2021-01 to 2022-01 (12 of its 13 months: no file of 2021-06 was read)" in note


def _hotspots(tmp_path, capsys, *extra):
    from saferstats.__main__ import main

    files = _files(tmp_path, WRITTEN)
    out = tmp_path / "clusters.csv"
    rc = main(["hotspots", *files, "--crime-type", "ASB", "--eps-m", "100", "--min-samples", "3",
               "--out", str(out), *extra])
    return rc, " ".join(capsys.readouterr().err.split())


def test_hotspots_period_of_a_month_not_read(tmp_path, capsys):
    """Before: ``--from 2021-03 --to 2021-03`` without March's file said "none of the 24 police.uk
    records falls in the period (they run 2021-01 to 2021-05)". Reference: the files written."""
    rc, err = _hotspots(tmp_path, capsys, "--from", "2021-03", "--to", "2021-03")
    assert rc == 2
    assert ("--from 2021-03 --to 2021-03: no police.uk file of 2021-03 was read (the files read hold 2021-01 to "
            "2021-05, without 2021-03)") in err


def test_hotspots_gap_at_the_edge_of_the_period(tmp_path, capsys):
    """Before: ``--from 2021-03`` without March's file kept April and May, and cluster_summary saw no
    gap between them: nothing said the clusters cover 2 of the 3 months asked for. Reference: by hand,
    2021-03 to 2021-05 is 3 months, March's file not written."""
    rc, err = _hotspots(tmp_path, capsys, "--from", "2021-03")
    assert rc == 0
    assert ("hotspots: no police.uk file of 2021-03 was read (1 month of the 3 asked for, --from 2021-03: 2021-03 to "
            "2021-05;") in err
    assert "cover 2 of the 3 months" in err
    clusters = pd.read_csv(tmp_path / "clusters.csv")
    assert clusters["first_time"].min() == "2021-04"


def test_hotspots_gap_inside_said_once(tmp_path, capsys):
    """Without a period, the month not read is said once, of the files' span (the reader's and
    cluster_summary's warnings of the same month are not repeated). Reference: 4 of the 5 months written."""
    rc, err = _hotspots(tmp_path, capsys)
    assert rc == 0
    assert err.count("2021-03") == 1 + err.count("without 2021-03")
    assert "no police.uk file of 2021-03 was read (1 month of the 5 the files span: 2021-01 to 2021-05" in err
    assert "cover 4 of the 5 months" in err and "cluster_summary: no record at all" not in err
