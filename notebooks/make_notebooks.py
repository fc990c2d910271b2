"""Write the worked-analysis notebooks from their cell sources (kept here so diffs stay readable).

Run: python notebooks/make_notebooks.py  — the test command executes the .ipynb files.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent

RATES = [
    new_markdown_cell(
        "# Hate crime rates with confidence intervals — a saferstats quick start\n\n"
        "Police-recorded hate crime by police force area of England and Wales, 2017-18 and 2018-19 "
        "(Home Office, bundled with saferstats; see `saferstats/data/PROVENANCE.md`). We compute rates "
        "per 100,000 with 95% confidence intervals by the PHE method (exact Poisson below 10 events, "
        "Byar's approximation from 10), the year-on-year change per force with its CI, and the seed's "
        "own headline figure."
    ),
    new_code_cell(
        "import saferstats\n"
        "import pandas as pd\n"
        "print('saferstats', saferstats.__version__)\n"
        "df = saferstats.datasets.hate_crime_by_force()\n"
        "df.head()"
    ),
    new_markdown_cell(
        "## Rates per 100,000 with 95% CIs\n\nThe City of London has no published resident population: "
        "with `missing='propagate'` its row is kept with a NaN rate rather than dropped."
    ),
    new_code_cell(
        "rates = saferstats.rate_ci(df['offences'], df['population'], multiplier=100_000, missing='propagate')\n"
        "table = pd.concat([df[['force', 'year']], rates], axis=1)\n"
        "table[table.force.isin(['Hertfordshire', 'Bedfordshire', 'Essex', 'Thames Valley'])].round(1)"
    ),
    new_code_cell(
        "# The published Home Office rates (rounded) are reproduced for every force with a population\n"
        "ok = df['population'].notna()\n"
        "assert ((rates.loc[ok, 'rate'].round() - df.loc[ok, 'published_rate']).abs() <= 1).all()\n"
        "print('published rates reproduced for', ok.sum(), 'force-years')"
    ),
    new_markdown_cell("## Year-on-year change per force (rate ratio 2018-19 vs 2017-18, wald-log CI)"),
    new_code_cell(
        "wide = df.pivot(index='force', columns='year', values=['offences', 'population'])\n"
        "change = saferstats.percent_change(\n"
        "    wide[('offences', '2018-19')], wide[('population', '2018-19')],\n"
        "    wide[('offences', '2017-18')], wide[('population', '2017-18')], missing='propagate')\n"
        "change.loc[['Hertfordshire', 'Bedfordshire', 'Essex']].round(3)"
    ),
    new_code_cell(
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "c = change.dropna(subset=['ratio']).sort_values('percent_change')\n"
        "fig, ax = plt.subplots(figsize=(6, 9))\n"
        "ax.errorbar(c['percent_change'], range(len(c)), xerr=[c['percent_change'] - c['percent_lower'],\n"
        "            c['percent_upper'] - c['percent_change']], fmt='o', ms=3)\n"
        "ax.axvline(0, color='grey', lw=0.8)\n"
        "ax.set_yticks(range(len(c)), c.index, fontsize=7)\n"
        "ax.set_xlabel('% change in hate crime rate, 2018-19 vs 2017-18 (95% CI)')\n"
        "fig.tight_layout()"
    ),
    new_markdown_cell(
        "## The seed's figure\n\n\"Recorded hate crime rose from 1597 in 2015/16 to 2080 in 2016/17 — a rise of "
        "over 30%\". As a change in counts (same population both years) with its 95% CI:"
    ),
    new_code_cell(
        "seed = saferstats.percent_change(2080, 1, 1597, 1).iloc[0]\n"
        "print(f\"{seed.percent_change:.1f}% (95% CI {seed.percent_lower:.1f}% to {seed.percent_upper:.1f}%)\")\n"
        "assert seed.percent_lower > 20  # 'over 30%' is the estimate; the CI rules out anything under 22%"
    ),
]


def write(name: str, cells) -> None:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, HERE / name)


if __name__ == "__main__":
    write("00_rates_quickstart.ipynb", RATES)
