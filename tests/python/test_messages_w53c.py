"""Messages a Police and Crime Panel's analyst reads, session 32 (w53c).

1. Counts in the warnings and errors of trend, rates, io, outcomes and geo read "(s)": "1 row(s)
   with a missing count or population give NaN", "1 pair(s) of periods are not consecutive",
   "2 row(s) have no group". Now through :func:`saferstats.exceptions.number_of`, the verb agreeing:
   "1 row ... gives", "2 rows ... give". Reference: the rows counted by hand in the inline frames.
2. The report silenced two funnel warnings by the words "N point(s)": it must hold for "1 point",
   "33 points" and the old "(s)" alike (monitoring.py, another helper's file, may change first).
3. The command line and trend.py said a renamed council's code differently ("1 code in la_code
   appears ... separate trends, each a part of the series" / "1 la_code(s) appear ... separate
   series"): one sentence now, :func:`saferstats.trend.renamed_codes_note`.
4. The hotspot text without a study area said "(1 without coordinates left out)" where the study
   area's note says "fewer than 5": police.uk Hertfordshire's 49 robberies of Jun 2021, one without
   a point (pandas on the raw file).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.exceptions import warn_user

JUNE = "street_crime/2021-06-hertfordshire-street.csv"


def _said(fn, *args, **kw) -> list[str]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn(*args, **kw)
    return [str(m.message) for m in w if issubclass(m.category, ss.SaferstatsWarning)]


# 1. counts without "(s)", verbs agreeing

def test_year_on_year_counts_one_row_and_one_pair_in_the_singular():
    """One area, 2016/17 to 2019/20 with 2017/18 absent and 2019/20's count missing: by hand, 1 pair
    of periods not consecutive (2016/17 -> 2018/19) and 1 row (2019/20) with no count. Before:
    "1 pair(s) of periods are not consecutive", "1 row(s) with a missing count or population give NaN"."""
    d = pd.DataFrame({"area": ["A"] * 3, "period": ["2016/17", "2018/19", "2019/20"],
                      "count": [10.0, 12.0, np.nan], "population": [1000.0] * 3})
    said = " | ".join(_said(ss.year_on_year, d, count="count", population="population", by="area",
                            period="period", missing="propagate"))
    assert "year_on_year: 1 pair of periods is not consecutive" in said, said
    assert "year_on_year: 1 row with a missing count or population gives NaN" in said, said
    assert "(s)" not in said, said


def test_year_on_year_counts_two_rows_in_the_plural():
    """Two areas each with one missing count (by hand: 2 rows): "2 rows ... give NaN"."""
    d = pd.DataFrame({"area": ["A"] * 3 + ["B"] * 3, "period": ["2017/18", "2018/19", "2019/20"] * 2,
                      "count": [10.0, np.nan, 12.0, 5.0, 6.0, np.nan], "population": [1000.0] * 6})
    said = " | ".join(_said(ss.year_on_year, d, count="count", population="population", by="area",
                            period="period", missing="propagate"))
    assert "year_on_year: 2 rows with a missing count or population give NaN" in said, said
    assert "(s)" not in said, said


def test_dsr_says_one_row_without_a_group_in_the_singular():
    """dsr with 1 of 5 rows without a group (by hand: row 'r4'). Before: "1 row(s) have no group"."""
    counts = pd.Series([5.0, 7.0, 4.0, 3.0, 2.0], index=["r0", "r1", "r2", "r3", "r4"])
    pops = pd.Series([1000.0, 1200.0, 900.0, 800.0, 700.0], index=counts.index)
    groups = pd.Series(["A", "A", "B", "B", None], index=counts.index)
    said = " | ".join(_said(ss.dsr, counts, pops, standard=[0.5, 0.5], groups=groups))
    assert re.search(r"dsr: 1 row has no group \(row 'r4'\) and is left out of every area", said), said
    assert "(s)" not in said, said


def test_one_point_without_coordinates_has_and_is_left_out():
    """One NaN of 6 values (by hand): "1 of 6 points has missing coordinates and is left out", and a
    projection's "1 of 3 points has ... and gets NaN". Before: "1 of 6 points have ... and are left out"."""
    from saferstats.hotspot.grid import bandwidth_nrd

    said = _said(bandwidth_nrd, [1.0, 2.0, np.nan, 3.0, 4.0, 10.0], missing="drop")
    assert "bandwidth_nrd: 1 of 6 points has missing coordinates and is left out (first at row 2)" in said, said
    lat = pd.Series([51.9, np.nan, 51.91], index=[10, 11, 12])
    lon = pd.Series([-0.2, np.nan, -0.21], index=[10, 11, 12])
    said = _said(ss.to_local_metres, lat, lon, missing="propagate")
    assert any("1 of 3 points has missing coordinates and gets NaN (first at row 11)" in m for m in said), said
    said = _said(bandwidth_nrd, [1.0, np.nan, np.nan, 3.0, 4.0, 10.0], missing="drop")
    assert "bandwidth_nrd: 2 of 6 points have missing coordinates and are left out (first at row 1)" in said, said

def test_the_library_words_trend_messages_without_s_in_brackets():
    """The modules of this task (trend, rates, io, outcomes, geo) have no "(s)" left in a message:
    read from their source, as the words a user reads."""
    import inspect

    import saferstats.geo
    import saferstats.io
    import saferstats.outcomes
    import saferstats.rates
    import saferstats.trend

    for mod in (saferstats.trend, saferstats.rates, saferstats.io, saferstats.outcomes, saferstats.geo):
        src = inspect.getsource(mod)
        left = re.findall(r"[a-z_']+\(s\)", src)
        # len(s), diff(s), is_..._dtype(s): code, not words
        assert [w for w in left if not re.fullmatch(r"(len|diff|_?\w*_dtype)\(s\)", w)] == [], (mod.__name__, left)


# 2. the report's filters of the funnel warnings

@pytest.mark.parametrize("message", [
    "funnel_overdispersion: 1 point with a count of 0 (Rutland 2021/22) ...",
    "funnel_overdispersion: 2 points with a count of 0 (a, b) ...",
    "funnel_overdispersion: 2 point(s) with a count of 0 (a, b) ...",
    "funnel_significance: 33 points not counted on Defra's 'All incidents' basis are in this funnel: x. "
    "Their counts are not like for like with the others', so ...",
    "funnel_significance: 1 point not counted on Defra's 'All incidents' basis is in this funnel: x. "
    "Their counts are not like for like with the others', so ...",
    "funnel_significance: 1,234 points not counted on Defra's 'All incidents' basis are in this funnel: x. "
    "Their counts are not like for like with the others', so ...",
    "funnel_significance: 33 point(s) not counted on Defra's 'All incidents' basis are in this funnel: x. "
    "Their counts are not like for like with the others', so ...",
])
def test_the_report_still_silences_the_funnel_warnings_it_shows_apart(message):
    """Before: the filters matched only "N point(s)", so "1 point"/"33 points" reached the console."""
    from saferstats.report.sections import _shown_apart

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with _shown_apart():
            warn_user(message)
    assert [str(m.message) for m in w] == []


def test_the_report_silences_the_library_s_own_unlike_warning():
    """The message as trend.py now words it ("1 point not counted ... is in this funnel"), from a
    real call: funnel_significance on 4 councils, one flagged not_all_incidents (by hand: 1 point)."""
    from saferstats.report.sections import _shown_apart

    d = pd.DataFrame({"la_name": ["A", "B", "C", "D"], "incidents": [100.0, 120.0, 90.0, 300.0],
                      "population": [1e5, 1.1e5, 0.9e5, 1.2e5], "not_all_incidents": [False, False, False, True]})
    said = _said(ss.funnel_significance, "incidents", "population", data=d, kind="rate", multiplier=1000)
    unlike = [m for m in said if "not like for like" in m]
    assert unlike and unlike[0].split(":")[1].strip().startswith("1 point "), said
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with _shown_apart():
            ss.funnel_significance("incidents", "population", data=d, kind="rate", multiplier=1000)
    assert not [m for m in w if "not like for like" in str(m.message)]


# 3. one sentence for a renamed council's code

def _renamed(tmp_path):
    rows = ["la_code,la_name,period,count"]
    rows += [f"E1,Shepway,{y},{20 + y - 2015}" for y in range(2015, 2019)]
    rows += [f"E1,Folkestone and Hythe,{y},{25 + y - 2019}" for y in range(2019, 2022)]
    rows += [f"E2,Adur,{y},{30 + y - 2015}" for y in range(2015, 2022)]
    p = tmp_path / "renamed.csv"
    p.write_text("\n".join(rows) + "\n")
    return p


SENTENCE = ("1 code in la_code appears under two or more la_name values, so each is split into separate series "
            "(renamed: E1 'Shepway' / 'Folkestone and Hythe'): {by} keeps each as one series (its names are in "
            "la_name beside it)")


def test_the_command_line_and_the_library_say_a_renamed_code_in_one_sentence(tmp_path, capsys):
    """Before: the CLI said "... so each is split into separate trends, each a part of the series
    ...: --by la_code keeps each as one series" and year_on_year "; 1 la_code(s) appear under ...
    separate series ...: by='la_code' keeps each ...". The sentence is written out above (E1's names
    in year order, as the rows give them)."""
    from saferstats.__main__ import main

    p = _renamed(tmp_path)
    assert main(["trend", str(p), "--by", "la_name", "--population", "none", "--out", str(tmp_path / "t.csv")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert SENTENCE.format(by="--by la_code") in err, err
    # the library: Shepway's and Folkestone's one-period groups in year_on_year
    d = pd.read_csv(p).query("period in (2018, 2019)")
    said = " | ".join(_said(ss.year_on_year, d, count="count", population=None, by="la_name", period="period"))
    assert SENTENCE.format(by="by='la_code'") in said, said
    assert ss.trend.renamed_codes_note(pd.read_csv(p), ["la_name"], "period", cli=True) == \
        SENTENCE.format(by="--by la_code")


# 4. "fewer than 5" without a study area

def test_the_hotspot_text_says_fewer_than_5_without_coordinates(shared_data):
    """police.uk Hertfordshire, Jun 2021: 49 robberies, 1 without a point (pandas). Before: "48
    incidents mapped (1 without coordinates left out)" beside "kept Robbery: 49 records", which the
    study-area note (w52d) writes "fewer than 5" and withholds the total of."""
    from saferstats.report.sections import _hotspots

    raw = pd.read_csv(shared_path(shared_data, JUNE))
    rob = raw[raw["Crime type"] == "Robbery"]
    assert (len(rob), int(rob["Latitude"].isna().sum())) == (49, 1)
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _hotspots(cfg, {"files": [str(shared_path(shared_data, JUNE))], "crime_type": "Robbery", "cell_size": 2000,
                            "min_samples": 3})
    text = " ".join(s.intro.split())
    assert "48 incidents mapped (fewer than 5 without coordinates left out)" in text, text
    assert "1 without coordinates" not in text and "49 records" not in text, text


def test_the_command_line_still_adds_its_two_period_advice_to_the_library_s_error():
    """The command line's advice for two periods keyed on poisson_trend's "has 2 period(s); a trend
    needs at least 3": with "has 2 periods" it would no longer be added. Two financial years (by
    hand: 2 periods) give the error and the advice after it."""
    from pathlib import Path

    from saferstats.__main__ import _two_periods

    df = pd.DataFrame({"period": ["2018/19", "2019/20"], "count": [10, 12]})
    with pytest.raises(ss.InvalidInputError) as e:
        with _two_periods(df, Path("t.csv"), count="count", population=None, period="period", by=[]):
            ss.poisson_trend(df, count="count", population=None)
    said = str(e.value)
    assert said.startswith("the series has 2 periods; a trend needs at least 3 (column 'period'); for two periods: "
                           'saferstats rates "t.csv"'), said
