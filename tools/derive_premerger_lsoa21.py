"""Derive LSOA 2021 -> pre-merger district (December 2018) for the seven authorities whose
Community Safety Partnerships still follow the districts they were merged from.

The ONS "LAD to CSP to PFA (December 2024)" lookup lists several CSPs for seven 2024 local
authorities (BCP, Buckinghamshire, North and West Northamptonshire, Cumberland, Westmorland and
Furness, East Suffolk). Their CSPs are the pre-merger districts (or groups of them). An LSOA 2021
is placed in its pre-merger district by chaining two ONS lookups, as packaged (R data files) in
humaniverse/geographr at commit c026be5cc76cb576358082b53f1f13d69ab577ae:

* ``data/lookup_lsoa11_lsoa21_ltla22.rda`` - ONS "LSOA (2011) to LSOA (2021)" best-fit changes
  (change codes U unchanged, S split, M merged, X irregular);
* ``data/lookup_lsoa11_ltla18.rda`` - ONS "LSOA (2011) to LAD (December 2018)".

Every LSOA 2021 of the seven authorities maps to exactly one 2018 district this way (checked
below; 1,480 LSOAs, change codes U/S/M only), so the resulting CSP populations are exact sums of
LSOAs. Ward (December 2024) based assignment would NOT be exact: four wards straddle the old
district lines (two in BCP, two in East Suffolk).

Usage (needs R to read .rda files, and a checkout of geographr at the commit above):

    python tools/derive_premerger_lsoa21.py /path/to/geographr-checkout

writes ``tools/data/lsoa21_premerger_district.csv``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "population" / "census2021_ew"
OUT = ROOT / "tools" / "data" / "lsoa21_premerger_district.csv"
FILES = ("lookup_lsoa11_lsoa21_ltla22", "lookup_lsoa11_ltla18")


def read_rda(checkout: Path, name: str, tmp: Path) -> pd.DataFrame:
    csv = tmp / f"{name}.csv"
    script = (
        f'e <- new.env(); load("{checkout / "data" / (name + ".rda")}", envir = e); '
        f'write.csv(as.data.frame(get(ls(e)[1], envir = e)), "{csv}", row.names = FALSE)'
    )
    subprocess.run(["Rscript", "-e", script], check=True)
    return pd.read_csv(csv, dtype=str)


def main(checkout: Path) -> None:
    csp = pd.read_csv(SHARED / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    split = csp[csp.duplicated("ltla24_code", keep=False)]
    lsoa = pd.read_csv(SHARED / "lookup_lsoa21_ward24_ltla24.csv", dtype=str)
    lsoa = lsoa[lsoa["ltla24_code"].isin(split["ltla24_code"])]
    with tempfile.TemporaryDirectory() as t:
        changes, l18 = (read_rda(checkout, f, Path(t)) for f in FILES)
    m = lsoa.merge(changes[["lsoa11_code", "lsoa21_code", "change_code"]], on="lsoa21_code", how="left")
    m = m.merge(l18[["lsoa11_code", "ltla18_code", "ltla18_name"]], on="lsoa11_code", how="left")
    if m["ltla18_code"].isna().any():
        raise SystemExit(f"LSOAs without a 2018 district: {m[m.ltla18_code.isna()].lsoa21_code.tolist()}")
    n = m.groupby("lsoa21_code")["ltla18_code"].nunique()
    if (n > 1).any():
        raise SystemExit(f"LSOAs in more than one 2018 district: {n[n > 1].index.tolist()}")
    out = (
        m.groupby("lsoa21_code", as_index=False)
        .agg(ltla24_code=("ltla24_code", "first"), district18_code=("ltla18_code", "first"),
             district18_name=("ltla18_name", "first"), change_codes=("change_code", lambda s: "".join(sorted(set(s)))))
        .sort_values("lsoa21_code")
    )
    assert len(out) == len(lsoa), (len(out), len(lsoa))
    out.to_csv(OUT, index=False)
    print(f"wrote {OUT} ({len(out)} LSOAs)")
    print(out.groupby(["ltla24_code", "district18_name"]).size().to_string())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
