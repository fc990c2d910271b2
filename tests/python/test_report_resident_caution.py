"""disproportionality now cautions, in the `denominator` of the City of London's rows, that rates per
resident are not comparable there (walk-through 4). In the report that long text made the
disproportionality table wider than an A4 page; it is one sentence of the section's text instead, and
the table keeps the plain denominator."""

import pandas as pd

import saferstats
from conftest import build_report


def test_the_caution_is_in_the_text_not_the_table(tmp_path):
    folder = saferstats.datasets.stop_search_sample_path()
    out = build_report(tmp_path, f'title = "T"\narea = "City of London"\n[stop_search]\nfiles = ["{folder}"]\n'
                                 'by = ["force"]\ncensus = "2011"\n')
    table = pd.read_csv(out / "stop_search_disproportionality.csv")
    assert set(table["denominator"].dropna()) == {"Census 2011 usual residents"}
    page = (out / "index.html").read_text()
    assert "Caution for London, City of: the City of London has a few thousand residents" in page
    assert "rates per resident (and ratios of them) are not comparable with other areas" in page
    # the executive summary's headline ratio for the City carries it too
    assert "10.7 times the rate of White people" in page
    assert "rates per resident, but most people searched there do not live there" in page
