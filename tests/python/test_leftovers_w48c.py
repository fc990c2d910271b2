"""Session 29 (w48c): small leftovers.

1. ``plot_kde``'s title of a hotspot grid's other layers says the cell size with its unit, as
   every other cell size (``cells_said``): "Count per cell (cells of 97.5 m)", not
   "cells of 97.5099 × 97.5099".
2. ``Weights.lattice(mask=)``'s refusal says a flat mask is read "row by row of {ncols} values".
3. ``read_stop_search``, ``read_street_crime`` (``_street_inputs``) and ``read_mid_year_population``
   pass their parameter's name to ``io.input_files``.
4. ``suppress``' "may be a total" rule knows the authorities the districts merged into since 2016
   (West Suffolk = Forest Heath + St Edmundsbury, 2019; Cumberland, 2023), whatever their words.

Figures are from the published files read with pandas or worked by hand, never from saferstats'
own output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from saferstats.exceptions import InvalidInputError
from test_followups_w46c import _table as _areas_table, _totals_said
from warning_capture import saferstats_messages


# ----------------------------------------------------------------------------- 1: the plot's title

@pytest.mark.parametrize("size, said", [(97.50994655905757, "97.5"), (250, "250"), (100.0, "100")])
def test_plot_kde_title_says_the_cell_size_in_metres(size, said):
    import matplotlib

    matplotlib.use("Agg")
    g = saferstats.hotspot_count([0, 10, 260, 400], [0, 0, 120, 300], cell_size=size)
    assert g.cell_size == size
    assert round(size, 1) == float(said)  # a tenth of a metre, by hand
    ax = saferstats.plot_kde(g)
    assert ax.get_title() == f"Count per cell (cells of {said} m)"
    matplotlib.pyplot.close("all")


# ----------------------------------------------------------------------------- 2: the mask's wording

def test_lattice_mask_refusal_says_row_by_row_of_ncols_values():
    nrows, ncols = 3, 4
    bad = np.ones(nrows * ncols - 1, dtype=bool)
    with pytest.raises(InvalidInputError) as e:
        saferstats.Weights.lattice(nrows, ncols, mask=bad)
    assert e.value.argument == "mask"
    assert str(e.value) == ("`mask` must be a boolean array of shape (3, 4) (one value per cell), or a flat one of "
                            "12 values (3 × 4) in the cells' order, row by row of 4 values (a hotspot grid's "
                            "g.cells['in_study_area']); got bool (11,)")


# ----------------------------------------------------------------------------- 3: the readers' argument

@pytest.mark.parametrize("reader, kinds", [
    (saferstats.read_stop_search, ".csv, .csv.gz, .json, .json.gz"),
    (saferstats.read_street_crime, "-street.csv, -street.csv.gz, .zip"),
    (saferstats.read_mid_year_population, ".csv"),
])
def test_readers_path_errors_name_path_or_paths(tmp_path, reader, kinds):
    (tmp_path / "notes.txt").write_text("not a table\n")
    with pytest.raises(InvalidInputError) as e:
        reader(tmp_path)
    assert e.value.argument == "path_or_paths"
    assert str(e.value) == f"path_or_paths: {tmp_path}: folder has no {kinds} files"
    with pytest.raises(InvalidInputError) as e:
        reader(tmp_path / "none")
    assert e.value.argument == "path_or_paths" and str(e.value) == f"path_or_paths: {tmp_path / 'none'}: no such file or folder"
    with pytest.raises(InvalidInputError) as e:
        reader(3)
    assert e.value.argument == "path_or_paths"
    assert str(e.value) == "path_or_paths must be a path, a folder or a list of them, not int"


# ----------------------------------------------------------------------------- 4: merged districts

def _table(names: list[str], first: list[int]) -> pd.DataFrame:
    """w46c's table of areas (groups A and B) with the areas in a column ``la``."""
    return _areas_table(names, first).rename(columns={"csp": "la"})


@pytest.fixture(scope="module")
def ltla(shared_data) -> dict[str, tuple[str, int | None, int | None, set[int]]]:
    """ONS TopoJSON 2014-2023's lower-tier authorities: name -> (code, first year, last year, the
    boundary arcs it is drawn with), read with json. Neighbouring areas share arcs, so an authority
    made of districts is drawn with their arcs but those between them."""
    import json

    topo = json.loads(shared_path(shared_data, "boundaries/ons_uk_topo_2014-2023.json").read_text())

    def arcs(a) -> set[int]:
        return {a if a >= 0 else ~a} if isinstance(a, int) else set().union(*(arcs(x) for x in a))

    return {g["properties"]["areanm"]: (g["properties"]["areacd"], g["properties"].get("start"),
                                        g["properties"].get("end"), arcs(g["arcs"]))
            for g in topo["objects"]["ltla"]["geometries"]}


def _made_of(ltla, successor: str, districts: list[str], year: int) -> None:
    """``successor`` starts in ``year``, ``districts`` end the year before, and its boundary is theirs."""
    assert ltla[successor][1] == year and all(ltla[d][2] == year - 1 for d in districts)
    assert ltla[successor][3] <= set().union(*(ltla[d][3] for d in districts))


def test_west_suffolk_beside_its_former_districts_may_be_their_total(ltla):
    """West Suffolk (2019) is drawn with Forest Heath's and St Edmundsbury's arcs (ended 2018): 5 =
    2 + 3 shares no word, and was not said."""
    _made_of(ltla, "West Suffolk", ["Forest Heath", "St Edmundsbury"], 2019)
    t = _table(["Forest Heath", "St Edmundsbury", "West Suffolk"], [2, 3, 5])
    _, msgs = saferstats_messages(saferstats.suppress, t)
    assert _totals_said(msgs) and "'West Suffolk' (5) = 'Forest Heath' 2 + 'St Edmundsbury' 3" in _totals_said(msgs)[0]
    # by their ONS codes as well
    tc = t.assign(la=t["la"].map({n: ltla[n][0] for n in t["la"]}))
    _, msgs = saferstats_messages(saferstats.suppress, tc)
    assert _totals_said(msgs) and "'E07000245' (5) = 'E07000201' 2 + 'E07000204' 3" in _totals_said(msgs)[0], msgs
    # districts of 2016 side by side are no total of each other: Mid Suffolk (no end) is none of theirs
    assert ltla["Mid Suffolk"][2] is None and ltla["Babergh"][2] is None
    _, msgs = saferstats_messages(saferstats.suppress, _table(["Forest Heath", "St Edmundsbury", "Mid Suffolk",
                                                               "Babergh"], [2, 3, 5, 20]))
    assert not _totals_said(msgs), msgs


def test_dorset_beside_two_of_its_districts_without_a_shared_word(ltla):
    """Dorset (2019) is drawn with the arcs of five districts ended in 2018, Purbeck and Weymouth and
    Portland among them."""
    _made_of(ltla, "Dorset", ["Purbeck", "Weymouth and Portland", "East Dorset", "North Dorset", "West Dorset"], 2019)
    _, msgs = saferstats_messages(saferstats.suppress, _table(["Purbeck", "Weymouth and Portland", "Dorset"],
                                                              [2, 3, 5]))
    assert _totals_said(msgs) and "'Dorset' (5) = 'Purbeck' 2 + 'Weymouth and Portland' 3" in _totals_said(msgs)[0]


def test_cumberland_beside_two_of_its_districts(ltla):
    """The 2023 mergers by the same rule: Cumberland is drawn with the arcs of Allerdale, Carlisle and
    Copeland (ended 2022). Cumberland 5 = Carlisle 2 + Copeland 3 was not said."""
    _made_of(ltla, "Cumberland", ["Allerdale", "Carlisle", "Copeland"], 2023)
    _, msgs = saferstats_messages(saferstats.suppress, _table(["Carlisle", "Copeland", "Cumberland"], [2, 3, 5]))
    assert _totals_said(msgs) and "'Cumberland' (5) = 'Carlisle' 2 + 'Copeland' 3" in _totals_said(msgs)[0], msgs
    # Somerset's districts of 2021 side by side stay no total (w46c); Somerset (2023) beside Taunton
    # Deane (2016-2018, then Somerset West and Taunton) and Mendip is said
    _made_of(ltla, "Somerset West and Taunton", ["Taunton Deane", "West Somerset"], 2019)
    _made_of(ltla, "Somerset", ["Somerset West and Taunton", "Mendip", "Sedgemoor", "South Somerset"], 2023)
    _, msgs = saferstats_messages(saferstats.suppress, _table(["South Somerset", "Somerset West and Taunton", "Mendip",
                                                               "Sedgemoor"], [5, 2, 3, 20]))
    assert not _totals_said(msgs), msgs
    _, msgs = saferstats_messages(saferstats.suppress, _table(["Taunton Deane", "Mendip", "Somerset"], [2, 3, 5]))
    assert _totals_said(msgs) and "'Somerset' (5) = 'Taunton Deane' 2 + 'Mendip' 3" in _totals_said(msgs)[0], msgs
