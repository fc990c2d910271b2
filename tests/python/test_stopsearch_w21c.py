"""Session 17 (w21c): stop and search as a new analyst reads it.

* The library's own warnings and reasons named forces by police.uk's slugs ("city-of-london",
  "south-yorkshire"); only the command line translated them. An analyst in a notebook now reads the
  forces' names in every message (the ``.attrs`` keep the data's labels, which scripts join on).

Reference values: the bundled police.uk sample (Dec 2019 - Feb 2020: City of London 879 records,
Leicestershire 701, Derbyshire 506, Durham 441), counted here with pandas.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import saferstats
from warning_capture import saferstats_messages


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())


_messages = saferstats_messages  # fn(*args, **kwargs) and its warnings' messages (tests/python/warning_capture.py)


SLUG = re.compile(r"(?<![\w'-])(city-of-london|south-yorkshire|derbyshire|durham|leicestershire|merseyside|essex)"
                  r"(?![\w'-])")


def test_force_said_names_slugs_and_codes_keeps_names():
    from saferstats.disproportionality import force_said

    assert force_said("city-of-london") == "City of London"
    assert force_said("south-yorkshire") == "South Yorkshire"
    assert force_said("E23000027") == "Hertfordshire"
    assert force_said("London, City of") == "City of London"
    assert force_said("Essex Police") == "Essex Police"  # the analyst's own spelling kept
    assert force_said("all searches") == "all searches" and force_said("") == ""


def test_not_stated_warning_names_the_force(sample):
    """City of London: 34% of its 879 searches with no stated ethnicity; the warning said
    "in city-of-london (34% of 879)"."""
    city = sample[sample["force"] == "city-of-london"]
    eth = city["self_defined_ethnicity"].astype("string").fillna("").str.strip()
    ns = int(((eth == "") | (eth == "Other ethnic group - Not stated")).sum())
    n = len(city) - int((city["type"].astype(str).str.lower() == "vehicle search").sum())
    out, msgs = _messages(saferstats.disproportionality, sample, by="force", census=2011)
    (msg,) = [m for m in msgs if "ethnicity is not stated" in m]
    assert f"in City of London ({100 * ns / n:.0f}% of {n:,})" in msg, msg
    assert not SLUG.search(msg), msg
    assert out.attrs["not_stated_by"]["city-of-london"] == (ns, n)  # the data's label, for scripts


def test_comparability_warning_names_the_forces(sample):
    _, msgs = _messages(saferstats.disproportionality, sample, by="force", census=2011, ethnicity_source="officer")
    (msg,) = [m for m in msgs if "ethnic categories differ" in m]
    assert "not comparable: City of London / Mixed, Derbyshire / Mixed, Durham / Mixed" in msg, msg
    assert not SLUG.search(msg), msg


def test_months_missing_warning_names_the_force(sample):
    gap = sample[~((sample["force"] == "durham") & (sample["month"].astype(str) == "2020-01"))]
    out, msgs = _messages(saferstats.disproportionality, gap, by="force", census=2011)
    (msg,) = [m for m in msgs if "no searches at all in some months" in m]
    assert "(Durham: 2020-01)" in msg and not SLUG.search(msg), msg
    assert out.attrs["months_missing"] == {"durham": ["2020-01"]}


def test_outcome_warnings_and_withheld_reasons_name_the_forces(sample):
    """Derbyshire's "finds" are mostly no further action: the reason in the table and the warning
    said "derbyshire"."""
    rec = sample[sample["force"] == "derbyshire"]
    linked = rec["outcome_linked_to_object_of_search"].astype("boolean").fillna(False).astype(bool)
    nfa = rec["outcome"].astype(str).str.strip().str.lower() == "a no further action disposal"
    eth = rec["self_defined_ethnicity"].astype("string").fillna("").str.strip()
    person = (rec["type"].astype(str).str.lower() != "vehicle search") & ~eth.isin(["", "Other ethnic group - Not stated"])
    out, msgs = _messages(saferstats.outcome_test, sample, outcome="find", by="force")
    der = out[out["force"] == "derbyshire"]
    share = int((linked & nfa & person).sum()) / int((linked & person).sum())
    assert (der["withheld"].str.contains(f"{share:.0%} of Derbyshire's searches flagged")).all(), der["withheld"].iloc[0]
    for m in msgs:
        assert not SLUG.search(m), m
    assert any("(Derbyshire: " in m for m in msgs)
    assert not any(SLUG.search(w) for w in out["withheld"])
    _, msgs = _messages(saferstats.outcome_test, sample, outcome="arrest", by="force")
    assert msgs and all(not SLUG.search(m) for m in msgs)
    assert any("(Durham: " in m for m in msgs)  # Durham's outcomes not yet recorded (Jan, Feb 2020)


# ----------------------------------------------------------------- yearly rates with a month missing

def _per_year_warning(msgs: list[str]) -> str:
    (msg,) = [m for m in msgs if "not per year as the Home Office publishes them" in m]
    return msg


def test_same_month_missing_for_every_force_gives_the_multiplier_of_the_months_with_searches(sample):
    """Dec 2019 and Feb 2020 read, January not: the rates are over 2 months, so yearly rates need
    multiplier=6000; the warning said "over the 3 months the records cover ... multiplier=4000",
    which gives yearly rates two thirds of the true ones."""
    two = sample[sample["month"].astype(str) != "2020-01"]
    out, msgs = _messages(saferstats.disproportionality, two, by="force", census=2011)
    msg = _per_year_warning(msgs)
    # (w45b: the advice is per_year=True over the days of those months, Dec 31 + Feb 29)
    assert "over the 2 months of 2019-12 to 2020-02 with searches" in msg and "over the 60 days" in msg, msg
    assert "per_year=True" in msg and "multiplier=4000" not in msg
    assert out.attrs["months"] == 2
    assert out.attrs["months_with_searches"] == {f: 2 for f in ("city-of-london", "derbyshire", "durham", "leicestershire")}
    # the yearly rates with that multiplier are searches / population * 1000 * 12 / 2
    yearly, _ = _messages(saferstats.disproportionality, two, by="force", census=2011, multiplier=6000)
    row = yearly[(yearly["force"] == "durham") & (yearly["group"] == "White")].iloc[0]
    assert row["rate"] == pytest.approx(row["searches"] / row["population"] * 6000)
    (gap,) = [m for m in msgs if "no searches at all in some months" in m]
    assert "no force has a search in that month" in gap and "than the others'" not in gap, gap


def test_one_force_missing_a_month_is_given_its_own_multiplier(sample):
    gap = sample[~((sample["force"] == "durham") & (sample["month"].astype(str) == "2020-01"))]
    out, msgs = _messages(saferstats.disproportionality, gap, by="force", census=2011)
    msg = _per_year_warning(msgs)
    assert "3 of 2019-12 to 2020-02 for City of London, Derbyshire, Leicestershire; 2 for Durham" in msg, msg
    assert "per_year=True" in msg and "91 for City of London, Derbyshire, Leicestershire; 60 for Durham" in msg, msg
    assert out.attrs["months"] == 3 and out.attrs["months_with_searches"]["durham"] == 2


def test_a_complete_span_keeps_its_warning_and_one_month_is_named_once(sample):
    _, msgs = _messages(saferstats.disproportionality, sample, by="force", census=2011)
    assert "over the 3 months the records cover (2019-12 to 2020-02)" in _per_year_warning(msgs)
    one = sample[sample["month"].astype(str) == "2020-02"]
    _, msgs = _messages(saferstats.disproportionality, one, by="force", census=2011)
    msg = _per_year_warning(msgs)
    # (session 30: "over the month", not "over the 1 month"; February 2020's 29 days, "of that month")
    assert "over the month the records cover (2020-02)" in msg and "2020-02 to 2020-02" not in msg, msg
    assert "over the 29 days of that month" in msg and "those months" not in msg, msg


# ----------------------------------------------------------------- by CSP: searches that cannot be placed

def test_by_csp_names_the_forces_that_lose_their_searches_and_outcome_test_says_it_too(sample):
    """City of London's police.uk records: 100 of its counted searches have no location, more are
    placed outside the City (on bridges, in other forces' areas). disproportionality(by="csp") named
    only the reasons in total; outcome_test(by="csp") left them out without a word. Both now name
    the forces that lose a tenth or more of their searches (and one with no locations at all, which
    has no row: South Yorkshire's police.uk files)."""
    eth = sample["self_defined_ethnicity"].astype("string").fillna("").str.strip()
    counted = (sample["type"].astype(str).str.lower() != "vehicle search") & ~eth.isin(["", "Other ethnic group - Not stated"])
    city = sample[counted & (sample["force"] == "city-of-london")]
    n_city = len(city)
    out, msgs = _messages(saferstats.disproportionality, sample, by="csp", census=2011)
    lost = sum(out.attrs["unassigned_by_force"]["city-of-london"].values())
    assert int(city["latitude"].isna().sum()) <= lost < n_city
    (msg,) = [m for m in msgs if "could not be placed" in m]
    assert f"City of London: {lost:,} of {n_city:,} ({lost / n_city:.0%})" in msg, msg
    assert "with no location" in msg and "missing coordinates" not in msg and not SLUG.search(msg.split("; first:")[0])
    res, msgs = _messages(saferstats.outcome_test, sample, outcome="arrest", by="csp")
    (msg,) = [m for m in msgs if "could not be placed" in m]
    assert msg.startswith("outcome_test: ") and f"City of London: {lost:,} of {n_city:,}" in msg, msg
    assert res.attrs["unassigned_by_force"] == out.attrs["unassigned_by_force"]
    # a force with no location at all has no row, and is said to have none
    nowhere = sample.assign(latitude=sample["latitude"].where(sample["force"] != "durham"),
                            longitude=sample["longitude"].where(sample["force"] != "durham"))
    n_durham = int((counted & (sample["force"] == "durham")).sum())
    out, msgs = _messages(saferstats.disproportionality, nowhere, by="csp", census=2011)
    (msg,) = [m for m in msgs if "could not be placed" in m]
    assert f"by force, Durham: all {n_durham:,}, so it has no row" in msg, msg
    assert "County Durham" not in set(out["csp"]) and "Darlington" not in set(out["csp"])


def test_one_month_against_the_other_census_is_named_once(sample):
    """One month of searches (Dec 2019) against Census 2021: "all 205 searches (2019-12 to 2019-12)"."""
    one = sample[(sample["month"].astype(str) == "2019-12") & (sample["force"] == "durham")]
    out, msgs = _messages(saferstats.disproportionality, one, by="force", census=2021)
    (msg,) = [m for m in msgs if "from before April 2022" in m]
    assert "searches (2019-12) are from before April 2022" in msg and "2019-12 to 2019-12" not in msg, msg
    assert out["denominator"].str.endswith("for the searches of 2019-12").all(), out["denominator"].iloc[0]
    assert out["comparability"].str.contains("for searches of 2019-12 (the Home Office used Census 2011)", regex=False).all()


# ----------------------------------------------------------------- the command line

def test_cli_warnings_have_no_python_attrs_and_a_gap_said_once(tmp_path, capsys):
    """`saferstats disproportionality` printed "; counts in .attrs['not_stated_by']" and "; see
    .attrs['denominator_check']" (Python's, meaning nothing on the command line), and a month with
    no file twice (read_stop_search's warning and the command's)."""
    import shutil

    from saferstats.__main__ import main

    src = saferstats.datasets.stop_search_sample_path()
    keep = [f for f in sorted(src.iterdir()) if "city-of-london" in f.name or "durham" in f.name]
    for f in keep:
        if not ("durham" in f.name and f.name.startswith("2020-01")):
            shutil.copy(f, tmp_path / f.name)
    assert main(["disproportionality", str(tmp_path), "--census", "2021"]) == 0
    err = capsys.readouterr().err
    assert ".attrs" not in err, err
    assert "ethnicity is not stated for a fifth or more of the searches in City of London (" in err
    assert "(pass --census 2011 to reproduce it)" in err
    assert err.count("no searches at all in some months") == 1 and "(Durham: 2020-01)" in err, err
    assert "2 for Durham" in err and "--per-year" in err and "60 for Durham" in err, err


# ----------------------------------------------------------------- the older force-demographics files

def test_a_wide_population_table_as_published_says_how_to_make_it_long(sample, shared_data):
    """Resistance Lab's police-defined-demographics.csv (2011 Census by force, one column per group)
    passed as `population`: the error said only "no column 'ethnicity'". It now says the table is
    wide and how to make it long; the long table with the searches' labels then gives the bundled
    Census 2011 populations."""
    path = shared_data / "population" / "police-defined-demographics.csv"
    if not path.is_file():
        pytest.skip("police-defined-demographics.csv not in ../shared/data/population")
    wide = pd.read_csv(path)
    with pytest.raises(saferstats.InvalidInputError, match=r"it is wide, one column per ethnic group") as e:
        _messages(saferstats.disproportionality, sample, wide, by="force")
    msg = str(e.value)
    assert "pop.melt(id_vars=['Police force'], var_name='ethnicity', value_name='population')" in msg, msg
    assert "'Chinese'" in msg.split("make it long")[0] and e.value.argument == "group"
    # the long table, labels as published: the error names the label that is the group
    long = wide.rename(columns={"Police force": "force"}).melt(id_vars="force", var_name="ethnicity",
                                                               value_name="population")
    with pytest.raises(saferstats.InvalidInputError, match=r"is 'Asian \(or Asian British\)' that group\? Name it 'Asian'"):
        _messages(saferstats.disproportionality, sample, long, by="force")
    named = long.replace({"ethnicity": {"Black (or Black British)": "Black", "Asian (or Asian British)": "Asian",
                                        "Chinese": "Asian"}}).groupby(["force", "ethnicity"], as_index=False).sum()
    got, _ = _messages(saferstats.disproportionality, sample, named, by="force")
    bundled, _ = _messages(saferstats.disproportionality, sample, by="force", census=2011)
    assert got["population"].tolist() == bundled["population"].tolist()
    assert got["ratio"].round(10).tolist() == bundled["ratio"].round(10).tolist()


def test_a_wide_table_is_said_without_shared_data(sample):
    wide = pd.DataFrame({"force": ["durham"], "White": [605364], "Black": [1058], "Asian": [7061], "Mixed": [4240],
                         "Other": [1083]})
    with pytest.raises(saferstats.InvalidInputError, match=r"pop.melt\(id_vars=\['force'\], var_name='ethnicity'"):
        _messages(saferstats.disproportionality, sample[sample["force"] == "durham"], wide, by="force")


# ----------------------------------------------------------------- Census 2021 of your own

def test_own_census_2021_table_keeps_the_city_of_london_caution(shared_data):
    """The City of London's 2023 searches (re-export, 2,384) against a Census 2021 table built from
    ../shared/data (TS021 by LSOA summed to forces) with census=2021: the same populations as the
    bundled ones, but the rows were "like for like" with no word that most people searched there
    do not live there, as the bundled table's rows say."""
    c21 = shared_data / "population" / "census2021_ew"
    city_file = shared_data / "stop_search" / "city_of_london_2023" / "stop_and_search.csv"
    if not (c21 / "ts021_ethnic_group_lsoa21.csv").is_file() or not city_file.is_file():
        pytest.skip("Census 2021 / City of London 2023 files not in ../shared/data")
    lsoa = pd.read_csv(c21 / "ts021_ethnic_group_lsoa21.csv")
    lk = pd.read_csv(c21 / "lookup_lsoa21_ward24_ltla24.csv")[["lsoa21_code", "ltla24_code"]]
    pfa = pd.read_csv(c21 / "lookup_ltla24_csp24_pfa24.csv")[["ltla24_code", "pfa24_name"]].drop_duplicates()
    by_force = lsoa.merge(lk, on="lsoa21_code").merge(pfa, on="ltla24_code").groupby("pfa24_name")[
        ["asian", "black", "mixed", "white", "other"]].sum()
    mine = (by_force.rename(columns=str.capitalize).reset_index()
            .melt(id_vars="pfa24_name", var_name="ethnicity", value_name="population").rename(columns={"pfa24_name": "force"}))
    city = saferstats.read_stop_search(city_file)
    own, _ = _messages(saferstats.disproportionality, city, mine, by="force", census=2021)
    bundled, _ = _messages(saferstats.disproportionality, city, by="force", census=2021)
    own, bundled = own.sort_values("group").reset_index(drop=True), bundled.sort_values("group").reset_index(drop=True)
    assert own["population"].tolist() == bundled["population"].tolist()  # Black 233, White 5,957 ...
    assert not own["like_for_like"].any()
    assert (own["comparability"] == bundled["comparability"]).all()
    assert own["denominator"].str.contains("most people searched there do not live there").all()
    assert own.attrs["non_resident_areas"] == ["city-of-london"]
    # a table not said to be a Census is not judged
    unknown, _ = _messages(saferstats.disproportionality, city, mine, by="force")
    assert unknown["like_for_like"].all() and unknown.attrs["non_resident_areas"] == []


# ----------------------------------------------------------------- the forest plots

def test_forest_plot_labels_name_forces_and_have_no_empty_part(sample):
    """plot_disproportionality labelled rows "city-of-london / Black", and an outcome_test table's
    rows "city-of-london /  / Black" (its `note` column, "" on most rows, read as a label column)."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res, _ = _messages(saferstats.disproportionality, sample, by="force", census=2011)
    ax = saferstats.plot_disproportionality(res)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "City of London / Black" in labels and "Derbyshire / Asian" in labels, labels
    assert not any(SLUG.search(t) for t in labels)
    out, _ = _messages(saferstats.outcome_test, sample, outcome="arrest", by="force")
    assert (out["note"] == "").any()
    ax2 = saferstats.plot_disproportionality(out)
    labels2 = [t.get_text() for t in ax2.get_yticklabels()]
    assert "City of London / Black" in labels2 and not any(" /  / " in t for t in labels2), labels2
    find, _ = _messages(saferstats.outcome_test, sample, outcome="find", by="force")
    ax3 = saferstats.plot_disproportionality(find)
    assert not any(" /  / " in t.get_text() or "withheld" in t.get_text() for t in ax3.get_yticklabels())
    plt.close("all")


def test_records_without_a_force_column_are_not_called_all_searches(sample):
    """Without a `force` column the outcome warnings said "(all searches: 346 of 346)"."""
    der = sample[sample["force"] == "derbyshire"].drop(columns="force")
    _, msgs = _messages(saferstats.outcome_test, der, outcome="find")
    (msg,) = [m for m in msgs if "ended in no further action" in m]
    assert "all searches:" not in msg and re.search(r"no further action \(the searches: \d[\d,]* of \d[\d,]*\)", msg), msg
