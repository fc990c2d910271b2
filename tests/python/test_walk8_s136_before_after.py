"""Walk-through 8 (session 13): before_after's detention rates over periods of different lengths.

``before_after(records, split=..., population=(pop, pop))`` — the area's population, as the
argument's name reads — compared 24 months of detentions with 12: the rate ratio read 0.458
(a 54% fall, p < 1e-29) where the monthly rate fell by 8% (0.916, p = 0.20). The rates are per
period, so ``population`` must be person-time; the records' months on each side are now in
``.attrs["detention_rates"]`` and a population out of their proportion gets a warning.
Reference: statsmodels' two-sample Poisson rate ratio (tests/fixtures/walk8_s136_before_after).
"""

from __future__ import annotations

import json
import pathlib
import warnings

import pandas as pd
import pytest

import saferstats

FIX = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "walk8_s136_before_after"
                  / "detention_rate_ratio.json").read_text())


@pytest.fixture(scope="module")
def recs() -> pd.DataFrame:
    r = saferstats.synthetic.s136_pilot_records(seed=1)
    pre = int((r["detention_time"] < "2024-01-01").sum())
    assert (pre, len(r) - pre) == (FIX["pre"], FIX["post"])
    return r


def test_person_years_match_statsmodels_without_warning(recs: pd.DataFrame) -> None:
    pop = FIX["population"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        ba = saferstats.before_after(recs, split="2024-01-01", population=(pop * 2, pop * 1))
    rr, ref = ba.attrs["rate_ratio"], FIX["person_years"]
    for k in ("ratio", "lower", "upper", "p_value"):
        assert rr[k] == pytest.approx(ref[k], rel=1e-6), k
    assert ba.attrs["detention_rates"]["months"].tolist() == [FIX["pre_months"], FIX["post_months"]]


def test_bare_population_over_unequal_periods_warns(recs: pd.DataFrame) -> None:
    pop = FIX["population"]
    with pytest.warns(saferstats.SaferstatsWarning, match=r"24\.0 months before the split and 12\.0 from it.*"
                                                          r"population=\(2,200,000, 1,100,000\)"):
        ba = saferstats.before_after(recs, split="2024-01-01", population=(pop, pop))
    # the numbers are still those asked for (rates per period), now flagged
    assert ba.attrs["rate_ratio"]["ratio"] == pytest.approx(FIX["bare_population"]["ratio"], rel=1e-9)


def test_split_inside_a_month_and_zoned_times(recs: pd.DataFrame) -> None:
    zoned = recs.assign(detention_time=recs["detention_time"].dt.tz_localize("Europe/London"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        ba = saferstats.before_after(zoned, split="2024-01-16", population=(2.2e6, 1.1e6))
    pre, post = ba.attrs["detention_rates"]["months"].tolist()
    assert pre == pytest.approx(24 + 15 / 31) and post == pytest.approx(12 - 15 / 31)


def test_a_resident_population_is_turned_into_person_time(recs: pd.DataFrame) -> None:
    """Session 14: the report passed the area's 1.1 million residents for both periods (24 and 12
    months), and its own demo warned. A single number is now the residents: the person-time is
    worked out from the months, and the rate ratio is statsmodels' person-years one (the fixture)."""
    pop = FIX["population"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        ba = saferstats.before_after(recs, split="2024-01-01", population=pop)
    rr, ref = ba.attrs["rate_ratio"], FIX["person_years"]
    for k in ("ratio", "lower", "upper", "p_value"):
        assert rr[k] == pytest.approx(ref[k], rel=1e-6), k
    rates = ba.attrs["detention_rates"]
    assert rates["population"].tolist() == [pop * FIX["pre_months"] / 12, pop * FIX["post_months"] / 12]
    with pytest.raises(saferstats.InvalidInputError, match="population"):
        saferstats.before_after(recs, split="2024-01-01", population=-5)


def test_the_demo_report_gives_no_before_after_warning(tmp_path) -> None:
    from saferstats.report import demo_config
    from saferstats.report.sections import _BUILDERS

    cfg = demo_config()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        _BUILDERS["s136"](cfg, cfg["s136"])
    assert not [x for x in w if "before_after" in str(x.message)]
