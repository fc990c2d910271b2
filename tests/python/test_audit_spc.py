"""Reference audit: spc's attribute charts against Montgomery's published examples, pyspc 0.4's
chart classes and (for unequal denominators and Laney's charts) the textbook definitions, stored in
tests/fixtures/audit_spc.json by tests/fixtures/generate_audit_spc.py.

The older tests checked c, p and Laney p' on equal denominators only (closed forms in the tests);
nothing compared a u chart or any chart with unequal denominators with an outside figure."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import load_fixture

import saferstats

FX = load_fixture("audit_spc.json")
REL = 1e-12  # closed forms in double precision on both sides


def _spc(**kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)  # trial limits on < 12 points
        return saferstats.spc(**kw)


def _matches_book(out, f, *, mean_abs, limits_abs):
    """The chart's first mean and limits against the book's printed figures (to their rounding),
    and every mean and limit against the fixture's closed forms."""
    pub = f["published"]
    assert out["mean"].iloc[0] == pytest.approx(pub["mean"], abs=mean_abs)
    assert out["upl"].iloc[0] == pytest.approx(pub["upl"], abs=limits_abs)
    assert out["lpl"].iloc[0] == pytest.approx(pub["lpl"], abs=limits_abs)
    for col in ("mean", "lpl", "upl"):
        np.testing.assert_allclose(out[col], f[col], rtol=REL)


def test_p_chart_montgomery_example_7_1():
    f = FX["p_canjuice"]
    out = _spc(values=f["counts"], chart="p", denominators=f["denominators"])
    _matches_book(out, f, mean_abs=5e-5, limits_abs=5e-5)
    np.testing.assert_allclose(out["value"], np.array(f["counts"]) / np.array(f["denominators"]), rtol=REL)


def test_c_chart_montgomery_example_7_3():
    f = FX["c_circuits"]
    out = _spc(values=f["counts"], chart="c")
    # the book computes the limits from c-bar rounded to 19.85 (19.85 + 3 sqrt(19.85) = 33.216);
    # from the unrounded 516/26 the upper limit is 33.211
    _matches_book(out, f, mean_abs=5e-3, limits_abs=1e-2)


def test_u_chart_unequal_units_matches_pyspc():
    f = FX["u_inspection"]
    out = _spc(values=f["counts"], chart="u", denominators=f["denominators"])
    np.testing.assert_allclose(out["value"], f["value"], rtol=REL)
    np.testing.assert_allclose(out["mean"], f["mean"], rtol=REL)
    np.testing.assert_allclose(out["lpl"], f["lpl"], rtol=REL)
    np.testing.assert_allclose(out["upl"], f["upl"], rtol=REL)


@pytest.mark.parametrize("key,chart,laney", [("p_unequal", "p", False), ("u_unequal", "u", False),
                                             ("p_laney", "p", True), ("u_laney", "u", True)])
def test_unequal_denominators_and_laney_match_the_definitions(key, chart, laney):
    f = FX[key]
    out = _spc(values=f["counts"], chart=chart, denominators=f["denominators"], laney=laney)
    np.testing.assert_allclose(out["mean"], f["mean"], rtol=REL)
    for col in ("lpl", "upl", "lower_2sigma", "upper_2sigma"):
        np.testing.assert_allclose(out[col], f[col], rtol=1e-12, atol=1e-15, err_msg=col)
    assert out.attrs["summary"]["chart"].iloc[0] == (f"{chart}_laney" if laney else chart)
