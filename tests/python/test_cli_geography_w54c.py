"""The command line's study-area messages, towns, county councils, renamed codes and repeated reads (w54c).

1. ``saferstats hotspots --study-area "Kent CC"`` (or a town, "Hemel Hempstead") showed the library's
   Python calls (``find_area('Kent', level='force')``, ``(level='la')``); now the ``--study-area`` value
   that works.
2. A town's message read "a town is no area here (its wards need not carry its name)"; a town whose
   name no ward holds ("Welwyn Garden City", "Radlett") got nothing but "no close matches".
3. "Hertfordshire County Council" is refused (kept) saying exactly what to pass for the council's
   whole area (the force area) and for one district.
4. The command named the first 6 codes under two names (was 10 before session 32).
5. The command read Defra's workbook again on each :func:`main` call in one process.

References: ONS's raw best-fit LSOA -> ward lookup and LAD -> CSP -> PFA lookup read with pandas, and
frames written out in the tests.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import saferstats as ss
import saferstats.io
from saferstats.io import read_once
from conftest import shared_path
from saferstats import StudyArea, UnknownAreaError
import saferstats.__main__ as cli
from saferstats.__main__ import main

CEN = "population/census2021_ew/"


@pytest.fixture(scope="module")
def raw(shared_data):  # type: ignore[no-untyped-def]
    """The raw ward lookup (one row per ward) and the LAD -> CSP -> PFA lookup."""
    wards = pd.read_csv(shared_path(shared_data, CEN + "lookup_lsoa21_ward24_ltla24.csv"), dtype=str)
    lookup = pd.read_csv(shared_path(shared_data, CEN + "lookup_ltla24_csp24_pfa24.csv"), dtype=str)
    return wards.drop_duplicates("ward24_code"), lookup


@pytest.fixture(scope="module")
def points(tmp_path_factory):  # type: ignore[no-untyped-def]
    p = tmp_path_factory.mktemp("pts") / "pts.csv"
    p.write_text("lat,lon\n51.75,-0.34\n")
    return p


def _words(text: str) -> str:
    return " ".join(text.split())


def _study_error(points, query: str, capsys) -> str:  # type: ignore[no-untyped-def]
    assert main(["hotspots", str(points), "--study-area", query]) == 2
    return _words(capsys.readouterr().err)


def test_cli_county_council_names_the_option_that_works(raw, points, capsys) -> None:  # type: ignore[no-untyped-def]
    """Before: the command said "pass them by name (level='la')" and "find_area('Kent', level='force')
    for the force area", neither of which the command takes. Now ``--study-area E23000032`` (Kent's
    force area code in the raw lookup) and ``--study-area Ashford`` (a Kent district in the raw
    lookup), and both values are study areas."""
    lookup = raw[1]
    kent = lookup[lookup["pfa24_name"] == "Kent"]
    code = kent["pfa24_code"].iloc[0]
    err = _study_error(points, "Kent CC", capsys)
    assert f"--study-area {code} for the force area" in err
    assert "for one district pass its name, e.g. --study-area Ashford" in err
    assert "find_area(" not in err and "level=" not in err
    assert "Ashford" in set(kent["ltla24_name"]) and StudyArea("Ashford").name == "Ashford"
    assert StudyArea(code).name == "Kent"


def test_cli_town_names_the_option_that_works(raw, points, capsys) -> None:  # type: ignore[no-untyped-def]
    """Before: "... is in Dacorum (E07000096): find_area('Dacorum')". Now ``--study-area Dacorum``
    (the raw lookup's authority of the ward 'Hemel Hempstead Town'), and a name of two words quoted
    (Hatfield: ``--study-area 'Welwyn Hatfield'``)."""
    wards = raw[0]
    row = wards[wards["ward24_name"] == "Hemel Hempstead Town"].iloc[0]
    err = _study_error(points, "Hemel Hempstead", capsys)
    assert f"the ward 'Hemel Hempstead Town' is in {row['ltla24_name']} ({row['ltla24_code']}), so --study-area Dacorum" in err
    assert "find_area(" not in err
    err = _study_error(points, "Hatfield", capsys)
    assert "pass the one it is in, e.g. --study-area 'Welwyn Hatfield'" in err and "find_area(" not in err


def test_town_message_reads_as_plain_english(raw) -> None:  # type: ignore[no-untyped-def]
    """Before: "'Hemel Hempstead' is not a local authority, CSP or police force area: a town is no area
    here (its wards need not carry its name); the ward ... : find_area('Dacorum')". Now it says to use
    the local authority the town is in and names it (the raw lookup's Dacorum, E07000096)."""
    row = raw[0][raw[0]["ward24_name"] == "Hemel Hempstead Town"].iloc[0]
    with pytest.raises(UnknownAreaError) as e:
        ss.find_area("Hemel Hempstead")
    msg = _words(str(e.value))
    assert "a town is no area here" not in msg
    assert ("'Hemel Hempstead' is not a local authority, CSP or police force area; if it is a town, use the local "
            "authority it is in") in msg
    assert f"is in {row['ltla24_name']} ({row['ltla24_code']}), so find_area('Dacorum')" in msg


def test_town_no_ward_holds_is_found_by_its_first_words(raw) -> None:  # type: ignore[no-untyped-def]
    """Before: "Welwyn Garden City" and "Letchworth Garden City" got "no close matches" only. No ward
    of the raw lookup holds either name; the wards beginning with the first word are all in one
    authority (Welwyn Hatfield; North Hertfordshire), which the message now names."""
    wards = raw[0]
    for town, first in (("Welwyn Garden City", "Welwyn"), ("Letchworth Garden City", "Letchworth")):
        assert not wards["ward24_name"].str.contains(town, case=False).any()
        las = wards.loc[wards["ward24_name"].str.match(rf"{first}\b"), ["ltla24_name", "ltla24_code"]].drop_duplicates()
        assert len(las) == 1
        name, code = las.iloc[0]
        with pytest.raises(UnknownAreaError) as e:
            ss.find_area(town)
        msg = _words(str(e.value))
        assert f"no ward's name holds {town!r}, these begin with {first!r}" in msg
        assert f"are in {name} ({code}), so find_area({name!r})" in msg
        assert ss.find_area(name)["code"] == code


def test_place_no_ward_holds_gets_a_hint(raw, points, capsys) -> None:  # type: ignore[no-untyped-def]
    """Before: "Radlett" (a Hertsmere village; no ward of the raw lookup has its name) got "no close
    matches" and nothing else; now it is told to use the local authority it is in, which saferstats
    cannot name - in the library, StudyArea and the command."""
    assert not raw[0]["ward24_name"].str.contains("Radlett", case=False).any()
    hint = "if 'Radlett' is a town or a village, use the local authority it is in"
    with pytest.raises(UnknownAreaError) as e:
        ss.find_area("Radlett")
    assert hint in _words(str(e.value))
    with pytest.raises(UnknownAreaError) as e:
        StudyArea("Radlett")
    assert hint in _words(str(e.value))
    assert hint in _study_error(points, "Radlett", capsys)


def test_hertfordshire_county_council_refusal_says_what_to_pass(raw) -> None:  # type: ignore[no-untyped-def]
    """Before: "find_area('Hertfordshire', level='force') is its area, and census_population(...) its
    districts' residents", nothing for one district, while StudyArea('Hertfordshire') takes the force
    area. The refusal is kept (test_walk_w21d) and now names the call for the whole area, the study
    area, and one district's call; each gives the raw lookup's area."""
    lookup = raw[1]
    herts = lookup[lookup["pfa24_name"] == "Hertfordshire"]
    with pytest.raises(UnknownAreaError) as e:
        ss.find_area("Hertfordshire County Council")
    msg = _words(str(e.value))
    assert ("for the county council's whole area pass find_area('Hertfordshire', level='force') (or "
            "StudyArea('Hertfordshire')); for one district pass its name, e.g. find_area('Broxbourne', level='la')") in msg
    assert ss.find_area("Hertfordshire", level="force")["code"] == herts["pfa24_code"].iloc[0]
    assert StudyArea("Hertfordshire").code == herts["pfa24_code"].iloc[0]
    assert ss.find_area("Broxbourne", level="la")["code"] in set(herts["ltla24_code"])


def test_cli_names_ten_renamed_codes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Before: ``trend --by la_name`` named the first 6 of 12 codes under two names "and 6 more"
    (the command named 10 before session 32). Twelve codes, each renamed once, written out here: the
    first 10 by code are named, "and 2 more"."""
    rows = ["la_code,la_name,period,count"]
    for k in range(12):
        rows += [f"E{k:02d},{'Old' if y < 2019 else 'New'}{k},{y}/{y - 1999},{10 + y - 2016}" for y in range(2016, 2022)]
    p = tmp_path / "r.csv"
    p.write_text("\n".join(rows) + "\n")
    main(["trend", str(p), "--by", "la_name", "--population", "none", "--out", str(tmp_path / "o.csv")])
    err = _words(capsys.readouterr().err)
    m = re.search(r"\(renamed: (.*?)\): --by la_code keeps each", err)
    assert m is not None
    assert m.group(1) == "; ".join(f"E{k:02d} 'Old{k}' / 'New{k}'" for k in range(10)) + " and 2 more"
    assert "12 codes in la_code appear under two or more la_name values" in err


def test_read_once_reads_a_file_once_per_process(tmp_path) -> None:
    """Before: each main() call in one process read Defra's workbook again (30 to 70 s a call on
    Flytipping.xlsx). The second read of an unchanged file gives an equal, separate table and the
    reader's warnings again without calling the reader; a changed file is read again."""
    calls = []

    def reader(path, **kw):  # type: ignore[no-untyped-def]
        calls.append(kw)
        warnings.warn(ss.SaferstatsWarning("a note of the reader"))
        t = pd.read_csv(path)
        t.attrs["summary"] = {"rows": len(t)}
        return t

    p = tmp_path / "a.csv"
    p.write_text("x\n1\n2\n")
    with pytest.warns(ss.SaferstatsWarning, match="a note of the reader"):
        first = read_once(reader, p, sheet="s")
    first.loc[0, "x"] = 99
    first.attrs["summary"]["rows"] = -1
    with pytest.warns(ss.SaferstatsWarning, match="a note of the reader"):
        second = read_once(reader, p, sheet="s")
    assert len(calls) == 1 and second["x"].tolist() == [1, 2] and second.attrs["summary"] == {"rows": 2}
    p.write_text("x\n1\n2\n3\n")
    with pytest.warns(ss.SaferstatsWarning):
        third = read_once(reader, p, sheet="s")
    assert len(calls) == 2 and third["x"].tolist() == [1, 2, 3]


def test_read_once_raises_the_readers_error_again(tmp_path) -> None:
    """The command tries read_hate_crime on every workbook first (16 s on Defra's Flytipping.xlsx,
    refused each time); the refusal is kept like a table: raised again, the reader called once."""
    calls = []

    def reader(path, **kw):  # type: ignore[no-untyped-def]
        calls.append(kw)
        raise ss.InvalidInputError("not a Home Office hate crime table this reader knows", "sheet")

    p = tmp_path / "b.xlsx"
    p.write_bytes(b"PK")
    for _ in range(2):
        with pytest.raises(ss.InvalidInputError, match="not a Home Office hate crime table") as e:
            read_once(reader, p, sheet=None)
        assert e.value.argument == "sheet"
    assert len(calls) == 1


def test_defra_workbook_is_not_read_as_hate_crime_first(shared_data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Before: every workbook given to ``trend``/``rates`` went to read_hate_crime first, which read all
    of Defra's Flytipping.xlsx (16 s) to refuse it. A workbook with Defra's sheet 'LA_incidents' (the
    shared file's sheets, read by pandas) now goes to read_flytipping at once."""
    import saferstats.published as published

    path = shared_path(shared_data, "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx")
    with pd.ExcelFile(path) as book:
        assert "LA_incidents" in book.sheet_names
    table = pd.DataFrame({"source_line": [7, 8], "period": ["2020/21", "2021/22"], "la_name": ["A", "A"],
                          "incidents": [1, 2]})

    def no_hate(*a, **kw):  # type: ignore[no-untyped-def]
        raise AssertionError("read_hate_crime called on Defra's workbook")

    monkeypatch.setattr(published, "read_hate_crime", no_hate)
    monkeypatch.setattr(published, "read_flytipping", lambda p, sheet=None: table.copy())
    monkeypatch.setattr(saferstats.io, "_READ", {})
    got = cli._hate_book(path, None)
    assert got is not None and got.index.tolist() == [7, 8] and got["incidents"].tolist() == [1, 2]


def test_first_word_of_many_wards_is_no_hint(raw) -> None:  # type: ignore[no-untyped-def]
    """"Little Wymondley": no ward of the raw lookup holds it, and wards beginning with "Little" are in
    more than 12 authorities, so the first word is not offered as the place (it read "wards in 20 local
    authorities have 'Little Wymondley' in their names" while the first-word search was being written):
    the place is told to use the authority it is in."""
    wards = raw[0]
    assert not wards["ward24_name"].str.contains("Little Wymondley", case=False).any()
    assert wards.loc[wards["ward24_name"].str.match(r"Little\b"), "ltla24_code"].nunique() > 12
    with pytest.raises(UnknownAreaError) as e:
        ss.find_area("Little Wymondley")
    msg = _words(str(e.value))
    assert "in their names" not in msg
    assert "if 'Little Wymondley' is a town or a village, use the local authority it is in" in msg
