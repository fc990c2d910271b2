"""Session 22 walk (w31d): a South Yorkshire / Sheffield strategic assessment from the README and
docstrings only, on the files in ../shared/data as published."""

from __future__ import annotations

import warnings

import pytest

import saferstats as ss
from conftest import shared_path


@pytest.fixture(scope="module")
def south_yorkshire(shared_data):
    folder = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02")
    return ss.read_stop_search(sorted(folder.glob("*-south-yorkshire-stop-and-search.csv")))


@pytest.mark.parametrize("census", ["auto", 2021])
@pytest.mark.parametrize("level", ["csp", "la"])
def test_by_area_with_no_search_placed_is_refused_saying_why(south_yorkshire, level, census):
    """South Yorkshire's police.uk files carry no locations. disproportionality(by='csp') gave an empty
    table (census=2021) or, with census='auto' (the CLI's default), the false error that the searches
    have no date; now it refuses, naming the searches with no location and by='force'."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ss.InvalidInputError) as err:
            ss.disproportionality(south_yorkshire, by=level, census=census)
    assert err.value.argument == "by"
    text = str(err.value)
    assert f"by={level!r}: not one of the 3,461 searches" in text
    assert "(3,461 with no location; South Yorkshire: 3,461)" in text
    assert "by='force' sets the searches against their force area's population" in text
    assert "no date" not in text and "none are known" not in text


def test_outcome_test_by_csp_with_no_search_placed_says_why_in_words(south_yorkshire):
    """outcome_test(by='csp') refused with a raw dict ({'missing_coordinates': 3461, 'no_area': 0, ...})."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ss.InvalidInputError) as err:
            ss.outcome_test(south_yorkshire, by="csp")
    text = str(err.value)
    assert "{" not in text and "(3,461 with no location; South Yorkshire: 3,461)" in text
    assert text.endswith("by='force' tests them by force")


def test_cli_by_csp_on_files_without_locations_does_not_say_they_have_no_date(shared_data, capsys):
    from conftest import cli_error

    folder = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02")
    files = [str(p) for p in sorted(folder.glob("*-south-yorkshire-stop-and-search.csv"))]
    text = cli_error(capsys, "disproportionality", *files, "--by", "csp")
    assert "have no date" not in text
    assert "--by csp: not one of the 3,461 searches" in text and "--by force sets the searches" in text


def test_no_area_error_offers_csp_only_where_records_have_locations(south_yorkshire):
    """With no `by`, the refusal offered by='csp' / by='la' to records none of which has a location."""
    with pytest.raises(ss.InvalidInputError) as err:
        ss.disproportionality(south_yorkshire)
    text = str(err.value)
    assert "pass by='force' (the records' force: South Yorkshire), (no record has a location, so by='csp' / " \
           "by='la' could place none) or `population=`" in text
    assert "to count each search in the area its location falls in" not in text
    located = ss.read_stop_search(ss.datasets.stop_search_sample_path())
    with pytest.raises(ss.InvalidInputError, match="by='csp' / by='la' to count each search in the area its location"):
        ss.disproportionality(located)


def test_many_comparisons_by_csp_names_each_partnership_once(shared_data):
    """outcome_test(by='csp') on Essex's searches said "47 comparisons ... (4 groups in 14 strata of csp x csp_code)"
    and named rows "Basildon / E22000079 / Asian": a CSP and its code are one stratum."""
    from warning_capture import saferstats_messages

    folder = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02")
    essex = ss.read_stop_search(sorted(folder.glob("*-essex-stop-and-search.csv")))
    res, said = saferstats_messages(ss.outcome_test, essex, by="csp", outcome="arrest")
    many = [m for m in said if "comparisons with the White rate" in m]
    assert len(many) == 1
    assert many[0].startswith("outcome_test(outcome='arrest'): 47 comparisons with the White rate (4 groups in 14 "
                              "Community Safety Partnerships); 3 have p < 0.05 each on its own (Basildon / Asian p = 0.014")
    assert "csp_code" not in many[0] and "E22000079" not in many[0]
    assert res.attrs["multiple_comparisons"]["p_adjusted"][0].keys() >= {"csp", "csp_code"}  # the records keep both


def test_report_by_csp_of_files_without_locations_does_not_say_they_give_no_dates(shared_data, tmp_path, capsys):
    """A Sheffield report with [stop_search] by = ["csp"] on South Yorkshire's files stopped with "the files give
    no dates" (they have dates; they have no locations). It now stops saying that none could be placed and why."""
    from conftest import cli_error

    folder = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02")
    files = ", ".join(f'"{p}"' for p in sorted(folder.glob("*-south-yorkshire-stop-and-search.csv")))
    cfg = tmp_path / "a.toml"
    cfg.write_text(f'title = "T"\narea = "Sheffield"\n[stop_search]\nfiles = [{files}]\nby = ["csp"]\ncensus = "auto"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = cli_error(capsys, "report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet")
    assert "give no dates" not in text
    assert "not one of the 3,461 searches" in text and "(3,461 with no location; South Yorkshire: 3,461)" in text


def test_population_with_a_chinese_group_apart_is_refused(south_yorkshire, shared_data):
    """../shared/data's police-defined-demographics.csv (Census 2011, the older police categories) counts Chinese
    apart from Asian. Made long as the wide-table error says, it gave South Yorkshire's Asian searches (179, which
    include self-defined Chinese) a population without the Chinese: ratio 1.30 (1.12 to 1.52), "significant", where
    the bundled Census 2011 gives 1.11 (0.96 to 1.29); and a Chinese row of 0 searches, "like for like"."""
    import pandas as pd

    wide = pd.read_csv(shared_path(shared_data, "population/police-defined-demographics.csv"))
    sy = wide[wide["Police force"] == "South Yorkshire"].melt(id_vars=["Police force"], var_name="ethnicity",
                                                                value_name="population")
    sy["ethnicity"] = sy["ethnicity"].str.replace(r" \(or .*\)", "", regex=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ss.InvalidInputError) as err:
            ss.disproportionality(south_yorkshire, sy[["ethnicity", "population"]])
        assert err.value.argument == "population"
        assert str(err.value).startswith("population has ethnic group 'Chinese' (9,551 residents), which no search is in")
        assert "add the Chinese population to Asian's" in str(err.value)
        # as told: Chinese added to Asian gives the bundled Census 2011's figures
        fixed = sy.assign(ethnicity=sy["ethnicity"].replace({"Chinese": "Asian"})).groupby("ethnicity",
                                                                                           as_index=False)["population"].sum()
        mine = ss.disproportionality(south_yorkshire, fixed).set_index("group")
        bundled = ss.disproportionality(south_yorkshire, by="force", census=2011).set_index("group")
    assert mine.loc["Asian", "population"] == bundled.loc["Asian", "population"] == 64_211
    assert mine.loc["Asian", "ratio"] == pytest.approx(bundled.loc["Asian", "ratio"]) == pytest.approx(1.110380, rel=1e-5)
