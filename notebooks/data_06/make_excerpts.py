"""Make the small excerpts notebook 06 falls back on when ../shared/data is absent.

    python notebooks/data_06/make_excerpts.py   (from the repository root, with ../shared/data present)

See PROVENANCE.md beside this file.
"""

from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
SHARED = HERE.parents[1] / ".." / "shared" / "data"

# 1. Home Office bulletin 2018/19, Figure 2: racially or religiously aggravated offences by month
fig2 = SHARED / "hate_crime/home_office_by_force_2017-18_2018-19/DERIVED_hate-crime-1819-hosb2419-tables_Figure_2.csv"
raw = pd.read_csv(fig2, skiprows=3, header=0, thousands=",")
raw = raw.rename(columns={raw.columns[0]: "month_name"}).dropna(subset=["month_name"])
raw = raw[raw["month_name"].isin(["January", "February", "March", "April", "May", "June", "July", "August",
                                  "September", "October", "November", "December"])]
long = raw.melt(id_vars="month_name", value_vars=[str(y) for y in range(2013, 2020)], var_name="year",
                value_name="offences").dropna()
long["month"] = pd.to_datetime(long["month_name"] + " " + long["year"], format="%B %Y").dt.strftime("%Y-%m")
long = long.sort_values("month")[["month", "offences"]]
long["offences"] = long["offences"].astype(int)
assert len(long) == 72
long.to_csv(HERE / "ho_racially_religiously_aggravated_monthly_2013-04_2019-03.csv", index=False)

# 2. police.uk Hertfordshire street-level crime, Jan 2021 - Jan 2022: counts by month and crime type
frames = []
for f in sorted((SHARED / "street_crime").glob("*-hertfordshire-street.csv")):
    d = pd.read_csv(f, usecols=["Month", "Crime type"])
    frames.append(d.groupby(["Month", "Crime type"]).size().rename("count").reset_index())
counts = pd.concat(frames).rename(columns={"Month": "month", "Crime type": "crime_type"})
counts.to_csv(HERE / "hertfordshire_street_crime_monthly_2021-01_2022-01.csv", index=False)
print(len(long), len(counts))
