"""Session 27 (w43b): follow-ups of w42c on the NHS/Section 136 report's wording, England's MHA
rates, the use-of-force funnels' warnings, and what an SPC chart's ``variation`` says.

Every figure is checked against the published files read with pandas (``/work/shared/data``), or
against the method as NHSRplotthedots writes it, never against saferstats' own output."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import shared_path
import saferstats

FLY = "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv"


# ----------------------------------------------------------------------------- 4: SPC variation is the last point's

def test_variation_is_the_last_points_type_as_nhsrplotthedots(shared_data):
    """Dacorum's fly-tipping (Defra): 2012/13's 832 is below the XmR chart's lower limit, a special
    cause (improvement when fewer is better), yet the series' `variation` is common cause. That is
    NHSRplotthedots' rule (geom_ptd_icon: the point type of the point at the latest x), now said in
    spc's docstring and the methods page. Limits from the raw sheet with numpy: mean ± 2.66 × the
    average moving range (moving ranges of 3.267 × it or more left out)."""
    raw = pd.read_csv(shared_path(shared_data, FLY))
    d = raw[raw["ONS Code"].eq("E07000096")].sort_values("Year")  # Dacorum (2018-19: "Dacorum ")
    v = pd.to_numeric(d["Total Incidents"].astype(str).str.replace(",", ""), errors="raise").to_numpy(float)
    assert d["Year"].tolist()[0] == "2012-13" and v[0] == 832 and v[-1] == 1587 and len(v) == 10
    mr = np.abs(np.diff(v))
    amr = mr[mr < 3.267 * mr.mean()].mean()
    mean, lpl, upl = v.mean(), v.mean() - 2.66 * amr, v.mean() + 2.66 * amr
    assert v[0] < lpl and lpl < v[-1] < upl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # trial limits: 10 points
        out = saferstats.spc(v, periods=d["Year"].tolist(), improvement="decrease")
    assert out["mean"].iloc[0] == pytest.approx(mean) and out["lpl"].iloc[0] == pytest.approx(lpl)
    assert out["upl"].iloc[0] == pytest.approx(upl)
    assert out["point_type"].iloc[0] == "special_cause_improvement"
    assert (out["point_type"].iloc[1:] == "common_cause").all()
    # NHSRplotthedots: the variation icon is the point type at the latest period
    assert (out["variation"] == out["point_type"].iloc[-1]).all()
    assert out.attrs["summary"]["variation"].tolist() == ["common_cause"]
    doc = " ".join((saferstats.spc.__doc__ or "").split())
    assert "``variation`` is of the last point only." in doc
    assert ("has 2012/13's 832 below the lower limit, ``special_cause_improvement`` in ``point_type``, while "
            "``variation`` is ``common_cause``") in doc
