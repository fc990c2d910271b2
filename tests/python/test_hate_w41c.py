"""Walk-through w41c (a CSP analyst's hate crime trends): what the walk found wrong.

Worked on the Home Office hate crime files in ../shared/data exactly as published (PROVENANCE §3);
references from the file's own cells (csv module) and scipy, never from saferstats' output.

- ``read_hate_crime`` on the bulletin's strand table skipped every row whose label was not one of
  the seven it knows, without a word: a strand named as later bulletins name it ("Transgender
  identity") or one a force monitors locally ("Alternative subculture") vanished from the table,
  breaking "rows read + rows reported = rows in the file". "Transgender identity" is now the
  ``transgender`` strand; any other row with figures is in ``attrs["dropped"]`` and a warning, which
  ``saferstats trend`` / ``rates`` on the CSV now print too (they silenced the reader's warnings).
- the by-force table's reader likewise read only the columns it knows and left any other column
  of figures out unsaid (a strand column "Transgender identity", or "Alternative subculture"): the
  first is now ``transgender``, the others are named in a warning.
- the monthly figures' reader (Figure 2) knew a month row only by its full name: a month with a
  footnote marker ("June3", as a CSV export flattens "June³") or abbreviated ("Jun", "Sept") was
  skipped, and its six published figures came out as NaN "no figure published (a gap in the
  series)". They are now read.
- ``shares`` on the bulletin's Table 3 as read (religions and its two totals) warned that 'Unknown'
  was 5.5% of the total: 1,255 over the sum of the religions *and* both totals. The totals are the
  rows it says to leave out; the share it states is now of the religions, 1,255 / 7,717 = 16.3%.
"""
from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import shared_path

HATE = "hate_crime/home_office_by_force_2017-18_2018-19"


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write(rows: list[list[str]], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _figures(row: list[str]) -> list[float]:
    return [float(c.replace(",", "")) for c in row[1:9]]


@pytest.fixture
def table_2(shared_data: Path) -> Path:
    return shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")


def test_strand_named_transgender_identity_is_read(table_2: Path, tmp_path: Path) -> None:
    rows = _rows(table_2)
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Transgender")
    expected = _figures(rows[at])  # 313, 364, ..., 2,333 as published
    rows[at][0] = "Transgender identity"
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)  # nothing left out, nothing to say
        s = saferstats.read_hate_crime(_write(rows, tmp_path / "table_2.csv"))
    got = s[s.strand == "transgender"].sort_values("period")["count"].tolist()
    assert got == expected
    assert got[-1] == 2333.0


def test_unknown_strand_row_is_reported_not_silently_dropped(table_2: Path, tmp_path: Path) -> None:
    rows = _rows(table_2)
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Disability")
    extra = ["Alternative subculture", "12", "15", "20", "25", "30", "41", "52", "60", "15"]
    rows.insert(at + 1, extra)
    path = _write(rows, tmp_path / "table_2.csv")
    with pytest.warns(SaferstatsWarning, match=r"1 row with figures .* 'Alternative subculture' \(line "
                                               rf"{at + 2}\)"):
        s = saferstats.read_hate_crime(path)
    left_out = [d for d in s.attrs["dropped"] if d["value"] == "Alternative subculture"]
    assert len(left_out) == 1 and left_out[0]["source_line"] == at + 2
    assert left_out[0]["column"] is None  # a whole row, as the reader reports a row without a force name
    assert "row left out" in left_out[0]["reason"]
    # the strands the reader knows are all still read, as published
    assert sorted(set(s.strand)) == sorted(["race", "religion", "sexual_orientation", "disability", "transgender",
                                            "motivating_factors", "offences"])


def test_cli_trend_says_the_row_left_out(table_2: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from saferstats.__main__ import main

    rows = _rows(table_2)
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Disability")
    rows.insert(at + 1, ["Alternative subculture", "12", "15", "20", "25", "30", "41", "52", "60", "15"])
    path = _write(rows, tmp_path / "table_2.csv")
    assert main(["trend", str(path), "--missing", "drop", "--out", str(tmp_path / "out.csv")]) == 0
    err = capsys.readouterr().err
    assert "saferstats: warning: read_hate_crime: table_2.csv: 1 row with figures" in err
    assert f"'Alternative subculture' (line {at + 2})" in err
    # the as-published table: nothing of the kind said
    assert main(["trend", str(table_2), "--missing", "drop", "--out", str(tmp_path / "out2.csv")]) == 0
    assert "read_hate_crime" not in capsys.readouterr().err


def test_table_as_published_reads_without_a_left_out_row(table_2: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        s = saferstats.read_hate_crime(table_2)
    assert [d["reason"] for d in s.attrs["dropped"]] == ["no figure published"]  # offences 2011/12, N/A
    assert len(s) == 56


def test_unknown_share_in_the_warning_is_of_the_religions_not_of_the_totals_too(shared_data: Path) -> None:
    path = shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Table_3.csv")
    religions = ["Buddhist", "Christian", "Hindu", "Jewish", "Muslim", "Sikh", "Other", "No religion", "Unknown"]
    cells = {r[0]: float(r[1].replace(",", "")) for r in _rows(path)
             if r and (r[0] in religions or r[0].startswith("Total number"))}
    targeted = sum(cells[k] for k in religions)
    assert targeted == cells["Total number of targeted religions"] == 7717
    expected = f"'Unknown' {100 * cells['Unknown'] / targeted:.1f}%"  # 16.3%
    t3 = saferstats.read_hate_crime(path)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        saferstats.shares(t3, count="count", category="religion")
    said = " | ".join(str(m.message) for m in w)
    assert "are totals of the others" in said  # the two total rows, named with the filter
    assert expected in said and expected == "'Unknown' 16.3%"
    # filtered as the warning says: the same share, and no word of the totals
    kept = t3[~t3["religion"].isin(t3.attrs["totals"])]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = saferstats.shares(kept, count="count", category="religion")
    assert [expected in str(m.message) for m in w] == [True]
    assert out.loc[out.religion == "Unknown", "share"].iloc[0] == pytest.approx(100 * 1255 / 7717)


@pytest.fixture
def by_force(shared_data: Path) -> Path:
    return shared_path(shared_data, f"{HATE}/Hate crime.csv")


def test_by_force_transgender_identity_column_and_unknown_column(by_force: Path, tmp_path: Path) -> None:
    rows = _rows(by_force)
    header = rows[0]
    k = header.index("Transgender")
    published = {(r[0], r[1]): float(r[k]) for r in rows[1:] if r}  # the file's own cells
    header[k] = "Transgender identity"
    header.insert(k + 1, "Alternative subculture")
    for r in rows[1:]:
        if r:
            r.insert(k + 1, "2")
    path = _write(rows, tmp_path / "hate.csv")
    with pytest.warns(SaferstatsWarning, match=r"1 column with figures is not one this reader knows.*"
                                               r"'Alternative subculture' \(86 figures\)"):
        df = saferstats.read_hate_crime(path)
    got = {(f, p.replace("/", "-")): v for f, p, v in zip(df.force, df.period, df.transgender)}
    assert got == published
    assert got[("Hertfordshire", "2018-19")] == published[("Hertfordshire", "2018-19")]
    assert "alternative_subculture" not in df.columns and len(df) == 86


def test_by_force_as_published_has_no_unknown_column(by_force: Path) -> None:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        df = saferstats.read_hate_crime(by_force)
    assert not [m for m in w if "not ones this reader knows" in str(m.message)]
    assert df.loc[(df.force == "Hertfordshire") & (df.period == "2018/19"), "offences"].tolist() == [1600.0]


@pytest.mark.parametrize("label", ["June3", "June\u00b3", "Jun", "JUNE"])
def test_monthly_figures_read_a_footnoted_or_short_month_name(shared_data: Path, tmp_path: Path, label: str) -> None:
    path = shared_path(shared_data, f"{HATE}/DERIVED_hate-crime-1819-hosb2419-tables_Figure_2.csv")
    rows = _rows(path)
    years = [(k, int(c)) for k, c in enumerate(next(r for r in rows if "2013" in r)) if c.strip().isdigit()]
    at = next(i for i, r in enumerate(rows) if r and r[0] == "June")
    expected = {f"{y}-06": float(rows[at][k].replace(",", "")) for k, y in years
                if k < len(rows[at]) and rows[at][k].strip()}
    assert expected["2016-06"] == 4190.0 and len(expected) == 6
    rows[at][0] = label
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        m = saferstats.read_hate_crime(_write(rows, tmp_path / "figure_2.csv"))
    assert m.attrs["dropped"] == []
    got = dict(zip(m.month, m["count"]))
    assert {k: got[k] for k in expected} == expected
    assert len(m) == 72 and m["count"].notna().all()
