//! HDBSCAN on latitude/longitude (haversine), following scikit-learn's implementation
//! (`sklearn.cluster.HDBSCAN(metric="haversine")`, METHODS.md C2) step by step:
//! core distances (distance to the `min_samples`-th nearest point, the point itself included);
//! Prim's minimum spanning tree of the mutual-reachability graph max(coreᵢ, coreⱼ, dᵢⱼ) with
//! scikit-learn's tie-breaking (lowest index); edges sorted by weight (stably); the single-linkage
//! tree; the condensed tree for `min_cluster_size`; cluster stabilities; excess-of-mass selection
//! (the root is never selected); labels numbered in order of the selected clusters' ids.
//!
//! Complexity: O(n²) distance evaluations (brute-force core distances and Prim's algorithm, in
//! parallel) and O(n) memory — fine for tens of thousands of points, slow beyond.
//!
//! **Agreement with scikit-learn**: [`mutual_reachability_mst`] returns scikit-learn's MST edge
//! for edge, in Prim's order (tested). Ties between mutual-reachability distances are common on
//! dense data (a point's core distance is the weight of many edges), and scikit-learn orders tied
//! edges with numpy's unstable `argsort`, whose tie order depends on the CPU's sort kernel. So
//! [`labels_from_sorted_mst`] takes the edges in any given order: the Python layer passes numpy's
//! own `argsort` order, which makes labels identical to scikit-learn's on the same machine (tested
//! on dense blobs with ties). [`hdbscan`] alone orders tied edges stably; there cluster numbering
//! can differ and a few tie-affected points (under 2% in the tests) can be assigned differently.

use rayon::prelude::*;

use crate::error::{Error, Result};

use super::dbscan::{haversine_cos, to_radians_checked};

struct Hierarchy {
    left: Vec<usize>,
    right: Vec<usize>,
    value: Vec<f64>,
    size: Vec<usize>,
}

fn core_distances(la: &[f64], lo: &[f64], cs: &[f64], min_samples: usize) -> Vec<f64> {
    let n = la.len();
    (0..n)
        .into_par_iter()
        .map_init(
            || vec![0.0f64; n],
            |buf, i| {
                for j in 0..n {
                    buf[j] = haversine_cos(la[i], lo[i], cs[i], la[j], lo[j], cs[j]);
                }
                buf[i] = 0.0;
                let k = min_samples - 1;
                *buf.select_nth_unstable_by(k, f64::total_cmp).1
            },
        )
        .collect()
}

/// Prim's algorithm exactly as scikit-learn's `mst_from_data_matrix`.
fn prim_mst(la: &[f64], lo: &[f64], cs: &[f64], core: &[f64]) -> Vec<(usize, usize, f64)> {
    let n = la.len();
    let mut in_tree = vec![false; n];
    let mut min_reach = vec![f64::INFINITY; n];
    let mut source = vec![1usize; n];
    let mut mst = Vec::with_capacity(n.saturating_sub(1));
    let mut current = 0usize;
    for _ in 0..n.saturating_sub(1) {
        in_tree[current] = true;
        let cd = core[current];
        // update reachabilities in parallel, then take the lowest-index minimum
        let best = min_reach
            .par_iter_mut()
            .zip(source.par_iter_mut())
            .enumerate()
            .filter(|(j, _)| !in_tree[*j])
            .map(|(j, (mr, src))| {
                let d = haversine_cos(la[current], lo[current], cs[current], la[j], lo[j], cs[j]);
                let m = cd.max(core[j]).max(d);
                if m < *mr {
                    *mr = m;
                    *src = current;
                }
                (*mr, j, *src)
            })
            .reduce(
                || (f64::INFINITY, usize::MAX, 0),
                |a, b| {
                    if b.0 < a.0 || (b.0 == a.0 && b.1 < a.1) {
                        b
                    } else {
                        a
                    }
                },
            );
        let (d, j, s) = best;
        if j == usize::MAX {
            break;
        }
        mst.push((s, j, d));
        current = j;
    }
    mst
}

fn single_linkage(n: usize, mst: &[(usize, usize, f64)]) -> Hierarchy {
    let mut parent: Vec<usize> = (0..2 * n - 1).collect();
    let mut size = vec![1usize; 2 * n - 1];
    let find = |parent: &mut Vec<usize>, mut x: usize| {
        let mut root = x;
        while parent[root] != root {
            root = parent[root];
        }
        while parent[x] != root {
            let next = parent[x];
            parent[x] = root;
            x = next;
        }
        root
    };
    let mut h = Hierarchy {
        left: vec![],
        right: vec![],
        value: vec![],
        size: vec![],
    };
    for (i, &(a, b, d)) in mst.iter().enumerate() {
        let ra = find(&mut parent, a);
        let rb = find(&mut parent, b);
        let new = n + i;
        h.left.push(ra);
        h.right.push(rb);
        h.value.push(d);
        h.size.push(size[ra] + size[rb]);
        size[new] = size[ra] + size[rb];
        parent[ra] = new;
        parent[rb] = new;
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

/// The minimum spanning tree of the mutual-reachability graph, in the order Prim's algorithm adds
/// the edges (scikit-learn's `mst_from_data_matrix`: start at point 0, lowest index on ties):
/// `(from, to, distance)` with distances in radians.
///
/// # Errors
/// As [`hdbscan`] (coordinates, `min_samples`).
pub fn mutual_reachability_mst(
    lat: &[f64],
    lon: &[f64],
    min_samples: usize,
) -> Result<Vec<(usize, usize, f64)>> {
    let (la, lo) = to_radians_checked(lat, lon)?;
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
    let cs: Vec<f64> = la.iter().map(|v| v.cos()).collect();
    let core = core_distances(&la, &lo, &cs, min_samples);
    Ok(prim_mst(&la, &lo, &cs, &core))
}

/// HDBSCAN labels (−1 noise) for points in degrees.
///
/// Tied MST edges are ordered stably here; [`labels_from_sorted_mst`] takes any order (the Python
/// layer passes numpy's `argsort` order, which is what scikit-learn uses, so that labels are
/// identical to scikit-learn's also under ties).
///
/// # Errors
/// Coordinates missing or out of range (naming the row); `min_cluster_size` < 2;
/// `min_samples` < 1 or larger than the number of points.
///
/// # Examples
/// ```
/// // METHODS.md C2: sklearn HDBSCAN(min_cluster_size=3, metric="haversine")
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

/// HDBSCAN labels from a mutual-reachability MST already sorted by distance: single-linkage
/// tree, condensed tree for `min_cluster_size`, stabilities, excess-of-mass selection (root
/// excluded), labels in order of the selected clusters' ids — scikit-learn's `_process_mst`,
/// `_condense_tree`, `_get_clusters`.
///
/// # Errors
/// `min_cluster_size` < 2; not n − 1 edges; an endpoint ≥ n; distances not finite,
/// negative or not sorted.
pub fn labels_from_sorted_mst(
    n: usize,
    mst: &[(usize, usize, f64)],
    min_cluster_size: usize,
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
    let mut comp: Vec<usize> = (0..n).collect();
    fn root(c: &mut [usize], mut x: usize) -> usize {
        while c[x] != x {
            c[x] = c[c[x]];
            x = c[x];
        }
        x
    }
    for (k, e) in mst.iter().enumerate() {
        let (a, b) = (root(&mut comp, e.0), root(&mut comp, e.1));
        if a == b {
            return Err(Error::argument(
                "mst",
                format!("edge {k} closes a cycle: not a spanning tree"),
            ));
        }
        comp[a] = b;
    }
    let h = single_linkage(n, mst);
    let tree = condense(&h, n, min_cluster_size);
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
    let children = |node: usize| {
        cluster_rows
            .iter()
            .filter(move |r| r.0 == node)
            .map(|r| r.1)
    };
    for &node in &nodes {
        let sub: f64 = children(node).map(|c| stability[c - smallest]).sum();
        if sub > stability[node - smallest] {
            is_cluster[node] = false;
            stability[node - smallest] = sub;
        } else {
            // deselect every descendant
            let mut queue: Vec<usize> = children(node).collect();
            while let Some(c) = queue.pop() {
                if c <= largest_parent {
                    is_cluster[c] = false;
                }
                queue.extend(children(c));
            }
        }
    }
    let mut selected: Vec<usize> = (0..=largest_parent).filter(|&c| is_cluster[c]).collect();
    selected.sort_unstable();
    // labelling: union every non-selected child into its parent, as scikit-learn's TreeUnionFind
    let size = largest_parent + 1;
    let mut parent: Vec<usize> = (0..size.max(n)).collect();
    let mut rank = vec![0usize; size.max(n)];
    fn find(parent: &mut [usize], x: usize) -> usize {
        let mut root = x;
        while parent[root] != root {
            root = parent[root];
        }
        let mut y = x;
        while parent[y] != root {
            let next = parent[y];
            parent[y] = root;
            y = next;
        }
        root
    }
    for r in &tree {
        let (p, c) = (r.0, r.1);
        if c < size && is_cluster[c] {
            continue;
        }
        let (xr, yr) = (find(&mut parent, p), find(&mut parent, c));
        if xr == yr {
            continue;
        }
        match rank[xr].cmp(&rank[yr]) {
            std::cmp::Ordering::Less => parent[xr] = yr,
            std::cmp::Ordering::Greater => parent[yr] = xr,
            std::cmp::Ordering::Equal => {
                parent[yr] = xr;
                rank[xr] += 1;
            }
        }
    }
    let root_cluster = smallest;
    let mut labels = vec![-1i64; n];
    for (i, l) in labels.iter_mut().enumerate() {
        let c = find(&mut parent, i);
        if c != root_cluster {
            if let Ok(pos) = selected.binary_search(&c) {
                *l = pos as i64;
            }
        }
    }
    Ok(labels)
}
