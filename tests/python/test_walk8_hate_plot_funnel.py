"""Walk-through 8 (hate crime): the funnel of the 43 forces from the Home Office table as published.

Found: highlighting "London, City of" (no population in the table) marked nothing and said nothing;
the legend listed "Not applicable" for a point that is not drawn; populations read in units of 1e7.
The points drawn are the published offences per 100,000 (counted with the csv module).
"""
import csv
import warnings

import numpy as np
import pytest

import saferstats
from saferstats import SaferstatsWarning

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FORCES = ["Durham", "Merseyside", "Dyfed-Powys", "Metropolitan Police", "London, City of"]


@pytest.fixture
def by_force_2018_19(shared_data):
    path = shared_data / "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"
    with open(path, newline="", encoding="utf-8-sig") as f:
        raw = [r for r in csv.DictReader(f) if r["Year"] == "2018-19"]
    t = saferstats.read_hate_crime(path)
    return raw, t[t.period == "2018/19"].reset_index(drop=True)


def test_funnel_marks_what_it_can_and_says_what_it_cannot(by_force_2018_19):
    raw, y = by_force_2018_19
    assert len(raw) == len(y) == 43
    with pytest.warns(SaferstatsWarning) as rec:
        ax = saferstats.plot_funnel(y.offences, y.population, labels=y.force, kind="rate", highlight=FORCES)
    msgs = [str(w.message) for w in rec]
    assert any("`highlight` ['London, City of'] not marked: no value to draw" in m for m in msgs)
    notes = {a.get_text() for a in ax.texts}
    assert notes == set(FORCES) - {"London, City of"}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Not applicable (no value, not drawn): 1" in legend
    # every force with a population is drawn at its published rate: offences / population × 100,000
    drawn = np.concatenate([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    want = sorted((float(r["Population"].replace(",", "")),
                   float(r["Total number of offences"]) / float(r["Population"].replace(",", "")) * 1e5)
                  for r in raw if r["Population"] not in ("#N/A", ""))
    got = sorted(map(tuple, drawn.tolist()))
    assert len(got) == 42
    np.testing.assert_allclose(got, want, rtol=1e-12)
    # populations as written on the axis
    fig = ax.figure
    fig.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks) and not ax.xaxis.get_offset_text().get_text()
    plt.close(fig)


def test_no_warning_when_every_highlight_is_drawn(by_force_2018_19):
    _, y = by_force_2018_19
    y = y[y.population.notna()]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        # (exact limits on over-dispersed points are warned of since walk 21; not what this test is about)
        warnings.filterwarnings("ignore", message=r"(funnel_significance|plot_funnel): \d+ of \d+ points lie outside")
        ax = saferstats.plot_funnel(y.offences, y.population, labels=y.force, kind="rate", highlight=["Durham"])
    assert {a.get_text() for a in ax.texts} == {"Durham"}
    plt.close(ax.figure)
