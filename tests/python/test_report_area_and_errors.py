"""Report CLI for an area other than the demo's (walk-through 2): a misspelt area is warned about, and
an analysis error says which section of the config it came from."""

import re
import warnings

import pytest

import saferstats
from saferstats.__main__ import main
from saferstats.exceptions import SaferstatsWarning


def _config(d, area):
    (d / "data").mkdir(exist_ok=True)
    hc = saferstats.datasets.hate_crime_by_force().dropna(subset=["population"])
    hc = hc.rename(columns={"offences": "count", "force": "district"})[["district", "year", "count", "population"]]
    hc[hc.district.isin(["Merseyside", "Cheshire", "Lancashire", "Cumbria"])].to_csv(d / "data" / "hc.csv", index=False)
    cfg = d / "a.toml"
    cfg.write_text(f'title = "T"\narea = "{area}"\n[hate_crime]\nfile = "data/hc.csv"\narea = "district"\nperiod = "year"\n')
    return cfg


def test_misspelt_area_is_warned_about_with_close_matches(tmp_path, capsys):
    # the command line prints a report's warnings as "saferstats: warning: ..." lines
    assert main(["report", "--config", str(_config(tmp_path, "Mersyside")), "--out", str(tmp_path / "o"),
                 "--quiet"]) == 0
    assert re.search(r"saferstats: warning: area = 'Mersyside' is not a police force area.*'Merseyside'",
                     capsys.readouterr().err)
    from saferstats.report import build_report, load_config

    with pytest.warns(SaferstatsWarning, match=r"area = 'Mersyside' is not a police force area.*'Merseyside'"):
        build_report(load_config(_config(tmp_path, "Mersyside")), tmp_path / "p", quiet=True)


@pytest.mark.parametrize("area", ["Merseyside", "City of London", "St Albans", "North Hertfordshire", "E23000004"])
def test_known_areas_are_not(tmp_path, area, capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["report", "--config", str(_config(tmp_path, area)), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert not [w for w in caught if "is not a police force area" in str(w.message)]
    assert "is not a police force area" not in capsys.readouterr().err


def test_an_analysis_error_names_the_section(tmp_path, capsys, monkeypatch):
    def boom(*a):
        raise saferstats.InvalidInputError("group 'St Helens' has 1 period(s); a trend needs at least 3", "period")

    monkeypatch.setattr("saferstats.report.sections._BUILDERS", {"hate_crime": boom})
    assert main(["report", "--config", str(_config(tmp_path, "Merseyside")), "--out", str(tmp_path / "o"),
                 "--quiet"]) == 2
    assert "saferstats: error: [hate_crime] could not be analysed: group 'St Helens'" in capsys.readouterr().err


def test_a_key_set_to_the_published_header_is_told_the_read_name(shared_data, tmp_path, capsys):
    """Walk 11 (command line): `area = "Force"` for the Home Office's Hate crime.csv (its header) failed
    with the reader's column names listed but not why. The error now says the file is read as
    published with its columns renamed, and which one is the area. Reference: the file's header read
    with the csv module."""
    import csv

    from saferstats.__main__ import main

    path = shared_data / "hate_crime" / "home_office_by_force_2017-18_2018-19" / "Hate crime.csv"
    with open(path, newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert "Force" in header
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'title = "t"\narea = "Hertfordshire"\n[hate_crime]\nfile = "{path}"\narea = "Force"\n')
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "the file has no column 'Force'" in err
    assert "its columns renamed: its area column is 'force', which the report uses when area is left out" in err
