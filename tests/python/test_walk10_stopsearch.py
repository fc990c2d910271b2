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


def _auto(records):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = saferstats.disproportionality(records, by="force", census="auto")
    return out, [str(x.message) for x in w]


@pytest.mark.parametrize("case", ["essex", "merseyside", "city-of-london-2023"])
def test_census_auto_takes_the_census_of_the_searches_period(case, shared_data):
    # census="auto" (the report's and the CLI's choice) was refused by disproportionality itself;
    # Dec 2019 - Feb 2020 -> Census 2011, 2023 -> Census 2021, as the Home Office's series.
    ss = shared_data / "stop_search"
    if case == "city-of-london-2023":
        recs, _ = _read(ss / "city_of_london_2023" / "stop_and_search.csv")
    else:
        recs, _ = _read(ss / "policeuk_7forces_2019-12_to_2020-02")
        recs = recs[recs["force"] == case]
    out, msgs = _auto(recs)
    ref = REF["census_auto"][case]
    assert out.attrs["census"] == ref["census"] and out.attrs["denominator_check"] == {}
    assert not any("not like for like with its series" in m for m in msgs)
    for g, r in ref["groups"].items():
        row = out[out["group"] == g].iloc[0]
        assert row["searches"] == r["searches"] and row["population"] == r["population"]
        assert row["rate"] == pytest.approx(r["rate"], rel=1e-9)
        if g != "White":
            for k in ("ratio", "ratio_lower", "ratio_upper"):
                assert row[k] == pytest.approx(r[k], rel=1e-6)


def test_census_auto_for_a_span_across_april_2022_warns_for_the_earlier_searches(shared_data):
    ss = shared_data / "stop_search"
    old, _ = _read(ss / "policeuk_7forces_2019-12_to_2020-02")
    new, _ = _read(ss / "city_of_london_2023" / "stop_and_search.csv")
    import pandas as pd

    both = pd.concat([old[old["force"] == "city-of-london"], new], ignore_index=True)
    out, msgs = _auto(both)
    assert out.attrs["census"] == 2021  # the latest month's
    chk = out.attrs["denominator_check"]
    assert (chk["from"], chk["to"], chk["like_for_like_census"]) == ("2019-12", "2020-02", 2011)
    assert chk["searches"] == REF["seven_not_stated_by"]["city-of-london"][1] - REF["seven_not_stated_by"]["city-of-london"][0]
    assert any("before April 2022" in m for m in msgs)


def test_census_auto_without_months_is_a_named_error():
    import pandas as pd

    agg = pd.DataFrame({"ethnicity": ["Black", "White"], "searches": [10, 100]})
    with pytest.raises(saferstats.InvalidInputError, match="census='auto' chooses the Census by the searches' months") as e:
        saferstats.disproportionality(agg, count="searches", census="auto")
    assert e.value.argument == "census"
    # a population table given is used as it is
    out = saferstats.disproportionality(agg, {"Black": 1000, "White": 100_000}, count="searches", census="auto")
    assert out.loc[out.group == "Black", "ratio"].iloc[0] == pytest.approx((10 / 1000) / (100 / 100_000))
