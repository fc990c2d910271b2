"""Time saferstats beside the Python tool an analyst would otherwise use, on the same input, in
one run, and print the ratio (peer time / saferstats time) and the largest disagreement.

    python bench/compare_peers.py            # 1,000,000 rows
    python bench/compare_peers.py --rows 200000

Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def best_of(fn, repeat=3):
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def rel_diff(a, b, floor=1e-15):
    """Largest |a - b| / max(|b|, floor): relative, but absolute for values within ulps of 0
    (statsmodels' Wilson lower limit at 0 successes is ~3e-18 rather than exactly 0)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    mask = np.isfinite(a) & np.isfinite(b)
    if not mask.any():
        return 0.0
    diff = np.abs(a[mask] - b[mask])
    diff = np.where(diff < floor, 0.0, diff)
    return float(np.max(diff / np.maximum(np.abs(b[mask]), floor)))


def report(name, peer_name, t_ours, t_peer, diff):
    print(f"{name:<34} saferstats {t_ours*1e3:8.1f} ms   {peer_name:<34} {t_peer*1e3:8.1f} ms   "
          f"ratio {t_peer/t_ours:5.1f}x   max rel diff {diff:.1e}")


def compare_limits(name, peer_name, peer, ours, repeat):
    """Time `peer()` (returning lower, upper arrays) and `ours()` (a frame or dict with lower, upper),
    best of `repeat` each, and report the ratio and the largest relative difference of the limits."""
    t_peer, (lo, hi) = best_of(peer, repeat=repeat)
    t_ours, out = best_of(ours, repeat=repeat)
    report(name, peer_name, t_ours, t_peer, max(rel_diff(out["lower"], lo), rel_diff(out["upper"], hi)))


def bench_trend(n_series: int, peer_series: int) -> None:
    """Poisson trend (APC) for many series of 10 annual points vs a statsmodels GLM loop, and
    Mann-Kendall + Sen (with CI) for many series of 120 monthly points vs pymannkendall + scipy.
    statsmodels runs with tol=1e-10 (its default 1e-8 leaves ~2e-6 relative error in beta).
    Peers are loops over series, so they are timed on `peer_series` series and scaled linearly
    (per-series times are printed); saferstats runs all `n_series` in one call."""
    import warnings

    import pandas as pd
    import pymannkendall
    import statsmodels.api as sm
    from scipy import stats

    import saferstats

    warnings.simplefilter("ignore")
    rng = np.random.default_rng(11)
    t = np.arange(2010, 2020, dtype=float)
    pop = rng.uniform(5e4, 3e5, size=(n_series, 1)) * (1 + 0.01 * (t - 2010))
    rate = rng.uniform(50, 300, size=(n_series, 1)) / 1e5 * np.exp(rng.normal(0, 0.05, size=(n_series, 1)) * (t - 2010))
    y = rng.poisson(rate * pop).astype(float)
    data = pd.DataFrame({"area": np.repeat(np.arange(n_series), len(t)), "period": np.tile(t, n_series),
                         "count": y.ravel(), "population": pop.ravel()})
    t_ours, ours = best_of(lambda: saferstats.poisson_trend(data, by="area"), repeat=3)
    X = sm.add_constant(t - t.mean())

    def peer():
        out = []
        for i in range(peer_series):
            f = sm.GLM(y[i], X, family=sm.families.Poisson(), offset=np.log(pop[i])).fit(tol=1e-10)
            out.append((f.params[1], f.bse[1]))
        return np.array(out)

    t_peer, ref = best_of(peer, repeat=1)
    t_peer_all = t_peer / peer_series * n_series
    diff = max(rel_diff(ours["beta"].to_numpy()[:peer_series], ref[:, 0]), rel_diff(ours["se"].to_numpy()[:peer_series], ref[:, 1]))
    report(f"poisson_trend ({n_series:,} x 10 pts)", f"statsmodels GLM loop (x{n_series // peer_series} of {peer_series:,})", t_ours, t_peer_all, diff)

    months = 120
    x = np.round(rng.normal(50, 8, size=(n_series, months)) + np.arange(months) * rng.normal(0, 0.05, size=(n_series, 1)))
    t_ours, ours = best_of(lambda: saferstats.mann_kendall(x), repeat=3)

    def peer_mk():
        out = []
        for i in range(peer_series):
            r = pymannkendall.original_test(x[i])
            ts = stats.theilslopes(x[i], np.arange(months), 0.95)
            out.append((r.z, r.p, r.slope, ts.low_slope, ts.high_slope))
        return np.array(out)

    t_peer, ref = best_of(peer_mk, repeat=1)
    t_peer_all = t_peer / peer_series * n_series
    o = ours.to_numpy()
    cols = [list(ours.columns).index(c) for c in ["z", "p_value", "slope", "slope_lower", "slope_upper"]]
    diff = max(rel_diff(o[:peer_series, c], ref[:, k]) for k, c in enumerate(cols))
    report(f"mann_kendall ({n_series:,} x {months} pts)", f"pymannkendall+theilslopes (x{n_series // peer_series})", t_ours, t_peer_all, diff)


def bench_disproportionality(n_records: int) -> None:
    """Read + grouped disproportionality for ~n_records police.uk search records (resampled from
    the real files' rows, written as monthly per-force CSVs) against the pandas + statsmodels code
    an analyst would write; and the grouped computation alone (Rust vs a statsmodels loop)."""
    import tempfile
    from pathlib import Path

    import pandas as pd
    from scipy import stats
    from statsmodels.stats.contingency_tables import Table2x2

    import saferstats
    from saferstats import _saferstats as core

    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "stop_search" / "policeuk_7forces_2019-12_to_2020-02"
    src = shared if shared.is_dir() else saferstats.datasets.stop_search_sample_path()
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in sorted(src.glob("*.csv*"))]
    names = [f.name for f in sorted(src.glob("*.csv*"))]
    forces = sorted({n[8:].replace("-stop-and-search.csv", "").replace(".gz", "") for n in names})
    real = pd.concat(frames, ignore_index=True)
    rng = np.random.default_rng(5)
    months = [f"2019-{m:02d}" for m in range(4, 13)] + ["2020-01", "2020-02", "2020-03"]
    per_file = n_records // (len(forces) * len(months))
    with tempfile.TemporaryDirectory() as tmp:
        for force in forces:
            for month in months:
                rows = real.iloc[rng.integers(0, len(real), per_file)].copy()
                day = pd.Series(rng.integers(1, 29, len(rows))).map("{:02d}".format).to_numpy()
                rows["Date"] = month + "-" + day + rows["Date"].str.slice(10)
                rows.to_csv(Path(tmp) / f"{month}-{force}-stop-and-search.csv", index=False)
        total = per_file * len(forces) * len(months)
        pop = saferstats.census_population()

        def ours():
            df = saferstats.read_stop_search(tmp)
            return saferstats.disproportionality(df, pop, by=["force", "month"])

        def peer():
            parts = []
            for f in sorted(Path(tmp).glob("*.csv")):
                d = pd.read_csv(f, dtype=str, keep_default_na=False)
                d["force"] = f.name[8:].replace("-stop-and-search.csv", "")
                parts.append(d)
            df = pd.concat(parts, ignore_index=True)
            df["month"] = pd.to_datetime(df["Date"], utc=True, format="mixed").dt.strftime("%Y-%m")
            df = df[df["Type"] != "Vehicle search"]
            df["eth"] = df["Self-defined ethnicity"].map(saferstats.HO_ETHNICITY_GROUPS)
            df = df[df["eth"] != "Not stated"]
            counts = df.groupby(["force", "month", "eth"]).size().rename("searches").reset_index()
            m = counts.merge(pop.rename(columns={"ethnicity": "eth"}), on=["force", "eth"])
            m["rate"] = m.searches / m.population * 1000
            m["lower"] = stats.chi2.ppf(0.025, 2 * m.searches) / 2 / m.population * 1000
            m["upper"] = stats.chi2.ppf(0.975, 2 * m.searches + 2) / 2 / m.population * 1000
            white = m[m.eth == "White"].set_index(["force", "month"])
            out = []
            for r in m.itertuples():
                w = white.loc[(r.force, r.month)]
                t = Table2x2(np.array([[r.searches, r.population - r.searches], [w.searches, w.population - w.searches]]))
                out.append((t.riskratio, *t.riskratio_confint()))
            m[["ratio", "ratio_lower", "ratio_upper"]] = out
            return m

        # best of three runs (ours) and two (the peer): the first run of either side pays one-off
        # import/cache costs
        t_ours, res = best_of(ours, repeat=3)
        t_peer, ref = best_of(peer, repeat=2)
        # rows where searches >= population (City of London residents) are not binomial: we label
        # them "wald-log" (Poisson log CI) and statsmodels' Katz is undefined there, so compare the rest
        a = res.query("group != 'White' and ratio_method == 'katz'").set_index(["force", "month", "group"])["ratio_lower"]
        b = ref.query("eth != 'White'").set_index(["force", "month", "eth"])["ratio_lower"]
        b.index.names = a.index.names
        j = a.to_frame("a").join(b.rename("b"), how="inner")
        report(f"read + disproportionality ({total:,})", "pandas read_csv + statsmodels loop", t_ours, t_peer,
               rel_diff(j["a"], j["b"]))

        # the grouped computation alone, on a table of strata x groups (force x month x legislation)
        agg = res[["searches", "population"]].copy()
        reps = max(1, 20_000 // len(agg))
        s = np.tile(agg["searches"].to_numpy(float), reps)
        p = np.tile(agg["population"].to_numpy(float), reps)
        s = np.where(s == 0, 1, s)
        ref_idx = [i - (i % 5) + 4 for i in range(len(s))]  # White is the last of five groups
        t_core, _ = best_of(lambda: core.disproportionality(s, p, ref_idx, 1000.0, 0.95, "katz", "exact", 10.0, 1000.0))

        def sm_loop():
            out = []
            for i in range(len(s)):
                r = ref_idx[i]
                t = Table2x2(np.array([[s[i], p[i] - s[i]], [s[r], p[r] - s[r]]]))
                out.append(t.riskratio_confint())
            return out

        t_sm, _ = best_of(sm_loop, repeat=1)
        report(f"  grouped computation ({len(s):,} rows)", "statsmodels Table2x2 loop", t_core, t_sm, 0.0)


def synthetic_points(n: int, seed: int = 3):
    """~50 blobs of 100-800 m around Hertfordshire plus 30% uniform noise (issue 5's bench set)."""
    rng = np.random.default_rng(seed)
    n_noise = int(0.3 * n)
    n_blob = n - n_noise
    centres = np.c_[rng.uniform(51.6, 52.05, 50), rng.uniform(-0.75, 0.2, 50)]
    which = rng.integers(0, 50, n_blob)
    spread = rng.uniform(100, 800, 50)[which]
    lat = centres[which, 0] + rng.normal(0, 1, n_blob) * spread / 111_000
    lon = centres[which, 1] + rng.normal(0, 1, n_blob) * spread / (111_000 * np.cos(np.radians(51.8)))
    lat = np.r_[lat, rng.uniform(51.6, 52.05, n_noise)]
    lon = np.r_[lon, rng.uniform(-0.75, 0.2, n_noise)]
    return lat, lon


def peak_rss_of(fn) -> tuple[float, float, object]:
    """(seconds, peak RSS growth in MB) of fn() run in a forked child (so peaks do not mix)."""
    import multiprocessing as mp
    import resource

    def child(q):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        fn()
        q.put((time.perf_counter() - t0, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024))

    q = mp.get_context("fork").Queue()
    p = mp.get_context("fork").Process(target=child, args=(q,))
    p.start()
    out = q.get()
    p.join()
    return out[0], out[1], None


def bench_hotspots(n_points: int) -> None:
    """DBSCAN (haversine, eps 150 m, min_samples 5) vs scikit-learn; KDE 500x500 vs scikit-learn
    KernelDensity (Epanechnikov is sklearn's nearest to quartic; timed with the same bandwidth);
    Gi* / Local Moran with 999 permutations on a 300x300 lattice vs esda."""
    import saferstats

    lat, lon = synthetic_points(n_points)
    try:
        from sklearn.cluster import DBSCAN
    except ImportError:
        print("scikit-learn not installed: pip install 'saferstats[bench]'")
        return
    ours_t, ours_mem, _ = peak_rss_of(lambda: saferstats.dbscan(lat, lon, eps_m=150, min_samples=5))
    peer_t, peer_mem, _ = peak_rss_of(lambda: DBSCAN(eps=150 / 6371008.8, min_samples=5, metric="haversine").fit(np.radians(np.c_[lat, lon])))
    a = saferstats.dbscan(lat, lon, eps_m=150, min_samples=5)
    b = DBSCAN(eps=150 / 6371008.8, min_samples=5, metric="haversine").fit(np.radians(np.c_[lat, lon])).labels_
    print(f"{'dbscan (' + format(n_points, ',') + ' pts)':<34} saferstats {ours_t*1e3:8.1f} ms {ours_mem:7.0f} MB   "
          f"{'sklearn DBSCAN haversine':<22} {peer_t*1e3:8.1f} ms {peer_mem:7.0f} MB   ratio {peer_t/ours_t:5.1f}x time, "
          f"labels identical: {bool((a == b).all())}")

    bench_hdbscan(lat, lon)

    from sklearn.neighbors import KernelDensity

    x, y = saferstats.to_local_metres(lat[:100_000], lon[:100_000])
    bounds = (float(x.min()), float(x.max()), float(y.min()), float(y.max()))
    cell = max(bounds[1] - bounds[0], bounds[3] - bounds[2]) / 500
    t_ours, r = best_of(lambda: saferstats.kde_grid(x, y, cell_size=cell, bandwidth=1000, kernel="gaussian", bounds=bounds), repeat=1)
    xx, yy = np.meshgrid(r.x, r.y)
    kd = KernelDensity(bandwidth=1000, kernel="gaussian").fit(np.c_[x, y])
    # score_samples costs ~2 ms a cell here: time it on 2,000 random cells and scale to the grid
    pick = np.random.default_rng(0).choice(xx.size, 2000, replace=False)
    t_peer, logd = best_of(lambda: kd.score_samples(np.c_[xx.ravel()[pick], yy.ravel()[pick]]), repeat=1)
    t_peer *= xx.size / len(pick)
    dens_peer = np.exp(logd) * len(x) * 1e6
    ours = r.density.ravel()[pick]
    ok = dens_peer > 1e-3
    report(f"kde_grid gaussian {r.density.shape}", "sklearn KernelDensity (scaled)", t_ours, t_peer,
           rel_diff(ours[ok], dens_peer[ok]))

    try:
        import esda
        import libpysal
    except ImportError:
        print("esda not installed: pip install 'saferstats[bench]'")
        return
    import warnings

    warnings.simplefilter("ignore")
    rng = np.random.default_rng(4)
    v = rng.poisson(4, 300 * 300).astype(float) + rng.uniform(0, 0.1, 300 * 300)
    w = saferstats.Weights.lattice(300, 300)
    t_ours, g = best_of(lambda: saferstats.gi_star(v, w, permutations=999, seed=1), repeat=1)
    lw = libpysal.weights.lat2W(300, 300, rook=False)
    t_peer, eg = best_of(lambda: esda.G_Local(v, lw, transform="B", star=True, permutations=999, seed=1, n_jobs=-1), repeat=1)
    report("gi_star 300x300, 999 perms", "esda G_Local (numba)", t_ours, t_peer, rel_diff(g.z, eg.Zs))
    t_ours, m = best_of(lambda: saferstats.local_moran(v, w, permutations=999, seed=1), repeat=1)
    lw = libpysal.weights.lat2W(300, 300, rook=False)
    t_peer, em = best_of(lambda: esda.Moran_Local(v, lw, permutations=999, seed=1, n_jobs=-1), repeat=1)
    report("local_moran 300x300, 999 perms", "esda Moran_Local (numba)", t_ours, t_peer, rel_diff(m.i, em.Is))


def bench_hdbscan(lat, lon) -> None:
    """HDBSCAN (haversine, min_cluster_size 15) vs the hdbscan package (Boruvka ball tree) on the
    same points; labels compared with scikit-learn's HDBSCAN (O(n^2) Prim) on a 20,000-point subset.
    Duplicate-heavy real police.uk points and 1,000,000 national points: bench/hdbscan_bench.py."""
    import saferstats

    try:
        import hdbscan as hdbscan_pkg
        from sklearn.cluster import HDBSCAN
        from sklearn.metrics import adjusted_rand_score
    except ImportError:
        print("hdbscan / scikit-learn not installed: pip install 'saferstats[bench]'")
        return
    import warnings

    warnings.simplefilter("ignore")
    X = np.radians(np.c_[lat, lon])
    t_ours, a = best_of(lambda: saferstats.hdbscan(lat, lon, min_cluster_size=15), repeat=1)
    t_peer, b = best_of(lambda: hdbscan_pkg.HDBSCAN(min_cluster_size=15, metric="haversine").fit(X).labels_, repeat=1)
    m = 20_000
    sk = HDBSCAN(min_cluster_size=15, metric="haversine").fit(X[:m]).labels_
    same = bool((saferstats.hdbscan(lat[:m], lon[:m], min_cluster_size=15) == sk).all())
    print(f"{'hdbscan (' + format(len(lat), ',') + ' pts)':<34} saferstats {t_ours*1e3:8.1f} ms   "
          f"{'hdbscan package':<34} {t_peer*1e3:8.1f} ms   ratio {t_peer/t_ours:5.1f}x   "
          f"ARI vs package {adjusted_rand_score(a, b):.3f}; identical to sklearn HDBSCAN on {m:,} pts: {same}")


def bench_knox(n_events: int = 10_000, permutations: int = 99) -> None:
    """Knox near-repeat table (4 distance x 4 time bands, 99 permutations) vs a vectorised numpy
    implementation (close pairs found chunk by chunk, permuted times binned with bincount)."""
    import saferstats

    rng = np.random.default_rng(8)
    x = rng.uniform(0, 20_000, n_events)
    y = rng.uniform(0, 20_000, n_events)
    t = rng.integers(0, 365, n_events).astype(float)
    de = np.array([0, 100, 200, 400, np.inf])
    te = np.array([0, 7, 14, 28, np.inf])

    def numpy_knox():
        dmax = de[-2]
        ii, jj, db = [], [], []
        for s0 in range(0, n_events, 1000):
            d = np.hypot(x[s0:s0 + 1000, None] - x[None, :], y[s0:s0 + 1000, None] - y[None, :])
            a, b = np.nonzero(d < dmax)
            a = a + s0
            keep = b > a
            ii.append(a[keep]); jj.append(b[keep]); db.append(np.searchsorted(de, d[a[keep] - s0, b[keep]], side="right") - 1)
        ii, jj, db = np.concatenate(ii), np.concatenate(jj), np.concatenate(db)

        def table(tt):
            tb = np.searchsorted(te, np.abs(tt[ii] - tt[jj]), side="right") - 1
            return np.bincount(db * 4 + tb, minlength=16)

        obs = table(t)
        sims = np.array([table(rng.permutation(t)) for _ in range(permutations)])
        return obs, (sims >= obs).sum(0)

    t_peer, (obs, _) = best_of(numpy_knox, repeat=1)
    t_ours, k = best_of(lambda: saferstats.knox(x, y, t, distance_bands=de, time_bands=te, permutations=permutations, seed=1), repeat=1)
    ours_close = k["observed"].to_numpy().reshape(4, 4)[:3].ravel()
    report(f"knox ({n_events:,} events, {permutations} perms)", "numpy (chunked pairs + bincount)", t_ours, t_peer,
           rel_diff(ours_close, obs[:12].astype(float)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument("--peer-series", type=int, default=1_000,
                    help="series the looping peers are timed on (scaled to --series)")
    ap.add_argument("--records", type=int, default=1_000_000, help="stop-and-search records to synthesise")
    ap.add_argument("--points", type=int, default=100_000, help="points for the DBSCAN benchmark")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--only", choices=["rates", "trend", "funnel", "disproportionality", "hotspots", "knox"],
                    action="append", help="run only these sections (repeatable); default all")
    args = ap.parse_args()
    only = set(args.only or ["rates", "trend", "funnel", "disproportionality", "hotspots", "knox"])
    if "rates" in only:
        bench_rates(args.rows)
    if "trend" in only:
        bench_trend(args.series, min(args.peer_series, args.series))
    if "funnel" in only:
        bench_funnel()
    if "disproportionality" in only:
        bench_disproportionality(args.records)
    if "hotspots" in only:
        bench_hotspots(args.points)
    if "knox" in only:
        bench_knox()


def bench_rates(n: int) -> None:
    """rate_ci / proportion_ci on n rows against vectorised scipy / numpy / statsmodels."""
    import saferstats
    from scipy import stats
    from statsmodels.stats.proportion import proportion_confint

    # Best of 5 on both sides (timeit's convention: the minimum is the run least disturbed by
    # page faults and the rest of the machine; single runs of these few-ms calls vary 2x).
    REPEAT = 5  # noqa: N806
    rng = np.random.default_rng(20261125)
    # counts like district x month x category tables: many small, some large
    counts = rng.negative_binomial(2, 0.02, size=n).astype(np.float64)
    pops = rng.uniform(5e3, 2e6, size=n)
    z = stats.norm.ppf(0.975)
    print(f"{n:,} rows, RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', 'all cores')}, "
          f"{os.cpu_count()} cores\n")

    # --- exact Poisson limits: scipy chi2.ppf vectorised
    def scipy_exact():
        lo = np.where(counts == 0, 0.0, stats.chi2.ppf(0.025, 2 * counts) / 2)
        hi = stats.chi2.ppf(0.975, 2 * counts + 2) / 2
        return lo / pops * 1e5, hi / pops * 1e5

    compare_limits("rate_ci(method='exact')", "scipy chi2.ppf",
                   scipy_exact,
                   lambda: saferstats.rate_ci(counts, pops, method="exact"), repeat=REPEAT)

    # --- Byar's: the closed form in numpy
    def numpy_byar():
        x1 = counts + 1
        with np.errstate(divide="ignore", invalid="ignore"):
            lo = np.where(counts == 0, 0.0, counts * (1 - 1 / (9 * counts) - z / (3 * np.sqrt(counts))) ** 3)
        hi = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
        return lo / pops * 1e5, hi / pops * 1e5

    compare_limits("rate_ci(method='byar')", "numpy closed form",
                   numpy_byar,
                   lambda: saferstats.rate_ci(counts, pops, method="byar"), repeat=REPEAT)

    # --- PHE switch (exact <10, Byar's >=10) vs scipy + numpy with np.where
    def scipy_phe():
        elo, ehi = scipy_exact()
        blo, bhi = numpy_byar()
        small = counts < 10
        return np.where(small, elo, blo), np.where(small, ehi, bhi)

    compare_limits("rate_ci(method='phe')", "scipy chi2.ppf + numpy Byar's",
                   scipy_phe,
                   lambda: saferstats.rate_ci(counts, pops), repeat=REPEAT)

    # --- Wilson: statsmodels proportion_confint vectorised
    trials = np.maximum(counts, 1) + rng.integers(0, 5000, size=n)
    compare_limits("proportion_ci(method='wilson')", "statsmodels proportion_confint",
                   lambda: proportion_confint(counts, trials, alpha=0.05, method="wilson"),
                   lambda: saferstats.proportion_ci(counts, trials), repeat=REPEAT)
    # The same call without building the 7-column DataFrame (arrays straight from the core):
    from saferstats import _saferstats as core

    compare_limits("  core only (arrays, no DataFrame)", "statsmodels proportion_confint",
                   lambda: proportion_confint(counts, trials, alpha=0.05, method="wilson"),
                   lambda: core.proportion_ci(counts, trials, multiplier=1.0), repeat=REPEAT)
    print("\nNote: Byar's and Wilson are a few flops per row, so both sides are bound by memory traffic;\n"
          "the exact-Poisson gains come from computing gamma quantiles once per distinct count.\n")


def bench_funnel(n: int = 100) -> None:
    """Exact Poisson funnel limits (rates per 1,000, target 5) at ``n`` populations from 1,000 to
    10 million (the x axis of a funnel of councils), against scipy: for each population and each of
    the four limits, ``brentq`` on ``gamma.ppf`` for the count whose exact limit is the expected count
    (PHE's definition, as an analyst would write it with scipy)."""
    import saferstats
    from scipy import optimize, stats

    pops = np.geomspace(1e3, 1e7, n)
    expected = 5.0 / 1e3 * pops

    def scipy_funnel():
        out = {k: np.empty(n) for k in ("lower_998", "lower_95", "upper_95", "upper_998")}
        for i, e in enumerate(expected):
            for p, lo_key, hi_key in ((0.975, "lower_95", "upper_95"), (0.999, "lower_998", "upper_998")):
                top = e + 20 * np.sqrt(e) + 50
                hi = optimize.brentq(lambda o: stats.gamma.ppf(1 - p, o) - e, 1e-9, top, xtol=1e-12, rtol=1e-13)
                lo = (0.0 if stats.gamma.ppf(p, 1.0) >= e else
                      optimize.brentq(lambda o: stats.gamma.ppf(p, o + 1) - e, 0.0, top, xtol=1e-12, rtol=1e-13))
                out[lo_key][i], out[hi_key][i] = lo / pops[i] * 1e3, hi / pops[i] * 1e3
        return out

    t_peer, peer = best_of(scipy_funnel, repeat=3)
    t_ours, ours = best_of(lambda: saferstats.funnel_limits(pops, target=5.0, kind="rate", multiplier=1e3), repeat=3)
    diff = max(rel_diff(ours[k].to_numpy(), peer[k]) for k in peer)
    report(f"funnel_limits(kind='rate'), {n} pops", "scipy brentq on gamma.ppf", t_ours, t_peer, diff)


if __name__ == "__main__":
    main()
