"""Session 20 (w28d): trends by council name on Defra's fly-tipping workbook as published, and the
quasi-Poisson few-df warning of compare_trends said once per call."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from warning_capture import saferstats_messages

FLY = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
RENAMED = ("5 la_code(s) appear under two or more la_name values, so each is split into separate series "
           "(renamed: E06000023 'Bristol, City of' / 'Bristol'; E07000112 'Shepway' / 'Folkestone and Hythe'; ")


@pytest.fixture(scope="module")
def fly(shared_data):
    path = shared_path(shared_data, FLY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ss.read_flytipping(path)


@pytest.mark.parametrize("fn", ["poisson_trend", "compare_trends"])
def test_trend_by_la_name_names_the_renamed_councils_and_advises_la_code(fly, fn):
    kw = dict(by="la_name", count="incidents", population=None, missing="drop")
    if fn == "compare_trends":
        kw["comparator"] = "Leeds"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ss.InvalidInputError) as err:
            getattr(ss, fn)(fly, **kw)
    text = str(err.value)
    assert "'Bristol' (1)" in text  # the error it gave before: Bristol 2021/22 alone
    assert RENAMED in text
    assert "by='la_code' keeps each as one series (its names are in la_name beside it)" in text
    assert err.value.argument == "period"


def test_trend_by_la_code_needs_no_rename_advice(fly):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ss.InvalidInputError) as err:
            ss.poisson_trend(fly, by="la_code", count="incidents", population=None, missing="drop")
    # the councils made in 2020/21 and 2021/22 are new, not renamed: the filter advice only
    assert "'E06000060' (2); 'E06000061' (1); 'E06000062' (1)" in str(err.value)
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
    with pytest.raises(ss.InvalidInputError, match=r"group 'New' has 1 period\(s\).*renamed: E1 'Old' / 'New'\): "
                       r"by='la_code' keeps each as one series"):
        ss.poisson_trend(d, by="la_name", population=None)
    res = ss.poisson_trend(d, by="la_code", population=None)
    assert res["n_periods"].tolist() == [4, 4]

