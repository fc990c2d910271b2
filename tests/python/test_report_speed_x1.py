"""Time the analyst waits for the report's config errors (session 34, helper x1).

A mistake in ``[hotspots]`` that needs no file to find (a misspelt ``crime_type``, a ``study_area``
that is no area) was said only when the report reached that section, after every section before it
had read its files and been analysed: 8.7 s (crime type) and 4.8 s (study area) on a quiet machine
with examples/hertfordshire_published.toml, 27 s of CI for test_report_published.py's
test_config_errors_for_published_inputs. Now :func:`saferstats.report.sections.check_before_reading`
checks them before any section is built. The tests count the section builders that ran (none must
run) - not times - and compare the message with the one the section gave before, written out here."""

from __future__ import annotations

import warnings
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest

from conftest import shared_path
from saferstats import datasets
from saferstats.__main__ import main
from saferstats.report import sections as _sections
from saferstats.report.config import ConfigError, validate_config
from saferstats.report.render import build_report

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "python" / "saferstats" / "data"
VALID = ("Anti-social behaviour, Bicycle theft, Burglary, Criminal damage and arson, Drugs, Other crime, Other theft, "
         "Possession of weapons, Public order, Robbery, Shoplifting, Theft from the person, Vehicle crime, "
         "Violence and sexual offences (or 'ASB')")


def _counted_builders():
    """The report's section builders, each wrapped to count its calls."""
    return {k: mock.Mock(wraps=f) for k, f in _sections._BUILDERS.items()}


def test_a_misspelt_crime_type_is_said_before_any_section_reads_its_files(tmp_path):
    """Before: the hate crime section read the Home Office table and was analysed (builder called
    once) before [hotspots] said its crime type was unknown. Reference: read_street_crime's message,
    written out, as the report gave it before (section, then the valid types)."""
    cfg = validate_config({
        "hate_crime": {"file": str(DATA / "hate_crime_by_force_2017-18_2018-19.csv")},
        "hotspots": {"files": [str(DATA / "street_crime_sample")], "crime_type": "Anti-social behavior!"}})
    builders = _counted_builders()
    with mock.patch.dict(_sections._BUILDERS, builders), pytest.raises(ConfigError) as err:
        build_report(cfg, tmp_path / "out", quiet=True)
    assert str(err.value) == ("[hotspots] could not be analysed: unknown crime type 'Anti-social behavior!'; "
                              f"valid: {VALID}")
    assert err.value.argument == "hotspots"
    assert {k: b.call_count for k, b in builders.items()} == {k: 0 for k in builders}
    assert not (tmp_path / "out" / "index.html").exists()


def test_an_unknown_study_area_is_said_before_any_section_is_built(tmp_path):
    """Before: the hate crime section was built first (1 call), then points_in_study_area refused
    'Hertfordshre'. Reference: that refusal's words, written out."""
    cfg = validate_config({
        "hate_crime": {"file": str(DATA / "hate_crime_by_force_2017-18_2018-19.csv")},
        "hotspots": {"data": datasets.hertfordshire_asb(), "date": "month", "study_area": "Hertfordshre"}})
    builders = _counted_builders()
    with mock.patch.dict(_sections._BUILDERS, builders), pytest.raises(ConfigError) as err:
        build_report(cfg, tmp_path / "out", quiet=True)
    assert str(err.value) == ("[hotspots] study_area = 'Hertfordshre' is not a police force area, CSP or local "
                              "authority (see saferstats.find_area)")
    assert err.value.argument == "hotspots.study_area"
    assert {k: b.call_count for k, b in builders.items()} == {k: 0 for k in builders}


def test_a_known_crime_type_and_area_pass_the_check():
    """The check passes what is right ('ASB', an alias; 'Hertfordshire', a force and a county) and the
    sections behind it read their files as before (the reports of the other test files)."""
    sec = validate_config({"hotspots": {"files": [str(DATA / "street_crime_sample")], "crime_type": "ASB",
                                        "study_area": "Hertfordshire", "study_area_level": "force"}})["hotspots"]
    assert _sections.check_before_reading("hotspots", sec) is None
    assert _sections.check_before_reading("hate_crime", {"file": "not read"}) is None


def test_the_published_config_with_a_misspelt_crime_type(shared_data, tmp_path, capsys):
    """The command on examples/hertfordshire_published.toml with a misspelt crime type: before, the
    hate crime, stop and search and fly-tipping sections were built (3 builder calls, Defra's
    workbook read) before the error; now none. The message (and its config line) is as before."""
    shared_path(shared_data, "street_crime")
    text = (ROOT / "examples" / "hertfordshire_published.toml").read_text().replace("../../shared", str(shared_data.parent))
    cfg = tmp_path / "c.toml"
    cfg.write_text(text.replace('crime_type = "Anti-social behaviour"', 'crime_type = "Anti-social behavior!"'))
    line = 1 + next(i for i, s in enumerate(text.splitlines()) if s.strip() == "[hotspots]")
    builders = _counted_builders()
    with mock.patch.dict(_sections._BUILDERS, builders):
        assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"saferstats: error: [hotspots] could not be analysed: unknown crime type 'Anti-social behavior!'; "
                   f"valid: {VALID} (c.toml line {line}: [hotspots])"), err
    assert {k: b.call_count for k, b in builders.items()} == {k: 0 for k in builders}


def test_the_report_and_the_command_read_defras_workbook_once(tmp_path):
    """The report's fly-tipping section and ``saferstats trend`` on the same workbook in one process
    (a notebook, a test module): before, the command asked for ``sheet="LA_incidents"`` (the default,
    spelt out) and the report for no sheet, so ``read_once`` kept them apart and Defra's
    Flytipping.xlsx was read twice (2 reader calls, 5 s each on a quiet machine); now once. The
    reader is counted (it returns the package's Hertfordshire sample, read by the real reader), and
    the command's table is the same as the report's reader gave it: one row per council."""
    import saferstats as ss
    from saferstats.report.inputs import read_table

    real = ss.read_flytipping
    sample = real(DATA / "defra_flytipping_hertfordshire_2012-13_2021-22.csv")
    calls = []

    def reader(path, *, sheet="LA_incidents"):  # read_flytipping's signature
        calls.append((Path(path).name, sheet))
        return sample.copy()

    book = tmp_path / "Flytipping.xlsx"
    pd.DataFrame({"not": ["Defra's"]}).to_excel(book, sheet_name="LA_incidents", index=False)  # (read by the counted reader only)
    with mock.patch("saferstats.read_flytipping", reader), mock.patch("saferstats.published.read_flytipping", reader):
        t, _, _ = read_table("flytipping", {"file": str(book)})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert main(["trend", str(book), "--count", "incidents", "--population", "none", "--by", "la_code", "--out",
                         str(tmp_path / "trend.csv")]) == 0
    assert calls == [("Flytipping.xlsx", "LA_incidents")]
    assert len(t) == len(sample) == 100
    out = pd.read_csv(tmp_path / "trend.csv")
    assert sorted(out["la_code"]) == sorted(sample["la_code"].unique()) and len(out) == 10


def test_trend_names_each_council_without_copying_the_tables_attrs():
    """``saferstats trend --by la_code`` names each code (``_code_names``) by grouping the table:
    before, each group took a deep copy of the table's ``.attrs`` (a published table's, listing its
    flagged rows: 339 copies, 0.4 s on Defra's workbook; 20 for this frame's 2 codes); now at most one
    (counted with mock on pandas' deepcopy). Reference for the names: written out here, in period order, a renamed council's names
    joined with ' / '."""
    import copy

    from saferstats.__main__ import _code_names

    df = pd.DataFrame({"la_code": ["E1", "E1", "E2", "E2"], "la_name": ["Shepway", "Folkestone and Hythe", "Dacorum",
                                                                        "Dacorum"],
                       "period": ["2017-18", "2018-19", "2017-18", "2018-19"]})
    df.attrs["flagged"] = [{"row": i, "note": "x" * 50} for i in range(200)]
    with mock.patch("pandas.core.generic.deepcopy", wraps=copy.deepcopy) as deep:
        name, names = _code_names(df, "la_code", "period")
    assert deep.call_count <= 1  # (the copy a bare frame is taken from), not one per council
    assert name == "la_name" and names.to_dict() == {"E1": "Shepway / Folkestone and Hythe", "E2": "Dacorum"}
    assert len(df.attrs["flagged"]) == 200  # the caller's table as it was
