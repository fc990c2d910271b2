"""Walk-through 4: every file the hate crime section writes is one the output folder is checked for
before any analysis runs (the README: the report "refuses a folder holding a file of the same name
that saferstats did not write"). hate_crime_spc.csv / .png (and the new hate_crime_factors.csv)
were not listed, so an analyst's own file of that name was found only after the whole analysis."""

import pytest

from saferstats.report import OUTPUT_NAMES, OutputError, prepare_output
from saferstats.report.sections import _hate_crime

HC = "hate_crime/home_office_by_force_2017-18_2018-19/"


def test_every_hate_crime_output_is_checked_up_front(shared_data, tmp_path):
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    s = _hate_crime(cfg, {"file": str(shared_data / HC / "Hate crime.csv"),
                          "monthly": str(shared_data / HC / "hate-crime-1819-hosb2419-tables.ods"),
                          "monthly_sheet": "Figure_2"})
    written = {f"{t.name}.csv" for t in s.tables} | {f"{f.name}.png" for f in s.figures}
    assert {"hate_crime_spc.csv", "hate_crime_spc.png", "hate_crime_factors.csv"} <= written
    assert written <= set(OUTPUT_NAMES["hate_crime"])
    for name in ("hate_crime_spc.png", "hate_crime_factors.csv"):
        out = tmp_path / name.replace(".", "_")
        out.mkdir()
        (out / name).write_text("mine")
        with pytest.raises(OutputError, match=name.replace(".", r"\.")):
            prepare_output(out, {"hate_crime": {}})
        assert (out / name).read_text() == "mine"
