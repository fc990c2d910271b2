"""Write the worked-analysis notebooks from their cell sources (kept here so diffs stay readable).

Run: python notebooks/make_notebooks.py  — the test command executes the .ipynb files.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent

# The first code cell of the two stop-and-search notebooks: imports, display options and the
# shared police.uk folder (which may be absent; each notebook then falls back on bundled data).
STOP_SEARCH_SETUP = (
    "from pathlib import Path\n"
    "import numpy as np, pandas as pd\n"
    "%matplotlib inline\n"
    "import matplotlib.pyplot as plt\n"
    "import saferstats\n"
    "pd.set_option('display.width', 180); pd.set_option('display.max_columns', 30)\n"
    "shared = Path('..').resolve().parent / 'shared' / 'data' / 'stop_search' / 'policeuk_7forces_2019-12_to_2020-02'\n"
)

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
        "table[table.force.isin(['Hertfordshire', 'Bedfordshire', 'Essex', 'Thames Valley'])].round({'rate': 1, 'lower': 1, 'upper': 1})"
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
        "change.loc[['Hertfordshire', 'Bedfordshire', 'Essex']].round({'ratio': 3, 'lower': 3, 'upper': 3, 'z': 2, 'p_value': 3,\n"
        "                                                         'percent_change': 1, 'percent_change_lower': 1, 'percent_change_upper': 1})"
    ),
    new_code_cell(
        "%matplotlib inline\n"
        "import matplotlib.pyplot as plt\n"
        "c = change.dropna(subset=['ratio']).sort_values('percent_change')\n"
        "fig, ax = plt.subplots(figsize=(6, 9))\n"
        "ax.errorbar(c['percent_change'], range(len(c)), xerr=[c['percent_change'] - c['percent_change_lower'],\n"
        "            c['percent_change_upper'] - c['percent_change']], fmt='o', ms=3)\n"
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
        "print(f\"{seed.percent_change:.1f}% (95% CI {seed.percent_change_lower:.1f}% to {seed.percent_change_upper:.1f}%)\")\n"
        "assert seed.percent_change_lower > 20  # 'over 30%' is the estimate; the CI rules out anything under 22%"
    ),
]


HATE = [
    new_markdown_cell(
        "# Hate crime trends: rates, year-on-year change, trend tests and funnel plots\n\n"
        "The questions of a CSP strategic assessment and the PCC's scrutiny panel: how is hate crime moving "
        "in each area and strand, is a change real or noise, and which areas stand out?\n\n"
        "**Data** (real, public): Home Office police-recorded hate crime by police force area and strand, "
        "2017-18 and 2018-19, with populations; and the England and Wales series by strand 2011/12–2018/19 "
        "(Home Office bulletin HOSB 24/19, Table 2). Both are bundled in saferstats as byte-for-byte copies of "
        "`../shared/data/hate_crime/` (see `saferstats/data/PROVENANCE.md`). Methods: `docs/methods/rates.md` A1–A4 and `docs/methods/trends.md` A5–A7."
    ),
    new_code_cell(
        "from pathlib import Path\n"
        "import numpy as np, pandas as pd\n"
        "%matplotlib inline\n"
        "import matplotlib.pyplot as plt\n"
        "import saferstats\n"
        "pd.set_option('display.width', 160)\n"
        "shared = Path('..').resolve().parent / 'shared' / 'data' / 'hate_crime' / 'home_office_by_force_2017-18_2018-19' / 'Hate crime.csv'\n"
        "if shared.exists():  # the bundled file is a byte-for-byte copy of the shared one\n"
        "    from importlib import resources\n"
        "    bundled = resources.files('saferstats').joinpath('data', 'hate_crime_by_force_2017-18_2018-19.csv').read_bytes()\n"
        "    assert shared.read_bytes() == bundled\n"
        "forces = saferstats.datasets.hate_crime_by_force()\n"
        "national = saferstats.datasets.hate_crime_national()\n"
        "forces.head(3)"
    ),
    new_markdown_cell(
        "## 1. Rates per 100,000 with 95% CIs, all 43 forces\n\n"
        "PHE method: exact Poisson below 10 events, Byar's from 10. The City of London has no published "
        "population, so its rate is missing — kept and shown, not dropped."
    ),
    new_code_cell(
        "rates = saferstats.add_rates(forces.dropna(subset=['population']), count='offences', population='population')\n"
        "print(len(rates), 'force-years with a population;', forces.population.isna().sum(), 'without (City of London)')\n"
        "rates.query(\"year == '2018-19'\").sort_values('rate', ascending=False)[['force', 'offences', 'population', 'rate', 'lower', 'upper', 'method']].round(1).head(12)"
    ),
    new_markdown_cell("## 2. Year-on-year change per force (2018-19 vs 2017-18): rate ratio, % change, 95% CI, p"),
    new_code_cell(
        "yoy = saferstats.year_on_year(forces.dropna(subset=['population']), count='offences', period='year', by='force')\n"
        "herts = yoy.set_index('force').loc['Hertfordshire']\n"
        "assert (herts.count_from, herts.count_to) == (1468, 1600)\n"
        "print(f\"Hertfordshire: {herts.count_from:.0f} -> {herts.count_to:.0f} offences, {herts['pct_change']:+.1f}% \"\n"
        "      f\"(95% CI {herts.pct_lower:+.1f}% to {herts.pct_upper:+.1f}%, p = {herts.p_value:.3f})\")\n"
        "sig = yoy[yoy.p_value < 0.05]\n"
        "print(f'{len(sig)} of {len(yoy)} forces changed significantly at the 5% level')\n"
        "yoy.sort_values('pct_change')[['force', 'count_from', 'count_to', 'pct_change', 'pct_lower', 'pct_upper', 'p_value']].round({'pct_change': 1, 'pct_lower': 1, 'pct_upper': 1, 'p_value': 3}).tail(8)"
    ),
    new_markdown_cell(
        "## 3. Funnel plot: which forces stand out in 2018-19?\n\n"
        "PHE funnel: the target is the England and Wales rate; exact Poisson 95% and 99.8% limits. "
        "With counts in the thousands these limits are narrow, so 40 of the 42 forces fall outside them: forces "
        "differ for many reasons besides chance (recording practice, demography), and 'Low (0.001)' for "
        "Hertfordshire says only that its rate is not the national one. Notebook 06 (section 4) widens the limits "
        "for this over-dispersion, after which 9 forces stand out."
    ),
    new_code_cell(
        "f19 = forces.query(\"year == '2018-19'\").dropna(subset=['population'])\n"
        "target = saferstats.funnel_target(f19.offences, f19.population, kind='rate')\n"
        "f19 = f19.assign(significance=saferstats.funnel_significance(f19.offences, f19.population, kind='rate', target=target))\n"
        "print(f'England and Wales: {target:.1f} per 100,000')\n"
        "print(f19.significance.value_counts().to_string())\n"
        "ax = saferstats.plot_funnel(f19.offences, f19.population, labels=f19.force, kind='rate',\n"
        "                            highlight=['Hertfordshire', 'West Yorkshire', 'North Yorkshire'])\n"
        "f19.loc[f19.force == 'Hertfordshire', ['force', 'offences', 'population', 'significance']]"
    ),
    new_markdown_cell(
        "## 4. The national trend by strand, 2011/12–2018/19\n\n"
        "Log-linear Poisson trend (annual % change) with over-dispersion handled automatically (quasi-Poisson "
        "when Pearson χ²/df > 1.5 — recorded counts of this size are far more variable than Poisson), and the "
        "Mann–Kendall test with Sen's slope as a non-parametric check. Eight years leave 6 residual degrees of "
        "freedom, and quasi-Poisson estimates the dispersion from those same points, so `use_t=True` takes the "
        "limits from Student's t on 6 df (R's `summary.glm`) rather than the normal, which would be too narrow. "
        "The Mann–Kendall p-values use the normal approximation, which saferstats warns is rough below 10 values: "
        "read them as approximate (the exact p for 8 values all rising, τ = 1, is 2/8! ≈ 0.00005)."
    ),
    new_code_cell(
        "strands = national[national.strand != 'Total offences']\n"
        "apc = saferstats.poisson_trend(strands, population=None, period='year', by='strand', dispersion='auto', use_t=True)\n"
        "wide = strands.pivot(index='strand', columns='year', values='count')\n"
        "mk = saferstats.mann_kendall(wide)\n"
        "summary = apc.set_index('strand')[['apc', 'apc_lower', 'apc_upper', 'dispersion_ratio', 'method']].join(mk[['tau', 'p_value', 'slope']])\n"
        "summary.round({'apc': 1, 'apc_lower': 1, 'apc_upper': 1, 'dispersion_ratio': 1, 'tau': 3, 'p_value': 3, 'slope': 0})"
    ),
    new_code_cell(
        "fig, ax = plt.subplots(figsize=(8, 5))\n"
        "saferstats.plot_trend(strands.query(\"strand != 'Race'\"), population=None, period='year', by='strand', use_t=True, ax=ax)\n"
        "ax.set_ylabel('recorded offences (95% CI)');"
    ),
    new_markdown_cell(
        "Is one strand rising faster than another? `compare_trends` gives the ratio of the annual rate ratios (1.14: disability hate crime grew about 14% a year faster, relatively, than race hate crime), each strand with its own quasi-Poisson dispersion. The same call compares areas: `by='force', comparator='England and Wales'` (with `subtract=True` when the comparator's counts include the force's)."
    ),
    new_code_cell(
        "faster = saferstats.compare_trends(strands, by='strand', comparator='Race', population=None, period='year', dispersion='quasi')\nfaster[['strand', 'apc', 'comparator_apc', 'ratio', 'ratio_lower', 'ratio_upper', 'p_value']].round({'apc': 1, 'comparator_apc': 1, 'ratio': 3, 'ratio_lower': 3, 'ratio_upper': 3})"
    ),
    new_markdown_cell(
        "## 5. Shares by strand (the \"race 75%\" figure) with Wilson CIs\n\n"
        "Shares of *motivating factors* (an offence can have more than one), England and Wales 2018/19. The "
        "published 'three-quarters' (76%) is race-motivated offences as a share of all hate crime *offences* "
        "(78,991 of 103,379); an offence with two motivating factors counts once there but twice here, so as a "
        "share of the 112,637 motivating factors race is 70%. Quote the one you mean, with its denominator."
    ),
    new_code_cell(
        "saferstats.shares(strands.query(\"year == '2018/19'\"), category='strand')[['strand', 'count', 'total', 'share', 'lower', 'upper']].round(2)"
    ),
    new_markdown_cell(
        "## 6. The seed's own figure\n\n\"Recorded hate crime rose from 1597 in 2015/16 to 2080 in 2016/17 — a rise of over 30%\" "
        "(Hertfordshire PCC panel paper). As a change in counts, with its 95% CI:"
    ),
    new_code_cell(
        "seed = pd.DataFrame({'year': ['2015/16', '2016/17'], 'count': [1597, 2080]})\n"
        "s = saferstats.year_on_year(seed, population=None, period='year').iloc[0]\n"
        "print(f\"{s['pct_change']:.1f}% (95% CI {s.pct_lower:.1f}% to {s.pct_upper:.1f}%), p = {s.p_value:.2g}\")\n"
        "assert 30 < s['pct_change'] < 31 and s.pct_lower > 20"
    ),
    new_markdown_cell(
        "## 7. A district example (synthetic split — say so!)\n\n"
        "Hate crime below force level is not published as open data. To show the district workflow, the "
        "Hertfordshire 2018-19 total (1,600 offences) is split across the ten CSP districts **synthetically**: "
        "a multinomial draw (seed 2019) with probabilities proportional to 2011 Census population, tilted "
        "towards the larger towns. These district counts are **not real** figures; only the method is shown."
    ),
    new_code_cell(
        "la = saferstats.datasets.census2011_by_la().query(\"force == 'Hertfordshire'\")\n"
        "rng = np.random.default_rng(2019)\n"
        "w = la['All'].to_numpy() * np.where(la.csp.isin(['Watford', 'Stevenage', 'Welwyn Hatfield']), 1.4, 1.0)\n"
        "districts = pd.DataFrame({'district': la.csp.to_numpy(), 'population': la['All'].to_numpy(),\n"
        "                          'count': rng.multinomial(1600, w / w.sum())})\n"
        "districts = saferstats.add_rates(districts)\n"
        "target = saferstats.funnel_target(districts['count'], districts.population, kind='rate')\n"
        "districts['significance'] = saferstats.funnel_significance(districts['count'], districts.population, kind='rate', target=target)\n"
        "ax = saferstats.plot_funnel(districts['count'], districts.population, labels=districts.district, kind='rate',\n"
        "                            highlight=list(districts.district), title='SYNTHETIC district split (illustration only)')\n"
        "districts.round({'rate': 1, 'lower': 1, 'upper': 1})"
    ),
]


STOP = [
    new_markdown_cell(
        "# Stop-and-search disproportionality\n\n"
        "How many times more likely is a Black person to be searched than a White person, is that changing, and "
        "do searches of each group find what they were looking for as often? (The PCC Community Scrutiny Panel's "
        "questions.) **Data** (real, public): police.uk stop-and-search records for seven forces, December 2019 – "
        "February 2020 (`../shared/data/stop_search/`; four of the forces are bundled with saferstats), and 2011 "
        "Census populations by ethnic group for each police force area (bundled). Method: Home Office "
        "(`docs/methods/stop_search.md` B1–B3): self-defined ethnicity mapped to five groups, \"Not stated\" and vehicle-only "
        "searches excluded (and counted), rates per 1,000 residents, ratio to the White rate with a Katz CI, "
        "outcome tests with Wilson / Newcombe / Katz intervals and Fisher's test for small cells."
    ),
    new_code_cell(
        STOP_SEARCH_SETUP
        + "source = shared if shared.is_dir() else saferstats.datasets.stop_search_sample_path()\n"
        "searches = saferstats.read_stop_search(source)\n"
        "print(f'{len(searches):,} searches from {searches.attrs[\"summary\"][\"files\"]} files; problems: {searches.attrs[\"summary\"][\"problems\"]}')\n"
        "searches.groupby('force').size().rename('searches').to_frame().T"
    ),
    new_markdown_cell("## Data quality: ethnicity recording (self-defined), by force"),
    new_code_cell(
        "eth = saferstats.assign_ethnicity(searches)\n"
        "person = searches['type'] != 'Vehicle search'\n"
        "coverage = (eth[person] == 'Not stated').groupby(searches.loc[person, 'force']).agg(['sum', 'size', 'mean'])\n"
        "coverage.columns = ['not_stated', 'person_searches', 'share']\n"
        "coverage.assign(share=lambda d: (100 * d.share).round(1))"
    ),
    new_markdown_cell(
        "## Search rates per 1,000 and ratios to the White rate, per force (self-defined ethnicity)\n\n"
        "These searches are from December 2019 – February 2020, when the Home Office published rates on 2011 Census "
        "populations, so `census=2011` keeps them like for like with that series (saferstats uses Census 2021 by "
        "default and warns when the searches' years do not match; see notebook 05). The `denominator` column says "
        "which Census each rate uses. The records cover three months, so `multiplier=4000` (1,000 × 12/3) gives "
        "searches per 1,000 residents per year, as the Home Office publishes them (with the default 1,000 the rates are "
        "over the three months, and a warning says so); the ratios are the same either way.\n\n"
        "Two cautions before quoting a force. Ethnicity is not stated for a fifth or more of the person searches in "
        "the City of London (34%) and South Yorkshire (24%), and saferstats warns: their rates count only the "
        "searches with a stated ethnicity, so they understate every group's searching there. And the City of London "
        "has a few thousand residents (193 Black residents in 2011) but a daytime population of hundreds of thousands, "
        "so its rates per resident and its ratio of 10.7 are not comparable with other forces' (its `denominator` "
        "says so and `reliable` is False)."
    ),
    new_code_cell(
        "disp = saferstats.disproportionality(searches, by='force', census=2011, multiplier=4000)  # per year: 3 months x 4\n"
        "print('excluded:', disp.attrs['excluded'], f\"({disp.attrs['not_stated_percent']:.1f}% of person searches not stated)\")\n"
        "print('not stated by force (not stated, person searches):', disp.attrs['not_stated_by'])\n"
        "black = disp.query(\"group == 'Black'\")[['force', 'searches', 'population', 'rate', 'ratio', 'ratio_lower', 'ratio_upper', 'reliable', 'ratio_method', 'denominator']]\n"
        "black.round(2)"
    ),
    new_code_cell(
        "fig, ax = plt.subplots(figsize=(7, 8))\n"
        "saferstats.plot_disproportionality(disp, ax=ax, title='Search rate ratio vs White, Dec 2019 - Feb 2020 (95% CI)');"
    ),
    new_markdown_cell(
        "## Self-defined vs officer-defined ethnicity\n\nOfficer-defined ethnicity is recorded for more searches "
        "(and has no Mixed category); the Home Office uses self-defined. The choice changes the ratios, and "
        "saferstats warns that with `'officer'` or `'self_then_officer'` the searches' categories no longer match "
        "the Census's (Mixed not comparable or understated, Other overstated, the rest approximate: see the "
        "`like_for_like` and `comparability` columns), so those columns are a sensitivity check, not the "
        "Home Office measure:"
    ),
    new_code_cell(
        "cmp = []\n"
        "for src in ['self', 'officer', 'self_then_officer']:\n"
        "    d = saferstats.disproportionality(searches, by='force', ethnicity_source=src, census=2011, multiplier=4000)\n"
        "    cmp.append(d.query(\"group == 'Black'\").set_index('force')['ratio'].rename(src))\n"
        "pd.concat(cmp, axis=1).round(2)"
    ),
    new_markdown_cell("## Is it changing? The Black/White ratio by month"),
    new_code_cell(
        "monthly = saferstats.disproportionality(searches, by=['force', 'month'], census=2011)\n"
        "big = monthly[monthly.force.isin(['essex', 'merseyside', 'south-yorkshire', 'leicestershire'])]\n"
        "fig, ax = plt.subplots(figsize=(7, 4))\n"
        "saferstats.plot_disproportionality(big.query(\"group in ['Black', 'White']\"), period='month', ax=ax);\n"
        "big.query(\"group == 'Black'\").pivot(index='force', columns='month', values='ratio').round(2)"
    ),
    new_markdown_cell(
        "## Outcome tests: do searches of each group find what they look for as often?\n\n"
        "\"Find\" = outcome linked to the object of search (searches where that is not recorded are excluded and "
        "counted). A lower find rate for a group is consistent with a lower threshold for searching it "
        "(subject to infra-marginality; docs/methods/stop_search.md B3). The find cell gives five warnings. Two "
        "say why the find rate is withheld (NaN, reason in the `withheld` column) for four of the seven forces: "
        "Derbyshire sets the flag on searches that ended in no further action (286 of 388 flagged searches), and "
        "Merseyside (79%), Leicestershire (91%) and Durham (22%) leave it blank and set it mainly where the search had "
        "an outcome (Merseyside: every blank one ended in no further action), so their find rates would be of a "
        "selected subset and not comparable with the others'. Two are about the searches with no stated ethnicity, "
        "which are in no group's rate: their find rate differs from the stated searches' in Essex (11% not stated; "
        "14.4% of them against 24.0%) and the City of London (34%; 24.9% against 32.1%), and South Yorkshire has 24% "
        "not stated, so the groups' find rates there may differ from the true ones: say so beside them. The fifth: "
        "of 12 comparisons with the White rate, 2 have p < 0.05, about 0.6 would by chance alone; it gives the "
        "Benjamini–Hochberg adjusted p-values (`.attrs['multiple_comparisons']`). The arrest cell warns of the "
        "not-stated searches too (Leicestershire, 18% not stated, arrested 4.9% of them against 16.2% of the "
        "stated; Merseyside, Essex, South Yorkshire). The arrest rates below pool all seven forces; saferstats warns that "
        "Durham has no outcome recorded for 46% of its searches, which are left out of the arrest rates, and that "
        "pooling the forces changes the comparison: forces differ in their arrest rates (Merseyside 7.4%, Durham 35%) "
        "and in how their searches divide between the groups, so the pooled ratio partly compares forces (Asian people: "
        "1.14 pooled, 0.93 within forces). The within-force (Mantel–Haenszel) ratios, in `.attrs['within_forces']`, "
        "compare each group with White people in the same force."
    ),
    new_code_cell(
        "finds = saferstats.outcome_test(searches, outcome='find', by='force')\n"
        "print('excluded:', finds.attrs['excluded'])\n"
        "print('flag blank (blank, searches):', finds.attrs['outcome_linked_missing_by'])\n"
        "finds.query(\"group in ['Black', 'Asian']\")[['force', 'group', 'n', 'hits', 'rate', 'diff', 'diff_lower', 'diff_upper', 'rr', 'p_value', 'test']].round(3)"
    ),
    new_code_cell(
        "arrests = saferstats.outcome_test(searches, outcome='arrest')\n"
        "print(arrests[['group', 'n', 'hits', 'rate', 'rate_lower', 'rate_upper', 'rr', 'rr_lower', 'rr_upper', 'p_value', 'test']].round(3))\n"
        "pd.DataFrame(arrests.attrs['within_forces']).round(3)  # the same comparisons within forces (Mantel-Haenszel)"
    ),
]


S136 = [
    new_markdown_cell(
        "# Section 136 and street triage: did the pilot work?\n\n"
        "The Crisis Care Concordat and the street-triage pilot aim to cut Section 136 detentions — especially "
        "those ending with no evidence of mental disorder — and keep people out of police cells. Two parts:\n\n"
        "1. **Real published figures**: NHS England *Mental Health Act Statistics, Annual Figures 2023-24* "
        "(bundled excerpt of `../shared/data/s136_mental_health/`): national s136 uses, conversion to s2/s3, and "
        "uses by ethnicity.\n"
        "2. **A synthetic pilot** (record-level data are not published): `saferstats.synthetic.s136_pilot_records` "
        "generates, with a fixed seed and documented assumptions, detention records around a pilot starting in "
        "month 25. **Every figure in part 2 is synthetic** and shows the method only: outcome rates, place of safety, "
        "detention times, before/after tests, the interrupted time series, and a disclosure-controlled export."
    ),
    new_code_cell(
        "import numpy as np, pandas as pd\n"
        "%matplotlib inline\n"
        "import matplotlib.pyplot as plt\n"
        "import saferstats\n"
        "pd.set_option('display.width', 180); pd.set_option('display.max_columns', 30)\n"
        "mha = saferstats.read_mha_annual(saferstats.datasets.mha_annual_excerpt_path())\n"
        "nat = mha[(mha.organisation_level == 'All submissions') & (mha.demographic == 'All')\n"
        "          & mha.measure.isin(['Short term orders', 'Detentions following use of Place of Safety Order'])]\n"
        "nat[['measure', 'subcategory', 'datasource', 'mhsds_count', 'acute_count', 'count']]"
    ),
    new_markdown_cell(
        "## 1a. Conversion of s136 to s2/s3, England 2023-24 (Wilson 95% CI)\n\n"
        "The conversions are counted in the Mental Health Services Data Set (MHSDS) only, while the s136 total "
        "(`datasource` \"Both\") adds the uses recorded in A&E (ECDS). The like-for-like denominator is the total's "
        "MHSDS part, `mhsds_count`."
    ),
    new_code_cell(
        "n = nat.set_index('subcategory')['count']\n"
        "uses = nat.set_index('subcategory').loc['Section 136', 'mhsds_count']\n"
        "assert uses < n['Section 136']  # 15,212 of the 16,837 uses are in MHSDS\n"
        "conv = saferstats.proportion_ci([n['Section 136 to 2'], n['Section 136 to 3'], n['Section 136 to 2'] + n['Section 136 to 3']],\n"
        "                                uses, multiplier=100)\n"
        "conv.index = ['to s2', 'to s3', 'to s2 or s3']\n"
        "conv.round(2)"
    ),
    new_markdown_cell(
        "## 1b. s136 uses by ethnicity: shares with Wilson CIs, and rates relative to White\n\n"
        "NHS England publishes crude rates per 100,000 by ethnic group; the implied denominators (count / crude "
        "rate) are used to put a CI on each group's rate ratio to White (an approximation: published rates are "
        "rounded to 0.1)."
    ),
    new_code_cell(
        "eth = mha[(mha.subcategory == 'Section 136') & (mha.demographic == 'Ethnicity') & (mha.organisation_level == 'All submissions')]\n"
        "broad = eth[eth.breakdown.isin(['White', 'Black or Black British', 'Asian or Asian British', 'Mixed', 'Other Ethnic Groups'])].copy()\n"
        "broad['population'] = broad['count'] / broad['crude_rate'] * 1e5\n"
        "white = broad.set_index('breakdown').loc['White']\n"
        "rr = saferstats.rate_ratio(broad['count'], broad['population'], white['count'], white['population'])\n"
        "broad = broad.assign(rate_ratio=rr['ratio'].to_numpy(), rr_lower=rr['lower'].to_numpy(), rr_upper=rr['upper'].to_numpy())\n"
        "broad[['breakdown', 'count', 'crude_rate', 'rate_ratio', 'rr_lower', 'rr_upper']].round(2)"
    ),
    new_markdown_cell("## 2. The synthetic pilot: records (SYNTHETIC)"),
    new_code_cell(
        "recs = saferstats.synthetic.s136_pilot_records(seed=136)\n"
        "print(len(recs), 'synthetic detentions,', recs.detention_time.min().date(), 'to', recs.detention_time.max().date())\n"
        "recs.head(3)"
    ),
    new_code_cell(
        "summary = saferstats.s136_summary(recs, disclosure=False)\n"
        "print('excluded from denominators:', summary.excluded)\n"
        "summary.rates.round({'percent': 1, 'lower': 1, 'upper': 1})"
    ),
    new_code_cell("summary.place_of_safety[['label', 'count', 'known', 'percent', 'lower', 'upper']].round(1)"),
    new_code_cell("pd.concat([summary.durations, summary.flags], axis=1).round(2)"),
    new_markdown_cell(
        "## Before / after the pilot (SYNTHETIC)\n\nEach outcome and place of safety, post against pre (later ÷ "
        "earlier, so a fall is below 1): risk ratio (Katz CI; the exact conditional CI when a cell is zero, named in "
        "`rr_method`), difference post − pre (Newcombe CI), z test, or Fisher's exact test when an expected cell is "
        "below 5; and detention rates per 100,000 a year (population 1.1 million assumed)."
    ),
    new_code_cell(
        "ba = saferstats.before_after(recs, split='2024-01-01', population=(1.1e6 * 2, 1.1e6 * 1))\n"
        "print(ba.attrs['detention_rates'].round(2).to_string(index=False))\n"
        "ba[['kind', 'measure', 'pre_count', 'pre_n', 'post_count', 'post_n', 'rr', 'rr_lower', 'rr_upper', 'rr_method', 'p_value', 'test']].round(3)"
    ),
    new_markdown_cell(
        "## Interrupted time series (SYNTHETIC)\n\nSegmented Poisson regression on monthly detentions with a "
        "population offset and Fourier seasonality; `break_index=24` is the first pilot month and time-since-break "
        "is 0 in that month, so the level change is the immediate effect (docs/methods/s136.md D3)."
    ),
    new_code_cell(
        "monthly = saferstats.monthly_counts(recs)\n"
        "its = saferstats.its_poisson(monthly.to_numpy(), break_index=24, population=1.1e6, seasonality='fourier', dispersion='quasi')\n"
        "print(its)\n"
        "fig, ax = plt.subplots(figsize=(8, 4))\n"
        "saferstats.plot_its(its, labels=monthly.index.to_timestamp(), ax=ax)\n"
        "its.effects().round(3)"
    ),
    new_markdown_cell(
        "## A disclosure-controlled export (SYNTHETIC)\n\nPublished tables suppress counts of 1–4 (and the cells "
        "that would let them be recovered from totals). Outcomes by gender and pilot phase:"
    ),
    new_code_cell(
        "phase = pd.Series(np.where(recs.detention_time >= '2024-01-01', 'pilot', 'pre-pilot'), name='phase')\n"
        "table = pd.crosstab([recs.gender, phase], recs.outcome).reset_index()\n"
        "published = saferstats.suppress(table)\n"
        "print(published.attrs['rule'])\n"
        "published"
    ),
]


HOT = [
    new_markdown_cell(
        "# Fly-tipping and ASB hotspots\n\n"
        "The PCC funds cameras \"at fly tipping hotspots across the county\" and asks partners to map and target. "
        "**Data** (real, public): Defra fly-tipping incidents reported by each Hertfordshire district (2012-13 to "
        "2021-22) for district rates; police.uk anti-social behaviour points in Hertfordshire, April–June 2021, as the "
        "point pattern — no council publishes point-level fly-tipping, so ASB stands in for the method (both bundled "
        "from `../shared/data/`). Methods: `docs/methods/hotspots.md` C (DBSCAN with scikit-learn's semantics, quartic KDE, "
        "Getis–Ord Gi*, Knox)."
    ),
    new_code_cell(
        "import json, tempfile\n"
        "from pathlib import Path\n"
        "import numpy as np, pandas as pd\n"
        "%matplotlib inline\n"
        "import matplotlib.pyplot as plt\n"
        "import saferstats\n"
        "pd.set_option('display.width', 180); pd.set_option('display.max_columns', 30)"
    ),
    new_markdown_cell(
        "## District fly-tipping rates per 1,000 residents, 2021-22 (2011 Census populations), with a funnel plot\n\n"
        "The populations are the 2011 Census's, ten years before these counts, so every rate is somewhat too high. "
        "With counts in the hundreds and thousands PHE's limits are narrow, and every district but Watford falls "
        "outside them: districts differ for many reasons besides chance (including how each council counts), so "
        "'High' or 'Low' here is not by itself a finding (notebook 06 shows limits widened for over-dispersion)."
    ),
    new_code_cell(
        "ft = saferstats.datasets.flytipping_hertfordshire()\n"
        "pop = saferstats.datasets.census2011_by_la().set_index('la')['All']\n"
        "y = ft[ft.year == ft.year.max()].assign(population=lambda d: d.la.map(pop).to_numpy())\n"
        "y = saferstats.add_rates(y, count='incidents', multiplier=1000)\n"
        "target = saferstats.funnel_target(y.incidents, y.population, kind='rate', multiplier=1000)\n"
        "y['significance'] = saferstats.funnel_significance(y.incidents, y.population, kind='rate', multiplier=1000, target=target).to_numpy()\n"
        "ax = saferstats.plot_funnel(y.incidents, y.population, labels=y.la, kind='rate', multiplier=1000, highlight=list(y.la))\n"
        "y[['year', 'la', 'incidents', 'population', 'rate', 'lower', 'upper', 'significance']].round(2)"
    ),
    new_code_cell(
        "trend = saferstats.poisson_trend(ft.dropna(subset=['incidents']).assign(population=lambda d: d.la.map(pop)),\n"
        "                                 count='incidents', period='year', by='la', dispersion='auto', use_t=True)\n"
        "trend[['la', 'apc', 'apc_lower', 'apc_upper', 'dispersion_ratio', 'method']].round(1)"
    ),
    new_markdown_cell(
        "`poisson_trend` warns that Welwyn Hatfield's trend runs across a change in Defra's reporting basis "
        "(2019-20: customer/public reports only, 1,700; 2020-21: all incidents, 4,836; "
        "`trend.attrs['recording_changes']`): its annual % change is not like for like. Fit it on the years since "
        "the change, or leave it out: with two years since, the strategic assessment gives it no trend."
    ),
    new_markdown_cell(
        "## DBSCAN clusters of ASB points\n\nHaversine DBSCAN, eps = 150 m, at least 15 reports: labels identical to "
        "scikit-learn's. police.uk coordinates are anonymised to snap points, so many reports share a location: "
        "`locations` counts each cluster's distinct map points, and saferstats warns that 7 of the 48 clusters are "
        "a single point (area 0, no density): those are 15 or more reports published at one map point, not a "
        "spread of incidents, and should be named as a location rather than drawn as a hotspot."
    ),
    new_code_cell(
        "asb = saferstats.datasets.hertfordshire_asb()\n"
        "labels = saferstats.dbscan(asb.lat, asb.lon, eps_m=150, min_samples=15)\n"
        "clusters = saferstats.cluster_summary(asb.lat, asb.lon, labels, times=pd.to_datetime(asb.month))\n"
        "print(f'{len(asb):,} ASB reports, {len(clusters)} clusters, {clusters.attrs[\"noise_points\"]:,} noise points')\n"
        "fig, ax = plt.subplots(figsize=(7, 7))\n"
        "saferstats.plot_clusters(asb.lat, asb.lon, labels, table=clusters, ax=ax)\n"
        "clusters.sort_values('n', ascending=False)[['label', 'n', 'locations', 'centroid_lat', 'centroid_lon', 'area_m2', 'density_per_km2']].head(10).round(4)"
    ),
    new_code_cell(
        "out = Path(tempfile.mkdtemp()) / 'asb_clusters.geojson'\n"
        "clusters.to_geojson(out)\n"
        "g = json.loads(out.read_text())\n"
        "print(out.name, len(g['features']), 'features;', g['features'][0]['geometry']['type'], g['features'][0]['properties'])"
    ),
    new_markdown_cell(
        "HDBSCAN needs no radius: it keeps the clusters that persist over a range of densities "
        "(labels identical to scikit-learn's HDBSCAN, in a fraction of the time; all reports)."
    ),
    new_code_cell(
        "h = saferstats.hdbscan(asb.lat, asb.lon, min_cluster_size=25)\n"
        "d = labels  # DBSCAN above (150 m, 15)\n"
        "pd.DataFrame({'method': ['HDBSCAN (min_cluster_size 25)', 'DBSCAN (150 m, 15)'],\n"
        "              'clusters': [h.max() + 1, d.max() + 1], 'noise_share': [(h < 0).mean(), (d < 0).mean()]}).round(3)"
    ),
    new_markdown_cell(
        "## Existing practice: nearest-neighbour index and CrimeStat NNH\n\nMany partnerships still report "
        "CrimeStat's nearest-neighbour hierarchical clusters. Both need the study area — Hertfordshire's is "
        "1,643 km² (ONS Standard Area Measurements) — and work on projected metres (British National Grid). "
        "police.uk snaps reports to shared points, so the distinct locations are used for the index. NNH works "
        "on all the reports, and saferstats warns that three map points each hold 25 or more of them: each is a "
        "'cluster' on its own, whatever the threshold, and reads as a count at one point."
    ),
    new_code_cell(
        "e, n = saferstats.to_bng(asb.lat, asb.lon)\n"
        "area = 1643e6\n"
        "sites = pd.DataFrame({'e': e, 'n': n}).drop_duplicates()\n"
        "print('Clark-Evans on distinct locations:', {k: round(v, 3) for k, v in saferstats.clark_evans(sites.e, sites.n, area=area).items()})\n"
        "nn = saferstats.nnh(e, n, area=area, p=0.05, min_points=25, max_order=3)\n"
        "print(nn)\n"
        "nn.clusters.sort_values(['order', 'n_points'], ascending=[True, False]).groupby('order').head(5).round(1)"
    ),
    new_markdown_cell(
        "## Kernel density (quartic, ArcGIS default radius) on the British National Grid\n\n"
        "police.uk's file for a force holds some reports snapped to places beyond it, and a grid over all the points "
        "is stretched to reach the farthest (one report alone left three quarters of such a grid empty). So the "
        "density and the Gi* grid below are made over the study area, `study_area=` Hertfordshire, with British "
        "National Grid coordinates (`e, n` from `to_bng` above): the grid covers the county, and saferstats warns "
        "how many reports lie outside it and where (22 of 7,633, most in neighbouring districts), leaving them out."
    ),
    new_code_cell(
        "herts = saferstats.StudyArea('Hertfordshire')\n"
        "kde = saferstats.kde_grid(e, n, cell_size=250, study_area=herts)\n"
        "print(kde)\n"
        "fig, ax = plt.subplots(figsize=(7, 6))\n"
        "saferstats.plot_kde(kde, ax=ax);"
    ),
    new_markdown_cell(
        "## Getis–Ord Gi* on a 1 km grid of counts (queen contiguity, 999 permutations)\n\n"
        "The grid covers Hertfordshire's extent, and only the cells whose centre is in the county are compared "
        "(`grid_mask`, the `mask` of `Weights.lattice`): cells beyond it would add empty neighbourhoods. Some "
        "cells in the county still have no reports anywhere in their neighbourhood; saferstats warns that their "
        "permutation p-value (`p_sim`) is 0.001 by construction, not evidence of a cold spot. The labels below are "
        "read from each cell's z, as the warning advises."
    ),
    new_code_cell(
        "counts, cx, cy = saferstats.grid_counts(e, n, cell_size=1000, study_area=herts)\n"
        "mask = herts.grid_mask(cx, cy)\n"
        "w = saferstats.Weights.lattice(*counts.shape, contiguity='queen', mask=mask)\n"
        "gi = saferstats.gi_star(counts[mask], w, permutations=999, seed=2021)\n"
        "print(pd.Series(gi.label).value_counts().to_string())\n"
        "fig, ax = plt.subplots(figsize=(7, 6))\n"
        "saferstats.plot_gi(gi, counts.shape, x=cx, y=cy, ax=ax, mask=mask);"
    ),
    new_markdown_cell(
        "## Near-repeat (Knox) table\n\nDo reports cluster in space *and* time beyond what their separate "
        "patterns explain? Bands are left-closed [a, b) in metres and days. police.uk gives the month only, so "
        "events are placed on the 15th and the time bands are whole months: k months apart is 28k to 31k days, "
        "so the edges 1, 32 and 63 give the same month, the next month and the month after (edges at 31 and 61 "
        "would put a 31-day month into the two-month band and a 30-day one into the one-month band)."
    ),
    new_code_cell(
        "x, yv = saferstats.to_local_metres(asb.lat, asb.lon)\n"
        "t = (pd.to_datetime(asb.month) + pd.Timedelta(days=14) - pd.Timestamp('2021-04-01')).dt.days.to_numpy(float)\n"
        "sample = np.random.default_rng(1).choice(len(asb), 3000, replace=False)\n"
        "kn = saferstats.knox(x[sample], yv[sample], t[sample], distance_bands=[0, 100, 200, 400, np.inf],\n"
        "                     time_bands=[0, 1, 32, 63, np.inf], permutations=99, seed=7)\n"
        "kn.round(3)"
    ),
]


AREAS = [
    new_markdown_cell(
        "# Areas and denominators: stop and search by Community Safety Partnership\n\n"
        "A CSP analyst reports on *their* area. This notebook places each police.uk stop-and-search record in the "
        "Community Safety Partnership containing its location (bundled ONS boundaries, exact point-in-polygon in "
        "Rust), compares it with that CSP's Census population by ethnic group, and shows every search that could "
        "not be placed. **Data** (real, public): police.uk stop-and-search records for Essex, December 2019 – "
        "February 2020 (`../shared/data/stop_search/`; when that folder is absent the notebook uses the bundled "
        "Derbyshire records instead and says so); Census 2021 (TS021) and 2011 (QS201EW) usual residents by ethnic "
        "group, bundled (`saferstats/data/PROVENANCE.md`). Method: Home Office (`docs/methods/stop_search.md` B1–B2): self-defined "
        "ethnicity in five groups, rates per 1,000 residents, ratio to the White rate with a Katz CI."
    ),
    new_code_cell(
        "import warnings\n"
        + STOP_SEARCH_SETUP
        + "if sorted(shared.glob('*-essex-stop-and-search.csv')):\n"
        "    force, records = 'essex', saferstats.read_stop_search(sorted(shared.glob('*-essex-stop-and-search.csv')))\n"
        "else:\n"
        "    print('NOTE: ../shared/data/stop_search is not here: using the bundled Derbyshire records instead of Essex')\n"
        "    force = 'derbyshire'\n"
        "    records = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())\n"
        "    records = records[records.force == force]\n"
        "print(f'{force}: {len(records):,} searches, {records.month.astype(str).min()} to {records.month.astype(str).max()}; '\n"
        "      f'{records.latitude.isna().sum():,} without a location')"
    ),
    new_markdown_cell(
        "## Census 2021 denominators for every level\n\n`census_population(level)` gives usual residents by the "
        "five broad groups for police force areas, local authorities (2024), CSPs and LSOAs 2021 — all sums of the "
        "same LSOA counts, so they add up exactly. The Hertfordshire force area reproduces the published figures "
        "(Asian 103,679; Black 44,863; Mixed 45,127; White 980,115; Other 25,048)."
    ),
    new_code_cell(
        "forces = saferstats.census_population('force')\n"
        "herts = forces[forces.force == 'hertfordshire'].set_index('ethnicity')['population']\n"
        "assert herts.to_dict() == {'Asian': 103_679, 'Black': 44_863, 'Mixed': 45_127, 'Other': 25_048, 'White': 980_115}\n"
        "csp = saferstats.census_population('csp')\n"
        "mine = csp[csp.force == force].pivot(index='csp', columns='ethnicity', values='population')\n"
        "assert mine.to_numpy().sum() == forces[forces.force == force]['population'].sum()  # the CSPs make up the force\n"
        "mine.assign(total=mine.sum(axis=1))"
    ),
    new_markdown_cell(
        "## Stop and search by CSP (Census 2021 denominators)\n\n`disproportionality(records, by='csp')` places "
        "each search by its `latitude`/`longitude`. The searches are from before April 2022, so saferstats warns "
        "that Census 2021 denominators are not like for like with the Home Office series of that time (below we "
        "put them beside the 2011 ones)."
    ),
    new_code_cell(
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    by_csp = saferstats.disproportionality(records, by='csp', multiplier=4000)  # per year: 3 months x 4\n"
        "for w in caught:\n"
        "    print('WARNING:', w.message, '\\n')\n"
        "print('denominator:', by_csp.attrs['denominator'])\n"
        "by_csp.query(\"group == 'Black'\")[['csp', 'searches', 'population', 'rate', 'ratio', 'ratio_lower', 'ratio_upper', 'reliable']].round(2)"
    ),
    new_markdown_cell(
        "## The unassigned-row report\n\nNo search is dropped silently. Those that cannot be placed in one of "
        "the force's CSPs are counted by reason: no coordinates, beyond the generalised coastline or river outline "
        "(`no_area`), outside England and Wales (a few Essex records carry points in Northern Ireland), or in "
        "another force's area (`outside_force`). The CSP counts add up to the force's searches minus these."
    ),
    new_code_cell(
        "force_level = saferstats.disproportionality(records, by='force', census=2011, multiplier=4000)\n"
        "unassigned = by_csp.attrs['unassigned']\n"
        "print('unassigned by reason:', unassigned)\n"
        "print('by force:', by_csp.attrs.get('unassigned_by_force'))\n"
        "total, placed = force_level['searches'].sum(), by_csp['searches'].sum()\n"
        "assert placed == total - sum(unassigned.values())\n"
        "print(f'{total:,} searches in the force rates = {placed:,} placed in a CSP + {sum(unassigned.values()):,} unassigned')\n"
        "first = by_csp.attrs['unassigned_rows'][:8]\n"
        "records.loc[first, ['source_file', 'source_line', 'latitude', 'longitude', 'self_defined_ethnicity']]"
    ),
    new_markdown_cell(
        "**Approximate near boundaries.** police.uk publishes each search at an anonymised *snap point* (the "
        "centre of a street or a public place that covers several addresses), not where it happened, so a search "
        "close to a CSP boundary may be counted in the neighbouring CSP. CSP rates are rates of the snap points' "
        "CSPs; differences between neighbouring CSPs on small numbers should be read with that in mind."
    ),
    new_markdown_cell(
        "## Census 2011 vs Census 2021 denominators, side by side\n\nThe Home Office used 2011 populations up to "
        "2021/22 and 2021 populations from 2022/23. For these months the 2011 figures are like for like with the "
        "published series; the 2021 ones show how much the choice matters: Essex's Black population grew from "
        "about 35,000 (2011) to about 63,000 (2021), so the same searches give a much lower rate and ratio."
    ),
    new_code_cell(
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('error', saferstats.SaferstatsWarning)  # like for like: no warning at all ...\n"
        "    warnings.filterwarnings('ignore', message='.*could not be placed')  # ... except the unassigned report above\n"
        "    warnings.filterwarnings('ignore', message='.*not stated for a fifth')  # ... and Harlow's not-stated share (above)\n"
        "    by_csp_2011 = saferstats.disproportionality(records, by='csp', census=2011, multiplier=4000)\n"
        "assert (by_csp_2011['searches'].to_numpy() == by_csp['searches'].to_numpy()).all()  # same searches, other denominators\n"
        "side = by_csp.merge(by_csp_2011, on=['csp', 'csp_code', 'group'], suffixes=('_2021', '_2011'))\n"
        "black = side[side.group == 'Black'].set_index('csp')\n"
        "black[['searches_2021', 'population_2011', 'population_2021', 'rate_2011', 'rate_2021', 'ratio_2011', 'ratio_2021']].round(2)"
    ),
    new_code_cell(
        "fig, ax = plt.subplots(figsize=(7, 5))\n"
        "y = np.arange(len(black))\n"
        "for col, off, colour in [('2011', 0.15, '#1f77b4'), ('2021', -0.15, '#d62728')]:\n"
        "    r = black[f'ratio_{col}']\n"
        "    ax.errorbar(r, y + off, xerr=[r - black[f'ratio_lower_{col}'], black[f'ratio_upper_{col}'] - r], fmt='o', ms=4,\n"
        "                color=colour, label=f'Census {col} denominators')\n"
        "ax.axvline(1, color='black', lw=0.8); ax.set_xscale('log')\n"
        "ax.set_yticks(y, black.index, fontsize=8)\n"
        "ax.set_xlabel('Black / White search rate ratio (95% CI, log scale)')\n"
        "ax.set_title(f'{force.title()} stop and search by CSP, Dec 2019 - Feb 2020', fontsize=10)\n"
        "ax.legend(fontsize=8);"
    ),
    new_code_cell(
        "fig, ax = plt.subplots(figsize=(7, 9))\n"
        "saferstats.plot_disproportionality(by_csp_2011, ax=ax);"
    ),
    new_markdown_cell(
        "## Local authorities, and the force as a whole\n\n`by='la'` does the same for local authorities "
        "(December 2024). The force-level rates use the same denominators summed: the CSP figures are a "
        "breakdown of them, not a different statistic."
    ),
    new_code_cell(
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore', saferstats.SaferstatsWarning)  # the same unassigned searches as above\n"
        "    by_la = saferstats.disproportionality(records, by='la', census=2011)\n"
        "print(by_la.la.nunique(), 'local authorities;', by_la['searches'].sum(), 'searches placed')\n"
        "force_level[['force', 'group', 'searches', 'population', 'rate', 'ratio', 'ratio_lower', 'ratio_upper', 'denominator']].round(2)"
    ),
    new_markdown_cell(
        "## Hertfordshire anti-social behaviour on a map with its districts\n\n"
        "police.uk street-level files, as published, for Hertfordshire (January-March 2021; the committed excerpt "
        "of the same records when `../shared/data/street_crime` is absent). police.uk snaps some records of a "
        "force's file to map points outside the force: `study_area='Hertfordshire'` leaves them out and says how "
        "many and where (a `SaferstatsWarning`; their DBSCAN label is -3), and grids cover the force instead of "
        "being stretched by them. `read_street_crime` also warns that about a tenth of the records carry LSOA 2011 "
        "codes that ONS changed in 2021: that matters only for a join on `lsoa_code` (it tells you how to mend "
        "it); this notebook places every record by its coordinates."
    ),
    new_code_cell(
        "street = Path('..').resolve().parent / 'shared' / 'data' / 'street_crime'\n"
        "files = [street / f'2021-0{m}-hertfordshire-street.csv' for m in (1, 2, 3)]\n"
        "if all(f.exists() for f in files):\n"
        "    asb = saferstats.read_street_crime(files, crime_type='Anti-social behaviour')\n"
        "    asb = asb.rename(columns={'latitude': 'lat', 'longitude': 'lon'})\n"
        "else:\n"
        "    print('NOTE: ../shared/data/street_crime is not here: using the committed excerpt')\n"
        "    asb = pd.read_csv('data/herts_asb_2021_excerpt.csv.gz').rename(columns={'Latitude': 'lat', 'Longitude': 'lon'})\n"
        "asb = asb.dropna(subset=['lat', 'lon']).reset_index(drop=True)\n"
        "labels = saferstats.dbscan(asb.lat, asb.lon, eps_m=150, min_samples=25, study_area='Hertfordshire')\n"
        "inside = labels != -3\n"
        "clusters = saferstats.cluster_summary(asb.lat[inside], asb.lon[inside], labels[inside])\n"
        "print(f'{len(asb):,} ASB points; {(~inside).sum()} outside Hertfordshire; {len(clusters)} clusters')"
    ),
    new_code_cell(
        "fig, ax = plt.subplots(figsize=(8, 8))\n"
        "saferstats.plot_clusters(asb.lat[inside], asb.lon[inside], labels[inside], table=clusters, ax=ax, label=8)\n"
        "ax.set_title(f'ASB clusters (DBSCAN 150 m, 25 points) over the Hertfordshire districts; '\n"
        "             f\"{'the 8 largest' if len(clusters) > 8 else 'all ' + str(len(clusters))} named by district\", fontsize=9);"
    ),
    new_markdown_cell(
        "The same points as a density surface on the British National Grid, over the force area only, with the "
        "district outlines (`plot_kde(..., areas='la')`)."
    ),
    new_code_cell(
        "x, y = saferstats.to_bng(asb.lat, asb.lon)\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore', saferstats.SaferstatsWarning)  # the same points outside, counted above\n"
        "    kde = saferstats.kde_grid(x, y, cell_size=250, bandwidth=1000, study_area='Hertfordshire')\n"
        "fig, ax = plt.subplots(figsize=(8, 7))\n"
        "saferstats.plot_kde(kde, ax=ax, areas='la');"
    ),
]


def write(name: str, cells) -> None:
    """Write notebook `name` next to this script (also used by make_notebook_06.py)."""
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, HERE / name)


if __name__ == "__main__":
    write("00_rates_quickstart.ipynb", RATES)
    write("01_hate_crime_trends.ipynb", HATE)
    write("02_stop_search_disproportionality.ipynb", STOP)
    write("03_flytipping_hotspots.ipynb", HOT)
    write("04_s136_triage_outcomes.ipynb", S136)
    write("05_areas_and_denominators.ipynb", AREAS)
