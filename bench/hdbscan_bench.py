"""HDBSCAN on duplicate-heavy police.uk points (issue 17), one run each, printed as ratios:

1. the 106,676 Hertfordshire street-crime records of 13 months (../shared/data/street_crime; they
   sit on 12,685 distinct anonymised map points): saferstats.hdbscan vs the `hdbscan` package
   (haversine, its default Boruvka ball tree), min_cluster_size 15; labels compared with
   scikit-learn's HDBSCAN on a 20,000-record subset (its O(n^2) Prim loop is too slow for all);
2. 1,000,000 police.uk-like points over England and Wales snapped to ~90,000 distinct locations:
   time and peak RSS (forked child), against the issue's targets (<= 10 s, <= 2 GB on 2 cores).

    python bench/hdbscan_bench.py            # both
    python bench/hdbscan_bench.py --skip-package   # without the (slow) hdbscan package run
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "street_crime"


def hertfordshire() -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    files = sorted(SHARED.glob("*-hertfordshire-street.csv"))
    df = pd.concat([pd.read_csv(f, usecols=["Latitude", "Longitude"]) for f in files]).dropna()
    return df.Latitude.to_numpy(), df.Longitude.to_numpy()


def national_points(n: int = 1_000_000, distinct: int = 100_000, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """police.uk-like points: `distinct` anonymised map points (90% around 600 towns of Pareto
    sizes over England and Wales, 10% rural scatter; 6 decimals), and `n` incidents drawn from
    them with heavy-tailed (lognormal) rates, so most records share a location with others."""
    rng = np.random.default_rng(seed)
    towns = 600
    c = np.c_[rng.uniform(50.3, 54.9, towns), rng.uniform(-4.8, 1.5, towns)]
    size = rng.pareto(1.2, towns) + 1
    k_town = int(0.9 * distinct)
    which = rng.choice(towns, k_town, p=size / size.sum())
    sd_km = 1.0 + 1.5 * np.sqrt(size[which])
    mlat = c[which, 0] + rng.normal(0, 1, k_town) * sd_km / 111.0
    mlon = c[which, 1] + rng.normal(0, 1, k_town) * sd_km / (111.0 * np.cos(np.radians(c[which, 0])))
    mlat = np.round(np.r_[mlat, rng.uniform(50.0, 55.5, distinct - k_town)], 6)
    mlon = np.round(np.r_[mlon, rng.uniform(-5.5, 1.7, distinct - k_town)], 6)
    w = rng.lognormal(0, 1.2, distinct)
    pick = rng.choice(distinct, n, p=w / w.sum())
    return mlat[pick], mlon[pick]


def timed_in_child(fn):
    """(seconds, peak RSS of the child process in MB, result) of fn() in a forked child."""

    def child(q):
        t0 = time.perf_counter()
        out = fn()
        q.put((time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, out))

    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=child, args=(q,))
    p.start()
    out = q.get()
    p.join()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-package", action="store_true", help="do not time the hdbscan package")
    args = ap.parse_args()
    import saferstats

    warnings.simplefilter("ignore")
    print(f"cores available: {len(os.sched_getaffinity(0))}")
    if SHARED.is_dir():
        lat, lon = hertfordshire()
        k = len(np.unique(np.c_[lat, lon], axis=0))
        t_ours, _, a = timed_in_child(lambda: saferstats.hdbscan(lat, lon, min_cluster_size=15))
        line = (f"hdbscan, Hertfordshire {len(lat):,} records on {k:,} locations: saferstats {t_ours:7.3f} s "
                f"({a.max() + 1:,} clusters)")
        try:
            import hdbscan as hdbscan_pkg
            from sklearn.cluster import HDBSCAN
            from sklearn.metrics import adjusted_rand_score
        except ImportError:
            print(line + "; hdbscan / scikit-learn not installed: pip install 'saferstats[bench]'")
        else:
            X = np.radians(np.c_[lat, lon])
            if not args.skip_package:
                t_peer, _, b = timed_in_child(
                    lambda: hdbscan_pkg.HDBSCAN(min_cluster_size=15, metric="haversine").fit(X).labels_)
                line += (f"; hdbscan package {t_peer:7.3f} s; ratio {t_peer / t_ours:6.1f}x; "
                         f"ARI vs package {adjusted_rand_score(a, b):.3f}")
            m = 20_000
            sk = HDBSCAN(min_cluster_size=15, metric="haversine").fit(X[:m]).labels_
            same = bool((saferstats.hdbscan(lat[:m], lon[:m], min_cluster_size=15) == sk).all())
            line += f"; identical to scikit-learn HDBSCAN on the first {m:,} records: {same}"
            print(line)
    else:
        print(f"{SHARED} not present: Hertfordshire comparison skipped")

    lat, lon = national_points()
    k = len(np.unique(np.c_[lat, lon], axis=0))
    t, rss, labels = timed_in_child(lambda: saferstats.hdbscan(lat, lon, min_cluster_size=15))
    print(f"hdbscan, {len(lat):,} police.uk-like points on {k:,} locations (England and Wales): "
          f"{t:6.2f} s ({t / 10:.2f} of the 10 s target), peak RSS {rss:,.0f} MB ({rss / 2048:.2f} of 2 GB); "
          f"{labels.max() + 1:,} clusters, {np.mean(labels == -1):.1%} noise")


if __name__ == "__main__":
    main()
