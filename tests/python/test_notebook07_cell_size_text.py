"""Walk-through 3: notebook 07 said its emerging-hotspot Gi* ran "on 400 m cells"; its own output
printed "cell size 300.0 m" (bounds to 524,999 m: a side of 19,999 m, 1/50 = 399.98, floored to
300). The text is checked against sfhotspot's rule computed here and against auto_cell_size."""

import json
import math
import re
from pathlib import Path

import saferstats

NB = Path(__file__).resolve().parents[2] / "notebooks" / "07_hotspot_intelligence.ipynb"


def test_the_cell_size_in_the_text_is_the_one_used():
    cells = json.loads(NB.read_text())["cells"]
    code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    b = [float(v.replace("_", "")) for v in re.search(r"bounds = \(([\d_]+), ([\d_]+), ([\d_]+), ([\d_]+)\)",
                                                        code).groups()]
    side = min(b[1] - b[0], b[3] - b[2])
    rule = math.floor(side / 50 / 100) * 100  # sfhotspot set_cell_size: 1/50 of the shorter side, floored to 100 m
    assert rule == saferstats.auto_cell_size([b[0], b[1]], [b[2], b[3]]) == 300
    text = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    stated = {int(v) for v in re.findall(r"(\d+) m cells", text)}
    assert stated == {rule}, stated
