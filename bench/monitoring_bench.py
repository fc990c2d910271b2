"""SPC for many series: saferstats.spc beside a vectorised pandas/numpy implementation of the same
limits and the four Making Data Count rules (the nhspy-plotthedots approach: groupby + rolling
windows), on the same input, in one run. Prints both times, the ratio (pandas / saferstats) and
whether the two agree point by point.

    python bench/monitoring_bench.py                       # 10,000 series x 60 months
    python bench/monitoring_bench.py --series 2000 --months 36

Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

import saferstats


def pandas_spc(df: pd.DataFrame, trend_points: int = 7, shift_points: int = 7) -> pd.DataFrame:
    """XmR limits and the four rules with pandas groupby / rolling (vectorised, no Python loops
    over series). Two-in-three as the published rule (points beyond 2σ, limit included)."""
    key = df["series"]
    v = df["value"]
    g = v.groupby(key)
    mean = g.transform("mean")
    mr = g.diff().abs()
    amr = mr.groupby(key).transform("mean")
    amr = mr.where(mr < 3.267 * amr).groupby(key).transform("mean")
    lpl, upl = mean - 2.66 * amr, mean + 2.66 * amr
    l2, u2 = mean - 2.66 * 2 / 3 * amr, mean + 2.66 * 2 / 3 * amr
    outside = (v > upl) | (v < lpl)

    def spread_back(end_flag: pd.Series, width: int) -> pd.Series:
        # a point is part of a run if a run of `width` ends at it or at one of the next width-1 points
        rev = end_flag[::-1].astype(float).groupby(key[::-1]).rolling(width, min_periods=1).max()
        return rev.reset_index(level=0, drop=True).reindex(df.index).astype(bool)

    side = np.sign(v - mean)
    run = side.groupby(key).rolling(shift_points).sum().reset_index(level=0, drop=True)
    shift = spread_back(run.abs() == shift_points, shift_points)
    d = np.sign(g.diff())
    tr = d.groupby(key).rolling(trend_points - 1).sum().reset_index(level=0, drop=True)
    trend = spread_back(tr.abs() == trend_points - 1, trend_points)
    out = pd.DataFrame({"mean": mean, "lpl": lpl, "upl": upl, "outside_limits": outside, "trend": trend, "shift": shift})
    for name, beyond in (("hi", v > u2), ("lo", v < l2)):
        w = beyond.astype(float).groupby(key).rolling(3).sum().reset_index(level=0, drop=True) >= 2
        out[name] = spread_back(w, 3) & beyond
    out["two_in_three"] = out.pop("hi") | out.pop("lo")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    rng = np.random.default_rng(14)
    n = a.series * a.months
    level = np.repeat(rng.gamma(5, 20, a.series), a.months)
    step = np.tile(np.arange(a.months), a.series)
    shift = np.repeat(rng.random(a.series) < 0.3, a.months) & (step >= a.months // 2)
    values = rng.poisson(level * (1 + 0.25 * shift) + 0.3 * step * np.repeat(rng.random(a.series) < 0.2, a.months)).astype(float)
    df = pd.DataFrame({"series": np.repeat(np.arange(a.series), a.months), "value": values})

    def ours():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return saferstats.spc(df["value"], by=df["series"])

    def theirs():
        return pandas_spc(df)

    t_ours, t_theirs = [], []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        r1 = ours()
        t_ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        r2 = theirs()
        t_theirs.append(time.perf_counter() - t0)
    same = {c: bool((r1[c].to_numpy() == r2[c].to_numpy()).all()) for c in ("outside_limits", "trend", "two_in_three", "shift")}
    lim = float(np.max(np.abs(r1["upl"].to_numpy() - r2["upl"].to_numpy())))
    print(f"SPC, {a.series:,} series x {a.months} months ({n:,} points), all four rules, best of {a.repeat}")
    print(f"  saferstats.spc      {min(t_ours):8.3f} s")
    print(f"  pandas/numpy        {min(t_theirs):8.3f} s")
    print(f"  ratio               {min(t_theirs) / min(t_ours):8.1f}x")
    print(f"  agreement: flags {same}; largest |upl difference| {lim:.2e}")


if __name__ == "__main__":
    main()
