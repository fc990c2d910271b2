"""``[hate_crime] monthly_rebase`` (walk 19): the report's SPC chart of the Home Office monthly
series showed 63 signals in 72 months ("the series has changed level") with no way to recalculate
its limits at a known cause; the config had a cause only for the S136 pilot start. The segment
means are checked against the bundled Home Office monthly figures averaged with numpy."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.__main__ import main

from conftest import build_report

HO = "hate_crime/home_office_by_force_2017-18_2018-19"


def _config(shared_data, rebase: str) -> str:
    return (f'title = "t"\narea = "Hertfordshire"\n[hate_crime]\nfile = "{shared_data / HO / "Hate crime.csv"}"\n'
            f'monthly = "{shared_data / HO / "hate-crime-1819-hosb2419-tables.ods"}"\nmonthly_sheet = "Figure_2"\n'
            f"monthly_rebase = {rebase}\n")


def test_limits_recalculated_with_their_cause(shared_data, tmp_path):
    pytest.importorskip("odf")
    out = build_report(tmp_path, _config(shared_data, '{"2016-07" = "after the EU referendum"}'))
    spc = pd.read_csv(out / "hate_crime_spc.csv")
    assert list(spc["segment"]) == ["2013-04 to 2016-06", "2016-07 to 2019-03"]
    m = saferstats.datasets.hate_crime_monthly()
    month = m["month"].astype(str)
    for seg, rows in zip(spc.itertuples(), (month < "2016-07", month >= "2016-07")):
        assert seg.months == int(rows.sum())
        assert seg.mean == pytest.approx(np.mean(m.loc[rows.to_numpy(), "offences"]), abs=0.051)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", (out / "index.html").read_text())))
    assert "limits recalculated from 2016-07 (after the EU referendum)" in text


@pytest.mark.parametrize("rebase, said", [
    ('{"2030-07" = "x"}', "'2030-07' is not a month of the monthly series (2013-04 to 2019-03)"),
    ('{"2016-07" = " "}', "give the cause of the change from 2016-07"),
])
def test_a_month_outside_the_series_or_no_cause(shared_data, tmp_path, capsys, rebase, said):
    pytest.importorskip("odf")
    cfg = tmp_path / "a.toml"
    cfg.write_text(_config(shared_data, rebase))
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "saferstats: error: [hate_crime] monthly_rebase: " in err and said in err, err
