"""Session 17 (w22b): months read vs missing (read_stop_search / disproportionality),
compare_proportions pairing by position, monthly_counts on police.uk tables."""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest

import saferstats
from warning_capture import warning_messages

FORCES = "stop_search/policeuk_7forces_2019-12_to_2020-02"


_messages = warning_messages  # fn(*args, **kwargs) and its warnings' messages (tests/python/warning_capture.py)


def test_read_stop_search_same_month_missing_everywhere_says_no_force(shared_data):
    # police.uk, seven forces, Dec 2019 and Feb 2020 read, Jan 2020 not: every force misses 2020-01
    folder = shared_data / FORCES
    files = sorted(folder.glob("2019-12-*.csv")) + sorted(folder.glob("2020-02-*.csv"))
    assert len(files) == 14
    df, msgs = _messages(saferstats.read_stop_search, files)
    gap = [m for m in msgs if "no searches at all in some months" in m]
    assert len(gap) == 1, msgs
    assert gap[0].startswith("read_stop_search:")
    assert "no force has a search in that month" in gap[0]
    assert "than the others'" not in gap[0]
    assert df.attrs["months_missing"] == {f: ["2020-01"] for f in df.attrs["months_read"]}
    assert len(df.attrs["months_read"]) == 7


def test_read_stop_search_one_force_missing_still_compares(shared_data):
    folder = shared_data / FORCES
    files = [p for p in sorted(folder.glob("*.csv")) if p.name != "2020-01-durham-stop-and-search.csv"]
    _, msgs = _messages(saferstats.read_stop_search, files)
    gap = [m for m in msgs if "no searches at all in some months" in m]
    assert len(gap) == 1 and "Durham: 2020-01" in gap[0] and "than the others'" in gap[0], msgs


def test_disproportionality_header_only_file_is_read_not_missing(shared_data, tmp_path):
    # a month with no searches, as police.uk publishes it: a file with only its header
    folder = shared_data / FORCES
    for name in ("2019-12-durham-stop-and-search.csv", "2020-02-durham-stop-and-search.csv"):
        shutil.copy(folder / name, tmp_path / name)
    for p in folder.glob("*-leicestershire-stop-and-search.csv"):
        shutil.copy(p, tmp_path / p.name)
    header = (folder / "2020-01-durham-stop-and-search.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    (tmp_path / "2020-01-durham-stop-and-search.csv").write_text(header + "\n", encoding="utf-8")
    df, msgs = _messages(saferstats.read_stop_search, sorted(tmp_path.glob("*.csv")))
    assert df.attrs["months_read"]["durham"] == ["2019-12", "2020-01", "2020-02"]
    assert df.attrs["months_missing"] == {}
    assert not any("no searches at all" in m for m in msgs), msgs
    res, msgs = _messages(saferstats.disproportionality, df, by="force", census=2011)
    # before: {'durham': ['2020-01']}, a warning, and Durham's rates over 2 months, not 3
    assert res.attrs["months_missing"] == {}
    assert not any("no searches at all" in m for m in msgs), msgs
    assert res.attrs["months_with_searches"] == {"durham": 3, "leicestershire": 3}
    assert res.attrs["months"] == 3
    # a table filtered to one force keeps the reader's attrs: other forces' months are not added
    one = df[df["force"].astype(str) == "durham"]
    res1, _ = _messages(saferstats.disproportionality, one, by="force", census=2011)
    assert res1.attrs["months_with_searches"] == {"durham": 3}


def test_disproportionality_file_not_read_still_missing(shared_data):
    folder = shared_data / FORCES
    files = [p for p in sorted(folder.glob("*.csv"))
             if "durham" in p.name or "leicestershire" in p.name]
    files = [p for p in files if p.name != "2020-01-durham-stop-and-search.csv"]
    df, _ = _messages(saferstats.read_stop_search, files)
    res, msgs = _messages(saferstats.disproportionality, df, by="force", census=2011)
    assert res.attrs["months_missing"] == {"durham": ["2020-01"]}
    assert res.attrs["months_with_searches"] == {"durham": 2, "leicestershire": 3}


def test_compare_proportions_warns_paired_by_position():
    # two periods filtered from one table: rows 3-5 (later) and 0-2 (earlier) keep their labels
    x1 = pd.Series([3, 10, 4], index=[3, 4, 5])
    n1 = pd.Series([30, 40, 50], index=[3, 4, 5])
    x2 = pd.Series([5, 6, 7], index=[0, 1, 2])
    n2 = pd.Series([20, 60, 70], index=[0, 1, 2])
    with pytest.warns(saferstats.SaferstatsWarning, match=r"compare_proportions: `x1` and `x2` are Series with "
                      r"different row labels.*paired by position.*row 3 with row 0"):
        res = saferstats.compare_proportions(x1, n1, x2, n2)
    assert res["p1"].round(4).tolist() == [0.1, 0.25, 0.08]
    assert res["p2"].round(4).tolist() == [0.25, 0.1, 0.1]
    # arrays, or one shared area key, pair as given: no warning
    for args in [(x1, n1, x2.to_numpy(), n2.to_numpy()),
                 (x1.reset_index(drop=True), n1.reset_index(drop=True), x2, n2)]:
        _, msgs = _messages(saferstats.compare_proportions, *args)
        assert not any("paired by position" in m for m in msgs), msgs


def test_monthly_counts_police_uk_street_crime_uses_month(shared_data):
    path = shared_data / "street_crime" / "2021-01-hertfordshire-street.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        street = saferstats.read_street_crime(path)
    assert "detention_time" not in street.columns
    m = saferstats.monthly_counts(street)  # before: "records has no column 'detention_time'"
    assert m.index.tolist() == [pd.Period("2021-01", "M")]
    assert m.tolist() == [6914]
    assert m.attrs["date_column"] == "month"
    assert m.name == "count"
    assert saferstats.monthly_counts(street, date="month").tolist() == [6914]


def test_monthly_counts_stop_search_uses_month_then_date(shared_data):
    folder = shared_data / FORCES
    files = sorted(folder.glob("*-durham-stop-and-search.csv"))
    df, _ = _messages(saferstats.read_stop_search, files)
    m, _ = _messages(saferstats.monthly_counts, df)
    assert m.attrs["date_column"] == "month"  # read_stop_search gives police.uk's month too
    assert m.index.astype(str).tolist() == ["2019-12", "2020-01", "2020-02"]
    assert m.tolist() == [145, 161, 135]
    m2, _ = _messages(saferstats.monthly_counts, df.drop(columns="month"))
    assert m2.attrs["date_column"] == "date"
    assert m2.tolist() == [145, 161, 135]


def test_monthly_counts_no_date_column_still_names_detention_time():
    with pytest.raises(saferstats.InvalidInputError, match="no column 'detention_time'"):
        saferstats.monthly_counts(pd.DataFrame({"x": [1, 2]}))


def test_disproportionality_month_filtered_out_is_still_missing(shared_data, tmp_path):
    # attrs survive filtering: a month removed from a table read whole is not a month read with no search
    folder = shared_data / FORCES
    files = [p for p in sorted(folder.glob("*.csv")) if "durham" in p.name or "leicestershire" in p.name]
    df, _ = _messages(saferstats.read_stop_search, files)
    gap = df[~((df["force"].astype(str) == "durham") & (df["month"].astype(str) == "2020-01"))]
    res, msgs = _messages(saferstats.disproportionality, gap, by="force", census=2011)
    assert res.attrs["months_missing"] == {"durham": ["2020-01"]}
    assert res.attrs["months_with_searches"] == {"durham": 2, "leicestershire": 3}
    assert any("(Durham: 2020-01)" in m for m in msgs), msgs
