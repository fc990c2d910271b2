"""Walk-through w48e (a Hertfordshire CSP / PCC analyst's hate crime trends, Census 2021 rates).

Worked on the Home Office hate crime files in ../shared/data exactly as published (PROVENANCE §3);
references from the files' own cells (pandas.read_csv, hand sums) and statsmodels run live, never
from saferstats' output.

- ``shares`` of the hate crime strands (race, religion, sexual orientation, disability,
  transgender) without ``total=`` summed the strands as if they were exclusive: Hertfordshire
  2018/19's "total" was 1,682 (its motivating factors), not its 1,600 offences, and race "73.0%"
  where it is 76.8% of the offences, as the Home Office states its shares, without a word. Now a
  ``SaferstatsWarning`` says so with the way to shares of offences.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import shared_path

HATE = "hate_crime/home_office_by_force_2017-18_2018-19"
STRANDS = ["race", "religion", "sexual_orientation", "disability", "transgender"]
FILE_STRANDS = ["Race", "Total Religion", "Sexual orientation", "Disability", "Transgender"]


@pytest.fixture
def by_force(shared_data: Path) -> Path:
    return shared_path(shared_data, f"{HATE}/Hate crime.csv")


def _herts_cells(path: Path) -> pd.Series:
    raw = pd.read_csv(path, thousands=",")
    row = raw[(raw["Force"].str.strip() == "Hertfordshire") & (raw["Year"] == "2018-19")]
    assert len(row) == 1
    return row.iloc[0]


def _messages(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SaferstatsWarning)]


def test_strand_shares_say_they_are_of_motivating_factors(by_force: Path) -> None:
    cells = _herts_cells(by_force)
    factors = int(sum(int(cells[c]) for c in FILE_STRANDS))  # hand sum of the file's five strand cells
    assert factors == int(cells["Total number of motivating factors"]) == 1682
    offences = int(cells["Total number of offences"])
    assert offences == 1600
    hc = saferstats.read_hate_crime(by_force)
    long = hc.melt(id_vars=["force", "period"], value_vars=STRANDS, var_name="strand", value_name="count")
    herts = long[(long.force == "Hertfordshire") & (long.period == "2018/19")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.shares(herts, by=["force", "period"])
    # the figures are unchanged: shares of the strands' sum
    assert out["total"].tolist() == [factors] * 5
    race = out[out.strand == "race"].iloc[0]
    assert race["share"] == pytest.approx(100 * int(cells["Race"]) / factors)
    msgs = [m for m in _messages(caught) if "hate crime strands" in m]
    assert len(msgs) == 1, _messages(caught)
    msg = msgs[0]
    assert "not exclusive" in msg and "motivating factors, not its offences" in msg
    assert "Hertfordshire, 2018/19: 1,682" in msg
    assert f"race {100 * int(cells['Race']) / factors:.1f}%" in msg  # 73.0%
    assert "total='offences'" in msg


def test_recipe_in_the_warning_gives_the_home_office_shares_of_offences(by_force: Path) -> None:
    statsmodels_proportion = pytest.importorskip("statsmodels.stats.proportion")
    cells = _herts_cells(by_force)
    hc = saferstats.read_hate_crime(by_force)
    long = hc.melt(id_vars=["force", "period"], value_vars=[*STRANDS, "offences"], var_name="strand",
                   value_name="count")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.shares(long, by=["force", "period"], total="offences")
    assert not [m for m in _messages(caught) if "hate crime strands" in m]
    herts = out[(out.force == "Hertfordshire") & (out.period == "2018/19")].set_index("strand")
    assert sorted(herts.index) == sorted(STRANDS)
    for strand, column in zip(STRANDS, FILE_STRANDS):
        k, n = int(cells[column]), int(cells["Total number of offences"])
        lo, hi = statsmodels_proportion.proportion_confint(k, n, alpha=0.05, method="wilson")
        assert herts.loc[strand, "total"] == n
        assert herts.loc[strand, "share"] == pytest.approx(100 * k / n)
        assert herts.loc[strand, "lower"] == pytest.approx(100 * lo, rel=1e-9)
        assert herts.loc[strand, "upper"] == pytest.approx(100 * hi, rel=1e-9)
    assert herts.loc["race", "share"] == pytest.approx(76.75)  # 1,228 of 1,600


def test_national_strand_table_without_totals_warns(shared_data: Path) -> None:
    path = shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")
    st = saferstats.read_hate_crime(path)
    strands = st[~st.strand.isin(st.attrs["totals"])]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.shares(strands[strands.period == "2018/19"], by="period")
    msgs = [m for m in _messages(caught) if "hate crime strands" in m]
    assert len(msgs) == 1
    # 2018/19 from the file's cells: 78,991 + 8,566 + 14,491 + 8,256 + 2,333 = 112,637 factors
    assert "2018/19: 112,637" in msgs[0]
    assert f"race {100 * 78991 / 112637:.1f}%" in msgs[0]


def test_other_categories_do_not_get_the_strand_warning() -> None:
    df = pd.DataFrame({"strand": ["Race", "Other"], "count": [75, 25]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.shares(df)
    assert not [m for m in _messages(caught) if "hate crime strands" in m]
