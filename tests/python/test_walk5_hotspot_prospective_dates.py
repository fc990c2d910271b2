"""prospective_hotspots with police.uk months as dates (t = pd.to_datetime(month)) refused
predict_time="2022-01-01" with "`predict_time` must be a number, got '2022-01-01'" - the natural way
to write the date, and the message pointed the wrong way (a number of days since 1970). Now date
text is read as that date when `t` holds dates; with numeric `t` the message says to give a number
in t's units."""

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points


def test_predict_time_as_date_text(shared_data):
    month, x, y = herts_street_points(shared_data, "Burglary")
    use = np.isin(month, ["2021-10", "2021-11", "2021-12"])
    t = pd.to_datetime(pd.Series(month[use]))
    kw = dict(time_unit=30, time_bandwidth=3, cell_size=500, study_area="Stevenage")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        a = saferstats.prospective_hotspots(x[use], y[use], t, predict_time="2022-01-01", cutoff_time="2021-12-31", **kw)
        b = saferstats.prospective_hotspots(x[use], y[use], t, predict_time=pd.Timestamp("2022-01-01"),
                                            cutoff_time=pd.Timestamp("2021-12-31"), **kw)
    pd.testing.assert_frame_equal(a.cells, b.cells)
    # ages in 30-day units by hand: December 1, November 2, October 3 (October not counted: age >= time_bandwidth 3)
    days = (pd.Timestamp("2022-01-01") - t).dt.days.to_numpy()
    assert set(np.floor(days / 30).astype(int)) == {1, 2, 3}
    assert np.nanmax(a.cells["risk"]) > 0


def test_text_with_numeric_times_and_bad_text_are_named():
    with pytest.raises(saferstats.InvalidInputError, match=r"`predict_time` is text .* `t` holds numbers") as e:
        saferstats.prospective_hotspots([50.0], [50.0], [1.0], predict_time="2022-01-01", cell_size=50,
                                        bounds=(0, 149, 0, 149))
    assert e.value.argument == "predict_time"
    t = pd.to_datetime(pd.Series(["2021-12-01", "2021-11-01"]))
    with pytest.raises(saferstats.InvalidInputError, match=r"`cutoff_time` 'next month' is not a date"):
        saferstats.prospective_hotspots([50.0, 60.0], [50.0, 60.0], t, predict_time="2022-01-01",
                                        cutoff_time="next month", cell_size=50, bounds=(0, 149, 0, 149),
                                        time_unit=30)
