"""Session 34 (x2): work an analyst (and the CI) waited for in the readers, done once instead of per row.

`read_use_of_force` looked each tactic row's force total up again (`totals.loc[force]`, 1,633 rows),
each total's row again with its parts' six columns read one by one (473 totals), and compared every
row's names for each tactic published as 0 (255 rows): 2.6 s a read of the Home Office 2019/20 file,
read seven times by test_s136_w40d.py's threshold test. Each is now found once (0.6 s, the same table,
attrs and warnings: compared pickled before and after on the shared file at six thresholds, and on a
copy with totals made not to add up). The tests count the pandas lookups and comparisons, which
before grew with the number of forces, and check the figures against hand counts.
"""
from __future__ import annotations

import inspect
import warnings
from unittest import mock

import pandas as pd
import pytest
from pandas.core.indexing import _LocationIndexer

import saferstats

HEAD = "Police Force,Type of force,Tactic,Mental,Physical,Physical and mental,None,Not reported,Number of times tactic reported"
ALL = "Total (excluding not reported and tactical communication)"


def _force(name: str, off: int = 0) -> list[str]:
    """A force's rows as the Home Office publishes them; each total the sum of its parts, except that
    ``off`` is added to *Total Restraint's Mental (and to its tactics, so that the row adds up)."""
    return [f"{name},{ALL},*Total Tactics,20,5,2,70,3,100",
            f"{name},Restraint,*Total Restraint,{20 + off},5,2,70,3,{100 + off}",
            f"{name},Restraint,\"Handcuffing, of which\",10,2,1,35,2,50",
            f"{name},Restraint,Compliant handcuffing,6,1,1,20,1,29",
            f"{name},Restraint,Non-compliant handcuffing,4,1,0,15,1,21",
            f"{name},Restraint,Ground restraint,10,3,1,35,1,50",
            f"{name},Restraint,Spit guard,0,0,0,0,0,0",
            f"{name},Not reported,*Total Not reported,1,0,0,2,0,3"]


def _file(tmp_path, n: int) -> str:
    lines = [HEAD] + _force("Force 0", off=1)
    for k in range(1, n):
        lines += _force(f"Force {k}")
    f = tmp_path / f"uof_{n}.csv"
    f.write_text("\n".join(lines) + "\n")
    return str(f)


def _read_counting(path: str) -> tuple[pd.DataFrame, int]:
    """The read, and the number of `.loc`/`.iloc` lookups and Series comparisons it made."""
    calls = 0
    lookup, compare = _LocationIndexer.__getitem__, pd.Series._cmp_method

    def counted_lookup(self, key):
        nonlocal calls
        calls += 1
        return lookup(self, key)

    def counted_compare(self, other, op):
        nonlocal calls
        calls += 1
        return compare(self, other, op)

    with mock.patch.object(_LocationIndexer, "__getitem__", counted_lookup), \
            mock.patch.object(pd.Series, "_cmp_method", counted_compare), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_use_of_force(path)
    return t, calls


def test_read_use_of_force_does_not_look_each_row_up_again(tmp_path):
    """Before: 3 forces took 171 lookups and comparisons, 12 forces 291 (one `.loc` per row and per
    total, three comparisons per tactic published as 0: 13 more a force); now fewer than one more a
    force (129 and 123 here)."""
    _, few = _read_counting(_file(tmp_path, 3))
    _, many = _read_counting(_file(tmp_path, 12))
    assert many - few < 12 - 3, (few, many)


def test_read_use_of_force_still_finds_the_totals_not_adding_up(tmp_path):
    """The totals that are not the sum of their parts, by hand: Force 0's *Total Restraint is
    published with Mental 21 and tactics 101 where its parts ("Handcuffing, of which" 10 + 50 and
    "Ground restraint" 10 + 50, "Spit guard" 0) sum to 20 and 100; and *Total Tactics (20, 100) is
    not its one part *Total Restraint (21, 101). Four cells, in the file's order; no other force."""
    t, _ = _read_counting(_file(tmp_path, 4))
    got = [(r["tactic"], r["column"], r["source_line"], r["published"], r["sum_of_parts"])
           for r in t.attrs["summary"]["parts_not_adding_up"]]
    assert got == [("*Total Tactics", "mental", 2, 20.0, 21.0), ("*Total Tactics", "tactics", 2, 100.0, 101.0),
                   ("*Total Restraint", "mental", 3, 21.0, 20.0), ("*Total Restraint", "tactics", 3, 101.0, 100.0)]
    assert list(t.attrs["summary"]["rows_not_adding_up"]) == []
    # no force's tactic published as 0 is said unrecorded: no other force reports a spit guard
    assert (t["row_note"] == "").all() and not t["tactic_unrecorded"].any()


def test_a_tactic_published_as_0_is_still_said_unrecorded(tmp_path):
    """Force 0's Ground restraint published as 0 where the 4 other forces all report it: their
    median share, 50 of 100 tactics (500.0 per 1,000), gives 50 of Force 0's 100 (hand count) —
    found with each tactic's rows found once."""
    lines = [HEAD] + [x.replace("Ground restraint,10,3,1,35,1,50", "Ground restraint,0,0,0,0,0,0")
                      for x in _force("Force 0")]
    for k in range(1, 5):
        lines += _force(f"Force {k}")
    f = tmp_path / "zero.csv"
    f.write_text("\n".join(lines) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_use_of_force(str(f))
    note = t.loc[(t["force"] == "Force 0") & (t["tactic"] == "Ground restraint"), "row_note"].iloc[0]
    assert note.startswith("0 in every column, where 4 of the 4 other forces publishing this tactic report it "
                           "(their median, 500.0 per 1,000 of their tactics, gives 50 of the force's 100)")
    lacks = {(r["tactic"], r["lacks"]) for r in t.attrs["summary"]["tactic_unrecorded"]}
    assert lacks == {("Ground restraint", "itself"), ("*Total Restraint", "Ground restraint (line 7)"),
                     ("*Total Tactics", "Ground restraint (line 7)")}



def test_read_once_reads_a_file_once_whether_or_not_the_default_sheet_is_named(tmp_path):
    """Before: `read_once(reader, f)` and `read_once(reader, f, sheet="LA_incidents")` (the report's
    and the command's calls of `read_flytipping`, whose default sheet is "LA_incidents") were two
    reads of the file — 20 to 45 s each for Defra's workbook; now one, and each caller gets the
    table as read (hand-made here) with the reader's warning."""
    calls = []

    def reader(path, *, sheet="LA_incidents"):
        calls.append(sheet)
        warnings.warn(f"read {sheet}", saferstats.SaferstatsWarning)
        return pd.read_csv(path)

    f = tmp_path / "t.csv"
    f.write_text("la_code,incidents\nE06000015,12\n")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        a = saferstats.io.read_once(reader, f)
        b = saferstats.io.read_once(reader, f, sheet="LA_incidents")
        c = saferstats.io.read_once(reader, f, sheet="other")
    assert calls == ["LA_incidents", "other"]
    assert [str(w.message) for w in said] == ["read LA_incidents", "read LA_incidents", "read other"]
    assert a.to_dict("list") == b.to_dict("list") == c.to_dict("list") == {"la_code": ["E06000015"], "incidents": [12]}
    assert inspect.signature(saferstats.read_flytipping).parameters["sheet"].default == "LA_incidents"


CENSUS_LA = "population/census2021_ew/ts021_ethnic_group_detailed_ltla21.csv"
CSP_LOOKUP = "population/census2021_ew/lookup_ltla24_csp24_pfa24.csv"


def test_census_by_csp_finds_each_csps_authorities_once(shared_data):
    """Before: `read_census_ethnicity(<TS021 by authority>, level="csp")` compared the lookups'
    columns again for each of the file's ~300 CSPs (315 `isin` calls; 3.7 s of a 4 s read); now each
    CSP's authorities are found once (3 calls; the same table, attrs and warnings, compared pickled
    before and after on the file and on three copies with authorities left out). The reference for
    the figures: the raw file and the raw lookup read with pandas — Hartlepool CSP is the one
    authority E06000001, whose 19 detailed groups sum to its residents."""
    from conftest import shared_path

    path = shared_path(shared_data, CENSUS_LA)
    calls = 0
    isin = pd.Series.isin

    def counted(self, values):
        nonlocal calls
        calls += 1
        return isin(self, values)

    with mock.patch.object(pd.Series, "isin", counted), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_census_ethnicity(path, level="csp")
    assert calls < 20, calls
    raw = pd.read_csv(path)
    lk = pd.read_csv(shared_path(shared_data, CSP_LOOKUP), dtype=str)
    assert lk.loc[lk["csp24_name"] == "Hartlepool", "ltla24_code"].tolist() == ["E06000001"]
    hartlepool = raw.loc[raw["ltla21_code"] == "E06000001"].iloc[0, 2:].sum()
    assert int(t.loc[t["csp"] == "Hartlepool", "population"].sum()) == int(hartlepool)
    assert "Wycombe" not in set(t["csp"])  # a CSP the authority table cannot give (test_errors_w49a.py)


def _census_long(tmp_path, n: int, short: int | None = None):
    """A TS021 table in long form (code, group, value) for LSOAs E01000001.. with 5 residents in each
    of the 19 groups; LSOA ``short`` lacks the groups 4 to 7 of the 19."""
    from saferstats.geography import bundled_table

    labels = [c for c in bundled_table("census2021_detailed_la24.csv.gz").columns if ":" in c]  # the 19 groups
    rows = [f"E0{1000001 + k},\"{lab}\",5" for k in range(n) for at, lab in enumerate(labels)
            if not (k == short and 3 <= at < 7)]
    f = tmp_path / f"ts021_{n}_{short}.csv"
    f.write_text("lsoa21_code,ethnic_group,value\n" + "\n".join(rows) + "\n")
    return f, labels


def test_census_groups_of_each_area_are_counted_not_gathered_in_python(tmp_path):
    """Before: `read_census_ethnicity` gathered each area's groups into a set with a Python function
    per area (`groupby().agg(set)`: 35,672 calls for the TS021 LSOA table, 3 s of its 8 s read); now
    they are counted (`nunique`): no area goes through Python. The figures by hand: 40 LSOAs of 19
    groups of 5 residents are 3,800 residents; an LSOA lacking 4 groups is refused as before, naming
    the 4 groups it lacks (the 4th to 7th labels, sorted)."""
    from pandas.core.groupby.ops import BaseGrouper

    f, labels = _census_long(tmp_path, 40)
    areas = 0
    pure = BaseGrouper._aggregate_series_pure_python

    def counted(self, obj, func):
        nonlocal areas
        out = pure(self, obj, func)
        areas += len(out)
        return out

    with mock.patch.object(BaseGrouper, "_aggregate_series_pure_python", counted), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_census_ethnicity(f, level="lsoa")
    assert areas == 0, areas
    assert int(t["population"].sum()) == 40 * 19 * 5
    f, _ = _census_long(tmp_path, 6, short=2)
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.read_census_ethnicity(f, level="lsoa")
    lacking = sorted(labels[3:7])
    assert f"E01000003 has 15 of the 19 groups (missing {lacking[:3]} ...); its total would be short" in str(e.value)
