"""``read_flytipping`` on Defra's enforcement actions table (sheet LA_actions, or its CSV export)
says which table it is and which one to read, instead of "not the Defra fly-tipping LA table"."""

import pytest

import saferstats as ss


def test_the_actions_csv_is_named(tmp_path):
    f = tmp_path / "DERIVED_Flytipping_LA_actions.csv"
    f.write_text("Year,ONS Code,LA Name,Region,Total Actions,Investigation Actions\n"
                 "2021-22,E07000243,Stevenage,East of England,120,80\n")
    with pytest.raises(ss.InvalidInputError, match=r"enforcement actions table .*sheet 'LA_incidents'") as e:
        ss.read_flytipping(f)
    assert e.value.argument == "path"


def test_the_actions_sheet_is_named(shared_data):
    book = shared_data / "fly_tipping" / "defra_la_2012-13_to_2021-22" / "Flytipping.xlsx"
    with pytest.raises(ss.InvalidInputError, match=r"\(sheet 'LA_actions'\) is Defra's enforcement actions table") as e:
        ss.read_flytipping(book, sheet="LA_actions")
    assert e.value.argument == "sheet"


def test_another_file_keeps_the_general_message(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(ss.InvalidInputError, match="not the Defra fly-tipping LA table"):
        ss.read_flytipping(f)
