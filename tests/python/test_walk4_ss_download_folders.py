"""read_stop_search on a police.uk download as it unzips (walk-through 4).

police.uk's custom download unzips to one folder per month (`2019-12/`) holding the
`-stop-and-search.csv`, `-street.csv` and `-outcomes.csv` files. Pointed at that folder the reader
said "folder has no .csv, ... files"; with a stray CSV beside the month folders it read that file
alone, silently. It now reads the stop-and-search files of the `YYYY-MM` subfolders. Row counts by
the csv module.
"""

from __future__ import annotations

import shutil

import saferstats
from conftest import policeuk_stop_search_rows


def _download(tmp_path):
    src = saferstats.datasets.stop_search_sample_path()
    root = tmp_path / "download"
    for f in src.iterdir():
        month = root / f.name[:7]
        month.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, month / f.name)
        (month / f.name.replace("stop-and-search.csv.gz", "street.csv")).write_text("Crime ID,Month\n", encoding="utf-8")
    return src, root


def test_month_folders_are_read(tmp_path):
    src, root = _download(tmp_path)
    recs = saferstats.read_stop_search(root)
    assert len(recs) == sum(1 for _ in policeuk_stop_search_rows(src))
    assert recs.attrs["summary"]["files"] == len(list(src.iterdir()))
    assert recs.attrs["months_missing"] == {}


def test_files_beside_the_month_folders_do_not_hide_them(tmp_path):
    src, root = _download(tmp_path)
    for f in (root / "2019-12").glob("*-stop-and-search.csv.gz"):  # one month unzipped at the top
        f.rename(root / f.name)
    (root / "2019-12").rename(root / "loose")
    recs = saferstats.read_stop_search(root)
    assert len(recs) == sum(1 for _ in policeuk_stop_search_rows(src))
    assert recs.attrs["months_missing"] == {}
