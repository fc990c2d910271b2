"""Notebook 07 makes every grid over its study area (Hertfordshire): a tutorial must not teach the
box grid its own functions warn about (session 20, w28c)."""

from __future__ import annotations

import json
import re
from pathlib import Path

NB = Path(__file__).resolve().parents[2] / "notebooks"


def _cells() -> list[dict]:
    return json.loads((NB / "07_hotspot_intelligence.ipynb").read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    out = []
    for o in cell.get("outputs", []):
        t = o.get("text") or o.get("data", {}).get("text/plain", "")
        out.append("".join(t) if isinstance(t, list) else t)
    return "\n".join(out)


def test_every_grid_of_notebook_07_is_made_over_the_study_area():
    src = (NB / "make_notebook_07.py").read_text(encoding="utf-8")
    calls = re.findall(r"saferstats\.(hotspot_kde|hotspot_classify|hotspot_count|prospective_hotspots|"
                       r"hotspot_change)\((.*?)\)\\n\"\n(?!\s*\"\s{20,})", src, flags=re.S)
    names = [c[0] for c in calls]
    assert sorted(set(names)) == ["hotspot_change", "hotspot_classify", "hotspot_count", "hotspot_kde",
                                  "prospective_hotspots"]
    for name, args in calls:
        assert "study_area=herts" in args, name
    assert "concentration(observed)" in src and "mask=area.reshape" in src


def test_notebook_07_outputs_carry_no_box_grid_warning_and_the_area_counts():
    cells = _cells()
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c.get("outputs") for c in code[:3]), "the committed notebook holds its outputs"
    text = "\n".join(_text(c) for c in code)
    assert "made without a study area" not in text
    assert "pai: the cells scored are" not in text
    assert "3 records in the square are outside Hertfordshire: left out" in text
    assert "13213 ASB records" in text
    assert "of 4,381 cells in the study area (108 outside it not classified)" in text
    assert "(2,419 events over 6,246 places)" in text
    assert "n=6246" in text
    md = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "from 3,281 to 2,419 reports" in md and "2,420" not in md
    assert "from 3,281 to 2,419" in text
