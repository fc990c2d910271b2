"""Session 20 (lead), command-line fixes: ``disproportionality --population FILE`` with a table the
library cannot use listed only the file's first 8 columns, so the one the analyst meant to be the
ethnic group (column 9 of a Census download) was not in the message."""

from __future__ import annotations

from pathlib import Path

import pytest

import saferstats
from saferstats.__main__ import main


def test_population_error_lists_every_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cols = [f"c{i}" for i in range(1, 9)] + ["Ethnic group (5 categories)", "Observation"]
    pop = tmp_path / "pop.csv"
    pop.write_text(",".join(cols) + "\n" + ",".join(["x"] * 8 + ["White", "100"]) + "\n")
    stops = saferstats.datasets.stop_search_sample_path()
    assert main(["disproportionality", str(stops), "--by", "force", "--population", str(pop)]) == 2
    err = capsys.readouterr().err
    assert "--population" in err
    assert "'Ethnic group (5 categories)'" in err and "'Observation'" in err
