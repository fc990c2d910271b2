"""Walk-through 5: funnel points with no population (City of London in the Home Office hate crime
table) were labelled "Not applicable" and left out of the target and of φ/τ² with no word.

Now both functions name them in a SaferstatsWarning (once, also with ``overdispersion=True``) and
``funnel_significance`` counts them in ``.attrs["excluded"]``. The target is checked by hand (pandas,
rows with a population only)."""

import warnings

import numpy as np
import pytest

import saferstats


def _table():
    hc = saferstats.datasets.hate_crime_by_force()
    return hc[hc.year == "2018-19"]


def test_funnel_significance_names_the_point_without_population():
    hc = _table()
    no_pop = hc.index[hc["population"].isna()]
    assert list(hc.loc[no_pop, "force"]) == ["London, City of"]
    ok = hc.dropna(subset=["population"])
    by_hand = ok["offences"].sum() / ok["population"].sum() * 100_000
    with pytest.warns(saferstats.SaferstatsWarning, match=rf"1 point .*row {no_pop[0]}\).*left out of the target") as rec:
        sig = saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate", overdispersion=True,
                                             missing="propagate")
    assert len([w for w in rec if "missing numerator or denominator" in str(w.message)]) == 1
    assert sig.attrs["excluded"] == 1 and sig.loc[no_pop[0]] == "Not applicable"
    assert saferstats.funnel_target(hc["offences"], hc["population"], kind="rate") == pytest.approx(by_hand, rel=1e-12)


def test_funnel_overdispersion_names_it_and_no_warning_without_missing():
    hc = _table()
    with pytest.warns(saferstats.SaferstatsWarning, match="left out of φ and τ² and the target"):
        od = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate")
    assert od["n"] == int(hc["population"].notna().sum())
    ok = hc.dropna(subset=["population"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        od2 = saferstats.funnel_overdispersion(ok["offences"], ok["population"], kind="rate")
        sig = saferstats.funnel_significance(ok["offences"], ok["population"], kind="rate", overdispersion=False)
    assert np.isclose(od["phi"], od2["phi"]) and sig.attrs["excluded"] == 0
