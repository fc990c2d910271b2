"""concentration's generalised Gini (Bernasco & Steenbeek 2017) with non-whole values.

The rescaling G′ = (n/N)·G − (n − N)/N rests on the Gini being unable to fall below 1 − N/n
when there are fewer events N than places n — true of whole-number counts only. With rates or
weights it went negative (audit, session 11): [0.2, 0.3, 0.1, 0.4] has G = 0.25 (laeken::gini
and the mean-difference formula agree) and gave G′ = −2; [0.5, 0.5] has G = 0 and gave −1.
Now G′ is NaN there with a SaferstatsWarning; whole-number counts keep the value R gives
(tests/fixtures/audit_concentration.json, generate_audit_concentration.R)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import load_fixture

import saferstats

CASES = {c["name"]: c for c in load_fixture("audit_concentration.json")["cases"]}


def _mean_difference_gini(x):
    x = np.asarray(x, dtype=float)
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))


@pytest.mark.parametrize("counts", [[0.2, 0.3, 0.1, 0.4], [0.5, 0.5]])
def test_non_whole_values_below_one_per_place_give_nan_and_warn(counts):
    with pytest.warns(saferstats.SaferstatsWarning, match=r"gini_generalized.*whole numbers|whole numbers.*gini"):
        c = saferstats.concentration(counts)
    assert math.isnan(c.gini_generalized)
    # the plain Gini stands, and is what the formula gives
    assert c.gini == pytest.approx(_mean_difference_gini(counts), abs=1e-12)
    assert c.events == pytest.approx(1.0)
    assert c.places == len(counts)


def test_the_warning_names_the_plain_gini_as_the_figure_to_use():
    with pytest.warns(saferstats.SaferstatsWarning) as rec:
        saferstats.concentration([0.2, 0.3, 0.1, 0.4])
    msg = " ".join(str(w.message) for w in rec)
    assert "plain gini" in msg and "0.25" in msg


@pytest.mark.parametrize("name", ["sparse", "one_place", "lorenzgini_example_2"])
def test_whole_counts_with_fewer_events_than_places_are_unchanged(name, recwarn):
    case = CASES[name]
    assert case["events"] < case["places"]  # the generalised correction applies
    c = saferstats.concentration(np.asarray(case["counts"], dtype=float))
    assert c.gini_generalized == pytest.approx(case["gini_generalized"], rel=1e-12, abs=1e-14)
    assert not [w for w in recwarn if issubclass(w.category, saferstats.SaferstatsWarning)]


def test_non_whole_values_with_at_least_one_per_place_are_unchanged(recwarn):
    """N ≥ n: no correction applies, gini_generalized = gini (R fixture 'weights_not_counts')."""
    case = CASES["weights_not_counts"]
    assert case["events"] >= case["places"]
    c = saferstats.concentration(np.asarray(case["counts"], dtype=float))
    assert c.gini_generalized == pytest.approx(case["gini_generalized"], rel=1e-12)
    assert not [w for w in recwarn if issubclass(w.category, saferstats.SaferstatsWarning)]
