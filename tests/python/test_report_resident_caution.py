"""disproportionality now cautions, in the `denominator` of the City of London's rows, that rates per
resident are not comparable there (walk-through 4). In the report that long text made the
disproportionality table wider than an A4 page; it is one sentence of the section's text instead, and
the page's table keeps the plain denominator. The CSV keeps the caution in every row of the City's,
with ``like_for_like`` False (session 9: an exported table read "like for like" for them)."""

import re

import pandas as pd

import saferstats
from conftest import build_report


def test_the_caution_is_in_the_text_not_the_table(tmp_path):
    folder = saferstats.datasets.stop_search_sample_path()
    out = build_report(tmp_path, f'title = "T"\narea = "City of London"\n[stop_search]\nfiles = ["{folder}"]\n'
                                 'by = ["force"]\ncensus = "2011"\n')
    table = pd.read_csv(out / "stop_search_disproportionality.csv")
    city = table["force"].map(saferstats.geography.force_id) == "city-of-london"
    assert set(table.loc[~city, "denominator"].dropna()) == {"Census 2011 usual residents"}
    assert table.loc[city, "denominator"].str.startswith("Census 2011 usual residents; caution: the City").all()
    assert not table.loc[city, "like_for_like"].any() and table.loc[~city, "like_for_like"].all()
    page = (out / "index.html").read_text()
    assert "; caution:" not in page and "(.attrs[" not in page  # not in the page's cells
    assert "Caution for the City of London: the City of London has a few thousand residents" in page
    assert "rates per resident (and ratios of them) are not comparable with other areas" in page
    # the table's caption names the exception (it said "Comparability: like for like. Like for like:
    # yes." beside the caution, session 10)
    assert "Like for like: yes" not in page and "Comparability: like for like." not in page
    # the ONS name "London, City of" as text says it (session 11)
    assert "Comparability: like for like, except the City of London (see the caution in the text)." in page
    # the executive summary's ratios for the City carry it too; its Black rate (115 searches against 193
    # residents) cannot be a rate of residents searched, so it is given as counts, not as a ratio (w36a)
    assert "10.7 times the rate of White people" not in page
    assert "were of Black people, against 193 Black residents" in page
    assert re.search(r"of the other groups, Asian people were searched at [\d.]+ times the rate of White people "
                     r"\(95% CI [^)]*\), a statistically significant difference \(flagged unreliable by the Home Office "
                     r"rule: fewer than 10 searches or 1,000 residents; rates per resident, but most people searched there "
                     r"do not live there", page)
    assert "rates per resident, but most people searched there do not live there" in page
