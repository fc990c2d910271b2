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
