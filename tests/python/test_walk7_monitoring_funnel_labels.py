"""Walk 7 (monitoring): plot_funnel matched ``labels`` to points by position without checking
their number.

The hate-crime force funnel of 2018/19 (Home Office, bundled ``datasets.hate_crime_by_force``):
City of London has no population, so the analyst drops it from the numbers
(``hc.dropna(subset=["population"])``, 42 forces) but passes the labels of the whole table (43).
Every label after City of London's place then named the next force's point, and
``highlight=["Kent"]`` wrote "Kent" beside Surrey's point, with no warning. A ``labels`` of
another length than the points is now a LengthMismatchError naming ``labels``; with the right
labels the annotation sits at Kent's own population and rate.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import saferstats  # noqa: E402
from saferstats import LengthMismatchError  # noqa: E402


@pytest.fixture()
def hate_crime():
    hc = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'")
    ok = hc.dropna(subset=["population"])
    assert (len(hc), len(ok)) == (43, 42)
    return hc, ok


def test_labels_of_another_length_are_an_error(hate_crime):
    import matplotlib.pyplot as plt

    hc, ok = hate_crime
    for labels in (hc["force"], list(ok["force"])[:-1]):
        with pytest.raises(LengthMismatchError, match=r"`numerators` has 42 elements but `labels` has 4[13]") as e:
            saferstats.plot_funnel(ok["offences"], ok["population"], labels=labels, kind="rate",
                                   highlight=["Kent"])
        assert e.value.argument == "labels"
    plt.close("all")


def test_highlight_sits_at_the_areas_own_point(hate_crime):
    import matplotlib.pyplot as plt

    _, ok = hate_crime
    ax = saferstats.plot_funnel(ok["offences"], ok["population"], labels=ok["force"], kind="rate",
                                highlight=["Kent"])
    notes = [t for t in ax.texts if t.get_text() == "Kent"]
    assert len(notes) == 1
    row = ok[ok["force"] == "Kent"].iloc[0]
    x, y = notes[0].xy
    assert x == pytest.approx(row["population"])
    assert y == pytest.approx(row["offences"] / row["population"] * 100_000)
    plt.close("all")
