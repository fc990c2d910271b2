"""The command line as a new analyst meets it (walk-through 3).

- `saferstats disproportionality` (and every subcommand but `report`) printed library warnings in
  Python's format, `<frozen runpy>:88: SaferstatsWarning: ...`; now `saferstats: warning: ...`,
  as the report and the errors do.
- A police.uk API export (no force in the file or its name) stopped with advice to call
  `read_stop_search(..., force=...)`, which a command-line user cannot do; now it says to give
  `--force`, which the subcommand takes.
- `saferstats s136` on the NHS MHA table or the Home Office use-of-force table said "records has no
  column 'outcome' (keyword `outcome`)"; now it says what the file is and what the command needs.
"""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from conftest import cli_error
import saferstats
from saferstats.__main__ import main


def test_subcommand_warnings_are_one_line_each(capsys, tmp_path):
    f = next(saferstats.datasets.stop_search_sample_path().glob("2019-12-durham-*"))
    # Census 2021 for 2019 searches (asked for: since session 12 the default is the Home Office's, 2011)
    assert main(["disproportionality", str(f), "--census", "2021", "--out", str(tmp_path / "d.csv")]) == 0
    err = capsys.readouterr().err
    assert "saferstats: warning: disproportionality: all" in err and "Census 2021" in err
    assert "SaferstatsWarning" not in err and "runpy" not in err


def test_api_export_without_a_force_asks_for_force(capsys, tmp_path, shared_data):
    path = shared_data / "stop_search" / "api_format_leicester_2020-02" / "stop_and_search.csv"
    assert main(["disproportionality", str(path)]) == 2
    assert "give it with --force" in capsys.readouterr().err
    out = tmp_path / "d.csv"
    assert main(["disproportionality", str(path), "--force", "Leicestershire", "--census", "2011", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert set(table["force_id"]) == {"leicestershire"} and set(table["force"]) == {"Leicestershire"}
    # the searches per group, counted by hand from the API columns (person searches, self-defined)
    heads = {"White": "White", "Black/African/Caribbean/Black British": "Black", "Asian/Asian British": "Asian",
             "Mixed/Multiple ethnic groups": "Mixed", "Other ethnic group": "Other"}
    n: Counter[str] = Counter()
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            eth = row["self_defined_ethnicity"].strip()
            if row["type"] == "Vehicle search" or eth in ("", "null") or eth.endswith("Not stated"):
                continue
            n[heads[eth.split(" - ")[0]]] += 1
    assert dict(zip(table["group"], table["searches"])) == {g: n[g] for g in table["group"]}


@pytest.mark.parametrize("sub, words", [
    (("nhs_mha_annual_2023_24", "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"), "read_mha_annual"),
    (("home_office_use_of_force_by_health_condition_2019-20", "april2019-march2020.csv"), "use-of-force table"),
])
def test_s136_on_a_published_table_says_what_it_needs(capsys, shared_data, sub, words):
    path = shared_data.joinpath("s136_mental_health", *sub)
    err = cli_error(capsys, "s136", str(path))
    assert words in err and "not one row per detention" in err and "keyword `outcome`" not in err


def test_other_warnings_are_passed_on_once_and_do_not_hang(tmp_path):
    """A non-saferstats warning during a subcommand (here a UserWarning from the analysis) is re-issued
    once to the caller's filters. (The first version of the one-line printing re-issued it inside its
    own recording, appending to the list it was reading: the command never ended.)"""
    import subprocess
    import sys

    csv_path = tmp_path / "r.csv"
    csv_path.write_text("count,population\n5,1000\n")
    code = (
        "import warnings, saferstats.__main__ as m\n"
        "real = m._rates\n"
        "def noisy(a):\n"
        "    warnings.warn('from a dependency', UserWarning)\n"
        "    return real(a)\n"
        "m._rates = noisy\n"
        f"raise SystemExit(m.main(['rates', {str(csv_path)!r}, '--count', 'count', '--population', 'population']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ})
    assert done.returncode == 0, done.stderr
    # the warning's own line, once (Python 3.13 also prints the -c source line that raised it)
    assert done.stderr.count("UserWarning: from a dependency") == 1


def test_disproportionality_command_says_the_months_and_takes_a_multiplier(capsys, tmp_path):
    """The command's rates are over the months of the files (one here), not per year (walk-through
    6): it says so, and --multiplier gives yearly rates (x 12 for one month), checked by hand."""
    f = next(saferstats.datasets.stop_search_sample_path().glob("2019-12-durham-*"))
    assert main(["disproportionality", str(f), "--census", "2011", "--out", str(tmp_path / "m.csv")]) == 0
    # (session 30: "over the month", not "over the 1 month"; the advice says "the 31 days of that month")
    err = capsys.readouterr().err
    assert "over the month the records cover (2019-12), not per year" in err
    assert "over the 31 days of that month" in err
    assert main(["disproportionality", str(f), "--census", "2011", "--multiplier", "12000",
                 "--out", str(tmp_path / "y.csv")]) == 0
    assert "not per year" not in capsys.readouterr().err
    m, y = pd.read_csv(tmp_path / "m.csv"), pd.read_csv(tmp_path / "y.csv")
    assert (y["rate"] - 12 * m["rate"]).abs().max() < 1e-9 * y["rate"].abs().max()
    assert y["rate"].iloc[0] == pytest.approx(y["searches"].iloc[0] / y["population"].iloc[0] * 12000, rel=1e-12)


def test_the_census_is_the_home_offices_for_the_period(capsys, tmp_path):
    """Session 12: the command used Census 2021 for any period (flagging 2019 searches "not like for
    like"); it now chooses as the report does: 2011 before 2022/23 (the Home Office's denominators
    then), and says so."""
    import pandas as pd

    f = next(saferstats.datasets.stop_search_sample_path().glob("2019-12-durham-*"))
    out = tmp_path / "d.csv"
    assert main(["disproportionality", str(f), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Denominators: Census 2011 usual residents" in err and "not like for like" not in err
    got = pd.read_csv(out)
    want = saferstats.disproportionality(saferstats.read_stop_search(f), by=["force"], census=2011)
    assert got["population"].tolist() == want["population"].tolist()
    assert set(got["like_for_like"]) == {True}
