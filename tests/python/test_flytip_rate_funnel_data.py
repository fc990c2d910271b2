"""Fly-tipping funnels (session 16, w19d): rate_funnel_limits / rate_funnel_significance take
``data=`` and name the councils not counted like for like, as funnel_significance does; counts
named as read_flytipping names them but without its flags (a merge drops them) are warned of by the
rate funnels; and plot_funnel names a point with no value by its council, not by a row number such
as 3021.

Defra's table as published (../shared/data; the tests skip without it), read with read_flytipping.
The labels themselves are checked against PHEindicatormethods in test_monitoring_funnels.py; here
the data= path must give exactly the Series path's labels (same inputs, two ways in)."""

from __future__ import annotations

import pandas as pd
import pytest

import saferstats
from conftest import defra_flytipping_read
from warning_capture import warning_messages


_caught = warning_messages  # fn(*args, **kwargs) and its warnings' messages (tests/python/warning_capture.py)


@pytest.fixture(scope="module")
def latest(shared_data):
    ft = defra_flytipping_read(shared_data)
    y = ft[ft.period == "2021/22"].assign(population=lambda t: t.mid_population_estimates)
    return y.assign(rate=y.incidents / y.population * 100_000)


def test_rate_funnel_significance_data_names_the_councils(latest):
    sig, msgs = _caught(saferstats.rate_funnel_significance, "incidents", "rate", data=latest,
                        denominators="population")
    n = int(latest.not_all_incidents.sum())
    basis = [m for m in msgs if "not counted on Defra's 'All incidents' basis" in m]
    assert len(basis) == 1 and basis[0].startswith(f"rate_funnel_significance: {n} point{'s' if n != 1 else ''}")
    assert "Birmingham 2021/22 (Customer/public reported only)" in basis[0]
    # (Redbridge, in both, is named in the first warning with its note, "a change in recording?": w44c)
    steps = [m for m in msgs if "4-fold or more up or down on the year before" in m]
    assert len(steps) == 1 and "Lewisham 2021/22" in steps[0]
    assert len(sig.attrs["not_like_for_like"]) == n + int(latest.recording_step.sum())
    birmingham = latest.index[latest.la_name == "Birmingham"][0]
    assert {"row": birmingham, "column": "not_all_incidents"}.items() <= next(
        r for r in sig.attrs["not_like_for_like"] if r["row"] == birmingham).items()
    # a row left out is named by its council, not its row number
    assert any("row 'Hackney 2021/22'" in m for m in msgs)
    assert sig.index.equals(latest.index)
    # the same labels as the values passed directly (the Series path)
    plain_in = (latest.incidents.to_numpy(), latest.rate.to_numpy())
    same, _ = _caught(saferstats.rate_funnel_significance, *plain_in, denominators=latest.population.to_numpy())
    assert sig.tolist() == same.tolist()


def test_rate_funnel_limits_data_warns_and_matches(latest):
    lim, msgs = _caught(saferstats.rate_funnel_limits, "incidents", "rate", data=latest, denominators="population")
    assert any(m.startswith("rate_funnel_limits: 33 points not counted") for m in msgs)
    assert len(lim.attrs["not_like_for_like"]) == 35
    same, _ = _caught(saferstats.rate_funnel_limits, latest.incidents.to_numpy(), latest.rate.to_numpy(),
                      denominators=latest.population.to_numpy())
    pd.testing.assert_frame_equal(lim, same)
    like = latest[~latest.not_all_incidents & ~latest.recording_step]
    lim, msgs = _caught(saferstats.rate_funnel_limits, "incidents", "rate", data=like, denominators="population")
    assert not any("not like for like" in m for m in msgs) and lim.attrs["not_like_for_like"] == []


def test_rate_funnel_column_names_without_data_say_so():
    with pytest.raises(saferstats.InvalidInputError, match=r"`numerators` is 'incidents', a column name.*data="):
        saferstats.rate_funnel_significance("incidents", "rate")
    with pytest.raises(saferstats.InvalidInputError, match="names a column of data"):
        saferstats.rate_funnel_limits([10, 20], "rate", data=pd.DataFrame({"rate": [1.0, 2.0]}))


def test_merged_columns_without_the_flags_are_warned_of(latest):
    pop = pd.DataFrame({"la_code": latest.la_code.to_numpy(), "residents": latest.population.to_numpy()})
    merged = latest.merge(pop, on="la_code")
    merged.attrs.clear()  # as a merge with another table (Census residents) leaves it
    merged["incidents"].attrs.clear()
    for f, args in ((saferstats.rate_funnel_significance, (merged["incidents"], merged["rate"])),
                    (saferstats.rate_funnel_limits, (merged["incidents"], merged["rate"]))):
        _, msgs = _caught(f, *args)
        lost = [m for m in msgs if "as read_flytipping names Defra's fly-tipping counts" in m]
        assert len(lost) == 1 and "data=" in lost[0] and "merge" in lost[0], msgs
    # data= with a table that has lost the flag columns too
    bare = merged[["la_name", "period", "incidents", "rate"]]
    _, msgs = _caught(saferstats.rate_funnel_significance, "incidents", "rate", data=bare)
    assert any("`data` has no not_all_incidents or recording_step column" in m for m in msgs)
    # with the flags (Series of read_flytipping's table, or data= with its columns): not this warning
    for kw in ({"numerators": latest["incidents"], "rates": latest["rate"]},
               {"numerators": "incidents", "rates": "rate", "data": merged}):
        _, msgs = _caught(saferstats.rate_funnel_significance, **kw)
        assert not any("as read_flytipping names" in m for m in msgs)
    # other counts, other names: nothing
    _, msgs = _caught(saferstats.rate_funnel_significance, pd.Series([50.0, 80.0]), pd.Series([100.0, 90.0]))
    assert not any("read_flytipping" in m for m in msgs)


def test_plot_funnel_names_a_missing_point_by_its_council(latest):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hackney = int(latest.index[latest.la_name == "Hackney"][0])
    for kw in ({"labels": "la_name"}, {}):
        ax, msgs = _caught(saferstats.plot_funnel, "incidents", "population", data=latest, kind="rate",
                           multiplier=1000, **kw)
        missing = [m for m in msgs if "missing numerator or denominator" in m]
        assert len(missing) == 1 and "'Hackney" in missing[0] and f"row {hackney})" not in missing[0], missing
        plt.close(ax.figure)
    # labels given as values, no data=
    y = latest.dropna(subset=["incidents", "population"])
    y = pd.concat([y, latest[latest.la_name == "Hackney"]])
    ax, msgs = _caught(saferstats.plot_funnel, y.incidents, y.population, labels=y.la_name.tolist(), kind="rate",
                       multiplier=1000)
    missing = [m for m in msgs if "missing numerator or denominator" in m]
    assert len(missing) == 1 and "(row 'Hackney')" in missing[0], missing
    plt.close(ax.figure)
    assert latest.loc[latest.la_name == "Hackney", "incidents"].isna().all()  # (no figure published for 2021/22)


def test_every_funnel_function_warns_of_lost_flags(latest):
    """funnel_significance, funnel_target and funnel_overdispersion lost the flags as silently as the
    rate funnels did (w19d's note): the check now runs where every funnel looks for the flags."""
    merged = latest.merge(pd.DataFrame({"la_code": latest.la_code.to_numpy()}), on="la_code")
    merged.attrs.clear()
    merged["incidents"].attrs.clear()
    calls = ((saferstats.funnel_significance, dict(kind="rate", missing="propagate")),
             (saferstats.funnel_target, dict(kind="rate")),
             (saferstats.funnel_overdispersion, dict(kind="rate")))
    for f, kw in calls:
        _, msgs = _caught(f, merged["incidents"], merged["population"], **kw)
        lost = [m for m in msgs if "as read_flytipping names Defra's fly-tipping counts" in m]
        assert len(lost) == 1 and lost[0].startswith(f.__name__), (f.__name__, msgs)
        _, msgs = _caught(f, latest["incidents"], latest["population"], **kw)  # read_flytipping's own Series
        assert not any("as read_flytipping names" in m for m in msgs), f.__name__
