"""plot_funnel on Series indexed by area (session 13): `highlight="Hertfordshire"` warned "not among the
labels, so not marked (give labels=)" although the Series named every force, and the warning of a
missing population said "position 27". The Series' labels now name the points. Reference: the Home
Office table's own rows (bundled as published)."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import saferstats  # noqa: E402


def test_series_labels_name_the_points_and_the_warnings():
    hc = saferstats.datasets.hate_crime_by_force()
    last = hc[hc.year == hc.year.max()].set_index("force")
    no_pop = list(last.index[last["population"].isna()])
    assert no_pop == ["London, City of"]
    fig, ax = plt.subplots()
    try:
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            saferstats.plot_funnel(last["offences"], last["population"], target=168.6, multiplier=1e5,
                                   highlight="Hertfordshire", ax=ax)
        msgs = [str(w.message) for w in rec]
        assert [t.get_text() for t in ax.texts] == ["Hertfordshire"]
        assert not any("not among the labels" in m for m in msgs)
        assert any("(row 'London, City of')" in m for m in msgs) and not any("position 27" in m for m in msgs)
    finally:
        plt.close(fig)
    # plain arrays still need labels= to highlight (they have none)
    fig, ax = plt.subplots()
    try:
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            saferstats.plot_funnel(last["offences"].to_numpy(), last["population"].to_numpy(), target=168.6,
                                   multiplier=1e5, highlight="Hertfordshire", ax=ax)
        assert any("not among the labels, so not marked (give labels=)" in str(w.message) for w in rec)
    finally:
        plt.close(fig)
