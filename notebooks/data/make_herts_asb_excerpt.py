"""Write notebooks/data/herts_asb_2021_excerpt.csv.gz: the anti-social behaviour records of the 13
Hertfordshire street-crime files (Jan 2021 - Jan 2022) in ../shared/data/street_crime/ that fall in
the 20 km square 505,000-525,000 E, 195,000-215,000 N (Watford, St Albans, Hemel Hempstead), with
columns Month, Longitude, Latitude as published. Run: .venv/bin/python notebooks/data/make_herts_asb_excerpt.py
"""
import glob
import pathlib

import pandas as pd

import saferstats

HERE = pathlib.Path(__file__).parent
files = sorted(glob.glob(str(HERE.parents[1] / ".." / "shared" / "data" / "street_crime" / "*-hertfordshire-street.csv")))
df = pd.concat([pd.read_csv(f, usecols=["Month", "Longitude", "Latitude", "Crime type"]) for f in files])
df = df[(df["Crime type"] == "Anti-social behaviour") & df["Latitude"].notna()]
e, n = saferstats.to_bng(df["Latitude"].to_numpy(), df["Longitude"].to_numpy())
keep = (e >= 505_000) & (e < 525_000) & (n >= 195_000) & (n < 215_000)
df.loc[keep, ["Month", "Longitude", "Latitude"]].to_csv(HERE / "herts_asb_2021_excerpt.csv.gz", index=False)
print(int(keep.sum()), "records")
