"""Walk-through 6 (Trafford): an age-standardised rate built as an analyst would, from the ONS
mid-year estimates by single year of age, banded into the ESP 2013 bands.

``dsr`` weights the rows by position. Bands made with text labels and summed with ``groupby`` come
out sorted as text ("0-4", "10-14", ..., "45-49", "5-9", "50-54"): "5-9" then took the 45-49
weight and every band from 10-14 on the next band's, and the DSR was silently wrong (318.28
against 320.17 per 100,000). A Series whose index says its rows are age bands in another order is
now refused, naming the argument; in age order the result matches the reference computed by hand
from PHEindicatormethods' formulas (tests/fixtures/walk6_trafford_dsr/make_fixture.py, scipy)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats

FIX = json.loads((Path(__file__).parents[1] / "fixtures" / "walk6_trafford_dsr" / "trafford_2022_dsr.json").read_text())
BANDS = FIX["bands"]


def _series(order=None):
    pop = pd.Series(FIX["population"], index=BANDS)
    cnt = pd.Series(FIX["counts"], index=BANDS)
    if order is not None:
        pop, cnt = pop.reindex(order), cnt.reindex(order)
    return cnt, pop


@pytest.mark.parametrize("conf", ["0.95", "0.998"])
def test_age_ordered_bands_match_the_hand_computed_reference(conf):
    cnt, pop = _series()
    cat = pd.CategoricalIndex(BANDS, categories=BANDS, ordered=True)  # as pd.cut labels them
    r = saferstats.dsr(cnt.set_axis(cat), pop.set_axis(cat), confidence=float(conf)).iloc[0]
    ref = FIX[conf]
    assert r["rate"] == pytest.approx(ref["rate"], rel=1e-9)
    assert r["lower"] == pytest.approx(ref["lower"], rel=1e-9)
    assert r["upper"] == pytest.approx(ref["upper"], rel=1e-9)


def test_bands_sorted_as_text_are_refused():
    text_order = sorted(BANDS)  # what groupby on a text column gives
    assert text_order[9] == "5-9"
    cnt, pop = _series(text_order)
    with pytest.raises(saferstats.InvalidInputError, match="not in age order") as e:
        saferstats.dsr(cnt, pop)
    assert e.value.argument == "counts" and "'45-49' before '5-9'" in str(e.value)


def test_by_group_with_a_multiindex_names_the_group():
    cnt, pop = _series(sorted(BANDS))
    idx = pd.MultiIndex.from_product([["Trafford"], sorted(BANDS)], names=["area", "band"])
    with pytest.raises(saferstats.InvalidInputError, match="group 'Trafford'"):
        saferstats.dsr(cnt.set_axis(idx), pop.set_axis(idx), groups=["Trafford"] * 19)


def test_counts_and_populations_in_different_orders_are_refused():
    cnt, _ = _series()
    _, pop = _series(list(reversed(BANDS)))
    with pytest.raises(saferstats.InvalidInputError, match="different orders") as e:
        saferstats.dsr(cnt, pop)
    assert e.value.argument == "populations"


def test_other_spellings_and_non_age_indexes():
    cnt, pop = _series()
    words = [f"Aged {a} to {a + 4}" for a in range(0, 90, 5)] + ["Aged 90 and over"]
    ok = saferstats.dsr(cnt.set_axis(words), pop.set_axis(words)).iloc[0]
    assert ok["rate"] == pytest.approx(FIX["0.95"]["rate"], rel=1e-9)
    swapped = words[:]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    with pytest.raises(saferstats.InvalidInputError, match="not in age order"):
        saferstats.dsr(cnt.set_axis(swapped), pop.to_numpy())
    # ten-year bands against the ESP 2013 weights: the standard's bands are named
    tens = [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"]
    tens[3] = "16-19"
    with pytest.raises(saferstats.InvalidInputError, match="ESP 2013 bands"):
        saferstats.dsr(cnt.set_axis(tens), pop.set_axis(tens))
    # no age labels: positions as before (lists, arrays, areas as labels)
    plain = saferstats.dsr(list(cnt), np.asarray(pop)).iloc[0]
    assert plain["rate"] == pytest.approx(FIX["0.95"]["rate"], rel=1e-9)
    with pytest.warns(saferstats.SaferstatsWarning, match="by position"):  # no age labels (session 11)
        labelled = saferstats.dsr(cnt.set_axis(list("ABCDEFGHIJKLMNOPQRS")), pop.to_numpy()).iloc[0]
    assert labelled["rate"] == pytest.approx(FIX["0.95"]["rate"], rel=1e-9)
