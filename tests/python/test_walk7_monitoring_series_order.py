"""Walk 7 (monitoring): Series holding the same areas in another order were paired by position.

The analyst kept offences indexed by force as read and took populations from another table, indexed
by force and sorted alphabetically (``pop = hc.set_index("force")["population"].sort_index()``).
``funnel_overdispersion(off, pop, kind="rate")`` paired Cleveland's offences with Avon and
Somerset's population and so on: φ 1,891 instead of 191.9, silently; ``rate_funnel_limits(off,
off / pop * 1e5)`` did the same (pandas' division returns the rates sorted by force). The monitoring
functions that take several Series (funnel_overdispersion, rate_funnel_limits/significance, e_test,
plot_funnel) now raise an InvalidInputError naming the second argument when it holds the same labels
in another order; aligned, the reference result stands (φ 191.91, FunnelPlotR;
docs/methods/monitoring.md).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import saferstats  # noqa: E402
from saferstats import InvalidInputError  # noqa: E402


@pytest.fixture()
def off_pop():
    hc = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna(subset=["population"])
    off = hc.set_index("force")["offences"]
    pop = hc.set_index("force")["population"].sort_index()
    assert off.index[0] == "Cleveland" and pop.index[0] == "Avon and Somerset"
    return off, pop


def test_permuted_series_are_an_error(off_pop):
    import matplotlib.pyplot as plt

    off, pop = off_pop
    calls = [
        ("denominators", lambda: saferstats.funnel_overdispersion(off, pop, kind="rate")),
        ("denominators", lambda: saferstats.plot_funnel(off, pop, kind="rate")),
        ("rates", lambda: saferstats.rate_funnel_limits(off, off / pop * 1e5)),
        ("rates", lambda: saferstats.rate_funnel_significance(off, off / pop * 1e5)),
        ("k2", lambda: saferstats.e_test(off, off.sort_index())),
    ]
    for arg, call in calls:
        with pytest.raises(InvalidInputError, match="same labels .* in another order") as e:
            call()
        assert e.value.argument == arg and e.value.index == 0
        assert "'Avon and Somerset'" in str(e.value) and "'Cleveland'" in str(e.value)
    plt.close("all")


def test_aligned_series_give_the_reference(off_pop):
    off, pop = off_pop
    od = saferstats.funnel_overdispersion(off, pop.reindex(off.index), kind="rate")
    assert round(od["phi"], 2) == 191.91 and round(od["tau2"], 4) == 0.0842
    # plain arrays and Series on one index are paired as before
    od2 = saferstats.funnel_overdispersion(off.to_numpy(), pop.reindex(off.index).to_numpy(), kind="rate")
    assert od2["phi"] == pytest.approx(od["phi"], rel=1e-12)


def test_spc_and_unusual_periods_check_the_order_too():
    # Stevenage burglary Jan-Jun 2021 (police.uk, LSOA name prefix) with its months taken from a
    # frame sorted another way: each count would sit at another month
    import pandas as pd

    counts = pd.Series([14, 13, 15, 15, 22, 19], index=[0, 1, 2, 3, 4, 5])
    months = pd.Series(["2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06"], index=[0, 1, 2, 3, 4, 5])
    shuffled = months.sort_values(ascending=False)
    for call in (lambda: saferstats.spc(counts, periods=shuffled, chart="c"),
                 lambda: saferstats.unusual_periods(counts, periods=shuffled, baseline=3)):
        with pytest.raises(InvalidInputError, match="`periods` holds the same labels as `values` in another order"):
            call()
