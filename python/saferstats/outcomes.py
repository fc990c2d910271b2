"""Outcome comparisons (docs/methods/s136.md, D3 and the two-by-two tables): two proportions
compared, before/after comparisons of two periods, monthly counts and the interrupted time series
of a pilot. The Section 136 record summary (:func:`s136_summary`, :data:`OUTCOMES`,
:data:`PLACES_OF_SAFETY`) lives in :mod:`saferstats.s136` and is re-exported here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._confidence import confidence_levels
from ._confidence import single_confidence as _confidence
from ._frames import (Records, accepts_frames, aligned, core_errors, label_of, plain, require_columns,
                      translates_core_errors)
from ._results import Result
from .exceptions import InvalidInputError, MissingValueError, number_of, warn_user
from .io import read_mha_annual  # noqa: F401 - defined with the other readers, re-exported here
from .rates import method_labels, warn_paired_by_position, proportion_ci, rate_ci, rate_ratio
from .s136 import (DEFAULT_COLUMNS, OUTCOMES, PLACES_OF_SAFETY, S136Summary, canonical_values, refuse_published_counts,
                   column_times, s136_summary)
from .trend import QUASI_Z_WARN_BELOW_DF, true_false_option, use_t_option

__all__ = [
    "OUTCOMES",
    "PLACES_OF_SAFETY",
    "ItsResult",
    "S136Summary",
    "its_poisson",
    "compare_proportions",
    "s136_summary",
    "before_after",
    "monthly_counts",
    "read_mha_annual",
]

_TEST_LABELS = list(_ext.test_labels())


# ------------------------------------------------------------------------------------------ ITS

def _whole(value: Any, name: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole-number option (int, numpy integer or an integral float) within range, or
    :class:`InvalidInputError` naming it."""
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not ok and isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        value, ok = int(value), True
    if not ok:
        raise InvalidInputError(f"`{name}` must be a whole number, got {value!r}", name)
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        top = "" if maximum is None else f" and at most {maximum}"
        raise InvalidInputError(f"`{name}` must be at least {minimum}{top}, got {value}", name)
    return int(value)


@dataclasses.dataclass(frozen=True, repr=False)
class ItsResult(Result):
    """An interrupted time series fit (see :func:`its_poisson`).

    ``level_rr`` and ``slope_rr`` read **after ÷ before**: below 1 is a fall in level at the break
    / a downward bend in the trend. The repr (and the notebook display) shows these headline
    effects; :meth:`effects` gives them as a table and :meth:`to_pandas` the fitted series.
    """

    level_rr: float
    level_lower: float
    level_upper: float
    slope_rr: float
    slope_lower: float
    slope_upper: float
    level_p: float
    slope_p: float
    pre_slope_rr: float
    post_slope_rr: float
    fitted: np.ndarray
    counterfactual: np.ndarray
    observed: np.ndarray
    dispersion_ratio: float
    beta: np.ndarray
    se: np.ndarray
    break_index: int
    confidence: float
    dispersion: str
    seasonality: str
    use_t: bool = False
    #: The counts' period labels (a Series' index: ``monthly_counts``' months), or None (0, 1, ...).
    periods: Any = None

    _summary_fields = ("level_rr", "level_lower", "level_upper", "level_p", "slope_rr", "slope_lower",
                       "slope_upper", "slope_p", "pre_slope_rr", "post_slope_rr", "dispersion_ratio", "break_index", "dispersion")

    @property
    def df_resid(self) -> int:
        """Residual degrees of freedom: periods minus coefficients (4 + any seasonal terms)."""
        return len(self.observed) - len(self.beta)

    @property
    def model(self) -> str:
        """The fitted model in words, e.g. ``"segmented Poisson, quasi-Poisson SEs, fourier(12)"``;
        with ``use_t`` it ends ``", t intervals on 32 df"``."""
        se = "quasi-Poisson SEs (x Pearson chi2/df)" if self.dispersion in ("quasi", "quasipoisson") else "Poisson SEs"
        seas = "" if self.seasonality == "none" else f", seasonality {self.seasonality}"
        t = f", t intervals on {self.df_resid} df" if self.use_t else ""
        return f"segmented Poisson, {se}{seas}{t}"

    def _headline(self) -> list[tuple[str, str]]:
        from .report.tables import format_p as _p_text  # the report's p format; imported late (report imports us)

        conf = f"{self.confidence * 100:g}%"
        return [
            ("level change at the break (rate ratio, after / before)",
             f"{self.level_rr:.3f} ({conf} CI {self.level_lower:.3f} to {self.level_upper:.3f}), "
             f"p = {_p_text(self.level_p)}"),
            ("slope change per period (rate ratio, after / before)",
             f"{self.slope_rr:.4f} ({conf} CI {self.slope_lower:.4f} to {self.slope_upper:.4f}), "
             f"p = {_p_text(self.slope_p)}"),
            ("trend per period before / after", f"{self.pre_slope_rr:.4f} / {self.post_slope_rr:.4f}"),
            ("model", self.model),
            ("Pearson chi2/df", f"{self.dispersion_ratio:.3f}"),
            ("periods", f"{len(self.observed)} ({self.break_index} before the break"
                        f"{self._break_label()}, {len(self.observed) - self.break_index} from it)"),
        ]

    def _break_label(self) -> str:
        """`` at 2021-04`` — the first post-break period by its label, when the counts had labels
        (``break_index`` is a position: the label shows which month it was); else ``""``."""
        p = self.periods
        if p is None or len(p) != len(self.observed) or not 0 <= self.break_index < len(p):
            return ""
        v = p[self.break_index]
        if isinstance(v, pd.Timestamp) and v == v.normalize():
            v = v.strftime("%Y-%m") if v.day == 1 and all(
                isinstance(q, pd.Timestamp) and q.day == 1 for q in p) else v.strftime("%Y-%m-%d")
        return f" at {v}"

    def __repr__(self) -> str:
        lines = [f"{k}: {v}" for k, v in self._headline()]
        return "ItsResult (below 1 = a fall)\n  " + "\n  ".join(lines)

    def _repr_html_(self) -> str:
        import html

        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
                       f"{html.escape(v)}</td></tr>" for k, v in self._headline())
        return (f"<p><b>ItsResult</b> &mdash; interrupted time series (below 1 = a fall)</p>"
                f"<table>{rows}</table>")

    def to_pandas(self) -> pd.DataFrame:
        """One row per period: ``period, observed, fitted, counterfactual, post``; ``period`` is the
        counts' own label (e.g. the month, for a Series from :func:`monthly_counts`), else 0, 1, ..."""
        n = len(self.observed)
        period = self.periods if self.periods is not None and len(self.periods) == n else np.arange(n)
        return pd.DataFrame({"period": period, "observed": self.observed, "fitted": self.fitted,
                             "counterfactual": self.counterfactual, "post": np.arange(n) >= self.break_index})

    def effects(self) -> pd.DataFrame:
        """The level and slope changes as a table: ``effect, rr, lower, upper, p_value, confidence,
        model`` (rate ratios, after ÷ before; ``p_value`` the two-sided Wald test of no change,
        on t with ``use_t``)."""
        return pd.DataFrame({
            "effect": ["level change (rate ratio at the break, after / before)",
                       "slope change (rate ratio per period, after / before)"],
            "rr": [self.level_rr, self.slope_rr], "lower": [self.level_lower, self.slope_lower],
            "upper": [self.level_upper, self.slope_upper], "p_value": [self.level_p, self.slope_p],
            "confidence": self.confidence,
            "model": self.model,
        })


def _check_period_index(counts: Any) -> None:
    """Counts labelled by periods (``monthly_counts``' PeriodIndex, or dates) must be in time order with
    no period missing: ``its_poisson`` numbers the periods by position (t = 1..T), so a missing month
    or a series sorted newest first would give a wrong trend and level change without a word."""
    idx = getattr(counts, "index", None)
    if isinstance(counts, pd.Series) and not isinstance(counts.index, (pd.DatetimeIndex, pd.PeriodIndex)) \
            and len(counts.index) > 1:
        # labels that read as periods ("2021-06", "2019/20", dates as text): the same checks
        from ._periods import as_dates as _as_dates
        from .monitoring import period_index

        per = period_index(counts.index)
        if per is None:
            return  # positions, plain numbers or names: the order given is the order meant
        dates = _as_dates(per)
        if not pd.api.types.is_datetime64_any_dtype(dates):
            _check_text_periods(counts, per)
            return
        idx = pd.DatetimeIndex(dates)
    if isinstance(idx, pd.DatetimeIndex) and len(idx) > 1:
        if not idx.is_monotonic_increasing or not idx.is_unique:
            i = int(np.flatnonzero(np.diff(idx.asi8) <= 0)[0]) + 1
            raise _not_in_time_order(counts, i)
        months = idx.to_period("M")
        if not months.is_unique:
            return  # more than one value a month: only the order is checked
        idx = months
    if not isinstance(idx, pd.PeriodIndex) or len(idx) < 2:
        return
    step = np.diff(idx.asi8)
    unit = max(int(step.min()), 1) if not isinstance(counts.index, pd.PeriodIndex) else 1  # quarterly dates: 3
    bad = np.flatnonzero(step != unit)
    if bad.size == 0:
        return
    i = int(bad[0]) + 1
    if step[bad[0]] <= 0:
        raise _not_in_time_order(counts, i)
    gaps = [str(p) for j in bad.tolist() for p in pd.period_range(idx[j] + unit, idx[j + 1] - 1, freq=idx.freq)[::unit]]
    raise InvalidInputError(
        f"`counts` has no value for {number_of(len(gaps), 'period')} between {idx[0]} and {idx[-1]} "
        f"({', '.join(gaps[:6])}{' ...' if len(gaps) > 6 else ''}): the periods are numbered by position, so the "
        "trend and the break would be fitted on the wrong times; give every period (0 where there were none: "
        "counts.reindex(pd.period_range(first, last, freq=...), fill_value=0), or monthly_counts)", "counts", i)


def _not_in_time_order(counts: pd.Series, i: int) -> InvalidInputError:
    """The error for counts whose period ``i`` (a position) does not come after the one before it. Not
    sorted for the caller, as the other time-series functions do: ``break_index`` is a position, and
    which period it meant in an unsorted series cannot be known."""
    from ._periods import shown as _shown

    idx = counts.index
    return InvalidInputError(
        f"`counts` must be in time order, one value per period: row {_shown(idx[i])} (position {i}) does not come "
        f"after {_shown(idx[i - 1])}; the periods are numbered by position and `break_index` is a position "
        "(sort_index() first, then give break_index in that order)", "counts", label_of(counts, i), position=i)


def _check_text_periods(counts: pd.Series, per: pd.Series) -> None:
    """:func:`_check_period_index` for labels written as text (months "2021-06", financial years
    "2019/20", years "2019"), read by :func:`saferstats.parse_periods`: in time order, none missing."""
    from ._periods import shown as _shown
    from .trend import parse_periods_step

    t, unit = parse_periods_step(per, "counts")
    d = np.diff(t)
    back = np.flatnonzero(d <= 0)
    if back.size:
        raise _not_in_time_order(counts, int(back[0]) + 1)
    if unit is None:
        return
    gaps = np.flatnonzero(d > unit * 1.5)
    if gaps.size:
        i = int(gaps[0]) + 1
        idx = counts.index
        n_missing = int(sum(round(float(d[j]) / unit) - 1 for j in gaps))
        raise InvalidInputError(
            f"`counts` has no value for {number_of(n_missing, 'period')} between {_shown(idx[0])} and {_shown(idx[-1])} (first: "
            f"between {_shown(idx[i - 1])} and {_shown(idx[i])}): the periods are numbered by position, so the trend "
            "and the break would be fitted on the wrong times; give every period (0 where there were none)",
            "counts", label_of(counts, i), position=i)


def _check_estimable(n: int, break_index: int, kind: str, period: int, k: int) -> None:
    """Refuse a design whose columns are linearly dependent (the seasonal terms cannot be told apart
    from the trend and the break on this series), with the reason, instead of the core's "singular
    information matrix"."""
    t = np.arange(1, n + 1, dtype=float)
    cols = [np.ones(n), t, (np.arange(n) >= break_index).astype(float), np.maximum(0.0, t - (break_index + 1))]
    if kind == "dummies":
        cols += [((np.arange(n) % period) == j).astype(float) for j in range(1, period)]
    elif kind == "fourier":
        for j in range(1, k + 1):
            cols += [np.sin(2 * np.pi * j * t / period), np.cos(2 * np.pi * j * t / period)]
    x = np.column_stack(cols)
    if x.shape[0] <= x.shape[1]:
        return  # the core says there are too few periods
    rank = int(np.linalg.matrix_rank(x))
    if rank < x.shape[1]:
        raise InvalidInputError(
            f"invalid argument `seasonality`: the {x.shape[1] - 4} seasonal terms cannot be told apart from the "
            f"trend and the break on this series ({n} periods, {break_index} before the break; {x.shape[1]} "
            f"coefficients but only {rank} can be estimated): some seasons fall on one side of the break only; "
            "use a longer series, fewer harmonics or no seasonality", "seasonality")


@translates_core_errors("counts", "population")
def its_poisson(
    counts: Any,
    *,
    break_index: int,
    population: Any = None,
    confidence: float = 0.95,
    dispersion: Literal["poisson", "quasi"] = "poisson",
    seasonality: None | Literal["fourier", "dummies"] = None,
    season_length: int | None = None,
    harmonics: int | None = None,
    use_t: bool | Literal["auto"] = False,
) -> ItsResult:
    """Interrupted time series: segmented Poisson regression with a population offset.

    Method (``docs/methods/s136.md`` D3, Bernal et al. 2017), fitted by IRLS in Rust:
    ``log E[y_t] = b0 + b1 t + b2 post_t + b3 since_t [+ seasonal] + log pop_t`` with t = 1..T,
    ``post_t = 1`` from the break and ``since_t = max(0, t - t0)`` — **0 in the first post period**,
    so ``level_rr = e^b2`` is the immediate change at the break and ``slope_rr = e^b3`` the change in
    the per-period trend. Both read **after ÷ before**: below 1 is a fall. ``break_index`` is the
    0-based position of the first post-intervention period. ``dispersion="quasi"`` scales the
    covariance by Pearson χ²/df (reported as ``dispersion_ratio`` either way).

    ``seasonality`` names the *kind* of seasonal term in the model (a model term, not a length):
    ``"fourier"`` (``harmonics`` sin/cos pairs, default 1) or ``"dummies"`` (one indicator per
    position in the cycle). ``season_length`` is the length of the cycle in periods, as everywhere
    in saferstats (``docs/vocabulary.md``; :func:`saferstats.mann_kendall`'s ``season_length``): 12
    (the default) for monthly data with a yearly cycle, 4 for quarters. The old one-argument forms
    ``seasonality=("fourier", 12, 2)`` and ``("dummies", 4)`` still work, with a
    :class:`FutureWarning` naming ``season_length=`` / ``harmonics=``. ``harmonics`` =
    season_length / 2 spans the same space as the cycle's indicators (its last sine is zero at
    every period) and is fitted as them, as R's ``glm`` drops the aliased column. Seasonal terms that cannot be told apart from the trend and the break on a
    short series are refused with the reason. Monthly or quarterly counts labelled by period (two
    or more years) fitted without a seasonal term are also fitted with one Fourier pair, and when
    that moves the level change by more than 10% or changes whether the level or slope interval
    holds 1, a :class:`~saferstats.SaferstatsWarning` gives both level changes (a seasonal swing
    either side of the break reads as a change at it); labelled counts over fewer than two years,
    where no seasonal term can be fitted to check it, get a warning that says so. Counts labelled by periods (a ``PeriodIndex`` as
    :func:`monthly_counts` gives, monthly dates, or labels such as ``"2021-06"`` / ``"2019/20"``)
    must be in time order with no period missing — periods are numbered by position — else
    :class:`InvalidInputError` names the label out of order or the gap. They are not sorted for
    you (as :func:`saferstats.mann_kendall` and :func:`saferstats.spc` do): ``break_index`` is a
    position, and which period it meant in an unsorted series cannot be known. A plain list or a
    position index is taken in the order given. A missing count or population is a
    :class:`MissingValueError` naming the row by its label. The counterfactual carries the pre-break model forward
    (b2 = b3 = 0). ``level_p`` / ``slope_p`` are the two-sided Wald p-values of no level / slope
    change (b2 = 0 / b3 = 0; R ``summary.glm``'s coefficient table, on t with ``use_t``); they are
    in :meth:`ItsResult.effects` as ``p_value``. Counts all zero on one side of the break, or a fit that drives an observed zero
    to a fitted zero (separation), are not estimable and raise :class:`InvalidInputError`.

    ``use_t`` (statsmodels' name, ``GLM.fit(use_t=True)``): ``False`` (default) gives normal
    limits exp(b ± z·SE), as D3 and statsmodels' default. ``True`` uses Student's t on the
    residual degrees of freedom (periods minus coefficients, ``df_resid``): R's ``summary.glm``
    for ``glm(family = quasipoisson)``, with the t quantile in ``confint.default``'s place, and
    statsmodels' ``use_t=True`` for either model; ``model`` then ends ", t intervals on N df".
    ``"auto"`` is R's ``summary.glm`` rule, as in :func:`saferstats.poisson_trend`: Student t
    when the fit is quasi-Poisson (``dispersion="quasi"``: the dispersion is estimated), the normal
    when it is Poisson; :attr:`ItsResult.use_t` says which was used (True / False).
    The quasi-Poisson dispersion is estimated from the same points, so on a short series (annual
    figures) the normal limits are optimistic: a quasi-Poisson fit with fewer than 30 residual df
    and ``use_t=False`` gets a :class:`~saferstats.SaferstatsWarning`.

    Examples
    --------
    docs/methods/s136.md D3: a triage pilot starting in month 25 of 36 (population 1.1 million):

    >>> import saferstats
    >>> y = [21, 24, 19, 23, 26, 22, 25, 27, 24, 26, 28, 25, 27, 29, 26, 30, 28, 31, 29, 27, 32, 30,
    ...      33, 31, 24, 23, 25, 22, 24, 21, 23, 22, 20, 22, 21, 19]
    >>> r = saferstats.its_poisson(y, break_index=24, population=1_100_000)
    >>> round(r.level_rr, 6), round(r.level_lower, 6), round(r.level_upper, 6)
    (0.743616, 0.56889, 0.972005)
    >>> round(float(r.counterfactual[-1]), 4), round(float(r.fitted[-1]), 4)
    (39.1514, 20.1478)
    >>> print(r)
    ItsResult (below 1 = a fall)
      level change at the break (rate ratio, after / before): 0.744 (95% CI 0.569 to 0.972), p = 0.030
      slope change per period (rate ratio, after / before): 0.9671 (95% CI 0.9323 to 1.0031), p = 0.073
      trend per period before / after: 1.0166 / 0.9831
      model: segmented Poisson, Poisson SEs
      Pearson chi2/df: 0.104
      periods: 36 (24 before the break, 12 from it)

    Nine annual figures, the break after five: quasi-Poisson with t on 5 df (R ``summary.glm``):

    >>> a = saferstats.its_poisson([52, 71, 48, 75, 60, 41, 55, 36, 47], break_index=5,
    ...                            population=[150_000 + 1000 * i for i in range(9)], dispersion="quasi", use_t=True)
    >>> round(a.level_rr, 4), round(a.level_lower, 4), round(a.level_upper, 4), a.df_resid
    (0.6659, 0.3156, 1.405, 5)
    >>> a.model
    'segmented Poisson, quasi-Poisson SEs (x Pearson chi2/df), t intervals on 5 df'

    ``use_t="auto"`` gives the same t fit for it, and the normal for the Poisson fit of the pilot:

    >>> saferstats.its_poisson([52, 71, 48, 75, 60, 41, 55, 36, 47], break_index=5,
    ...                        population=[150_000 + 1000 * i for i in range(9)], dispersion="quasi",
    ...                        use_t="auto").use_t, saferstats.its_poisson(y, break_index=24, use_t="auto").use_t
    (True, False)

    The monthly pilot with two Fourier pairs on the yearly cycle (12 months):

    >>> s = saferstats.its_poisson(y, break_index=24, seasonality="fourier", season_length=12, harmonics=2)
    >>> s.seasonality, round(s.level_rr, 4)
    ('fourier(12)', 0.7598)
    """
    arrays, _ = aligned(counts=counts, population=1.0 if population is None else population)
    _check_period_index(counts)
    from .monitoring import same_periods

    same_periods("its_poisson", "counts", counts, "population", population)
    y = arrays["counts"]
    pop = arrays["population"]
    for name, a, what in (("counts", y, "a count (0 when there were none)"), ("population", pop, "its population")):
        miss = np.flatnonzero(np.isnan(a))
        if miss.size:  # named by its label (the decorator), a MissingValueError as everywhere else
            i = int(miss[0])
            raise MissingValueError(f"missing value (NaN) in `{name}` at position {i}: every period needs {what}",
                                    name, i)
    conf = _confidence(confidence)
    break_index = _whole(break_index, "break_index")
    if break_index >= len(y):
        raise InvalidInputError(
            f"`break_index` {break_index} is past the end of the series ({len(y)} periods); it is the 0-based "
            "position of the first post-intervention period", "break_index")
    if not isinstance(dispersion, str):
        raise InvalidInputError(f"`dispersion` must be \"poisson\" or \"quasi\", got {dispersion!r}", "dispersion")
    # "auto": R's summary.glm, t where the dispersion is estimated (quasi-Poisson), else the normal
    use_t = dispersion in ("quasi", "quasipoisson") if use_t_option(use_t) == "auto" else true_false_option("use_t", use_t)
    kind, period, k = _its_seasonality(seasonality, season_length, harmonics, len(y))
    label = kind if kind == "none" else f"{kind}({period})"
    if kind == "fourier" and 2 * k == period:
        # the sine of harmonic period/2 is sin(pi t) = 0 at every period: a column of rounding noise that
        # made the information matrix near singular and moved every estimate (fourier(12, 6) gave a level
        # change of 0.7246 where R's glm, which drops the aliased column, and statsmodels give 0.7214).
        # Without it the terms span the same space as period - 1 indicators: the same model, fitted so.
        kind = "dummies"
        label = f"fourier({period}, {k} harmonic{'s' if k > 1 else ''}; the same fit as dummies({period}))"
    if kind != "none" and min(break_index, len(y) - break_index) >= 3:  # else the core names the short side
        _check_estimable(len(y), break_index, kind, period, k)
    if kind != "none" and len(y) < 2 * period:
        # estimable, but each season seen once: a fourier(12) pair fitted to 13 months of crime took
        # the spring-to-summer rise as "season" and moved the level change at the break (Hertfordshire
        # 2021: 1.088 without it, 1.055 with it) with nothing to show the pattern repeats
        warn_user(f"its_poisson: seasonality {label} on {len(y)} periods, fewer than two cycles ({2 * period}): "
                  "each season is seen about once, so the seasonal terms cannot be told from the trend and the "
                  "change at the break, and the level and slope changes depend on them; use two or more full "
                  "cycles, or no seasonality (and say the series is too short to allow for it)")
    res = _ext.its_poisson(y, pop, break_index, confidence=conf, dispersion=dispersion,
                           seasonality=(kind, period, k), use_t=use_t)
    if kind == "none":
        _warn_unseasonal(counts, y, pop, break_index, res, conf, dispersion, use_t)
    df = len(y) - len(res["beta"])
    if not use_t and dispersion in ("quasi", "quasipoisson") and df < QUASI_Z_WARN_BELOW_DF:
        warn_user(f"its_poisson: quasi-Poisson limits from the normal (z) are optimistic on few points: the fit has "
                  f"{df} residual degrees of freedom (fewer than {QUASI_Z_WARN_BELOW_DF}); use_t='auto' (or use_t=True) gives Student t "
                  "on the residual df, R's summary.glm intervals")
    if dispersion not in ("quasi", "quasipoisson") and df > 0 and res["dispersion_ratio"] >= _OVERDISPERSED:
        # recorded crime a month varies far more than Poisson counts: Poisson SEs then give intervals and
        # p-values too narrow by about sqrt(chi2/df) (Watford 2021: chi2/df 4.1, SEs half what they should be)
        warn_user(f"its_poisson: the counts vary {res['dispersion_ratio']:.1f} times as much as Poisson counts "
                  f"(Pearson chi2/df), so Poisson SEs make the intervals about {np.sqrt(res['dispersion_ratio']):.1f} "
                  "times too narrow and the p-values too small; dispersion=\"quasi\" scales them (Bernal et al. 2017)")
    return ItsResult(
        level_rr=res["level"][0], level_lower=res["level"][1], level_upper=res["level"][2],
        slope_rr=res["slope"][0], slope_lower=res["slope"][1], slope_upper=res["slope"][2],
        level_p=res["level_p"], slope_p=res["slope_p"],
        pre_slope_rr=res["pre_slope_rr"], post_slope_rr=res["post_slope_rr"],
        fitted=res["fitted"], counterfactual=res["counterfactual"], observed=y.copy(),
        dispersion_ratio=res["dispersion_ratio"], beta=res["beta"], se=res["se"], break_index=break_index,
        confidence=conf, dispersion=dispersion, seasonality=label,
        use_t=use_t, periods=_period_labels(counts, len(y)),
    )


def _season_of(counts: Any) -> int | None:
    """12 for counts labelled by month, 4 by quarter (a Series whose index reads as periods), else None."""
    if not isinstance(counts, pd.Series) or len(counts) < 3:
        return None
    from .monitoring import period_index
    from .trend import parse_periods_step

    if period_index(counts.index) is None:
        return None
    try:
        t, step = parse_periods_step(pd.Series(list(counts.index)), "index")
    except InvalidInputError:
        return None
    d = np.diff(t)
    step = step if step is not None else (float(d.min()) if d.size else None)
    if not step or step <= 0:
        return None
    for cycle in (12, 4):
        if abs(1 / step - cycle) < 0.05 * cycle:
            return cycle
    return None


def _warn_unseasonal(counts: Any, y: np.ndarray, pop: np.ndarray, break_index: int, res: Any, conf: float,
                     dispersion: str, use_t: bool) -> None:
    """Monthly (quarterly) counts over two or more years fitted with no seasonal term: a seasonal
    swing either side of the break reads as a change at it (Home Office racially or religiously
    aggravated offences, a break at April 2016: level change 1.147, 95% CI 1.013 to 1.298, without;
    1.038, 0.959 to 1.123, with two Fourier pairs). Said, with the level change a Fourier term gives,
    when that term moves the level change by more than 10% or changes whether either interval holds 1."""
    cycle = _season_of(counts)
    if cycle is None:
        return
    if len(y) < 2 * cycle:
        # too short to fit a season, and so to check it: say so (13 months of Hertfordshire anti-social
        # behaviour, a break at July 2021, the summer peak and autumn fall read as a slope change of
        # 0.807 a month, p < 0.001, with nothing said)
        what = "monthly" if cycle == 12 else "quarterly"
        warn_user(f"its_poisson: the counts are {what} over {len(y)} periods, fewer than two years ({2 * cycle}), "
                  "and the model has no seasonal term: a seasonal swing either side of the break (many "
                  "crimes and incidents peak in summer) reads as a level or slope change, and on fewer than two cycles "
                  "no seasonal term can be fitted to check it. Use two or more years (several before the break), or "
                  "compare like periods a year apart (saferstats.year_on_year)")
        return
    try:
        alt = _ext.its_poisson(y, pop, break_index, confidence=conf, dispersion=dispersion, seasonality=("fourier", cycle, 1),
                               use_t=use_t)
    except Exception:  # not estimable with the seasonal term: nothing to compare
        return
    lv, av = res["level"], alt["level"]

    def verdict(c: Any) -> int:  # below 1, includes 1, above 1
        return -1 if c[2] < 1 else (1 if c[1] > 1 else 0)

    level_moves = verdict(lv) != verdict(av) or abs(np.log(av[0] / lv[0])) > np.log(1.1)
    slope_moves = verdict(res["slope"]) != verdict(alt["slope"])
    if not (level_moves or slope_moves):
        return  # the seasonal term changes neither change materially: nothing to say
    what = "monthly" if cycle == 12 else "quarterly"
    warn_user(f"its_poisson: the counts are {what} ({len(y)} periods) and the model has no seasonal term, so a "
              "seasonal swing either side of the break can read as a change at it (Bernal et al. 2017): with "
              f"seasonality=\"fourier\", season_length={cycle} the level change is {av[0]:.3f} ({av[1]:.3f} to "
              f"{av[2]:.3f}), against {lv[0]:.3f} ({lv[1]:.3f} to {lv[2]:.3f}) without; add the seasonal term, or "
              "say why the series has no season")


def _its_seasonality(seasonality: Any, season_length: Any, harmonics: Any, n: int) -> tuple[str, int, int]:
    """``its_poisson``'s seasonal term as (kind, cycle length, harmonics): ``seasonality`` the kind
    ("fourier" / "dummies"), ``season_length`` the cycle length (the vocabulary's name for it),
    ``harmonics`` the Fourier pairs; the old tuple ``("fourier", 12, 2)`` maps onto them with a
    :class:`FutureWarning` (whose values are then reported as ``seasonality``'s)."""
    names = {"season_length": "season_length", "harmonics": "harmonics"}
    if isinstance(seasonality, (tuple, list)):
        names = {"season_length": "seasonality", "harmonics": "seasonality"}
        if not 1 <= len(seasonality) <= 3:
            raise InvalidInputError(
                "`seasonality` must be None, \"fourier\" or \"dummies\" (the cycle length is `season_length`, "
                f"the Fourier pairs `harmonics`); got {seasonality!r}", "seasonality")
        if len(seasonality) > 1 and season_length is not None or len(seasonality) > 2 and harmonics is not None:
            raise InvalidInputError(
                "give the cycle length as `season_length` (and the Fourier pairs as `harmonics`) only, not also "
                f"inside `seasonality` {tuple(seasonality)!r}", "seasonality")
        kind_old = seasonality[0]
        new = [repr(kind_old)]
        if len(seasonality) > 1:
            season_length = seasonality[1]
            new.append(f"season_length={seasonality[1]!r}")
        if len(seasonality) > 2:
            harmonics = seasonality[2]
            new.append(f"harmonics={seasonality[2]!r}")
        warn_user(f"its_poisson: `seasonality={tuple(seasonality)!r}` is now written `seasonality={', '.join(new)}` "
                  "(`seasonality` names the kind of seasonal term, `season_length` the cycle length; "
                  "docs/vocabulary.md); the tuple form will be removed in a future release", FutureWarning)
        seasonality = kind_old
    if seasonality is None:
        for name, value in (("season_length", season_length), ("harmonics", harmonics)):
            if value is not None:
                raise InvalidInputError(
                    f"`{name}` ({value!r}) needs a seasonal term: add seasonality=\"fourier\" or \"dummies\" "
                    "(without one the model has no seasonal terms)", name)
        return "none", 12, 1
    if not isinstance(seasonality, str) or seasonality not in ("fourier", "dummies"):
        raise InvalidInputError(
            "`seasonality` must be None, \"fourier\" or \"dummies\" (the kind of seasonal term; the cycle length "
            f"is `season_length`), got {seasonality!r}", "seasonality")
    period = 12 if season_length is None else _whole(season_length, names["season_length"], minimum=2, maximum=n)
    if harmonics is not None and seasonality != "fourier":
        raise InvalidInputError(f"`harmonics` ({harmonics!r}) is the number of Fourier pairs: it needs "
                                "seasonality=\"fourier\" (\"dummies\" has one indicator per position)", names["harmonics"])
    k = 1 if harmonics is None else _whole(harmonics, names["harmonics"], minimum=1, maximum=max(1, period // 2))
    return seasonality, period, k


#: Pearson chi2/df at or above which a Poisson ITS fit warns that its SEs are too small (as spc's
#: c/u/p charts warn at Laney's sigma_z of 2).
_OVERDISPERSED = 2.0


def _period_labels(counts: Any, n: int) -> Any:
    """The labels of a Series of counts when they say which period each is (not 0, 1, ...)."""
    idx = getattr(counts, "index", None)
    if isinstance(counts, pd.Series) and idx is not None and len(idx) == n and not (
            isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1):
        return idx.copy()
    return None


# ------------------------------------------------------------------------ two proportions

@confidence_levels("diff_lower", "diff_upper", "rr_lower", "rr_upper", "p1_lower", "p1_upper", "p2_lower", "p2_upper")
@translates_core_errors("x1", "n1", "x2", "n2")
def compare_proportions(x1: Any, n1: Any, x2: Any, n2: Any, *, confidence: float = 0.95,
                        subtract: bool = False) -> pd.DataFrame:
    """Compare proportions x1/n1 and x2/n2, element by element: **first against second**
    (``diff = p1 - p2``, ``rr = p1 / p2``).

    Direction: for a before/after comparison pass the **later (post) period first**, so a fall
    reads ``rr < 1`` and ``diff < 0`` — as :func:`before_after` does; for an outcome test pass the
    group first and the reference second.

    Method (``docs/methods/s136.md`` D3, ``docs/methods/stop_search.md`` B3): Wilson CIs; difference with Newcombe's hybrid score CI; risk
    ratio with Katz's log CI; pooled two-proportion z; Fisher's exact test, which is the reported
    ``p_value`` when any expected cell is below 5 (``test`` says which); χ² with Yates' correction.
    **Zero cells** (``docs/methods/zero_cells.md``): ``rr`` is always the observed ratio (0 or inf
    when a count is 0). When any cell is zero — a count of 0 or a rate of 100% — its CI is the
    exact conditional interval (R ``poisson.test``; ``rr_method`` ``"exact (zero count)"``), which
    never claims a difference Fisher's test does not support but is wide when a rate is high; Katz
    (with or without Haldane's +0.5) is not used there. x1 = x2 = 0 gives NaN.
    ``fisher_p`` is always computed when it is the reported test; beside the z test it is given
    while it is cheap and left NaN for very large tables (the z test is accurate there).
    Counts above 2**53 are refused. Series with different row labels (two periods filtered from
    one table) are paired by position: a :class:`~saferstats.SaferstatsWarning` says so, as
    :func:`rate_ratio` does.

    **One inside the other.** The tests are of two independent samples. A force against the
    England and Wales total that includes it is not: the total moves with the force, so ``diff``
    is (1 − f) times the force's difference from the rest and its standard error too large by
    about √((1 + f) / (1 − f)), f = n1 / n2 (Hertfordshire's 14,497 of 686,436 use-of-force tactics,
    f = 0.02: 2%; the Metropolitan Police's 205,135, f = 0.30: 36%, and ``diff`` a third short).
    ``subtract=True`` compares the first with the second less the first (``x2 − x1`` of
    ``n2 − n1``: the rest), as :func:`saferstats.compare_trends` does for trends; ``p2`` and its
    interval are then the rest's, and ``.attrs["second"]`` says so. It is refused
    (:class:`~saferstats.InvalidInputError` naming ``subtract`` and the row) where the second
    cannot contain the first. Two numbers cannot show that one contains the other (a later period
    beside an earlier one fits inside it as well); where several rows are compared with one same
    second proportion and could, all together, be parts of it, half of it or more (forces against
    their national total), a :class:`~saferstats.SaferstatsWarning` says so.

    Returns
    -------
    DataFrame ``p1, p2, diff, diff_lower, diff_upper, rr, rr_lower, rr_upper, z, p_value, fisher_p,
    test, rr_method`` then ``p1_lower, p1_upper, p2_lower, p2_upper, chi2, chi2_yates,
    p_chi2_yates, odds_ratio, confidence``.

    Examples
    --------
    Police custody as the place of safety, post (pilot) 3/160 against pre 14/250 (docs/methods/s136.md D3
    gives pre / post = 2.986667, 0.872058-10.228878; this is its reciprocal):

    >>> import saferstats
    >>> r = saferstats.compare_proportions(3, 160, 14, 250).iloc[0]
    >>> round(float(r.rr), 6), round(float(r.rr_lower), 6), round(float(r.rr_upper), 6), r.rr_method
    (0.334821, 0.097762, 1.146712, 'katz')
    >>> round(float(r.z), 6), round(float(r.fisher_p), 6), r.test
    (-1.845557, 0.077291, 'z')

    A 100% find rate (13 of 13) against 333 of 359: the interval contains 1, as Fisher's p says
    (plain Katz gave 1.047-1.110):

    >>> r = saferstats.compare_proportions(13, 13, 333, 359).iloc[0]
    >>> round(float(r.rr), 3), round(float(r.rr_lower), 3), round(float(r.rr_upper), 3), r.rr_method
    (1.078, 0.568, 1.869, 'exact (zero count)')
    >>> r.test, round(float(r.p_value), 2)
    ('fisher', 0.61)

    Hertfordshire's use-of-force tactics on people perceived to have a mental health condition,
    2019/20 (2,065 of 14,497), against England and Wales (109,517 of 686,436) that includes them:
    compared with the rest (107,452 of 671,939):

    >>> r = saferstats.compare_proportions(2065, 14497, 109517, 686436, subtract=True).iloc[0]
    >>> round(float(r.p1), 4), round(float(r.p2), 4), round(float(r.z), 2)
    (0.1424, 0.1599, -5.68)
    """
    conf = _confidence(confidence)
    subtract = true_false_option("subtract", subtract)
    _warn_pairs_by_position(x1, n1, x2, n2)
    arrays, index = aligned(x1=x1, n1=n1, x2=x2, n2=n2)
    if subtract:
        arrays = _the_rest(arrays, index)
    else:
        _warn_one_inside(arrays)
    res = _ext.two_by_two(arrays["x1"], arrays["n1"], arrays["x2"], arrays["n2"], confidence=conf)
    w2 = proportion_ci(arrays["x2"], arrays["n2"], confidence=conf)
    out = pd.DataFrame({
        "p1": res["rate"], "p2": arrays["x2"] / arrays["n2"], "diff": res["diff"], "diff_lower": res["diff_lower"],
        "diff_upper": res["diff_upper"], "rr": res["rr"], "rr_lower": res["rr_lower"], "rr_upper": res["rr_upper"],
        "z": res["z"], "p_value": res["p_value"], "fisher_p": res["p_fisher"],
        "test": pd.Categorical.from_codes(res["test"], categories=_TEST_LABELS),
        "rr_method": method_labels(res["rr_method"]),
        "p1_lower": res["rate_lower"], "p1_upper": res["rate_upper"],
        "p2_lower": w2["lower"].to_numpy(), "p2_upper": w2["upper"].to_numpy(),
        "chi2": res["chi2"], "chi2_yates": res["chi2_yates"], "p_chi2_yates": res["p_chi2_yates"],
        "odds_ratio": res["odds_ratio"], "confidence": conf,
    }, index=index)
    out.attrs["second"] = "x2/n2 less x1/n1 (subtract=True): the rest" if subtract else "x2/n2"
    return out


#: Rows compared with one same second proportion are warned of as its parts when, all together, they
#: could be in it and are this share of its denominator or more.
_PARTS_OF_SECOND = 0.5


def _the_rest(arrays: dict[str, np.ndarray], index: Any) -> dict[str, np.ndarray]:
    """``compare_proportions(subtract=True)``: the second less the first (``x2 - x1`` of ``n2 - n1``),
    refused at the first row where the second cannot contain the first."""
    x1, n1, x2, n2 = (arrays[k] for k in ("x1", "n1", "x2", "n2"))
    with np.errstate(invalid="ignore"):
        bad = (x1 > x2) | (n1 - x1 > n2 - x2) | (n1 >= n2)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        row = plain(index[k]) if index is not None else k
        raise InvalidInputError(
            f"subtract=True: the second proportion ({x2[k]:g} of {n2[k]:g}) cannot contain the first ({x1[k]:g} of "
            f"{n1[k]:g}) at row {row!r}: subtract=True takes the first out of a total that includes it; pass "
            "subtract=False for two separate samples", "subtract")
    return {"x1": x1, "n1": n1, "x2": x2 - x1, "n2": n2 - n1}


def _warn_one_inside(arrays: dict[str, np.ndarray]) -> None:
    """Warn where several rows are compared with one same second proportion that they could be parts
    of: each fits in it, all together fit in it, and together they are :data:`_PARTS_OF_SECOND` of its
    denominator or more (the forces against the England and Wales total)."""
    x1, n1, x2, n2 = (arrays[k] for k in ("x1", "n1", "x2", "n2"))
    ok = ~(np.isnan(x1) | np.isnan(n1) | np.isnan(x2) | np.isnan(n2))
    if ok.sum() < 2 or np.unique(x2[ok]).size != 1 or np.unique(n2[ok]).size != 1:
        return
    a, b, c, d = x1[ok], n1[ok], float(x2[ok][0]), float(n2[ok][0])
    if a.sum() <= c and (b - a).sum() <= d - c and _PARTS_OF_SECOND * d <= b.sum() <= d:
        warn_user(f"compare_proportions: the {int(ok.sum())} rows are all compared with one proportion ({c:,.0f} of "
                  f"{d:,.0f}) and together ({a.sum():,.0f} of {b.sum():,.0f}) could be parts of it, as areas of a "
                  "total are: if it includes them (the national total), its proportion moves with each and the "
                  "tests, which are of independent samples, understate the differences; pass subtract=True to "
                  "compare each with the rest. Samples beside it, not inside it, need nothing")


def _warn_pairs_by_position(x1: Any, n1: Any, x2: Any, n2: Any) -> None:
    """:func:`compare_proportions` warns as :func:`rate_ratio` does (``rates.warn_paired_by_position``)
    when the first and second proportions are Series with different row labels, paired by position:
    two periods filtered from one table keep their own labels. The warning names this function's
    arguments, ``x1`` and ``x2`` (or ``n1`` and ``n2``)."""
    warn_paired_by_position("compare_proportions", (("x1", x1), ("x2", x2)), (("n1", n1), ("n2", n2)))


def _drop_report(when: pd.Series, column: str, what: str, extra: dict[str, np.ndarray] | None = None) -> list[dict[str, Any]]:
    """Rows left out (missing date, or outside a requested range), as ``attrs["dropped"]``
    records, with one :class:`SaferstatsWarning` naming the column and the counts."""
    reasons = {"missing date": when.isna().to_numpy()}
    reasons.update(extra or {})
    dropped: list[dict[str, Any]] = []
    parts = []
    for reason, mask in reasons.items():
        rows = np.flatnonzero(mask)
        if rows.size:
            dropped.extend({"row": int(r), "column": column, "reason": reason} for r in rows)
            parts.append(f"{rows.size} with {reason} (rows {rows[:5].tolist()}{', ...' if rows.size > 5 else ''})")
    if parts:
        warn_user(f"{what}: {len(dropped)} of {len(when)} records left out of column {column!r}: "
                  + "; ".join(parts) + " - listed in .attrs['dropped']")
    return dropped


@accepts_frames("records")
@confidence_levels("pre_lower", "pre_upper", "post_lower", "post_upper", "diff_lower", "diff_upper", "rr_lower",
                   "rr_upper")
def before_after(
    records: pd.DataFrame,
    *,
    split: Any,
    date: str = "detention_time",
    columns: Mapping[str, str] | None = None,
    outcome_labels: Mapping[str, str] | None = None,
    place_labels: Mapping[str, str] | None = None,
    population: tuple[float, float] | float | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Compare two periods, **post ÷ pre** (later against earlier): records before ``split``
    against records from ``split``, for each outcome and place of safety as a proportion, the
    conversion / admission / NFA rates, and with ``population=(pre, post)`` the detention rate per
    100,000 with its rate ratio. The rates are per period, so ``population`` is person-time: the
    population times the years each period covers (24 months before and 12 from the split in an area
    of 1.1 million: ``(2.2e6, 1.1e6)``); ``.attrs["detention_rates"]`` gives the ``months`` the
    records cover on each side, and a population not in their proportion gets a warning (equal
    populations over 24 and 12 months read as a fall of half). A single number is the area's resident
    population: the person-time is then worked out from those months (``1.1e6`` over 24 and 12
    months is ``(2.2e6, 1.1e6)``), so the rates are per 100,000 a year. A ``split`` date without a time zone, against times with one, is
    midnight in England and Wales (Europe/London).

    Direction: every comparison reads later against earlier, so a fall is below 1 (``rr``,
    ``rr_lower``, ``rr_upper`` = post / pre) or below 0 (``diff`` = post − pre); the ``direction``
    column and ``.attrs["direction"]`` say so. The statistics are those of
    :func:`compare_proportions` called with the post period first (Wilson, Newcombe, Katz — or the
    exact conditional interval at a zero cell, ``docs/methods/zero_cells.md``, named in
    ``rr_method`` — z or Fisher), and
    :func:`saferstats.rate_ratio` (post / pre, Wald on the log scale; the columns ``rate_ratio``,
    ... below, also ``.attrs["rate_ratio"]``) with :func:`saferstats.rate_ci` for each period's
    rate (also ``.attrs["detention_rates"]``).

    Records whose ``date`` is missing belong to neither period: they are left out, counted in a
    :class:`SaferstatsWarning` and listed in ``.attrs["dropped"]`` (``row, column, reason``).

    Returns
    -------
    DataFrame, one row per measure: ``kind, measure, pre_count, pre_n, post_count, post_n,
    pre_p, pre_lower, pre_upper, post_p, post_lower, post_upper, direction, diff, diff_lower,
    diff_upper, rr, rr_lower, rr_upper, rr_method, z, p_value, fisher_p, test, chi2, chi2_yates,
    p_chi2_yates, odds_ratio, confidence``. (Earlier versions gave ``p1``/``p2`` and pre ÷ post;
    the proportions are now named by period.) With ``population``, before ``confidence``, the
    detention rates and their ratio (one comparison of all the detentions, so the same on every
    row): ``pre_detentions, pre_population, pre_rate, pre_rate_lower, pre_rate_upper,
    pre_rate_method, post_detentions, post_population, post_rate, post_rate_lower,
    post_rate_upper, post_rate_method, multiplier`` (rates per 100,000 of ``population``),
    ``rate_ratio, rate_ratio_lower, rate_ratio_upper, rate_ratio_p, rate_ratio_method`` (post ÷
    pre; until session 20 only in ``.attrs``, which still has them).

    >>> import saferstats
    >>> recs = saferstats.synthetic.s136_pilot_records(seed=1)
    >>> ba = saferstats.before_after(recs, split="2024-01-01")
    >>> {"measure", "pre_count", "post_count", "rr", "p_value", "test"} <= set(ba.columns)
    True
    >>> ba.direction.iloc[0]
    'post / pre'

    With the area's 1.1 million residents (person-time over the 24 and 12 months), the detention
    rate ratio is in the table:

    >>> ba = saferstats.before_after(recs, split="2024-01-01", population=1_100_000)
    >>> ba[["rate_ratio", "rate_ratio_lower", "rate_ratio_upper"]].iloc[0].round(3).tolist()
    [0.916, 0.801, 1.046]
    """
    conf = _confidence(confidence)
    cols = dict(DEFAULT_COLUMNS)
    if columns:
        cols.update(columns)
    if isinstance(records, pd.DataFrame):
        refuse_published_counts(records, date, "before_after")
    require_columns(records, {"date": date, "outcome": cols["outcome"], "place_of_safety": cols["place_of_safety"]}, "records")
    if len(records) == 0:
        raise InvalidInputError("`records` is empty", "records")
    with core_errors(index=records.index):  # an unreadable time named by the records' row label
        when = column_times(records, date)
    try:
        cut = pd.Timestamp(split)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidInputError(f"`split` {split!r} is not a date: {exc}", "split") from exc
    if pd.isna(cut):
        raise InvalidInputError("`split` is missing; give the first date of the post period", "split")
    if when.dt.tz is not None and cut.tz is None:
        cut = cut.tz_localize("Europe/London")  # a date in England and Wales: midnight there (BST in summer)
    elif when.dt.tz is None and cut.tz is not None:
        cut = cut.tz_convert(None)
    pre = (when < cut).to_numpy()
    post = (when >= cut).to_numpy()
    dropped = _drop_report(when, date, "before_after")
    if not pre.any() or not post.any():
        raise InvalidInputError(f"split {split!r} leaves the {'pre' if not pre.any() else 'post'} period empty", "split")
    outcome = canonical_values(records[cols["outcome"]], OUTCOMES, outcome_labels, cols["outcome"]).to_numpy()
    place = canonical_values(records[cols["place_of_safety"]], PLACES_OF_SAFETY, place_labels, cols["place_of_safety"]).to_numpy()
    rows = []
    assessed = outcome != "unknown"
    known = place != "not_known"
    measures: list[tuple[str, str, np.ndarray, np.ndarray]] = []
    for code in OUTCOMES:
        if code != "unknown":
            measures.append(("outcome", code, outcome == code, assessed))
    for name, codes in (("conversion", ["s2", "s3"]), ("admission", ["informal", "s2", "s3"]), ("nfa", ["nfa"])):
        measures.append(("rate", name, np.isin(outcome, codes), assessed))
    for code in PLACES_OF_SAFETY:
        if code != "not_known":
            measures.append(("place_of_safety", code, place == code, known))
    for kind, name, hit, base in measures:
        rows.append({"kind": kind, "measure": name, "pre_count": int((hit & base & pre).sum()), "pre_n": int((base & pre).sum()),
                     "post_count": int((hit & base & post).sum()), "post_n": int((base & post).sum())})
    t = pd.DataFrame(rows)
    ok = ((t.pre_n > 0) & (t.post_n > 0)).to_numpy()
    cmp = compare_proportions(t.post_count.where(ok, 0), t.post_n.where(ok, 1), t.pre_count.where(ok, 0),
                              t.pre_n.where(ok, 1), confidence=conf)
    pre_p = (t.pre_count / t.pre_n.where(t.pre_n > 0)).to_numpy()
    post_p = (t.post_count / t.post_n.where(t.post_n > 0)).to_numpy()
    pre_ci = proportion_ci(t.pre_count.where(t.pre_n > 0, 0), t.pre_n.where(t.pre_n > 0, 1), confidence=conf)
    post_ci = proportion_ci(t.post_count.where(t.post_n > 0, 0), t.post_n.where(t.post_n > 0, 1), confidence=conf)
    t["pre_p"] = pre_p
    t["pre_lower"] = np.where(t.pre_n > 0, pre_ci["lower"].to_numpy(), np.nan)
    t["pre_upper"] = np.where(t.pre_n > 0, pre_ci["upper"].to_numpy(), np.nan)
    t["post_p"] = post_p
    t["post_lower"] = np.where(t.post_n > 0, post_ci["lower"].to_numpy(), np.nan)
    t["post_upper"] = np.where(t.post_n > 0, post_ci["upper"].to_numpy(), np.nan)
    t["direction"] = "post / pre"
    keep = ["diff", "diff_lower", "diff_upper", "rr", "rr_lower", "rr_upper", "rr_method", "z", "p_value", "fisher_p",
            "test", "chi2", "chi2_yates", "p_chi2_yates", "odds_ratio"]
    cmp = cmp[keep].reset_index(drop=True)
    numeric = [c for c in keep if c not in ("test", "rr_method")]
    cmp.loc[~ok, numeric] = np.nan
    for c in ("test", "rr_method"):
        cmp[c] = cmp[c].astype(object).where(ok, "not applicable").astype("category")
    out = pd.concat([t, cmp], axis=1)
    out["confidence"] = conf
    out.attrs["direction"] = "post / pre (later against earlier: below 1 is a fall); diff = post - pre"
    out.attrs["dropped"] = Records(dropped)
    if population is not None:
        months = _period_months(when, pre, post, cut)
        if isinstance(population, (int, float, np.integer, np.floating)) and not isinstance(population, bool):
            # the area's residents: person-time over the months each period covers (per year)
            resident = float(population)
            if not (np.isfinite(resident) and resident > 0):
                raise InvalidInputError(f"`population` must be a positive number, got {population!r}", "population")
            population = (resident * months[0] / 12, resident * months[1] / 12)
        if not isinstance(population, (tuple, list)) or len(population) != 2:
            raise InvalidInputError(f"`population` must be the area's residents or a pair of person-time (pre, post), "
                                    f"got {population!r}", "population")
        pre_pop, post_pop = population
        n_pre, n_post = int(pre.sum()), int(post.sum())
        r = rate_ci([n_pre, n_post], [pre_pop, post_pop], multiplier=100_000, confidence=conf)
        rr = rate_ratio(n_post, post_pop, n_pre, pre_pop, confidence=conf).iloc[0]
        out.attrs["detention_rates"] = pd.DataFrame({
            "period": ["pre", "post"], "detentions": [n_pre, n_post], "population": [pre_pop, post_pop],
            "rate_per_100k": r["rate"], "lower": r["lower"], "upper": r["upper"], "months": months})
        try:
            off = (float(pre_pop) / float(post_pop)) / (months[0] / months[1])
        except (TypeError, ValueError, ZeroDivisionError):
            off = 1.0
        if np.isfinite(off) and off > 0 and abs(np.log(off)) > np.log(1.25):
            warn_user(f"before_after: the records cover {months[0]:.1f} months before the split and {months[1]:.1f} "
                      f"from it, but population={population!r} is not in that proportion: the detention rates are per "
                      "period, so the rate ratio compares periods of different lengths (a shorter post period reads as "
                      "a fall). Pass person-time, the population times the years each period covers, e.g. "
                      f"population=({float(pre_pop) * months[0] / 12:,.0f}, {float(post_pop) * months[1] / 12:,.0f}) "
                      "for rates per 100,000 a year; the months are in .attrs['detention_rates']")
        out.attrs["rate_ratio"] = {**rr.to_dict(), "direction": "post / pre"}
        # the detention rates and their ratio in the table itself, not only in .attrs (where analysts
        # missed them: the printed table showed the proportions alone); one comparison of the whole
        # table, so the same on every row, before ``confidence``
        conf_col = out.pop("confidence")
        rates = {
            "pre_detentions": n_pre, "pre_population": float(pre_pop), "pre_rate": float(r["rate"].iloc[0]),
            "pre_rate_lower": float(r["lower"].iloc[0]), "pre_rate_upper": float(r["upper"].iloc[0]),
            "pre_rate_method": str(r["method"].iloc[0]),
            "post_detentions": n_post, "post_population": float(post_pop), "post_rate": float(r["rate"].iloc[1]),
            "post_rate_lower": float(r["lower"].iloc[1]), "post_rate_upper": float(r["upper"].iloc[1]),
            "post_rate_method": str(r["method"].iloc[1]), "multiplier": 100_000,
            "rate_ratio": float(rr["ratio"]), "rate_ratio_lower": float(rr["lower"]),
            "rate_ratio_upper": float(rr["upper"]), "rate_ratio_p": float(rr["p_value"]),
            "rate_ratio_method": str(rr["method"]),
        }
        for k, v in rates.items():
            out[k] = v
        out["confidence"] = conf_col
    return out


def _period_months(when: pd.Series, pre: np.ndarray, post: np.ndarray, cut: pd.Timestamp) -> list[float]:
    """Lengths in months of the two periods the records cover: from the start of the month of the
    first record to the split, and from the split to the end of the month of the last record (UK
    local months for zone-aware times)."""
    def local(t: pd.Timestamp) -> pd.Timestamp:
        return t.tz_convert("Europe/London").tz_localize(None) if t.tzinfo is not None else t

    first, last, c = local(when[pre].min()), local(when[post].max()), local(cut)
    cm = c.to_period("M")
    into = (c - cm.to_timestamp()).total_seconds() / 86400 / cm.days_in_month  # a split inside a month
    split_at = cm.ordinal + into
    return [max(split_at - first.to_period("M").ordinal, 0.0), max(last.to_period("M").ordinal + 1 - split_at, 0.0)]


@accepts_frames("records")
def _count_name(records: pd.DataFrame, date: str) -> str:
    """What :func:`monthly_counts` counts: ``"detentions"`` for Section 136 records (a
    ``detention_time`` column), the crime type of street-crime records of one type
    (``"Anti-social behaviour"``), else ``"count"``."""
    if date == "detention_time" or "detention_time" in records.columns:
        return "detentions"
    for col in ("crime_type", "Crime type"):
        if col in records.columns:
            kinds = records[col].dropna().unique()
            if len(kinds) == 1:
                return str(kinds[0])
    return "count"


def monthly_counts(records: pd.DataFrame, *, date: str | None = None, start: Any = None, end: Any = None,
                   name: str | None = None) -> pd.Series:
    """Records per calendar month (months with none included as 0), for :func:`its_poisson`.

    ``date``: the column of dates. By default (``None``) ``detention_time`` (Section 136 records);
    records without it that have police.uk's ``month`` (:func:`saferstats.read_street_crime` and
    :func:`saferstats.read_stop_search` give it: the month of the file, as published) or, failing
    that, a ``date`` column are counted by that column, as ``date="month"`` / ``date="date"`` would
    count them (until session 17 they failed with "no column 'detention_time'"). The column used is
    in ``.attrs["date_column"]``.

    The Series is named ``name``, or after what it counts: ``"detentions"`` for Section 136
    records (``date="detention_time"``, the default, or a ``detention_time`` column), the crime
    type of street-crime records all of one type (``crime_type`` or police.uk's ``Crime type``),
    else ``"count"`` (until session 15 it was always ``"detentions"``, street crime too).

    Times with a time zone are counted in the month of their UK local time (Europe/London: a
    detention at 00:30 on 1 June BST, 23:30 UTC on 31 May, is in June); times without one are
    taken as local. Records with a missing ``date``, or (with ``start`` / ``end``) outside those months, are not
    counted: they are listed in ``.attrs["dropped"]`` (``row, column, reason``) and counted in a
    :class:`SaferstatsWarning`. A month with no record at all, where the other months average 5 or
    more, is more likely a gap in the records than a month without detentions: it stays 0, and a
    :class:`SaferstatsWarning` and ``.attrs["zero_months"]`` name it. A first or last month that the
    records cover only in part (an extract taken on 10 December: no record from the 10th on, where
    the other months' daily rate makes so long a gap improbable, Poisson probability below 0.001)
    is counted as it stands, and a :class:`SaferstatsWarning` and ``.attrs["partial_months"]``
    (``month, count, covers, gap_days``) name it: an SPC chart would show it as a special cause.
    Dates given as months (police.uk's ``month``, ``"2021-06"``, as :func:`saferstats.read_street_crime`
    gives it, or monthly pandas Periods) say nothing about days, so no month is found partial by
    them: ``monthly_counts(street, date="month")`` counts crimes a month, each month as published.

    >>> import saferstats
    >>> m = saferstats.monthly_counts(saferstats.synthetic.s136_pilot_records(seed=1))
    >>> m.index[0], len(m)
    (Period('2022-01', 'M'), 36)
    >>> m.name
    'detentions'
    """
    if date is None:
        cols = records.columns if isinstance(records, pd.DataFrame) else ()
        date = next((c for c in ("detention_time", "month", "date") if c in cols), "detention_time")
    if isinstance(records, pd.DataFrame):
        refuse_published_counts(records, date, "monthly_counts")
    require_columns(records, {"date": date}, "records")
    if name is not None and not isinstance(name, str):
        raise InvalidInputError(f"`name` must be text (the name of the counts), got {name!r}", "name")
    label = name if name is not None else _count_name(records, date)
    by_month = _month_resolution(records[date])
    if isinstance(records[date].dtype, pd.PeriodDtype):  # Periods: each as its first moment (NaT stays NaT)
        records = pd.DataFrame({date: records[date].dt.to_timestamp()}, index=records.index)
    with core_errors(index=records.index):  # an unreadable time named by the records' row label
        when = column_times(records, date)
    if when.dt.tz is not None:  # the month in England and Wales: 00:30 on 1 June BST is June, not May (UTC)
        when = when.dt.tz_convert("Europe/London").dt.tz_localize(None)
    if when.isna().all():
        raise InvalidInputError(f"column {date!r} has no dates", date)
    months = when.dt.to_period("M")

    def month(value: Any, name: str) -> pd.Period:
        try:
            m = pd.Period(value, "M")
        except (TypeError, ValueError, OverflowError) as exc:
            raise InvalidInputError(f"`{name}` {value!r} is not a month: {exc}", name) from exc
        if pd.isna(m):
            raise InvalidInputError(f"`{name}` is missing", name)
        return m

    lo = month(start, "start") if start is not None else months.min()
    hi = month(end, "end") if end is not None else months.max()
    if hi < lo:
        raise InvalidInputError(f"`end` ({hi}) is before `start` ({lo})", "end")
    known = months.notna().to_numpy()
    before = np.zeros(len(months), dtype=bool)
    after = np.zeros(len(months), dtype=bool)
    before[known] = (months[known] < lo).to_numpy()
    after[known] = (months[known] > hi).to_numpy()
    dropped = _drop_report(when, date, "monthly_counts", {f"a date before {lo}": before, f"a date after {hi}": after})
    idx = pd.period_range(lo, hi, freq="M")
    out = months.value_counts().reindex(idx, fill_value=0).rename(label)
    out.attrs["dropped"] = Records(dropped)
    out.attrs["date_column"] = date
    # a month with no record where the others have many is more likely a gap in the extract than a
    # month without detentions (Poisson: P(0) = e^-mean < 0.7% from a mean of 5); kept as 0, said
    values = out.to_numpy(dtype=float)
    zero = np.flatnonzero(values == 0)
    others = values[values > 0]
    gaps = [str(out.index[i]) for i in zero] if len(zero) and len(others) and others.mean() >= 5 else []
    out.attrs["zero_months"] = gaps
    if gaps:
        shown = ", ".join(gaps[:6]) + (f" and {len(gaps) - 6} more" if len(gaps) > 6 else "")
        warn_user(f"monthly_counts: no records at all in {shown}, though the other months average {others.mean():.1f}: "
                  "a gap in the records? The month is counted as 0, which its_poisson and SPC charts read as a real "
                  "zero; check the extract, or model the months that are complete; listed in .attrs['zero_months']")
    # dates given as months (police.uk's Month "2021-06", pandas Periods) are read as the first of
    # the month: every record then sat on day 1, and the last month looked like an extract that
    # stopped on its 1st (Hertfordshire's January 2022, 8,058 records, "01 Jan 2022 to 01 Jan 2022
    # only"). Such dates say nothing about days: no month is partial by them
    partial = [] if by_month else _partial_months(when[~(before | after) & known], out)
    out.attrs["partial_months"] = partial
    if partial:
        said = "; ".join(f"{p['month']}: records {p['covers']} only ({p['count']})" for p in partial)
        warn_user(f"monthly_counts: the records cover part of a month ({said}): at the rate of the other months a "
                  "gap that long without a record is very unlikely, so the extract probably starts or ends inside "
                  "the month, and its count is not a whole month's; an SPC chart or its_poisson would read it as a "
                  "real low month. Leave the month out (start= / end=) or use complete months; listed in "
                  ".attrs['partial_months']")
    return out


from ._periods import MONTH_PATTERN as _MONTH_TEXT  # noqa: E402 - police.uk's Month, read one way everywhere


def _month_resolution(column: pd.Series) -> bool:
    """Whether a date column holds months, not days: pandas monthly Periods, or text ``"YYYY-MM"``
    (police.uk's ``Month``, also as the categorical :func:`saferstats.read_street_crime` gives)."""
    dtype = column.dtype
    if isinstance(dtype, pd.PeriodDtype):
        one = pd.Period("2001-02-01", freq=dtype.freq)  # months, quarters, years: no day in them
        return bool(one.end_time - one.start_time >= pd.Timedelta(days=27))
    values = column.cat.categories.to_series() if isinstance(dtype, pd.CategoricalDtype) else column.dropna()
    if not len(values) or not all(isinstance(v, str) for v in values):
        return False
    return bool(values.astype("string").str.fullmatch(_MONTH_TEXT).all())


#: A first or last month whose records stop (or start) this much short of the month's end (start) is
#: partial when, at the other months' daily rate, so long a gap has a Poisson probability below this.
_PARTIAL_P = 1e-3


def _partial_months(when: pd.Series, counts: pd.Series) -> list[dict[str, Any]]:
    """The first and last months of ``counts`` that the times ``when`` cover only in part: no record
    from the month's start to the first one (or from the last one to the month's end) for a stretch
    that the other months' rate makes very unlikely (P(no event in g days) = exp(-rate * g) below
    :data:`_PARTIAL_P`)."""
    if len(counts) < 2 or when.empty:
        return []
    values = counts.to_numpy(dtype=float)
    days = np.array([p.days_in_month for p in counts.index], dtype=float)
    found = []
    for pos, first in ((0, True), (len(counts) - 1, False)):
        if len(counts) == 1 or (not first and pos == 0):
            continue
        month = counts.index[pos]
        others = np.ones(len(counts), dtype=bool)
        others[pos] = False
        rate = values[others].sum() / days[others].sum()
        in_month = when[when.dt.to_period("M") == month]
        if in_month.empty or rate <= 0:
            continue  # an empty month is a zero month (above), not a partial one
        t0, t1 = month.start_time, month.end_time
        gap = ((in_month.min() - t0) if first else (t1 - in_month.max())) / pd.Timedelta(days=1)
        if np.exp(-rate * gap) < _PARTIAL_P:
            lo_day, hi_day = (in_month.min(), t1) if first else (t0, in_month.max())
            found.append({"month": str(month), "count": int(values[pos]),
                          "covers": f"{lo_day:%d %b %Y} to {hi_day:%d %b %Y}", "gap_days": float(gap)})
    return found
