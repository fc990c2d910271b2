"""Stop and search as a performance analyst meets it (session 36, u2): police.uk API files, the
City of London's resident denominator and a location query read by area.

1. The police.uk API gives ``"outcome": false`` for a search with no outcome (its own examples for
   ``stops-force`` and ``stops-no-location``, 2017); ``read_stop_search`` read it as an outcome
   labelled "False" (``FALSE`` once flattened to CSV), and ``outcome_test`` counted those searches
   as not arrested, in the denominator. They are now missing, left out of the rates and counted.
   Reference: the arrest rates counted by hand from the records written out below.
2. The Leicester API extract (``stops-street``, Feb 2020) by local authority with officer-defined
   ethnicity: all 63 searches within one mile of a point, 2.93 km of each other at most, but
   their box's diagonal is 3.44 km, and the location-query check used the diagonal: no warning,
   Black 3.49 times White with ``reliable`` True against all of Leicester's residents (the 48 with
   self-defined ethnicity, a 2.79 km box, were flagged). It now judges the points' greatest
   distance apart. Reference: great-circle distances from the raw file read with the csv module.
3. The City of London, 2023 (about 8,600 residents; most people searched there live elsewhere):
   by force, only Black's rate (966 per 1,000 a year) was warned about, "1 of 5 rows", as if the
   Asian ratio 1.09 and White's 101.2 per 1,000 on the same residents were sound; and a table of the
   City's rows none of which is implausible (its Asian and White searches) gave no warning at all,
   the caution only in the ``comparability`` column. The warning now names the City's other rows,
   and such a table is warned about. Reference: the searches counted from the raw semicolon file
   with pandas, the residents summed from Census 2021 TS021 by LSOA with the ONS lookup.
4. The police.uk API's older self-defined labels ("White - White British (W1)", as in its 2017
   examples) were refused "first at row 0", naming neither the file nor the record, nor what they
   are. The error now names the file and record and says how to map the 16+1 codes (Chinese: a
   choice it leaves to the analyst); following it gives the arrest rates counted by hand.
"""

from __future__ import annotations

import csv
import json
import math

import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from warning_capture import saferstats_messages

LEICESTER = "stop_search/api_format_leicester_2020-02/stop_and_search.csv"

WHITE = "White - Irish"
BLACK = "Black/African/Caribbean/Black British - African"


def _api_record(ethnicity: str, outcome: object, day: int) -> dict[str, object]:
    """One search as the police.uk API's stops-force gives it (its 2017 example's fields)."""
    return {"age_range": "18-24", "self_defined_ethnicity": ethnicity, "outcome_linked_to_object_of_search": None,
            "datetime": f"2017-01-{day:02d}T01:50:00+00:00", "removal_of_more_than_outer_clothing": None,
            "operation": None, "officer_defined_ethnicity": "White", "object_of_search": "Controlled drugs",
            "involved_person": True, "gender": "Male", "legislation": "Misuse of Drugs Act 1971 (section 23)",
            "location": None, "outcome": outcome, "type": "Person search", "operation_name": None}


#: White: 6 arrests, 14 no further action, 10 with no outcome; Black: 5, 10 and 3
_RECORDS = ([_api_record(WHITE, "Arrest", 1)] * 6 + [_api_record(WHITE, "A no further action disposal", 2)] * 14
            + [_api_record(WHITE, False, 3)] * 10 + [_api_record(BLACK, "Arrest", 4)] * 5
            + [_api_record(BLACK, "A no further action disposal", 5)] * 10 + [_api_record(BLACK, False, 6)] * 3)


def _arrest_rates(records: pd.DataFrame) -> tuple[dict[str, tuple[int, int]], pd.DataFrame, list[str]]:
    out, messages = saferstats_messages(saferstats.outcome_test, records, outcome="arrest")
    rows = out.set_index("group")
    return {g: (int(rows.loc[g, "hits"]), int(rows.loc[g, "n"])) for g in ("White", "Black")}, out, messages


def test_api_json_outcome_false_is_no_outcome(tmp_path):
    """Before: 13 outcomes read as "False"; White's arrest rate 6 of 30 (20%), Black's 5 of 18.
    The 13 searches have no outcome: 6 of 20 (30%) and 5 of 15, as counted by hand above."""
    path = tmp_path / "2017-01-cleveland-stop-and-search.json"
    path.write_text(json.dumps(_RECORDS), encoding="utf-8")
    records = saferstats.read_stop_search(path)
    assert "False" not in records["outcome"].cat.categories
    assert int(records["outcome"].isna().sum()) == 13
    rates, out, messages = _arrest_rates(records)
    assert rates == {"White": (6, 20), "Black": (5, 15)}
    assert out.attrs["excluded"]["outcome_missing"] == 13
    assert any("no outcome is recorded for many searches" in m for m in messages)
    assert not any("not a police.uk outcome" in m for m in messages)


def test_api_csv_outcome_false_is_no_outcome(tmp_path):
    """The same records flattened to the API's CSV layout (as the Leicester extract in shared data,
    booleans TRUE/FALSE): before, "FALSE" was an outcome of 13 searches."""
    path = tmp_path / "api_export.csv"
    fields = ["ID", "age_range", "datetime", "gender", "involved_person", "legislation", "location__latitude",
              "location__longitude", "object_of_search", "officer_defined_ethnicity", "operation", "operation_name",
              "outcome", "outcome_linked_to_object_of_search", "removal_of_more_than_outer_clothing",
              "self_defined_ethnicity", "type"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(fields)
        for i, r in enumerate(_RECORDS, start=1):
            flat = {**r, "ID": i, "location__latitude": "", "location__longitude": "", "involved_person": "TRUE",
                    "outcome": "FALSE" if r["outcome"] is False else r["outcome"]}
            w.writerow(["null" if flat.get(f) is None else flat.get(f) for f in fields])
    records = saferstats.read_stop_search(path, force="cleveland")
    assert int(records["outcome"].isna().sum()) == 13
    rates, _, _ = _arrest_rates(records)
    assert rates == {"White": (6, 20), "Black": (5, 15)}


def test_older_labels_are_refused_naming_the_record_and_the_way_out(tmp_path):
    older = {WHITE: "White - White British (W1)", BLACK: "Black - African (B2)"}
    recs = [dict(r, self_defined_ethnicity=older[str(r["self_defined_ethnicity"])]) for r in _RECORDS]
    path = tmp_path / "2017-01-cleveland-stop-and-search.json"
    path.write_text(json.dumps(recs), encoding="utf-8")
    records = saferstats.read_stop_search(path)
    with pytest.raises(saferstats.InvalidInputError) as err:
        saferstats.outcome_test(records, outcome="arrest")
    text = " ".join(str(err.value).split())
    assert "2017-01-cleveland-stop-and-search.json record 1" in text
    assert "older 16+1 labels" in text and "'Other - Chinese (O1)'" in text
    labels = set(records["self_defined_ethnicity"].dropna().astype(str))
    mapping = {x: {"W": "White", "M": "Mixed", "A": "Asian", "B": "Black", "O": "Other"}[x.strip()[-3]] for x in labels}
    out, _ = saferstats_messages(saferstats.outcome_test, records, outcome="arrest", mapping=mapping)
    rows = out.set_index("group")
    assert [(int(rows.loc[g, "hits"]), int(rows.loc[g, "n"])) for g in ("White", "Black")] == [(6, 20), (5, 15)]


def test_api_outcome_given_only_in_its_object(tmp_path):
    """An ``outcome`` left empty beside an ``outcome_object`` that names it is read from the object."""
    recs = [dict(_api_record(WHITE, "", 1), outcome_object={"id": "bu-arrest", "name": "Arrest"}),
            dict(_api_record(WHITE, "", 2), outcome_object={"id": "", "name": ""})]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(recs), encoding="utf-8")
    records = saferstats.read_stop_search(path, force="cleveland")
    assert records["outcome"].astype(object).where(records["outcome"].notna(), None).tolist() == ["Arrest", None]


@pytest.fixture(scope="module")
def city(shared_data):
    """(records, raw file, Asian and White residents) of the City of London's 2023 searches."""
    path = shared_path(shared_data, "stop_search/city_of_london_2023/stop_and_search.csv")
    raw = pd.read_csv(path, sep=";")
    base = "population/census2021_ew/"
    pop = pd.read_csv(shared_path(shared_data, base + "ts021_ethnic_group_lsoa21.csv"))
    look = pd.read_csv(shared_path(shared_data, base + "lookup_lsoa21_ward24_ltla24.csv"))
    lsoas = look.loc[look["ltla24_code"] == "E09000001", "lsoa21_code"]
    residents = pop.loc[pop["lsoa21_code"].isin(lsoas), ["asian", "white"]].sum()
    return saferstats.read_stop_search(path), raw, int(residents["asian"]), int(residents["white"])


def _asian_ratio(raw: pd.DataFrame, asian: int, white: int) -> float:
    sd = raw.loc[raw["type"] != "Vehicle search", "self_defined_ethnicity"].fillna("")
    n_asian, n_white = int(sd.str.startswith("Asian").sum()), int(sd.str.startswith("White").sum())
    assert (n_asian, n_white) == (160, 603)
    return (n_asian / asian) / (n_white / white)


def test_city_warning_says_its_other_rows_are_no_better(city):
    records, raw, asian, white = city
    ratio = _asian_ratio(raw, asian, white)
    _, messages = saferstats_messages(saferstats.disproportionality, records, by="force")
    said = [m for m in messages if "implausible rates per resident" in m]
    assert len(said) == 1 and "in 1 of 5 rows (City of London / Black" in said[0]
    assert f"City of London / Asian: rate {1000 * 160 / asian:,.2f}, ratio {ratio:.2f}" in said[0]
    assert "City of London / White: rate" in said[0] and "the reference" in said[0]
    assert "not comparable with other areas' either" in said[0]


def test_city_rows_with_no_implausible_rate_are_warned_about(city):
    records, raw, asian, white = city
    ratio = _asian_ratio(raw, asian, white)
    some = records[records["self_defined_ethnicity"].astype(str).str.startswith(("Asian", "White"))]
    out, messages = saferstats_messages(saferstats.disproportionality, some, by="force")
    assert out.attrs["implausible_rates"] == [] and out.attrs["non_resident_areas"] == ["city-of-london"]
    said = [m for m in messages if m.startswith("disproportionality: City of London: the rates are per resident")]
    assert len(said) == 1, messages
    assert f"City of London / Asian: rate {1000 * 160 / asian:,.2f}, ratio {ratio:.2f}" in said[0]
    assert "do not live there" in said[0] and ".attrs['non_resident_areas']" in said[0]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, earth radius 6,371 km)."""
    (la1, lo1), (la2, lo2) = [(math.radians(p[0]), math.radians(p[1])) for p in (a, b)]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_a_location_query_is_flagged_whatever_the_ethnicity_source(shared_data):
    path = shared_path(shared_data, LEICESTER)
    with open(path, newline="", encoding="utf-8") as fh:
        pts = sorted({(float(r["location__latitude"]), float(r["location__longitude"])) for r in csv.DictReader(fh)})
    # the evidence: a one-mile query around the API documentation's point, not a box of 3.22 km
    assert max(_km(p, (52.629729, -1.131592)) for p in pts) < 1.609
    widest = max(_km(p, q) for p in pts for q in pts)
    assert 2.8 < widest < 3.22
    records, _ = saferstats_messages(saferstats.read_stop_search, path, force="leicestershire")
    for source in ("self", "officer"):
        out, messages = saferstats_messages(saferstats.disproportionality, records, by="la", census=2011,
                                            ethnicity_source=source)
        assert list(out.attrs["small_footprint"]) == ["Leicester"], source
        assert any("lie in a small part of their area" in m for m in messages), source
        assert not out["like_for_like"].any() and not out["reliable"].any(), source


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
