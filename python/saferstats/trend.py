"""Hate-crime (and any count) trends: rates by area × period × strand, shares by strand,
year-on-year change, log-linear trends (annual % change), Mann-Kendall / Sen's slope and PHE
funnel plots. The statistics run in the Rust ``trend`` and ``rates`` modules; this layer turns
tidy DataFrames into arrays and back, with errors that name the column and row.

Methods and reference values: ``METHODS.md`` A1-A7.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._frames import as_float_array, require_columns
from .exceptions import InvalidInputError
from .rates import proportion_ci, rate_ci, rate_ratio

__all__ = [
    "parse_periods",
    "add_rates",
    "shares",
    "year_on_year",
    "poisson_trend",
    "mann_kendall",
    "funnel_limits",
    "funnel_significance",
    "funnel_target",
]

_TREND_LABELS = list(_ext.trend_method_labels())
_FUNNEL_LABELS = list(_ext.funnel_significance_labels())
_FY = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


def _by_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def parse_periods(periods: Any, *, column: str = "period") -> np.ndarray:
    """Convert period labels to numbers on a years scale.

    Accepted, one kind per column: numbers (used as they are); financial years ``"2016/17"``,
    ``"2016-17"`` or ``"2016/2017"`` (-> 2016, the starting year); calendar years ``"2016"``;
    months ``"2021-03"`` / dates / pandas Periods or Timestamps (-> 2021 + (3 − 1)/12, so trends
    stay per year). A string like ``"2011-12"`` is read as a financial year when every label in the
    column is one (consecutive years), and as a month otherwise.

    Raises :class:`InvalidInputError` naming the column and the first unparsable row.

    >>> parse_periods(["2015/16", "2016/17", "2017-18"])
    array([2015., 2016., 2017.])
    >>> parse_periods(["2021-01", "2021-12", "2022-01"]).round(4)
    array([2021.    , 2021.9167, 2022.    ])
    """
    s = pd.Series(periods)
    if len(s) == 0:
        return np.empty(0)
    if s.isna().any():
        row = int(np.flatnonzero(s.isna().to_numpy())[0])
        raise InvalidInputError(f"column {column!r} row {row}: missing period", column, row)
    if pd.api.types.is_numeric_dtype(s):
        return s.to_numpy(dtype=np.float64)
    if isinstance(s.dtype, pd.PeriodDtype):
        s = s.dt.to_timestamp()
    if pd.api.types.is_datetime64_any_dtype(s):
        return (s.dt.year + (s.dt.month - 1) / 12.0).to_numpy(dtype=np.float64)
    text = s.astype(str)
    fy = [_FY.match(v) for v in text]
    if all(m is not None for m in fy):
        out = []
        ok = True
        for m in fy:
            a, b = int(m.group(1)), m.group(2)  # type: ignore[union-attr]
            end = int(b) if len(b) == 4 else (a // 100) * 100 + int(b)
            if len(b) == 2 and end < a:
                end += 100
            if end != a + 1:
                ok = False
                break
            out.append(float(a))
        if ok:
            return np.asarray(out)
    values = []
    for row, v in enumerate(text):
        if m := _YEAR.match(v):
            values.append(float(m.group(1)))
        elif (m := _MONTH.match(v)) and 1 <= int(m.group(2)) <= 12:
            values.append(int(m.group(1)) + (int(m.group(2)) - 1) / 12.0)
        else:
            raise InvalidInputError(
                f"column {column!r} row {row}: cannot read period {v!r} (use numbers, '2016/17', "
                "'2016', or '2016-03')",
                column,
                row,
            )
    return np.asarray(values)


def _check_no_duplicates(data: pd.DataFrame, keys: list[str]) -> None:
    dup = data.duplicated(subset=keys, keep=False)
    if dup.any():
        rows = list(np.flatnonzero(dup.to_numpy())[:4])
        first = data.iloc[rows[0]][keys].to_dict()
        raise InvalidInputError(
            f"duplicate rows for {first} (rows {rows}); each {' × '.join(keys)} must appear once",
            keys[-1],
            int(rows[0]),
        )


def _column_array(data: pd.DataFrame, column: str, kw: str) -> np.ndarray:
    try:
        return as_float_array(column, data[column])
    except InvalidInputError as exc:
        raise InvalidInputError(f"column {column!r} (keyword `{kw}`): {exc}", column, exc.index) from exc


def _check_counts(values: np.ndarray, column: str, integer: bool = True) -> None:
    bad = np.flatnonzero(np.isnan(values))
    if bad.size:
        raise InvalidInputError(f"column {column!r} row {bad[0]}: missing value", column, int(bad[0]))
    bad = np.flatnonzero(values < 0)
    if bad.size:
        raise InvalidInputError(
            f"column {column!r} row {bad[0]}: negative count {values[bad[0]]}", column, int(bad[0])
        )
    if integer:
        bad = np.flatnonzero(values != np.round(values))
        if bad.size:
            raise InvalidInputError(
                f"column {column!r} row {bad[0]}: {values[bad[0]]} is not a whole number", column, int(bad[0])
            )


def _check_population(values: np.ndarray, column: str) -> None:
    bad = np.flatnonzero(np.isnan(values))
    if bad.size:
        raise InvalidInputError(
            f"column {column!r} row {bad[0]}: missing population", column, int(bad[0])
        )
    bad = np.flatnonzero(values <= 0)
    if bad.size:
        raise InvalidInputError(
            f"column {column!r} row {bad[0]}: population must be greater than zero, got {values[bad[0]]}",
            column,
            int(bad[0]),
        )


def add_rates(
    data: pd.DataFrame,
    *,
    count: str = "count",
    population: str = "population",
    multiplier: float = 100_000,
    confidence: float = 0.95,
    method: Literal["phe", "exact", "byar"] = "phe",
) -> pd.DataFrame:
    """Rates with confidence intervals for every row of a tidy table (area × period × strand).

    A copy of ``data`` with ``rate, lower, upper, confidence, method`` added, computed by
    :func:`saferstats.rate_ci` (PHE: exact Poisson below 10, Byar's from 10).

    >>> import pandas as pd, saferstats
    >>> df = pd.DataFrame({"area": ["A", "B"], "count": [4, 40], "population": [50_000, 60_000]})
    >>> saferstats.add_rates(df).round(2)
      area  count  population   rate  lower  upper  confidence method
    0    A      4       50000   8.00   2.18  20.48        0.95  exact
    1    B     40       60000  66.67  47.62  90.78        0.95   byar
    """
    require_columns(data, {"count": count, "population": population})
    x = _column_array(data, count, "count")
    n = _column_array(data, population, "population")
    _check_counts(x, count, integer=False)
    _check_population(n, population)
    r = rate_ci(x, n, multiplier=multiplier, confidence=confidence, method=method)
    out = data.copy()
    for col in ["rate", "lower", "upper", "confidence", "method"]:
        out[col] = r[col].to_numpy() if col != "method" else r[col].array
    return out


def shares(
    data: pd.DataFrame,
    *,
    count: str = "count",
    category: str = "strand",
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    multiplier: float = 100,
) -> pd.DataFrame:
    """Share of each category within its group, with Wilson score intervals.

    The seed's "race 75%, disability 12%" figures: each strand's count over the group's total.
    Note strands can overlap (an offence may have several motivating factors); the denominator
    here is the sum over categories, i.e. shares of motivating factors, as the Home Office tables.

    >>> import pandas as pd, saferstats
    >>> df = pd.DataFrame({"strand": ["Race", "Disability", "Other"], "count": [75, 12, 13]})
    >>> saferstats.shares(df)[["strand", "count", "total", "share", "lower", "upper"]].round(1)
           strand  count  total  share  lower  upper
    0        Race     75  100.0   75.0   65.7   82.5
    1  Disability     12  100.0   12.0    7.0   19.8
    2       Other     13  100.0   13.0    7.8   21.0
    """
    keys = _by_list(by)
    require_columns(data, {"count": count, "category": category, **{f"by[{i}]": k for i, k in enumerate(keys)}})
    x = _column_array(data, count, "count")
    _check_counts(x, count, integer=False)
    _check_no_duplicates(data, keys + [category])
    out = data.copy()
    if keys:
        totals = pd.Series(x, index=data.index).groupby([data[k] for k in keys]).transform("sum").to_numpy()
    else:
        totals = np.full(len(x), x.sum())
    ci = proportion_ci(x, totals, confidence=confidence, multiplier=multiplier)
    out["total"] = totals
    out["share"] = ci["value"].to_numpy()
    out["lower"] = ci["lower"].to_numpy()
    out["upper"] = ci["upper"].to_numpy()
    out["confidence"] = float(confidence)
    out["method"] = ci["method"].array
    return out


def _sorted_groups(
    data: pd.DataFrame, keys: list[str], t: np.ndarray
) -> tuple[np.ndarray, list[tuple[Any, np.ndarray]]]:
    """Row order sorted by group then period, and (group key, positions) per group."""
    frame = pd.DataFrame({"__t": t}, index=range(len(t)))
    for k in keys:
        frame[k] = data[k].to_numpy()
    order = frame.sort_values(keys + ["__t"], kind="stable").index.to_numpy()
    if keys:
        grouped = frame.loc[order].groupby(keys, sort=False, dropna=False).indices
        groups = [(k, order[v]) for k, v in grouped.items()]
    else:
        groups = [((), order)]
    return order, groups


def poisson_trend(
    data: pd.DataFrame,
    *,
    count: str = "count",
    population: str | None = "population",
    period: str = "period",
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    dispersion: Literal["poisson", "quasi", "negbin", "auto"] = "poisson",
) -> pd.DataFrame:
    """Log-linear trend of a rate over periods: the annual percentage change (APC) with CI.

    Method (``METHODS.md`` A5): Poisson GLM ``log E[y_t] = b0 + b1 t + log(pop_t)`` fitted by IRLS
    in Rust, one fit per ``by`` group, all groups in parallel; APC = 100(e^b1 − 1) with CI from
    b1 ± z·SE (t in years, see :func:`parse_periods`). The Pearson χ²/df of the Poisson fit is
    reported as ``dispersion_ratio``. ``dispersion="quasi"`` scales the SE by its square root
    (statsmodels ``scale="X2"``), ``"negbin"`` fits NB2 with α by maximum likelihood (Poisson when α
    goes to 0), ``"auto"`` switches to quasi-Poisson when χ²/df > 1.5; the ``method`` column says
    which was used. ``population=None`` fits counts (no offset). A group whose counts are all zero
    gets NaN with method ``"not estimable"``.

    Returns
    -------
    DataFrame, one row per group: the ``by`` columns, ``apc, apc_lower, apc_upper, beta, se,
    dispersion_ratio, n_periods, method``, then ``z, p_value, alpha, intercept, first_period,
    last_period, confidence``.

    Examples
    --------
    National race hate crime, England and Wales, 2011/12-2018/19 (Home Office):

    >>> import saferstats
    >>> nat = saferstats.datasets.hate_crime_national().query("strand == 'Race'")
    >>> tr = saferstats.poisson_trend(nat, population=None, period="year", dispersion="quasi")
    >>> tr[["apc", "apc_lower", "apc_upper", "dispersion_ratio", "method"]].round(2)
         apc  apc_lower  apc_upper  dispersion_ratio         method
    0  14.01      11.48      16.59            268.89  quasi-poisson
    """
    keys = _by_list(by)
    cols = {"count": count, "period": period, **{f"by[{i}]": k for i, k in enumerate(keys)}}
    if population is not None:
        cols["population"] = population
    require_columns(data, cols)
    y = _column_array(data, count, "count")
    _check_counts(y, count)
    if population is None:
        pop = np.ones(len(y))
    else:
        pop = _column_array(data, population, "population")
        _check_population(pop, population)
    t = parse_periods(data[period], column=period)
    _check_no_duplicates(pd.DataFrame({**{k: data[k].to_numpy() for k in keys}, "__t": t}), keys + ["__t"])
    order, groups = _sorted_groups(data, keys, t)
    small = [(g, len(pos)) for g, pos in groups if len(pos) < 3]
    if small:
        g, k = small[0]
        raise InvalidInputError(
            f"group {g!r} has {k} period(s); a trend needs at least 3 (column {period!r})", period
        )
    flat = np.concatenate([pos for _, pos in groups]) if groups else np.empty(0, dtype=int)
    offsets = np.cumsum([0] + [len(pos) for _, pos in groups]).tolist()
    res = _ext.poisson_trend_many(
        np.ascontiguousarray(y[flat]),
        np.ascontiguousarray(pop[flat]),
        np.ascontiguousarray(t[flat]),
        offsets,
        float(confidence),
        dispersion,
        1.5,
    )
    out = pd.DataFrame(
        [dict(zip(keys, g if isinstance(g, tuple) else (g,))) for g, _ in groups], index=range(len(groups))
    )
    for col in ["apc", "apc_lower", "apc_upper", "beta", "se", "dispersion_ratio", "n_periods"]:
        out[col] = res[col]
    out["method"] = pd.Categorical.from_codes(res["method"], categories=_TREND_LABELS)
    for col in ["z", "p_value", "alpha", "intercept"]:
        out[col] = res[col]
    labels = data[period].to_numpy()
    out["first_period"] = [labels[pos[0]] for _, pos in groups]
    out["last_period"] = [labels[pos[-1]] for _, pos in groups]
    out["confidence"] = float(confidence)
    return out


def mann_kendall(
    values: Any,
    *,
    confidence: float = 0.95,
    period: int | None = None,
    missing: Literal["error", "skip"] = "error",
) -> pd.DataFrame:
    """Mann-Kendall trend test with Sen's slope (and its CI), for one series or many.

    Method (``METHODS.md`` A6; pymannkendall ``original_test``): S with tie-corrected variance,
    continuity-corrected z, two-sided p, tau-a; Sen's slope over index spacing with the Sen (1968)
    CI as ``scipy.stats.theilslopes``; intercept median(x) − slope·median(index). ``period=12``
    runs the seasonal test (pymannkendall ``seasonal_test``: S and Var(S) summed over seasons,
    slope per cycle; no slope CI). ``missing="skip"`` drops NaNs (the count used is ``n``).
    Fewer than 10 values: a warning, since the normal approximation is rough.

    ``values``: a 1-D array-like (one row out) or a 2-D array / DataFrame (one row per series,
    the DataFrame's index kept); all series are tested in parallel in Rust.

    Returns
    -------
    DataFrame with ``s, var_s, z, p_value, tau, slope, slope_lower, slope_upper, intercept, n``
    and ``confidence, method``.

    Examples
    --------
    >>> import saferstats
    >>> mk = saferstats.mann_kendall([12, 15, 14, 18, 21, 19, 24, 26, 25, 30])
    >>> mk[["s", "var_s", "z", "p_value", "tau", "slope", "slope_lower", "slope_upper", "n"]].round(6)
          s  var_s         z   p_value       tau  slope  slope_lower  slope_upper   n
    0  39.0  125.0  3.398823  0.000677  0.866667    2.0          1.5         2.25  10
    """
    if missing not in ("error", "skip"):
        raise InvalidInputError(f"unknown missing policy {missing!r}; valid: 'error', 'skip'", "missing")
    index = None
    if isinstance(values, pd.DataFrame):
        index = values.index
        arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        if isinstance(values, pd.Series):
            arr = as_float_array("values", values)
        else:
            arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    elif arr.ndim != 2:
        raise InvalidInputError(f"`values` must be 1-D or 2-D, got shape {arr.shape}", "values")
    n_rows, n_cols = arr.shape
    if n_cols and n_cols < 10:
        warnings.warn(
            f"Mann-Kendall on {n_cols} values: the normal approximation is rough below 10",
            stacklevel=2,
        )
    flat = np.ascontiguousarray(arr.ravel())
    skip = missing == "skip"
    if period is None:
        res = _ext.mann_kendall_rows(flat, n_cols, float(confidence), skip)
        label = "mann-kendall"
    else:
        res = _ext.seasonal_mann_kendall_rows(flat, n_cols, int(period), float(confidence), skip)
        label = f"seasonal mann-kendall (period {int(period)})"
    out = pd.DataFrame(
        {k: res[k] for k in ["s", "var_s", "z", "p_value", "tau", "slope", "slope_lower", "slope_upper", "intercept", "n"]},
        index=index,
    )
    out["confidence"] = float(confidence)
    out["method"] = label
    return out


def year_on_year(
    data: pd.DataFrame,
    *,
    count: str = "count",
    population: str | None = "population",
    period: str = "period",
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    method: Literal["wald-log", "exact"] = "wald-log",
) -> pd.DataFrame:
    """Change between consecutive periods, per group: both periods' rates with CIs, the rate
    ratio with CI and p-value, and the percentage change with CI.

    Method (``METHODS.md`` A4): rates by :func:`saferstats.rate_ci` (PHE), the ratio later/earlier
    by :func:`saferstats.rate_ratio` (wald-log; exact conditional when a count is 0, which the
    ``method`` column says), ``pct_change = 100(ratio − 1)``. ``population=None`` compares counts.

    Returns
    -------
    DataFrame, one row per group and pair of consecutive periods: the ``by`` columns,
    ``period_from, period_to, count_from, count_to, rate_from, rate_from_lower, rate_from_upper,
    rate_to, rate_to_lower, rate_to_upper, ratio, lower, upper, pct_change, pct_lower, pct_upper,
    p_value, method, confidence``.

    Examples
    --------
    Hertfordshire hate crime, 1,468 (2017-18) to 1,600 (2018-19):

    >>> import saferstats
    >>> df = saferstats.datasets.hate_crime_by_force().query("force == 'Hertfordshire'")
    >>> yoy = saferstats.year_on_year(df, count="offences", period="year", by="force")
    >>> yoy[["force", "period_from", "period_to", "pct_change", "pct_lower", "pct_upper", "p_value"]].round(3)
               force period_from period_to  pct_change  pct_lower  pct_upper  p_value
    0  Hertfordshire     2017-18   2018-19       8.992      1.538     16.992    0.017
    """
    keys = _by_list(by)
    cols = {"count": count, "period": period, **{f"by[{i}]": k for i, k in enumerate(keys)}}
    if population is not None:
        cols["population"] = population
    require_columns(data, cols)
    y = _column_array(data, count, "count")
    _check_counts(y, count, integer=False)
    if population is None:
        pop = np.ones(len(y))
        mult = 1.0
    else:
        pop = _column_array(data, population, "population")
        _check_population(pop, population)
        mult = multiplier
    t = parse_periods(data[period], column=period)
    _check_no_duplicates(pd.DataFrame({**{k: data[k].to_numpy() for k in keys}, "__t": t}), keys + ["__t"])
    _, groups = _sorted_groups(data, keys, t)
    a_idx, b_idx, gkeys = [], [], []
    for g, pos in groups:
        for i in range(1, len(pos)):
            a_idx.append(pos[i - 1])
            b_idx.append(pos[i])
            gkeys.append(g)
    a_idx_arr = np.asarray(a_idx, dtype=int)
    b_idx_arr = np.asarray(b_idx, dtype=int)
    ra = rate_ci(y[a_idx_arr], pop[a_idx_arr], multiplier=mult, confidence=confidence)
    rb = rate_ci(y[b_idx_arr], pop[b_idx_arr], multiplier=mult, confidence=confidence)
    rr = rate_ratio(y[b_idx_arr], pop[b_idx_arr], y[a_idx_arr], pop[a_idx_arr], confidence=confidence, method=method)
    out = pd.DataFrame([dict(zip(keys, g if isinstance(g, tuple) else (g,))) for g in gkeys], index=range(len(gkeys)))
    labels = data[period].to_numpy()
    out["period_from"] = labels[a_idx_arr] if len(a_idx_arr) else []
    out["period_to"] = labels[b_idx_arr] if len(b_idx_arr) else []
    as_int = pd.api.types.is_integer_dtype(data[count])
    out["count_from"] = y[a_idx_arr].astype(np.int64) if as_int else y[a_idx_arr]
    out["count_to"] = y[b_idx_arr].astype(np.int64) if as_int else y[b_idx_arr]
    for prefix, r in (("rate_from", ra), ("rate_to", rb)):
        out[prefix] = r["rate"].to_numpy()
        out[f"{prefix}_lower"] = r["lower"].to_numpy()
        out[f"{prefix}_upper"] = r["upper"].to_numpy()
    out["ratio"] = rr["ratio"].to_numpy()
    out["lower"] = rr["lower"].to_numpy()
    out["upper"] = rr["upper"].to_numpy()
    out["pct_change"] = 100.0 * (out["ratio"] - 1.0)
    out["pct_lower"] = 100.0 * (out["lower"] - 1.0)
    out["pct_upper"] = 100.0 * (out["upper"] - 1.0)
    out["p_value"] = rr["p_value"].to_numpy()
    out["method"] = rr["method"].array
    out["confidence"] = float(confidence)
    return out


_DEFAULT_MULT = {"proportion": 100.0, "rate": 100_000.0, "ratio": 1.0}


def funnel_target(numerators: Any, denominators: Any, *, kind: str = "proportion", multiplier: float | None = None) -> float:
    """PHE funnel target: Σ numerators / Σ denominators × multiplier (missing pairs ignored).

    >>> funnel_target([10, 30], [100, 100])
    20.0
    """
    mult = _DEFAULT_MULT.get(kind, 1.0) if multiplier is None else float(multiplier)
    o = as_float_array("numerators", numerators)
    d = as_float_array("denominators", denominators)
    ok = ~(np.isnan(o) | np.isnan(d))
    return float(o[ok].sum() / d[ok].sum() * mult)


def funnel_limits(
    denominators: Any,
    *,
    target: float,
    kind: Literal["proportion", "rate", "ratio"] = "proportion",
    multiplier: float | None = None,
) -> pd.DataFrame:
    """PHE funnel plot control limits (95% and 99.8%) at each denominator.

    Method (``METHODS.md`` A7; PHEindicatormethods ``calculate_funnel_limits``): proportions use
    the closed form at which a Wilson interval just reaches the target; rates and ratios use exact
    Poisson limits (the count whose exact lower/upper confidence limit equals the expected count).
    ``target`` and the limits are on the ``multiplier`` scale (default 100 for proportions, i.e.
    percentages; 100,000 for rates; 1 for ratios, whose denominators are expected counts).

    Returns
    -------
    DataFrame ``denominator, target, lower_998, lower_95, upper_95, upper_998``.

    Examples
    --------
    >>> import saferstats
    >>> saferstats.funnel_limits([50, 100, 1000], target=20).round(6)
       denominator  target  lower_998   lower_95   upper_95  upper_998
    0         50.0    20.0   2.519006   8.912769  31.087231  37.480994
    1        100.0    20.0   7.639071  12.160144  27.839856  32.360929
    2       1000.0    20.0  16.091131  17.520820  22.479180  23.908869
    """
    mult = _DEFAULT_MULT.get(kind, 1.0) if multiplier is None else float(multiplier)
    d = as_float_array("denominators", denominators)
    res = _ext.funnel_limits(d, float(target), kind, mult)
    out = pd.DataFrame({"denominator": d.copy(), "target": float(target)})
    for k in ["lower_998", "lower_95", "upper_95", "upper_998"]:
        out[k] = res[k]
    return out


def funnel_significance(
    numerators: Any,
    denominators: Any,
    *,
    target: float | None = None,
    kind: Literal["proportion", "rate", "ratio"] = "proportion",
    multiplier: float | None = None,
) -> pd.Series:
    """PHE funnel significance label for each point: ``"Low (0.001)"``, ``"Low (0.025)"``,
    ``"Not significant"``, ``"High (0.025)"``, ``"High (0.001)"`` (``"Not applicable"`` if missing).

    Method (``METHODS.md`` A7; ``assign_funnel_significance``): proportions are compared with
    :func:`funnel_limits` at their denominator; rates and ratios compare the point's own exact
    (below 10) or Byar's 95% / 99.8% interval with the target. ``target`` defaults to the PHE
    baseline :func:`funnel_target` (Σ numerators / Σ denominators; 1 for ratios).

    >>> import saferstats
    >>> saferstats.funnel_significance([8, 151, 159, 150, 0],
    ...     [6.23986, 106.442972, 232.932904, 119.56955, 240.62735], kind="ratio", target=1).tolist()
    ['Not significant', 'High (0.001)', 'Low (0.001)', 'High (0.025)', 'Low (0.001)']
    """
    mult = _DEFAULT_MULT.get(kind, 1.0) if multiplier is None else float(multiplier)
    o = as_float_array("numerators", numerators)
    d = as_float_array("denominators", denominators)
    if target is None:
        target = 1.0 if kind == "ratio" else funnel_target(o, d, kind=kind, multiplier=mult)
    codes = _ext.funnel_significance(o, d, float(target), kind, mult)
    index = numerators.index if isinstance(numerators, pd.Series) else None
    return pd.Series(pd.Categorical.from_codes(codes, categories=_FUNNEL_LABELS), index=index, name="significance")
