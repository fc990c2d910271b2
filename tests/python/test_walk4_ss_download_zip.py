"""read_stop_search on police.uk's download zip (walk-through 4).

police.uk's custom download is a zip of `YYYY-MM/YYYY-MM-<force>-stop-and-search.csv` (with street
and outcomes files beside them). `read_street_crime` reads such a zip; `read_stop_search` said "not a
police.uk stop-and-search file (header: 'PK\\x03\\x04...')". It now reads the stop-and-search members
(forces from their names, `source_file` = `archive.zip:member`). Row counts by the csv module.
"""

from __future__ import annotations

import gzip
import zipfile

import pytest

import saferstats
from conftest import policeuk_stop_search_rows


def test_zip_of_the_download_is_read(tmp_path):
    src = saferstats.datasets.stop_search_sample_path()
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(src.iterdir()):
            name = f.name.removesuffix(".gz")
            z.writestr(f"{name[:7]}/{name}", gzip.decompress(f.read_bytes()))
            z.writestr(f"{name[:7]}/{name.replace('stop-and-search', 'street')}", "Crime ID,Month\n")
    recs = saferstats.read_stop_search(archive)
    expected: dict[str, int] = {}
    for force, _row in policeuk_stop_search_rows(src):
        expected[force] = expected.get(force, 0) + 1
    assert recs["force"].value_counts().to_dict() == expected
    assert str(recs["source_file"].iloc[0]).startswith("download.zip:2019-12/2019-12-")
    assert recs.attrs["months_missing"] == {}


def test_zip_without_stop_and_search_files_is_a_named_error(tmp_path):
    archive = tmp_path / "street.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2020-01/2020-01-essex-street.csv", "Crime ID,Month\n")
    with pytest.raises(saferstats.InvalidInputError, match="holds no police.uk stop-and-search files"):
        saferstats.read_stop_search(archive)


@pytest.mark.parametrize("reader, member, header", [
    ("read_stop_search", "2020-01/2020-01-essex-stop-and-search.csv",
     b"Type,Date,Self-defined ethnicity,Officer-defined ethnicity,Outcome\n"),
    ("read_street_crime", "2020-01/2020-01-essex-street.csv",
     b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type\n"),
])
def test_zip_bomb_member_is_refused(tmp_path, reader, member, header):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(member, header + b"\n" * (80 << 20))
    with pytest.raises(saferstats.InvalidInputError, match="likely zip bomb"):
        getattr(saferstats, reader)(archive)
