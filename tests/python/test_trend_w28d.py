"""Session 20 (w28d): trends by council name on Defra's fly-tipping workbook as published, and the
quasi-Poisson few-df warning of compare_trends said once per call."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import saferstats as ss
from conftest import defra_flytipping_read, flytipping_trend_error, shared_path
from warning_capture import saferstats_messages

RENAMED = ("5 codes in la_code appear under two or more la_name values, so each is split into separate series "
           "(renamed: E06000023 'Bristol, City of' / 'Bristol'; E07000112 'Shepway' / 'Folkestone and Hythe'; ")


@pytest.fixture(scope="module")
def fly(shared_data):
    return defra_flytipping_read(shared_data, "Flytipping.xlsx")


@pytest.mark.parametrize("fn", ["poisson_trend", "compare_trends"])
def test_trend_by_la_name_names_the_renamed_councils_and_advises_la_code(fly, fn):
    err = flytipping_trend_error(fly, fn, "la_name", "Leeds")
    text = str(err)
    assert "'Bristol' (1)" in text  # the error it gave before: Bristol 2021/22 alone
    assert RENAMED in text
    assert "by='la_code' keeps each as one series (its names are in la_name beside it)" in text
    assert err.argument == "period"


def test_trend_by_la_code_needs_no_rename_advice(fly):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ss.InvalidInputError) as err:
            ss.poisson_trend(fly, by="la_code", count="incidents", population=None, missing="drop")
    # the councils made in 2020/21 and 2021/22 are new, not renamed: the filter advice only
    # (named since session 21: 'E06000060' (2); 'E06000061' (1); ... before)
    assert ("'E06000060' (Buckinghamshire): 2 periods; 'E06000061' (North Northamptonshire): 1 period; "
            "'E06000062' (West Northamptonshire): 1 period") in str(err.value)
    assert "appear under two or more" not in str(err.value)


def test_year_on_year_by_la_name_names_the_renamed_councils(fly):
    _, msgs = saferstats_messages(ss.year_on_year, fly, by="la_name", count="incidents", population=None,
                                  missing="propagate")
    lone = [m for m in msgs if "one period only" in m]
    assert len(lone) == 1
    assert "'Bristol' (2021/22)" in lone[0] and RENAMED in lone[0]
    assert lone[0].endswith("by='la_code' keeps each as one series (its names are in la_name beside it)")


def test_renamed_note_small_table():
    d = pd.DataFrame({"la_code": ["E1"] * 4 + ["E2"] * 4, "la_name": ["Old"] * 3 + ["New"] + ["B"] * 4,
                      "period": ["2018/19", "2019/20", "2020/21", "2021/22"] * 2, "count": [5, 6, 7, 8, 9, 10, 11, 12]})
    with pytest.raises(ss.InvalidInputError, match=r"group 'New' has 1 period;.*renamed: E1 'Old' / 'New'\): "
                       r"by='la_code' keeps each as one series"):
        ss.poisson_trend(d, by="la_name", population=None)
    res = ss.poisson_trend(d, by="la_code", population=None)
    assert res["n_periods"].tolist() == [4, 4]


FEW = "are optimistic on few points"


def test_compare_trends_says_the_few_df_warning_once_for_both_fits(fly):
    """Defra's councils against Leeds (E08000035), dispersion='auto': the warning was given for the
    areas' fits (329) and again for the comparator's (330); it is one warning for the call now."""
    d = fly[fly.groupby("la_code")["incidents"].transform("count") >= 3]
    res, msgs = saferstats_messages(ss.compare_trends, d, comparator="E08000035", by="la_code", count="incidents",
                                    population=None, missing="drop", dispersion="auto")
    few = [m for m in msgs if FEW in m]
    assert len(few) == 1
    assert few[0].startswith("compare_trends: quasi-Poisson intervals and p-values from the normal (z) are "
                             "optimistic on few points: 330 of 330 comparisons rest on a fit with fewer than 30 "
                             "residual degrees of freedom (329 fits of the areas and 330 of the comparator, "
                             "E08000035, fitted beside each area): 'E06000001' (8 df);")
    assert len(res) == 330
    _, msgs = saferstats_messages(ss.compare_trends, d, comparator="E08000035", by="la_code", count="incidents",
                                  population=None, missing="drop", dispersion="auto", use_t=True)
    assert not [m for m in msgs if FEW in m]


def test_compare_trends_few_df_counts_each_side():
    # A overdispersed (quasi), the comparator C and B steady (Poisson): one comparison, one side
    t = ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]
    d = pd.DataFrame({"area": ["A"] * 6 + ["B"] * 6 + ["C"] * 6, "period": t * 3,
                      "count": [100, 160, 90, 170, 95, 180] + [100, 101, 102, 103, 104, 105]
                      + [1000, 1010, 1020, 1030, 1040, 1050]})
    res, msgs = saferstats_messages(ss.compare_trends, d, comparator="C", by="area", population=None,
                                    dispersion="auto")
    assert res.set_index("area")["method"].astype(str).tolist()[0].startswith("quasi")
    few = [m for m in msgs if FEW in m]
    assert len(few) == 1
    assert ("1 of 2 comparisons rests on a fit with fewer than 30 residual degrees of freedom (1 fit of the "
            "areas and 0 of the comparator, C, fitted beside each area): 'A' (4 df);") in few[0]


HATE = "hate_crime/home_office_by_force_2017-18_2018-19"


def test_trend_on_the_two_year_force_table_says_no_group_can_have_one(shared_data):
    """The Home Office hate crime table by force has 2017/18 and 2018/19 only: the error said
    "Fit the others, e.g. data[...]" when there were no others."""
    hc = ss.read_hate_crime(shared_path(shared_data, f"{HATE}/Hate crime.csv"))
    for fn, kw in (("poisson_trend", {}), ("compare_trends", {"comparator": "West Midlands"})):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(ss.InvalidInputError) as err:
                getattr(ss, fn)(hc, count="offences", by="force", missing="propagate", **kw)
        text = str(err.value)
        assert text.startswith(f"{43 if fn == 'poisson_trend' else 42} of {43 if fn == 'poisson_trend' else 42} "
                               "groups have fewer than 3 periods (column 'period')"), text
        assert "Fit the others" not in text
        assert text.endswith("No group can have a trend: the table has 2 periods in all (2017/18, 2018/19); "
                             "year_on_year compares one period with another")
        assert err.value.argument == "period"


def test_trend_on_the_one_year_religion_table_says_no_group_can_have_one(shared_data):
    rel = ss.read_hate_crime(shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_3.csv"))
    with pytest.raises(ss.InvalidInputError) as err:
        ss.poisson_trend(rel, by="religion", population=None)
    assert str(err.value).endswith("'Sikh' (1) and 3 more. No group can have a trend: the table has 1 period in "
                                   "all (2018/19)")


def test_compare_strands_with_offences_leaves_the_other_total_out(shared_data):
    """The bulletin's strand table against its 'offences' total: 'motivating_factors' (the other
    total, more than the offences as an offence can have several) was compared as if a strand, and
    with it in the table the strands added up to more than the comparator, so race (76% of the
    offences) was not said to be inside it."""
    st = ss.read_hate_crime(shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"))
    res, msgs = saferstats_messages(ss.compare_trends, st, by="strand", comparator="offences", population=None,
                                    missing="drop", dispersion="auto")
    assert res["strand"].tolist() == ["disability", "race", "religion", "sexual_orientation", "transgender"]
    assert ("compare_trends: the table's other total ('motivating_factors'; .attrs['totals']) is left out: each group "
            "is compared with 'offences', and another total is no group of it (as the CLI's --compare-with)") in msgs
    inside = [m for m in msgs if "a fifth or more of the comparator's" in m]
    assert len(inside) == 1 and inside[0].startswith("compare_trends: the counts of 'race' are a fifth or more of "
                                                     "the comparator's (offences)")
    race = res.set_index("strand").loc["race"]
    assert race["ratio"] == pytest.approx(0.980327, rel=1e-5) and race["n_periods"] == 7


def test_year_on_year_names_the_group_and_period_of_a_missing_count(shared_data, fly):
    """The strand table has no 'offences' figure for 2011/12: year_on_year said "at row 48" only
    (poisson_trend names the row's group and period), and offered only missing='propagate'."""
    st = ss.read_hate_crime(shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"))
    with pytest.raises(ss.MissingValueError) as err:
        ss.year_on_year(st, by="strand", population=None)
    assert str(err.value) == (
        "missing value (NaN) in column 'count' (keyword `count`) at row 48 (offences, 2011/12); 1 row in all has "
        "no count — pass missing='drop' to leave them out (a change across one is flagged consecutive=False), or "
        "missing='propagate' to get NaN results for the changes into and out of their period")
    assert (err.value.argument, err.value.index, err.value.position) == ("count", 48, 48)
    with pytest.raises(ss.MissingValueError, match=r"at row 191 \(Nottingham, 2012/13\); 20 rows in all"):
        ss.year_on_year(fly, by="la_name", count="incidents", population=None)
