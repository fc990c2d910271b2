"""Walk-through 3: notebook 06's WDD example (hypothetical cameras in Stevenage from April 2019,
Defra fly-tipping) compared Stevenage with a control of six districts, unweighted: Stevenage rose
9.3% and its control 7.3%, yet the local estimate was -414 (p 0.02), a "significant reduction",
because WDD subtracts changes in counts and the control is 2.5 times bigger. No warning said so.
Counts are read from the shared Defra CSV with the csv module; the weighted estimate is checked
against ptools' wdd formula written out in numpy."""

import csv
import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning

PRE, POST = ("2017-18", "2018-19"), ("2019-20", "2020-21")
CONTROL = ("E07000095", "E07000096", "E07000098", "E07000240", "E07000102", "E07000103")  # not bordering Stevenage
TREATED, DISPLACEMENT = ("E07000243",), ("E07000099",)  # Stevenage; North Hertfordshire


def _counts(shared_data):
    path = shared_data / "fly_tipping" / "defra_la_2012-13_to_2021-22" / "DERIVED_Flytipping_LA_incidents.csv"
    rows = list(csv.DictReader(open(path, newline="", encoding="utf-8-sig")))

    def total(codes, years):
        return float(sum(int(r["Total Incidents"]) for r in rows if r["ONS Code"] in codes and r["Year"] in years))

    return {k: [total(v, PRE), total(v, POST)] for k, v in
            (("control", CONTROL), ("treated", TREATED), ("displacement", DISPLACEMENT))}


def test_unweighted_control_of_a_different_size_is_warned_about(shared_data):
    c = _counts(shared_data)
    assert c["treated"] == [4530.0, 4950.0] and c["control"] == [11479.0, 12313.0]
    # the treated area rose by a larger share than its control ...
    assert c["treated"][1] / c["treated"][0] > c["control"][1] / c["control"][0]
    with pytest.warns(SaferstatsWarning, match=r"control's pre-period count \(11,479\) is 2\.53 times.*\+7\.3% and "
                                               r"\+9\.3%.*area_weights"):
        res = saferstats.wdd(c["control"], c["treated"], c["control"], c["displacement"])
    # ... yet the unweighted local estimate is a "reduction": what the warning is about
    assert res.loc["local", "estimate"] == (4950 - 4530) - (12313 - 11479) < 0


def test_area_weights_silence_it_and_match_ptools_formula(shared_data):
    c = _counts(shared_data)
    (c0, c1), (t0, t1), (d0, d1) = c["control"], c["treated"], c["displacement"]
    w = np.array([c0 / t0, 1.0, c0 / d0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        res = saferstats.wdd(c["control"], c["treated"], c["control"], c["displacement"], area_weights=w)
    # ptools wdd: counts divided by their weights, Poisson variances divided by the weights squared
    local = (t1 - t0) - (c1 / w[0] - c0 / w[0])
    var_local = t1 + t0 + (c1 + c0) / w[0] ** 2
    disp = (d1 - d0) - (c1 / w[2] - c0 / w[2])
    var_disp = d1 + d0 + (c1 + c0) / w[2] ** 2
    assert res.loc["local", "estimate"] == pytest.approx(local) and local > 0
    assert res.loc["local", "se"] == pytest.approx(np.sqrt(var_local))
    assert res.loc["total", "estimate"] == pytest.approx(local + disp)
    assert res.loc["total", "se"] == pytest.approx(np.sqrt(var_local + var_disp))


def test_areas_of_similar_size_are_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.wdd([308, 318], [207, 110], [150, 140], [178, 157])  # Wheeler & Ratcliffe's paper case
