"""Walk 18 (session 15, w18b): SPC rebase causes, monthly_counts' name, sudden steps in counts.

Defects found and fixed:
- ``spc(..., rebase=[...])`` took any period and kept neither the rebase periods nor a reason: the
  chart, its summary, ``plot_spc`` and the report gave no clue why its limits were recalculated
  (NHS Making Data Count: rebase only for a sustained shift with a known cause). ``rebase`` now also
  takes ``{period: cause}`` (``{series: {period: cause}}`` with ``by``); the periods and causes are
  in ``.attrs["rebase"]`` and the summary's ``rebase`` column, ``plot_spc`` marks them, the report
  says them, and a rebase without a cause warns.
- ``monthly_counts`` named its Series "detentions" for street-crime counts too.
- City of London ASB 2023 (56, 88, 38, 37, 46, 26, 18, 5, 5, 19, 19, 20): ``spc`` called August
  and September "below lower limit" (a fall) and ``unusual_periods`` tested nothing (12 months, a
  baseline of 12); neither hinted that a 4-fold drop from one month to the next is more often a
  recording change. ``spc`` now warns about such a step in counts; none of the 13 crime types of
  Hertfordshire's 13 months, nor the other City of London types, nor Watford's series, warn.

References: the limits with a rebase are NHSRplotthedots 0.2.2's (tests/fixtures/walk17_monitoring,
``generate_walk17_monitoring.R``); the street-crime counts are made here with the csv module,
independently of saferstats' readers.
"""
from __future__ import annotations

import csv
import json
import warnings
from collections import Counter

import matplotlib
import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import FIXTURES
from saferstats.exceptions import InvalidInputError, SaferstatsWarning

matplotlib.use("Agg")

DIR = FIXTURES / "walk17_monitoring"
COUNTS = pd.read_csv(DIR / "watford_monthly_counts.csv")
SPC_REF = json.loads((DIR / "walk17_spc_reference.json").read_text())
REBASED = [c for c in SPC_REF["cases"] if c["rebase"] != "none"]


def series(name: str) -> pd.Series:
    d = COUNTS[COUNTS["series"] == name]
    return pd.Series(d["count"].to_numpy(), index=pd.PeriodIndex(d["month"], freq="M"), name=name)


def messages(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [str(x.message) for x in w if issubclass(x.category, SaferstatsWarning)]


@pytest.mark.parametrize("case", REBASED, ids=lambda c: f"{c['series']}-{c['improvement']}")
def test_rebase_with_a_cause_matches_nhsrplotthedots_and_is_recorded(case):
    y = series(case["series"])
    out, said = messages(saferstats.spc, y, improvement=case["improvement"],
                         rebase={case["rebase"]: "end of the third lockdown"})
    for col in ("mean", "lpl", "upl"):
        np.testing.assert_allclose(out[col].to_numpy(), case[col], rtol=1e-12)
    assert not [m for m in said if "no cause given" in m]
    rec = out.attrs["rebase"]
    assert rec.to_dict("records") == [{"period": "2021-04", "segment": 1, "cause": "end of the third lockdown"}]
    assert out.attrs["summary"]["rebase"].tolist() == ["2021-04 (end of the third lockdown)"]
    # the same limits as the list form, which warns that no cause was given
    plain, said = messages(saferstats.spc, y, improvement=case["improvement"], rebase=[case["rebase"]])
    pd.testing.assert_frame_equal(plain, out)
    assert any("limits recalculated at 2021-04 with no cause given" in m for m in said)
    assert plain.attrs["summary"]["rebase"].tolist() == ["2021-04 (no cause given)"]
    assert plain.attrs["rebase"]["cause"].isna().all()


def test_no_rebase_records_nothing():
    out, said = messages(saferstats.spc, series("All crime and ASB"))
    assert len(out.attrs["rebase"]) == 0 and out.attrs["summary"]["rebase"].tolist() == [""]
    assert not [m for m in said if "recalculated" in m or "sudden step" in m]


def test_rebase_causes_per_series_and_by_position():
    y = np.r_[np.tile([10.0, 12.0], 8), np.tile([20.0, 22.0], 8)]
    by, said = messages(saferstats.spc, np.r_[y, y], by=["x"] * 32 + ["y"] * 32,
                        rebase={"y": {16: "new crime recording system"}, "x": [16]})
    assert by.loc[by["series"] == "y", "mean"].iloc[-1] == 21 and by.loc[by["series"] == "x", "mean"].iloc[-1] == 21
    rec = by.attrs["rebase"]
    assert rec["series"].tolist() == ["x", "y"] and rec["period"].tolist() == [16, 16]
    assert rec["cause"].iloc[1] == "new crime recording system" and pd.isna(rec["cause"].iloc[0])
    assert by.attrs["summary"]["rebase"].tolist() == ["16 (no cause given)", "16 (new crime recording system)"]
    assert any("position 16 (x) with no cause given" in m for m in said)
    assert not any("(y) with no cause" in m for m in said)
    one, said = messages(saferstats.spc, y, rebase={16: "new crime recording system"})
    assert one["mean"].tolist() == [11.0] * 16 + [21.0] * 16
    assert one.attrs["rebase"]["cause"].tolist() == ["new crime recording system"]


def test_bad_rebase_causes_are_refused():
    y = series("All crime and ASB")
    with pytest.raises(InvalidInputError, match="cause given for '2021-04' must be text") as e:
        saferstats.spc(y, rebase={"2021-04": 3})
    assert e.value.argument == "rebase"
    with pytest.raises(InvalidInputError, match=r"`rebase` period '2023-04' is not in the data"):
        saferstats.spc(y, rebase={"2023-04": "a cause"})
    y2 = np.r_[y.to_numpy(), y.to_numpy()].astype(float)
    with pytest.raises(InvalidInputError, match="names series '2021-04'"):
        saferstats.spc(y2, by=["a"] * 13 + ["b"] * 13, rebase={"2021-04": "a cause"})


def test_plot_spc_marks_the_rebase_and_its_cause():
    y = series("All crime and ASB")
    out, _ = messages(saferstats.spc, y, rebase={"2021-04": "end of the third lockdown"})
    texts = [t.get_text() for t in saferstats.plot_spc(out).texts]
    assert "limits recalculated: end of the third lockdown" in texts
    bare, _ = messages(saferstats.spc, y, rebase=["2021-04"])
    texts = [t.get_text() for t in saferstats.plot_spc(bare).texts]
    assert "limits recalculated: no cause given" in texts
    # the classification box is still drawn
    assert any(t.startswith("Variation:") for t in texts)


def test_report_spc_says_the_cause():
    import saferstats.report as rp

    x = np.array([30, 34, 29, 41, 36, 33, 38, 20, 4, 22, 3, 21, 5], dtype=float)
    months = [str(p) for p in pd.period_range("2021-01", periods=13, freq="M")]
    _, figs, text = rp.sections._spc_chart("asb_spc", x, months, np.zeros(13, dtype=bool), what="ASB incidents",
                                           rebase={"2021-08": "ASB recorded on a new system"})
    assert "limits recalculated from 2021-08 (ASB recorded on a new system)" in figs[0].caption
    assert "limits recalculated from 2021-08 (ASB recorded on a new system)" in text
    # the list form (as the s136 section passes its split month) still works, and says no cause was given
    tables, figs, text = rp.sections._spc_chart("asb_spc", x, months, np.zeros(13, dtype=bool), what="ASB incidents",
                                                rebase=["2021-08"])
    assert "limits recalculated from 2021-08 (no cause given)" in figs[0].caption
    assert tables[0].frame["months"].tolist() == [7, 6]


def test_monthly_counts_names_what_it_counts():
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    assert saferstats.monthly_counts(recs).name == "detentions"
    street = pd.DataFrame({"month": ["2021-01", "2021-01", "2021-02"],
                           "crime_type": ["Burglary", "Burglary", "Burglary"]})
    assert saferstats.monthly_counts(street, date="month").name == "Burglary"
    police = street.rename(columns={"crime_type": "Crime type", "month": "Month"})
    assert saferstats.monthly_counts(police, date="Month").name == "Burglary"
    mixed = street.assign(crime_type=["Burglary", "Drugs", "Drugs"])
    m = saferstats.monthly_counts(mixed, date="month")
    assert m.name == "count" and m.tolist() == [2, 1]
    assert saferstats.monthly_counts(mixed, date="month", name="crimes").name == "crimes"
    with pytest.raises(InvalidInputError, match="`name` must be text") as e:
        saferstats.monthly_counts(mixed, date="month", name=3)
    assert e.value.argument == "name"


def _city_counts(shared_data):
    path = shared_data / "street_crime" / "city_of_london_2023" / "street.csv"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    by_type: dict[str, Counter[str]] = {}
    with open(path, newline="") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            by_type.setdefault(r["crime_type"], Counter())[r["month"]] += 1
    return by_type


def test_city_of_london_asb_step_warns(shared_data):
    asb = _city_counts(shared_data)["Anti-social behaviour"]
    months = sorted(asb)
    values = [asb[m] for m in months]
    assert values == [56, 88, 38, 37, 46, 26, 18, 5, 5, 19, 19, 20]
    y = pd.Series(values, index=pd.PeriodIndex(months, freq="M"))
    out, said = messages(saferstats.spc, y)
    step = [m for m in said if "sudden step" in m]
    assert len(step) == 1
    assert "from 2023-07 to 2023-08 (26, 18 then 5, 5: a 4.4-fold fall)" in step[0]
    assert "change in recording" in step[0]
    # the chart itself is unchanged: August is still below the lower limit
    assert str(out.loc[pd.Period("2023-08", "M"), "special_cause"]) == "below lower limit"
    # recalculated there with its cause: no step warning, no missing-cause warning
    _, said = messages(saferstats.spc, y, rebase={"2023-08": "ASB recording moved (checked with the force)"})
    assert not [m for m in said if "sudden step" in m or "no cause given" in m]
    # a c chart of the same counts warns too; an XmR of rates (not whole numbers) does not
    _, said = messages(saferstats.spc, y, chart="c")
    assert [m for m in said if "sudden step" in m]
    _, said = messages(saferstats.spc, y / 7.3)
    assert not [m for m in said if "sudden step" in m]


def test_no_step_warning_on_ordinary_series(shared_data):
    for name, counts in _city_counts(shared_data).items():
        if name == "Anti-social behaviour":
            continue
        _, said = messages(saferstats.spc, [counts[m] for m in sorted(counts)])
        assert not [m for m in said if "sudden step" in m], name
    herts: dict[str, Counter[str]] = {}
    files = sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv"))
    assert len(files) == 13
    for f in files:
        with open(f, newline="") as fh:
            for r in csv.DictReader(fh):
                herts.setdefault(r["Crime type"], Counter())[r["Month"]] += 1
    assert len(herts) == 14
    for name, counts in herts.items():
        assert len(counts) == 13
        _, said = messages(saferstats.spc, [counts[m] for m in sorted(counts)])
        assert not [m for m in said if "sudden step" in m], name
    for name in COUNTS["series"].unique():
        _, said = messages(saferstats.spc, series(name))
        assert not [m for m in said if "sudden step" in m], name
