"""The exact audit's size bound is on its matrix (relations x hidden cells), not on the number of
hidden cells (session 27): a year of Defra's fly-tipping by council, every count column, was
refused ("1530 linked hidden cells under 207 relations: more than the exact audit handles (800);
split the table (e.g. `by=`) ...", a keyword ``suppress`` does not have), though its matrix is
207 x 1,737, far smaller than the 1,600 x 2,400 the old bound let through.

Reference: independent of the core's audit — numpy's SVD for the cells a linear combination of the
totals gives back (a hidden cell is recoverable exactly when every vector of the null space of the
hidden cells' relations is 0 there), and the attacker of ``disclosure_attack.py`` (scipy's
``linprog``, counts >= 0, hidden counts >= 1 where no zero is hidden with them) for the small counts.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from disclosure_attack import Attack


def _region(shared_data, region: str, period: str) -> tuple[pd.DataFrame, list[str], list[str], list[str]]:
    from conftest import defra_flytipping_read

    from saferstats.disclosure import column_roles

    f = defra_flytipping_read(shared_data, "Flytipping.xlsx")
    counts = column_roles(f)["counts"]
    land, waste = counts[1:11], counts[11:26]
    y = f[(f["period"] == period) & (f["region"] == region)]
    y = y[y[counts].notna().all(axis=1)].reset_index(drop=True)
    return y[["region", "la_name", *counts]], counts, land, waste


def _attack(published: pd.DataFrame, truth: pd.DataFrame, counts: list[str], sums: list[list[str]]) -> Attack:
    """What a reader knows: each count column's total over the region's councils (Defra publishes
    the regions' totals) and incidents = its land types = its waste types in every row where it holds."""
    a = Attack()
    a.table("f", published[counts], truth[counts].astype(float), counts)
    for c in counts:
        a.total(("f", r, c) for r in truth.index)
    for parts in sums:
        holds = truth[parts].sum(axis=1) == truth["incidents"]
        for r in np.flatnonzero(holds.to_numpy()).tolist():
            a.relation([("f", r, "incidents")], [("f", r, c) for c in parts])
    return a


def _linearly_recovered(a: Attack) -> list:
    """Hidden cells that the totals give back by a linear combination (numpy SVD null space)."""
    hid = sorted(a.hidden, key=repr)
    pos = {c: i for i, c in enumerate(hid)}
    rows = []
    for coefs, _ in a.equations:
        row = np.zeros(len(hid))
        for c, k in coefs.items():
            if c in pos:
                row[pos[c]] += k
        if row.any():
            rows.append(row)
    m = np.array(rows)
    _, s, vt = np.linalg.svd(m)
    rank = int((s > 1e-9 * s[0]).sum())
    null = vt[rank:]  # rows span the null space of the hidden cells' relations
    return [hid[i] for i in range(len(hid)) if np.abs(null[:, i]).max(initial=0.0) < 1e-9]


def test_a_region_of_defra_counts_is_audited_not_refused(shared_data):
    """Defra 2021/22, the South East's 64 councils, every count column with the region's totals
    (``keys=["region", "la_name"]``): refused before ("1706 linked hidden cells under 225 relations:
    more than the exact audit handles (800)", met while checking which small counts no suppression
    can protect, with every count hidden); now suppressed (276 counts hidden, 208 of them under 5),
    and no hidden count comes back, linearly or by linear programming."""
    t, counts, land, waste = _region(shared_data, "South East", "2021/22")
    assert len(t) == 64
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = saferstats.suppress(t, keys=["region", "la_name"])
    assert out.attrs["unprotected"] == []
    truth = t[counts].to_numpy(dtype=float)
    shown = out[counts]
    hidden = shown.eq("[c]").to_numpy()
    small = (truth > 0) & (truth < 5)
    assert hidden[small].all() and int(small.sum()) > 200       # every small count hidden,
    assert int(hidden.sum()) > int(small.sum())                 # with others to protect them
    a = _attack(out, t, counts, [land, waste])
    assert _linearly_recovered(a) == []
    smalls = [("f", int(r), counts[int(c)]) for r, c in zip(*np.nonzero(small))]
    assert a.linear(floor_one=True, only=smalls) == []         # nor by linear programming

def test_too_large_an_audit_is_refused_by_its_matrix_naming_what_to_do(monkeypatch):
    """The message gives the matrix and says what a user can do (suppress in parts, or publish
    fewer totals), naming no keyword ``suppress`` lacks."""
    rng = np.random.default_rng(7)
    # 400 rows of 12 count columns of ones and twos, each column's total over the rows, and two sum
    # columns (all twelve, the first six; so not a two-way table): a block of 5,600 hidden cells under
    # 814 relations (an 814 x 5,600 matrix, more than 3,840,000 entries)
    vals = rng.integers(1, 3, size=(400, 12)).astype(float)
    cols = [f"c{i}" for i in range(12)]
    t = pd.DataFrame(vals, columns=cols)
    t.insert(0, "area", [f"a{i}" for i in range(400)])
    t["total"], t["first_six"] = vals.sum(axis=1), vals[:, :6].sum(axis=1)
    with pytest.raises(saferstats.InvalidInputError) as e, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        saferstats.suppress(t, keys=["area"], totals={})
    msg = str(e.value)
    assert "the exact audit would need a" in msg and "matrix" in msg and "3840000 entries" in msg
    assert "suppress the table in parts" in msg and "by=" not in msg
