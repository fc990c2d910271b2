"""year_on_year with one period per group (walk-through 2): the empty result lost its `by` columns, so a
report built from one year of hate crime stopped with "KeyError: ['district'] not in index"."""

import pytest

import saferstats
from saferstats.__main__ import main
from saferstats.exceptions import SaferstatsWarning


def _one_year():
    hc = saferstats.datasets.hate_crime_by_force().dropna(subset=["population"])
    hc = hc.rename(columns={"offences": "count", "force": "district"})[["district", "year", "count", "population"]]
    return hc[hc.year == hc.year.max()]


def test_empty_result_keeps_the_by_columns_and_says_why():
    with pytest.warns(SaferstatsWarning, match="no group has two periods"):
        y = saferstats.year_on_year(_one_year(), period="year", by="district")
    assert len(y) == 0 and list(y.columns[:3]) == ["district", "period_from", "period_to"]


def test_report_from_one_year_builds_and_says_so(tmp_path, capsys):
    _one_year().to_csv(tmp_path / "hc.csv", index=False)
    cfg = tmp_path / "a.toml"
    cfg.write_text('title = "T"\narea = "Merseyside"\n[hate_crime]\nfile = "hc.csv"\narea = "district"\nperiod = "year"\n')
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert "saferstats: warning: " in capsys.readouterr().err   # the command line prints the warning
    assert "so no change between periods is computed" in (tmp_path / "o" / "index.html").read_text()
