"""Session 15 (walk 15): s136_summary checked the records after re-indexing them, so its errors named
positions ("row 6") of a table whose rows are labelled ("d6"). Every check now reads the records as
given: the message and ``.index`` name the row label, ``.position`` the 0-based row, and the column."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import saferstats


def _records() -> pd.DataFrame:
    recs = saferstats.synthetic.s136_pilot_records(seed=1).iloc[:40].copy()
    recs.index = [f"d{i}" for i in range(len(recs))]
    return recs


def _summary(recs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return saferstats.s136_summary(recs, disclosure=False)


def _as_object(recs, col):
    return recs.assign(**{col: recs[col].astype(object)})


CASES = {
    "outcome": (lambda r: r.assign(outcome=r["outcome"].where(r.index != "d3", "zzz")), "outcome", 3,
                r"column 'outcome' has unknown categories \['zzz'\] \(rows \['d3'\]\)"),
    "place": (lambda r: r.assign(place_of_safety=r["place_of_safety"].where(r.index != "d9", "Moon")), "place_of_safety",
              9, r"column 'place_of_safety' has unknown categories \['Moon'\] \(rows \['d9'\]\)"),
    "age": (lambda r: _as_object(r, "age").assign(age=lambda d: d["age"].where(d.index != "d4", "teen")), "age", 4,
            r"column 'age' row 'd4': age 'teen' is neither a number nor an age band"),
    "time": (lambda r: _as_object(r, "departure_time").assign(
        departure_time=lambda d: d["departure_time"].where(d.index != "d5", "not a time")), "departure_time", 5,
        r"column 'departure_time' row 'd5': cannot read timestamp 'not a time'"),
    "negative": (lambda r: r.assign(departure_time=r["departure_time"].where(
        r.index != "d6", r["arrival_time"] - pd.Timedelta(hours=2))), "departure_time", 6,
        r"column 'departure_time' row 'd6': departure \(.*\) is before arrival/detention"),
    "year": (lambda r: r.assign(departure_time=r["departure_time"].where(
        r.index != "d7", r["arrival_time"] + pd.Timedelta(days=400))), "departure_time", 7,
        r"column 'departure_time' row 'd7': detention of 9600 hours is longer than a year"),
    "extension": (lambda r: _as_object(r, "extension").assign(
        extension=lambda d: d["extension"].where(d.index != "d8", "maybe")), "extension", 8,
        r"column 'extension' row 'd8': 'maybe' is not True/False"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_errors_name_the_row_label_and_column(case):
    make, column, pos, message = CASES[case]
    with pytest.raises(saferstats.InvalidInputError, match=message) as e:
        _summary(make(_records()))
    assert (e.value.argument, e.value.index, e.value.position) == (column, f"d{pos}", pos)


def test_mixed_time_zones_name_the_row_label():
    recs = _records()
    text = recs["arrival_time"].dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").astype(object)
    text["d2"] = "2022-01-01 10:00:00"
    # (pandas 3 reads the zone-less time as unreadable; earlier pandas raised, and the message said "no time zone")
    with pytest.raises(saferstats.InvalidInputError, match=r"column 'arrival_time' row 'd2': ") as e:
        _summary(recs.assign(arrival_time=text))
    assert (e.value.index, e.value.position) == ("d2", 2)


def test_untimed_warning_names_the_row_label():
    recs = _records()
    first = next(i for i, p in enumerate(recs["place_of_safety"]) if p != "Not known")
    recs.iloc[first, recs.columns.get_loc("arrival_time")] = pd.NaT
    with pytest.warns(saferstats.SaferstatsWarning, match=rf"have no arrival time \(first at row 'd{first}'\)"):
        saferstats.s136_summary(recs, disclosure=False)


def test_default_index_still_named_by_position_and_results_unchanged():
    recs = _records()
    plain = recs.reset_index(drop=True)
    with pytest.raises(saferstats.InvalidInputError, match=r"column 'age' row 4: age 'teen'") as e:
        _summary(_as_object(plain, "age").assign(age=lambda d: d["age"].where(d.index != 4, "teen")))
    assert (e.value.index, e.value.position) == (4, 4)
    # a labelled (and shuffled) table gives the same summary as its re-indexed copy
    shuffled = recs.sample(frac=1, random_state=3)
    a, b = _summary(shuffled), _summary(plain)
    for name in ("outcomes", "rates", "place_of_safety", "durations", "flags"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
