"""Walk 7 (monitoring): plot_spc's default title lost the series' name when its limits were trial
limits, and its y axis said "value" for a u chart of rates per 1,000.

A PCC analyst charting one district's burglary from a many-series result whose series has under
12 points (``spc(..., by=district)`` then ``plot_spc(res, series="Stevenage")``) got the title
"SPC chart (trial limits)" — which district? — where a full series gets "SPC chart: Stevenage".
And ``spc(counts, chart="u", denominators=population, multiplier=1000)`` was drawn with the y axis
"value": the rates are per 1,000 (the multiplier the chart was made with, now also in
``.attrs["summary"]``).
"""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import saferstats  # noqa: E402

# Stevenage and Watford burglaries per month, 2021-01..2021-10 (police.uk,
# /work/shared/data/street_crime, LSOA name prefix, read_street_crime): 10 months, so trial limits
STEVENAGE = [14, 13, 15, 15, 22, 19, 22, 18, 22, 41]
WATFORD = [23, 18, 28, 28, 13, 15, 24, 45, 22, 18]


def _spc(*a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        return saferstats.spc(*a, **k)


def test_trial_limits_title_keeps_the_series_name():
    res = _spc(STEVENAGE + WATFORD, by=["Stevenage"] * 10 + ["Watford"] * 10, chart="c")
    assert res["trial_limits"].all()
    ax = saferstats.plot_spc(res, series="Stevenage")
    assert ax.get_title() == "SPC chart: Stevenage (trial limits)"
    ax = saferstats.plot_spc(res, series="Watford", title="Watford burglary")
    assert ax.get_title() == "Watford burglary (trial limits)"
    plt.close("all")


def test_u_and_p_chart_axes_say_what_the_values_are():
    res = _spc(STEVENAGE, chart="u", denominators=[89_498] * 10, multiplier=1000)
    assert res.attrs["summary"]["multiplier"].iloc[0] == 1000
    assert saferstats.plot_spc(res).get_ylabel() == "rate per 1,000"
    res = _spc(STEVENAGE, chart="p", denominators=[200] * 10, multiplier=100)
    assert saferstats.plot_spc(res).get_ylabel() == "%"
    assert saferstats.plot_spc(_spc(STEVENAGE, chart="c")).get_ylabel() == "count"
    assert saferstats.plot_spc(_spc(STEVENAGE), ylabel="burglaries").get_ylabel() == "burglaries"
    plt.close("all")
