"""write_ascii_grid of a grid made over a study area (Stevenage ASB, police.uk) wrote the cells of the
bounding box beyond the district as measured values (0 counts; KDE of the district's own points
spread over the edge), which QGIS shows as "no crime" next door. Now they are NODATA, as the cells
hotspot_classify calls "outside study area". Checked by reading the .asc back with numpy: NODATA
exactly where the grid's in_study_area is False, and the other cells equal the counts recomputed
with numpy (floor over the points StudyArea keeps)."""

import warnings

import numpy as np

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points


def test_cells_outside_the_area_are_nodata(shared_data, tmp_path):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_count(x, y, cell_size=500, study_area="Stevenage")
    p = saferstats.geo.write_ascii_grid(g, tmp_path / "stevenage.asc")
    lines = p.read_text().splitlines()
    header = dict(line.split() for line in lines[:6])
    assert int(header["ncols"]) == g.ncols and int(header["nrows"]) == g.nrows
    grid = np.loadtxt(lines[6:])[::-1]       # rows from the south, as the cells
    inside = g.cells["in_study_area"].to_numpy().reshape(g.nrows, g.ncols)
    assert (grid[~inside] == float(header["NODATA_value"])).all() and (~inside).sum() > 0
    keep = np.asarray(saferstats.StudyArea("Stevenage").contains_xy(x, y), dtype=bool)
    ref = np.zeros((g.nrows, g.ncols))
    np.add.at(ref, (np.floor((y[keep] - g.y0) / 500).astype(int), np.floor((x[keep] - g.x0) / 500).astype(int)), 1)
    np.testing.assert_array_equal(grid[inside], ref[inside])
    assert ref[~inside].sum() == 0    # nothing counted is hidden


def test_a_grid_without_a_study_area_is_written_whole(tmp_path):
    g = saferstats.hotspot_count([50.0, 150.0], [50.0, 50.0], cell_size=100, bounds=(0, 299, 0, 99))
    p = saferstats.geo.write_ascii_grid(g, tmp_path / "g.asc")
    assert p.read_text().splitlines()[6].split() == ["1", "1", "0"]
