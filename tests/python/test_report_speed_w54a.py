"""Session 33 (w54a): the report's waste. A report computed the districts abolished by mergers
(census_population("former_la") summed by district) again for every table it highlighted, for the
LA names and for the denominators (5 times in the demo's hate crime section alone, 17 in the demo,
23 in the Hertfordshire report from the published files: 0.1 s each); and every report built in one
session read Defra's fly-tipping workbook again (20 to 45 s each time)."""

from __future__ import annotations

import hashlib
import re
import tempfile
import warnings
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest

import saferstats as ss
import saferstats.report as rep
from saferstats.report import inputs
from saferstats.report.render import build_report


def _former_la_calls(m: mock.MagicMock) -> int:
    return sum(1 for c in m.call_args_list if "former_la" in c.args or c.kwargs.get("level") == "former_la")


@pytest.fixture(scope="module")
def hate_crime_demo():
    """The demo's hate crime section alone (Hertfordshire's districts), built once, counting the
    calls of census_population."""
    cfg = {k: v for k, v in rep.demo_config().items() if k not in ("stop_search", "flytipping", "hotspots", "s136")}
    once = getattr(inputs, "_former_las_once", None)
    if once is not None:
        once.cache_clear()  # as in a new process
    with warnings.catch_warnings(), mock.patch.object(ss, "census_population", wraps=ss.census_population) as m:
        warnings.simplefilter("ignore")
        page = build_report(cfg, Path(tempfile.mkdtemp()) / "o", quiet=True)
    return page.read_text(encoding="utf-8"), m


def test_a_report_sums_the_former_districts_once(hate_crime_demo):
    """Before: 5 calls of census_population("former_la") in this one-section report (scope_of for
    each table highlighted, the LA names); now 1 per process."""
    assert _former_la_calls(hate_crime_demo[1]) == 1


def test_the_report_is_the_same(hate_crime_demo):
    """The page is the one the base commit (3330268a) wrote for this config: its SHA-256 with the
    figures' base64 and the time of the run taken out, computed from that commit's output."""
    text = re.sub(r"base64,[^\"']*", "B64", hate_crime_demo[0])
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "TIME", text)
    assert hashlib.sha256(text.encode()).hexdigest() == BASE_HATE_CRIME_PAGE


BASE_HATE_CRIME_PAGE = "105225fb184d2a8a6e696b404fa602e4e683fad23e412786b457a8c40ed21265"

DEFRA_CSV = ("Year,ONS Code,LA Name,Region,Total Incidents\n"
             "2020-21,*Total,*Total,*Total England,1000\n"
             "2020-21,E07000095,Broxbourne,East of England,1500\n"
             "2021-22,E07000095,Broxbourne,East of England,1400\n"
             "2020-21,E07000096,Dacorum,East of England,900\n"
             "2021-22,E07000096,Dacorum,East of England,:\n")


def test_the_defra_table_is_read_once_while_the_file_is_unchanged(tmp_path):
    """Two report sections from one Defra file read it twice (read_flytipping called 2 times); now
    once. The table each gets is the reader's own (compared with a direct read_flytipping), a copy
    that one section cannot change for the next; the file rewritten is read again."""
    path = tmp_path / "Flytipping_LA_incidents.csv"
    path.write_text(DEFRA_CSV)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = ss.read_flytipping(path)
        with mock.patch.object(ss, "read_flytipping", wraps=ss.read_flytipping) as m:
            first, _, notes = inputs.read_table("flytipping", {"file": str(path)})
            first.loc[0, "incidents"] = -1
            first.attrs["summary"]["rows"] = -1
            second, _, notes2 = inputs.read_table("flytipping", {"file": str(path)})
            assert m.call_count == 1
            pd.testing.assert_frame_equal(second, direct)
            assert second.attrs.keys() == direct.attrs.keys() and second.attrs["summary"] == direct.attrs["summary"]
            assert notes == notes2 == [" Read from the Defra table as published: 4 authority-years; 1 regional and "
                                       "England total rows are not authorities and were left out."]
            path.write_text(DEFRA_CSV.replace("1400", "14000"))
            third = inputs.read_table("flytipping", {"file": str(path)})[0]
            assert m.call_count == 2 and third["incidents"].tolist()[:2] == [1500, 14000]


def test_the_readers_warnings_are_given_at_every_read(tmp_path):
    """The table read once still warns at each read as read_flytipping does (this file has no
    'Reporting basis' column: the reader's own warning, given on a direct read)."""
    path = tmp_path / "Flytipping_LA_incidents.csv"
    path.write_text(DEFRA_CSV)
    for _ in range(2):
        with pytest.warns(ss.SaferstatsWarning, match="has no 'Reporting basis' column"):
            inputs.read_once(ss.read_flytipping, path)
