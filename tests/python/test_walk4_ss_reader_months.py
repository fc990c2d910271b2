"""read_stop_search names the force-months missing from what it read (walk-through 4).

police.uk publishes one stop-and-search file per force and month. With one Durham file left out of
the Dec 2019 - Feb 2020 sample, the reader said nothing (only `disproportionality` and the report
did). It now lists the months read per force (`.attrs["months_read"]`) and warns about the
force-months missing within the span read (`.attrs["months_missing"]`), with the same check as
`disproportionality`. Expected months from the csv module over the files' rows.
"""

from __future__ import annotations

import gzip
import warnings

import pytest

import saferstats
from conftest import policeuk_stop_search_rows, stop_search_sample_without

LEFT_OUT = "2020-01-durham-stop-and-search.csv.gz"


def _months_by_force(folder) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for force, row in policeuk_stop_search_rows(folder):
        out.setdefault(force, set()).add(row["Date"][:7])
    return out


def _read(folder):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        recs = saferstats.read_stop_search(folder)
    return recs, [str(w.message) for w in caught if "no searches at all in some months" in str(w.message)]


@pytest.fixture()
def gap_folder(tmp_path):
    return stop_search_sample_without(tmp_path, LEFT_OUT)


def test_reader_names_a_missing_force_month(gap_folder):
    recs, msgs = _read(gap_folder)
    expected = _months_by_force(gap_folder)
    span = sorted(set().union(*expected.values()))
    assert {f: sorted(ms) for f, ms in expected.items()} == recs.attrs["months_read"]
    gone = {f: sorted(set(span) - ms) for f, ms in expected.items() if set(span) - ms}
    assert gone == {"durham": ["2020-01"]}
    assert recs.attrs["months_missing"] == gone
    assert len(msgs) == 1 and msgs[0].startswith("read_stop_search:") and "(Durham: 2020-01)" in msgs[0]


def test_complete_files_are_silent():
    folder = saferstats.datasets.stop_search_sample_path()
    recs, msgs = _read(folder)
    assert recs.attrs["months_missing"] == {} and not msgs
    assert recs.attrs["months_read"] == {f: sorted(ms) for f, ms in _months_by_force(folder).items()}


def test_a_file_with_only_its_header_counts_as_read(gap_folder):
    with gzip.open(saferstats.datasets.stop_search_sample_path() / LEFT_OUT, "rt", encoding="utf-8") as fh:
        header = fh.readline()
    (gap_folder / LEFT_OUT.removesuffix(".gz")).write_text(header, encoding="utf-8")
    recs, msgs = _read(gap_folder)
    assert recs.attrs["months_missing"] == {} and not msgs
    assert "2020-01" in recs.attrs["months_read"]["durham"]
