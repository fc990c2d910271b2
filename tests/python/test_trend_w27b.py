"""Session 20 (w27b): trend and comparison outputs that were silently misleading.

- year_on_year(population=None) gave the City of London's hate crime counts (79, then 141, the
  Home Office table's #N/A population) in columns named rate_from / rate_to, as if rates.
- compare_trends fitted the count and period columns only, so a comparison across Defra's
  change of reporting basis (Hartlepool, 2019/20 to 2020/21) was neither flagged nor warned of:
  the command line worked around it.
- compare_trends warned that areas "are a fifth or more of the comparator's ... pass
  subtract=True" when the comparator was a council beside them (Defra's councils against
  Hartlepool), which contains none of them.
"""

import math
import warnings

import pandas as pd
import pytest

import saferstats


HATE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"
DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


def test_year_on_year_without_population_names_counts_not_rates(shared_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_hate_crime(shared_data / HATE)
    city = t[t.force == "London, City of"]
    got = saferstats.year_on_year(city, count="offences", population=None, period="period", by="force")
    assert not [c for c in got.columns if c.startswith("rate")]
    assert list(got.columns[4:10]) == ["count_from", "count_to", "count_from_lower", "count_from_upper",
                                       "count_to_lower", "count_to_upper"]
    row = got.iloc[0]
    assert (row["count_from"], row["count_to"]) == (79, 141)
    # Byar's interval of the count 141 (no multiplier)
    assert row["count_to_lower"] == pytest.approx(118.686305, rel=1e-6)
    assert row["count_to_upper"] == pytest.approx(166.288943, rel=1e-6)
    assert math.isclose(row["pct_change"], 100 * (141 / 79 - 1), rel_tol=1e-9)
    assert got.attrs["measure"] == "count" and got.attrs["multiplier"] is None
    herts = t[t.force == "Hertfordshire"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rates = saferstats.year_on_year(herts, count="offences", period="period", by="force")
    assert {"rate_from", "rate_to_upper"} <= set(rates.columns) and "count_to_lower" not in rates.columns
    assert rates.attrs["measure"] == "rate per 100,000" and rates.attrs["multiplier"] == 100_000


@pytest.fixture(scope="module")
def defra(shared_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return saferstats.read_flytipping(shared_data / DEFRA)


def _caught(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [str(x.message) for x in w]


BASIS = "2019/20 to 2020/21: reporting basis 'All incidents' to 'Customer/public reported only'"
STEPS = ("2015/16 to 2016/17: a 4-fold or greater change on the previous year published (recording_step); "
         "2016/17 to 2017/18: a 4-fold or greater change on the previous year published (recording_step)")


def test_compare_trends_flags_comparisons_across_a_change_in_recording(defra):
    # Hartlepool changed its reporting basis in 2020/21; Plymouth's count stepped 4-fold twice
    four = defra[defra.la_name.isin(["Hartlepool", "Middlesbrough", "Plymouth", "Adur"])]
    c, msgs = _caught(saferstats.compare_trends, four, by="la_name", comparator="Hartlepool", count="incidents",
                      population=None, dispersion="quasi", use_t=True)
    c = c.set_index("la_name")
    assert list(c.columns[c.columns.get_loc("note"):c.columns.get_loc("note") + 3]) == \
        ["note", "recording_change", "confidence"]
    assert c.loc["Middlesbrough", "recording_change"] == f"comparator Hartlepool: {BASIS}"
    assert c.loc["Plymouth", "recording_change"] == f"{STEPS}; comparator Hartlepool: {BASIS}"
    said = [m for m in msgs if "run across a change in how the count is recorded" in m]
    assert len(said) == 1 and said[0].startswith("compare_trends: 3 of 3 comparisons run across a change")
    rec = c.attrs["recording_changes"]
    assert {r["series"] for r in rec} == {"area", "comparator"}
    assert [r for r in rec if r["series"] == "area"] == [
        {"la_name": "Plymouth", "period_from": "2015/16", "period_to": "2016/17",
         "reason": "a 4-fold or greater change on the previous year published (recording_step)", "series": "area"},
        {"la_name": "Plymouth", "period_from": "2016/17", "period_to": "2017/18",
         "reason": "a 4-fold or greater change on the previous year published (recording_step)", "series": "area"}]
    assert round(float(c.loc["Adur", "ratio"]), 4) == 1.0787  # the comparison itself is unchanged
    # over the years before Hartlepool's change, Middlesbrough's comparison crosses none
    early, msgs = _caught(saferstats.compare_trends, four[four.period < "2020/21"], by="la_name",
                          comparator="Hartlepool", count="incidents", population=None, dispersion="quasi", use_t=True)
    assert early.set_index("la_name").loc["Middlesbrough", "recording_change"] == ""
    # a comparator from another table: its own recording columns are read
    comp = four[four.la_name == "Hartlepool"].drop(columns="la_name")
    other, _ = _caught(saferstats.compare_trends, four[four.la_name == "Adur"], by="la_name", comparator=comp,
                       count="incidents", population=None, dispersion="quasi", use_t=True)
    assert other["recording_change"].tolist() == [f"the comparator: {BASIS}"]


def test_compare_trends_without_recording_columns_has_no_recording_column():
    d = pd.DataFrame({"area": ["A"] * 5 + ["B"] * 5, "period": list(range(2015, 2020)) * 2,
                      "count": [10, 12, 15, 14, 18, 100, 104, 99, 103, 110]})
    c, msgs = _caught(saferstats.compare_trends, d, by="area", comparator="B", population=None)
    assert "recording_change" not in c.columns and c.attrs["recording_changes"] == []


def test_the_fifth_of_the_comparator_warning_is_for_an_area_that_can_be_inside_it(defra):
    fifth = "a fifth or more of the comparator's"
    # councils against a council beside them: they add up to more than Hartlepool every year
    four = defra[defra.la_name.isin(["Hartlepool", "Middlesbrough", "Plymouth", "Adur"])]
    _, msgs = _caught(saferstats.compare_trends, four, by="la_name", comparator="Hartlepool", count="incidents",
                      population=None, dispersion="quasi", use_t=True)
    assert not [m for m in msgs if fifth in m]  # was: "the counts of 'Adur' are a fifth or more ..."
    # England's regions against England (the sum of its councils): London is 33-41% of it
    reg = defra.groupby(["region", "period"], as_index=False)["incidents"].sum()
    eng = reg.groupby("period", as_index=False)["incidents"].sum().assign(region="England")
    _, msgs = _caught(saferstats.compare_trends, pd.concat([reg, eng]), by="region", comparator="England",
                      count="incidents", population=None, dispersion="quasi", use_t=True)
    said = [m for m in msgs if fifth in m]
    assert len(said) == 1 and said[0].startswith("compare_trends: the counts of 'London' are a fifth or more of the "
                                                 "comparator's (England) and never above them")
    assert "pass subtract=True" in said[0]
    # London against England less London (a comparator whose name says it leaves London out)
    rest = eng.assign(incidents=eng["incidents"].to_numpy() - reg[reg.region == "London"]["incidents"].to_numpy(),
                      region="England less London")
    _, msgs = _caught(saferstats.compare_trends, reg[reg.region == "London"], by="region", comparator=rest,
                      count="incidents", population=None, dispersion="quasi", use_t=True)
    assert not [m for m in msgs if fifth in m]
    # and subtracting London from it again is said to be so
    _, msgs = _caught(saferstats.compare_trends, reg[reg.region == "London"], by="region", comparator=rest,
                      count="incidents", population=None, dispersion="quasi", use_t=True, subtract=True)
    assert [m for m in msgs if m.startswith("compare_trends: subtract=True takes each area's counts out of the "
                                            "comparator, but its name ('England less London') says it already")]
    # two areas alone cannot say whether one is inside the other: the warning says both cases
    two = reg[reg.region.isin(["North West", "London"])]
    _, msgs = _caught(saferstats.compare_trends, two, by="region", comparator="London", count="incidents",
                      population=None, dispersion="quasi", use_t=True)
    said = [m for m in msgs if fifth in m]
    assert len(said) == 1 and said[0].endswith("areas beside the comparator, not inside it, need nothing")


def test_a_gap_in_the_area_is_not_said_to_be_the_comparators(defra):
    """Bristol (E06000023) has no 2015/16 figure; Hartlepool has every year. The comparator, fitted
    over the area's periods, was said to have "periods missing inside their series" too."""
    two = defra[defra.la_code.isin(["E06000023", "E06000001"])]
    c, msgs = _caught(saferstats.compare_trends, two, by="la_code", comparator="E06000001", count="incidents",
                      population=None, dispersion="quasi", use_t=True, missing="drop")
    gaps = [m for m in msgs if "periods missing inside their series" in m]
    assert gaps == [m for m in gaps if m.startswith("compare_trends: 1 group has periods missing")]
    # (w30b: the council's name beside its code, as the other by='la_code' messages give it)
    assert len(gaps) == 1 and "'E06000023' (Bristol; before 2016/17)" in gaps[0]
    assert c["n_periods"].tolist() == [9]
