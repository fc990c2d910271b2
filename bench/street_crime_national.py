"""National-scale police.uk street-level crime: read 36 months x 43 forces (~18 million rows),
keep one crime type and count it per LSOA and month — saferstats beside the pandas script an
analyst would write, in one run, each side in its own process (time and peak memory).

    python bench/street_crime_national.py                 # 36 x 43 files, ~18M rows
    python bench/street_crime_national.py --months 6 --forces 10

The files are synthesised from the real Hertfordshire files in ../shared/data/street_crime
(their mix of crime types, outcomes, locations and missing coordinates; each force gets its own
force name and its own block of LSOA codes) into a scratch folder, which is removed afterwards.
Issue 13's target: <= 60 s and <= 4 GB peak on 2 cores. Speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "street_crime"

OURS = """
import json, resource, sys, time
import saferstats
t = time.perf_counter()
df = saferstats.read_street_crime(sys.argv[1], crime_type="Anti-social behaviour", columns=["month", "lsoa_code"])
counts = df.groupby(["lsoa_code", "month"], observed=True).size()
t = time.perf_counter() - t
print(json.dumps({"seconds": t, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": int(counts.sum()), "cells": int(len(counts)), "records": df.attrs["summary"]["records"]}))
"""

PEER = """
import glob, json, resource, sys, time
import pandas as pd
t = time.perf_counter()
parts = []
for f in sorted(glob.glob(sys.argv[1] + "/*-street.csv")):
    d = pd.read_csv(f, usecols=["Month", "LSOA code", "Crime type"])
    parts.append(d[d["Crime type"] == "Anti-social behaviour"])
df = pd.concat(parts, ignore_index=True)
counts = df.groupby(["LSOA code", "Month"]).size()
t = time.perf_counter() - t
print(json.dumps({"seconds": t, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": int(counts.sum()), "cells": int(len(counts))}))
"""


def synthesise(folder: Path, months: int, forces: int, rows_per_file: int, seed: int = 1) -> int:
    pool = []
    for f in sorted(REAL.glob("*-hertfordshire-street.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            pool.extend(reader)
    rng = np.random.default_rng(seed)
    lsoas = sorted({r[7] for r in pool if r[7]})
    lsoa_index = {c: i for i, c in enumerate(lsoas)}
    total = 0
    head = ",".join(header)
    for fi in range(forces):
        name = f"Force {fi:02d} Police"
        slug = f"force-{fi:02d}"
        # each real record as (crime id, the fields after the month) for this force
        firsts, rests = [], []
        for r in pool:
            r = list(r)
            r[2] = r[3] = name
            if r[7]:
                code = fi * len(lsoas) + lsoa_index[r[7]]
                r[7] = f"E01{code:06d}"
                r[8] = f"{slug} {code % 1000:03d}A"
            firsts.append(r[0])
            rests.append(",".join(f'"{v}"' if "," in v else v for v in r[2:]))
        for mi in range(months):
            y, m = 2020 + mi // 12, mi % 12 + 1
            month = f"{y}-{m:02d}"
            idx = rng.integers(0, len(pool), rows_per_file)
            body = "\n".join(f"{firsts[k]},{month},{rests[k]}" for k in idx)
            (folder / f"{month}-{slug}-street.csv").write_text(f"{head}\n{body}\n", encoding="utf-8")
            total += rows_per_file
    return total


def run(code: str, folder: Path) -> dict:
    res = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--forces", type=int, default=43)
    ap.add_argument("--rows-per-file", type=int, default=11_600)
    ap.add_argument("--dir", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = ap.parse_args()
    if not REAL.is_dir():
        sys.exit(f"needs the real files in {REAL}")
    with tempfile.TemporaryDirectory(prefix="street_bench_", dir=args.dir) as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        n = synthesise(folder, args.months, args.forces, args.rows_per_file)
        size = sum(f.stat().st_size for f in folder.iterdir()) / 2**30
        print(f"synthesised {n:,} rows in {args.months * args.forces} files ({size:.1f} GiB) in "
              f"{time.perf_counter() - t:.0f} s")
        ours = run(OURS, folder)
        peer = run(PEER, folder)
    assert ours["rows"] == peer["rows"] and ours["cells"] == peer["cells"], (ours, peer)
    print(f"saferstats read_street_crime + counts: {ours['seconds']:6.1f} s, peak {ours['peak_mb']:,.0f} MB "
          f"({ours['records']:,} records, {ours['rows']:,} ASB in {ours['cells']:,} LSOA-months)")
    print(f"pandas read_csv(usecols) loop + groupby: {peer['seconds']:6.1f} s, peak {peer['peak_mb']:,.0f} MB")
    print(f"ratio {peer['seconds'] / ours['seconds']:.1f}x  (target: saferstats <= 60 s and <= 4,096 MB)")


if __name__ == "__main__":
    main()
