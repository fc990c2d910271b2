"""Session 24 (w35b): the "no population" error of `disproportionality` with Census 2021's
detailed ethnic groups.

2. The error listed the first 12 of the denominator table's groups (``sorted(...)[:12]``): with
   TS021's 19 detailed groups, the Asian, Black and Mixed ones only, so an analyst looking for
   "White: Gypsy or Irish Traveller" or "Other ethnic group: Arab" could not see it. It lists them
   all (up to 40; more: how many, and those like the missing group).
3. `census_population(detailed=True)` has a ``broad`` column; the hint for detailed labels
   (session 23, w34a: sum the detailed groups, don't rename one) now gives the ``groupby`` on it
   and what it gives for the analyst's area: Manchester White 313,632.

Reference: ONS TS021 by local authority as published (../shared/data/population/census2021_ew/
ts021_ethnic_group_detailed_ltla21.csv), summed here with pandas.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import saferstats
from conftest import shared_path

TS021 = "population/census2021_ew/ts021_ethnic_group_detailed_ltla21.csv"


def _published(shared_data) -> pd.DataFrame:
    """The ONS file, one row per authority and detailed group, as an analyst melts it."""
    wide = pd.read_csv(shared_path(shared_data, TS021))
    return wide.melt(id_vars=["ltla21_code", "ltla21_name"], var_name="ethnicity", value_name="population").rename(
        columns={"ltla21_name": "la"})


def _error(searches: pd.DataFrame, pop: pd.DataFrame, **kw) -> str:
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.disproportionality(searches, pop, count="searches", **kw)
    return str(e.value)


def test_the_no_population_error_lists_every_group(shared_data):
    pop = _published(shared_data)
    labels = sorted(pop["ethnicity"].unique())
    assert len(labels) == 19
    searches = pd.DataFrame({"la": ["Manchester"] * 2, "ethnicity": ["White: Irish", "Gypsy or Irish Traveller"],
                             "searches": [40, 12]})
    msg = _error(searches, pop, by="la", reference="White: Irish")
    assert f"but no population in the denominator table (groups there: {labels})" in msg, msg
    # was: the first 12 only, none of White's or Other's
    assert "'White: Gypsy or Irish Traveller'" in msg and "'Other ethnic group: Arab'" in msg


def test_many_groups_say_how_many_and_the_ones_like_it():
    names = [f"Group {i:02d}" for i in range(60)] + ["White: Gypsy or Irish Traveller", "White: Irish"]
    pop = pd.DataFrame({"ethnicity": names, "population": 100})
    searches = pd.DataFrame({"ethnicity": ["White: Irish", "Gypsy or Irish Traveller"], "searches": [5, 3]})
    msg = _error(searches, pop, reference="White: Irish")
    assert "(62 groups there; like 'Gypsy or Irish Traveller': ['White: Gypsy or Irish Traveller'" in msg, msg


def test_the_broad_column_gives_the_sum_and_its_result(shared_data):
    wide = pd.read_csv(shared_path(shared_data, TS021))
    man = wide[wide["ltla21_name"] == "Manchester"].iloc[0]
    heads = {"White": "White:", "Black": "Black, Black British", "Asian": "Asian, Asian British",
             "Mixed": "Mixed or Multiple", "Other": "Other ethnic group:"}
    published = {b: int(sum(man[c] for c in wide.columns if c.startswith(h))) for b, h in heads.items()}
    assert published["White"] == 313_632  # the premise, from ONS's own numbers
    with pytest.warns(saferstats.SaferstatsWarning, match="at 2021 boundaries"):
        detailed = saferstats.census_population(level="la", detailed=True)
    searches = pd.DataFrame({"la": ["Manchester", "Manchester"], "ethnicity": ["White", "Black"],
                             "searches": [1500, 700]})
    msg = _error(searches, detailed, by="la")
    line = ("pop.groupby(['la', 'broad'], as_index=False)['population'].sum().rename(columns={'broad': 'ethnicity'})")
    # was: a str.extract line on the labels, and no word of the broad column
    assert ("Its 'broad' column gives each detailed group's broad group: sum by it (this gives 'White' in Manchester "
            f"313,632), e.g. pop = {line}") in msg, msg
    pop = eval(re.search(r"e\.g\. pop = (.*)$", msg).group(1), {"pop": detailed})  # noqa: S307 - the message's line
    got = saferstats.disproportionality(searches, pop, count="searches", by="la").set_index("group")
    assert got.loc["White", "population"] == published["White"]
    assert got.loc["Black", "population"] == published["Black"]
    five = pop[pop["la"] == "Manchester"].set_index("ethnicity")["population"].astype(int).to_dict()
    assert five == published
