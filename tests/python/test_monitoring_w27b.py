"""Session 20 (w27b): funnel kinds and multipliers that were silently wrong.

- funnel_overdispersion defaulted to kind="proportion": hate crimes per 100,000 passed without
  kind= gave φ 148.5 and τ² 2.7e-5 on the arcsine scale (a proportion funnel) where the rate
  funnel's are 191.9 and 0.084, with nothing said.
- funnel_limits took an overdispersion result estimated per 1,000 with the default per-100,000
  multiplier: its target (1.69 per 1,000) was read per 100,000 and the limits were 100 times off.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError, SaferstatsWarning


@pytest.fixture(scope="module")
def hc():
    return saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna()


def test_overdispersion_without_kind_says_it_took_proportions(hc):
    with pytest.warns(SaferstatsWarning, match=r"funnel_overdispersion: kind not given, so the points are taken as "
                                               r"proportions .*kind='rate' for counts per population"):
        od = saferstats.funnel_overdispersion(hc["offences"], hc["population"])
    assert od["kind"] == "proportion" and round(od["phi"], 1) == 148.5
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        rate = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate")
        prop = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="proportion")
    assert round(rate["phi"], 2) == 191.91 and round(rate["tau2"], 4) == 0.0842
    assert prop["phi"] == od["phi"]  # an explicit kind behaves as before, and says nothing


def test_overdispersion_without_kind_refuses_counts_above_their_denominator():
    with pytest.raises(InvalidInputError, match=r"kind not given, and the numerators cannot be proportions: 1 "
                                                r"numerator exceeds their denominator \('b': 20 of 10\)") as e:
        saferstats.funnel_overdispersion(pd.Series([1, 20, 3], index=["a", "b", "c"]),
                                         pd.Series([10, 10, 10], index=["a", "b", "c"]))
    assert e.value.argument == "kind"
    od = saferstats.funnel_overdispersion([1, 20, 3], [10, 10, 10], kind="rate", multiplier=1)
    assert od["kind"] == "rate"


def test_funnel_limits_takes_the_kind_of_the_result_and_refuses_a_target_that_is_no_percentage(hc):
    od = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        lim = saferstats.funnel_limits([1e6], target=od["target"], overdispersion=od)
        explicit = saferstats.funnel_limits([1e6], target=od["target"], kind="rate", overdispersion=od)
    assert lim.equals(explicit)
    with pytest.raises(InvalidInputError, match=r"kind not given, and target 168.6 cannot be a proportion") as e:
        saferstats.funnel_limits([1e6], target=168.6)
    assert e.value.argument == "kind"
    with pytest.warns(SaferstatsWarning, match="funnel_limits: kind not given, so the points are taken as proportions"):
        saferstats.funnel_limits([50, 100], target=20)


def test_funnel_limits_refuses_an_overdispersion_result_per_another_multiplier(hc):
    od = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate", multiplier=1000)
    with pytest.raises(InvalidInputError, match=r"`multiplier` 100,000 \(the default for kind='rate'\) is not the "
                                                r"overdispersion result's multiplier 1,000: its target \(1\.686 per "
                                                r"1,000\)") as e:
        saferstats.funnel_limits([1e6], target=od["target"], overdispersion=od)
    assert e.value.argument == "multiplier"
    with pytest.raises(InvalidInputError, match=r"`multiplier` 100,000 \(given\)"):
        saferstats.funnel_limits([1e6], target=168.6, kind="rate", multiplier=100_000, overdispersion=od)
    ok = saferstats.funnel_limits([1e6], target=od["target"], multiplier=1000, overdispersion=od)
    per_100k = saferstats.funnel_limits([1e6], target=od["target"] * 100, kind="rate",
                                        overdispersion=saferstats.funnel_overdispersion(
                                            hc["offences"], hc["population"], kind="rate"))
    np.testing.assert_allclose(ok["upper_95"] * 100, per_100k["upper_95"], rtol=1e-9)


def test_funnel_significance_and_target_choose_the_kind_as_funnel_limits(hc):
    """funnel_significance(hate crimes, populations, overdispersion=True) without kind= labelled a
    proportion funnel (2 of 42 forces labelled otherwise than the rate funnel) with nothing said."""
    with pytest.warns(SaferstatsWarning, match="funnel_significance: kind not given, so the points are taken as "
                                               "proportions"):
        sig = saferstats.funnel_significance(hc["offences"], hc["population"], multiplier=100_000,
                                             overdispersion=True)
    assert sig.attrs["overdispersion"]["kind"] == "proportion"
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        rate = saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate", overdispersion=True)
        # the kind of an overdispersion result given is the funnel's
        od = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate")
        same = saferstats.funnel_significance(hc["offences"], hc["population"], overdispersion=od)
    assert (sig.astype(str) != rate.astype(str)).sum() == 2
    assert same.tolist() == rate.tolist()
    # observed over expected counts (the docstring's ratio example) cannot be proportions
    with pytest.raises(InvalidInputError, match=r"funnel_significance: kind not given, and the numerators cannot be "
                                                r"proportions: 3 numerators exceed .*kind='ratio'") as e:
        saferstats.funnel_significance([8, 151, 159, 150, 0], [6.23986, 106.442972, 232.932904, 119.56955, 240.62735])
    assert e.value.argument == "kind"
    with pytest.warns(SaferstatsWarning, match="funnel_target: kind not given"):
        assert saferstats.funnel_target([10, 30], [100, 100]) == 20.0
