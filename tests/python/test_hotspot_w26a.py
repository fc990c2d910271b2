"""Session 19 (w26a): the hotspot-intelligence results read by a new analyst on the police.uk
Hertfordshire street-level files (Watford ASB and burglary, Jan 2021 - Jan 2022)."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats


@pytest.fixture(scope="module")
def watford(shared_data: Path) -> pd.DataFrame:
    """Watford's located records (LSOA name 'Watford ...'): month, crime type, BNG x / y, read
    with the csv module (independently of read_street_crime)."""
    rows = []
    for f in sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv")):
        with open(f, newline="") as fh:
            rows += [(r["Month"], r["Crime type"], float(r["Latitude"]), float(r["Longitude"]))
                     for r in csv.DictReader(fh) if r["LSOA name"].startswith("Watford") and r["Latitude"]]
    d = pd.DataFrame(rows, columns=["month", "crime_type", "lat", "lon"])
    x, y = saferstats.to_bng(d["lat"].to_numpy(), d["lon"].to_numpy())
    return d.assign(x=np.asarray(x), y=np.asarray(y))


def _cell_counts(g, xs, ys, months, order):
    """Events per (cell, month) by hand: column = floor((x - x0)/size), row likewise."""
    col = np.floor((xs - g.x0) / g.cell_size).astype(int)
    row = np.floor((ys - g.y0) / g.cell_size).astype(int)
    cell = row * g.ncols + col
    out = np.zeros((g.ncols * g.nrows, len(order)), dtype=int)
    for c, m in zip(cell, months):
        out[c, order.index(m)] += 1
    return out


def test_classify_view_lists_the_hot_cells_with_counts_per_month(watford):
    asb = watford[watford.crime_type == "Anti-social behaviour"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = saferstats.hotspot_classify(asb.x, asb.y, asb.month, cell_size=250, seed=1)
    months = sorted(asb.month.unique())
    top = r.hot_cells(5)
    # every hot class, its cells ranked by hot periods then events, with counts per month (as 2021-01)
    assert list(top.columns[-13:]) == months and months[0] == "2021-01"
    counts = _cell_counts(r.grid, asb.x.to_numpy(), asb.y.to_numpy(), asb.month.tolist(), months)
    for row in top.itertuples(index=False):
        assert [getattr(row, "_" + str(8 + j)) for j in range(13)] == counts[row.cell].tolist()
        assert row.events == counts[row.cell].sum()
        assert (row.row, row.col) == divmod(row.cell, r.grid.ncols)
        hot = r.periods[(r.periods.cell == row.cell) & (r.periods.significant == 1)]
        assert row.hot_periods == len(hot)
    n_pers = int((r.cells.hotspot_category == "persistent hotspot").sum())
    assert n_pers == 10 and top.attrs["shown"]["persistent hotspot"] == (5, 10)
    pers = r.cells[r.cells.hotspot_category == "persistent hotspot"].copy()
    pers["events"] = counts[pers.cell].sum(axis=1)
    want = pers.sort_values(["hot_periods", "events", "cell"], ascending=[False, False, True]).cell.head(5).tolist()
    assert top[top.hotspot_category == "persistent hotspot"].cell.tolist() == want
    assert want[0] == 136 and counts[136].sum() == 92
    text, page = repr(r), r._repr_html_()
    assert text.startswith("ClassifyResult(10 persistent hotspot, 4 intermittent hotspot of 448 cells")
    assert "persistent hotspot: 5 of 10; intermittent hotspot: 4 of 4 shown" in text
    assert "persistent hotspot: 10 of 10; intermittent hotspot: 4 of 4 shown" in page
    assert "<th>2021-01</th>" in page and "<td>136</td>" in page


def test_classify_view_months_as_months_for_datetime_periods():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1000, 600)
    y = rng.uniform(0, 1000, 600)
    m = np.repeat(pd.date_range("2021-01-01", periods=5, freq="MS").to_numpy(), 120)
    x[-60:], y[-60:] = rng.normal(500, 20, 60), rng.normal(500, 20, 60)
    r = saferstats.hotspot_classify(x, y, m, cell_size=100, seed=1)
    top = r.hot_cells(3)
    assert list(top.columns[-5:]) == ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05"]
    assert "2021-05-01 00:00:00" not in repr(r) and "2021-05" in repr(r)
    last = top.iloc[0]
    assert last["hotspot_category"] == "emerging hotspot" and last["2021-05"] > 10


def test_kde_notebook_view_starts_with_its_headline(watford):
    asb = watford[watford.crime_type == "Anti-social behaviour"]
    k = saferstats.kde_grid(asb.x, asb.y, cell_size=100)
    page = k._repr_html_()
    assert page.startswith(f"<p><b>KdeResult</b> — {k.headline()}")
    # the peak it names is the surface's maximum
    assert f"peak {k.density.max():.6g} per km²" in page


def test_pai_table_headline_hit_rate_at_coverage(watford):
    bur = watford[watford.crime_type == "Burglary"]
    before, after = bur[bur.month <= "2021-09"], bur[bur.month >= "2021-10"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = saferstats.hotspot_count(before.x, before.y, cell_size=250)
        obs = saferstats.hotspot_count(after.x, after.y, grid=g)
        t = saferstats.pai(obs, g, train=("2021-01", "2021-09"), test=("2021-10", "2022-01"))
    # by hand: cells by predicted count descending, ties by fewer observed first (as pai's docstring)
    o, p = obs.values, g.values
    order = np.lexsort((o, -p))
    n = len(o)
    parts = []
    for share in (0.01, 0.05, 0.10):
        k = int(np.ceil(share * n - 1e-9))
        hit = o[order][:k].sum() / o.sum()
        parts.append((k, hit, hit / (k / n)))
        assert t["hit_rate"].iloc[k - 1] == pytest.approx(hit)
    head = t.headline()
    assert head.startswith(f"PAI of {n:,} cells, {int(o.sum()):,} observed events: top ")
    for k, hit, v in parts:
        assert f"({k:,} cells) captures {hit:.1%} of them, PAI {v:.3g}" in head
    assert head.endswith("(train 2021-01 to 2021-09; test 2021-10 to 2022-01)")
    assert repr(t).startswith(head) and t._repr_html_().startswith(f"<p><b>{head}")
    assert type(t[["k", "pai"]]) is pd.DataFrame


def test_count_on_a_prospective_grid_does_not_inherit_its_window(watford):
    bur = watford[watford.crime_type == "Burglary"]
    train = bur[bur.month < "2021-12"]
    jan = bur[bur.month == "2022-01"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = saferstats.prospective_hotspots(train.x, train.y, pd.to_datetime(train.month), predict_time="2021-12-01",
                                            cutoff_time="2021-11-30", cell_size=250, time_unit=30)
        q = saferstats.hotspot_count(jan.x, jan.y, grid=p)   # January's own counts as the "map"
    # the prospective grid says what it was made from, as months (every event time is the 1st)
    first = pd.to_datetime(train.month).max() - pd.DateOffset(months=6)   # time_bandwidth 7 units of 30 days
    assert repr(p).endswith(f"; made from events of {first:%Y-%m} to 2021-11)") and first.strftime("%Y-%m") == "2021-05"
    assert "made from" not in repr(q)
    # scoring January's counts on January: the map's window is unknown, so test= alone is refused
    # (it read as trained on 2021-05..2021-11: PAI 45 at the top cell with no in-sample warning)
    with pytest.raises(saferstats.InvalidInputError, match="`test` is given without `train`"):
        saferstats.pai(q, q, test="2022-01")
    with pytest.warns(saferstats.SaferstatsWarning, match="in-sample"):
        t = saferstats.pai(q, q, train="2022-01", test="2022-01")
    assert t.attrs["train"] == "2022-01"
    # the prospective grid's own window is of whole months: scoring on November is in-sample
    nov = bur[bur.month == "2021-11"]
    with pytest.warns(saferstats.SaferstatsWarning, match=r"train: 2021-05 to 2021-11\) .* overlap \(2021-11\)"):
        t = saferstats.pai(saferstats.hotspot_count(nov.x, nov.y, grid=p), p, test="2021-11")
    assert t.attrs["train"] == "2021-05 to 2021-11"


def test_change_headline_counts_rises_falls_and_significant_changes(watford):
    from scipy.stats import binomtest, false_discovery_control

    asb = watford[watford.crime_type == "Anti-social behaviour"]
    q1 = asb[asb.month.isin(["2021-01", "2021-02", "2021-03"])]
    q3 = asb[asb.month.isin(["2021-07", "2021-08", "2021-09"])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = saferstats.hotspot_change(q1.x, q1.y, q3.x, q3.y, cell_size=250)
    b, a = c.cells["count_before"].to_numpy(), c.cells["count_after"].to_numpy()
    ch = a - b
    held = (a + b) > 0
    p = np.array([binomtest(int(k), int(n), 0.5).pvalue for k, n in zip(a[held], (a + b)[held])])
    padj = np.full(len(a), np.nan)
    padj[held] = false_discovery_control(p, method="bh")
    np.testing.assert_allclose(c.cells["p_adjusted"].to_numpy()[held], padj[held], rtol=1e-9)
    up, down = int((ch > 0).sum()), int((ch < 0).sum())
    sig_up, sig_down = int(((padj < 0.05) & (ch > 0)).sum()), int(((padj < 0.05) & (ch < 0)).sum())
    head = c.headline()
    # was "change: max 35, 128 cells > 0": no falls (48 cells), no word on which changes are more than chance
    assert (f"change (after − before): {up:,} cells up (most +{ch.max():g}), {down:,} down (most {ch.min():g}); "
            f"p_adjusted < 0.05: {sig_up:,} up, {sig_down:,} down") in head
    assert down > 0 and sig_up > 0


def test_local_result_notebook_view_starts_with_its_headline(watford):
    asb = watford[watford.crime_type == "Anti-social behaviour"]
    g = saferstats.hotspot_count(asb.x, asb.y, cell_size=250)
    w = saferstats.Weights.lattice(g.nrows, g.ncols, contiguity="queen")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gi = saferstats.gi_star(g.values, w, permutations=0)
    page = gi._repr_html_()
    assert page.startswith(f"<p><b>LocalResult</b> — {gi.headline()}</p>")
    # the strongest unit named is the largest z (Gi* with binary weights incl. the cell itself, by hand)
    v = g.values
    n = len(v)
    nb = [[rr * g.ncols + cc for rr in range(max(0, r - 1), min(g.nrows, r + 2))
           for cc in range(max(0, col - 1), min(g.ncols, col + 2))] for r in range(g.nrows) for col in range(g.ncols)]
    xbar, s = v.mean(), np.sqrt((v ** 2).mean() - v.mean() ** 2)
    z = np.array([(v[i].sum() - xbar * len(i)) / (s * np.sqrt((n * len(i) - len(i) ** 2) / (n - 1)))
                  for i in map(np.array, nb)])
    np.testing.assert_allclose(gi.z, z, rtol=1e-9)
    top = int(np.argmax(z))   # a lattice's unit is its cell, named with its row and column (session 20, w27d)
    assert f"strongest: cell {top} (row {top // g.ncols}, col {top % g.ncols}; z {z.max():.2f})" in page


def test_knox_on_police_uk_months_says_the_months_each_band_holds(watford):
    bur = watford[watford.crime_type == "Burglary"]
    t = pd.to_datetime(bur.month)
    k = saferstats.knox(bur.x, bur.y, t, distance_bands=[0, 200, 400], time_bands=[0, 1, 32, 63, 94, np.inf],
                        permutations=99, seed=1)
    assert k["months_apart"].tolist()[:5] == ["same month", "1 month apart", "2 months apart", "3 months apart",
                                              "4+ months apart"]
    # observed pairs by hand: distance band x months apart
    xy = np.c_[bur.x.to_numpy(), bur.y.to_numpy()]
    mi = (t.dt.year * 12 + t.dt.month).to_numpy()
    i, j = np.triu_indices(len(xy), 1)
    d = np.hypot(*(xy[i] - xy[j]).T)
    gap = np.abs(mi[i] - mi[j])
    near = d < 200
    assert k["observed"].tolist()[:5] == [int((near & (gap == m)).sum()) for m in (0, 1, 2, 3)] + [
        int((near & (gap >= 4)).sum())]
    head = k.headline()
    assert head.endswith("at distance [0, 200), time [0, 1) (same month)")
    assert head.startswith(f"Knox test: {len(xy)} events, 99 permutations")
    k2 = saferstats.knox(bur.x, bur.y, t, distance_bands=[0, 200], time_bands=[0, 32, 63, np.inf], seed=1)
    assert k2["months_apart"].tolist() == ["same or next month", "2 months apart", "3+ months apart"]
    # dates, not months: no such column
    days = t + pd.to_timedelta(np.arange(len(t)) % 28, unit="D")
    assert "months_apart" not in saferstats.knox(bur.x, bur.y, days, distance_bands=[0, 200],
                                                 time_bands=[0, 14, np.inf], seed=1).columns


def test_concentration_repr_is_its_headline(watford):
    asb = watford[watford.crime_type == "Anti-social behaviour"]
    g = saferstats.hotspot_count(asb.x, asb.y, cell_size=250)
    c = saferstats.concentration(g)
    v = np.sort(g.values)
    n, tot = len(v), v.sum()
    gini = 2 * np.sum(np.arange(1, n + 1) * v) / (n * tot) - (n + 1) / n   # R ineq::Gini
    top = np.sort(g.values)[::-1]
    k = 0.05 * n   # busiest 5% of 448 cells = 22.4 cells: the Lorenz curve between cells 22 and 23
    share = (top[:int(k)].sum() + (k - int(k)) * top[int(k)]) / tot
    assert c.gini == pytest.approx(gini, rel=1e-12)
    want = (f"Gini {gini:.4f}, generalised Gini {gini:.4f} ({int(tot):,} events over {n:,} places); the busiest 5% "
            f"of places hold {100 * share:.1f}% of events")
    # a grid made without a study area: its headline also says how many of its places are empty cells
    # beyond the events' outline (session 20, w27d)
    want += f"; {c.note}"
    assert c.note.endswith("empty cells outside the outline of the cells with events (a grid made without a study area)")
    assert repr(c) == f"ConcentrationResult({want})" and want in c._repr_html_()


def test_classify_warns_of_a_part_period(watford):
    asb = watford[watford.crime_type == "Anti-social behaviour"]
    quarter = pd.PeriodIndex(asb.month, freq="M").asfreq("Q").astype(str)
    totals = pd.Series(quarter).value_counts().sort_index()
    assert totals.index.tolist()[-1] == "2022Q1" and totals.iloc[-1] == 180 and np.median(totals) == 608
    with pytest.warns(saferstats.SaferstatsWarning, match=r"1 period holds fewer than 50% of the median period's "
                      r"608 events: 2022Q1 \(180\)\..* among the 1 recent period, so hot spots that fade there "
                      r"read as former hot spots"):
        saferstats.hotspot_classify(asb.x, asb.y, quarter, cell_size=250, seed=1)
    # complete quarters (Jan-Dec 2021): no such warning
    whole = asb[asb.month <= "2021-12"]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        saferstats.hotspot_classify(whole.x, whole.y, quarter[asb.month.to_numpy() <= "2021-12"], cell_size=250,
                                    seed=1)
    assert not [w for w in seen if "median period" in str(w.message)]
