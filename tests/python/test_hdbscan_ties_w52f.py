"""hdbscan's labels where MST distances tie, the same on every machine (session 31, w52f).

Until session 31 ``hdbscan`` ordered the mutual-reachability MST's edges with ``np.argsort(dist)``,
the call scikit-learn's ``_process_mst`` makes. numpy's default sort is not stable: its order of
equal distances depends on numpy's version and the CPU's sort instructions, and police.uk's snapped
locations make many distances tie, so the labels changed between machines (session 30: 52 of the
walk8 fixture's 274 labels at min_cluster_size=5). ``hdbscan`` now sorts with ``kind="stable"``:
tied edges keep the order in which Prim's algorithm added them (the core's MST, scikit-learn's edge
for edge, tests/python/test_hotspot_hdbscan_duplicates.py), which is a definition, not a property
of the machine. The references are scikit-learn 1.9.1 with its ``_process_mst`` patched to the same
stable sort (fixtures' provenance ``sklearn_patch``; generate scripts in tests/fixtures) and a sort
written here in plain Python (``sorted`` by (distance, Prim's position), stable by definition).

What the stable order promises: the same rows, in the same order, give the same labels on every
machine. It does not promise the same partition for the rows in another order: Prim's algorithm
(scikit-learn's and the core's) takes the lowest row index among equal candidates, so permuting the
rows can change which tied edges form the MST and their order; the permuted rows then give
scikit-learn's labels for those rows (checked below), not the first order's. On walk8's points
permuted with seed 0, scikit-learn (stable sort) and ``hdbscan`` agree with each other and both
differ from the first order's partition in 109 of 274 labels at min_cluster_size=5 (beyond the
numbering of the clusters).
"""
from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

import saferstats
from conftest import FIXTURES, load_fixture
from saferstats import _saferstats as ext

SK = load_fixture("walk8_coming_from/anchors.json")["sklearn"]
DUP = json.loads(gzip.open(FIXTURES / "hdbscan_duplicates_sklearn.json.gz", "rt").read())


def _labels_in_order(lat: np.ndarray, lon: np.ndarray, mcs: int, ms: int | None, order_key: str) -> np.ndarray:
    """Labels from the core's MST with its edges in the order ``order_key`` names: "prim" sorts by
    (distance, position in Prim's order) in plain Python; "reversed" puts tied edges in the reverse
    of Prim's order (another order a sort could give)."""
    mst = ext.hdbscan_mst(lat, lon, min_samples=ms or mcs)
    dist = mst["distance"].tolist()
    sign = 1 if order_key == "prim" else -1
    o = np.array(sorted(range(len(dist)), key=lambda i: (dist[i], sign * i)), dtype=np.int64)
    return np.asarray(ext.hdbscan_labels(len(lat), mst["src"][o], mst["dst"][o], mst["distance"][o],
                                         min_cluster_size=mcs))


def test_tied_mst_edges_in_prims_order_give_the_patched_sklearn_labels() -> None:
    """walk8's 274 burglaries (June 2021, 241 places, 64 tied MST distances): ``hdbscan`` equals
    scikit-learn with the stable sort (the fixture) and the plain-Python (distance, Prim's position)
    order, for every run. Before: numpy's default sort on this session's machine gave 68 labels
    different at min_cluster_size=5 (and 3, 1 at the other runs). The tie order matters: the
    reverse of Prim's order among ties gives 19 labels different at min_cluster_size=5."""
    lat, lon = np.asarray(SK["lat"], float), np.asarray(SK["lon"], float)
    d = ext.hdbscan_mst(lat, lon, min_samples=5)["distance"]
    assert (len(set(zip(SK["lat"], SK["lon"]))), len(d) - len(np.unique(d))) == (241, 64)  # places; tied distances
    for run in SK["hdbscan"]:
        mcs, ms = run["min_cluster_size"], run["min_samples"]
        got = saferstats.hdbscan(lat, lon, min_cluster_size=mcs, min_samples=ms)
        assert got.tolist() == run["labels"], (mcs, ms)
        assert got.tolist() == _labels_in_order(lat, lon, mcs, ms, "prim").tolist(), (mcs, ms)
    reversed_ties = _labels_in_order(lat, lon, 5, None, "reversed")
    assert int((reversed_ties != np.array(SK["hdbscan"][0]["labels"])).sum()) == 19


@pytest.mark.parametrize("run", DUP["synthetic_permuted"]["runs"],
                         ids=lambda r: f"mcs{r['min_cluster_size']}_ms{r['min_samples']}")
def test_permuted_rows_give_the_patched_sklearn_labels_of_those_rows(run: dict) -> None:
    """The synthetic duplicate-heavy set (466 points on 61 lattice locations) with its rows permuted
    (seed 31): ``hdbscan`` equals scikit-learn (stable sort) on the permuted rows and on the rows in
    their first order, and gives the same labels when run again. Mapped back, the permuted labels
    here are the first order's up to the numbering of the clusters (43, 16 and 51 clusters); that
    is this set's, not a promise (module docstring: walk8's points differ)."""
    s = DUP["synthetic"]
    perm = np.array(DUP["synthetic_permuted"]["permutation"])
    lat, lon = np.array(s["lat"])[perm], np.array(s["lon"])[perm]
    mcs, ms = run["min_cluster_size"], run["min_samples"]
    got = saferstats.hdbscan(lat, lon, min_cluster_size=mcs, min_samples=ms)
    assert got.tolist() == run["labels"]
    assert saferstats.hdbscan(lat, lon, min_cluster_size=mcs, min_samples=ms).tolist() == got.tolist()
    assert got.tolist() == _labels_in_order(lat, lon, mcs, ms, "prim").tolist()
    first = next(r for r in s["runs"] if (r["min_cluster_size"], r["min_samples"]) == (mcs, ms))
    unpermuted = saferstats.hdbscan(np.array(s["lat"]), np.array(s["lon"]), min_cluster_size=mcs, min_samples=ms)
    assert unpermuted.tolist() == first["labels"]
    back = np.empty_like(got)
    back[perm] = got
    renumber = {}  # the permuted run's cluster numbers -> the first order's
    for b, u in zip(back.tolist(), unpermuted.tolist()):
        assert (b < 0) == (u < 0)
        if b >= 0:
            assert renumber.setdefault(b, u) == u
    assert len(set(renumber.values())) == len(renumber) == unpermuted.max() + 1
