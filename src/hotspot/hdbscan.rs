//! HDBSCAN on latitude/longitude (haversine), following scikit-learn's implementation
//! (`sklearn.cluster.HDBSCAN(metric="haversine")`, docs/methods/hotspots.md C2) step by step:
//! core distances (distance to the `min_samples`-th nearest point, the point itself included);
//! Prim's minimum spanning tree of the mutual-reachability graph max(coreᵢ, coreⱼ, dᵢⱼ) with
//! scikit-learn's tie-breaking (lowest index); edges sorted by weight (stably); the single-linkage
//! tree; the condensed tree for `min_cluster_size`; cluster stabilities; excess-of-mass selection
//! (the root is never selected); labels numbered in order of the selected clusters' ids.
//!
//! Complexity: points with identical coordinates (police.uk points are snapped to anonymised map
//! points: 106,676 Hertfordshire records sit on 12,685 locations) are collapsed to weighted
//! distinct locations first; core distances by an exact grid k-nearest-neighbour search counting
//! multiplicity; the MST by Prim's algorithm over the locations, on a tree of boxes with lazily
//! applied relaxations and exact pruning bounds (`LazyPrim`), with the copies' edges merged in
//! from a heap (`collapsed_prim_mst`) — scikit-learn's point-level edge sequence exactly, at the
//! cost of the distinct locations plus O(n log k) for the copies. O(n) memory.
//!
//! **Agreement with scikit-learn**: [`mutual_reachability_mst`] returns scikit-learn's MST edge
//! for edge, in Prim's order (tested). Ties between mutual-reachability distances are common on
//! dense data (a point's core distance is the weight of many edges), and scikit-learn orders tied
//! edges with numpy's default `argsort`, whose tie order depends on numpy's version and the CPU's
//! sort kernel. saferstats orders tied edges stably (in Prim's order), in [`hdbscan`] and in the
//! Python layer (`np.argsort(kind="stable")` passed to [`labels_from_sorted_mst`], which takes the
//! edges in any given order), so labels are the same on every machine; the scikit-learn fixtures
//! are made with its `_process_mst` argsort patched to `kind="stable"`
//! (`tests/fixtures/sklearn_stable_mst.py`), and the labels are identical (tested on dense blobs
//! with ties).

use rayon::prelude::*;

use crate::error::{Error, Result};

use super::cancel::Cancel;
use super::index::{abs_lat_range, haversine_cos, min_max, to_radians_indexed, UnionFind};

struct Hierarchy {
    left: Vec<usize>,
    right: Vec<usize>,
    value: Vec<f64>,
    size: Vec<usize>,
}

/// Longitudes (radians) re-measured in [0, 2π) from the end of the widest empty arc of longitude:
/// points either side of the ±180° meridian become neighbours in this coordinate (used only to
/// order and bin points; distances use the original longitudes).
fn lon_from_widest_gap(lo: &[f64]) -> Vec<f64> {
    if lo.is_empty() {
        return Vec::new();
    }
    let mut s = lo.to_vec();
    s.sort_unstable_by(f64::total_cmp);
    let mut best = (s[0] + std::f64::consts::TAU - s[s.len() - 1], s[0]);
    for w in s.windows(2) {
        if w[1] - w[0] > best.0 {
            best = (w[1] - w[0], w[1]);
        }
    }
    let cut = best.1;
    lo.iter()
        .map(|&v| (v - cut).rem_euclid(std::f64::consts::TAU))
        .collect()
}

/// Distance to the `min_samples`-th nearest point (the point itself included), counting each
/// location `weight` times (a location holding that many identical points), exactly: locations
/// are binned in a lat/lon grid sized for about `min_samples` points a cell, and rings of cells
/// are searched around each location until the distance at which the weights found reach
/// `min_samples` is no larger than a lower bound on the distance to every location outside the
/// searched block. A location of weight ≥ `min_samples` has core distance 0.
fn core_distances(
    la: &[f64],
    lo: &[f64],
    cs: &[f64],
    weight: &[u32],
    min_samples: usize,
    cancel: &Cancel,
) -> Vec<f64> {
    let n = la.len();
    let k = min_samples as u64;
    if k <= 1 || n == 0 {
        return vec![0.0; n];
    }
    let total: u64 = weight.iter().map(|&w| u64::from(w)).sum();
    // about `min_samples` points a cell: this many locations a cell
    let kc = (min_samples as f64 * n as f64 / total.max(1) as f64).max(1.0);
    let (lat0, lat1) = min_max(la);
    // grid longitudes measured from the end of the widest empty arc of longitude, so that data
    // straddling the ±180° meridian is one compact block (distances still use `lo` itself)
    let lg = lon_from_widest_gap(lo);
    let (lon0, lon1) = min_max(&lg);
    let (min_abs, max_abs) = abs_lat_range(lat0, lat1);
    let c_max = min_abs.cos();
    let c_min = max_abs.cos().max(0.0);
    // cells of about kc locations each if they were spread evenly over the bounding box, and at
    // most n / kc cells along either side (collinear or degenerate boxes: a zero side must not
    // make the cells vanishingly small and the grid astronomically long)
    let (h, w) = (lat1 - lat0, (lon1 - lon0) * c_max);
    let s = (h * w * kc / n as f64)
        .sqrt()
        .max(h.max(w) * kc / n as f64)
        .max(1e-12);
    let cell_lat = s;
    let cell_lon = s / c_max.max(1e-12);
    // points beyond the searched block in longitude may still be close across the ±180° meridian:
    // their separation is at least min(gap, 2π − longitude span)
    let wrap_gap = std::f64::consts::TAU - (lon1 - lon0);
    let key = |i: usize| {
        (
            ((la[i] - lat0) / cell_lat).floor() as i64,
            ((lg[i] - lon0) / cell_lon).floor() as i64,
        )
    };
    let mut idx: Vec<u32> = (0..n as u32).collect();
    idx.par_sort_unstable_by_key(|&i| (key(i as usize), i));
    let keys: Vec<(i64, i64)> = idx.iter().map(|&i| key(i as usize)).collect();
    // unit vectors in grid order: the chord is a cheap lower bound of the great-circle distance
    let unit = |i: usize| [cs[i] * lo[i].cos(), cs[i] * lo[i].sin(), la[i].sin()];
    let sorted_xyz: Vec<[f64; 3]> = idx.iter().map(|&i| unit(i as usize)).collect();
    let (rmax, cmax) = keys
        .iter()
        .fold((0i64, 0i64), |(a, b), &(r, c)| (a.max(r), b.max(c)));
    // `best`: the nearest locations found, by distance, with their weights; only as many as are
    // needed to reach weight k (dropping the last would leave less than k), and `tot` their weight
    struct Near {
        best: Vec<(f64, u64)>,
        tot: u64,
    }
    impl Near {
        fn full(&self, k: u64) -> bool {
            self.tot >= k
        }
        fn kth(&self) -> f64 {
            self.best.last().map_or(f64::INFINITY, |b| b.0)
        }
        fn add(&mut self, d: f64, w: u64, k: u64) {
            let at = self.best.partition_point(|x| x.0 <= d);
            self.best.insert(at, (d, w));
            self.tot += w;
            while let Some(&(_, wl)) = self.best.last() {
                if self.tot - wl >= k {
                    self.tot -= wl;
                    self.best.pop();
                } else {
                    break;
                }
            }
        }
    }
    (0..n)
        .into_par_iter()
        .with_min_len(64)
        .map_init(
            || Near {
                best: Vec::new(),
                tot: 0,
            },
            |near: &mut Near, i| {
                near.best.clear();
                near.tot = 0;
                if u64::from(weight[i]) >= k || cancel.is_cancelled() {
                    return 0.0;
                }
                let (ri, ci) = key(i);
                let ui = unit(i);
                let scan = |near: &mut Near, r: i64, c0: i64, c1: i64| {
                    // rows and columns outside the grid hold no points
                    let (c0, c1) = (c0.max(0), c1.min(cmax));
                    if r < 0 || r > rmax || c0 > c1 {
                        return;
                    }
                    let mut p = keys.partition_point(|x| *x < (r, c0));
                    while p < keys.len() && keys[p] <= (r, c1) {
                        let j = idx[p] as usize;
                        if near.full(k) {
                            let v = sorted_xyz[p];
                            let ch = ((v[0] - ui[0]).powi(2)
                                + (v[1] - ui[1]).powi(2)
                                + (v[2] - ui[2]).powi(2))
                            .sqrt();
                            if ch - 1e-14 >= near.kth() {
                                p += 1;
                                continue;
                            }
                        }
                        let d = haversine_cos(la[i], lo[i], cs[i], la[j], lo[j], cs[j]);
                        if !near.full(k) || d < near.kth() {
                            near.add(d, u64::from(weight[j]), k);
                        }
                        p += 1;
                    }
                };
                let mut ring = 0i64;
                loop {
                    if ring == 0 {
                        scan(near, ri, ci, ci);
                    } else {
                        scan(near, ri - ring, ci - ring, ci + ring);
                        scan(near, ri + ring, ci - ring, ci + ring);
                        for r in (ri - ring + 1).max(0)..(ri + ring).min(rmax + 1) {
                            scan(near, r, ci - ring, ci - ring);
                            scan(near, r, ci + ring, ci + ring);
                        }
                    }
                    let covered =
                        ri - ring <= 0 && ri + ring >= rmax && ci - ring <= 0 && ci + ring >= cmax;
                    if covered {
                        break;
                    }
                    if near.full(k) {
                        // every point outside the block is at least this far away
                        let lat_gap = (la[i] - (lat0 + (ri - ring) as f64 * cell_lat))
                            .min(lat0 + (ri + ring + 1) as f64 * cell_lat - la[i]);
                        let lon_gap = (lg[i] - (lon0 + (ci - ring) as f64 * cell_lon))
                            .min(lon0 + (ci + ring + 1) as f64 * cell_lon - lg[i]);
                        let lon_gap = lon_gap.min(wrap_gap);
                        let lon_bound =
                            2.0 * (c_min * (0.5 * lon_gap.min(std::f64::consts::PI)).sin()).asin();
                        let bound = lat_gap.min(lon_bound) * (1.0 - 1e-9);
                        if near.kth() <= bound {
                            break;
                        }
                    }
                    ring += 1;
                }
                near.kth()
            },
        )
        .collect()
}

/// Fan-out of the box tree used by [`prim_mst`].
const FAN: usize = 8;

/// (reachability, point, source point): the smaller reachability first, then the lower index.
type Entry = (f64, u32, u32);

fn better(a: Entry, b: Entry) -> bool {
    b.0 < a.0 || (b.0 == a.0 && b.1 < a.1)
}

const NONE: Entry = (f64::INFINITY, u32::MAX, 0);

/// A box of points (a leaf holds up to `FAN` consecutive points in Morton order; a node at level
/// k + 1 groups `FAN` level-k boxes).
struct BoxNode {
    /// bounding box of the points' unit vectors
    lo: [f64; 3],
    hi: [f64; 3],
    min_core: f64,
    max_core: f64,
    /// ≥ the largest stored reachability of the points below that are outside the MST
    top: f64,
    /// ≤ the smallest true reachability below (stored values with every pending point applied)
    key: f64,
    /// `best` is the true smallest entry below
    exact: bool,
    best: Entry,
    /// MST points not yet passed down (at a leaf: not yet applied to its points), in MST order,
    /// with their lower bound for this box
    pend: Vec<(u32, f64)>,
    /// min over `pend` of an upper bound of their reachability to every point below
    pend_ub: f64,
}

/// Prim's algorithm with lazily applied relaxations; see [`prim_mst`].
struct LazyPrim<'a> {
    la: &'a [f64],
    lo: &'a [f64],
    cs: &'a [f64],
    core: &'a [f64],
    xyz: Vec<[f64; 3]>,
    /// slot (Morton position) -> point
    order: Vec<u32>,
    slot_of: Vec<usize>,
    /// per slot: stored reachability (NaN once in the MST), its source and the source's MST rank
    mr: Vec<f64>,
    src: Vec<u32>,
    src_rank: Vec<u32>,
    /// per point: its rank in the MST order (u32::MAX while outside)
    rank: Vec<u32>,
    nodes: Vec<Vec<BoxNode>>,
}

impl LazyPrim<'_> {
    /// The smallest chord from point `t` to the box (0 inside it).
    fn chord_near(&self, t: usize, nd: &BoxNode) -> f64 {
        let v = self.xyz[t];
        let mut near = 0.0;
        for ((&x, &l), &h) in v.iter().zip(&nd.lo).zip(&nd.hi) {
            let g = (l - x).max(x - h).max(0.0);
            near += g * g;
        }
        near.sqrt()
    }

    /// The largest chord from point `t` to the box.
    fn chord_far(&self, t: usize, nd: &BoxNode) -> f64 {
        let v = self.xyz[t];
        let mut far = 0.0;
        for ((&x, &l), &h) in v.iter().zip(&nd.lo).zip(&nd.hi) {
            let f = (x - l).abs().max((x - h).abs());
            far += f * f;
        }
        far.sqrt()
    }

    /// Offer MST point `t` to a box: kept (pending) unless it provably cannot improve or tie any
    /// entry below — its reachability to every point below is strictly above `top` or above what
    /// an earlier pending point guarantees.
    fn offer(&mut self, level: usize, node: usize, t: usize) {
        let nd = &self.nodes[level][node];
        let ct = self.core[t];
        // great-circle distance >= chord; <= 2 asin(chord / 2)
        let lb = ct.max(nd.min_core).max(self.chord_near(t, nd) - 1e-14);
        if lb > nd.top.min(nd.pend_ub) {
            return;
        }
        // asin(h) <= h / sqrt(1 - h²): an upper bound without the transcendental call
        let h = 0.5 * self.chord_far(t, nd);
        let d_ub = if h < 0.999 {
            2.0 * h / (1.0 - h * h).sqrt()
        } else {
            std::f64::consts::PI
        };
        let ub = ct.max(nd.max_core).max(d_ub * (1.0 + 1e-12) + 1e-14);
        let nd = &mut self.nodes[level][node];
        if ub < nd.pend_ub {
            // earlier pending points that cannot reach below this one's upper bound are moot
            nd.pend.retain(|&(_, l)| l <= ub);
            nd.pend_ub = ub;
        }
        nd.pend.push((t as u32, lb));
        nd.key = nd.key.min(lb);
        nd.exact = false;
    }

    fn apply_leaf(&mut self, node: usize) {
        let pend = std::mem::take(&mut self.nodes[0][node].pend);
        let n = self.order.len();
        let range = node * FAN..((node + 1) * FAN).min(n);
        for &(t, _) in &pend {
            let t = t as usize;
            let ct = self.core[t];
            let [xt, yt, zt] = self.xyz[t];
            for p in range.clone() {
                let m_old = self.mr[p];
                if m_old.is_nan() {
                    continue;
                }
                let j = self.order[p] as usize;
                let base = ct.max(self.core[j]);
                if base > m_old {
                    continue;
                }
                let [x, y, z] = self.xyz[j];
                let chord = ((x - xt).powi(2) + (y - yt).powi(2) + (z - zt).powi(2)).sqrt();
                if chord - 1e-14 > m_old {
                    continue;
                }
                let (la, lo, cs) = (self.la, self.lo, self.cs);
                // scikit-learn evaluates dist(current, j) with the MST point first
                let m = base.max(haversine_cos(la[t], lo[t], cs[t], la[j], lo[j], cs[j]));
                // the earliest MST point reaching the minimum is the source (strict updates in
                // MST order, as scikit-learn's loop)
                if m < m_old || (m == m_old && self.rank[t] < self.src_rank[p]) {
                    self.mr[p] = m;
                    self.src[p] = t as u32;
                    self.src_rank[p] = self.rank[t];
                }
            }
        }
        let mut best = NONE;
        let mut top = f64::NEG_INFINITY;
        for p in range {
            if self.mr[p].is_nan() {
                continue;
            }
            let e = (self.mr[p], self.order[p], self.src[p]);
            if better(best, e) {
                best = e;
            }
            top = top.max(self.mr[p]);
        }
        let nd = &mut self.nodes[0][node];
        nd.pend = pend;
        nd.pend.clear();
        nd.pend_ub = f64::INFINITY;
        nd.best = best;
        nd.top = top;
        nd.key = best.0;
        nd.exact = true;
    }

    /// The true smallest entry below (level, node), applying pending points only where needed.
    fn resolve(&mut self, level: usize, node: usize) -> Entry {
        if self.nodes[level][node].exact {
            return self.nodes[level][node].best;
        }
        if level == 0 {
            self.apply_leaf(node);
            return self.nodes[0][node].best;
        }
        let below = self.nodes[level - 1].len();
        let children = node * FAN..((node + 1) * FAN).min(below);
        let pend = std::mem::take(&mut self.nodes[level][node].pend);
        for &(t, _) in &pend {
            for c in children.clone() {
                self.offer(level - 1, c, t as usize);
            }
        }
        let nd = &mut self.nodes[level][node];
        nd.pend = pend;
        nd.pend.clear();
        nd.pend_ub = f64::INFINITY;
        let mut cand = NONE;
        for c in children.clone() {
            let ch = &self.nodes[level - 1][c];
            if ch.exact && better(cand, ch.best) {
                cand = ch.best;
            }
        }
        loop {
            // the unresolved child that could hold the smallest entry (ties included)
            let mut pick: Option<(usize, f64)> = None;
            for c in children.clone() {
                let ch = &self.nodes[level - 1][c];
                if !ch.exact && ch.key <= cand.0 && pick.is_none_or(|(_, k)| ch.key < k) {
                    pick = Some((c, ch.key));
                }
            }
            let Some((c, _)) = pick else { break };
            let e = self.resolve(level - 1, c);
            if better(cand, e) {
                cand = e;
            }
        }
        let top = children
            .clone()
            .map(|c| self.nodes[level - 1][c].top)
            .fold(f64::NEG_INFINITY, f64::max);
        let key = children
            .map(|c| self.nodes[level - 1][c].key)
            .fold(f64::INFINITY, f64::min);
        let nd = &mut self.nodes[level][node];
        nd.best = cand;
        nd.exact = true;
        nd.top = top;
        nd.key = key.min(cand.0);
        cand
    }
}

impl<'a> LazyPrim<'a> {
    /// The tree of boxes over the points (Morton order), nothing in the MST yet.
    fn build(la: &'a [f64], lo: &'a [f64], cs: &'a [f64], core: &'a [f64]) -> Self {
        let n = la.len();
        let xyz: Vec<[f64; 3]> = (0..n)
            .map(|i| [cs[i] * lo[i].cos(), cs[i] * lo[i].sin(), la[i].sin()])
            .collect();
        // Morton order on a 2^16 x 2^16 grid over the bounding box
        let (a0, a1) = min_max(la);
        let lg = lon_from_widest_gap(lo);
        let (o0, o1) = min_max(&lg);
        let q = |v: f64, lo_: f64, hi: f64| -> u64 {
            if hi > lo_ {
                (((v - lo_) / (hi - lo_)) * 65_535.0) as u64
            } else {
                0
            }
        };
        let spread = |mut v: u64| {
            v &= 0xFFFF;
            v = (v | (v << 8)) & 0x00FF_00FF;
            v = (v | (v << 4)) & 0x0F0F_0F0F;
            v = (v | (v << 2)) & 0x3333_3333;
            (v | (v << 1)) & 0x5555_5555
        };
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by_key(|&i| {
            let i = i as usize;
            (
                spread(q(la[i], a0, a1)) | (spread(q(lg[i], o0, o1)) << 1),
                i,
            )
        });
        let mut slot_of = vec![0usize; n];
        for (p, &i) in order.iter().enumerate() {
            slot_of[i as usize] = p;
        }
        let blank = |lo: [f64; 3], hi: [f64; 3], min_core: f64, max_core: f64| BoxNode {
            lo,
            hi,
            min_core,
            max_core,
            top: f64::INFINITY,
            key: f64::NEG_INFINITY,
            exact: false,
            best: NONE,
            pend: Vec::new(),
            pend_ub: f64::INFINITY,
        };
        let mut levels: Vec<Vec<BoxNode>> = Vec::new();
        let leaves: Vec<BoxNode> = (0..n.div_ceil(FAN))
            .map(|b| {
                let mut l = [f64::INFINITY; 3];
                let mut h = [f64::NEG_INFINITY; 3];
                let (mut cmin, mut cmax) = (f64::INFINITY, f64::NEG_INFINITY);
                for &i in &order[b * FAN..((b + 1) * FAN).min(n)] {
                    let v = xyz[i as usize];
                    for k in 0..3 {
                        l[k] = l[k].min(v[k]);
                        h[k] = h[k].max(v[k]);
                    }
                    cmin = cmin.min(core[i as usize]);
                    cmax = cmax.max(core[i as usize]);
                }
                blank(l, h, cmin, cmax)
            })
            .collect();
        levels.push(leaves);
        while levels.last().map_or(0, Vec::len) > 1 {
            let below = levels.last().map_or(&[][..], Vec::as_slice);
            let up: Vec<BoxNode> = below
                .chunks(FAN)
                .map(|ch| {
                    let mut l = [f64::INFINITY; 3];
                    let mut h = [f64::NEG_INFINITY; 3];
                    for c in ch {
                        for k in 0..3 {
                            l[k] = l[k].min(c.lo[k]);
                            h[k] = h[k].max(c.hi[k]);
                        }
                    }
                    let cmin = ch.iter().map(|c| c.min_core).fold(f64::INFINITY, f64::min);
                    let cmax = ch
                        .iter()
                        .map(|c| c.max_core)
                        .fold(f64::NEG_INFINITY, f64::max);
                    blank(l, h, cmin, cmax)
                })
                .collect();
            levels.push(up);
        }
        LazyPrim {
            la,
            lo,
            cs,
            core,
            xyz,
            order,
            slot_of,
            mr: vec![f64::INFINITY; n],
            src: vec![1u32; n],
            src_rank: vec![u32::MAX; n],
            rank: vec![u32::MAX; n],
            nodes: levels,
        }
    }

    /// Point `t` joins the MST as its `rank`-th point: it leaves the candidates (its leaf is
    /// brought up to date, its ancestors will re-resolve) and is offered to every other point.
    fn add(&mut self, t: usize, rank: u32) {
        self.rank[t] = rank;
        let p = self.slot_of[t];
        self.mr[p] = f64::NAN;
        let mut node = p / FAN;
        self.nodes[0][node].exact = false;
        self.apply_leaf(node);
        let root = self.nodes.len() - 1;
        for level in 1..=root {
            node /= FAN;
            self.nodes[level][node].exact = false;
        }
        self.offer(root, 0, t);
    }

    /// The next MST edge as (reachability, point, source): the smallest entry, the lowest point
    /// among ties; `NONE` (point `u32::MAX`) once every point is in the MST.
    fn best(&mut self) -> Entry {
        let root = self.nodes.len() - 1;
        self.resolve(root, 0)
    }
}

/// Prim's algorithm exactly as scikit-learn's `mst_from_data_matrix` (start at point 0; the
/// lowest index wins ties; an entry is replaced only by a strictly smaller mutual reachability, so
/// its source is the earliest MST point reaching the minimum) — the same edges in the same order,
/// with far less work. Points given as distinct locations ([`Locations`]); see
/// [`collapsed_prim_mst`] for the copies. This is the plain form over distinct points (tests).
///
/// The points sit in a tree of boxes (Morton order). A point joining the MST is not offered to
/// every other point at once: it waits (pending) at a box until that box could hold the next
/// smallest entry, and is dropped wherever it provably cannot improve or tie an entry (its mutual
/// reachability max(coreₜ, coreⱼ, d) to the box, bounded below by the chord to the box, exceeds
/// the box's largest entry or an earlier pending point's upper bound). Each step resolves only
/// the boxes whose lower bound does not exceed the best entry found, so the minimum (with the
/// lowest index among ties) is exact.
#[cfg(test)]
fn prim_mst(
    la: &[f64],
    lo: &[f64],
    cs: &[f64],
    core: &[f64],
    cancel: &Cancel,
) -> Vec<(usize, usize, f64)> {
    let n = la.len();
    if n < 2 {
        return Vec::new();
    }
    let mut st = LazyPrim::build(la, lo, cs, core);
    let mut mst = Vec::with_capacity(n - 1);
    let mut current = 0usize;
    for step in 0..n - 1 {
        if step % 256 == 0 && cancel.is_cancelled() {
            break;
        }
        st.add(current, step as u32);
        let best = st.best();
        if best.1 == u32::MAX {
            break;
        }
        mst.push((best.2 as usize, best.1 as usize, best.0));
        current = best.1 as usize;
    }
    mst
}

/// Points with bit-identical coordinates collapsed to distinct locations, numbered in order of
/// their first point (so location order is first-point order).
struct Locations {
    la: Vec<f64>,
    lo: Vec<f64>,
    cs: Vec<f64>,
    /// points at each location
    weight: Vec<u32>,
    /// the points of location `l`, ascending: `members[start[l]..start[l + 1]]`
    start: Vec<usize>,
    members: Vec<u32>,
}

impl Locations {
    fn collapse(la: &[f64], lo: &[f64]) -> Self {
        let n = la.len();
        let mut map: rustc_hash::FxHashMap<(u64, u64), u32> = rustc_hash::FxHashMap::default();
        map.reserve(n.min(1 << 20));
        let mut loc_of = Vec::with_capacity(n);
        let (mut lla, mut llo, mut weight) = (Vec::new(), Vec::new(), Vec::<u32>::new());
        for i in 0..n {
            let next = weight.len() as u32;
            let l = *map
                .entry((la[i].to_bits(), lo[i].to_bits()))
                .or_insert(next);
            if l == next {
                lla.push(la[i]);
                llo.push(lo[i]);
                weight.push(0);
            }
            weight[l as usize] += 1;
            loc_of.push(l);
        }
        drop(map);
        let mut start = Vec::with_capacity(weight.len() + 1);
        start.push(0usize);
        for &w in &weight {
            start.push(start[start.len() - 1] + w as usize);
        }
        let mut fill = start.clone();
        let mut members = vec![0u32; n];
        for (i, &l) in loc_of.iter().enumerate() {
            members[fill[l as usize]] = i as u32;
            fill[l as usize] += 1;
        }
        let cs = lla.iter().map(|v: &f64| v.cos()).collect();
        Locations {
            la: lla,
            lo: llo,
            cs,
            weight,
            start,
            members,
        }
    }

    fn first(&self, l: usize) -> u32 {
        self.members[self.start[l]]
    }
}

/// scikit-learn's Prim MST over all points (see `prim_mst`), computed over the distinct
/// locations. Copies of a location have the same mutual reachability to every other point, so
/// until one of them joins the MST they share one entry (and its source), and the lowest-index
/// copy is the one Prim's loop takes; once it has joined, the other copies' entries are the
/// location's core distance c (their reachability to it, max(c, c, 0), no larger than any other)
/// and none of them ever improves another point's entry. So Prim's algorithm runs over the
/// locations (`LazyPrim`, core distances counting multiplicity), and the waiting copies sit in a
/// heap keyed by (c, point index) beside it: each step takes whichever of the two is smaller by
/// (reachability, point index), exactly the point scikit-learn's loop takes, with its source —
/// the earliest MST point reaching the minimum: the source of the location's entry if that
/// already equalled c, otherwise the location's first copy.
fn collapsed_prim_mst(locs: &Locations, core: &[f64], cancel: &Cancel) -> Vec<(usize, usize, f64)> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let n = locs.members.len();
    if n < 2 {
        return Vec::new();
    }
    /// A location's waiting copies: (core distance, next copy, location, source point).
    #[derive(PartialEq)]
    struct Wait(f64, u32, u32, u32);
    impl Eq for Wait {}
    impl PartialOrd for Wait {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for Wait {
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            self.0.total_cmp(&o.0).then(self.1.cmp(&o.1))
        }
    }
    let mut st = LazyPrim::build(&locs.la, &locs.lo, &locs.cs, core);
    let mut heap: BinaryHeap<Reverse<Wait>> = BinaryHeap::new();
    // position of each location's next waiting copy in `members`
    let mut next = locs.start.clone();
    let mut mst = Vec::with_capacity(n - 1);
    let mut joined = 0u32;
    // location `l` joins through its first copy, reached at `reach` from `source`
    let mut join = |st: &mut LazyPrim<'_>,
                    heap: &mut BinaryHeap<Reverse<Wait>>,
                    next: &mut Vec<usize>,
                    l: usize,
                    reach: f64,
                    source: u32| {
        st.add(l, joined);
        joined += 1;
        next[l] += 1;
        if next[l] < locs.start[l + 1] {
            let c = core[l];
            let s = if reach == c { source } else { locs.first(l) };
            heap.push(Reverse(Wait(c, locs.members[next[l]], l as u32, s)));
        }
    };
    join(&mut st, &mut heap, &mut next, 0, f64::INFINITY, 1);
    while mst.len() < n - 1 {
        if mst.len() % 1024 == 0 && cancel.is_cancelled() {
            break;
        }
        let e = st.best();
        let take_copy = match heap.peek() {
            Some(Reverse(w)) => {
                e.1 == u32::MAX || w.0 < e.0 || (w.0 == e.0 && w.1 < locs.first(e.1 as usize))
            }
            None => false,
        };
        if take_copy {
            let Some(Reverse(Wait(c, p, l, s))) = heap.pop() else {
                break;
            };
            mst.push((s as usize, p as usize, c));
            let l = l as usize;
            next[l] += 1;
            if next[l] < locs.start[l + 1] {
                heap.push(Reverse(Wait(c, locs.members[next[l]], l as u32, s)));
            }
        } else {
            if e.1 == u32::MAX {
                break;
            }
            let (l, from) = (e.1 as usize, locs.first(e.2 as usize));
            mst.push((from as usize, locs.first(l) as usize, e.0));
            join(&mut st, &mut heap, &mut next, l, e.0, from);
        }
    }
    mst
}

fn single_linkage(n: usize, mst: &[(usize, usize, f64)]) -> Hierarchy {
    let mut uf = UnionFind::new(2 * n - 1);
    let mut size = vec![1usize; 2 * n - 1];
    let mut h = Hierarchy {
        left: vec![],
        right: vec![],
        value: vec![],
        size: vec![],
    };
    for (i, &(a, b, d)) in mst.iter().enumerate() {
        let (ra, rb) = (uf.find(a), uf.find(b));
        let new = n + i;
        h.left.push(ra);
        h.right.push(rb);
        h.value.push(d);
        h.size.push(size[ra] + size[rb]);
        size[new] = size[ra] + size[rb];
        uf.parent[ra] = new;
        uf.parent[rb] = new;
    }
    h
}

fn bfs_from_hierarchy(h: &Hierarchy, n: usize, root: usize) -> Vec<usize> {
    let mut result = Vec::new();
    let mut queue = vec![root];
    while !queue.is_empty() {
        result.extend_from_slice(&queue);
        let mut next = Vec::new();
        for &x in &queue {
            if x >= n {
                next.push(h.left[x - n]);
                next.push(h.right[x - n]);
            }
        }
        queue = next;
    }
    result
}

/// Condensed tree rows: (parent, child, lambda, child_size).
fn condense(h: &Hierarchy, n: usize, min_cluster_size: usize) -> Vec<(usize, usize, f64, usize)> {
    let root = 2 * (n - 1);
    let mut relabel = vec![0usize; root + 1];
    relabel[root] = n;
    let mut next_label = n + 1;
    let mut ignore = vec![false; root + 1];
    let mut out = Vec::new();
    for node in bfs_from_hierarchy(h, n, root) {
        if ignore[node] || node < n {
            continue;
        }
        let k = node - n;
        let (left, right, dist) = (h.left[k], h.right[k], h.value[k]);
        let lambda = if dist > 0.0 {
            1.0 / dist
        } else {
            f64::INFINITY
        };
        let count = |c: usize| if c >= n { h.size[c - n] } else { 1 };
        let (lc, rc) = (count(left), count(right));
        let spill = |sub: usize,
                     out: &mut Vec<(usize, usize, f64, usize)>,
                     ignore: &mut Vec<bool>,
                     parent: usize| {
            for s in bfs_from_hierarchy(h, n, sub) {
                if s < n {
                    out.push((parent, s, lambda, 1));
                }
                ignore[s] = true;
            }
        };
        let p = relabel[node];
        if lc >= min_cluster_size && rc >= min_cluster_size {
            relabel[left] = next_label;
            next_label += 1;
            out.push((p, relabel[left], lambda, lc));
            relabel[right] = next_label;
            next_label += 1;
            out.push((p, relabel[right], lambda, rc));
        } else if lc < min_cluster_size && rc < min_cluster_size {
            spill(left, &mut out, &mut ignore, p);
            spill(right, &mut out, &mut ignore, p);
        } else if lc < min_cluster_size {
            relabel[right] = p;
            spill(left, &mut out, &mut ignore, p);
        } else {
            relabel[left] = p;
            spill(right, &mut out, &mut ignore, p);
        }
    }
    out
}

uninterruptible! {
    /// The minimum spanning tree of the mutual-reachability graph, in the order Prim's algorithm adds
    /// the edges (scikit-learn's `mst_from_data_matrix`: start at point 0, lowest index on ties):
    /// `(from, to, distance)` with distances in radians.
    ///
    /// # Errors
    /// As [`hdbscan`] (coordinates, `min_samples`).
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::hdbscan::{labels_from_sorted_mst, mutual_reachability_mst};
    /// let lat = [51.5, 51.5003, 51.5001, 51.4998, 51.503, 51.5032, 51.5029, 51.5006, 51.51, 51.49, 51.505, 51.5031];
    /// let lon = [-0.12, -0.1201, -0.1196, -0.1204, -0.115, -0.1148, -0.1147, -0.1192, -0.1, -0.14, -0.13, -0.1153];
    /// let mut mst = mutual_reachability_mst(&lat, &lon, 3).unwrap();
    /// assert_eq!(mst.len(), 11);
    /// assert_eq!(mst[0].0, 0); // Prim starts at point 0
    /// mst.sort_by(|a, b| a.2.total_cmp(&b.2));
    /// let labels = labels_from_sorted_mst(lat.len(), &mst, 3).unwrap();
    /// assert_eq!(labels, [0, 0, 0, 0, 1, 1, 1, 0, -1, -1, -1, 1]); // docs/methods/hotspots.md C2 (sklearn)
    /// ```
    pub fn mutual_reachability_mst(lat: &[f64], lon: &[f64], min_samples: usize) -> Result<Vec<(usize, usize, f64)>> = mutual_reachability_mst_with;
}

/// [`mutual_reachability_mst`] that stops with [`Error::Interrupted`] soon after `cancel` is set.
///
/// # Errors
/// As [`mutual_reachability_mst`]; [`Error::Interrupted`] when cancelled.
pub fn mutual_reachability_mst_with(
    lat: &[f64],
    lon: &[f64],
    min_samples: usize,
    cancel: &Cancel,
) -> Result<Vec<(usize, usize, f64)>> {
    let (la, lo) = to_radians_indexed(lat, lon)?;
    let n = la.len();
    if min_samples < 1 || min_samples > n {
        return Err(Error::argument(
            "min_samples",
            format!("must be between 1 and the number of points ({n}), got {min_samples}"),
        ));
    }
    if n < 2 {
        return Ok(Vec::new());
    }
    let locs = Locations::collapse(&la, &lo);
    drop((la, lo));
    let core = core_distances(
        &locs.la,
        &locs.lo,
        &locs.cs,
        &locs.weight,
        min_samples,
        cancel,
    );
    cancel.check()?;
    let mst = collapsed_prim_mst(&locs, &core, cancel);
    cancel.check()?;
    Ok(mst)
}

/// HDBSCAN labels (−1 noise) for points in degrees.
///
/// Tied MST edges are ordered stably (in Prim's order), as the Python layer orders them, so labels
/// are the same on every machine and equal scikit-learn's with its MST argsort made stable;
/// [`labels_from_sorted_mst`] takes any order.
///
/// # Errors
/// Coordinates missing or out of range (naming the row); `min_cluster_size` < 2;
/// `min_samples` < 1 or larger than the number of points.
///
/// # Examples
/// ```
/// // docs/methods/hotspots.md C2: sklearn HDBSCAN(min_cluster_size=3, metric="haversine")
/// let lat = [51.5, 51.5003, 51.5001, 51.4998, 51.503, 51.5032, 51.5029, 51.5006, 51.51, 51.49, 51.505, 51.5031];
/// let lon = [-0.12, -0.1201, -0.1196, -0.1204, -0.115, -0.1148, -0.1147, -0.1192, -0.1, -0.14, -0.13, -0.1153];
/// let l = saferstats::hotspot::hdbscan::hdbscan(&lat, &lon, 3, None).unwrap();
/// assert_eq!(l, [0, 0, 0, 0, 1, 1, 1, 0, -1, -1, -1, 1]);
/// ```
pub fn hdbscan(
    lat: &[f64],
    lon: &[f64],
    min_cluster_size: usize,
    min_samples: Option<usize>,
) -> Result<Vec<i64>> {
    if min_cluster_size < 2 {
        return Err(Error::argument("min_cluster_size", "must be at least 2"));
    }
    let ms = min_samples.unwrap_or(min_cluster_size);
    let mut mst = mutual_reachability_mst(lat, lon, ms)?;
    mst.sort_by(|a, b| a.2.total_cmp(&b.2));
    labels_from_sorted_mst(lat.len(), &mst, min_cluster_size)
}

/// [`labels_from_sorted_mst_with`] from the MST as three parallel columns (as they cross from
/// Python: signed indices), validated here.
///
/// # Errors
/// [`Error::InvalidArgument`] on `mst` when the columns differ in length; as
/// [`labels_from_sorted_mst`] otherwise (a negative index is out of range there).
///
/// # Examples
/// ```
/// use saferstats::{cancel::NEVER, hotspot::hdbscan::labels_from_mst_columns};
/// let l = labels_from_mst_columns(3, &[0, 1], &[1, 2], &[0.1, 0.2], 2, &NEVER).unwrap();
/// assert_eq!(l.len(), 3);
/// assert!(labels_from_mst_columns(3, &[0, 1], &[1], &[0.1, 0.2], 2, &NEVER).is_err());
/// ```
pub fn labels_from_mst_columns(
    n: usize,
    src: &[i64],
    dst: &[i64],
    distance: &[f64],
    min_cluster_size: usize,
    cancel: &Cancel,
) -> Result<Vec<i64>> {
    if src.len() != dst.len() || src.len() != distance.len() {
        return Err(Error::argument(
            "mst",
            "src, dst and distance must have the same length",
        ));
    }
    let idx = |v: i64| usize::try_from(v).unwrap_or(usize::MAX);
    let mst: Vec<(usize, usize, f64)> = (0..src.len())
        .map(|k| (idx(src[k]), idx(dst[k]), distance[k]))
        .collect();
    labels_from_sorted_mst_with(n, &mst, min_cluster_size, cancel)
}

uninterruptible! {
    /// HDBSCAN labels from a mutual-reachability MST already sorted by distance: single-linkage
    /// tree, condensed tree for `min_cluster_size`, stabilities, excess-of-mass selection (root
    /// excluded), labels in order of the selected clusters' ids — scikit-learn's `_process_mst`,
    /// `_condense_tree`, `_get_clusters`.
    ///
    /// # Errors
    /// `min_cluster_size` < 2; not n − 1 edges; an endpoint ≥ n; distances not finite,
    /// negative or not sorted.
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::hdbscan::labels_from_sorted_mst;
    /// // two tight groups of three joined by one long edge: two clusters
    /// let mst = [(0, 1, 0.1), (1, 2, 0.1), (3, 4, 0.1), (4, 5, 0.1), (2, 3, 5.0)];
    /// assert_eq!(labels_from_sorted_mst(6, &mst, 3).unwrap(), [0, 0, 0, 1, 1, 1]);
    /// assert!(labels_from_sorted_mst(6, &mst[..4], 3).is_err()); // not a spanning tree
    /// ```
    pub fn labels_from_sorted_mst(n: usize, mst: &[(usize, usize, f64)], min_cluster_size: usize) -> Result<Vec<i64>> = labels_from_sorted_mst_with;
}

/// [`labels_from_sorted_mst`] that stops with [`Error::Interrupted`] between its stages (cycle
/// check, single linkage, condensed tree, cluster selection) once `cancel` is set.
///
/// # Errors
/// As [`labels_from_sorted_mst`]; [`Error::Interrupted`] when cancelled.
pub fn labels_from_sorted_mst_with(
    n: usize,
    mst: &[(usize, usize, f64)],
    min_cluster_size: usize,
    cancel: &Cancel,
) -> Result<Vec<i64>> {
    if min_cluster_size < 2 {
        return Err(Error::argument("min_cluster_size", "must be at least 2"));
    }
    if n < 2 {
        return Ok(vec![-1; n]);
    }
    if mst.len() != n - 1 {
        return Err(Error::argument(
            "mst",
            format!(
                "a spanning tree of {n} points has {} edges, got {}",
                n - 1,
                mst.len()
            ),
        ));
    }
    if let Some(k) = mst.iter().position(|e| e.0 >= n || e.1 >= n || e.0 == e.1) {
        return Err(Error::argument(
            "mst",
            format!("edge {k} has an invalid endpoint"),
        ));
    }
    if let Some(k) = (0..mst.len()).position(|k| {
        !(mst[k].2.is_finite() && mst[k].2 >= 0.0) || (k > 0 && mst[k].2 < mst[k - 1].2)
    }) {
        return Err(Error::argument(
            "mst",
            format!("edge {k}: distances must be finite, non-negative and sorted"),
        ));
    }
    let mut comp = UnionFind::new(n);
    for (k, e) in mst.iter().enumerate() {
        let (a, b) = (comp.find(e.0), comp.find(e.1));
        if a == b {
            return Err(Error::argument(
                "mst",
                format!("edge {k} closes a cycle: not a spanning tree"),
            ));
        }
        comp.parent[a] = b;
    }
    cancel.check()?;
    let h = single_linkage(n, mst);
    cancel.check()?;
    let tree = condense(&h, n, min_cluster_size);
    cancel.check()?;
    if tree.is_empty() {
        return Ok(vec![-1; n]);
    }
    // stabilities
    let smallest = tree.iter().map(|r| r.0).min().unwrap_or(n);
    let largest_parent = tree.iter().map(|r| r.0).max().unwrap_or(n);
    let largest_child = tree.iter().map(|r| r.1).max().unwrap_or(n).max(smallest);
    let mut births = vec![f64::NAN; largest_child + 1];
    for r in &tree {
        births[r.1] = r.2;
    }
    births[smallest] = 0.0;
    let mut stability = vec![0.0; largest_parent - smallest + 1];
    for r in &tree {
        stability[r.0 - smallest] += (r.2 - births[r.0]) * r.3 as f64;
    }
    // excess of mass (root excluded)
    let cluster_rows: Vec<&(usize, usize, f64, usize)> = tree.iter().filter(|r| r.3 > 1).collect();
    let mut is_cluster = vec![false; largest_parent + 1];
    let nodes: Vec<usize> = (smallest + 1..=largest_parent).rev().collect();
    for &c in &nodes {
        is_cluster[c] = true;
    }
    // children of each cluster node, in row order (the order scikit-learn sums their stabilities)
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); largest_parent + 1];
    for r in &cluster_rows {
        kids[r.0].push(r.1);
    }
    let children = |node: usize| -> &[usize] { kids.get(node).map_or(&[][..], Vec::as_slice) };
    // `cleared[c]`: every descendant of c is already deselected (so a later deselection of an
    // ancestor need not walk below c): the whole pass is O(clusters), not O(clusters × depth)
    let mut cleared = vec![false; largest_parent + 1];
    for &node in &nodes {
        let sub: f64 = children(node)
            .iter()
            .map(|&c| stability[c - smallest])
            .sum();
        if sub > stability[node - smallest] {
            is_cluster[node] = false;
            stability[node - smallest] = sub;
        } else {
            // deselect every descendant
            let mut queue: Vec<usize> = children(node).to_vec();
            while let Some(c) = queue.pop() {
                if c <= largest_parent {
                    is_cluster[c] = false;
                    if cleared[c] {
                        continue;
                    }
                }
                queue.extend_from_slice(children(c));
            }
            cleared[node] = true;
        }
    }
    let mut selected: Vec<usize> = (0..=largest_parent).filter(|&c| is_cluster[c]).collect();
    selected.sort_unstable();
    // labelling: union every non-selected child into its parent, as scikit-learn's TreeUnionFind
    let size = largest_parent + 1;
    let mut uf = UnionFind::new(size.max(n));
    let mut rank = vec![0usize; size.max(n)];
    for r in &tree {
        let (p, c) = (r.0, r.1);
        if c < size && is_cluster[c] {
            continue;
        }
        let (xr, yr) = (uf.find(p), uf.find(c));
        if xr == yr {
            continue;
        }
        match rank[xr].cmp(&rank[yr]) {
            std::cmp::Ordering::Less => uf.parent[xr] = yr,
            std::cmp::Ordering::Greater => uf.parent[yr] = xr,
            std::cmp::Ordering::Equal => {
                uf.parent[yr] = xr;
                rank[xr] += 1;
            }
        }
    }
    let root_cluster = smallest;
    let mut labels = vec![-1i64; n];
    for (i, l) in labels.iter_mut().enumerate() {
        let c = uf.find(i);
        if c != root_cluster
            && let Ok(pos) = selected.binary_search(&c)
        {
            *l = pos as i64;
        }
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::NEVER;
    use crate::hotspot::index::to_radians_checked;

    /// Plain O(n²) Prim, written as scikit-learn's `mst_from_data_matrix` loop: the reference the
    /// pruned implementation must reproduce edge for edge (including the source on ties).
    fn prim_reference(
        la: &[f64],
        lo: &[f64],
        cs: &[f64],
        core: &[f64],
    ) -> Vec<(usize, usize, f64)> {
        let n = la.len();
        let mut in_tree = vec![false; n];
        let mut cur_d = vec![f64::INFINITY; n];
        let mut cur_s = vec![1usize; n];
        let mut out = Vec::new();
        let mut c = 0;
        for _ in 0..n - 1 {
            in_tree[c] = true;
            let (mut nd, mut ns, mut nn) = (f64::INFINITY, 0, 0);
            for j in 0..n {
                if in_tree[j] {
                    continue;
                }
                let m = core[c]
                    .max(core[j])
                    .max(haversine_cos(la[c], lo[c], cs[c], la[j], lo[j], cs[j]));
                if m < cur_d[j] {
                    cur_d[j] = m;
                    cur_s[j] = c;
                }
                if cur_d[j] < nd {
                    nd = cur_d[j];
                    ns = cur_s[j];
                    nn = j;
                }
            }
            out.push((ns, nn, nd));
            c = nn;
        }
        out
    }

    #[test]
    fn pruned_prim_equals_the_plain_loop_with_ties_and_duplicates() {
        let mut u = crate::hotspot::index::lcg(17);
        for (span, snap, ms) in [
            (0.2, 0.0, 5),
            (0.05, 0.002, 4),
            (1.0, 0.01, 10),
            (0.01, 0.0, 1),
        ] {
            let n = 1200;
            let (mut lat, mut lon) = (Vec::new(), Vec::new());
            for i in 0..n {
                let (mut a, mut b) = if i % 2 == 0 {
                    let c = (i % 11) as f64;
                    (
                        51.0 + span * c / 11.0 + 0.01 * span * u(),
                        -1.0 + span * c / 13.0 + 0.01 * span * u(),
                    )
                } else {
                    (51.0 + span * u(), -1.0 + span * u())
                };
                if snap > 0.0 {
                    // police.uk-style snapping: many points share a location
                    a = (a / snap).round() * snap;
                    b = (b / snap).round() * snap;
                }
                lat.push(a);
                lon.push(b);
            }
            let (la, lo) = to_radians_checked(&lat, &lon).unwrap();
            let cs: Vec<f64> = la.iter().map(|v| v.cos()).collect();
            let core = core_distances(&la, &lo, &cs, &vec![1; la.len()], ms, &NEVER);
            assert_eq!(
                prim_mst(&la, &lo, &cs, &core, &NEVER),
                prim_reference(&la, &lo, &cs, &core),
                "span {span} snap {snap}"
            );
        }
    }

    /// Duplicate-heavy points: `locations` distinct snapped locations, each repeated 1..=`max_mult`
    /// times, the copies scattered through the index order.
    fn duplicate_heavy(
        seed: u64,
        locations: usize,
        max_mult: usize,
        span: f64,
        snap: f64,
    ) -> (Vec<f64>, Vec<f64>) {
        let mut u = crate::hotspot::index::lcg(seed);
        let (mut lat, mut lon) = (Vec::new(), Vec::new());
        for i in 0..locations {
            // a few blobs plus scatter, snapped to a lattice (equal distances tie)
            let (a, b) = if i % 3 == 0 {
                (51.0 + span * u(), -1.0 + span * u())
            } else {
                let c = (i % 5) as f64;
                (
                    51.0 + span * (c / 5.0 + 0.05 * u()),
                    -1.0 + span * (c / 7.0 + 0.05 * u()),
                )
            };
            let (a, b) = ((a / snap).round() * snap, (b / snap).round() * snap);
            let m = 1 + (u() * max_mult as f64) as usize;
            for _ in 0..m {
                lat.push(a);
                lon.push(b);
            }
        }
        // shuffle (Fisher-Yates) so that copies are interleaved
        for i in (1..lat.len()).rev() {
            let j = (u() * (i + 1) as f64) as usize;
            lat.swap(i, j);
            lon.swap(i, j);
        }
        (lat, lon)
    }

    /// Core distances by brute force over all points (the point itself included).
    fn brute_core(la: &[f64], lo: &[f64], cs: &[f64], k: usize) -> Vec<f64> {
        (0..la.len())
            .map(|i| {
                let mut d: Vec<f64> = (0..la.len())
                    .map(|j| haversine_cos(la[i], lo[i], cs[i], la[j], lo[j], cs[j]))
                    .collect();
                d.sort_by(f64::total_cmp);
                d[k - 1]
            })
            .collect()
    }

    /// The collapsed computation (distinct locations, core distances counting multiplicity, the
    /// copies' edges from a heap) is scikit-learn's point-level Prim loop edge for edge: same
    /// endpoints, same sources, same order, same distances — on duplicate-heavy data with
    /// multiplicities below, at and above `min_samples`.
    #[test]
    fn collapsed_prim_equals_the_plain_loop_over_all_points() {
        let mut cases = 0;
        for (seed, locations, max_mult, span, snap, ms) in [
            (1, 150, 12, 0.02, 0.0005f64, 5),
            (2, 120, 30, 0.05, 0.001, 15),
            (3, 300, 3, 0.01, 0.0002, 4),
            (4, 60, 25, 0.002, 0.0001, 10),
            (5, 200, 8, 0.2, 0.01, 8),
            (6, 100, 6, 0.01, 0.0005, 1),
            (7, 1, 40, 0.01, 0.001, 7),
            (8, 2, 20, 0.01, 0.001, 12),
            (9, 400, 1, 0.05, 0.0, 5),
        ] {
            let (lat, lon) = duplicate_heavy(seed, locations, max_mult, span, snap.max(1e-12));
            let n = lat.len();
            let ms = ms.min(n);
            let (la, lo) = to_radians_checked(&lat, &lon).unwrap();
            let cs: Vec<f64> = la.iter().map(|v| v.cos()).collect();
            let core = brute_core(&la, &lo, &cs, ms);
            let want = prim_reference(&la, &lo, &cs, &core);
            let got = mutual_reachability_mst(&lat, &lon, ms).unwrap();
            assert_eq!(got, want, "seed {seed}: {n} points, min_samples {ms}");
            // and the collapsed core distances are the point-level ones
            let locs = Locations::collapse(&la, &lo);
            let lc = core_distances(&locs.la, &locs.lo, &locs.cs, &locs.weight, ms, &NEVER);
            for (l, &c) in lc.iter().enumerate() {
                for &p in &locs.members[locs.start[l]..locs.start[l + 1]] {
                    assert_eq!(c, core[p as usize], "seed {seed}: location {l}");
                }
            }
            cases += 1;
        }
        assert_eq!(cases, 9);
    }

    /// The grid search returns exactly the brute-force k-th smallest distance.
    #[test]
    fn grid_core_distances_equal_brute_force() {
        let mut u = crate::hotspot::index::lcg(5);
        for (c_lat, c_lon, span, dup) in [
            (51.8, -0.25, 0.3, false),
            (51.8, -0.25, 0.01, true),
            (0.0, 100.0, 2.0, false),
            (-60.0, 170.0, 0.5, true),
            (10.0, 179.95, 0.3, false), // across the ±180° meridian
        ] {
            let n = 1500;
            let mut lat = Vec::new();
            let mut lon = Vec::new();
            for i in 0..n {
                if dup && i % 4 == 1 {
                    lat.push(lat[i - 1]);
                    lon.push(lon[i - 1]);
                } else if i % 3 == 0 {
                    // tight blobs
                    let b = (i % 7) as f64;
                    lat.push(c_lat + span * (b / 7.0 - 0.5) + 0.001 * span * u());
                    lon.push(c_lon + span * (b / 9.0 - 0.3) + 0.001 * span * u());
                } else {
                    lat.push(c_lat + span * (u() - 0.5));
                    lon.push(c_lon + span * (u() - 0.5));
                }
            }
            let lon: Vec<f64> = lon
                .iter()
                .map(|v| (v + 180.0f64).rem_euclid(360.0) - 180.0)
                .collect();
            let (la, lo) = to_radians_checked(&lat, &lon).unwrap();
            let cs: Vec<f64> = la.iter().map(|v| v.cos()).collect();
            let ks = [1, 2, 5, 15, 40];
            let fast: Vec<Vec<f64>> = ks
                .iter()
                .map(|&k| core_distances(&la, &lo, &cs, &vec![1; n], k, &NEVER))
                .collect();
            // each point's distances sorted once, then checked at every k (the test took 30-80 s
            // in debug builds when it sorted them again for each k)
            for i in 0..n {
                let mut d: Vec<f64> = (0..n)
                    .map(|j| haversine_cos(la[i], lo[i], cs[i], la[j], lo[j], cs[j]))
                    .collect();
                d[i] = 0.0;
                d.sort_by(f64::total_cmp);
                for (&k, f) in ks.iter().zip(&fast) {
                    assert_eq!(f[i], d[k - 1], "point {i}, k {k}");
                }
            }
        }
    }
}
