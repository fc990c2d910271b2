"""Assign points to the 361 UK local authorities: saferstats.assign_area beside geopandas sjoin
(predicate "within"), same points and the same bundled boundaries, in one run. Prints each time,
the ratio (geopandas / saferstats), the agreement of the two answers, and each tool's peak memory
(each measured in a fresh subprocess: peak resident set size of the whole Python process, and the
increase caused by the call).

    python bench/geography_bench.py                 # 1,000,000 points
    python bench/geography_bench.py --points 200000

Points: uniform over England and Wales's bounding box (-5.8..1.8 E, 49.9..55.9 N), about half of
them at sea or in Scotland (in no English or Welsh area), seeded. Needs geopandas (extra `geo`).
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
import time

CHILD = textwrap.dedent(
    """
    import gzip, io, json, resource, sys, time, warnings
    import numpy as np
    n, tool, repeat = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    rng = np.random.default_rng(20261202)
    lon, lat = rng.uniform(-5.8, 1.8, n), rng.uniform(49.9, 55.9, n)
    rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if tool == "saferstats":
        import saferstats
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        saferstats.assign_area(lat[:10], lon[:10])  # load the bundled boundaries and build the index once
        base = rss()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter(); out = saferstats.assign_area(lat, lon); times.append(time.perf_counter() - t0)
        codes = out["code"].astype(object).where(out["code"].notna(), "").to_numpy()
    else:
        import geopandas as gpd
        from importlib import resources
        raw = resources.files("saferstats").joinpath("data", "boundaries_la24.geojson.gz").read_bytes()
        areas = gpd.read_file(io.BytesIO(gzip.decompress(raw)))
        areas.sindex  # build the spatial index once, outside the timing
        base = rss()
        times, times_join = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=areas.crs)
            t1 = time.perf_counter()
            j = gpd.sjoin(pts, areas[["la_code", "geometry"]], predicate="within", how="left")
            t2 = time.perf_counter()
            times.append(t2 - t0); times_join.append(t2 - t1)
        j = j[~j.index.duplicated()]
        codes = j["la_code"].reindex(pts.index).fillna("").to_numpy(object)
    res = {"time": min(times), "peak_mb": rss(), "call_mb": rss() - base}
    if tool != "saferstats":
        res["time_join_only"] = min(times_join)
    np.save(sys.argv[4], codes.astype("U9"))
    print(json.dumps(res))
    """
)


def run(tool: str, n: int, repeat: int, out: str) -> dict:
    p = subprocess.run([sys.executable, "-c", CHILD, str(n), tool, str(repeat), out],
                       capture_output=True, text=True, timeout=1800)
    if p.returncode != 0:
        raise SystemExit(f"{tool} failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    import tempfile

    import numpy as np

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ours = run("saferstats", a.points, a.repeat, f"{tmp}/ours.npy")
        peer = run("geopandas", a.points, a.repeat, f"{tmp}/peer.npy")
        agree = float((np.load(f"{tmp}/ours.npy") == np.load(f"{tmp}/peer.npy")).mean())
    print(f"assign {a.points:,} points to 361 local authorities (best of {a.repeat}; wall {time.perf_counter() - t0:.0f} s)")
    print(f"  saferstats.assign_area          {ours['time'] * 1e3:8.1f} ms   peak RSS {ours['peak_mb']:6.0f} MB "
          f"(+{ours['call_mb']:.0f} MB for the call)")
    print(f"  geopandas points_from_xy + sjoin {peer['time'] * 1e3:8.1f} ms   peak RSS {peer['peak_mb']:6.0f} MB "
          f"(+{peer['call_mb']:.0f} MB)")
    print(f"  geopandas sjoin alone           {peer['time_join_only'] * 1e3:8.1f} ms")
    print(f"  ratio {peer['time'] / ours['time']:.1f}x (sjoin alone: {peer['time_join_only'] / ours['time']:.1f}x); "
          f"same area for {agree:.6%} of points (any difference: a point exactly on a boundary, where shapely's 'within' is false)")


if __name__ == "__main__":
    main()
