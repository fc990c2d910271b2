"""plot_trend marks the periods the source footnotes (walk 19): the Home Office strand table's
"2017/18³ — Merseyside police have revised figures for 2017/18" was warned of by poisson_trend but
drawn like any other year."""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pytest

import saferstats
from saferstats import SaferstatsWarning

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TABLE2 = "hate_crime/home_office_by_force_2017-18_2018-19/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"


def _published_row(path, label):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header = next(r for r in rows if r and r[0] == "Hate crime strand")
    row = next(r for r in rows if r and r[0] == label)
    return header, row


def _rings(ax):
    return [ln for ln in ax.get_lines() if ln.get_linestyle() == "None" and ln.get_markerfacecolor() == "none"]


@pytest.mark.parametrize("fit", [True, False])
def test_footnoted_year_is_ringed_and_noted(shared_data, fit):
    path = shared_data / TABLE2
    header, race = _published_row(path, "Race")
    col = next(i for i, h in enumerate(header) if h.startswith("2017/18"))
    assert header[col] == "2017/183"  # the superscript 3 as the CSV export spells it
    t = saferstats.read_hate_crime(path)
    sub = t[t.strand.isin(["race", "religion"])]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ax = saferstats.plot_trend(sub, population=None, by="strand", fit=fit, dispersion="quasi")
    rings = _rings(ax)
    assert len(rings) == 2  # one ring on each line, at 2017/18 (placed at its starting year)
    xs = np.concatenate([r.get_xdata() for r in rings])
    assert np.allclose(xs, 2017.0)
    race_ring = max(rings, key=lambda r: float(r.get_ydata()[0]))
    assert float(race_ring.get_ydata()[0]) == float(race[col].replace(",", ""))  # 71,264 as published
    legend = [x.get_text().replace("\n", " ") for x in ax.get_legend().get_texts()]
    assert any(x.startswith("ringed: footnoted by the source") and "Merseyside police have revised figures" in x
               and "2017/18" in x for x in legend), legend
    assert "ringed: footnoted period" in ax.get_title()
    said = [str(m.message) for m in w if issubclass(m.category, SaferstatsWarning) and "footnotes" in str(m.message)]
    assert len(said) == 1 and "Merseyside" in said[0], said  # once: poisson_trend's, or plot_trend's without a fit
    plt.close(ax.figure)


def test_no_footnote_no_ring(shared_data):
    t = saferstats.read_hate_crime(shared_data / TABLE2)
    sub = t[t.strand.eq("race") & ~t.period.eq("2017/18")]
    ax = saferstats.plot_trend(sub, population=None, fit=False)
    assert _rings(ax) == [] and "ringed" not in ax.get_title()
    plt.close(ax.figure)
