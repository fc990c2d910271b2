"""unusual_periods (against ptools e_test and the exact Poisson test run in R:
monitoring_reference.json "unusual"), peer_compare (against rate_ci / rate_ratio and closed forms)
and plot_spc (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats
from saferstats import InvalidInputError, MissingValueError

FX = load_fixture("monitoring_reference.json")["unusual"]


@pytest.mark.parametrize("method", ["e_test", "poisson"])
def test_unusual_periods_match_r(method):
    out = saferstats.unusual_periods(FX["values"], baseline=12, method=method, adjust=None)
    want = np.array(FX[method], dtype=float)
    got = out["p_value"].to_numpy()
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert got[12:] == pytest.approx(want[12:], rel=1e-9)
    assert out["expected"].iloc[12] == pytest.approx(np.mean(FX["values"][:12]))
    assert out["unusual"].iloc[12] == "high" and out["unusual"].iloc[13] == ""


def test_unusual_periods_by_series_adjusts_within_series_and_keeps_order():
    x = FX["values"]
    months = [f"2020-{m:02d}" if m <= 12 else f"2021-{m - 12:02d}" for m in range(1, 16)]
    frame = pd.DataFrame({"v": x * 2, "s": ["a"] * 15 + ["b"] * 15, "m": months * 2}).sample(frac=1, random_state=2)
    out = saferstats.unusual_periods(frame["v"], periods=frame["m"], by=frame["s"], baseline=12)
    assert out.index.tolist() == frame.index.tolist()
    a = out[out["series"] == "a"].sort_values("period")
    p = np.array(FX["e_test"][12:], dtype=float)
    assert a["p_adjusted"].to_numpy()[12:] == pytest.approx(saferstats.p_adjust(p, method="holm"), rel=1e-9)
    assert a["method"].iloc[0] == "e_test, holm"


@pytest.mark.parametrize(
    "kw, err",
    [(dict(values=[1, 2.5, 3]), InvalidInputError), (dict(values=[1, -2, 3]), InvalidInputError),
     (dict(values=[1, np.nan, 3]), MissingValueError), (dict(values=[1, 2], baseline=0), InvalidInputError),
     (dict(values=[1, 2], method="z"), InvalidInputError), (dict(values=[1, 2], adjust="sidak"), InvalidInputError),
     (dict(values=[1, 2], alpha=2), InvalidInputError),
     (dict(values=[1, 2], periods=["2020-01", "2020-01"]), InvalidInputError)],
)
def test_unusual_periods_bad_input(kw, err):
    values = kw.pop("values")
    with pytest.raises(err):
        saferstats.unusual_periods(values, **kw)


def _forces():
    return pd.DataFrame({"force": list("ABCDEF"), "offences": [120, 80, 95, 60, 300, 5],
                         "population": [100_000, 90_000, 110_000, 70_000, 150_000, 20_000],
                         "msg": ["x", "x", "x", "x", "x", "y"]})


def test_peer_compare_rates_against_rate_ci_and_rate_ratio():
    df = _forces()
    out = saferstats.peer_compare(df, area="force", peers={"E": ["A", "B", "C", "D"], "A": ["B", "C"]},
                                  numerator="offences", denominator="population")
    e = out.set_index("area").loc["E"]
    pooled = saferstats.rate_ci([355], [370_000])
    assert e["group_rate"] == pytest.approx(pooled["rate"].iloc[0])
    assert e["group_rate_lower"] == pytest.approx(pooled["lower"].iloc[0])
    rr = saferstats.rate_ratio(300, 150_000, 355, 370_000)
    assert e["ratio"] == pytest.approx(rr["ratio"].iloc[0]) and e["ratio_lower"] == pytest.approx(rr["lower"].iloc[0])
    rates = np.array([120, 80, 95, 60]) / np.array([100_000, 90_000, 110_000, 70_000]) * 1e5
    half = 3.182446305284263 * rates.std(ddof=1) / 2  # t(0.975, 3) = 3.1824463 (R qt)
    assert e["group_mean"] == pytest.approx(rates.mean())
    assert e["group_mean_upper"] - e["group_mean"] == pytest.approx(half, rel=1e-9)
    assert (e["rank"], e["of"], e["significance"]) == (1, 5, "higher")
    # peers from a column of group labels: F has no peers in its group
    with pytest.raises(InvalidInputError, match="no peers"):
        saferstats.peer_compare(df, area="force", peers="msg", numerator="offences", denominator="population")
    col = saferstats.peer_compare(df, area="force", peers="msg", numerator="offences", denominator="population",
                                  areas=["A", "E"])
    assert col["n_peers"].tolist() == [4, 4]


def test_peer_compare_estimates_on_the_log_scale():
    df = pd.DataFrame({"force": list("ABCD"), "ratio": [4.0, 2.0, 2.5, 3.0],
                       "lo": [3.0, 1.5, 2.0, 2.0], "hi": [5.0, 2.6, 3.2, 4.5]})
    out = saferstats.peer_compare(df, area="force", peers={"A": ["B", "C", "D"]}, value="ratio", lower="lo", upper="hi")
    z = 1.959963984540054
    se = (np.log(df["hi"]) - np.log(df["lo"])) / (2 * z)
    w = 1 / se[1:] ** 2
    lg = float(np.sum(w * np.log(df["ratio"][1:])) / w.sum())
    row = out.iloc[0]
    assert row["group_indicator"] == pytest.approx(np.exp(lg))
    assert row["ratio"] == pytest.approx(4.0 / np.exp(lg))
    sr = np.sqrt(se[0] ** 2 + 1 / w.sum())
    assert row["ratio_lower"] == pytest.approx(4.0 / np.exp(lg) * np.exp(-z * sr))


@pytest.mark.parametrize(
    "kw",
    [dict(numerator="offences"), dict(value="offences", numerator="offences", denominator="population"),
     dict(numerator="nope", denominator="population"), dict(numerator="offences", denominator="population", peers={"Z": ["A"]}),
     dict(numerator="offences", denominator="population", peers={"A": ["Z"]}),
     dict(numerator="offences", denominator="population", peers={"A": "B"}),
     dict(numerator="offences", denominator="population", peers=3)],
)
def test_peer_compare_bad_input(kw):
    kw.setdefault("peers", {"A": ["B"]})
    with pytest.raises(InvalidInputError):
        saferstats.peer_compare(_forces(), area="force", **kw)


def test_plot_spc_draws_labels_and_checks_its_input():
    import matplotlib

    matplotlib.use("Agg")
    y = [5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 5, 14]
    res = saferstats.spc(y, target=1, improvement="decrease")
    ax = saferstats.plot_spc(res)
    assert "Assurance: consistent fail" in ax.texts[0].get_text()  # lower is better, target below lpl
    many = saferstats.spc(y * 2, by=["a"] * 13 + ["b"] * 13)
    with pytest.raises(InvalidInputError, match="series"):
        saferstats.plot_spc(many)
    with pytest.raises(InvalidInputError, match="series"):
        saferstats.plot_spc(many, series="c")
    saferstats.plot_spc(many, series="b")
    with pytest.raises(InvalidInputError, match="result"):
        saferstats.plot_spc(pd.DataFrame({"x": [1]}))


def test_peer_compare_on_a_table_of_two_periods_says_to_take_one(shared_data):
    # session 18: the Home Office's by-force table as published has 2017/18 and 2018/19 rows; the
    # error said only "area 'Cleveland' appears more than once; give one row per area"
    h = saferstats.read_hate_crime(shared_data / "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv")
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.peer_compare(h, area="force", peers={"Hertfordshire": ["Essex", "Kent", "Surrey"]},
                                numerator="offences", denominator="population")
    assert str(e.value) == ("column 'force': area 'Cleveland' appears more than once (rows 0 and 43); data has 2 "
                            "period values ('2017/18', '2018/19'): compare one at a time, e.g. "
                            "data[data['period'] == '2018/19']")
    one = saferstats.peer_compare(h[h.period == "2018/19"], area="force", numerator="offences", denominator="population",
                                  peers={"Hertfordshire": ["Essex", "Kent", "Surrey"]})
    assert one["area"].tolist() == ["Hertfordshire"] and one["of"].tolist() == [4]
