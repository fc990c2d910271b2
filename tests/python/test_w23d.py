"""Session 18, helper w23d: its_poisson's seasonal keywords (season_length, the vocabulary's cycle
length), the shared warning-capture helper, disclosure by force x group x period."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
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


# --------------------------------------------------------------------------- 3. disclosure by financial year
def _searches_24_months(seed: int = 0) -> pd.DataFrame:
    """One force's searches by ethnic group and month over two financial years (April 2021 to March
    2023), police.uk-like sizes (White about 120 a month, Other about 8)."""
    rng = np.random.default_rng(seed)
    months = pd.period_range("2021-04", "2023-03", freq="M").astype(str)
    rows = [("Force A", g, m, int(rng.poisson(lam)))
            for g, lam in zip(["Asian", "Black", "Mixed", "Other", "White"], [25, 20, 9, 8, 120]) for m in months]
    return pd.DataFrame(rows, columns=["force", "group", "month", "searches"])


def _attack(published: pd.DataFrame, truth: pd.DataFrame, *, financial_years: bool) -> list:
    from disclosure_attack import Attack

    a = Attack()
    a.table("t", published, truth, counts=["searches"])
    a.totals_over_keys("t", ["force", "group", "month"], "searches")
    if financial_years:  # the Home Office's force x ethnicity table, one per financial year
        fy = np.where(truth["month"] < "2022-04", "2021/22", "2022/23")
        for rows in truth.groupby([truth["force"], truth["group"], fy]).groups.values():
            a.total(("t", r, "searches") for r in rows)
    return a.linear(floor_one=True)


@pytest.mark.parametrize("seed", [0, 2, 4, 7, 9, 11])
def test_suppress_protects_a_monthly_table_against_each_financial_years_total(seed: int) -> None:
    """suppress() took the force x group total over all the table's months as the only total over
    months. Over two financial years the Home Office publishes each year's (its force x ethnicity
    table): a small count hidden in one year whose only partner in its row was in the other year
    was that year's total less its published months. Seed 0: Other searches in June 2021 (3, a
    primary count) and Mixed in June 2021 (5) were their rows' only hidden months of 2021/22 (the
    partners were in May and October 2022); a reader with the 2021/22 totals had them back exactly."""
    truth = _searches_24_months(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        published = saferstats.suppress(truth, columns=["searches"], keys=["force", "group", "month"], totals={})
    hidden = published["searches"].astype(str).eq("[c]")
    assert 0 < hidden.sum() <= 16  # protection, not the whole row
    assert _attack(published, truth, financial_years=False) == []
    assert _attack(published, truth, financial_years=True) == [], "a hidden count is recovered from a year's total"
    # each financial year of each group row has either no hidden count or two or more
    fy = np.where(truth["month"] < "2022-04", 0, 1)
    per_year = hidden.groupby([truth["group"], fy]).sum()
    assert not (per_year == 1).any(), per_year[per_year == 1]


def test_suppress_takes_no_year_total_when_the_months_are_one_financial_year_or_none_complete() -> None:
    """April 2021 - March 2022 (one year: its total is the total over the months) and June 2021 - May
    2023 (only 2022/23 complete) give the same hidden cells as the all-months totals would where no
    complete year splits them."""
    from saferstats.disclosure import financial_year_groups

    t = _searches_24_months(0)
    one_year = t[t["month"] < "2022-04"].reset_index(drop=True)
    assert financial_year_groups(one_year, ["force", "group", "month"]) == []
    calendar = t[t["month"].between("2021-06", "2022-12")].reset_index(drop=True)  # 2021/22 incomplete, 2022/23 too
    assert financial_year_groups(calendar, ["force", "group", "month"]) == []
    shifted = t[t["month"] >= "2021-06"].reset_index(drop=True)  # 2022/23 complete, 2021/22 not
    (g,) = financial_year_groups(shifted, ["force", "group", "month"])
    in_2022 = (shifted["month"] >= "2022-04").to_numpy()
    assert len(np.unique(g[in_2022])) == 5 and len(np.unique(g[~in_2022])) == (~in_2022).sum()
    # monthly Periods and month-start dates are months too
    as_period = shifted.assign(month=pd.PeriodIndex(shifted["month"], freq="M"))
    as_dates = shifted.assign(month=pd.to_datetime(shifted["month"]))
    for frame in (as_period, as_dates):
        (h,) = financial_year_groups(frame, ["force", "group", "month"])
        assert (h == g).all()


def test_report_stop_search_by_month_takes_each_financial_years_total_as_known() -> None:
    """The report's own stop-and-search problem (by force and month) had the same gap: each force's
    searches by group over all the months, not each financial year's (docs/methods/disclosure.md E7)."""
    from saferstats.report.sections import _search_totals

    frame = _searches_24_months(0)
    known = _search_totals(frame, ["force", "month"])
    fy = np.where(frame["month"] < "2022-04", 0, 1)
    want = frame.groupby([frame["group"], fy]).ngroup().to_numpy()
    assert any(len(np.unique(k)) == 10 and (pd.crosstab(k, want).gt(0).sum(axis=1) == 1).all() for k in known)
    one_year = frame[frame["month"] < "2022-04"].reset_index(drop=True)
    assert len(_search_totals(one_year, ["force", "month"])) == 2  # the year is the total over the months


# --------------------------------------------------------------------------- 4. S136 on NHS England's annual figures
MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


@pytest.fixture(scope="module")
def mha_annual(shared_data):
    """NHS England's 2023-24 MHA annual table as read_mha_annual gives it, read once for the three
    functions below (session 33: the CI is near its time limit; the tests never change it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        return saferstats.read_mha_annual(shared_data / MHA)


@pytest.mark.parametrize("func", ["s136_summary", "before_after", "monthly_counts"])
def test_s136_record_functions_say_the_mha_annual_table_is_not_records(mha_annual, func) -> None:
    """A new analyst reads NHS England's MHA annual figures as published and passes the table on:
    the functions said "records has no column 'outcome'" (or 'detention_time'), as if a column were
    misnamed. They now say it is a table of published counts, not one row per detention, and how to
    take its conversion rate (MHSDS counts over the 'Section 136' row's mhsds_count)."""
    t = mha_annual
    kw = {"split": "2023-10-01"} if func == "before_after" else {}
    with pytest.raises(saferstats.InvalidInputError, match="looks like NHS England's Mental Health Act Statistics") as e:
        getattr(saferstats, func)(t, **kw)
    assert e.value.argument == "records" and f"which {func} needs" in str(e.value)
    assert "no column" not in str(e.value) and "mhsds_count" in str(e.value)
    # the advice, followed on the same table: 2,485 + 240 of the 15,212 MHSDS uses in 2023-24
    nat = t[(t["organisation_level"] == "All submissions") & (t["demographic"] == "All")]
    conv = nat[nat["measure"].isin(["Uses of section 2", "Uses of section 3"])
               & nat["subcategory"].isin(["Section 136 to 2", "Section 136 to 3"])]
    uses = nat.loc[nat["subcategory"] == "Section 136", "mhsds_count"]
    assert conv["count"].tolist() == [2485, 240] and uses.tolist() == [15212]
    assert set(conv["datasource"]) == {"MHSDS"}
    p = saferstats.proportion_ci(conv["count"].sum(), uses.iloc[0], multiplier=100)
    assert round(float(p["value"].iloc[0]), 2) == 17.91


def test_records_with_an_outcome_column_and_mha_like_names_are_still_read() -> None:
    """Only a table without the records' own column is refused: detention records that happen to carry
    columns named like the MHA sheet's (a measure, an organisation) are summarised as before."""
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    extra = recs.assign(measure="s136", subcategory="x", demographic="All", breakdown="All", org_name="Trust",
                        count=1)
    a = saferstats.s136_summary(recs, disclosure=False)
    b = saferstats.s136_summary(extra, disclosure=False)
    pd.testing.assert_frame_equal(a.rates, b.rates)
