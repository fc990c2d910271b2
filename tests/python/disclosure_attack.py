"""An attacker's view of published tables: given what was published and the true (unsuppressed)
tables, try to work hidden counts back. Independent of saferstats' own audit (scipy only).

Attacks
-------
1. **Totals (linear system).** Unknowns: every hidden count and every unpublished difference the
   attacker knows exists (e.g. ``n - hits``). Equations: totals the attacker knows (row, column,
   group totals, derived totals such as conversions = s2 + s3), with the published cells moved to
   the right-hand side. A hidden cell is recovered when linear programming (``scipy.optimize.
   linprog``, with counts ≥ 0) pins it to a single integer (its feasible interval has width < 1).
2. **Derived values.** A published rate, limit, percentage or ratio in a row whose count is hidden:
   ``rate × population ÷ multiplier``, ``percent × denominator ÷ 100``, ``ratio × reference rate``,
   percent change × the other period's count; a back-solved value that is an integer equal to the
   true count is a recovery. Also flagged structurally: any published derived value beside a
   hidden count.

Usage::

    a = Attack()
    a.table("rates", published, truth, counts=["count"])
    a.total("rates", rows=..., column="count")       # Σ of these true cells is known
    a.relation([("rates", 0, "count")], [("other", 3, "n")])   # Σ lhs = Σ rhs
    findings = a.run()
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog

Cell = tuple[str, Any, Any]  # (table, row label, column)

MULTIPLIERS = (1, 100, 1_000, 10_000, 100_000)


@dataclasses.dataclass
class Finding:
    cell: Any
    true: float
    how: str
    low: float = math.nan
    high: float = math.nan

    def __repr__(self) -> str:  # pragma: no cover - for failure messages
        return f"Finding({self.cell}, true={self.true:g}, {self.how}, [{self.low:g}, {self.high:g}])"


def is_hidden(v: Any, marker: str | None = "[c]") -> bool:
    if marker is not None and isinstance(v, str) and v.strip() == marker:
        return True
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def num(v: Any) -> float:
    if is_hidden(v):
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _without_attrs(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s cells and labels (a shallow copy) without its attrs."""
    out = frame.copy(deep=False)
    out.attrs = {}
    return out


class Attack:
    def __init__(self, marker: str | None = "[c]") -> None:
        self.marker = marker
        self.tables: dict[str, tuple[pd.DataFrame, pd.DataFrame, list[Any]]] = {}
        self.truth: dict[Any, float] = {}
        self.hidden: set[Any] = set()
        self.latent: dict[Any, float] = {}
        self.equations: list[tuple[dict[Any, float], float]] = []  # (coefs over cells, rhs in true values)
        self.aliases: list[tuple[Any, Any]] = []

    # -------------------------------------------------------------- registration
    def table(self, name: str, published: pd.DataFrame, truth: pd.DataFrame, counts: Sequence[Any]) -> None:
        assert list(published.index) == list(truth.index), name
        # the attack reads cell by cell (`.at`), and pandas deep-copies a frame's attrs on each read
        # (outcome_test's 36 KB: 23 s of test_walk11's E4); the cells are what it needs
        published, truth = _without_attrs(published), _without_attrs(truth)
        self.tables[name] = (published, truth, list(counts))
        for c in counts:
            for r in truth.index:
                key = (name, r, c)
                t = float(truth.at[r, c])
                if math.isnan(t):
                    continue
                self.truth[key] = t
                if is_hidden(published.at[r, c], self.marker):
                    self.hidden.add(key)
                else:
                    assert abs(num(published.at[r, c]) - t) < 1e-9 or True  # rounding allowed

    def latent_cell(self, key: Any, value: float) -> Any:
        """A cell never published but known to exist (e.g. n - hits)."""
        self.latent[key] = float(value)
        self.truth[key] = float(value)
        self.hidden.add(key)
        return key

    def total(self, cells: Iterable[Any]) -> None:
        """The attacker knows Σ of these cells (computed from the truth)."""
        cells = [c for c in cells if c in self.truth]
        if len(cells) > 1:
            self.equations.append(({c: 1.0 for c in cells}, sum(self.truth[c] for c in cells)))

    def relation(self, lhs: Iterable[Any], rhs: Iterable[Any]) -> None:
        """Σ lhs = Σ rhs holds by definition (e.g. conversions = s2 + s3; count_to = next count_from)."""
        coefs: dict[Any, float] = {}
        for c in lhs:
            coefs[c] = coefs.get(c, 0.0) + 1.0
        for c in rhs:
            coefs[c] = coefs.get(c, 0.0) - 1.0
        coefs = {c: k for c, k in coefs.items() if k != 0 and c in self.truth}
        if coefs:
            self.equations.append((coefs, 0.0))

    def subset(self, part: Any, whole: Any, key: Any) -> None:
        """``part`` is counted within ``whole``; their difference is an unpublished cell."""
        if part in self.truth and whole in self.truth:
            self.latent_cell(key, self.truth[whole] - self.truth[part])
            self.relation([part, key], [whole])

    def part_of_whole_table(
        self, name: str, published: pd.DataFrame, truth: pd.DataFrame, counts: Sequence[Any],
        part: Any, whole: Any, rest: Any, keys: Sequence[Any],
    ) -> None:
        """A table whose ``part`` column counts within its ``whole`` column (successes of trials,
        hits of searches): the table, each row's unpublished ``rest = whole - part`` and the
        totals of every count column over ``keys``."""
        self.table(name, published, truth, counts)
        for r in truth.index:
            self.subset((name, r, part), (name, r, whole), (name, r, rest))
        for c in counts:
            self.totals_over_keys(name, keys, c)

    def totals_over_keys(self, name: str, keys: Sequence[Any], column: Any) -> None:
        """Totals of ``column`` over each key given the others (what releases usually publish)."""
        _, truth, _ = self.tables[name]
        if not keys:
            self.total((name, r, column) for r in truth.index)
            return
        for k in keys:
            rest = [c for c in keys if c != k]
            groups = truth.groupby(rest if len(rest) > 1 else rest[0], dropna=False).groups if rest \
                else {"all": truth.index}
            for rows in groups.values():
                self.total((name, r, column) for r in rows)

    # ----------------------------------------------------------------- attacks
    def blocks_without_hidden_zero(self, part: Callable[[Any], Any] | None = None) -> set[Any]:
        """The hidden counts whose linked block (hidden cells sharing an equation) hides no zero
        count: a reader given only those rows takes each as at least 1 (zeros are published), and
        is right to (docs/methods/disclosure.md E6; the core's ``floor_one``, judged per block).
        With ``part`` (cell -> the part a reader may be given alone, ``suppress(within=)``), per part
        of each block."""
        where = part if part is not None else (lambda c: None)
        parent = {c: c for c in self.hidden}

        def root(c: Any) -> Any:
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        for coefs, _ in self.equations:
            cells = [c for c in coefs if c in parent]
            for a, b in zip(cells, cells[1:]):
                parent[root(a)] = root(b)
        zero_roots = {(root(c), where(c)) for c in self.hidden if c not in self.latent and self.truth[c] == 0}
        return {c for c in self.hidden if c not in self.latent and (root(c), where(c)) not in zero_roots}

    def linear(self, floor_one: bool = False, part: Callable[[Any], Any] | None = None,
               only: Iterable[Any] | None = None) -> list[Finding]:
        """Pin hidden cells with the known totals (LP bounds with counts >= 0; with ``floor_one``,
        >= 1 for the hidden counts of a block (of a part, with ``part``) that hides no zero,
        :meth:`blocks_without_hidden_zero`). ``only``: attack just these hidden cells (the rest
        stay unknowns; two programmes a cell, so a large table's small counts alone)."""
        if not self.hidden:
            return []
        hid = sorted(self.hidden, key=repr)
        pos = {c: i for i, c in enumerate(hid)}
        at_least_one = self.blocks_without_hidden_zero(part) if floor_one else set()
        bounds = [(1.0 if c in at_least_one else 0.0, None) for c in hid]
        rows, rhs = [], []
        for coefs, total in self.equations:
            if not any(c in pos for c in coefs):
                continue
            row = np.zeros(len(hid))
            b = total
            for c, k in coefs.items():
                if c in pos:
                    row[pos[c]] += k
                else:
                    b -= k * self.truth[c]  # published (the attacker reads it)
            rows.append(row)
            rhs.append(b)
        out = []
        if not rows:
            return out
        a_eq, b_eq = np.array(rows), np.array(rhs)
        targets = set(hid) if only is None else set(only) & set(hid)
        for c in (c for c in hid if c in targets):
            if c in self.latent:
                sens_latent = True
            else:
                sens_latent = False
            i = pos[c]
            obj = np.zeros(len(hid))
            obj[i] = 1.0
            lo = linprog(obj, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            hi = linprog(-obj, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if lo.status != 0 or hi.status not in (0, 3):
                continue
            low, high = lo.fun, (math.inf if hi.status == 3 else -hi.fun)
            # integer counts: pinned when exactly one integer fits
            if math.isfinite(high) and math.floor(high + 1e-7) == math.ceil(low - 1e-7):
                out.append(Finding(c, self.truth[c], "latent difference" if sens_latent else "totals", low, high))
        return out

    def derived(self, name: str, *, population: Any = None, denominator: dict[Any, Any] | None = None,
                derived: Sequence[Any] = (), counts: Sequence[Any] | None = None) -> list[Finding]:
        """Back-solve hidden counts (``counts``, default all) of table ``name`` from published derived
        values of their row."""
        published, truth, all_counts = self.tables[name]
        counts = all_counts if counts is None else list(counts)
        out = []
        denominator = denominator or {}
        for r in truth.index:
            for c in counts:
                key = (name, r, c)
                if key not in self.hidden or key in self.latent:
                    continue
                true = self.truth[key]
                shown = [d for d in derived if d in published.columns and not is_hidden(published.at[r, d], self.marker)
                         and not math.isnan(num(published.at[r, d]))]
                for d in shown:
                    out.append(Finding(key, true, f"published derived value {d!r} beside a hidden count"))
                # rate x population / multiplier
                if population is not None and population in published.columns:
                    pop = num(published.at[r, population])
                    for d in shown:
                        if str(d).lower() not in {"rate", "value", "percent", "share", "rate_from", "rate_to"}:
                            continue
                        v = num(published.at[r, d])
                        for m in MULTIPLIERS:
                            k = v * pop / m
                            if abs(k - round(k)) < 1e-6 * max(1, abs(k)) and round(k) == true and true > 0:
                                out.append(Finding(key, true, f"{d} x {population} / {m}"))
                # percent x denominator
                den_col = denominator.get(c)
                if den_col is not None and den_col in published.columns:
                    den = num(published.at[r, den_col])
                    for d in shown:
                        v = num(published.at[r, d])
                        for scale in (1, 100):
                            k = v * den / scale
                            if abs(k - round(k)) < 1e-6 * max(1, abs(k)) and round(k) == true and true > 0:
                                out.append(Finding(key, true, f"{d} x {den_col} / {scale}"))
        return out

    def ratios(self, name: str, *, ratio: Any, rate: Any, population: Any, strata: Sequence[Any],
               reference_rows: Iterable[Any], multipliers: Sequence[float] = MULTIPLIERS) -> list[Finding]:
        """A group's ratio to a published reference rate gives its rate, hence its count; a published
        group rate over a ratio gives a hidden reference's rate."""
        published, truth, counts = self.tables[name]
        out = []
        refs = set(reference_rows)
        strata = list(strata)
        groups = truth.groupby(strata if len(strata) > 1 else strata[0], dropna=False).groups if strata \
            else {"all": truth.index}
        for rows in groups.values():
            ref = [r for r in rows if r in refs]
            if not ref:
                continue
            ref_r = ref[0]
            for r in rows:
                if r == ref_r:
                    continue
                q = num(published.at[r, ratio])
                if math.isnan(q):
                    continue
                for c in counts:
                    # hidden group count, published reference rate
                    key, rkey = (name, r, c), (name, ref_r, c)
                    ref_rate = num(published.at[ref_r, rate])
                    pop = num(published.at[r, population])
                    if key in self.hidden and not math.isnan(ref_rate):
                        for m in multipliers:
                            k = q * ref_rate * pop / m
                            if round(k) == self.truth[key] and abs(k - round(k)) < 0.05 and self.truth[key] > 0:
                                out.append(Finding(key, self.truth[key], f"{ratio} x reference {rate}"))
                    # hidden reference count, published group rate
                    g_rate = num(published.at[r, rate])
                    ref_pop = num(published.at[ref_r, population])
                    if rkey in self.hidden and not math.isnan(g_rate) and q > 0:
                        for m in multipliers:
                            k = g_rate / q * ref_pop / m
                            if round(k) == self.truth[rkey] and abs(k - round(k)) < 0.05 and self.truth[rkey] > 0:
                                out.append(Finding(rkey, self.truth[rkey], f"group {rate} / {ratio}"))
        return out

    def percent_change(self, name: str, *, pct: Any = "pct_change", count_from: Any = "count_from",
                       count_to: Any = "count_to", pop_from: Any = None, pop_to: Any = None) -> list[Finding]:
        """count_to = count_from × (1 + pct/100) × pop_to/pop_from, and the other way round."""
        published, truth, _ = self.tables[name]
        out = []
        for r in truth.index:
            p = num(published.at[r, pct])
            if math.isnan(p):
                continue
            f = num(published.at[r, count_from])
            t = num(published.at[r, count_to])
            scale = 1.0
            if pop_from and pop_to:
                scale = num(published.at[r, pop_to]) / num(published.at[r, pop_from])
            if math.isnan(t) and not math.isnan(f):
                k = f * (1 + p / 100) * scale
                true = self.truth[(name, r, count_to)]
                if abs(k - true) < 0.5 and true > 0:
                    out.append(Finding((name, r, count_to), true, "percent change x count_from"))
            if math.isnan(f) and not math.isnan(t) and p > -100:
                k = t / (1 + p / 100) / scale
                true = self.truth[(name, r, count_from)]
                if abs(k - true) < 0.5 and true > 0:
                    out.append(Finding((name, r, count_from), true, "count_to / percent change"))
        return out

    def small_published(self, threshold: float = 5) -> list[Finding]:
        """Published counts 0 < n < threshold (primary suppression missed)."""
        out = []
        for name, (published, truth, counts) in self.tables.items():
            for c in counts:
                for r in truth.index:
                    v = num(published.at[r, c])
                    if 0 < v < threshold:
                        out.append(Finding((name, r, c), v, "small count published"))
        return out

    def run(self, threshold: float = 5) -> list[Finding]:
        """The totals attack on every hidden cell plus small published counts. Latent
        differences count only when small (0 < d < threshold); hidden counts of any size."""
        found = [f for f in self.linear() if f.cell not in self.latent or 0 < f.true < threshold]
        return found + self.small_published(threshold)


def totals_attack_on_suppressed(published: pd.DataFrame, truth: pd.DataFrame, counts: Sequence[Any],
                                keys: Sequence[Any], *, row_totals: bool = False, threshold: float = 5,
                                marker: str | None = "[c]") -> list[Finding]:
    """Convenience: one table, totals of each count column over each key, optional row totals."""
    a = Attack(marker)
    a.table("t", published, truth, counts)
    for c in counts:
        a.totals_over_keys("t", list(keys), c)
    if row_totals and len(counts) > 1:
        for r in truth.index:
            a.total(("t", r, c) for c in counts)
    return a.run(threshold)
