"""find_area and the report's ``area`` know an area by the other names analysts use (session 10):
"Hull", "Bristol" and "Herefordshire" (ONS writes "Kingston upon Hull, City of", "Bristol, City
of", "Herefordshire, County of"), "Southend", "Stoke", "Durham", and the Welsh names of Welsh
authorities and forces ("Caerdydd", "Heddlu De Cymru"); before, each was "no la named or coded",
and a report with ``area = "Hull"`` highlighted nothing."""

import warnings

import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning, UnknownAreaError
from saferstats.report.inputs import scope_of
from saferstats.report.render import _check_area

#: English and Welsh names of the 22 principal areas of Wales, as ISO 3166-2:GB lists them
#: (subdivision names in both languages; the same spelling where only one is given) - written by
#: name here so that the library's table, keyed by ONS code, is checked against an independent list.
WALES = [
    ("Isle of Anglesey", "Ynys Môn"), ("Gwynedd", "Gwynedd"), ("Conwy", "Conwy"), ("Denbighshire", "Sir Ddinbych"),
    ("Flintshire", "Sir y Fflint"), ("Wrexham", "Wrecsam"), ("Ceredigion", "Ceredigion"),
    ("Pembrokeshire", "Sir Benfro"), ("Carmarthenshire", "Sir Gaerfyrddin"), ("Swansea", "Abertawe"),
    ("Neath Port Talbot", "Castell-nedd Port Talbot"), ("Bridgend", "Pen-y-bont ar Ogwr"),
    ("Vale of Glamorgan", "Bro Morgannwg"), ("Cardiff", "Caerdydd"), ("Rhondda Cynon Taf", "Rhondda Cynon Taf"),
    ("Caerphilly", "Caerffili"), ("Blaenau Gwent", "Blaenau Gwent"), ("Torfaen", "Tor-faen"),
    ("Monmouthshire", "Sir Fynwy"), ("Newport", "Casnewydd"), ("Powys", "Powys"), ("Merthyr Tydfil", "Merthyr Tudful"),
]


def test_every_welsh_authority_by_its_welsh_name():
    lk = saferstats.geography.area_lookup()
    welsh = set(lk.loc[lk["la_code"].str.startswith("W"), "la"])
    assert welsh == {e for e, _ in WALES}  # the list covers Wales's 22 authorities
    for english, cymraeg in WALES:
        la = saferstats.find_area(cymraeg)
        assert la["name"] == english, cymraeg
        try:
            csp = saferstats.find_area(english, level="csp")
        except UnknownAreaError:  # Rhondda Cynon Taf and Merthyr Tydfil are the Cwm Taf CSP
            with pytest.raises(UnknownAreaError):
                saferstats.find_area(cymraeg, level="csp")
        else:
            assert saferstats.find_area(cymraeg.upper(), level="csp") == csp


@pytest.mark.parametrize("welsh, english", [("Heddlu De Cymru", "South Wales"), ("Heddlu Gogledd Cymru", "North Wales"),
                                            ("Heddlu Dyfed-Powys", "Dyfed-Powys"), ("Heddlu Gwent", "Gwent")])
def test_welsh_forces(welsh, english):
    assert saferstats.find_area(welsh, level="force") == saferstats.find_area(english, level="force")
    assert saferstats.geography.force_id(welsh) == saferstats.geography.force_id(english)


@pytest.mark.parametrize("query, level, name", [
    ("Hull", "la", "Kingston upon Hull, City of"), ("hull", "csp", "Kingston upon Hull, City of"),
    ("Kingston upon Hull", "la", "Kingston upon Hull, City of"), ("Bristol", "la", "Bristol, City of"),
    ("City of Bristol", "csp", "Bristol, City of"), ("Herefordshire", "la", "Herefordshire, County of"),
    ("Southend", "la", "Southend-on-Sea"), ("Stoke", "la", "Stoke-on-Trent"), ("Durham", "la", "County Durham"),
    ("Brighton", "csp", "Brighton and Hove"), ("Blackburn", "la", "Blackburn with Darwen"),
])
def test_everyday_names(query, level, name):
    hit = saferstats.find_area(query, level=level)
    assert hit["name"] == name
    assert saferstats.find_area(name, level=level) == hit  # the same area as its ONS name finds


@pytest.mark.parametrize("query, names", [("Newcastle", ("Newcastle upon Tyne", "Newcastle-under-Lyme")),
                                          ("Kingston", ("Kingston upon Thames", "Kingston upon Hull, City of"))])
def test_shared_short_form_is_refused(query, names):
    with pytest.raises(UnknownAreaError, match="could be more than one la") as e:
        saferstats.find_area(query)
    assert all(n in str(e.value) for n in names)


def test_other_level_and_former_district_messages_come_first():
    # Bournemouth is a CSP (part of BCP) and Harrogate a former district: their own explanations,
    # not the authority whose name starts with them
    with pytest.raises(UnknownAreaError, match="community safety partnership"):
        saferstats.find_area("Bournemouth")
    with pytest.raises(UnknownAreaError, match="was a district until"):
        saferstats.find_area("Harrogate")


def test_report_area_by_other_name():
    for area, code in (("Hull", "E06000010"), ("Caerdydd", "W06000015")):
        s = scope_of(area)
        assert s.la_codes == {code} and s.label == saferstats.find_area(code)["name"]
        with warnings.catch_warnings():
            warnings.simplefilter("error", SaferstatsWarning)
            _check_area(area)
    assert scope_of("Heddlu Gwent").forces == {"Gwent"} and len(scope_of("Heddlu Gwent").las) == 5
    with pytest.warns(SaferstatsWarning, match="is not a police force area"):
        _check_area("Kingston")
