"""suppress: ``derived=`` adds to the inferred derived columns, and the rounding base of
``totals=`` is read from the whole table (session 31, w52c; follow-ups to w51a and w51f).

1. ``derived=`` replaced the inferred list: ``derived=['incidents']`` (a sum column declared, as
   the warning of a sum on too few rows writes it) left Defra's ``incidents_per_1_000_people`` and
   the clearance costs ``other``, published beside the hidden counts: rate × population ÷ 1,000 is
   the count. Reference: the Defra workbook as published, read with openpyxl (conftest), and a
   hand-worked table.
2. The rounding base was read from one total's parts in one stratum, 10 and 5 only: a table
   rounded to 5 whose parts in one stratum happened to be multiples of 10 gave that stratum ± 5 a
   part, and a table rounded to 100 ± 5. Reference: hand computations, checked with scipy's linprog.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from saferstats import suppress
from saferstats.disclosure import column_roles


def _said(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [" ".join(str(x.message).split()) for x in w]


# ------------------------------------------------------------------ 1. derived= adds to the inferred

# s2 + s3 = conversion in every row (declared in derived=), conversion_rate per 1,000 of population
HAND = pd.DataFrame({"area": ["A", "B", "C", "D"], "s2": [3, 40, 25, 52], "s3": [12, 19, 30, 44],
                     "conversion": [15, 59, 55, 96], "population": [1000, 2000, 1100, 3200]})
HAND["conversion_rate"] = HAND["conversion"] / HAND["population"] * 1000


def test_derived_adds_to_the_inferred_columns_hand_table():
    """Before: ``derived=['conversion']`` gave derived ['conversion'] and conversion_rate 'other':
    area A's rate 15.0 was published beside its hidden s2 (3) and s3, and 15.0 × 1,000 ÷ 1,000 = 15
    = 3 + 12 is the row's total. Now the rate stays derived and is blanked with the row."""
    assert HAND.loc[0, "conversion_rate"] * HAND.loc[0, "population"] / 1000 == 15 == 3 + 12
    assert column_roles(HAND)["derived"] == ["conversion_rate"]  # inferred (a name ending _rate)
    roles = column_roles(HAND, derived=["conversion"])
    assert roles["counts"] == ["s2", "s3"] and roles["derived"] == ["conversion", "conversion_rate"]
    out, _ = _said(suppress, HAND, keys=["area"], derived=["conversion"])
    hidden = (out[["s2", "s3"]] == "[c]").any(axis=1)
    assert hidden[0]  # A's 3 is hidden (primary)
    assert (out.loc[hidden, ["conversion", "conversion_rate"]] == "[c]").all().all()
    assert out.loc[~hidden, "conversion_rate"].tolist() == HAND.loc[~hidden, "conversion_rate"].tolist()
    # only other= publishes a column as it is
    kept, _ = _said(suppress, HAND, keys=["area"], derived=["conversion"], other=["conversion_rate"])
    assert kept["conversion_rate"].tolist() == HAND["conversion_rate"].tolist()


def test_derived_adds_to_the_inferred_columns_defra_flytipping(shared_data):
    """Defra fly-tipping 2021/22, the North East's 12 councils, ``derived=['incidents']``. Before:
    derived was ['incidents'] only, and each council's incidents_per_1_000_people was published
    where its incidents (blanked with a hidden land type) were hidden; rate × mid-year population ÷
    1,000 gives the workbook's Total Incidents back (County Durham 5,702, Middlesbrough 3,187 ...).
    Now the rate and the 8 clearance-cost columns stay derived, blanked with every hidden row."""
    from conftest import defra_flytipping_read, defra_la_incidents

    fly = defra_flytipping_read(shared_data, "Flytipping.xlsx")
    ne = fly[(fly["period"] == "2021/22") & (fly["region"] == "North East")].reset_index(drop=True)
    raw = defra_la_incidents(shared_data)
    raw = raw[(raw["Year"] == "2021-22") & (raw["Region"] == "North East")
              & (raw["LA Name"] != "*Total")].set_index("LA Name")  # the region's total row left out
    assert len(ne) == len(raw) == 12
    inferred = column_roles(ne)["derived"]
    assert "incidents_per_1_000_people" in inferred and len(inferred) == 9
    out, _ = _said(suppress, ne, keys=["la_name"], derived=["incidents"])
    assert out.attrs["roles"]["derived"] == ["incidents", *inferred]
    hidden = out["incidents"] == "[c]"
    assert int(hidden.sum()) == 11
    # what the rate gave back where it was published beside the hidden incidents (the raw workbook)
    back = (ne["incidents_per_1_000_people"] * ne["mid_population_estimates"] / 1000).round()
    want = pd.to_numeric(raw.loc[ne["la_name"], "Total Incidents"]).to_numpy()
    assert bool((back.to_numpy()[hidden.to_numpy()] == want[hidden.to_numpy()]).all())
    assert (out.loc[hidden, "incidents_per_1_000_people"] == "[c]").all()
    assert out.loc[~hidden, "incidents_per_1_000_people"].tolist() == ne.loc[~hidden, "incidents_per_1_000_people"].tolist()


# ------------------------------------------------------------ 2. the rounding base is the table's

def _bound(total: float, published: list[float], hidden: int, each: float, total_each: float) -> tuple[float, float]:
    """linprog: the least and the most the ``hidden`` parts' sum (the true total less the true published
    parts, at least 0) can be, each published part within ± each of its true count, the total within
    ± total_each."""
    assert hidden >= 1  # any number of parts >= 0 make any sum >= 0
    sum_of = np.r_[-np.ones(len(published)), 1.0]  # true total − Σ true published parts
    bounds = [(p - each, p + each) for p in published] + [(total - total_each, total + total_each)]
    lo = linprog(sum_of, A_ub=[-sum_of], b_ub=[0], bounds=bounds, method="highs")
    hi = linprog(-sum_of, A_ub=[-sum_of], b_ub=[0], bounds=bounds, method="highs")
    return lo.fun, -hi.fun


P = ["A", "B", "C", "D", "E", "All providers"]


def test_a_table_rounded_to_5_is_so_in_a_stratum_of_multiples_of_10():
    """Two areas of a table rounded to 5: X's parts 160 and 210 are multiples of 10, Y's 35 and 115
    are not. Before: X was taken as rounded to 10 (its own parts): 380 − 370 = 10 ± (5 + 5 + 5), 0 to
    25. The table's parts are all multiples of 5 only, so by hand X is 10 ± (2 + 2 + 2), 4 to 16, and
    Y 165 − 150 = 15 ± 6, 9 to 21 (linprog agrees)."""
    t = pd.DataFrame({"area": ["X"] * 6 + ["Y"] * 6, "org_name": P * 2,
                      "count": [160, 210, np.nan, np.nan, np.nan, 380, 35, 115, np.nan, np.nan, np.nan, 165]})
    out, said = _said(suppress, t, keys=["area", "org_name"], totals={"org_name": "All providers"})
    x, y = out.attrs["totals_not_sums"]
    assert (x["row"], x["rounded_to"], x["missing_sum"]) == (5, 5, (4, 16))
    assert (y["row"], y["rounded_to"], y["missing_sum"]) == (11, 5, (9, 21))
    assert _bound(380, [160, 210], 3, 2, 2) == pytest.approx((4, 16))
    assert _bound(165, [35, 115], 3, 2, 2) == pytest.approx((9, 21))
    msg = next(s for s in said if "'count' 380" in s)
    assert "the table's published parts are all multiples of 5 (taken as rounded to 5, ± 2 each, the total too)" in msg
    assert "sum is 4 to 16, so each is at most 16" in msg


def test_a_table_rounded_to_100():
    """Parts 1,200 and 3,400 of 4,700, two missing. Before: taken as rounded to 10, 100 ± 15, 85 to
    115, when each true count may be 50 either side: by hand 100 ± (50 + 50 + 50), 0 to 250."""
    t = pd.DataFrame({"org_name": ["A", "B", "C", "D", "All"], "count": [1200, 3400, np.nan, np.nan, 4700]})
    out, said = _said(suppress, t, totals={"org_name": "All"})
    (bad,) = out.attrs["totals_not_sums"]
    assert (bad["rounded_to"], bad["missing_sum"]) == (100, (0, 250))
    assert _bound(4700, [1200, 3400], 2, 50, 50) == pytest.approx((0, 250))
    assert any("multiples of 100 (taken as rounded to 100, ± 50 each, the total too)" in s for s in said)


# ------------------------------------------------- 3. per-period totals, and the report's two calls

# three forces by name and code, two years; Cleveland's 3 in 2017/18 is the one small count
FORCES = pd.DataFrame({"force": ["Cleveland", "Durham", "Northumbria"] * 2,
                       "force_code": ["E23000013", "E23000008", "E23000007"] * 2,
                       "period": ["2017/18"] * 3 + ["2018/19"] * 3,
                       "offences": [3, 711, 2559, 950, 698, 2800]})


def test_per_period_totals_keep_each_periods_total_beside_a_code():
    """Before (w51a's call, each non-period key summed out given the others): [['period',
    'force_code'], ['force', 'period']] -- with the code beside the name, the total over the forces
    given a code is one force's count, so each year's total over the forces (the Home Office's
    England and Wales figure) was in no declared total: only the 3 was hidden, and 2017/18's total
    3,273 less 711 and 2,559 gives it back (3,273 − 3,270 = 3, by hand). Now [['period',
    'force_code'], ['period']]: the year's total is known and a second 2017/18 count is hidden."""
    from saferstats.disclosure import per_period_totals

    keys = ["force", "period", "force_code"]
    assert per_period_totals(FORCES, keys, "period") == [["period", "force_code"], ["period"]]
    old, _ = _said(suppress, FORCES, keys=keys, published_totals=[["period", "force_code"], ["force", "period"]])
    assert old["offences"].tolist() == ["[c]", 711, 2559, 950, 698, 2800]
    assert 3 + 711 + 2559 == 3273 and 3273 - 711 - 2559 == 3
    new, _ = _said(suppress, FORCES, keys=keys, published_totals=per_period_totals(FORCES, keys, "period"))
    hidden = (new["offences"] == "[c]").to_numpy()
    assert hidden.tolist() == [True, True, False, False, False, False]  # the 3 and Durham's 711, 2017/18
    # the attacker told each year's total recovers neither: 3 + 711 = 714 with both free (linprog)
    lo = linprog([1, 0], A_eq=[[1, 1]], b_eq=[714], bounds=[(1, None), (1, None)], method="highs")
    hi = linprog([-1, 0], A_eq=[[1, 1]], b_eq=[714], bounds=[(1, None), (1, None)], method="highs")
    assert (lo.fun, -hi.fun) == (1, 713)


def test_the_report_passes_per_period_totals(monkeypatch):
    """The demo report's hate crime (district × year) and fly-tipping (council × year) suppressions
    took the default before, each area's total across the years as published, which neither page
    prints nor the sources publish (both period by period): now [['year']], each year's total over
    the areas. On the demo data no count is below 5, so nothing is hidden either way; on Defra's
    workbook as published (examples/essex_published.toml, all 325 councils, 10 years) the default hid
    4 counts and per-year totals hide 2 (Oadby and Wigston's 4 and Ryedale's 101, 2019/20), not
    their 2018/19 counts (17 and 38), which only the councils' ten-year totals linked."""
    import saferstats.disclosure as disclosure
    from saferstats.report import sections
    from saferstats.report.config import demo_config

    seen: list[dict] = []
    real = disclosure.suppress

    def record(table, **kw):
        seen.append(kw)
        return real(table, **kw)

    monkeypatch.setattr(disclosure, "suppress", record)
    cfg = demo_config()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sections._hate_crime(cfg, cfg["hate_crime"])
        sections._flytipping(cfg, cfg["flytipping"])
    by_area = [kw for kw in seen if kw.get("within")]
    assert [kw["keys"] for kw in by_area] == [["district", "year"], ["la", "year"]]
    assert [kw.get("published_totals") for kw in by_area] == [[["year"]], [["year"]]]
