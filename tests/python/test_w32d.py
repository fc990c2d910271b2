"""Session 22 (w32d): find_area on a police force area's name without a level, the example
configuration's Run line for an installed wheel, and hotspots --from/--to."""

from __future__ import annotations

import pytest

import saferstats

# --- 1. find_area without a level on a force's name ------------------------------------------------


@pytest.mark.parametrize("query, code", [("South Yorkshire", "E23000011"), ("Merseyside", "E23000004"),
                                         ("west midlands", "E23000014"), ("Essex Police", "E23000028")])
def test_find_area_without_level_finds_a_force_only_name(query, code):
    """find_area("South Yorkshire") raised UnknownAreaError ("no la named or coded ...") though the
    only area of that name is the police force area."""
    hit = saferstats.find_area(query)
    assert hit["level"] == "force" and hit["code"] == code
    assert hit == saferstats.find_area(query, level="force")


def test_find_area_without_level_names_county_council_and_force():
    """Essex, Leicestershire, Hertfordshire: a county council and a force area; the error names both,
    and what the force adds (or that it covers the same districts)."""
    with pytest.raises(saferstats.AmbiguousAreaError) as e:
        saferstats.find_area("Essex")
    assert str(e.value) == (
        "'Essex' names both Essex County Council, whose area is its 12 districts (local authorities: "
        "level='la'), and the police force area 'Essex' (E23000028), which also covers the unitary "
        "authorities Southend-on-Sea and Thurrock: find_area('Essex', level='force') for the force area, "
        "or a district's name")
    with pytest.raises(saferstats.AmbiguousAreaError, match="Leicester and Rutland: find_area"):
        saferstats.find_area("Leicestershire")
    with pytest.raises(saferstats.AmbiguousAreaError, match="Hertfordshire County Council, whose area is its 10 "
                       r"districts .* which covers the same 10 districts"):
        saferstats.find_area("Hertfordshire")
    # said as the force, it is the force; at a level, as before
    assert saferstats.find_area("E23000028")["name"] == "Essex"
    with pytest.raises(saferstats.UnknownAreaError, match="Essex is a police force area"):
        saferstats.find_area("Essex", level="la")


# --- 2. the example configuration for a user of the installed wheel -------------------------------


def test_example_config_is_true_as_written_by_an_installed_package(capsys, tmp_path):
    """The packaged example (and examples/assessment.toml, the same bytes) said "Run: saferstats
    report --config examples/assessment.toml": a folder the wheel has none of (and whose data/ files
    the repository has none of either); --example-config rewrote that line when printing. Now the file
    says, as it stands, how to write it and run it; the CLI prints it unchanged."""
    from importlib.resources import files
    from pathlib import Path

    from saferstats.__main__ import main
    from saferstats.report.config import load_config

    packaged = files("saferstats.report").joinpath("templates", "example_assessment.toml").read_text(encoding="utf-8")
    assert "examples/" not in packaged
    assert packaged.splitlines()[1:4] == [
        "# Run:  saferstats report --config assessment.toml --out out/assessment",
        "#       (this file as written by: saferstats report --example-config > assessment.toml)",
        "# First point each file = / files = below at your own data: the data/... names are placeholders."]
    assert main(["report", "--example-config"]) == 0
    assert capsys.readouterr().out == packaged
    assert "saferstats report --example-config > assessment.toml" in " ".join(load_config.__doc__.split())
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert ("For your own files, installed package or repository: `saferstats report --example-config > "
            "assessment.toml` writes") in " ".join(readme.split())
    # README's first two set-up commands stay as they were
    assert readme.split("```sh\n")[1].startswith("make demo    # sets up .venv")
    assert readme.split("```sh\n")[1].splitlines()[1].startswith("make test    # cargo fmt/clippy/test")


# --- 3. hotspots --from / --to ----------------------------------------------------------------------


def _herts_street_head(shared_data, tmp_path, rows=300):
    """The first ``rows`` records of each police.uk Hertfordshire street-level file of January to April
    2021, as published (header and lines unchanged), under their own names in ``tmp_path``."""
    from conftest import herts_street_files

    files = herts_street_files(shared_data)[:4]
    if len(files) < 4:
        pytest.skip("the police.uk Hertfordshire street-level files of 2021 are not in ../shared/data")
    out = []
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        (tmp_path / f.name).write_text("".join(lines[:rows + 1]), encoding="utf-8")
        out.append(str(tmp_path / f.name))
    return out


def test_hotspots_from_to_keeps_police_uk_months_of_the_period(shared_data, tmp_path, capsys):
    """hotspots had no way to limit the period: every month of the files was clustered."""
    import pandas as pd
    from saferstats.__main__ import main

    files = _herts_street_head(shared_data, tmp_path)
    out = tmp_path / "clusters.csv"
    assert main(["hotspots", *files, "--from", "2021-02", "--to", "2021-03", "--eps-m", "400", "--min-samples", "3",
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert ("--from 2021-02 --to 2021-03: 600 of 1,200 police.uk records in the period; left out 300 before "
            "2021-02, 300 after 2021-03") in err
    table = pd.read_csv(out)
    assert len(table) and table["first_time"].min() >= "2021-02" and table["last_time"].max() <= "2021-03"
    # a date on a month's first and last day is that month; a day inside a month is refused, before reading
    assert main(["hotspots", *files, "--from", "2021-04-01", "--min-samples", "3", "--out", str(out)]) == 0
    assert "--from 2021-04-01: 300 of 1,200 police.uk records in the period; left out 900 before 2021-04-01" in \
        capsys.readouterr().err
    assert main(["hotspots", *files, "--to", "2021-03-15", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--to 2021-03-15: police.uk street-level files give each record's month only, not its day; give a month " \
           "(--to 2021-03)" in err and "Read " not in err


def test_hotspots_a_period_with_no_records_is_an_error(shared_data, tmp_path, capsys):
    from saferstats.__main__ import main

    files = _herts_street_head(shared_data, tmp_path, rows=20)
    out = tmp_path / "clusters.csv"
    assert main(["hotspots", *files, "--from", "2022-01", "--out", str(out)]) == 2
    assert ("saferstats: error: --from 2022-01: none of the 80 police.uk records falls in the period (they run "
            "2021-01 to 2021-04)") in capsys.readouterr().err
    assert main(["hotspots", *files, "--from", "2021-03", "--to", "2021-02", "--out", str(out)]) == 2
    assert "--from 2021-03 --to 2021-02: the period ends before it starts" in capsys.readouterr().err
    assert not out.exists()


def test_hotspots_from_to_on_a_csv_of_points_by_its_date_column(shared_data, tmp_path, capsys):
    import pandas as pd
    from saferstats.__main__ import main
    from test_cli_w31b import _watford_asb_csv

    path = _watford_asb_csv(shared_data, tmp_path, dates={7: ""})
    when = pd.to_datetime(pd.read_csv(path)["Date reported"], format="%d/%m/%Y")
    feb, jan = int((when.dt.month == 2).sum()), int((when.dt.month == 1).sum())
    mar = int((when.dt.month == 3).sum())
    out = tmp_path / "clusters.csv"
    args = ["hotspots", str(path), "--lat", "Latitude", "--lon", "Longitude", "--min-samples", "5", "--out", str(out)]
    assert main([*args, "--date", "Date reported", "--from", "01/02/2021", "--to", "2021-02-28"]) == 0
    err = capsys.readouterr().err
    assert (f"--from 01/02/2021 --to 2021-02-28: {feb:,} of {len(when):,} rows of watford_asb.csv in the period; "
            f"left out {jan:,} before 01/02/2021, {mar:,} after 2021-02-28, 1 with no date") in err
    table = pd.read_csv(out)
    assert len(table) and table["first_time"].min() >= "2021-02-01" and table["last_time"].max() <= "2021-02-28"
    assert main([*args, "--from", "2021-02"]) == 2
    assert "--from/--to need the CSV's date column: give --date COLUMN" in capsys.readouterr().err
