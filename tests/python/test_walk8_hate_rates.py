"""Walk-through 8 (hate crime): rate ratios on the Home Office by-force table as published.

Found: ``rate_ratio``'s docstring example gave Hertfordshire 2017-18 a population of 1,195,700 that
the Home Office table does not hold (it publishes 1,184,400 for both years), so its ratio 1.1003
(p 0.008) was not the published data's 1.0899 (p 0.017). References: statsmodels
``confint_poisson_2indep(method="wald-log")`` (tests/fixtures/walk8_hate_trends/).
"""
import pytest

import saferstats

from conftest import load_fixture

FX = load_fixture("walk8_hate_trends/reference.json")


@pytest.mark.parametrize("name", ["herts_2018_19_vs_2017_18", "dyfed_powys_vs_met_2018_19"])
def test_rate_ratio_matches_statsmodels(name):
    ref = FX["rate_ratios"][name]
    got = saferstats.rate_ratio(*ref["counts"]).iloc[0]
    assert (got["ratio"], got["lower"], got["upper"]) == pytest.approx((ref["ratio"], ref["lower"], ref["upper"]),
                                                                       rel=1e-10)
    assert got["p_value"] == pytest.approx(ref["p_value"], rel=1e-8)


def test_docstring_example_uses_the_published_figures():
    doc = saferstats.rate_ratio.__doc__
    assert "1_195_700" not in doc and "1,195,700" not in doc
    ref = FX["rate_ratios"]["herts_2018_19_vs_2017_18"]
    assert f"{ref['ratio']:.4f}  {ref['lower']:.4f}  {ref['upper']:.4f}" in doc


def test_published_file_holds_the_docstring_figures(shared_data):
    t = saferstats.read_hate_crime(shared_data / "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv")
    herts = t[t.force == "Hertfordshire"].set_index("period")
    a, pa, b, pb = FX["rate_ratios"]["herts_2018_19_vs_2017_18"]["counts"]
    assert (herts.loc["2018/19", "offences"], herts.loc["2018/19", "population"]) == (a, pa)
    assert (herts.loc["2017/18", "offences"], herts.loc["2017/18", "population"]) == (b, pb)
    dp = t[(t.force == "Dyfed-Powys") & (t.period == "2018/19")].iloc[0]
    met = t[(t.force == "Metropolitan Police") & (t.period == "2018/19")].iloc[0]
    assert [dp.offences, dp.population, met.offences, met.population] == FX["rate_ratios"]["dyfed_powys_vs_met_2018_19"]["counts"]
    # year_on_year on the file gives the same Hertfordshire change
    yoy = saferstats.year_on_year(t[t.force == "Hertfordshire"], count="offences", by="force")
    assert yoy["ratio"].iloc[0] == pytest.approx(FX["rate_ratios"]["herts_2018_19_vs_2017_18"]["ratio"], rel=1e-12)


def test_force_table_and_census_2011_join_on_force_id_not_names(shared_data):
    """Four forces are spelt differently in the Census 2011 file: a merge on names kept 39 of 43."""
    import csv

    from saferstats.geography import force_id

    with open(shared_data / "population/force-demographics.csv", newline="", encoding="utf-8-sig") as f:
        census = list(csv.DictReader(f))
    assert len(census) == 43
    hate = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'")
    c11 = saferstats.datasets.census2011_by_force()
    ids = hate.force.map(force_id)
    assert ids.notna().all() and ids.nunique() == 43
    assert set(ids) == set(c11.force.map(force_id))
    assert len(hate.merge(c11, on="force")) == 39
    # the offences of the 43 forces (British Transport Police not among them) against Table 2's total
    with open(shared_data / "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv", newline="",
              encoding="utf-8-sig") as f:
        raw = sum(int(r["Total number of offences"]) for r in csv.DictReader(f) if r["Year"] == "2018-19")
    assert int(hate.offences.sum()) == raw == 99821
    assert FX["table2"]["offences"][-1] == 103379
