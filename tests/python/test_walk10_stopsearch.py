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


#: police.uk's older outcome labels for the current ones (files before about 2017-18).
OLDER_OUTCOMES = {
    "Arrest": "Suspect arrested", "A no further action disposal": "Nothing found - no further action",
    "Summons / charged by post": "Suspect summonsed to court", "Penalty Notice for Disorder": "Offender given penalty notice",
    "Caution (simple or conditional)": "Offender cautioned", "Khat or Cannabis warning": "Offender given drugs possession warning",
    "Community resolution": "Local resolution",
}


def _sample():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())


def _relabel(recs, mapping):
    return recs.assign(outcome=recs["outcome"].cat.rename_categories(lambda c: mapping.get(c, c)))


def _check(out, ref):
    out = out[out["n"] > 0]  # groups with no searches (or none with a known outcome) have their own rows
    got = {f"{r.force}|{r.group}": r for r in out.itertuples()}
    assert set(got) == set(ref)
    for key, r in ref.items():
        row = got[key]
        assert (row.n, row.hits) == (r["n"], r["hits"]), key
        assert row.rate == pytest.approx(r["hits"] / r["n"], rel=1e-12)
        assert (row.rate_lower, row.rate_upper) == pytest.approx((r["wilson_lower"], r["wilson_upper"]), rel=1e-9)
        if "p_z" in r:
            assert row.p_fisher == pytest.approx(r["p_fisher"], rel=1e-6), key
            assert row.p_value == pytest.approx(r["p_z"] if row.test == "z" else r["p_fisher"], rel=1e-6), key


@pytest.mark.parametrize("labels", ["current", "older"])
@pytest.mark.parametrize("outcome", ["arrest", "positive"])
def test_outcome_test_reads_older_police_uk_outcome_labels(labels, outcome):
    # Older police.uk files say "Suspect arrested", not "Arrest": outcome_test(outcome="arrest") found
    # no arrest at all in them, without a word (0 of 353 in the bundled sample relabelled).
    recs = _sample()
    assert sorted(recs["outcome"].cat.categories) == REF["outcome_labels"]["labels"]
    if labels == "older":
        recs = _relabel(recs, OLDER_OUTCOMES)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = saferstats.outcome_test(recs, outcome=outcome, by="force")
    assert not any("not a police.uk outcome" in str(x.message) for x in w)
    _check(out, REF["outcome_labels"][outcome])


def test_details_not_available_is_an_unknown_outcome_not_a_positive_one():
    recs = _relabel(_sample(), {"Summons / charged by post": "Details not available"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = saferstats.outcome_test(recs, outcome="positive", by="force")
    _check(out, REF["outcome_labels"]["positive_details_na"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = saferstats.outcome_test(_sample(), outcome="positive", by="force").attrs["excluded"]["outcome_missing"]
    relabelled = sum(r["n"] for r in REF["outcome_labels"]["positive"].values()) - sum(
        r["n"] for r in REF["outcome_labels"]["positive_details_na"].values())
    assert relabelled > 0 and out.attrs["excluded"]["outcome_missing"] == before + relabelled


def test_an_outcome_label_that_is_not_police_uk_s_is_named():
    recs = _relabel(_sample(), {"Arrest": "Arrested"})
    arrests = sum(r["hits"] for r in REF["outcome_labels"]["arrest"].values())
    with pytest.warns(saferstats.SaferstatsWarning,
                      match=rf"not a police.uk outcome \('arrested': {arrests}\).*counted as not an arrest"):
        saferstats.outcome_test(recs, outcome="arrest")


@pytest.mark.parametrize("min_count", [10, 30])
def test_outcome_rates_on_tiny_bases_are_flagged(min_count):
    # Durham (sample, Dec 2019 - Feb 2020): 1 arrest of 2 Asian people searched, 1 of 1 Mixed, shown
    # with a p-value and nothing to say the rate rests on one or two searches.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = saferstats.outcome_test(_sample(), outcome="arrest", by="force", min_count=min_count)
    ref = REF["outcome_labels"]["arrest"]
    for r in out[out["n"] > 0].itertuples():
        n, n_white = ref[f"{r.force}|{r.group}"]["n"], ref[f"{r.force}|White"]["n"]
        assert r.reliable == (n >= min_count and n_white >= min_count), (r.force, r.group)
    assert not out.loc[(out.force == "durham") & (out.group == "Asian"), "reliable"].iloc[0]
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.outcome_test(_sample(), min_count="ten")
    assert e.value.argument == "min_count"


def _essex(shared_data):
    recs, _ = _read(shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02")
    return recs[recs["force"] == "essex"]


def _run(recs, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = saferstats.disproportionality(recs, census=2011, multiplier=4000, **kw)
    return out, [str(x.message) for x in w if "residents of all ages" in str(x.message)]


def test_children_s_searches_against_all_ages_populations_are_named(shared_data):
    # A Panel filtering to children (age 10-17) got "Black children searched at 8.1 per 1,000 a year" (70 searches):
    # per 1,000 residents of all ages, the Census tables having no age, and nothing said.
    essex = _essex(shared_data)
    ref = REF["essex_children"]
    out, msgs = _run(essex[essex["age_range"].isin(["under 10", "10-17"])], by="force")
    for g, n in ref["counts"].items():
        row = out[out["group"] == g].iloc[0]
        assert row["searches"] == n and row["population"] == ref["populations"][g]
        assert row["rate"] == pytest.approx(4000 * n / ref["populations"][g], rel=1e-12)
    assert len(msgs) == 1 and "children only" in msgs[0]
    _, msgs = _run(essex, by=["force", "age_range"])
    assert len(msgs) == 1 and "split by 'age_range'" in msgs[0]
    _, msgs = _run(essex[essex["gender"] == "Male"], by="force")
    assert len(msgs) == 1 and "one sex only (gender 'Male')" in msgs[0]
    _, msgs = _run(essex, by="force")  # all ages, both sexes: nothing to say
    assert msgs == []
