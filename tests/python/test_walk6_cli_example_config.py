"""Walk-through 6 (a new analyst with only the wheel): ``saferstats report --help`` and the README
sent them to ``examples/assessment.toml``, which the wheel does not contain (the repository's
examples/ folder is not part of the package), and no documentation page showed the configuration.
``saferstats report --example-config`` now prints the commented example shipped in the package,
kept identical to the repository's copy."""

import subprocess
import sys
import tomllib
from importlib.resources import files
from pathlib import Path

from saferstats.__main__ import main

REPO = Path(__file__).parents[2]


def test_the_example_is_in_a_folder_the_wheel_includes():
    # pyproject's [tool.maturin] include lists data/* and report/templates/*: a file elsewhere in the
    # package source is not in the wheel
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert "python/saferstats/report/templates/*" in text
    assert (REPO / "python" / "saferstats" / "report" / "templates" / "example_assessment.toml").is_file()


def test_the_packaged_example_is_the_repositorys():
    packaged = files("saferstats.report").joinpath("templates", "example_assessment.toml").read_text(encoding="utf-8")
    assert packaged == (REPO / "examples" / "assessment.toml").read_text(encoding="utf-8")
    cfg = tomllib.loads(packaged)
    assert {"report", "hate_crime", "stop_search", "flytipping", "hotspots", "s136"} <= set(cfg)


def test_example_config_prints_it(capsys):
    assert main(["report", "--example-config"]) == 0
    out = capsys.readouterr().out
    packaged = files("saferstats.report").joinpath("templates", "example_assessment.toml").read_text(encoding="utf-8")
    # the packaged example as it is: its "Run:" line names the file written (session 22: not examples/)
    assert out == packaged


def test_help_names_the_option_not_a_file_the_wheel_lacks():
    res = subprocess.run([sys.executable, "-m", "saferstats", "report", "--help"], capture_output=True, text=True,
                         check=True)
    assert "--example-config" in res.stdout
    assert "examples/assessment.toml" not in res.stdout
