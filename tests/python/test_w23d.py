"""Session 18, helper w23d: its_poisson's seasonal keywords (season_length, the vocabulary's cycle
length), the shared warning-capture helper, disclosure by force x group x period."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import saferstats

_Y = [21, 24, 19, 23, 26, 22, 25, 27, 24, 26, 28, 25, 27, 29, 26, 30, 28, 31, 29, 27, 32, 30, 33, 31,
      24, 23, 25, 22, 24, 21, 23, 22, 20, 22, 21, 19]


# --------------------------------------------------------------------------- 1. its_poisson season_length
def test_its_poisson_takes_season_length_as_the_cycle_length() -> None:
    """`season_length=` is the cycle length (the vocabulary's name, as mann_kendall's), `seasonality=`
    the kind of term, `harmonics=` the Fourier pairs; the numbers are the old tuple's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        old4 = saferstats.its_poisson(_Y, break_index=24, seasonality=("dummies", 4))
        old6 = saferstats.its_poisson(_Y, break_index=24, seasonality=("fourier", 6, 2))
    new4 = saferstats.its_poisson(_Y, break_index=24, seasonality="dummies", season_length=4)
    new6 = saferstats.its_poisson(_Y, break_index=24, seasonality="fourier", season_length=6, harmonics=2)
    assert new4.seasonality == "dummies(4)" and new6.seasonality == "fourier(6)"
    assert new4.level_rr == old4.level_rr and new6.level_rr == old6.level_rr
    np.testing.assert_allclose(new6.fitted, old6.fitted)
    # the default cycle is 12 and one pair, as before
    a = saferstats.its_poisson(_Y, break_index=24, seasonality="fourier")
    b = saferstats.its_poisson(_Y, break_index=24, seasonality="fourier", season_length=12, harmonics=1)
    assert a.level_rr == b.level_rr and round(a.level_rr, 6) == round(b.level_rr, 6)
    assert a.level_rr != saferstats.its_poisson(_Y, break_index=24, seasonality="fourier", season_length=6).level_rr


def test_its_poisson_tuple_seasonality_warns_and_names_the_new_keywords() -> None:
    with pytest.warns(FutureWarning, match=r"seasonality='dummies', season_length=4"):
        saferstats.its_poisson(_Y, break_index=24, seasonality=("dummies", 4))


@pytest.mark.parametrize("kw, argument, text", [
    (dict(season_length=12), "season_length", "needs a seasonal term"),
    (dict(harmonics=2), "harmonics", "needs a seasonal term"),
    (dict(seasonality="dummies", harmonics=2), "harmonics", "Fourier pairs"),
    (dict(seasonality="fourier", season_length=1), "season_length", "at least 2"),
    (dict(seasonality="fourier", season_length=12, harmonics=7), "harmonics", "at most 6"),
    (dict(seasonality=("fourier", 12), season_length=12), "seasonality", "not also inside"),
    (dict(seasonality=12), "seasonality", "the cycle length is `season_length`"),
])
def test_its_poisson_seasonal_keywords_refuse_what_means_nothing(kw, argument, text) -> None:
    """A cycle length without a seasonal term used to be impossible to give; now it could be given
    and silently ignored, so it is refused; `seasonality=12` (a length where the kind goes) names
    `season_length`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.raises(saferstats.InvalidInputError, match=text) as e:
            saferstats.its_poisson(_Y, break_index=24, **kw)
    assert e.value.argument == argument


# --------------------------------------------------------------------------- 2. one warning-capture helper
def test_the_call_and_capture_helper_is_written_once() -> None:
    """test_w22b._messages and test_walk10_flytipping._caught (and four more copies) are the one
    helper in tests/python/warning_capture.py, which records every warning, even a repeated one."""
    import test_flytip_rate_funnel_data
    import test_session16_w20b_hotspot
    import test_stopsearch_w21c
    import test_trend_use_t
    import test_w22b
    import test_walk10_flytipping
    import warning_capture

    assert test_w22b._messages is warning_capture.warning_messages
    assert test_walk10_flytipping._caught is warning_capture.warning_messages
    assert test_flytip_rate_funnel_data._caught is warning_capture.warning_messages
    for m in (test_stopsearch_w21c._messages, test_trend_use_t._run, test_session16_w20b_hotspot._messages):
        assert m is warning_capture.saferstats_messages

    def twice() -> int:
        for _ in range(2):
            warnings.warn("pandas says", FutureWarning)
            saferstats.exceptions.warn_user("saferstats says")
        return 7

    assert warning_capture.warning_messages(twice) == (7, ["pandas says", "saferstats says"] * 2)
    assert warning_capture.saferstats_messages(twice) == (7, ["saferstats says"] * 2)
