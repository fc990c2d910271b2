"""Walk 16 (fly-tipping funnels): a CSP analyst comparing their council's fly-tipping per 1,000
residents with other councils, on Defra's workbook as published.

References: tests/fixtures/walk16_flytipping/reference.json (generate.R beside it: Defra's sheet
read in R from its CSV export, PHEindicatormethods 2.1.0's assign_funnel_significance and
FunnelPlotR 0.6.0's over-dispersion code sourced unchanged). The size-of-incident sums are checked
against the CSV export read with the csv module, not with saferstats."""

from __future__ import annotations

import csv
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import load_fixture

REF = load_fixture("walk16_flytipping/reference.json")
WORKBOOK = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
CSV = "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv"
LIMITS = ("lower_998", "lower_95", "upper_95", "upper_998")


def _caught(f, *a, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = f(*a, **kw)
    return out, [str(x.message) for x in w]


@pytest.mark.parametrize("case", ["all", "all_incidents_basis"])
def test_rate_labels_match_pheindicatormethods(case):
    c = REF[case]
    o, d = np.array(c["incidents"]), np.array(c["population"])
    assert saferstats.funnel_target(o, d, kind="rate", multiplier=1000) == pytest.approx(c["target_per_1000"], rel=1e-12)
    sig = saferstats.funnel_significance(o, d, kind="rate", multiplier=1000)
    assert sig.astype(str).tolist() == c["phe_significance"]


@pytest.mark.parametrize("case", ["all", "all_incidents_basis"])
def test_overdispersion_matches_funnelplotr(case):
    """FunnelPlotR's phi, tau2, limits and labels — with the Isles of Scilly's count of 0 taken as 0.5
    on the log scale, saferstats' documented convention (FunnelPlotR as it is: next test)."""
    c = REF[case]
    ref = c["funnelplotr_zero_as_half"]
    o, d = pd.Series(c["incidents"], index=c["la_name"]), pd.Series(c["population"], index=c["la_name"])
    od, _ = _caught(saferstats.funnel_overdispersion, o, d, kind="rate", multiplier=1000)
    assert od["phi"] == pytest.approx(ref["phi"], rel=1e-10)
    assert od["tau2"] == pytest.approx(ref["tau2"], rel=1e-10)
    assert od["n"] == len(c["la_code"])
    sig, _ = _caught(saferstats.funnel_significance, o, d, kind="rate", multiplier=1000, overdispersion=True)
    assert sig.astype(str).tolist() == ref["significance"]
    lim = saferstats.funnel_limits(d.to_numpy(), target=od["target"], kind="rate", multiplier=1000, overdispersion=od)
    for k in LIMITS:
        assert (lim[k] / od["target"]).tolist() == pytest.approx(ref["ratio_limits"][k], rel=2e-6), k


def test_zero_count_is_named_and_phi_differs_from_funnelplotr():
    c = REF["all"]
    raw = c["funnelplotr"]
    o, d = pd.Series(c["incidents"], index=c["la_name"]), pd.Series(c["population"], index=c["la_name"])
    od, msgs = _caught(saferstats.funnel_overdispersion, o, d, kind="rate", multiplier=1000)
    zero = [m for m in msgs if "count of 0" in m]
    assert len(zero) == 1 and "Isles of Scilly" in zero[0] and "FunnelPlotR" in zero[0]
    # FunnelPlotR sorts log(0) = -Inf lowest: its 10% quantile, phi and labels differ (docstring: 2,217 and 2,182)
    assert round(raw["phi"]) == 2217 and round(od["phi"]) == 2182
    sig, msgs = _caught(saferstats.funnel_significance, o, d, kind="rate", multiplier=1000, overdispersion=True)
    assert any("count of 0 (Isles of Scilly)" in m for m in msgs)
    differ = [n for n, a, b in zip(c["la_name"], sig.astype(str), raw["significance"]) if a != b]
    assert len(differ) == 4
    # proportions have no log scale: no such warning
    _, msgs = _caught(saferstats.funnel_overdispersion, [0, 5, 9, 30], [100, 120, 90, 300])
    assert not any("count of 0" in m for m in msgs)


# ------------------------------------------------------------------ the analyst's walk (shared data)

@pytest.fixture(scope="module")
def ft(shared_data):
    pytest.importorskip("openpyxl")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        table = saferstats.read_flytipping(shared_data / WORKBOOK)
    table.attrs["_warnings"] = [str(x.message) for x in w]
    return table


@pytest.fixture(scope="module")
def latest(ft):
    """2021/22 with Census 2021 residents, joined with a merge (which drops the reader's attrs)."""
    la = saferstats.census_population("la").groupby("la_code")["population"].sum()
    former = saferstats.census_population("former_la").groupby("la_code")["population"].sum()
    pop = pd.concat([la, former[~former.index.isin(la.index)]]).rename("population")
    y = ft[ft.period == "2021/22"]
    return y.merge(pop, left_on="la_code", right_index=True, how="left")


def test_reader_gives_the_reference_inputs(ft):
    """read_flytipping on the workbook gives what R read from the sheet's CSV export."""
    c = REF["all"]
    y = ft[(ft.period == "2021/22") & ft.incidents.notna()].set_index("la_code")
    assert sorted(y.index) == sorted(c["la_code"])
    assert y.loc[c["la_code"], "incidents"].tolist() == c["incidents"]
    assert y.loc[c["la_code"], "mid_population_estimates"].tolist() == c["population"]
    basis = REF["all_incidents_basis"]["la_code"]
    assert sorted(y.index[~y.not_all_incidents]) == sorted(basis)


def test_data_path_names_the_councils_not_counting_all_incidents(latest):
    sig, msgs = _caught(saferstats.funnel_significance, "incidents", "population", data=latest, kind="rate",
                        multiplier=1000, missing="propagate")
    basis = [m for m in msgs if "not counted on Defra's 'All incidents' basis" in m]
    assert len(basis) == 1
    n = int(latest.not_all_incidents.sum())
    assert n == len(REF["all"]["la_code"]) - len(REF["all_incidents_basis"]["la_code"]) == 33
    assert basis[0].startswith(f"funnel_significance: {n} point{'s' if n != 1 else ''}")
    assert "Birmingham 2021/22 (Customer/public reported only)" in basis[0]
    steps = [m for m in msgs if "4-fold or more up or down on the year before" in m]
    # Redbridge (public reports only, and 4-fold down) is named once, in the first warning, with both reasons (w44c)
    assert len(steps) == 1 and "Lewisham 2021/22" in steps[0] and "Redbridge 2021/22" not in steps[0]
    assert "1 named in the warning above" in steps[0]
    assert ("Redbridge 2021/22 (Customer/public reported only; down 4.3-fold on the previous year published: a "
            "change in recording?)") in basis[0]
    flagged = {(r["name"], r["column"]) for r in sig.attrs["not_like_for_like"]}
    assert ("Birmingham 2021/22", "not_all_incidents") in flagged and len(flagged) == n + 2
    # Hackney has no figure in 2021/22: named, labelled Not applicable, not flagged
    assert any("missing numerator or denominator (row 'Hackney 2021/22')" in m for m in msgs)
    assert sig[latest.la_name == "Hackney"].astype(str).tolist() == ["Not applicable"]
    assert sig.index.equals(latest.index)
    # like for like: nothing to say
    same = latest[~latest.not_all_incidents & ~latest.recording_step]
    sig2, msgs = _caught(saferstats.funnel_significance, "incidents", "population", data=same, kind="rate",
                         multiplier=1000, missing="propagate")
    assert not any("not like for like" in m for m in msgs) and sig2.attrs["not_like_for_like"] == []


def test_overdispersion_and_target_warn_too(latest):
    od, msgs = _caught(saferstats.funnel_overdispersion, "incidents", "population", data=latest, kind="rate",
                       multiplier=1000)
    assert any(m.startswith("funnel_overdispersion: 33 points not counted") for m in msgs)
    assert len(od.attrs["not_like_for_like"]) == 35
    _, msgs = _caught(saferstats.funnel_target, "incidents", "population", data=latest, kind="rate", multiplier=1000)
    assert any(m.startswith("funnel_target: 33 points not counted") for m in msgs)


def test_reader_series_carry_the_flag_by_row_label(ft):
    y = ft[ft.period == "2021/22"].copy()
    y["population"] = y["mid_population_estimates"]  # assignment keeps the reader's attrs
    sig, msgs = _caught(saferstats.funnel_significance, y["incidents"], y["population"], kind="rate", multiplier=1000,
                        missing="propagate")
    assert any("33 points not counted" in m and "Birmingham 2021/22" in m for m in msgs)
    assert len(sig.attrs["not_like_for_like"]) == 35
    # relabelled rows cannot be matched: said so, nothing named wrongly
    z = y.reset_index(drop=True)
    sig, msgs = _caught(saferstats.funnel_significance, z["incidents"], z["population"], kind="rate", multiplier=1000,
                        missing="propagate")
    assert any("cannot be matched" in m and "data=df" in m for m in msgs)
    assert sig.attrs["not_like_for_like"] == []


def test_several_years_and_england_rows_are_warned(ft, latest):
    both = ft[ft.period.isin(["2020/21", "2021/22"])].assign(population=lambda t: t.mid_population_estimates)
    _, msgs = _caught(saferstats.funnel_significance, "incidents", "population", data=both, kind="rate",
                      multiplier=1000, missing="propagate")
    assert any("the points are of 2 periods (2020/21, 2021/22)" in m for m in msgs)
    england = [t for t in ft.attrs["totals"] if t["period"] == "2021/22" and t["area"] == "England"]
    assert len(england) == 1
    total = pd.DataFrame({"la_code": ["*Total"], "la_name": ["*Total"], "period": ["2021/22"],
                          "incidents": [england[0]["incidents"]], "population": [56_490_048]})
    mixed = pd.concat([latest[["la_code", "la_name", "period", "incidents", "population"]], total], ignore_index=True)
    _, msgs = _caught(saferstats.funnel_significance, "incidents", "population", data=mixed, kind="rate",
                      multiplier=1000, missing="propagate")
    assert any("1 point read as aggregate rows" in m and "*Total 2021/22" in m for m in msgs)


def test_peer_compare_names_a_peer_on_another_basis(latest):
    herts = ["Broxbourne", "Dacorum", "East Hertfordshire", "Hertsmere", "North Hertfordshire", "St Albans",
             "Three Rivers", "Watford", "Welwyn Hatfield"]
    out, msgs = _caught(saferstats.peer_compare, latest, area="la_name", peers={"Stevenage": herts + ["Crawley"]},
                        numerator="incidents", denominator="population", multiplier=1000)
    m = [x for x in msgs if "among the compared areas and their peers" in x]
    assert len(m) == 1 and "Crawley 2021/22 (Customer/public reported only)" in m[0]
    assert [r["name"] for r in out.attrs["not_like_for_like"]] == ["Crawley 2021/22"]
    row = latest.set_index("la_name").loc["Stevenage"]
    assert out["rate"].iloc[0] == pytest.approx(row.incidents / row.population * 1000, rel=1e-12)
    _, msgs = _caught(saferstats.peer_compare, latest, area="la_name", peers={"Stevenage": herts},
                      numerator="incidents", denominator="population", multiplier=1000)
    assert not any("not like for like" in x for x in msgs)


def test_plot_funnel_draws_the_flagged_points_apart(latest):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax, msgs = _caught(saferstats.plot_funnel, "incidents", "population", data=latest, labels="la_name", kind="rate",
                       multiplier=1000, highlight=["Stevenage"])
    assert any(m.startswith("plot_funnel: 33 points not counted") for m in msgs)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    rows = {r["row"] for r in ax.saferstats_not_like_for_like}
    assert f"not like for like (not all incidents / recording change): {len(rows)}" in texts
    assert [t.get_text() for t in ax.texts] == ["Stevenage"]
    plt.close(ax.figure)


def test_sizes_that_do_not_add_up_are_flagged(shared_data, ft):
    """Against the CSV export read with the csv module: authorities whose seven size columns do not
    add up to Total Incidents."""
    sizes = ["Single Black Bag Incidents", "Single Item Incidents", "Car Boot or Less Incidents",
             "Small Van Load Incidents", "Transit Van Load Incidents", "Tipper Lorry Load Incidents",
             "Significant / Multi Loads Incidents"]
    with open(shared_data / CSV, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    head = {re.sub(r"\s+", " ", k).strip(): k for k in rows[0]}
    want = {}
    for r in rows:
        code, year = r["ONS Code"], r["Year"]
        if code.startswith("*") or code == "E00000000":
            continue
        cells = [r[head[s]] for s in sizes] + [r["Total Incidents"]]
        if any(c.strip() in ("", ":") for c in cells):
            continue
        v = [float(c) for c in cells]
        if abs(sum(v[:-1]) - v[-1]) >= 0.5:
            want[(code, year.replace("-", "/"))] = (sum(v[:-1]), v[-1])
    got = ft[ft.sizes_not_total]
    assert set(zip(got.la_code, got.period)) == set(want)
    assert sum(1 for _c, y in want if y == "2021/22") == 90
    short = ft.attrs["summary"]["breakdowns_not_total"]["size"]
    adur = next(r for r in short if r["la_name"] == "Adur" and r["period"] == "2021/22")
    assert (adur["sum"], adur["incidents"]) == want[("E07000223", "2021/22")] == (404.0, 845.0)
    m = [x for x in ft.attrs["_warnings"] if "by size" in x]
    assert len(m) == 1 and f"for {len(want):,} authority-years (90 in 2021/22: Adur 404 of 845" in m[0]


def test_column_names_need_data_and_data_needs_column_names():
    with pytest.raises(saferstats.SaferstatsError, match="pass it as data=") as e:
        saferstats.funnel_significance("incidents", [1000, 2000], kind="rate")
    assert e.value.argument == "numerators"
    df = pd.DataFrame({"n": [10, 20], "pop": [1000, 3000]}, index=["A", "B"])
    with pytest.raises(saferstats.SaferstatsError, match="names a column of data"):
        saferstats.funnel_significance(df["n"], "pop", data=df, kind="rate")
    with pytest.raises(saferstats.SaferstatsError, match="popn"):
        saferstats.funnel_significance("n", "popn", data=df, kind="rate")
    lim = saferstats.funnel_limits("pop", target=1.2, kind="rate", multiplier=1000, data=df)
    assert list(lim.index) == ["A", "B"]
    assert lim["upper_95"].tolist() == saferstats.funnel_limits([1000, 3000], target=1.2, kind="rate",
                                                                multiplier=1000)["upper_95"].tolist()
    # the data= path gives the same labels as the arrays
    a = saferstats.funnel_significance("n", "pop", data=df, kind="rate", multiplier=1000)
    b = saferstats.funnel_significance(df["n"], df["pop"], kind="rate", multiplier=1000)
    assert a.tolist() == b.tolist() and list(a.index) == ["A", "B"]


def test_census_2021_residents_for_an_earlier_year_are_warned(ft):
    """Census 2021 residents set against 2020/21 counts: Defra's own population of that year (the
    mid-year estimate before the Census) is 33% above the Census for Camden."""
    la = saferstats.census_population("la").groupby("la_code")["population"].sum()
    former = saferstats.census_population("former_la").groupby("la_code")["population"].sum()
    pop = pd.concat([la, former[~former.index.isin(la.index)]]).rename("population")
    for period, named in (("2020/21", True), ("2021/22", False)):
        y = ft[(ft.period == period) & ~ft.not_all_incidents & ~ft.recording_step]
        y = y.merge(pop, left_on="la_code", right_index=True)
        _, msgs = _caught(saferstats.funnel_significance, "incidents", "population", data=y, kind="rate",
                          multiplier=1000, missing="propagate")
        m = [x for x in msgs if "Defra's own population of the year" in x]
        assert bool(m) is named, period
        if named:
            camden = y.set_index("la_name").loc["Camden"]
            assert camden.mid_population_estimates / camden.population - 1 > 0.3
            assert (f"Camden 2020/21: {camden.population:,.0f} here, {camden.mid_population_estimates:,.0f} Defra's"
                    in m[0])
            gap = (y.population / y.mid_population_estimates - 1).abs() >= 0.10
            assert f"for {int(gap.sum())} point{'s' if int(gap.sum()) != 1 else ''}" in m[0]
    # Defra's own population: nothing to say
    y = ft[(ft.period == "2020/21") & ~ft.not_all_incidents & ~ft.recording_step]
    _, msgs = _caught(saferstats.funnel_significance, "incidents", "mid_population_estimates", data=y, kind="rate",
                      multiplier=1000)
    assert not any("Defra's own population" in x for x in msgs)
