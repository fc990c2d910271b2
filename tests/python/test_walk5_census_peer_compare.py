"""Walk-through 5: `peer_compare` on the Home Office 2018/19 force table as published.

* City of London has no population in the table: comparing Hertfordshire with Essex and Kent
  stopped with "missing value (NaN) in `population` at position 27; pass missing="propagate""
  although City of London was not compared and peer_compare has no `missing` option. Now only the
  compared areas and their peers are read; a missing figure among them is named by area.
* area="Hertfordshire" (the area, not the column of area names) said only "data has no column
  'Hertfordshire'"; now it says which column holds it and what to pass.
Rates and the ratio are checked by hand (wald-log, numpy/scipy)."""

import numpy as np
import pytest
from scipy import stats

import saferstats


def _table():
    hc = saferstats.datasets.hate_crime_by_force()
    return hc[hc.year == "2018-19"]


def test_a_missing_population_outside_the_comparison_does_not_matter():
    hc = _table()
    assert hc.loc[hc.force == "London, City of", "population"].isna().all()
    out = saferstats.peer_compare(hc, area="force", peers={"Hertfordshire": ["Essex", "Kent"]},
                                  numerator="offences", denominator="population").iloc[0]
    t = hc.set_index("force")
    a, g = t.loc["Hertfordshire"], t.loc[["Essex", "Kent"]]
    rr = (a.offences / a.population) / (g.offences.sum() / g.population.sum())
    se = np.sqrt(1 / a.offences + 1 / g.offences.sum())
    z = stats.norm.ppf(0.975)
    assert out["rate"] == pytest.approx(a.offences / a.population * 1e5, rel=1e-12)
    assert out["group_rate"] == pytest.approx(g.offences.sum() / g.population.sum() * 1e5, rel=1e-12)
    assert (out["ratio"], out["ratio_lower"], out["ratio_upper"]) == pytest.approx(
        (rr, rr * np.exp(-z * se), rr * np.exp(z * se)), rel=1e-9)
    assert out["significance"] == "lower"


def test_a_missing_population_among_the_peers_is_named_by_area():
    with pytest.raises(saferstats.MissingValueError, match=r"area 'London, City of'.*compared or a peer") as err:
        saferstats.peer_compare(_table(), area="force", peers={"Hertfordshire": ["Essex", "London, City of"]},
                                numerator="offences", denominator="population")
    assert "missing=" not in str(err.value) and err.value.argument == "population"


def test_area_given_as_an_area_name_says_which_column():
    with pytest.raises(saferstats.InvalidInputError, match=r"value in column 'force': pass area='force', "
                       r"areas=\['Hertfordshire'\]"):
        saferstats.peer_compare(_table(), area="Hertfordshire", peers={"Hertfordshire": ["Essex", "Kent"]},
                                numerator="offences", denominator="population")
