"""Config values as analysts write them (walk-through 3): ``census = 2011`` as a TOML number was
refused with "must be one of 'auto', '2011', '2021', got 2011"; ``files = "folder/"`` (one
folder, not a list) with "must be a non-empty list"."""

from pathlib import Path

import pytest

from saferstats.report.config import ConfigError, _check_value


def test_a_number_choice_is_its_text():
    assert _check_value("stop_search", "census", 2011, ("auto", "2011", "2021"), Path(".")) == "2011"
    with pytest.raises(ConfigError, match=r"\[stop_search\] census must be one of 'auto', '2011', '2021', got 2001"):
        _check_value("stop_search", "census", 2001, ("auto", "2011", "2021"), Path("."))
    with pytest.raises(ConfigError, match="got True"):  # a boolean is not the number 1
        _check_value("x", "census", True, ("1", "2"), Path("."))


def test_one_folder_for_files(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    assert _check_value("stop_search", "files", "a.csv", "files", tmp_path) == [tmp_path / "a.csv"]
    assert _check_value("stop_search", "files", str(tmp_path), "files", tmp_path) == [tmp_path]
    with pytest.raises(ConfigError, match="a file or folder, or a non-empty list of them"):
        _check_value("stop_search", "files", [], "files", tmp_path)


def test_the_denominator_caveat_reads_as_a_sentence():
    """Walk-through 3: "Stop-and-search rates use Census 2021 usual residents; the Home Office used
    Census 2011 for the searches of 2019-12 to 2020-02 as the population; ..." - the caveat sat
    inside the sentence. It now follows the population in brackets."""
    import pandas as pd

    from saferstats.report.sections import Section, Table
    from saferstats.report.summary import _limitations

    d = pd.DataFrame({"denominator": ["Census 2021 usual residents; the Home Office used Census 2011 for the "
                                      "searches of 2019-12 to 2020-02"] * 2})
    s = Section("stop_search", "Stop and search", "", "")
    s.tables.append(Table("stop_search_disproportionality", "", d))
    text = " ".join(_limitations([s], {}))
    assert ("Stop-and-search rates use Census 2021 usual residents as the population (the Home Office used Census "
            "2011 for the searches of 2019-12 to 2020-02); populations change") in text
