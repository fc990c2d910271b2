"""Session 18, w24b.

1. A row label that the index repeats (tables joined with ``pd.concat`` keep each one's 0, 1, 2 ...)
   is named with its position by every translated error, not only the hotspot functions':
   ``rate_ci`` / ``add_rates`` / ``poisson_trend`` / ``spc`` on Defra's fly-tipping years read one by
   one and concatenated said "at row 191" for one of ten rows labelled 191.
2. ``saferstats`` CLI: an empty line in a CSV no longer turns whole-number columns into floats
   (the duplicate-rows message said ``'period': 2016.0`` for a file that writes 2016).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from saferstats._frames import translate_error
from saferstats.__main__ import _read_csv, main

_SAME = "2 rows have that label; pd.concat(..., ignore_index=True) gives each its own"


def _two_tables() -> pd.DataFrame:
    a = pd.DataFrame({"area": ["A", "B", "C"], "count": [1, 2, 3], "population": [100, 200, 300]})
    b = pd.DataFrame({"area": ["D", "E", "F"], "count": [4, -5, 6], "population": [100, 200, 300]})
    return pd.concat([a, b])  # labels 0, 1, 2, 0, 1, 2


# 1. repeated row labels are named with their position, package-wide

def test_row_named_gives_the_position_of_a_repeated_label():
    from saferstats._frames import row_named

    s = pd.concat([pd.Series([1, 2]), pd.Series([3, 4])])
    assert row_named(s, 3) == f"row 1 (position 3: {_SAME})"
    assert row_named(s.index, 0) == f"row 0 (position 0: {_SAME})"  # an Index too; the first row as well
    assert row_named(pd.Series([1, 2], index=["a", "b"]), 1) == "row 'b'"
    assert row_named([1, 2], 1) == "row 1"


def test_hotspot_names_rows_with_the_shared_helper():
    from saferstats._frames import row_named
    from saferstats.hotspot import _common

    assert _common._row is row_named


def test_rate_ci_on_concatenated_series():
    df = _two_tables()
    with pytest.raises(ss.InvalidInputError) as e:
        ss.rate_ci(df["count"], df["population"])
    assert str(e.value) == f"invalid value in `count` at row 1 (position 4: {_SAME}): -5 (must not be negative)"
    assert (e.value.index, e.value.position) == (1, 4)


def test_add_rates_on_concatenated_frame():
    with pytest.raises(ss.InvalidInputError) as e:
        ss.add_rates(_two_tables(), count="count", population="population")
    assert "invalid value in column 'count' at row 1 (E; position 4: " + _SAME + "): -5" in str(e.value)
    assert (e.value.index, e.value.position) == (1, 4)


def test_poisson_trend_on_concatenated_frame():
    a = pd.DataFrame({"area": ["A"] * 3, "period": [2015, 2016, 2017], "count": [1, 2, 3]})
    b = pd.DataFrame({"area": ["B"] * 3, "period": [2015, 2016, 2017], "count": [4, -5, 6]})
    with pytest.raises(ss.InvalidInputError) as e:
        ss.poisson_trend(pd.concat([a, b]), by="area", population=None)
    assert f"column 'count' at row 1 (position 4: {_SAME}): -5" in str(e.value)
    assert (e.value.index, e.value.position) == (1, 4)


def test_spc_on_concatenated_series():
    v = pd.concat([pd.Series([5.0, 6, 7, 8, 9, 10]), pd.Series([5.0, 6, np.nan, 8, 9, 10])])
    with pytest.raises(ss.MissingValueError) as e:
        ss.spc(v)
    assert f"`values` row 2 (position 8: {_SAME}): missing value" in str(e.value)
    assert (e.value.index, e.value.position) == (2, 8)


def test_translate_error_other_row_forms_and_unique_labels_unchanged():
    e = ss.InvalidInputError("`count` has 1 missing value(s) (first at 3)", "count", 3)
    idx = pd.Index([0, 1, 0, 1])
    assert str(translate_error(e, index=idx)) == f"`count` has 1 missing value(s) (first at row 1 (position 3: {_SAME}))"
    e2 = ss.InvalidInputError("invalid value in `count` at position 2: -1", "count", 2)
    assert str(translate_error(e2, index=pd.Index(list("abcd")))) == "invalid value in `count` at row 'c': -1"
    assert str(translate_error(e2)) == "invalid value in `count` at position 2: -1"


def test_defra_years_read_one_by_one_and_concatenated(shared_data: Path):
    """Defra's 2017/18 and 2018/19 rows, each year numbered from 0 (as two files read one by one) and
    joined with pd.concat: Redbridge's 2018/19 count is not published, and "at row 205" named two
    rows (a 2017/18 council's too); the position says which."""
    from conftest import defra_flytipping_read

    d = defra_flytipping_read(shared_data)
    years = [d[d["period"] == y].reset_index(drop=True) for y in ("2017/18", "2018/19")]
    t = pd.concat(years)
    bad = int(np.flatnonzero(t["incidents"].isna().to_numpy())[0])
    label = int(t.index[bad])
    assert bad == len(years[0]) + label  # in the second year, its label repeated by the first
    where = f"at row {label} (position {bad:,}: {_SAME})"
    with pytest.raises(ss.MissingValueError) as e:
        ss.rate_ci(t["incidents"], pd.Series(1e5, index=t.index))
    assert where in str(e.value) and (e.value.index, e.value.position) == (label, bad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        with pytest.raises(ss.MissingValueError) as e:
            ss.add_rates(t.assign(population=1e5), count="incidents")
    assert f"at row {label} (Redbridge, 2018/19; position {bad:,}: {_SAME})" in str(e.value)
    assert e.value.position == bad


# 2. CLI: an empty line does not turn whole numbers into floats

def _csv(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "dup.csv"
    p.write_text(body)
    return p


def test_cli_duplicate_rows_message_shows_periods_as_written(tmp_path, capsys):
    p = _csv(tmp_path, "area,period,count,population\nA,2015,10,1000\nA,2016,12,1000\n\nA,2016,13,1000\n"
                       "A,2017,14,1000\n")
    assert main(["trend", str(p), "--by", "area"]) == 2
    err = capsys.readouterr().err
    assert "duplicate rows for {'area': 'A', 'period': 2016} (lines 3, 5 of dup.csv)" in err
    assert "2016.0" not in err


def test_read_csv_keeps_whole_numbers_and_decimals_as_written(tmp_path):
    p = _csv(tmp_path, "area,period,count,rate,written\nA,2015,\"1,234\",1.5,2015.0\n,,,,\nB,2016,12,2.0,2016.0\n")
    df = _read_csv(p)
    assert df["period"].tolist() == [2015, 2016] and df["period"].dtype == np.int64
    assert df["count"].tolist() == [1234, 12] and df["count"].dtype == np.int64
    assert df["rate"].dtype == np.float64 and df["written"].dtype == np.float64  # written with a decimal point
    assert df.index.tolist() == [2, 4]  # the file's lines
    q = _csv(tmp_path, "area,period,count\nA,2015,\nB,2016,3\n\n")
    assert _read_csv(q)["count"].dtype == np.float64  # a real missing figure stays missing


# 4. tests call its_poisson with the keywords, not the old tuple (which warns FutureWarning)

def test_no_test_calls_its_poisson_with_the_old_seasonality_tuple():
    """Only the tests of the tuple form itself (its FutureWarning, its equivalence, its bad values)
    still write ``seasonality=("fourier", 12, 2)``; the others use ``seasonality="fourier",
    season_length=12, harmonics=2``, so that the suite shows no FutureWarning of its own making.
    Any tuple starting "fourier" / "dummies" counts (a helper may build it: ``("dummies", period)``)."""
    import ast

    allowed = {"test_w23d.py", "test_vocabulary.py", "test_outcomes.py:test_bad_its_arguments_are_named"}
    found = []
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        if path.name in allowed or path.name == Path(__file__).name:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for top in tree.body:
            where = f"{path.name}:{getattr(top, 'name', '')}"
            if where in allowed:
                continue
            for node in ast.walk(top):
                if (isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant)
                        and node.elts[0].value in ("fourier", "dummies")):
                    found.append(f"{where}:{node.lineno}")
    assert found == []


# 3. README: a fly-tipping command line, and it runs as written

def test_readme_fly_tipping_command_runs(shared_data: Path, tmp_path: Path, capsys):
    import shlex

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Command line", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    joined = block.replace("\\\n", " ").splitlines()
    line = next(x for x in joined if "fly_tipping/" in x and x.startswith("saferstats trend"))
    args = shlex.split(line.split("#", 1)[0])[1:]
    args = [a.replace("../shared/data", str(shared_data)) for a in args]
    out = tmp_path / "fly.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main([*args, "--out", str(out)]) == 0
    t = pd.read_csv(out)
    row = t.set_index("la_code").loc["E06000001"]  # Hartlepool, ten years of published counts
    assert row["la_name"] == "Hartlepool" and row["n_periods"] == 10
    assert (row["first_period"], row["last_period"]) == ("2012/13", "2021/22")
    assert len(t) == 334  # one row per council code, those with too few periods said in `note`


# 5. report: the NHS Section 136 table's header says what NHS England counts (uses), as the text does

MHA = "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx"


def test_nhs_s136_table_header_says_uses_as_the_text_does(shared_data: Path):
    from saferstats.report.sections import Section, _s136_mha
    from saferstats.report.summary import _s136_mha as findings
    from saferstats.report.tables import display_table

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables, words, year = _s136_mha({"confidence": 0.95, "area": ""}, shared_data / MHA)
    eth = next(t for t in tables if t.name == "s136_mha_ethnicity")
    d = display_table(eth.page, eth.caption)
    assert d.headers[:2] == ["Ethnic group", "Uses of Section 136"] and "Detentions" not in d.headers
    white = d.rows[[r[0] for r in d.rows].index("White")]
    assert white[1] == "10,483"  # NHS England's 2023-24 Section 136 uses of White people (MHSDS)
    assert "Section 136 uses per 100,000" in d.caption and "Section 136 uses" in words
    text = " ".join(findings(Section("s136", "Section 136", "", "", tables=tables, period=year), {"area": ""}))
    assert "rate of Section 136 uses" in text and "detentions" not in text.replace("a detention under", "")
    assert list(eth.frame.columns)[:2] == ["ethnic_group", "detentions"]  # the CSV's column stays


def test_police_s136_detentions_header_unchanged():
    from saferstats.report.tables import display_table

    d = display_table(pd.DataFrame({"district": ["Dacorum"], "detentions": [41]}), "Section 136 detentions by district")
    assert d.headers == ["District", "Detentions"]
