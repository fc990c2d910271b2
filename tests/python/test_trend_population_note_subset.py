"""The population note of the Home Office table by force (one population for both years) said of
the rows passed, not of the whole file (walk 19): add_rates / year_on_year on Hertfordshire alone
warned "for 42 of 42 forces ... (e.g. Avon and Somerset 1,711,500)"."""

from __future__ import annotations

import csv
import warnings

import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning

FILE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"


def _notes(fn, *args, **kw) -> list[str]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn(*args, **kw)
    return [str(x.message) for x in w if issubclass(x.category, SaferstatsWarning) and "population" in str(x.message)]


@pytest.fixture(scope="module")
def published(shared_data):
    path = shared_data / FILE
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    return saferstats.read_hate_crime(path), rows


def test_one_force_both_years(published):
    t, rows = published
    herts = {r["Population"] for r in rows if r["Force"] == "Hertfordshire"}
    assert len(herts) == 1  # the file: one figure in both years
    pop = f"{int(next(iter(herts)).replace(',', '')):,}"
    sub = t[t.force == "Hertfordshire"]
    for fn, kw in ((saferstats.add_rates, {}), (saferstats.year_on_year, {"by": "force"})):
        said = _notes(fn, sub, count="offences", **kw)
        assert len(said) == 1, said
        assert f"same figure in every year (2017/18, 2018/19) for Hertfordshire ({pop})" in said[0]
        assert "42" not in said[0] and "Avon and Somerset" not in said[0]
        assert said[0].startswith(f"{fn.__name__}: Hate crime.csv: ")


def test_a_few_forces(published):
    t, _ = published
    sub = t[t.force.isin(["Essex", "Kent", "Suffolk"])]
    said = _notes(saferstats.year_on_year, sub, count="offences", by="force")
    assert len(said) == 1 and "for 3 of 3 forces" in said[0] and "Avon" not in said[0], said


def test_one_year_says_that_years_rates(published):
    t, _ = published
    said = _notes(saferstats.add_rates, t[t.period == "2018/19"], count="offences", missing="propagate")
    assert len(said) == 1, said
    assert "these 2018/19 rates are on that one estimate" in said[0] and "the change in a rate" not in said[0]


def test_own_populations_by_year_get_no_note(published):
    t, _ = published
    sub = t[t.force == "Hertfordshire"].copy()
    sub.loc[sub.period == "2018/19", "population"] += 10_000  # the analyst's mid-year estimates
    assert _notes(saferstats.add_rates, sub, count="offences") == []


def test_whole_table_keeps_the_files_note(published):
    t, _ = published
    said = _notes(saferstats.add_rates, t.dropna(subset=["population"]), count="offences")
    assert said == [f"add_rates: {t.attrs['population_note']}"]
