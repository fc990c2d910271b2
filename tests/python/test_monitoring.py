"""Monitoring API (issue 14): SPC, E-test and WDD against the fixtures of
tests/fixtures/monitoring_reference.json (NHSRplotthedots 0.2.2 snapshot limits, ptools 2.0.0
e_test / wdd / wdd_harm run in R 4.2.2), and every bad input named in the issue."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats
from saferstats import InvalidInputError, LengthMismatchError, MissingValueError, SaferstatsWarning

FX = load_fixture("monitoring_reference.json")
SNAP = FX["spc_xmr"][0]


def test_spc_matches_the_nhsrplotthedots_snapshot():
    out = saferstats.spc(SNAP["values"], improvement="increase")  # NHSRplotthedots' default
    assert out["mean"].round(7).unique().tolist() == [0.1416238]
    assert out["lpl"].round(5).unique().tolist() == [-3.01138]
    assert out["upl"].round(6).unique().tolist() == [3.294627]
    assert (out["point_type"] == "common_cause").all()
    assert out.attrs["summary"]["variation"].tolist() == ["common_cause"]
    assert {"mean", "lpl", "upl"} <= set(out.columns)


def test_spc_by_series_equals_the_facet_snapshot_and_keeps_input_order():
    y = np.array(SNAP["values"])
    facet = np.repeat(["a", "b"], 10)
    # shuffled rows with periods: the result comes back in the caller's order
    periods = pd.period_range("2020-01", periods=10, freq="M").astype(str).tolist() * 2
    rng = np.random.default_rng(1)
    perm = rng.permutation(20)
    with pytest.warns(SaferstatsWarning, match="trial limits"):
        out = saferstats.spc(pd.Series(y[perm], index=perm * 10), by=facet[perm],
                             periods=[periods[i] for i in perm])
    assert out.index.tolist() == (perm * 10).tolist()
    for lab, fx in zip("ab", FX["spc_xmr"][1:3]):
        part = out[out["series"] == lab]
        assert part["mean"].to_numpy() == pytest.approx(fx["mean"], rel=1e-12)
        assert part["lpl"].to_numpy() == pytest.approx(fx["lpl"], rel=1e-12)
        assert part["upl"].to_numpy() == pytest.approx(fx["upl"], rel=1e-12)
        assert part["trial_limits"].all()
    assert out.attrs["summary"]["series"].tolist() == [facet[perm][0], "b" if facet[perm][0] == "a" else "a"]


def test_spc_screening_fixture():
    for fx in FX["spc_xmr"][3:]:
        out = saferstats.spc(fx["values"], screen_outliers=fx["screen_outliers"], improvement="increase")
        assert out["upl"].iloc[0] == pytest.approx(fx["upl"], rel=1e-12)
        assert out["upper_2sigma"].iloc[0] == pytest.approx(fx["upper_2sigma"], rel=1e-12)


def test_spc_rebase_target_and_improvement():
    y = np.r_[np.tile([10.0, 12.0], 8), np.tile([20.0, 22.0], 8)]
    periods = [f"{2020 + i // 12}-{i % 12 + 1:02d}" for i in range(32)]
    plain = saferstats.spc(y, periods=periods, improvement="decrease", target=15)
    assert (plain["special_cause"] != "common cause").any()
    assert plain["shift"].iloc[-1] and plain["point_type"].iloc[-1] == "special_cause_concern"
    re = saferstats.spc(y, periods=periods, rebase=[periods[16]], improvement="decrease", target=15)
    assert re["segment"].tolist() == [0] * 16 + [1] * 16
    assert re["mean"].iloc[0] == 11 and re["mean"].iloc[-1] == 21
    # last segment's limits 21 ± 2.66 × 2 lie above the target: a decrease target always missed
    assert re["assurance"].iloc[-1] == "consistent_fail"
    assert re.attrs["summary"]["assurance"].tolist() == ["consistent_fail"]
    # positions without periods; per-series dict
    re2 = saferstats.spc(y, rebase=[16], improvement="decrease", target=15)
    assert re2["mean"].tolist() == re["mean"].tolist()
    by = saferstats.spc(np.r_[y, y], by=["x"] * 32 + ["y"] * 32, rebase={"y": [16]}, target={"x": 30},
                        improvement="increase")
    assert by.loc[by["series"] == "x", "segment"].max() == 0 and by.loc[by["series"] == "y", "segment"].max() == 1
    a = by.attrs["summary"]["assurance"]
    assert a.iloc[0] == "consistent_fail" and pd.isna(a.iloc[1])


def test_spc_six_point_rules_and_attribute_charts():
    y = [5, 5, 5, 1, 2, 3, 4, 5, 6, 5, 5, 5, 5, 5]
    assert not saferstats.spc(y)["trend"].any()
    assert saferstats.spc(y, trend_points=6)["trend"].iloc[3:9].all()
    c = saferstats.spc([4, 6, 5, 3, 7, 5, 4, 6, 5, 3, 7, 5], chart="c")
    assert c["upl"].iloc[0] == pytest.approx(5 + 3 * np.sqrt(5))
    p = saferstats.spc([10, 12, 30] * 4, chart="p", denominators=[100] * 12, multiplier=100)
    pbar = 52 / 300
    assert p["mean"].iloc[0] == pytest.approx(100 * pbar)
    assert p["upl"].iloc[0] == pytest.approx(100 * (pbar + 3 * np.sqrt(pbar * (1 - pbar) / 100)))
    u = saferstats.spc([10, 12, 30] * 4, chart="u", denominators=[100] * 12, laney=True)
    assert u.attrs["summary"]["chart"].iloc[0] == "u_laney"


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(values=[1.0, np.nan, 2.0]), MissingValueError, "row 1"),
        (dict(values=["1", "a", "2"]), InvalidInputError, "values"),
        (dict(values=[1.0]), InvalidInputError, "at least 2 points"),
        (dict(values=[1.0, 2.0, 3.0], target="high"), InvalidInputError, "target"),
        (dict(values=[1.0, 2.0, 3.0], target=[1, 2]), InvalidInputError, "target"),
        (dict(values=[1.0, 2.0, 3.0], target={"nope": 1}), InvalidInputError, "target"),
        (dict(values=[1.0, 2.0, 3.0], periods=["2020-01", "2020-02", "2020-03"], rebase=["2021-01"]),
         InvalidInputError, "period '2021-01' is not in the data"),
        (dict(values=[1.0, 2.0, 3.0], rebase=[7]), InvalidInputError, "rebase"),
        (dict(values=[1.0, 2.0, 3.0], periods=["2020-01", "2020-02", "2020-02"]), InvalidInputError, "appears twice"),
        (dict(values=[1.0, 2.0, 3.0], periods=["2020-01", "2020-02"]), LengthMismatchError, "periods"),
        (dict(values=[1.0, 2.0, 3.0], by=["a", "b"]), LengthMismatchError, "by"),
        (dict(values=[1.0, 2.0, 3.0], improvement="up"), InvalidInputError, "improvement"),
        (dict(values=[1.0, 2.0, 3.0], chart="x"), InvalidInputError, "chart"),
        (dict(values=[1.0, 2.0, 3.0], chart="u"), InvalidInputError, "denominators"),
        (dict(values=[1.0, 5.0, 3.0], chart="p", denominators=[2, 2, 2]), InvalidInputError, "row 1"),
        (dict(values=[1.0, -5.0, 3.0], chart="c"), InvalidInputError, "row 1"),
        (dict(values=[1.0, 2.0, 3.0], trend_points=1), InvalidInputError, "trend_points"),
        (dict(values=[1.0, 2.0, 3.0], fix_after=1), InvalidInputError, "fix_after"),
        (dict(values=[1.0, 2.0, 3.0], laney=True), InvalidInputError, "laney"),
    ],
)
def test_spc_bad_input(kwargs, err, match):
    values = kwargs.pop("values")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        with pytest.raises(err, match=match):
            saferstats.spc(values, **kwargs)


def test_spc_warns_for_trial_limits_and_gaps():
    with pytest.warns(SaferstatsWarning, match="trial limits"):
        saferstats.spc([1.0, 2.0, 3.0, 2.0])
    y = np.tile([1.0, 2.0], 8)
    months = [f"2020-{m:02d}" for m in range(1, 13)] + ["2021-03", "2021-04", "2021-05", "2021-06"]
    with pytest.warns(SaferstatsWarning, match="periods are missing"):
        saferstats.spc(y, periods=months)


def test_e_test_matches_ptools():
    for r in FX["e_test"]:
        got = saferstats.e_test(r["k1"], r["k2"], n1=r["n1"], n2=r["n2"])
        assert isinstance(got, float)
        assert got == pytest.approx(r["p_ties_counted"], rel=1e-9)
    assert round(saferstats.e_test(0, 3), 4) == pytest.approx(0.0884, abs=5e-4)
    assert round(saferstats.e_test(6, 2), 4) == 0.1749
    assert saferstats.e_test(6, 2) == saferstats.e_test(2, 6)
    assert np.isnan(saferstats.e_test(0, 0))
    many = saferstats.e_test(pd.Series([6, 0], index=["a", "b"]), [2, 3])
    assert many.index.tolist() == ["a", "b"] and many.name == "p_value"


@pytest.mark.parametrize("args, kw", [((-1, 2), {}), ((1.5, 2), {}), ((1, 2), {"n1": 0}), (("a", 2), {}),
                                      ((np.nan, 2), {}), (([1, 2], [1, 2, 3]), {})])
def test_e_test_bad_input(args, kw):
    with pytest.raises(InvalidInputError):
        saferstats.e_test(*args, **kw)


def test_wdd_matches_ptools():
    for c in FX["wdd"]:
        out = saferstats.wdd(c["control"], c["treated"], c["disp_control"], c["disp_treated"],
                             time_weights=c["time_weights"], area_weights=c["area_weights"],
                             confidence=c["confidence"])
        assert out.index.tolist() == ["local", "displacement", "total"]
        assert out.columns[:5].tolist() == ["estimate", "se", "z", "lower", "upper"]
        assert out.loc["local", ["estimate", "se"]].tolist() == pytest.approx(c["local"], rel=1e-12)
        assert out.loc["displacement", ["estimate", "se"]].tolist() == pytest.approx(c["displacement"], rel=1e-12)
        assert out.loc["total", ["estimate", "se", "z", "lower", "upper"]].tolist() == pytest.approx(c["total"], rel=1e-9)
    paper = saferstats.wdd([308, 318], [207, 110], [150, 140], [178, 157])
    t = paper.loc["total"]
    assert (t["estimate"], t["se"] ** 2, round(t["z"], 2), round(t["lower"]), round(t["upper"])) == (-118, pytest.approx(1568), -2.98, -196, -40)
    no_disp = saferstats.wdd([20, 20], [20, 10])
    assert no_disp.loc["displacement", "estimate"] == 0 and no_disp.loc["total", "estimate"] == -10
    # the 0 is ptools' placeholder, not a measurement: the row says so (session 11); measured rows are "wdd"
    assert no_disp["method"].tolist() == ["wdd", "no displacement area given", "wdd"]
    assert "no displacement area given" in repr(no_disp) and (paper["method"] == "wdd").all()


def test_wdd_harm_matches_ptools():
    h = FX["wdd_harm"]
    out = saferstats.wdd_harm(h["estimates"], h["se"], h["weights"])
    assert out.loc["harm", ["estimate", "se", "z", "lower", "upper"]].tolist() == pytest.approx(h["result"], rel=1e-9)


@pytest.mark.parametrize(
    "args, kw, match",
    [(([1, 2, 3], [1, 2]), {}, "control"), (([1, -2], [1, 2]), {}, "control"), (([1, 2], [1, 2], [1, 2]), {}, "disp_treated"),
     (([1, 2], [1, 2]), {"time_weights": [0, 1]}, "time_weights"), (([1, 2], [1, 2]), {"area_weights": [1, 1]}, "area_weights"),
     (([1, 2], [1, 2]), {"confidence": 2}, "confidence"), (([1, np.nan], [1, 2]), {}, "control")],
)
def test_wdd_bad_input(args, kw, match):
    with pytest.raises(InvalidInputError, match=match):
        saferstats.wdd(*args, **kw)


def test_spc_calls_nothing_an_improvement_unless_told():
    # a rise in recorded burglary is not an improvement: by default special causes are high/low
    y = [5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 5, 14]
    out = saferstats.spc(y)
    assert out["point_type"].iloc[-1] == "special_cause_neutral_high"
    assert not out["point_type"].astype(str).str.contains("improvement|concern").any()
    assert out.attrs["summary"]["improvement"].tolist() == ["neutral"]
    assert saferstats.spc(y, improvement="decrease")["point_type"].iloc[-1] == "special_cause_concern"


def test_spc_takes_the_period_index_of_a_series():
    # a monthly count from groupby("month").size() with June missing: the gap is found from the
    # index (it was ignored unless periods= was passed), and the rows keep the index
    months = [f"2021-{m:02d}" for m in range(1, 13) if m != 6] + ["2022-01"]
    counts = pd.Series([266, 258, 269, 257, 259, 263, 286, 294, 297, 369, 305, 372], index=pd.Index(months, name="month"))
    with pytest.warns(SaferstatsWarning, match="periods are missing"):
        out = saferstats.spc(counts, chart="c")
    assert out["period"].tolist() == months and out.index.tolist() == months
    for idx in (pd.PeriodIndex(months, freq="M"), pd.to_datetime(months)):
        with pytest.warns(SaferstatsWarning, match="periods are missing"):
            saferstats.spc(pd.Series(counts.to_numpy(), index=idx), chart="c")
    # a plain position or number index says nothing about time
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "period" not in saferstats.spc(pd.Series(counts.to_numpy(), index=range(0, 24, 2)), chart="c").columns


def test_plot_spc_leaves_a_gap_for_a_missing_period():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    months = [f"2021-{m:02d}" for m in range(1, 13) if m != 6] + ["2022-01"]
    y = [266, 258, 269, 257, 259, 263, 286, 294, 297, 369, 305, 372]
    order = [5, 0, 11, 3, 1, 2, 4, 6, 7, 8, 9, 10]          # rows need not be in period order
    with pytest.warns(SaferstatsWarning, match="periods are missing"):
        res = saferstats.spc([y[i] for i in order], periods=[months[i] for i in order], chart="c")
    ax = saferstats.plot_spc(res)
    value_lines = [ln for ln in ax.lines if ln.get_color() == "#7B7D7D"]
    xs = [list(ln.get_xdata()) for ln in value_lines]
    assert xs == [[0, 1, 2, 3, 4], [6, 7, 8, 9, 10, 11, 12]]          # June (x = 5) is a gap
    assert [t.get_text() for t in ax.get_xticklabels()][:1] == ["2021-01"]
    plt.close("all")


def test_plot_spc_legend_covers_no_point():
    """The legend sat in the lower left, over low early values, and the variation/assurance box in
    the upper left, over high ones. Both are beside the axes now: no point lies under them."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rising = [3, 2, 4, 3, 5, 6, 8, 9, 12, 14, 15, 18, 21, 22]
    for values in (rising, rising[::-1]):
        ax = saferstats.plot_spc(saferstats.spc(values, chart="c", improvement="decrease"))
        fig = ax.figure
        fig.canvas.draw()
        pts = np.vstack([c.get_offsets() for c in ax.collections])
        disp = ax.transData.transform(pts)
        for box in (ax.get_legend().get_window_extent(), ax.texts[0].get_window_extent()):
            assert not any(box.contains(x, y) for x, y in disp)
            assert box.x0 >= ax.get_window_extent().x1          # beside the plot area, not in it
        plt.close(fig)


def test_plot_spc_never_says_no_target_beside_a_target_line():
    """plot_spc(target=) draws a line only; the assurance is spc()'s. The box said "no target"
    beside the drawn target line, and the same for a neutral chart whose assurance does not apply."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = [3, 2, 4, 3, 5, 6, 8, 9, 12, 14, 15, 18, 21, 22]
    box = {
        "drawn": saferstats.plot_spc(saferstats.spc(v, chart="c", improvement="decrease"), target=4),
        "assessed": saferstats.plot_spc(saferstats.spc(v, chart="c", improvement="decrease", target=4)),
        "neutral": saferstats.plot_spc(saferstats.spc(v, chart="c", target=4)),
        "none": saferstats.plot_spc(saferstats.spc(v, chart="c")),
    }
    said = {k: ax.texts[0].get_text().split("\n")[1] for k, ax in box.items()}
    # the target 4 lies between the process limits: NHS "inconsistent"
    assert said == {"drawn": "Assurance: not assessed (give spc() the target)", "assessed": "Assurance: inconsistent",
                    "neutral": "Assurance: not applicable (no improvement direction)", "none": "Assurance: no target"}
    plt.close("all")
