"""Trends, session 22 (w31a).

1. ``poisson_trend``'s season check fits every eligible series in ONE call of the core
   (``season_checks_many`` with one offsets array), with the results of one call per series.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import trend


def _monthly(groups: dict[str, tuple[float, float, int]], seed: int = 3) -> pd.DataFrame:
    """Monthly counts per group: (level, seasonal amplitude, months)."""
    rng = np.random.default_rng(seed)
    rows = []
    for g, (level, amp, n) in groups.items():
        for i in range(n):
            month = pd.Period("2016-01", "M") + i
            mu = level * np.exp(0.01 * i + amp * np.sin(2 * np.pi * (month.month - 1) / 12))
            rows.append({"area": g, "period": str(month), "count": float(rng.poisson(mu))})
    return pd.DataFrame(rows)


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


# --------------------------------------------------------------------------- 1. one call of the core
def test_season_checks_run_in_one_core_call_with_the_single_series_results(monkeypatch):
    d = _monthly({"A": (80, 0.4, 36), "B": (40, 0.0, 30), "C": (120, 0.3, 48), "D": (60, 0.2, 18),
                  "E": (30, 0.5, 24)})
    single = {g: _quiet(saferstats.poisson_trend, d[d.area == g], population=None).attrs["season"][0]
              for g in "ABCDE"}
    calls = []
    real = trend._ext.season_checks_many

    def spy(y, pop, t, offsets, **kw):
        calls.append(list(offsets))
        return real(y, pop, t, offsets, **kw)

    monkeypatch.setattr(trend._ext, "season_checks_many", spy)
    got = _quiet(saferstats.poisson_trend, d, population=None, by="area").attrs["season"]
    assert calls == [[0, 36, 66, 114, 138]]  # A, B, C, E (D: 18 months, too short to check)
    assert [c["area"] for c in got] == ["A", "B", "C", "D", "E"]
    assert got[3]["note"] == "fewer than two years (18 months)" and "f" not in got[3]
    for c in got:
        one = single[c["area"]]
        assert set(one) == set(c) - {"area"}
        for k, v in one.items():
            if isinstance(v, float):
                assert c[k] == pytest.approx(v, rel=1e-10, abs=1e-12), (c["area"], k)
            else:
                assert c[k] == v, (c["area"], k)
    assert got[0]["material"] and got[0]["f_df"] == (11, 23)
