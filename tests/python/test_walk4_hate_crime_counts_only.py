"""Walk-through 4: the Home Office hate crime table publishes the City of London's counts (79 in
2017/18, 141 in 2018/19) with '#N/A' for its population. Before, the report dropped both rows
("no count or population published" -- the count is published) and a City of London report led
with the total of the other 42 forces, saying the City "has no row with a published count".
Now the City's change between the years (the change in the count) is in the change table and is
the City report's headline; it still has no rate and is not in the funnel."""

import csv
import math

from scipy import stats

from saferstats.report.sections import _hate_crime
from saferstats.report.summary import _hate_crime as findings

TABLE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"


def _city(shared_data):
    with open(shared_data / TABLE, newline="", encoding="utf-8-sig") as fh:
        rows = {r["Year"]: r for r in csv.DictReader(fh) if r["Force"] == "London, City of"}
    return int(rows["2017-18"]["Total number of offences"]), int(rows["2018-19"]["Total number of offences"]), rows


def test_city_of_london_change_from_its_published_counts(shared_data):
    a, b, rows = _city(shared_data)
    assert rows["2018-19"]["Population"] == "#N/A"  # the premise: a count, no population
    # independent: Wald interval for the log of a ratio of two Poisson counts
    z = stats.norm.ppf(0.975)
    se = math.sqrt(1 / a + 1 / b)
    want = [100 * (b / a - 1), 100 * (math.exp(math.log(b / a) - z * se) - 1), 100 * (math.exp(math.log(b / a) + z * se) - 1)]
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "City of London"}
    s = _hate_crime(cfg, {"file": str(shared_data / TABLE)})
    ch = next(t.frame for t in s.tables if t.name == "hate_crime_change").set_index("force")
    r = ch.loc["London, City of"]
    assert (int(r["count_from"]), int(r["count_to"])) == (a, b)
    assert [round(float(r[c]), 1) for c in ("pct_change", "pct_lower", "pct_upper")] == [round(w, 1) for w in want]
    rates = next(t.frame for t in s.tables if t.name == "hate_crime_rates")
    assert "London, City of" not in set(rates["force"])  # no population: no rate, not in the funnel
    assert "count but no population (City of London 2017/18, City of London 2018/19)" in s.intro  # as text says it
    assert "no count or population published" not in s.intro
    text = findings(s, cfg)
    # (the article and the counts: walk 21)
    assert text[0].startswith("Police-recorded hate crime in the City of London (79 to 141 offences) between 2017/18 "
                              "and 2018/19 rose 78%")
    # (session 19, w25c: the sentence on its Poisson-only interval follows)
    assert ("; no rate per resident: the table gives no population for the City of London. Its interval allows for "
            "chance only (Poisson)") in text[0]
    assert not any("has no row with a published count" in t for t in text)
