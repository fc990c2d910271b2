"""Session 28, w45c: published readers on the files as published (FixMyStreet, Census 2021 TS021 by
LSOA, Defra's fly-tipping table, the 2011 LA demographics file) and Dacorum's LSOAs.

3. Dacorum's LSOAs were a range of codes (E01023345-E01023438: East Hertfordshire's E01023438 and
   the non-code E01023353 in, E01033022/3 out); they are now taken from the ONS lookups, and the
   figures the docs and the concentration docstring/warning give are those of the lookup's LSOAs.
"""

from __future__ import annotations

import glob
import inspect
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError
from saferstats.hotspot import evaluate
from conftest import shared_path
from test_flytip_w42e import dacorum_lsoa11
from warning_capture import saferstats_messages

ROOT = Path(__file__).resolve().parents[2]
LSOA19 = "fly_tipping/fixmystreet_LSOA_yearly/2019.csv"


def _gini(x: np.ndarray) -> float:
    """The sample Gini (R ineq::Gini), written out."""
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    return float(2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum()) - (n + 1) / n)


# --------------------------------------------------------------------------- 3. Dacorum's LSOAs
def test_dacorum_lsoas_from_the_lookup(shared_data):
    d11 = dacorum_lsoa11(shared_data)
    assert len(d11) == 94 and {"E01033022", "E01033023", "E01023398"} <= d11
    assert "E01023438" not in d11 and "E01023353" not in d11
    # police.uk's street files (LSOA 2011 code and name) name the same 94 LSOAs "Dacorum ..."
    files = sorted(glob.glob(str(shared_path(shared_data, "street_crime") / "*hertfordshire-street.csv")))
    st = pd.concat(pd.read_csv(f, usecols=["LSOA code", "LSOA name"]) for f in files)
    assert set(st.loc[st["LSOA name"].str.startswith("Dacorum ", na=False), "LSOA code"]) == d11
    raw = pd.read_csv(shared_path(shared_data, LSOA19))
    a29 = raw[raw["SHEF_A_CODE"] == "A29"].set_index("lsoa")["reports"]
    listed = a29[a29.index.isin(d11)]
    full = listed.reindex(sorted(d11), fill_value=0)
    assert (len(listed), int(listed.sum())) == (46, 154)
    g_listed, g_full = _gini(listed.to_numpy()), _gini(full.to_numpy())
    assert (round(g_listed, 2), round(g_full, 2)) == (0.50, 0.76)
    c = saferstats.concentration(full)
    assert c.gini == pytest.approx(g_full)
    # what the docs, the docstring and the warning say
    doc = (ROOT / "docs/methods/hotspot_intelligence.md").read_text(encoding="utf-8")
    assert "fall in 46\nof Dacorum's 94 LSOAs 2011" in doc and "E01023345" not in doc
    assert f"{round(100 * c.share_of_events(0.05), 1)}% of the {int(listed.sum())}\nreports" in doc
    assert "Gini\n0.50 over the 46, 0.76 over the 94" in doc
    src = inspect.getsource(evaluate)
    assert "in 46 of its 94 LSOAs 2011" in src and "0.50 over the 46 LSOAs listed" in src
    assert "45 of its 94" not in src
