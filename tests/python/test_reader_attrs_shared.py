"""A reader's ``attrs["dropped"]`` (every row or cell it could not use) is shared by the frames
derived from it, not deep-copied by each pandas operation.

pandas deep-copies ``attrs`` into the result of every operation. With Defra's fly-tipping table
(15,119 no-figure cells listed) each filter of the 3,222 rows took 0.4 s instead of 5 ms, and the
report's fly-tipping section on the national table spent 225 of its 239 s (profiled) copying the
list. (Timings belong in bench/, not here: these tests check the structure that makes it fast.)"""

import copy
import pickle
import warnings

import saferstats as ss


def _read(reader, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        return reader(path)


def test_derived_frames_share_the_dropped_records():
    d = _read(ss.read_flytipping, ss.datasets.flytipping_table_path())
    rec = d.attrs["dropped"]
    assert isinstance(rec, list)
    assert copy.deepcopy(d.attrs)["dropped"] is rec
    sub = d[d.period == "2021/22"]
    assert sub.attrs["dropped"] is rec and sub.assign(x=1).attrs["dropped"] is rec
    back = pickle.loads(pickle.dumps(d))
    assert list(back.attrs["dropped"]) == list(rec)  # the same records after a round trip


def test_every_reader_keeps_its_records_shared(shared_data):
    t = _read(ss.read_flytipping,
              shared_data / "fly_tipping" / "defra_la_2012-13_to_2021-22" / "DERIVED_Flytipping_LA_incidents.csv")
    assert len(t.attrs["dropped"]) == 15119
    assert t.head(5).attrs["dropped"] is t.attrs["dropped"]
    sc = _read(ss.read_street_crime, sorted((shared_data / "street_crime").glob("2021-0[1-2]-hertfordshire-street.csv")))
    assert sc.head(5).attrs["dropped"] is sc.attrs["dropped"]
    st = _read(ss.read_stop_search, ss.datasets.stop_search_sample_path())
    assert st.head(5).attrs["dropped"] is st.attrs["dropped"]
