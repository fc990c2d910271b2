"""Stop-and-search follow-ups (session 28, w45b).

1. The advice for yearly rates named twelfths (``multiplier=12000`` by month, ``1000 * 12 / months``
   over a span), and the implausible-rate check read a month as a twelfth of a year: both now use
   days (person-time), as ``per_year=True`` does; the command line has ``--per-year``.

References: searches counted by hand (pandas) in the raw police.uk files of /work/shared/data and
the bundled sample; the days of each month from the ``calendar`` module.
"""

from __future__ import annotations

import calendar
import shutil

import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from saferstats.__main__ import main
from warning_capture import saferstats_messages

POLICEUK = "stop_search/policeuk_7forces_2019-12_to_2020-02"


def _days(*months: str) -> int:
    return sum(calendar.monthrange(int(m[:4]), int(m[5:7]))[1] for m in months)


def _white_persons(path) -> int:
    raw = pd.read_csv(path)
    keep = (raw["Type"] != "Vehicle search") & raw["Self-defined ethnicity"].fillna("").str.startswith("White - ")
    return int(keep.sum())


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())


@pytest.fixture(scope="module")
def derbyshire_feb(tmp_path_factory, shared_data):
    src = shared_path(shared_data, POLICEUK) / "2020-02-derbyshire-stop-and-search.csv"
    if not src.exists():
        pytest.skip("Derbyshire Feb 2020 not in shared data")
    dst = tmp_path_factory.mktemp("w45b_feb")
    shutil.copy(src, dst / src.name)
    return dst


# ------------------------------------------------------------------ 1. yearly rates by days

def _yearly_advice(msgs: list[str]) -> str:
    (msg,) = [m for m in msgs if "not per year as the Home Office publishes them" in m]
    return msg


def test_span_advice_names_per_year_with_the_days(sample):
    _, msgs = saferstats_messages(saferstats.disproportionality, sample, by="force", census=2011)
    msg = _yearly_advice(msgs)
    days = _days("2019-12", "2020-01", "2020-02")
    assert days == 91
    assert "for yearly rates pass per_year=True" in msg and f"over the {days} days of those months" in msg, msg
    assert "multiplier=4000" not in msg and "multiplier=" not in msg
    # a force missing January: its own days, not 12/months
    gap = sample[~((sample["force"] == "durham") & (sample["month"].astype(str) == "2020-01"))]
    out, msgs = saferstats_messages(saferstats.disproportionality, gap, by="force", census=2011)
    msg = _yearly_advice(msgs)
    assert f"{days} for City of London, Derbyshire, Leicestershire; {_days('2019-12', '2020-02')} for Durham" in msg, msg
    assert "multiplier=" not in msg
    # following the advice gives those days, and the warning is not given again
    yearly, msgs = saferstats_messages(saferstats.disproportionality, gap, by="force", census=2011, per_year=True)
    assert not any("not per year" in m for m in msgs)
    dur = yearly[(yearly["force"] == "durham") & (yearly["group"] == "White")].iloc[0]
    assert dur["rate"] == pytest.approx(dur["searches"] / (dur["population"] * 60 / 365.25) * 1000, rel=1e-12)


def test_multiplier_still_works(sample):
    out, msgs = saferstats_messages(saferstats.disproportionality, sample, by="force", census=2011, multiplier=4000)
    assert not any("not per year" in m for m in msgs)
    row = out[(out["force"] == "derbyshire") & (out["group"] == "White")].iloc[0]
    assert row["rate"] == pytest.approx(row["searches"] / row["population"] * 4000, rel=1e-12)


def test_by_month_advice_names_per_year(sample):
    _, msgs = saferstats_messages(saferstats.disproportionality, sample, by=["force", "month"], census=2011)
    (msg,) = [m for m in msgs if "by='month': the rates are searches per 1,000 residents in each month" in m]
    assert "for yearly rates pass per_year=True" in msg and "multiplier=12000" not in msg, msg


def test_implausible_check_reads_february_by_its_days(derbyshire_feb):
    """73 White searches in Derbyshire's February 2020 file against a table of 1,788 White residents:
    73 / 1,788 x 365.25 / 29 = 514 per 1,000 a year (over the 500 threshold); read as a twelfth of a
    year (x 12) it was 490 and was not flagged."""
    n = _white_persons(next(derbyshire_feb.glob("*.csv")))
    assert n == 73
    pop_white = round(n * 24.5)
    assert n / pop_white * 12 < 0.5 <= n / pop_white * 365.25 / _days("2020-02")
    pop = pd.DataFrame({"force": "derbyshire", "ethnicity": ["White", "Black", "Asian", "Mixed", "Other"],
                        "population": [pop_white] + [10**6] * 4})
    recs = saferstats.read_stop_search(derbyshire_feb)
    for by in (["force", "month"], "force"):
        out, msgs = saferstats_messages(saferstats.disproportionality, recs, pop, by=by, census=2011)
        rows = out.attrs["implausible_rates"]
        assert [(r["group"], r["searches"], r["population"]) for r in rows] == [("White", n, pop_white)], by
        assert rows[0]["per_1000_a_year"] == pytest.approx(n / pop_white * 365.25 / 29 * 1000, rel=1e-12)
        assert any(f"{n} searches in the month against {pop_white:,} residents, 514 per 1,000 a year" in m
                   for m in msgs), msgs
        white = out[out["group"] == "White"].iloc[0]
        assert not white["like_for_like"]


def test_cli_per_year(derbyshire_feb, tmp_path, capsys):
    n = _white_persons(next(derbyshire_feb.glob("*.csv")))
    out = tmp_path / "m.csv"
    assert main(["disproportionality", str(derbyshire_feb), "--census", "2011", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "for yearly rates pass --per-year" in err and "per_year=" not in err, err
    assert main(["disproportionality", str(derbyshire_feb), "--census", "2011", "--per-year", "--out", str(out)]) == 0
    assert "not per year" not in capsys.readouterr().err
    t = pd.read_csv(out)
    white = t[t["group"] == "White"].iloc[0]
    assert white["searches"] == n
    assert white["rate"] == pytest.approx(n / (white["population"] * 29 / 365.25) * 1000, rel=1e-3)


# ------------------------------------------------------------------ 2. one order of areas

@pytest.fixture(scope="module")
def policeuk(shared_data) -> pd.DataFrame:
    return saferstats.read_stop_search(shared_path(shared_data, POLICEUK))


@pytest.mark.parametrize("by", ["CSP", ["force", "csp"]])
def test_outcome_test_areas_in_the_order_of_disproportionality(policeuk, by):
    """outcome_test(by="CSP") listed the areas by name (Basildon, Blaby, Bolsover, ...) and
    disproportionality by code (Amber Valley E22000037, Bolsover E22000038, ...): both by code now."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        disp = saferstats.disproportionality(policeuk, by=by, census=2011)
        out = saferstats.outcome_test(policeuk, by=by)
    keys = [k for k in ("force", "csp", "csp_code") if k in out.columns]
    areas = list(out[keys].drop_duplicates().itertuples(index=False, name=None))
    assert areas == list(disp[keys].drop_duplicates().itertuples(index=False, name=None))
    codes = out["csp_code"].drop_duplicates().tolist()
    if by == "CSP":
        assert codes == sorted(codes) and out["csp"].iloc[0] == "Amber Valley"
    assert out.columns[:len(keys) + 1].tolist() == [*keys, "group"]


# ------------------------------------------------------------------ 4. "may be a total"

def _totals_said(msgs: list[str]) -> list[str]:
    return [m for m in msgs if "may be totals of other rows" in m or "may be a total of other rows" in m]


@pytest.fixture(scope="module")
def derbyshire_by_csp(policeuk) -> pd.DataFrame:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return saferstats.disproportionality(policeuk[policeuk["force"].astype(str) == "derbyshire"], by="csp",
                                             census=2011)


def test_areas_side_by_side_are_no_total(derbyshire_by_csp):
    """South Derbyshire's 3 Asian searches equal Chesterfield's 2 + Derbyshire Dales' 1, and
    "South Derbyshire" shares a word with "Derbyshire Dales": suppress warned it "may be a total"."""
    t = derbyshire_by_csp
    asian = t[t["group"] == "Asian"].set_index("csp")["searches"]
    assert (asian["South Derbyshire"], asian["Chesterfield"], asian["Derbyshire Dales"]) == (3, 2, 1)
    out, msgs = saferstats_messages(saferstats.suppress, t)
    assert not _totals_said(msgs), msgs
    hidden = out.set_index(["csp", "group"])["searches"]
    assert hidden[("South Derbyshire", "Asian")] != 3 and hidden[("Chesterfield", "Asian")] != 2


def test_a_total_row_is_still_said(derbyshire_by_csp):
    t = derbyshire_by_csp[["csp", "group", "searches"]]
    total = t.groupby("group", as_index=False)["searches"].sum().assign(csp="Total")
    asian = int(total.loc[total["group"] == "Asian", "searches"].iloc[0])
    assert asian == 2 + 19 + 1 + 3  # Chesterfield, Derby, Derbyshire Dales, South Derbyshire
    _, msgs = saferstats_messages(saferstats.suppress, pd.concat([t, total[t.columns]], ignore_index=True))
    (said,) = _totals_said(msgs)
    assert f"'Total' ({asian}) = " in said, said
    # a force's row among its CSPs (another kind of area, sharing their word) too
    force = total.assign(csp="Derbyshire")
    _, msgs = saferstats_messages(saferstats.suppress, pd.concat([t, force[t.columns]], ignore_index=True))
    (said,) = _totals_said(msgs)
    assert f"'Derbyshire' ({asian}) = " in said, said


# ------------------------------------------------------------------ 3. force= by name

API = "stop_search/api_format_leicester_2020-02/stop_and_search.csv"


@pytest.mark.parametrize("given", ["Leicestershire Police", "Leicestershire", "leicestershire", "E23000021"])
def test_force_by_its_name_labels_as_police_uk_does(shared_data, tmp_path, given):
    """read_stop_search(api_file, force="Leicestershire Police") labelled the records
    "leicestershire-police", no force's label: with the force's bulk file (labelled "leicestershire"
    from its name) they were two forces. The name as published, with or without "Police", the
    police.uk identifier and the ONS code (E23000021, Leicestershire) now all give "leicestershire"."""
    api = shared_path(shared_data, API)
    bulk = shared_path(shared_data, POLICEUK) / "2020-02-leicestershire-stop-and-search.csv"
    n_api, n_bulk = len(pd.read_csv(api)), len(pd.read_csv(bulk))
    shutil.copy(bulk, tmp_path / bulk.name)
    shutil.copy(api, tmp_path / "leicester_api.csv")
    recs, msgs = saferstats_messages(saferstats.read_stop_search, tmp_path, force=given)
    assert recs["force"].astype(str).value_counts().to_dict() == {"leicestershire": n_api + n_bulk}
    assert not any("force=" in m for m in msgs), msgs  # the bulk file's own force is the force named
    assert recs.attrs["months_read"] == {"leicestershire": ["2020-02"]}


def test_force_constabulary_name(shared_data):
    recs, _ = saferstats_messages(saferstats.read_stop_search, shared_path(shared_data, API),
                                  force="Derbyshire Constabulary")
    assert recs["force"].astype(str).unique().tolist() == ["derbyshire"]


def test_force_that_is_no_territorial_force_is_kept_as_given(shared_data):
    recs, msgs = saferstats_messages(saferstats.read_stop_search, shared_path(shared_data, API), force="Police Scotland")
    assert recs["force"].astype(str).unique().tolist() == ["Police Scotland"]
    assert any("`force='Police Scotland'` is none of the 43 territorial police forces" in m for m in msgs), msgs
