"""disproportionality with a {group: population} mapping holding a bad value (session 16, w19d).

A mapping has no rows: the error said "row 2 (ethnicity='Asian')" (the position in a table built
from it) or "`population` at position 1"; it now names the key."""

from __future__ import annotations

import pandas as pd
import pytest

import saferstats

COUNTS = pd.DataFrame({"ethnicity": ["White", "Black", "Asian"], "searches": [100, 50, 20]})


@pytest.mark.parametrize("pop, key, shown", [
    ({"White": 1000, "Black": 200, "Asian": -5}, "Asian", "-5"),
    ({"White": 1000, "Black": "lots", "Asian": 5}, "Black", "'lots'"),
])
def test_bad_population_in_a_mapping_names_its_key(pop, key, shown):
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.disproportionality(COUNTS, pop, count="searches")
    msg = str(e.value)
    assert f"key ethnicity={key!r}" in msg and f"got {shown}" in msg
    assert "row" not in msg and "position" not in msg
    assert e.value.argument == "population" and e.value.index == key
    assert e.value.position == list(pop).index(key)


def test_a_good_mapping_still_gives_the_rates():
    out = saferstats.disproportionality(COUNTS, {"White": 1000, "Black": 200, "Asian": 400}, count="searches")
    rates = dict(zip(out["group"].astype(str), out["rate"]))
    assert rates["Black"] == pytest.approx(50 / 200 * 1000) and rates["White"] == pytest.approx(100.0)
