"""Write notebooks/07_hotspot_intelligence.ipynb from its cell sources (kept here so diffs stay
readable; separate from make_notebooks.py). Run: .venv/bin/python notebooks/make_notebook_07.py
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent

CELLS = [
    new_markdown_cell(
        "# Hotspot intelligence: which ASB hotspots are emerging, where to patrol next, and did it work\n\n"
        "Anti-social behaviour (ASB) recorded by Hertfordshire Constabulary, January 2021 – January 2022 "
        "(police.uk street-level files, 13 months, OGL v3), in the 20 km square around Watford, St Albans "
        "and Hemel Hempstead. The study area is the part of Hertfordshire in that square: every grid below is "
        "made with `study_area=herts`, so its cells beyond the county (its south-east corner, in the London Borough of Barnet) are no "
        "places of the area, and the records police.uk places outside the county are left out (the functions "
        "warn about a grid made without a study area: the empty cells of its box count as places and shift "
        "PAI, concentration and the Gi* classes). The notebook reads `../shared/data/street_crime/` when it is there and the "
        "committed excerpt `notebooks/data/herts_asb_2021_excerpt.csv.gz` otherwise (same records; see "
        "`notebooks/data/PROVENANCE.md`). Methods: `docs/methods/hotspot_intelligence.md`."
    ),
    new_code_cell(
        "import glob, pathlib\n"
        "import numpy as np, pandas as pd\n"
        "import saferstats\n"
        "here = pathlib.Path('.').resolve()\n"
        "root = here if (here / 'notebooks').exists() else here.parent\n"
        "files = sorted(glob.glob(str(root / '..' / 'shared' / 'data' / 'street_crime' / '*-hertfordshire-street.csv')))\n"
        "if len(files) == 13:\n"
        "    df = pd.concat([pd.read_csv(f, usecols=['Month', 'Longitude', 'Latitude', 'Crime type']) for f in files])\n"
        "    df = df[(df['Crime type'] == 'Anti-social behaviour') & df['Latitude'].notna()]\n"
        "    source = 'shared police.uk files'\n"
        "else:\n"
        "    df = pd.read_csv(root / 'notebooks' / 'data' / 'herts_asb_2021_excerpt.csv.gz')\n"
        "    source = 'committed excerpt'\n"
        "df['x'], df['y'] = saferstats.to_bng(df['Latitude'].to_numpy(), df['Longitude'].to_numpy())\n"
        "herts = saferstats.StudyArea('Hertfordshire')\n"
        "box = (df.x >= 505_000) & (df.x < 525_000) & (df.y >= 195_000) & (df.y < 215_000)\n"
        "inside = herts.contains(df.Latitude.to_numpy(), df.Longitude.to_numpy())\n"
        "print(f'{(box & ~inside).sum()} records in the square are outside Hertfordshire: left out')\n"
        "asb = df[box & inside].reset_index(drop=True)\n"
        "print(source, len(asb), 'ASB records;', asb[['x', 'y']].drop_duplicates().shape[0], 'distinct map points')\n"
        "asb.groupby('Month').size().to_frame('records').T"
    ),
    new_markdown_cell(
        "## A grid with automatic cell size and bandwidth\n\n"
        "Cell size by sfhotspot's rule (1/50 of the shorter side, floored to a multiple of 100 m) and bandwidth "
        "by `MASS::bandwidth.nrd` on both axes. The grid covers the 20 km square; its bounds run to 524,999 m "
        "(a side of 19,999 m), so 1/50 is 399.98 m, floored to **300 m** cells (give `cell_size=400` for 400 m). "
        "`study_area=herts` marks the cells in Hertfordshire (`in_study_area`): the others are left out of the "
        "classes and the scores below."
    ),
    new_code_cell(
        "bounds = (505_000, 524_999, 195_000, 214_999)\n"
        "print('cell size', saferstats.auto_cell_size([bounds[0], bounds[1]], [bounds[2], bounds[3]]), 'm;',\n"
        "      'bandwidth', round(saferstats.auto_bandwidth(asb.x, asb.y)), 'm')\n"
        "kde = saferstats.hotspot_kde(asb.x, asb.y, bounds=bounds, bandwidth_adjust=0.5, study_area=herts)\n"
        "kde"
    ),
    new_markdown_cell(
        "## Emerging hotspots (13 months)\n\n"
        "Gi* per month on the automatic 300 m cells (67 × 67, of which the 4,381 in Hertfordshire are classified) "
        "with 999 conditional permutations, Holm-adjusted "
        "over each cell's "
        "months, then the sfhotspot/Chainey classes (the last 2 months are 'recent')."
    ),
    new_code_cell(
        "cls = saferstats.hotspot_classify(asb.x, asb.y, asb.Month, bounds=bounds, study_area=herts, seed=17)\n"
        "cls"
    ),
    new_code_cell(
        "cls.cells['hotspot_category'].value_counts().to_frame('cells')"
    ),
    new_code_cell(
        "%matplotlib inline\n"
        "import matplotlib.pyplot as plt\n"
        "from matplotlib.collections import PolyCollection\n"
        "colours = {'persistent hotspot': '#b2182b', 'emerging hotspot': '#ef8a62', 'former hotspot': '#fddbc7',\n"
        "           'intermittent hotspot': '#f4a582', 'persistent coldspot': '#2166ac', 'emerging coldspot': '#67a9cf',\n"
        "           'former coldspot': '#d1e5f0', 'intermittent coldspot': '#92c5de', 'mixed hot/coldspot': '#999999',\n"
        "           'no pattern': '#f7f7f7', 'outside study area': '#ffffff'}\n"
        "cells = cls.cells\n"
        "fig, ax = plt.subplots(figsize=(7, 7))\n"
        "ax.add_collection(PolyCollection(cls.grid.polygons(), facecolors=[colours[c] for c in cells.hotspot_category],\n"
        "                                 edgecolors='none'))\n"
        "ax.scatter(asb.x, asb.y, s=0.2, c='k', alpha=0.2)\n"
        "ax.set_xlim(bounds[0], bounds[1]); ax.set_ylim(bounds[2], bounds[3]); ax.set_aspect('equal')\n"
        "for k, c in colours.items():\n"
        "    if (cells.hotspot_category == k).any():\n"
        "        ax.scatter([], [], marker='s', color=c, label=k)\n"
        "ax.legend(loc='lower left', fontsize=7); ax.set_title('ASB hotspot classes, Jan 2021 – Jan 2022')\n"
        "plt.show()"
    ),
    new_markdown_cell(
        "## Did last quarter's map predict this quarter?\n\n"
        "Retrospective KDE of August–October 2021 and prospective hotspotting (Bowers, Johnson & Pease; "
        "open_cp classic weights with a 30-day time unit, as police.uk gives months only) at 1 November 2021, "
        "both scored on November 2021 – January 2022 counts on the same grid: hit rate and PAI at 5% of "
        "the area, and the recovery rate index."
    ),
    new_code_cell(
        "past = asb[asb.Month.isin(['2021-08', '2021-09', '2021-10'])]\n"
        "future = asb[asb.Month.isin(['2021-11', '2021-12', '2022-01'])]\n"
        "retro = saferstats.hotspot_kde(past.x, past.y, bounds=bounds, cell_size=250, bandwidth=500, study_area=herts)\n"
        "observed = saferstats.hotspot_count(future.x, future.y, grid=retro, study_area=herts)\n"
        "upto = asb[asb.Month < '2021-11']\n"
        "days = pd.to_datetime(upto.Month + '-15')\n"
        "pro = saferstats.prospective_hotspots(upto.x, upto.y, days, predict_time=pd.Timestamp('2021-11-01'),\n"
        "                                      grid=retro, space_bandwidth=3, time_bandwidth=4, time_unit=30,\n"
        "                                      study_area=herts)\n"
        "def at(table, coverage=0.05):\n"
        "    return table[table.coverage <= coverage].iloc[-1][['k', 'coverage', 'hit_rate', 'pai', 'pei', 'rri']]\n"
        "scores = pd.DataFrame({'retrospective KDE': at(saferstats.pai(observed, retro)),\n"
        "                       'prospective': at(saferstats.pai(observed, pro))}).T\n"
        "scores.round(3)"
    ),
    new_code_cell(
        "t = saferstats.pai(observed, retro)\n"
        "fig, ax = plt.subplots(figsize=(5, 3.5))\n"
        "ax.plot(t.coverage, t.hit_rate, label='retrospective KDE')\n"
        "tp = saferstats.pai(observed, pro)\n"
        "ax.plot(tp.coverage, tp.hit_rate, label='prospective')\n"
        "ax.plot([0, 1], [0, 1], color='grey', lw=0.8, label='random')\n"
        "ax.set_xlim(0, 0.3); ax.set_ylim(0, 1); ax.set_xlabel('share of area'); ax.set_ylabel('hit rate'); ax.legend()\n"
        "plt.show()"
    ),
    new_markdown_cell(
        "## How concentrated is ASB, and is it clustered?\n\n"
        "Lorenz curve and Gini of the November–January counts (with the Bernasco–Steenbeek generalised "
        "Gini, which allows for more cells than events), and global Moran's I of the same counts on the "
        "250 m lattice (queen contiguity, 999 permutations), both over the grid's cells in Hertfordshire: "
        "`concentration` takes the grid itself (it counts its `in_study_area` cells), and the lattice's `mask` "
        "keeps the same cells for Moran's I."
    ),
    new_code_cell(
        "conc = saferstats.concentration(observed)\n"
        "area = observed.cells.in_study_area.to_numpy()\n"
        "w = saferstats.Weights.lattice(observed.nrows, observed.ncols, contiguity='queen',\n"
        "                               mask=area.reshape(observed.nrows, observed.ncols))\n"
        "moran = saferstats.global_moran(observed.values[area], w, seed=3)\n"
        "print(conc)\n"
        "print(f'busiest 5% of cells hold {100 * conc.share_of_events(0.05):.1f}% of the ASB')\n"
        "moran"
    ),
    new_markdown_cell(
        "## Which cells changed? November–January vs August–October\n\n"
        "Per-cell change with an exact conditional Poisson test. There are over a thousand cells with events, so "
        "some have p < 0.05 by chance alone: `p_adjusted` (Benjamini–Hochberg over those cells) is the one to "
        "read. The cells with the strongest evidence of change (saferstats warns that the whole area fell by a "
        "quarter, from 3,281 to 2,419 reports, so a cell that only followed that fall is flagged too: the next "
        "section tests each cell against the area's change):"
    ),
    new_code_cell(
        "ch = saferstats.hotspot_change(past.x, past.y, future.x, future.y, grid=retro, study_area=herts)\n"
        "tested = (ch.cells.count_before + ch.cells.count_after) > 0\n"
        "print(f'{tested.sum()} cells with events; p < 0.05 in {(ch.cells.p_value < 0.05).sum()}, '\n"
        "      f'p_adjusted < 0.05 in {(ch.cells.p_adjusted < 0.05).sum()}')\n"
        "ch.cells.sort_values('p_value').head(8).round(4)"
    ),
    new_markdown_cell(
        "If the whole area's count changed between the periods, cells that only followed it are flagged too "
        "(`hotspot_change` warns when the area's own change is significant). `baseline='area'` tests each cell "
        "against the area's change instead: `ratio` is then the cell's change relative to the area's (1 = changed "
        "as the whole area did)."
    ),
    new_code_cell(
        "rel = saferstats.hotspot_change(past.x, past.y, future.x, future.y, grid=retro, study_area=herts,\n"
        "                               baseline='area')\n"
        "print(f'area: {rel.cells.count_before.sum():,.0f} -> {rel.cells.count_after.sum():,.0f} events; '\n"
        "      f'cells changing more or less than the area (p_adjusted < 0.05): {(rel.cells.p_adjusted < 0.05).sum()}')\n"
        "rel.cells.sort_values('p_value').head(5).round(4)"
    ),
]


def main() -> None:
    nb = new_notebook(cells=CELLS, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nbformat.write(nb, HERE / "07_hotspot_intelligence.ipynb")


if __name__ == "__main__":
    main()
