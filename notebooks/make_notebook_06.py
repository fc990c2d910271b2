"""Write notebooks/06_monitoring.ipynb from its cell sources (kept here so diffs stay readable),
with the writer of make_notebooks.py. Run: python notebooks/make_notebook_06.py
"""

from nbformat.v4 import new_code_cell, new_markdown_cell

from make_notebooks import write

CELLS = [
    new_markdown_cell(
        "# Performance monitoring: SPC charts, over-dispersed funnels, small counts and WDD\n\n"
        "The monthly questions of a police, PCC or community-safety performance team, on real public "
        "data: is hate crime changing (an NHS *Making Data Count* SPC chart), which forces really differ "
        "(a funnel plot that allows for over-dispersion), is this month unusual, how does a force compare "
        "with its most similar group, and did an intervention work (the weighted displacement "
        "difference test). Methods: `docs/methods/monitoring.md`.\n\n"
        "Data: read from `../shared/data` when it is there, otherwise from the small excerpts in "
        "`notebooks/data_06/` (same numbers; `notebooks/data_06/PROVENANCE.md`). There is no monthly Section 136 "
        "series in the public data available here (the NHS MHA statistics are annual), so the S136 SPC "
        "chart uses the documented synthetic pilot; the others use monthly hate crime and police.uk crime counts."
    ),
    new_code_cell(
        "from pathlib import Path\n"
        "import warnings\n"
        "import numpy as np\n"
        "import pandas as pd\n"
        "import matplotlib.pyplot as plt\n"
        "import saferstats\n"
        "\n"
        "SHARED = Path.cwd().resolve().parent.parent / 'shared' / 'data'\n"
        "EXCERPTS = Path.cwd() / 'data_06'\n"
        "street = sorted((SHARED / 'street_crime').glob('*-hertfordshire-street.csv')) if SHARED.exists() else []\n"
        "if street:\n"
        "    herts = pd.concat(pd.read_csv(f, usecols=['Month', 'Crime type']).groupby(['Month', 'Crime type']).size()\n"
        "                      .rename('count').reset_index() for f in street)\n"
        "    herts = herts.rename(columns={'Month': 'month', 'Crime type': 'crime_type'})\n"
        "    source = 'shared data (police.uk files)'\n"
        "else:\n"
        "    herts = pd.read_csv(EXCERPTS / 'hertfordshire_street_crime_monthly_2021-01_2022-01.csv')\n"
        "    source = 'bundled excerpt'\n"
        "monthly = pd.read_csv(EXCERPTS / 'ho_racially_religiously_aggravated_monthly_2013-04_2019-03.csv')\n"
        "print('Hertfordshire street crime from the', source, '-', len(herts), 'month x type counts')\n"
        "monthly.tail(3)"
    ),
    new_markdown_cell(
        "## 1. An SPC chart of monthly racially or religiously aggravated offences\n\n"
        "England and Wales, April 2013 to March 2019 (Home Office). Lower is better, so "
        "`improvement='decrease'`. Limits are the mean ± 2.66 × the average moving range; the rules "
        "flag points outside the limits, trends of 7, two of three beyond 2σ and shifts of 7."
    ),
    new_code_cell(
        "chart = saferstats.spc(monthly['offences'], periods=monthly['month'], improvement='decrease')\n"
        "print(chart.attrs['summary'].to_string(index=False))\n"
        "chart.loc[chart['special_cause'] == 'above upper limit', ['period', 'value', 'upl', 'point_type']]"
    ),
    new_code_cell(
        "# the months after the EU referendum (July 2016) and the 2017 terror attacks (June 2017) stand out\n"
        "above = set(chart.loc[chart['outside_limits'] & (chart['value'] > chart['upl']), 'period'])\n"
        "assert {'2016-07', '2017-06'} <= above, above\n"
        "# a rising series on one set of limits: long runs above the mean at the end, below at the start\n"
        "assert chart['shift'].iloc[:7].all() and chart['point_type'].iloc[-1] == 'special_cause_concern'\n"
        "ax = saferstats.plot_spc(chart, title='Racially or religiously aggravated offences, E&W (monthly)')"
    ),
    new_markdown_cell(
        "A single set of limits over six rising years is not a stable process. Rebasing recalculates "
        "the limits from April 2016 (after the 2015/16 recording improvements), which is how an analyst "
        "would read the recent period:"
    ),
    new_code_cell(
        "rebased = saferstats.spc(monthly['offences'], periods=monthly['month'], improvement='decrease', rebase=['2016-04'])\n"
        "assert rebased['segment'].iloc[-1] == 1\n"
        "print(rebased.groupby('segment')[['mean', 'lpl', 'upl']].first().round(0))\n"
        "ax = saferstats.plot_spc(rebased, title='Rebased at April 2016')"
    ),
    new_markdown_cell(
        "### Monthly Section 136 detentions around a street-triage pilot\n\n"
        "There is no public monthly S136 series, so this uses saferstats' documented **synthetic** pilot "
        "(`saferstats.synthetic.s136_pilot_records`, seed 136; the pilot starts January 2024). The limits are "
        "rebased at the pilot start, as a performance team would chart a service change; the strategic "
        "assessment report draws the same chart (and withholds it when a month's count is suppressed)."
    ),
    new_code_cell(
        "recs = saferstats.synthetic.s136_pilot_records(seed=136)\n"
        "s136 = saferstats.monthly_counts(recs)\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore')\n"
        "    s136_chart = saferstats.spc(s136.to_numpy(), periods=s136.index, improvement='neutral', rebase=['2024-01'])\n"
        "pre, post = (s136_chart[s136_chart['segment'] == k] for k in (0, 1))\n"
        "# each segment's centre line is the mean of its own months\n"
        "assert abs(pre['mean'].iloc[0] - s136[s136.index < pd.Period('2024-01', 'M')].mean()) < 1e-9\n"
        "assert abs(post['mean'].iloc[0] - s136[s136.index >= pd.Period('2024-01', 'M')].mean()) < 1e-9\n"
        "ax = saferstats.plot_spc(s136_chart, title='Section 136 detentions per month (SYNTHETIC pilot)')\n"
        "print(f\"mean before {pre['mean'].iloc[0]:.1f}, after {post['mean'].iloc[0]:.1f} detentions a month\")"
    ),
    new_markdown_cell(
        "## 2. Many series at once: Hertfordshire crime types, month by month\n\n"
        "police.uk street-level records for Hertfordshire, January 2021 to January 2022: one SPC chart "
        "per crime type in one call (`by=`). With 13 months the limits are close to the 12-point minimum, and "
        "the chart cannot tell the seasons from a change: anti-social behaviour peaks in summer, so its trend "
        "from January to June and its summer shift are the season as much as anything. `spc` warns of every "
        "monthly series with special causes under 24 months (or whose months rise and fall alike each year) and "
        "lists them in `.attrs['season']`; compare each month with the same month a year earlier before reading "
        "such signals as changes."
    ),
    new_code_cell(
        "types = saferstats.spc(herts['count'], periods=herts['month'], by=herts['crime_type'], improvement='decrease')\n"
        "summary = types.attrs['summary'][['series', 'n', 'variation']]\n"
        "assert len(summary) == herts['crime_type'].nunique() and (summary['n'] == 13).all()\n"
        "assert 'Anti-social behaviour' in types.attrs['season']['series'].tolist()  # 13 months: season or change?\n"
        "summary.sort_values('variation')"
    ),
    new_code_cell(
        "ax = saferstats.plot_spc(types, series='Anti-social behaviour', title='Hertfordshire ASB (police.uk records)')"
    ),
    new_markdown_cell(
        "## 3. Is this month unusual?\n\nEach month's count against the six months before it (E-test of two "
        "Poisson rates, which allows for the baseline being estimated); p-values Holm-adjusted within each "
        "crime type because many months are tested. The E-test assumes Poisson variation: police.uk crime "
        "types vary month to month far more than that, so it flags many months and warns, naming the crime "
        "types; for those, the SPC chart above (limits from the series' own variation) is the better read."
    ),
    new_code_cell(
        "unusual = saferstats.unusual_periods(herts['count'], periods=herts['month'], by=herts['crime_type'], baseline=6)\n"
        "flagged = unusual[unusual['unusual'] != '']\n"
        "assert (flagged['p_adjusted'] < 0.05).all() and unusual['p_value'].notna().sum() == 7 * herts['crime_type'].nunique()\n"
        "flagged[['series', 'period', 'count', 'expected', 'p_adjusted', 'unusual']].round(4).head(10)"
    ),
    new_markdown_cell(
        "## 4. The force funnel plot, with and without over-dispersion\n\n"
        "Hate crime per 100,000 residents by police force area, 2018/19 (Home Office). On PHE's exact "
        "Poisson limits almost every force is 'significant': forces differ for many reasons besides chance "
        "(recording practice, demography). Spiegelhalter's over-dispersion adjustment estimates the "
        "between-force variance τ² and widens the limits accordingly (as FunnelPlotR)."
    ),
    new_code_cell(
        "hc = saferstats.datasets.hate_crime_by_force().query(\"year == '2018-19'\").dropna(subset=['population'])\n"
        "od = saferstats.funnel_overdispersion(hc['offences'], hc['population'], kind='rate')\n"
        "plain = saferstats.funnel_significance(hc['offences'], hc['population'], kind='rate', overdispersion=False)\n"
        "adjusted = saferstats.funnel_significance(hc['offences'], hc['population'], kind='rate', overdispersion=True)\n"
        "n_plain, n_adj = int((plain != 'Not significant').sum()), int((adjusted != 'Not significant').sum())\n"
        "print(f'phi = {od.phi:.1f}, tau2 = {od.tau2:.4f}; significant forces: {n_plain} of {len(hc)} (PHE exact) '\n"
        "      f'-> {n_adj} (over-dispersed limits)')\n"
        "assert (n_plain, n_adj, len(hc)) == (40, 9, 42)\n"
        "fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))\n"
        "saferstats.plot_funnel(hc['offences'], hc['population'], labels=hc['force'], kind='rate', overdispersion=False,\n                       ax=axes[0])\n"
        "saferstats.plot_funnel(hc['offences'], hc['population'], labels=hc['force'], kind='rate', overdispersion=True,\n"
        "                       ax=axes[1], highlight=list(hc.loc[(adjusted != 'Not significant').to_numpy(), 'force']))\n"
        "plt.tight_layout()"
    ),
    new_markdown_cell(
        "## 5. A force against its most similar group\n\nThe scrutiny-panel question. Here an *illustrative* "
        "peer group for Hertfordshire (home-county forces of similar size; not the official iQuanta most "
        "similar group, which is not public data): its pooled rate and mean with CIs, Hertfordshire's rank "
        "and its ratio to the group. The ratio's interval and `significance` ('lower') allow for chance only, and "
        "saferstats warns that these peers' rates vary far more than chance allows (140 times): read the rank "
        "(7th highest of 8) and the peers' mean, 159 per 100,000 (95% CI 124 to 194), which includes Hertfordshire's 135."
    ),
    new_code_cell(
        "peers = {'Hertfordshire': ['Bedfordshire', 'Essex', 'Kent', 'Surrey', 'Sussex', 'Thames Valley', 'Cambridgeshire']}\n"
        "cmp = saferstats.peer_compare(hc, area='force', peers=peers, numerator='offences', denominator='population')\n"
        "assert cmp.loc[0, 'of'] == 8 and cmp.loc[0, 'ratio_lower'] <= cmp.loc[0, 'ratio'] <= cmp.loc[0, 'ratio_upper']\n"
        "cmp.round(3).T"
    ),
    new_markdown_cell(
        "## 6. Did it work? A weighted displacement difference test\n\n"
        "Defra fly-tipping incidents reported by Hertfordshire districts (real counts). The *intervention* "
        "is hypothetical, for illustration: suppose Stevenage put up cameras at hotspots from April 2019. "
        "Treated area Stevenage; control the districts that do not border it; displacement area North "
        "Hertfordshire (a neighbour) against the same control. Pre = 2017-18 and 2018-19, post = 2019-20 and 2020-21."
    ),
    new_code_cell(
        "ft = saferstats.datasets.flytipping_hertfordshire()\n"
        "pre, post = ['2017-18', '2018-19'], ['2019-20', '2020-21']\n"
        "def total(las, years):\n"
        "    return float(ft[ft['la'].isin(las) & ft['year'].isin(years)]['incidents'].sum())\n"
        "neighbours = ['Stevenage', 'North Hertfordshire', 'East Hertfordshire', 'Welwyn Hatfield']\n"
        "control = [la for la in ft['la'].unique() if la not in neighbours]\n"
        "counts = {name: [total(las, pre), total(las, post)] for name, las in\n"
        "          [('treated', ['Stevenage']), ('control', control), ('displacement', ['North Hertfordshire'])]}\n"
        "print(counts)\n"
        "print({name: f'{100 * (post / pre - 1):+.1f}%' for name, (pre, post) in counts.items()})\n"
        "# WDD subtracts changes in counts, and the control has 2.5 times Stevenage's incidents (5.3 times North\n"
        "# Hertfordshire's): unweighted, its change would swamp theirs (saferstats.wdd warns). Put each control on the\n"
        "# scale of the area it is compared with - its pre-period count relative to that area's - so that\n"
        "# proportional changes are compared\n"
        "w = [counts['control'][0] / counts['treated'][0], 1, counts['control'][0] / counts['displacement'][0], 1]\n"
        "res = saferstats.wdd(counts['control'], counts['treated'], counts['control'], counts['displacement'],\n"
        "                     area_weights=w)\n"
        "assert list(res.index) == ['local', 'displacement', 'total']\n"
        "assert res.loc['local', 'estimate'] > 0 and res.loc['local', 'p_value'] > 0.05\n"
        "res.round(2)"
    ),
    new_markdown_cell(
        "Stevenage's incidents rose by 9.3% and its control's by 7.3%: scaled to Stevenage's size the local "
        "estimate is about +91 incidents, well within chance, so there is no evidence that the (hypothetical) "
        "cameras cut fly-tipping. North Hertfordshire rose by 40%, far more than the control: before reading that "
        "as displacement, check how the district counted: Defra's data name no change for it (its `recording_note` "
        "is blank), but they give a reporting basis only from 2019-20, so ask the council. Without the weights the same counts give a local estimate of −414 (p ≈ 0.02), a 'significant "
        "reduction' that is only the control being bigger.\n\n"
        "The E-test asks whether a count changed by more than Poisson chance: Stevenage's incidents in the two "
        "post years against the two pre years. It gives a very small p for the 9.3% rise, but that is not "
        "evidence about the cameras: it has no control (the control rose 7.3% too), and yearly fly-tipping counts "
        "vary far more than Poisson (notebook 03: a dispersion ratio over 200 for Stevenage), so its p is far too "
        "small for counts like these. It suits small counts with no over-dispersion; the WDD above answers the "
        "question."
    ),
    new_code_cell(
        "p = saferstats.e_test(counts['treated'][1], counts['treated'][0])\n"
        "print(f'E-test p = {p:.3g}')\n"
        "# the E-test anchors (ptools tests, Krishnamoorthy & Thomson 2004)\n"
        "assert round(saferstats.e_test(0, 3), 4) == 0.0884 or abs(saferstats.e_test(0, 3) - 0.0884) < 5e-4\n"
        "assert round(saferstats.e_test(6, 2), 4) == 0.1749"
    ),
]


if __name__ == "__main__":
    write("06_monitoring.ipynb", CELLS)
