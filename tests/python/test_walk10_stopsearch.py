"""Walk 10 (session 14): stop and search as a PCC scrutiny panel's analyst, police.uk files as published.

References: tests/fixtures/walk10_stopsearch_reference.json, made by
tests/fixtures/walk10_stopsearch_generate.py from the files read with the csv module / pandas.
"""

from __future__ import annotations

import warnings

import pytest

import saferstats
from conftest import FIXTURES, load_fixture

REF = load_fixture("walk10_stopsearch_reference.json")


def _read(path):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        df = saferstats.read_stop_search(path)
    return df, [str(x.message) for x in w]


@pytest.mark.parametrize("which", ["api_excerpt", "api_full"])
def test_age_band_10_17_saved_as_a_date_is_read_as_10_17(which, shared_data):
    # The Leicester API extract has age_range "Oct-17" (the band 10-17 turned into a date by a
    # spreadsheet) for 17 of 63 searches: read as it was, a Panel counting children ("10-17") saw none.
    path = (FIXTURES / "walk10_stopsearch_api_leicester_excerpt.csv" if which == "api_excerpt" else
            shared_data / "stop_search" / "api_format_leicester_2020-02" / "stop_and_search.csv")
    df, msgs = _read(path)
    ref = REF[which]
    assert df["age_range"].value_counts().to_dict() == ref["age_counts"]
    assert "Oct-17" not in df["age_range"].cat.categories
    rep = df.attrs["repaired"]
    assert [r["source_line"] for r in rep] == ref["oct17_lines"]
    assert {(r["column"], r["value"], r["read_as"]) for r in rep} == {("age_range", "Oct-17", "10-17")}
    assert (df.loc[df["source_line"].isin(ref["oct17_lines"]), "age_range"] == "10-17").all()
    assert any(f"{len(ref['oct17_lines'])} age_range cells" in m and "'Oct-17'" in m for m in msgs)


def test_bulk_files_need_no_repair():
    df, msgs = _read(saferstats.datasets.stop_search_sample_path())
    assert len(df.attrs["repaired"]) == 0
    assert not any("age_range cells" in m for m in msgs)
