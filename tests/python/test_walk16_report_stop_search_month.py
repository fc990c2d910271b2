"""Report `[stop_search] by = ["force", "month"]` on police.uk files as published (walk-through 16,
a Leicestershire analyst). The disclosure audit took a month's searches by ethnic group summed over
the forces in the files as a known total - a third face of the force x month x group cube that no
one publishes - and its secondary suppression then hid every count of all seven forces (Merseyside's
2,000-odd White searches a month included): the section said "no ethnic group's ratio to White can
be shown" for every force. The totals assumed known are now each force's month (police.uk) and each
force's searches by group over the period (the Home Office's force x ethnicity table).

Checked independently: published White counts against the csv module's count of the files, and
every hidden count against scipy's linear programme (``linprog``, HiGHS): with the published cells,
the assumed-known totals (computed here from the report's own full table) and each hidden count
at least 0 (the audit may hide a zero) and at least the find table's published number of its row, no
hidden count is pinned to one value."""

from __future__ import annotations

import csv
import gzip
import warnings

import numpy as np
import pandas as pd

import saferstats
from conftest import build_report

MARK = "[c]"


def _white_by_force_month(folder):
    """(force slug, month) -> searches of people with a self-defined White ethnicity, not vehicle-only."""
    out: dict[tuple[str, str], int] = {}
    for f in sorted(folder.iterdir()):
        opener = gzip.open if f.suffix == ".gz" else open
        force, month = f.name[8:].split("-stop-and-search")[0], f.name[:7]
        with opener(f, "rt", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["Type"] != "Vehicle search" and row["Self-defined ethnicity"].startswith("White - "):
                    out[(force, month)] = out.get((force, month), 0) + 1
    return out


def _full_table(folder):
    """The unsuppressed searches by force x month x group (the totals the audit assumes known)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = saferstats.read_stop_search(folder)
        return saferstats.disproportionality(rec, by=["force", "month"], census=2011)


def _check_not_pinned(published: pd.DataFrame, full: pd.DataFrame, finds: pd.DataFrame) -> int:
    """Every hidden count of each force has a range of values consistent with what is published
    and the totals assumed known (scipy linprog); returns how many hidden counts were checked."""
    from scipy.optimize import linprog

    checked = 0
    for force, pub in published.groupby("force", sort=False):
        hid = pub["searches"].eq(MARK).to_numpy()
        if not hid.any():
            continue
        true = full[full["force_name"] == force].set_index(["month", "group"])["searches"]
        rows = list(pub[["month", "group"]].itertuples(index=False, name=None))
        var = [k for k, h in zip(rows, hid) if h]
        a_eq, b_eq = [], []
        for col, other in (("month", "group"), ("group", "month")):
            for key in pub[col].unique():
                members = [r for r in rows if r[0 if col == "month" else 1] == key]
                known = sum(int(true[r]) for r in members)
                pub_sum = sum(int(v) for r, v in zip(rows, pub["searches"]) if r in members and v != MARK)
                coef = [1.0 if v in members else 0.0 for v in var]
                if any(coef):
                    a_eq.append(coef)
                    b_eq.append(known - pub_sum)
        fn = finds[finds["force"] == force].set_index(["month", "group"])["n"]
        lower = [int(fn[v]) if v in fn.index and fn[v] != MARK else 0 for v in var]
        bounds = list(zip(lower, [None] * len(var)))
        for j in range(len(var)):
            c = np.zeros(len(var))
            c[j] = 1.0
            lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            assert lo.status == 0 and hi.status == 0, (force, var[j])
            assert -hi.fun - lo.fun >= 1 - 1e-9, f"{force} {var[j]} is pinned to {lo.fun}"
            checked += 1
    return checked


def _run(tmp_path, folder, area):
    out = build_report(tmp_path, f'title = "T"\narea = "{area}"\n[stop_search]\nfiles = ["{folder}"]\n'
                                 'by = ["force", "month"]\ncensus = "2011"\n')
    pub = pd.read_csv(out / "stop_search_disproportionality.csv", dtype=str, keep_default_na=False)
    finds = pd.read_csv(out / "stop_search_find_rates.csv", dtype=str, keep_default_na=False)
    full = _full_table(folder)
    # police.uk slugs -> the names the report prints (session 20: the CSVs too, "City of London")
    from saferstats.report.sections import _said_names

    names = _said_names(full["force"].astype(str).unique())
    full = full.assign(force_name=full["force"].astype(str).map(names), month=full["month"].astype(str),
                       group=full["group"].astype(str))
    return out, pub, finds, full, names


def test_seven_forces_by_month_publish_large_counts(tmp_path, shared_data):
    folder = shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02"
    out, pub, finds, full, names = _run(tmp_path, folder, "Leicestershire")
    white = _white_by_force_month(folder)
    merseyside = pub[pub["force"] == "Merseyside"]
    assert not merseyside["searches"].eq(MARK).any()  # no count of Merseyside is small or gives one back
    checked_white = 0
    for slug, name in names.items():
        for month in ("2019-12", "2020-01", "2020-02"):
            row = pub[(pub["force"] == name) & (pub["month"] == month) & (pub["group"] == "White")].iloc[0]
            if row["searches"] != MARK:
                assert int(row["searches"]) == white[(slug, month)]
                checked_white += 1
    assert checked_white >= 15  # most forces' White counts are published
    # at most a few cells per force are hidden (the 3-D audit hid 105 of 105)
    assert pub["searches"].eq(MARK).sum() < len(pub) // 3
    assert _check_not_pinned(pub, full, finds) > 0
    html = (out / "index.html").read_text()
    assert "In Merseyside, no ethnic group" not in html


def test_bundled_sample_by_month_hidden_counts_not_pinned(tmp_path):
    folder = saferstats.datasets.stop_search_sample_path()
    out, pub, finds, full, names = _run(tmp_path, folder, "Derbyshire")
    assert pub["searches"].eq(MARK).any()  # the sample has small counts
    assert _check_not_pinned(pub, full, finds) > 0
    html = (out / "index.html").read_text()
    assert "each area&#39;s searches by group over the period" in html or \
        "each area's searches by group over the period" in html
