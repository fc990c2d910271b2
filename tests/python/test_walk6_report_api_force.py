"""Walk-through 6 (Leicester): a CSP analyst's report on a police.uk API export
(``api_format_leicester_2020-02``: no force in the file name or the rows). ``[stop_search]`` had
no way to say the force: with ``by = ["force"]`` the report stopped with "force '' is not in it ...
read them with read_stop_search(..., force=...)", advice a config cannot follow, and with
``by = ["csp"]`` its cautions read "(: 41 of 48 ...)". ``[stop_search] force`` now names it."""

import html
import warnings

import pytest

from saferstats.__main__ import main

API = "stop_search/api_format_leicester_2020-02/stop_and_search.csv"


def _config(tmp_path, shared_data, extra=""):
    cfg = tmp_path / "a.toml"
    cfg.write_text(f'title = "t"\narea = "Leicester"\n[stop_search]\nfiles = ["{shared_data / API}"]\n{extra}')
    return cfg


def test_files_without_a_force_name_the_key(shared_data, tmp_path, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rc = main(["report", "--config", str(_config(tmp_path, shared_data)), "--out", str(tmp_path / "o"), "--quiet"])
    assert rc == 2
    err = capsys.readouterr().err
    assert '[stop_search] force = "<the force>"' in err and "read_stop_search(" not in err


def test_the_force_key_is_used(shared_data, tmp_path):
    cfg = _config(tmp_path, shared_data, 'force = "Leicestershire"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    page = html.unescape((tmp_path / "o" / "index.html").read_text())
    assert "Caution: Leicestershire's searches all lie within 2.8 km" in page
    assert "(: " not in page


def test_the_key_is_checked(shared_data, tmp_path, capsys):
    cfg = _config(tmp_path, shared_data, "force = 3\n")
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "[stop_search] force must be text" in capsys.readouterr().err


@pytest.fixture(autouse=True)
def _here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_records_without_a_force_are_not_labelled_blank(shared_data):
    import saferstats

    recs = saferstats.read_stop_search(shared_data / API)
    assert recs["force"].astype(str).eq("").all()
    with pytest.warns(saferstats.SaferstatsWarning) as rec:
        saferstats.outcome_test(recs, outcome="find", by="csp")
    text = " ".join(str(w.message) for w in rec if "missing for many searches" in str(w.message))
    assert "(the searches: 41 of 48" in text and "(: " not in text
