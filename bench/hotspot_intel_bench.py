"""Hotspot intelligence (issue 17) beside esda, on the same input, in one run; prints ratios
(peer time / saferstats time). Speed is measured here, never asserted in tests.

    .venv/bin/python bench/hotspot_intel_bench.py            # 300 x 300, 12 periods, 999 perms
    .venv/bin/python bench/hotspot_intel_bench.py --side 100 # quicker
    .venv/bin/python bench/hotspot_intel_bench.py --only moran   # one of the two comparisons

The machine's load average is printed with the ratios: on a shared 2-core machine the ratio of a
multi-threaded run to esda's single thread falls as the load rises, so compare runs at low load.

1. Global Moran's I with 999 permutations on a side x side queen lattice: saferstats.global_moran
   vs esda.Moran; then Geary's C (esda.Geary) and General G (esda.G, on a 60 x 60 corner because
   esda.G forms an n x n array), which share the permutation kernel.
2. Emerging hotspot classification of a side x side grid over 12 periods with 999 permutations:
   saferstats.hotspot_classify (counting included) vs a loop over the periods of
   esda.G_Local(star=True, permutations=999) on the same counts, with the same Holm adjustment and
   class rules in numpy (the comparison is of the Gi* work; counting is not timed for esda).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np

import saferstats

warnings.simplefilter("ignore")


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def smooth_field(rng, side, periods):
    """Poisson counts from a smooth risk surface with hotspots that appear and fade."""
    yy, xx = np.mgrid[0:side, 0:side] / side
    base = 0.2 + 0.6 * np.exp(-((xx - 0.3) ** 2 + (yy - 0.6) ** 2) / 0.05)
    out = []
    for t in range(periods):
        lam = base + 3 * np.exp(-((xx - 0.7) ** 2 + (yy - 0.3) ** 2) / 0.002) * (t >= periods - 3)
        lam += 3 * np.exp(-((xx - 0.2) ** 2 + (yy - 0.2) ** 2) / 0.002) * (t < periods // 2)
        out.append(rng.poisson(lam).ravel().astype(float))
    return np.array(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", type=int, default=300)
    ap.add_argument("--periods", type=int, default=12)
    ap.add_argument("--permutations", type=int, default=999)
    ap.add_argument("--only", choices=["moran", "classify"], default=None)
    a = ap.parse_args()
    import libpysal

    rng = np.random.default_rng(2026)
    side, T, P = a.side, a.periods, a.permutations
    counts = smooth_field(rng, side, T)
    w_esda = libpysal.weights.lat2W(side, side, rook=False)
    w = saferstats.Weights.lattice(side, side, contiguity="queen")

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if a.only != "classify":
        global_moran(counts, w, w_esda, P, side)
    if a.only != "moran":
        classify(counts, w_esda, P, side, T)


def global_moran(counts, w, w_esda, P, side):
    """1. Global Moran's I (then Geary's C and General G, the same kernel): saferstats vs esda."""
    import esda
    import libpysal

    y = counts.sum(axis=0)
    # warm-up of both on the same input with 9 permutations (threads started, buffers allocated)
    saferstats.global_moran(y, w, permutations=9, seed=2)
    ts, ours = timed(lambda: saferstats.global_moran(y, w, permutations=P, seed=1))
    np.random.seed(1)
    w_esda.transform = "r"
    esda.Moran(y, w_esda, transformation="r", permutations=9)
    tp, peer = timed(lambda: esda.Moran(y, w_esda, transformation="r", permutations=P))
    print(f"global Moran, {side}x{side} queen, {P} permutations: saferstats {ts:.3f} s, esda {tp:.3f} s, "
          f"ratio {tp / ts:.1f}x; I {ours.I:.6f} vs {peer.I:.6f}, p_sim {ours.p_sim:.4f} vs {peer.p_sim:.4f}")
    ts, ours = timed(lambda: saferstats.global_geary(y, w, permutations=P, seed=1))
    tp, peer = timed(lambda: esda.Geary(y, w_esda, transformation="r", permutations=P))
    print(f"global Geary, same lattice: saferstats {ts:.3f} s, esda {tp:.3f} s, ratio {tp / ts:.1f}x; "
          f"C {ours.C:.6f} vs {peer.C:.6f}")
    ts, ours = timed(lambda: saferstats.general_g(y, w, permutations=P, seed=1))
    # esda.G forms y yᵀ (n × n: 60 GiB at 300 x 300), so it is compared on a 60 x 60 corner
    k = min(60, side)
    small = y.reshape(side, side)[:k, :k].ravel()
    ws = saferstats.Weights.lattice(k, k, contiguity="queen")
    tsm, _ = timed(lambda: saferstats.general_g(small, ws, permutations=P, seed=1))
    tpm, peer = timed(lambda: esda.G(small, libpysal.weights.lat2W(k, k, rook=False), permutations=P))
    print(f"General G, same lattice (binary): saferstats {ts:.3f} s (esda.G needs an n x n array here); "
          f"on the {k}x{k} corner saferstats {tsm:.4f} s, esda {tpm:.3f} s, ratio {tpm / tsm:.1f}x")


def classify(counts, w_esda, P, side, T):
    """2. Emerging hotspot classification vs a loop of esda.G_Local over the periods."""
    import esda

    cx = (np.arange(side) + 0.5) * 100.0
    xs, ys, ps = [], [], []
    for t in range(T):
        k = counts[t].astype(int)
        idx = np.repeat(np.arange(side * side), k)
        xs.append(cx[idx % side])
        ys.append(cx[idx // side])
        ps.append(np.full(idx.size, t))
    x, yv, p = np.concatenate(xs), np.concatenate(ys), np.concatenate(ps)
    bounds = (0, side * 100 - 1, 0, side * 100 - 1)
    ts, ours = timed(lambda: saferstats.hotspot_classify(x, yv, p, cell_size=100, bounds=bounds,
                                                         permutations=P, seed=1))

    def esda_loop():
        w_esda.transform = "B"
        z = np.empty((T, side * side))
        psim = np.empty((T, side * side))
        for t in range(T):
            g = esda.G_Local(counts[t], w_esda, transform="B", star=True, permutations=P, seed=t)
            z[t], psim[t] = g.Zs, g.p_sim
        # Holm per cell over periods, then the class rules
        order = np.argsort(psim, axis=0)
        ranked = np.take_along_axis(psim, order, axis=0) * (T - np.arange(T))[:, None]
        adj_sorted = np.minimum(1, np.maximum.accumulate(ranked, axis=0))
        adj = np.empty_like(psim)
        np.put_along_axis(adj, order, adj_sorted, axis=0)
        hot = (adj < 0.05) & (z > 0)
        R = max(1, int(0.2 * T))
        return hot[:-R].mean(axis=0), hot[-R:].mean(axis=0)

    tp, (older, recent) = timed(esda_loop)
    emerging_esda = int(((older < 0.1) & (recent >= 0.1) & ((older * (T - 2) + recent * 2) / T < 0.8)).sum())
    c = ours.cells["hotspot_category"].value_counts()
    print(f"hotspot_classify, {side}x{side} x {T} periods, {P} permutations: saferstats {ts:.2f} s (with counting), "
          f"esda loop {tp:.2f} s, ratio {tp / ts:.1f}x; emerging hotspots {int(c.get('emerging hotspot', 0))} vs "
          f"{emerging_esda} (esda rules in numpy; random streams differ)")


if __name__ == "__main__":
    main()
