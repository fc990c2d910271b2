"""Session 23 (w33b): the command line's disclosure control of stop-and-search counts, its lines on
stderr held behind a later error, and its report warnings in the config's words."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from conftest import shared_path
from disclosure_attack import Attack
from search_audit import MARK

FOLDER = "stop_search/policeuk_7forces_2019-12_to_2020-02"


def _disp_csv(shared_data, tmp_path, capsys, *extra: str) -> tuple[pd.DataFrame, str]:
    from saferstats.__main__ import main

    out = tmp_path / f"searches{len(extra)}.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["disproportionality", str(shared_path(shared_data, FOLDER)), "--by", "csp", *extra,
                     "--out", str(out)]) == 0
    return pd.read_csv(out, dtype=str, keep_default_na=False), capsys.readouterr().err


def test_disproportionality_threshold_hides_small_counts_and_what_gives_them_back(shared_data, tmp_path, capsys):
    from saferstats.geography import area_lookup

    truth, said = _disp_csv(shared_data, tmp_path, capsys)
    # by default the counts are shown (public records), and the note names the option that hides them
    assert "needs disclosure control: --threshold 5 hides them and every cell that would give them back" in said
    published, said = _disp_csv(shared_data, tmp_path, capsys, "--threshold", "5")
    n = pd.to_numeric(truth["searches"])
    shown = pd.to_numeric(published["searches"], errors="coerce")
    hidden = (published["searches"] == MARK).to_numpy()
    assert ((n >= 1) & (n < 5)).sum() == 49 and hidden[(n >= 1) & (n < 5)].all()  # was: all 49 shown
    assert not ((shown >= 1) & (shown < 5)).any()
    assert (shown[~hidden] == n[~hidden]).all()
    assert f"Note: 49 of the {len(truth)} counts of searches are below 5 and {hidden.sum() - 49} more would" in said
    # the rates and ratios of a hidden count are blanked with it (rate x population gives it back)
    assert (published.loc[hidden, ["rate", "rate_lower", "rate_upper", "ratio"]] == MARK).all().all()
    # what a reader knows: each CSP's searches (police.uk) and each force's by group (Home Office)
    force = truth["csp_code"].map(area_lookup().drop_duplicates("csp_code").set_index("csp_code")["force"])
    a = Attack()
    truth_n = truth.assign(searches=n)
    a.table("s", published[["searches"]], truth_n[["searches"]], ["searches"])
    margins = [truth["csp"].to_numpy(), (force + "/" + truth["group"]).to_numpy()]
    for labels in margins:
        for g in np.unique(labels):
            a.total(("s", r, "searches") for r in np.flatnonzero(labels == g))
    assert a.linear(floor_one=True) == []


def test_a_line_said_on_stderr_follows_a_later_error_marked_before_it(tmp_path, capsys):
    """Session 35 (y7): ``--eps-m -5`` is now refused before the file is read (dbscan's own check,
    its words said as the option), so it says nothing before its error; until then the file was read
    first and its note came before the error. The order of a note and a later error is checked here
    with an error found after reading: columns given the wrong way round (Stevenage, 51.9 N 0.2 W)."""
    from saferstats.__main__ import main

    points = tmp_path / "points.csv"
    points.write_text("lat,lon\n51.90,-0.20\n51.92,\n51.91,-0.21\n", encoding="utf-8")
    assert main(["hotspots", str(points), "--eps-m", "-5"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["saferstats: error: --eps-m must be positive, got -5.0"]
    assert main(["hotspots", str(points), "--lat", "lon", "--lon", "lat"]) == 2
    err = capsys.readouterr().err.splitlines()
    # was: "1 of 3 records have no location and are left out" first, the error line after it
    assert len(err) == 2 and "Traceback" not in " ".join(err)
    assert err[0].startswith("saferstats: error: --lat lon and --lon lat look swapped")
    assert err[1] == ("saferstats: note before the error: 1 of 3 records have no location and are left out "
                      "(points.csv line 3)")


def test_report_warnings_read_in_the_configs_words(shared_data, tmp_path, capsys):
    """police.uk's API file of Leicester city centre (a location query) by CSP: the report's warning
    said "(by='csp' or by='la' does not help: ...); ... listed in .attrs['small_footprint']"."""
    from saferstats.__main__ import main

    api = shared_path(shared_data, "stop_search/api_format_leicester_2020-02/stop_and_search.csv")
    cfg = tmp_path / "assessment.toml"
    cfg.write_text(f'title = "T"\narea = "Leicester"\n\n[stop_search]\nfiles = ["{api}"]\nforce = "leicestershire"\n'
                   'by = ["csp"]\ncensus = "2011"\n', encoding="utf-8")
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if "small part of their area" in line]
    assert len(said) == 1
    assert ('not meaningful ([stop_search] by = ["csp"] or [stop_search] by = ["la"] does not help: the searches '
            "elsewhere in the area are not in the file); use the force's bulk files") in said[0]
    assert "by='" not in said[0] and ".attrs" not in said[0]
