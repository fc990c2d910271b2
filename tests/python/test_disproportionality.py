"""Stop-and-search reading, disproportionality and outcome tests: fixtures, real files, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES, load_fixture

import saferstats
from saferstats import InvalidInputError

FX = load_fixture("disproportionality_reference.json")
SAMPLE = saferstats.datasets.stop_search_sample_path()


@pytest.fixture(scope="module")
def sample():
    return saferstats.read_stop_search(SAMPLE)


def test_read_bulk_api_and_semicolon_formats(sample):
    assert len(sample) == 2527 and sample.attrs["summary"]["problems"] == {}
    assert set(sample.force) == {"city-of-london", "derbyshire", "durham", "leicestershire"}
    assert str(sample["date"].dtype).startswith("datetime64") and sample["date"].dt.tz is not None
    assert list(sample.columns) == saferstats.io.STOP_SEARCH_COLUMNS
    api = saferstats.read_stop_search(FIXTURES / "stop_search" / "api_leicester_2020-02.csv", force="Leicestershire")
    assert len(api) == 63 and (api.force == "leicestershire").all()
    assert api["latitude"].notna().all() and api["outcome"].iloc[1] == "Arrest"
    col = saferstats.read_stop_search(FIXTURES / "stop_search" / "city_of_london_2023_first100.csv")
    assert len(col) == 100 and (col.force == "city-of-london").all()
    assert col["outcome_linked_to_object_of_search"].iloc[0] == True  # noqa: E712 ("1" -> True)
    # blank coordinates are missing, not errors
    assert col["latitude"].isna().sum() > 0 and col.attrs["summary"]["problems"] == {}


def test_api_json_reads_as_its_csv_export(tmp_path):
    """The police.uk API JSON response gives the same table as its flattened CSV export (record k
    of the array is source_line k); JSON files in a folder are found; police.uk-style names give
    the force."""
    json_path = FIXTURES / "stop_search" / "api_leicester_2020-02.json"
    from_json = saferstats.read_stop_search(json_path, force="Leicestershire")
    from_csv = saferstats.read_stop_search(FIXTURES / "stop_search" / "api_leicester_2020-02.csv", force="Leicestershire")
    cols = [c for c in saferstats.io.STOP_SEARCH_COLUMNS if c not in ("source_file", "source_line")]
    pd.testing.assert_frame_equal(from_json[cols], from_csv[cols], check_categorical=False)
    assert list(from_json["source_line"]) == list(range(1, 64))
    assert (from_json["source_file"] == json_path.name).all()
    assert from_json.attrs["dropped"] == [] and from_json["outcome"].iloc[1] == "Arrest"
    folder = tmp_path / "api"
    folder.mkdir()
    (folder / "2020-02-leicestershire-stop-and-search.json").write_text(json_path.read_text())
    df = saferstats.read_stop_search(folder)
    assert len(df) == 63 and (df.force == "leicestershire").all()


def test_api_json_problems_name_the_record(tmp_path):
    import json

    records = json.loads((FIXTURES / "stop_search" / "api_leicester_2020-02.json").read_text())[:6]
    records[4]["datetime"] = "sometime in February"
    records[2]["location"] = None  # no location: coordinates missing, not an error
    p = tmp_path / "stops.json"
    p.write_text(json.dumps(records))
    df = saferstats.read_stop_search(p, force="leicestershire")
    assert len(df) == 6 and pd.isna(df["date"].iloc[4]) and pd.isna(df["latitude"].iloc[2])
    assert [(d["source_file"], d["source_line"], d["column"]) for d in df.attrs["dropped"]] == [("stops.json", 5, "date")]
    for text, message in (("[{\"type\": \"Person search\",}]", r"not valid JSON \(line 1"),
                          ("{\"type\": \"Person search\"}", "expected a JSON array")):
        p.write_text(text)
        with pytest.raises(InvalidInputError, match=message):
            saferstats.read_stop_search(p)


def test_unparsable_values_are_kept_and_reported(tmp_path):
    src = (FIXTURES / "stop_search" / "api_leicester_2020-02.csv").read_text().splitlines()
    header, rows = src[0], src[1:6]
    bad = rows[2].replace("2020-02-", "20X0-02-", 1)
    fields = rows[3].split(",")
    fields[6] = "north"  # location__latitude
    bad2 = ",".join(fields)
    path = tmp_path / "2020-02-leicestershire-stop-and-search.csv"
    path.write_text("\n".join([header, rows[0], rows[1], bad, bad2, rows[4], "1,2,3"]) + "\n")
    df = saferstats.read_stop_search(path)
    assert len(df) == 5  # the malformed short line is reported, the other rows kept
    problems = df.attrs["summary"]["problems"]
    assert problems["unparsable date"] == 1 and problems["unparsable latitude"] == 1
    assert problems["malformed line (wrong number of fields)"] == 1
    rec = [d for d in df.attrs["dropped"] if d["reason"] == "unparsable date"][0]
    assert rec["source_line"] == 4 and rec["column"] == "date"
    assert pd.isna(df.loc[2, "date"]) and np.isnan(df.loc[3, "latitude"])


def test_reader_bad_input(tmp_path):
    with pytest.raises(InvalidInputError, match="no such file"):
        saferstats.read_stop_search(tmp_path / "nope.csv")
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(InvalidInputError, match="not a police.uk stop-and-search file"):
        saferstats.read_stop_search(p)
    p.write_text("Type,Date,Self-defined ethnicity\nPerson search,2020-01-01,White - Irish\n")
    with pytest.raises(InvalidInputError, match=r"missing column\(s\) \['officer_defined_ethnicity', 'outcome'\]"):
        saferstats.read_stop_search(p)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInputError, match="no .csv"):
        saferstats.read_stop_search(tmp_path / "empty")


def test_ratio_matches_statsmodels_through_python():
    for r in FX["ratio"]["rows"]:
        agg = pd.DataFrame({"ethnicity": ["Black", "White"], "searches": [r["searches"], r["ref_searches"]]})
        pop = {"Black": r["population"], "White": r["ref_population"]}
        for method, lo, hi in [("katz", "katz_lower", "katz_upper"), ("poisson", "poisson_lower", "poisson_upper")]:
            out = saferstats.disproportionality(agg, pop, count="searches", confidence=r["confidence"], ratio_method=method)
            b = out.set_index("group").loc["Black"]
            assert b["ratio"] == pytest.approx(r["ratio"], rel=1e-12)
            assert b["ratio_lower"] == pytest.approx(r[lo], rel=1e-9) and b["ratio_upper"] == pytest.approx(r[hi], rel=1e-9)
    assert list(out.columns[:10]) == ["group", "searches", "population", "rate", "rate_lower", "rate_upper", "ratio",
                                      "ratio_lower", "ratio_upper", "reliable"]


def test_published_precision_and_census_denominator():
    # issue 4: 755 searches of a Black population of 31,401 -> 24.04 per 1,000 (Hertfordshire, 2011 Census)
    pop = saferstats.census_population().query("force == 'hertfordshire'")
    assert int(pop.set_index("ethnicity").loc["Black", "population"]) == 31401
    agg = pd.DataFrame({"force": ["hertfordshire"] * 2, "ethnicity": ["Black", "White"], "searches": [755, 2000]})
    out = saferstats.disproportionality(agg, pop, count="searches", by="force").set_index("group")
    assert round(out.loc["Black", "rate"], 2) == 24.04
    assert set(out.index) == set(saferstats.disproportionality.__wrapped__.__globals__["ETHNIC_GROUPS"])  # zero-search groups kept
    assert out.loc["Asian", "searches"] == 0 and out.loc["Asian", "ratio_method"] == "exact (zero count)"


def test_record_level_counts_equal_manual_counts(sample):
    out = saferstats.disproportionality(sample, by="force")
    eth = saferstats.assign_ethnicity(sample)
    person = sample["type"] != "Vehicle search"
    manual = pd.crosstab(sample.loc[person, "force"], eth[person])
    for _, row in out.iterrows():
        want = manual.loc[row["force"], row["group"]] if row["group"] in manual.columns else 0
        assert row["searches"] == want
    ex = out.attrs["excluded"]
    assert ex["vehicle_only"] == int((~person).sum())
    assert ex["not_stated"] == int((eth[person] == "Not stated").sum())
    # month strata: the same denominators, one row per force x month x group
    monthly = saferstats.disproportionality(sample, by=["force", "month"])
    assert len(monthly) == 4 * 3 * 5
    assert monthly.groupby(["force", "group"])["searches"].sum().sum() == out["searches"].sum()


def test_ethnicity_sources_and_mapping(sample):
    with pytest.warns(saferstats.SaferstatsWarning):
        officer = saferstats.disproportionality(sample, by="force", ethnicity_source="officer")
    with pytest.warns(saferstats.SaferstatsWarning):
        both = saferstats.disproportionality(sample, by="force", ethnicity_source="self_then_officer")
    assert both.attrs["excluded"]["not_stated"] <= officer.attrs["excluded"]["not_stated"]
    folded = saferstats.disproportionality(
        sample, by="force",
        mapping={"Mixed/Multiple ethnic groups - White and Black Caribbean": "Black"},
    )
    base = saferstats.disproportionality(sample, by="force")
    assert folded.query("group == 'Black'")["searches"].sum() >= base.query("group == 'Black'")["searches"].sum()


def test_outcome_tests_match_statsmodels_scipy():
    for r in FX["outcome"]["rows"]:
        recs = pd.DataFrame({
            "ethnicity": ["Black"] * r["n1"] + ["White"] * r["n2"],
            "outcome": ["Arrest"] * r["x1"] + ["NFA"] * (r["n1"] - r["x1"]) + ["Arrest"] * r["x2"] + ["NFA"] * (r["n2"] - r["x2"]),
        })
        out = saferstats.outcome_test(recs, outcome="arrest").set_index("group").loc["Black"]
        assert out["rate_lower"] == pytest.approx(r["wilson1"][0], rel=1e-9)
        assert out["diff_lower"] == pytest.approx(r["newcombe"][0], rel=1e-9)
        assert out["p_fisher"] == pytest.approx(r["fisher_p"], rel=1e-9)
        assert out["p_chi2_yates"] == pytest.approx(r["p_chi2_yates"], rel=1e-8)
        want_p = r["fisher_p"] if r["min_expected"] < 5 else r["p_z"]
        assert out["p_value"] == pytest.approx(want_p, rel=1e-8)
        assert out["test"] == ("fisher" if r["min_expected"] < 5 else "z")
        if "rr" in r:
            assert out["rr_lower"] == pytest.approx(r["rr_ci"][0], rel=1e-9)


def test_outcome_find_excludes_missing_links(sample):
    out = saferstats.outcome_test(sample, outcome="find", by="force")
    missing = out.attrs["excluded"]["outcome_linked_missing"]
    assert out["n"].sum() + missing + out.attrs["excluded"]["not_stated"] == out.attrs["excluded"]["searches_with_person"]
    assert {"group", "n", "hits", "rr", "p_value", "test"} <= set(out.columns)


def test_disproportionality_bad_input(sample):
    with pytest.raises(InvalidInputError, match="empty"):
        saferstats.disproportionality(sample.iloc[:0])
    with pytest.raises(InvalidInputError, match="not in the mapping: \\['Martian'\\]"):
        saferstats.disproportionality(sample.assign(self_defined_ethnicity="Martian"))
    other = saferstats.disproportionality(sample.assign(self_defined_ethnicity="Martian"), unknown="other", by="force")
    assert other.query("group == 'Other'")["searches"].sum() > 0
    with pytest.raises(InvalidInputError, match="no population for \\{'force': 'atlantis'\\}"):
        saferstats.disproportionality(sample.assign(force="atlantis"), by="force")
    pop = saferstats.census_population().assign(population=lambda d: d.population.where(d.ethnicity != "Black", 0))
    with pytest.raises(InvalidInputError, match="must be > 0"):
        saferstats.disproportionality(sample, pop, by="force")
    with pytest.raises(InvalidInputError, match="searches has no column 'district'"):
        saferstats.disproportionality(sample, by="district")
    with pytest.raises(InvalidInputError, match="reference group 'Purple'"):
        saferstats.disproportionality(sample, by="force", reference="Purple")
    with pytest.raises(InvalidInputError, match="ethnicity_source"):
        saferstats.disproportionality(sample, ethnicity_source="guess")
    with pytest.raises(InvalidInputError, match="outcome"):
        saferstats.outcome_test(sample, outcome="conviction")


@pytest.mark.usefixtures("shared_data")
def test_all_seven_forces_from_shared(shared_data):
    df = saferstats.read_stop_search(shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02")
    assert len(df) == 22608 - 21 or len(df) > 22000  # rows, not lines; none dropped
    assert df.attrs["summary"]["problems"] == {}
    out = saferstats.disproportionality(df, by="force")
    essex = out.query("force == 'essex' and group == 'Black'").iloc[0]
    assert 4 < essex["ratio"] < 6 and essex["reliable"]


def test_too_many_fields_line_is_reported_with_its_line_number(tmp_path):
    src = (FIXTURES / "stop_search" / "api_leicester_2020-02.csv").read_text().splitlines()
    path = tmp_path / "x.csv"
    path.write_text("\n".join([src[0], src[1], src[2] + ",extra,fields", src[3]]) + "\n")
    df = saferstats.read_stop_search(path)
    assert len(df) == 2 and list(df["source_line"]) == [2, 4]
    rec = df.attrs["dropped"][0]
    assert rec["source_line"] == 3 and rec["reason"].startswith("malformed line")


def test_gzip_and_crlf_files_read_like_the_plain_file(tmp_path):
    import gzip

    src = FIXTURES / "stop_search" / "api_leicester_2020-02.csv"
    text = src.read_text()
    (tmp_path / "crlf.csv").write_bytes(text.replace("\n", "\r\n").encode())
    (tmp_path / "z.csv.gz").write_bytes(gzip.compress(text.encode()))
    plain = saferstats.read_stop_search(src)
    for name in ("crlf.csv", "z.csv.gz"):
        other = saferstats.read_stop_search(tmp_path / name)
        pd.testing.assert_frame_equal(plain.drop(columns="source_file"), other.drop(columns="source_file"))
    # line numbers are those of the file: the first record is on line 2
    assert plain["source_line"].iloc[0] == 2 and plain["month"].astype(str).iloc[0] == "2020-02"


# ------------------------------------------------------------- like for like (issue 18.5)

def test_self_defined_is_like_for_like_and_silent(sample):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        out = saferstats.disproportionality(sample, by="force")
    assert out["like_for_like"].all() and (out["comparability"] == "like for like").all()
    assert list(out.columns[-4:]) == ["ratio_method", "confidence", "like_for_like", "comparability"]


def test_officer_defined_mixed_is_not_comparable_and_other_flagged(sample):
    """Officers cannot record Mixed: the Mixed row has no rate or ratio (not 0.00), Other is
    flagged as overstated, every row says it is not like for like, and the warning names them."""
    with pytest.warns(saferstats.SaferstatsWarning, match=r"not comparable: city-of-london / Mixed.*overstated: "
                      r"city-of-london / Other") as rec:
        out = saferstats.disproportionality(sample, by="force", ethnicity_source="officer")
    assert "docs/methods/officer_ethnicity.md" in str(rec[0].message)
    assert not out["like_for_like"].any()
    mixed = out[out.group == "Mixed"]
    assert (mixed["searches"] == 0).all() and mixed[["rate", "ratio", "ratio_lower"]].isna().all().all()
    assert (mixed["ratio_method"] == "not applicable").all() and not mixed["reliable"].any()
    assert out.loc[out.group == "Mixed", "comparability"].str.startswith("not comparable").all()
    assert out.loc[out.group == "Other", "comparability"].str.startswith("overstated").all()
    assert out.loc[out.group.isin(["White", "Black", "Asian"]), "comparability"].str.startswith("approximate").all()
    # officer-defined labels given directly as the group column: the same flags
    pop = saferstats.census_population().rename(columns={"ethnicity": "officer_defined_ethnicity"})
    with pytest.warns(saferstats.SaferstatsWarning):
        direct = saferstats.disproportionality(sample, pop, group="officer_defined_ethnicity", by="force")
    assert not direct["like_for_like"].any() and direct.loc[direct.group == "Mixed", "ratio"].isna().all()


def test_self_then_officer_flags_rows_with_officer_defined_searches(sample):
    with pytest.warns(saferstats.SaferstatsWarning, match="understated: .*Mixed"):
        out = saferstats.disproportionality(sample, by="force", ethnicity_source="self_then_officer")
    own = saferstats.disproportionality(sample, by="force")
    m = out.merge(own, on=["force", "group"], suffixes=("", "_self"))
    filled = m["searches"] > m["searches_self"]  # rows that gained officer-defined searches
    assert filled.any() and not m.loc[filled, "like_for_like"].any()
    assert m.loc[filled & (m.group == "Other"), "comparability"].str.startswith("overstated").all()
    assert m.loc[filled, "comparability"].str.contains("% of its searches").all()
    # a force with no officer-defined fallback at all keeps like-for-like rows (none here: check
    # the rule on a slice where self-defined ethnicity is always stated)
    stated = sample[saferstats.assign_ethnicity(sample) != "Not stated"]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        clean = saferstats.disproportionality(stated, by="force", ethnicity_source="self_then_officer")
    assert clean["like_for_like"].all()


@pytest.mark.usefixtures("shared_data")
def test_essex_officer_defined_from_issue_18(shared_data):
    """Issue 18.5: Essex officer-defined gave Mixed 0.00 and Other 10.18 (self-defined 0.95) with
    no warning."""
    df = saferstats.read_stop_search(shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02")
    with pytest.warns(saferstats.SaferstatsWarning, match="essex / Mixed"):
        out = saferstats.disproportionality(df, by="force", ethnicity_source="officer").set_index(["force", "group"])
    assert np.isnan(out.loc[("essex", "Mixed"), "ratio"])
    assert round(out.loc[("essex", "Other"), "ratio"], 2) == 10.18 and not out.loc[("essex", "Other"), "like_for_like"]
    own = saferstats.disproportionality(df, by="force").set_index(["force", "group"])
    assert round(own.loc[("essex", "Other"), "ratio"], 2) == 0.95 and own.loc[("essex", "Other"), "like_for_like"]


# ------------------------------------------------------------------- zero cells (issue 18.1)

def test_zero_cells_through_python_match_statsmodels():
    for r in FX["zero_cells"]["rows"]:
        agg = pd.DataFrame({"ethnicity": ["Black", "White"], "searches": [r["searches"], r["ref_searches"]]})
        pop = {"Black": r["population"], "White": r["ref_population"]}
        h = saferstats.disproportionality(agg, pop, count="searches", confidence=r["confidence"], zero="haldane")
        h = h.set_index("group").loc["Black"]
        assert h["ratio_method"] == "katz (haldane +0.5)"
        assert h["ratio"] == pytest.approx(r["haldane"], rel=1e-12)
        assert (h["ratio_lower"], h["ratio_upper"]) == pytest.approx((r["haldane_lower"], r["haldane_upper"]), rel=1e-9)
        e = saferstats.disproportionality(agg, pop, count="searches", confidence=r["confidence"]).set_index("group").loc["Black"]
        zero = r["searches"] == 0 or r["ref_searches"] == 0
        assert e["ratio_method"] == ("exact (zero count)" if zero else "exact")
        upper = float("inf") if r["exact_upper"] == "inf" else r["exact_upper"]
        assert e["ratio_lower"] == pytest.approx(r["exact_lower"], rel=1e-9, abs=1e-300)
        assert e["ratio_upper"] == pytest.approx(upper, rel=1e-9)
    # issue 18.1's 13 of 13 vs 333 of 359: the corrected interval contains 1
    agg = pd.DataFrame({"ethnicity": ["A", "White"], "searches": [13, 333]})
    out = saferstats.disproportionality(agg, {"A": 13, "White": 359}, count="searches", zero="haldane",
                                        min_population=1).set_index("group").loc["A"]
    assert out["ratio_lower"] < 1 < out["ratio_upper"]


# ------------------------------------------------ aggregate tables across periods (issue 18.12)

def _eff_table():
    """An Ethnicity Facts and Figures-style table: "Other inc Chinese" until 2018/19 and "Other"
    from 2019/20 (Chinese moved to Asian), each with its own population; counts as printed."""
    return pd.DataFrame({
        "period": ["2018/19"] * 5 + ["2019/20"] * 5,
        "ethnicity": ["White", "Black", "Asian", "Mixed", "Other inc Chinese", "White", "Black", "Asian", "Mixed", "Other"],
        "searches": ["1,000", "300", "150", "40", "30", "1,100", "320", "160", "45", "20"],
        "population": [900_000, 30_000, 50_000, 20_000, 15_000, 900_000, 30_000, 55_000, 20_000, 10_000],
    })


def test_aggregate_labels_that_change_between_periods():
    t = _eff_table()
    out = saferstats.disproportionality(t, count="searches", by="period")  # population column used
    assert len(out) == 10  # a (period, group) pair in neither table is not a row
    assert set(out.query("period == '2018/19'").group) == {"White", "Black", "Asian", "Mixed", "Other inc Chinese"}
    assert set(out.query("period == '2019/20'").group) == {"White", "Black", "Asian", "Mixed", "Other"}
    for _, r in out.iterrows():
        src = t[(t.period == r["period"]) & (t.ethnicity == r["group"])].iloc[0]
        ref = t[(t.period == r["period"]) & (t.ethnicity == "White")].iloc[0]
        a, c = float(src.searches.replace(",", "")), float(ref.searches.replace(",", ""))
        assert r["population"] == src.population and r["searches"] == a
        assert r["ratio"] == pytest.approx((a / src.population) / (c / ref.population), rel=1e-12)
    # the same with a separate population table joined on period
    pop = t[["period", "ethnicity", "population"]]
    again = saferstats.disproportionality(t.drop(columns="population"), pop, count="searches", by="period")
    pd.testing.assert_frame_equal(out, again)
    # mapping= applies to aggregate input: labels mapped together, populations added up
    folded = saferstats.disproportionality(t, count="searches", by="period",
                                           mapping={"Other inc Chinese": "Other", "Mixed": "Other"})
    other = folded.set_index(["period", "group"]).loc[("2018/19", "Other")]
    assert (other["searches"], other["population"]) == (70, 35_000)


def test_aggregate_population_errors_name_the_group():
    t = _eff_table()
    pop = t[["period", "ethnicity", "population"]].query("ethnicity != 'Other'")
    with pytest.raises(InvalidInputError, match=r"group 'Other' has 20 searches in \{'period': '2019/20'\} but no population"):
        saferstats.disproportionality(t.drop(columns="population"), pop, count="searches", by="period")
    # a group with no searches and no population is not a row (and is counted)
    z = pd.concat([t, pd.DataFrame({"period": ["2019/20"], "ethnicity": ["Chinese"], "searches": ["0"]})],
                  ignore_index=True).drop(columns="population")
    out = saferstats.disproportionality(z, t[["period", "ethnicity", "population"]], count="searches", by="period")
    assert "Chinese" not in set(out.group) and out.attrs["excluded"]["zero_searches_without_population"] == 1
    bad = t.assign(searches=t.searches.where(t.index != 3, "N/A"))
    with pytest.raises(InvalidInputError, match="`searches` at position 3: 'N/A' is not a number"):
        saferstats.disproportionality(bad, count="searches", by="period")


def test_population_docstring_names_the_group_column():
    doc = saferstats.disproportionality.__doc__
    assert "a column named by ``group`` (default ``\"ethnicity\"``" in doc


# ------------------------------------------------------ display: month and plots (issue 18.15)

def test_month_is_an_ordered_categorical(sample):
    m = sample["month"]
    assert isinstance(m.dtype, pd.CategoricalDtype) and m.cat.ordered
    assert list(m.cat.categories) == sorted(m.cat.categories)
    assert m.min() == "2019-12" and (m >= "2020-01").sum() > 0


def test_plot_disproportionality_takes_outcome_tests_and_names_bad_input(sample):
    import matplotlib

    matplotlib.use("Agg")
    ax = saferstats.plot_disproportionality(saferstats.outcome_test(sample, outcome="find", by="force"))
    assert ax.get_xlabel().startswith("find rate ratio vs reference group")
    with pytest.warns(saferstats.SaferstatsWarning):
        officer = saferstats.disproportionality(sample, by="force", ethnicity_source="officer")
    ax = saferstats.plot_disproportionality(officer)
    assert "4 rows with no ratio not shown" in ax.get_title()
    assert any("not like for like" in t.get_text() for t in ax.get_legend().get_texts())
    with pytest.raises(InvalidInputError, match="needs a disproportionality"):
        saferstats.plot_disproportionality(pd.DataFrame({"a": [1]}))
    with pytest.raises(InvalidInputError, match="DataFrame"):
        saferstats.plot_disproportionality([1, 2])


# ------------------------------------------------------ bad input is always named (issue 16.8)

def _junk_frames():
    from hypothesis import strategies as st

    agg = pd.DataFrame({"force": ["essex", "essex"], "ethnicity": ["Black", "White"], "searches": [3, 50]})
    weird = st.sampled_from([-1, np.nan, np.inf, 1e308, "x", None, True, "1,5", 0, 2.5])
    return st.one_of(
        st.just(agg),
        weird.map(lambda v: agg.assign(searches=[v, 5])),
        weird.map(lambda v: agg.assign(ethnicity=[v, "White"])),
        weird.map(lambda v: agg.assign(force=[v, "essex"])),
        st.just(pd.DataFrame()),
        st.just(pd.DataFrame({"x": [1, 2]})),
        st.sampled_from([None, [1, 2], "searches.csv", 5]),
    )


def test_disproportionality_bad_input_is_a_saferstats_error(sample):
    """Hypothesis probe: any mix of valid and invalid arguments gives a result or a
    SaferstatsError naming the problem — never a KeyError, TypeError, ValueError from pandas, or
    a panic."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    small = sample.iloc[:300]
    options = {
        "population": st.sampled_from([None, {"Black": 1000, "White": 5000}, {"Black": "x", "White": 1},
                                       {"Black": -5, "White": 10}, pd.DataFrame({"ethnicity": ["White"]}), [1, 2], "pop",
                                       saferstats.census_population().assign(population=lambda d: d.population.astype(str))]),
        "count": st.sampled_from([None, "searches", "nope", 3]),
        "group": st.sampled_from(["ethnicity", "nope", 5, None]),
        "by": st.sampled_from([None, "force", ["force", "force"], 5, [["x"]], "missing", ("force",)]),
        "reference": st.sampled_from(["White", "Purple", 5, None]),
        "multiplier": st.sampled_from([1000, "x", -1, 0, np.nan, None, [1]]),
        "confidence": st.sampled_from([0.95, 95, 2, "x", None, -0.5]),
        "ethnicity_source": st.sampled_from(["self", "officer", "self_then_officer", "guess", None]),
        "mapping": st.sampled_from([None, {"x": 1}, "str", {"White - Irish": "Black"}, {1: "White"}]),
        "unknown": st.sampled_from(["error", "other", "drop"]),
        "ratio_method": st.sampled_from(["katz", "poisson", "bogus", 5]),
        "zero": st.sampled_from(["exact", "haldane", "bogus"]),
        "min_count": st.sampled_from([10, -1, "x"]),
    }

    @settings(max_examples=300, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(_junk_frames(), st.just(small)), st.fixed_dictionaries({}, optional=options))
    def probe(searches, kwargs):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
            try:
                out = saferstats.disproportionality(searches, **kwargs)
                assert isinstance(out, pd.DataFrame)
            except saferstats.SaferstatsError:
                pass
            try:
                out = saferstats.outcome_test(searches, **{k: v for k, v in kwargs.items()
                                                          if k in ("group", "by", "reference", "confidence",
                                                                   "ethnicity_source", "mapping", "unknown")})
                assert isinstance(out, pd.DataFrame)
            except saferstats.SaferstatsError:
                pass
            try:
                saferstats.assign_ethnicity(searches, **{k: v for k, v in kwargs.items() if k in ("mapping", "unknown")})
            except saferstats.SaferstatsError:
                pass

    probe()
    for level in ("force", "la", "csp", "ward", 5, None, ["la"]):
        try:
            saferstats.census_population(level)
        except saferstats.SaferstatsError:
            pass


def test_confidence_as_phe_gives_it():
    # issue 18.8: a percentage is a level; a list gives every interval, named by level
    recs = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    one = saferstats.disproportionality(recs, by="force", confidence=0.998)
    pct = saferstats.disproportionality(recs, by="force", confidence=99.8)
    pd.testing.assert_frame_equal(one, pct)
    both = saferstats.disproportionality(recs, by="force", confidence=[0.95, 0.998])
    np.testing.assert_array_equal(both["ratio_lower_99_8"], one["ratio_lower"])
    assert (both["ratio_lower_95"].dropna() >= both["ratio_lower_99_8"].dropna()).all()
    hits = saferstats.outcome_test(recs, by="force", confidence=[95, 99.8])
    assert {"rr_lower_95", "rr_upper_99_8", "rate_lower_95"} <= set(hits.columns)
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.disproportionality(recs, by="force", confidence="95%")
    assert e.value.argument == "confidence"
