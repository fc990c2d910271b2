"""police.uk street-level files in the folder layout the download unzips to (session 13).

police.uk's custom download is a .zip of ``YYYY-MM/YYYY-MM-<force>-street.csv`` (beside the
``-outcomes`` and ``-stop-and-search`` files of the month). Unzipped and pointed at, the folder made
`read_street_crime` stop with "folder has no -street.csv ... files" (the stop-and-search reader
already looked in the month folders). `is_street_crime_file` is the reader's own header rule, which
`saferstats hotspots` now uses to decide whether it was given police.uk files.
Reference: the records counted with the csv module.
"""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest

import saferstats
from saferstats.__main__ import main

STREET = Path(saferstats.datasets.street_crime_sample_path())
SEARCH = Path(saferstats.datasets.stop_search_sample_path())


def _rows(files):
    n = 0
    for f in files:
        with open(f, newline="", encoding="utf-8-sig") as fh:
            n += sum(1 for _ in csv.DictReader(fh))
    return n


def _download(tmp_path: Path) -> Path:
    """The sample laid out as the police.uk download unzips: month folders holding the street file and
    that month's stop-and-search file (which the street reader must not read)."""
    root = tmp_path / "policeuk"
    for f in sorted(STREET.glob("*-street.csv")):
        month = f.name[:7]
        (root / month).mkdir(parents=True)
        shutil.copy(f, root / month / f.name)
        search = SEARCH / "2019-12-durham-stop-and-search.csv.gz"
        with gzip.open(search, "rb") as src, open(root / month / f"{month}-durham-stop-and-search.csv", "wb") as dst:
            shutil.copyfileobj(src, dst)
    return root


def test_the_unzipped_download_folder_is_read(tmp_path):
    root = _download(tmp_path)
    df = saferstats.read_street_crime(root)
    want = _rows(sorted(STREET.glob("*-street.csv")))
    assert len(df) == df.attrs["summary"]["records"] == want > 100
    assert df.attrs["summary"]["files"] == 2
    assert sorted(df["month"].astype(str).unique()) == ["2021-01", "2021-02"]


def test_is_street_crime_file_follows_the_reader(tmp_path):
    root = _download(tmp_path)
    street = next(STREET.glob("*-street.csv"))
    search = next(root.glob("*/*-stop-and-search.csv"))
    assert saferstats.is_street_crime_file(street)
    assert saferstats.is_street_crime_file(root)  # the download folder
    assert saferstats.is_street_crime_file(STREET)
    assert not saferstats.is_street_crime_file(search)
    assert not saferstats.is_street_crime_file(SEARCH)  # a folder of stop-and-search files only
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert not saferstats.is_street_crime_file(empty)
    assert not saferstats.is_street_crime_file(tmp_path / "absent.csv")
    # snake_case headers are read by the reader, so they count
    snake = tmp_path / "snake.csv"
    snake.write_text("month,crime_type,latitude,longitude\n2021-01,Burglary,51.8,-0.2\n")
    assert saferstats.is_street_crime_file(snake)
    assert len(saferstats.read_street_crime(snake)) == 1
    with pytest.raises(saferstats.SaferstatsError, match="not a police.uk street-level crime file"):
        saferstats.read_street_crime(search)


def test_hotspots_command_reads_the_download_folder(tmp_path, capsys):
    root = _download(tmp_path)
    assert main(["hotspots", str(root), "--crime-type", "Anti-social behaviour", "--min-samples", "5",
                 "--eps-m", "300", "--out", str(tmp_path / "c.csv")]) == 0
    n_asb = 0
    for f in sorted(STREET.glob("*-street.csv")):
        with open(f, newline="", encoding="utf-8-sig") as fh:
            n_asb += sum(1 for r in csv.DictReader(fh) if r["Crime type"] == "Anti-social behaviour")
    assert f"kept Anti-social behaviour: {n_asb:,}" in capsys.readouterr().err
