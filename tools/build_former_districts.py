"""Build ``census2021_former_la.csv.gz``: Census 2021 usual residents of the local authority
districts abolished by mergers since 2018 whose areas the LSOAs 2021 fill exactly.

Published series by local authority (Defra fly-tipping, Home Office tables, police.uk CSP
returns) keep the districts' own codes up to the year before the merger: Allerdale (E07000026)
has fly-tipping counts to 2021/22, Aylesbury Vale (E07000004) to 2019/20. A rate for those rows
needs the district's own population, which no December 2024 table has.

Two exact routes, both sums of the bundled LSOA table (so the figures add up with every other
level of :func:`saferstats.census_population`):

* the 22 districts of December 2018 whose CSPs still follow them (BCP, Buckinghamshire, North and
  West Northamptonshire, Cumberland, Westmorland and Furness, East Suffolk): the LSOA table's
  ``district18_code`` (from two ONS lookups; see ``tools/derive_premerger_lsoa21.py``);
* the 17 districts of 2021 merged in April 2023 (Cumbria, North Yorkshire and Somerset): LSOAs
  2021 were drawn inside the 2021 districts and keep the district's name in their own
  ("Craven 001A"); each name is matched to its 2021 code in ONS's LA 2021 table.

The six Cumbrian districts are reached by both routes; the script stops unless they agree, and
unless every district is within ONS perturbation (one person per LSOA) of ONS's own LA 2021
total (``ts021_ethnic_group_detailed_ltla21.csv``, which is perturbed separately).

Districts abolished in 2019 into authorities whose CSP is the whole new authority (the Dorset
districts, Taunton Deane, West Somerset, Forest Heath, St Edmundsbury) are not reachable
exactly from what is bundled and are left out.

Usage: ``python tools/build_former_districts.py [SHARED_DATA_DIR]`` (default ``../shared/data``).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "python" / "saferstats" / "data"
GROUPS = ["White", "Black", "Asian", "Mixed", "Other"]
#: successor (December 2024 code) -> the date its districts were abolished
ABOLISHED = {
    "E06000058": "2019-04-01",  # Bournemouth, Christchurch and Poole
    "E07000244": "2019-04-01",  # East Suffolk
    "E06000060": "2020-04-01",  # Buckinghamshire
    "E06000061": "2021-04-01",  # North Northamptonshire
    "E06000062": "2021-04-01",  # West Northamptonshire
    "E06000063": "2023-04-01",  # Cumberland
    "E06000064": "2023-04-01",  # Westmorland and Furness
    "E06000065": "2023-04-01",  # North Yorkshire
    "E06000066": "2023-04-01",  # Somerset
}


def check(cond: bool, what: str) -> None:
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        raise SystemExit(f"check failed: {what}")


def main(shared: Path) -> None:
    lsoa = pd.read_csv(DATA / "census2021_lsoa21.csv.gz", dtype=str, keep_default_na=False)
    lsoa[GROUPS] = lsoa[GROUPS].astype(int)
    lk = pd.read_csv(DATA / "lookup_la24_csp24_pfa24.csv.gz", dtype=str, keep_default_na=False)
    la_name = lk.drop_duplicates("la_code").set_index("la_code")["la"]
    with gzip.open(DATA / "boundaries_premerger_districts.geojson.gz") as fh:
        d18 = {f["properties"]["district_code"]: f["properties"]["district"] for f in json.load(fh)["features"]}
    la21 = pd.read_csv(shared / "population" / "census2021_ew" / "ts021_ethnic_group_detailed_ltla21.csv")
    la21_total = la21.set_index("ltla21_code").drop(columns="ltla21_name").sum(axis=1)

    # route 1: the December 2018 districts of the seven split authorities
    a = lsoa[lsoa.district18_code != ""].assign(code=lambda t: t.district18_code)
    a = a.assign(name=a.code.map(d18))
    check(a["name"].notna().all() and a.code.nunique() == 22, "22 December 2018 districts, each named")
    # route 2: the 2021 districts merged in 2023, by the district name each LSOA 2021 carries
    merged23 = [c for c, d in ABOLISHED.items() if d == "2023-04-01"]
    b = lsoa[lsoa.la_code.isin(merged23)].copy()
    b["name"] = b["lsoa"].str.rsplit(" ", n=1).str[0]
    code21 = la21.set_index("ltla21_name")["ltla21_code"]
    b["code"] = b["name"].map(code21)
    check(b["code"].notna().all() and b.code.nunique() == 17, "17 districts of 2021 merged in 2023, every LSOA name matched")

    def totals(t: pd.DataFrame) -> pd.DataFrame:
        g = t.groupby(["code", "name"], as_index=False).agg(
            successor_code=("la_code", "first"), n_successor=("la_code", "nunique"), csp_code=("csp_code", "first"),
            n_csp=("csp_code", "nunique"), n_lsoa=("lsoa_code", "size"), **{k: (k, "sum") for k in GROUPS})
        check(bool((g.n_successor == 1).all() and (g.n_csp == 1).all()), "each district in one successor and one CSP")
        return g

    ta, tb = totals(a), totals(b)
    both = ta.merge(tb, on="code", suffixes=("_a", "_b"))
    check(len(both) == 6 and all((both[f"{k}_a"] == both[f"{k}_b"]).all() for k in GROUPS + ["n_lsoa"]),
          "the six Cumbrian districts: both routes give the same LSOAs and counts")
    out = pd.concat([ta, tb[~tb.code.isin(ta.code)]], ignore_index=True)
    total = out[GROUPS].sum(axis=1)
    in21 = out.code.isin(la21_total.index)
    diff = (total[in21] - out.loc[in21, "code"].map(la21_total)).abs()
    check(bool((diff <= out.loc[in21, "n_lsoa"]).all()),
          f"{int(in21.sum())} districts within one person per LSOA of ONS's LA 2021 totals (largest gap {int(diff.max())})")
    out["successor"] = out.successor_code.map(la_name)
    out["abolished"] = out.successor_code.map(ABOLISHED)
    out["basis"] = ["district 2018 (ONS LSOA lookups)" if c in set(ta.code) else "district 2021 (LSOA 2021 names)"
                    for c in out.code]
    check(out["successor"].notna().all() and out["abolished"].notna().all(), "every successor named and dated")
    # an LSOA 2021 now outside every successor (the 2024 Cherwell / West Northamptonshire change) is in
    # none of the districts: say so on the districts of the authority it left
    moved = lsoa[~lsoa.la_code.isin(ABOLISHED) & lsoa.lsoa.str.rsplit(" ", n=1).str[0].isin(la_name[list(ABOLISHED)])]
    out["boundary_note"] = ""
    for left, rows in moved.groupby(moved.lsoa.str.rsplit(" ", n=1).str[0]):
        code = la_name[la_name == left].index[0]
        n, res = len(rows), int(rows[GROUPS].to_numpy().sum())
        out.loc[out.successor_code == code, "boundary_note"] = (
            f"{n} LSOA 2021 of {left} ({', '.join(rows.lsoa_code)}, {res:,} residents) moved to "
            f"{', '.join(sorted(la_name[rows.la_code.unique()]))} by 2024 and is counted in none of its former districts")
    check(len(moved) == 1, "one LSOA moved out of a merged authority by 2024 (West Northamptonshire -> Cherwell)")
    out = out.rename(columns={"code": "la_code", "name": "la"}).sort_values("la_code")
    out = out[["la_code", "la", "successor_code", "successor", "csp_code", "abolished", "basis", "boundary_note"] + GROUPS]
    check(len(out) == 33, "33 former districts")
    with gzip.GzipFile(DATA / "census2021_former_la.csv.gz", "wb", mtime=0) as fh:
        fh.write(out.to_csv(index=False, lineterminator="\n").encode())
    print(out.assign(total=out[GROUPS].sum(axis=1))[["la_code", "la", "successor", "abolished", "total"]].to_string(index=False))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
