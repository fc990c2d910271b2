"""Ethnicity not stated, force by force (walk-through 3).

`disproportionality` reported one not-stated share for all forces together (15.7% in the seven
police.uk forces, Dec 2019 - Feb 2020), and the report printed only that, though City of London had
34% not stated and Durham 3%: rates count only the stated searches, so the forces' rates were not
like for like. `.attrs["not_stated_by"]` now gives each force's counts, and the report names the
forces with a fifth or more not stated. Checked against the csv module.
"""

from __future__ import annotations

import warnings
from collections import Counter

import saferstats
from conftest import build_report, policeuk_stop_search_rows


def _counts(folder):
    ns, n = Counter(), Counter()
    for force, row in policeuk_stop_search_rows(folder):
        if row["Type"] == "Vehicle search":
            continue
        n[force] += 1
        eth = row["Self-defined ethnicity"].strip()
        ns[force] += (not eth) or eth.endswith("Not stated")
    return ns, n


def test_not_stated_by_force_equals_an_independent_count():
    folder = saferstats.datasets.stop_search_sample_path()
    ns, n = _counts(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = saferstats.disproportionality(saferstats.read_stop_search(folder), by="force", census=2011)
    assert out.attrs["not_stated_by"] == {f: (ns[f], n[f]) for f in n}
    assert sum(v[0] for v in out.attrs["not_stated_by"].values()) == out.attrs["excluded"]["not_stated"]


def test_report_names_the_forces_with_many_not_stated(tmp_path):
    folder = saferstats.datasets.stop_search_sample_path()
    ns, n = _counts(folder)
    high = {f: ns[f] / n[f] for f in n if ns[f] >= 0.2 * n[f]}
    assert "city-of-london" in high and "durham" not in high
    build_report(tmp_path, f'title = "T"\narea = "Durham"\n[stop_search]\nfiles = ["{folder}"]\nby = ["force"]\n')
    page = (tmp_path / "o" / "index.html").read_text()
    assert f"Ethnicity was not stated for {high['city-of-london']:.0%} of searches in the City of London" in page  # (walk 21)
    assert "searches in Durham" not in page
