"""Walk-through 8 (session 13): the child-in-police-station flag of s136_summary.

Ages were read with ``pd.to_numeric(errors="coerce")``: records carrying police.uk-style age bands
("10-17", "18-24", "over 34"), "17 years", or no age column at all gave
``child_in_police_station = 0`` — a published "no child held in a police station" (a breach of
the Mental Health Act) with no word. Bands wholly under or over 18 are now read, police-station
detentions without a usable age are counted in a warning, and an unreadable age is an error
naming the row. The reference is the count of the records themselves with pandas.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats


@pytest.fixture(scope="module")
def recs() -> pd.DataFrame:
    return saferstats.synthetic.s136_pilot_records(seed=1)


def _children_in_station(r: pd.DataFrame) -> int:
    return int(((r["age"] < 18) & (r["place_of_safety"] == "Police station")).sum())


def _flag(r: pd.DataFrame) -> int:
    return int(saferstats.s136_summary(r, disclosure=False).flags["child_in_police_station"].iloc[0])


def test_numeric_ages_unchanged(recs: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        assert _flag(recs) == _children_in_station(recs) > 0


@pytest.mark.parametrize("bands", [
    lambda a: np.where(a < 10, "under 10", np.where(a < 18, "10-17", np.where(a < 25, "18-24",
                                                                               np.where(a < 35, "25-34", "over 34")))),
    lambda a: a.astype(int).astype(str) + " years",
    lambda a: np.where(a < 16, "15 and under", np.where(a < 18, "16 to 17", np.where(a < 65, "18 to 64", "65+"))),
], ids=["policeuk_bands", "years", "nhs_bands"])
def test_age_bands_read(recs: pd.DataFrame, bands) -> None:
    r = recs.assign(age=bands(recs["age"].to_numpy()))
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        assert _flag(r) == _children_in_station(recs)


def test_no_age_column_warns(recs: pd.DataFrame) -> None:
    at_station = int((recs["place_of_safety"] == "Police station").sum())
    with pytest.warns(saferstats.SaferstatsWarning, match=rf"no age column.*of {at_station} police-station detentions, "
                                                          rf"{at_station} could be children"):
        assert _flag(recs.drop(columns="age")) == 0


def test_missing_and_straddling_ages_counted(recs: pd.DataFrame) -> None:
    station = recs.index[recs["place_of_safety"] == "Police station"]
    r = recs.astype({"age": object})
    r.loc[station[:3], "age"] = np.nan
    r.loc[station[3:5], "age"] = "16-24"  # could be either
    expected = _children_in_station(recs.drop(index=station[:5]))
    with pytest.warns(saferstats.SaferstatsWarning, match=r"5 could be children"):
        assert _flag(r) == expected


def test_unreadable_age_named(recs: pd.DataFrame) -> None:
    r = recs.astype({"age": object})
    r.loc[7, "age"] = "seventeen"
    with pytest.raises(saferstats.InvalidInputError, match=r"column 'age' row 7: age 'seventeen'"):
        saferstats.s136_summary(r)


def test_a_missing_arrival_time_is_said_not_silently_timed_from_detention():
    """Session 13 (noticed by walk 8): a detention taken to a place of safety with no arrival time was
    timed from the detention itself, lengthening its duration, without a word. Reference: the
    durations computed here by hand from the records."""
    recs = saferstats.synthetic.s136_pilot_records(seed=5).reset_index(drop=True)
    gone = recs.index[(recs["place_of_safety"] != "Not known") & recs["departure_time"].notna()][:7]
    cut = recs.copy()
    cut.loc[gone, "arrival_time"] = pd.NaT
    with pytest.warns(saferstats.SaferstatsWarning, match=r"7 of [\d,]+ detentions taken to a place of safety have no "
                                                          rf"arrival time \(first at row {gone[0]}\): they are timed "
                                                          "from the detention itself"):
        out = saferstats.s136_summary(cut)
    start = cut["arrival_time"].fillna(cut["detention_time"])
    hours = (cut["departure_time"] - start).dt.total_seconds() / 3600
    assert out.durations["median_hours"].iloc[0] == pytest.approx(float(np.nanmedian(hours)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        try:
            saferstats.s136_summary(recs)
        except saferstats.SaferstatsWarning as w:  # other warnings of the synthetic pilot are not this one
            assert "timed from the detention itself" not in str(w)
