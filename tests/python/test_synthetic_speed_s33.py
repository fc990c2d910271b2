"""Session 33 (lead): ``synthetic.s136_pilot_records`` built every record from pandas Timestamps and
Timedeltas one at a time (two or three ``pd.Timedelta`` a record: 0.18 s a call, and the disclosure tests call
it 25 times). It now makes the same random draws in the same order and builds the columns at once: the
same records for a seed (checked here against figures taken from the record-by-record code at the base
commit 3330268a, and over 43 seeds and settings frame-for-frame while the change was made)."""

from __future__ import annotations

from unittest import mock

import pandas as pd

from saferstats.synthetic import s136_pilot_records


def test_records_are_not_built_one_timedelta_at_a_time():
    with mock.patch.object(pd, "Timedelta", wraps=pd.Timedelta) as td:
        df = s136_pilot_records(seed=1)
    assert len(df) > 900
    assert td.call_count == 0  # two or three a record before: about 2,900 for seed 1 (1,003 records)


def test_seed_136_gives_the_records_it_always_gave():
    """The demo report's synthetic pilot (seed 136): figures printed by the record-by-record code of
    3330268a (996 detentions, ages summing to 34,643, 84 with no departure, 212 triaged, ...)."""
    d = s136_pilot_records(seed=136)
    assert len(d) == 996 and int(d["age"].sum()) == 34_643
    assert d["detention_time"].iloc[0] == pd.Timestamp("2022-01-08 12:02")
    assert d["arrival_time"].iloc[-1] == pd.Timestamp("2024-12-17 01:10")
    assert d["departure_time"].dropna().iloc[-1] == pd.Timestamp("2024-12-17 05:49")
    assert int(d["departure_time"].isna().sum()) == 84 and int(d["triage"].sum()) == 212
    assert d["outcome"].value_counts().to_dict() == {
        "Referred to community / other services": 326, "Discharged - no mental disorder / no further action": 295,
        "Detained under section 2": 164, "Admitted informally": 160, "Detained under section 3": 32,
        "Other / not known": 19}
    assert (d["detention_time"] <= d["arrival_time"]).all()
    assert str(d["detention_time"].dtype) == "datetime64[ns]" and d["age"].dtype == "int64"


def test_no_months_and_a_short_series():
    assert len(s136_pilot_records(seed=2, months=0, pilot_month=0)) == 0
    d = s136_pilot_records(seed=3, months=12, pilot_month=6)
    assert d["triage"].sum() > 0 and not d.loc[d["detention_time"] < "2022-07-01", "triage"].any()
