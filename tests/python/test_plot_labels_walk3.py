"""Walk-through 3: plot_funnel's legend read "target 1.92e+03" for the fly-tipping rate per 100,000
(Defra 2021/22, 308 authorities), plot_spc's "target 3e+03" for 3,000 ASB records; and a
highlight name not among the labels (a typo, or Defra's 'Stevenage ' with a space) was silently
not marked. The target is checked against Σ incidents / Σ population × 100,000 with the csv module."""

import csv
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")

import saferstats  # noqa: E402
from saferstats.exceptions import SaferstatsWarning  # noqa: E402


def _flytipping_2021(shared_data):
    path = shared_data / "fly_tipping" / "defra_la_2012-13_to_2021-22" / "DERIVED_Flytipping_LA_incidents.csv"
    names, inc, pop = [], [], []
    for r in csv.DictReader(open(path, newline="", encoding="utf-8-sig")):
        ok = r["ONS Code"][:3] in ("E06", "E07", "E08", "E09")  # authorities, not the regional totals
        if r["Year"] == "2021-22" and ok and r["Total Incidents"].strip().isdigit() and \
                r["Mid population estimates "].strip().isdigit():
            names.append(r["LA Name"].strip())
            inc.append(float(r["Total Incidents"]))
            pop.append(float(r["Mid population estimates "]))
    return names, inc, pop


def test_funnel_target_is_written_in_full(shared_data):
    import matplotlib.pyplot as plt

    names, inc, pop = _flytipping_2021(shared_data)
    target = sum(inc) / sum(pop) * 100_000
    ax = saferstats.plot_funnel(inc, pop, labels=names, kind="rate", overdispersion=True, highlight=["Stevenage"])
    labels = ax.get_legend_handles_labels()[1]
    assert f"target {target:,.0f}" in labels, labels
    assert any(t.get_text() == "Stevenage" for t in ax.texts)
    plt.close("all")


def test_unknown_highlight_is_warned_about(shared_data):
    import matplotlib.pyplot as plt

    names, inc, pop = _flytipping_2021(shared_data)
    with pytest.warns(SaferstatsWarning, match=r"highlight.*'Stevenag'.*not among the labels.*'Stevenage'"):
        saferstats.plot_funnel(inc, pop, labels=names, kind="rate", highlight=["Stevenag"])
    with pytest.warns(SaferstatsWarning, match=r"give labels="):
        saferstats.plot_funnel(inc, pop, kind="rate", highlight=["Stevenage"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        # (the City of London on its residents is named since w53d: numpy populations with labels=)
        warnings.filterwarnings("ignore", message=r"plot_funnel: 'City of London' is an area whose residents")
        saferstats.plot_funnel(inc, pop, labels=names, kind="rate", highlight=["Stevenage", "Hertsmere"],
                               overdispersion=False)  # (the exact limits, said: no over-dispersion warning)
    plt.close("all")


def test_spc_target_is_written_in_full():
    import matplotlib.pyplot as plt

    values = [1584, 1623, 2157, 2381, 2517, 2735, 2915, 2376, 2348, 2156, 1802, 1560, 1701]
    res = saferstats.spc(values, improvement="decrease", target=3000)
    ax = saferstats.plot_spc(res)
    assert "target 3,000" in ax.get_legend_handles_labels()[1]
    plt.close("all")
