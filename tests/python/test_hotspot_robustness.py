"""Hotspot robustness (issues 16.3, 16.4, 16.6, 16.7, 16.8, 18.2, 18.3, 18.14, 18.15):
antimeridian labels vs scikit-learn and Clark-Evans vs spatstat (stored fixtures), degenerate
inputs that must finish, allocation caps and Ctrl-C (each in a subprocess under a memory cap and a
timeout, so the suite cannot hang or exhaust the machine), silent-nonsense cases, bad input
(hypothesis) always a SaferstatsError naming the argument, GeoJSON/Excel export and the notebook
headlines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, load_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import saferstats
from saferstats import InvalidInputError, MissingValueError, SaferstatsError, SaferstatsWarning, Weights

# --------------------------------------------------------------------------------------------
# helpers: run code in a child interpreter with an address-space cap and a timeout


# the subprocesses import the saferstats this test imported (the installed wheel under
# `make wheel-test`, the editable build otherwise), not whatever python/ holds
_PACKAGE_PARENT = str(Path(saferstats.__file__).resolve().parents[1])


def run_bounded(code: str, *, timeout: float = 120, mem_gb: float = 6.0) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with RLIMIT_AS = ``mem_gb`` and a wall-clock timeout
    (the child is killed on expiry, failing the test instead of hanging the suite)."""
    import resource

    def cap():
        lim = int(mem_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))

    env = dict(os.environ, RAYON_NUM_THREADS="2", PYTHONPATH=_PACKAGE_PARENT)
    try:
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                              timeout=timeout, preexec_fn=cap, env=env, cwd=str(ROOT))
    except subprocess.TimeoutExpired as e:  # pragma: no cover - the defect this guards against
        pytest.fail(f"did not finish within {timeout} s:\n{e.stdout}\n{e.stderr}")


def ok(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 0, f"exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr[-4000:]}"
    return r.stdout


# --------------------------------------------------------------------------------------------
# 18.2 antimeridian, 18.3 Clark-Evans: against stored reference output

MER = load_fixture("hotspot_meridian_sklearn.json")


@pytest.mark.parametrize("row", MER["rows"], ids=lambda r: r["name"])
def test_dbscan_and_hdbscan_across_the_antimeridian_match_sklearn(row):
    for run in row["dbscan"]:
        labels = saferstats.dbscan(row["lat"], row["lon"], eps_m=run["eps_m"], min_samples=run["min_samples"])
        assert labels.tolist() == run["labels"], (row["name"], run["eps_m"], run["min_samples"])
    for run in row["hdbscan"]:
        labels = saferstats.hdbscan(row["lat"], row["lon"], min_cluster_size=run["min_cluster_size"])
        assert labels.tolist() == run["labels"], (row["name"], run["min_cluster_size"])


def test_issue_example_one_cluster_across_180():
    assert saferstats.dbscan([0, 0], [179.9999, -179.9999], eps_m=60, min_samples=2).tolist() == [0, 0]


def test_clark_evans_matches_spatstat_exact_constant():
    fx = load_fixture("hotspot_clarkevans_spatstat.json")
    assert fx["provenance"]["spatstat"].startswith("3.")
    for row in fx["clark_evans"]:
        r = saferstats.clark_evans(row["x"], row["y"], area=row["area"], perimeter=row["perimeter"])
        assert r["r"] == pytest.approx(row["r"], rel=1e-12)
        assert r["z"] == pytest.approx(row["z"], rel=1e-12)
        assert r["p_value"] == pytest.approx(row["p_two_sided"], rel=1e-9, abs=1e-14)
        assert r["r_donnelly"] == pytest.approx(row["r_donnelly"], rel=1e-12)
    # the constant itself, not the rounded 0.26136
    x, y = [10, 20, 35, 50, 55, 70, 80, 90, 15, 60], [10, 15, 80, 50, 52, 20, 85, 40, 60, 90]
    r = saferstats.clark_evans(x, y, area=10_000)
    se = np.sqrt((4 - np.pi) / (4 * np.pi)) * 100 / 10
    assert r["z"] == pytest.approx((r["r_obs"] - r["r_exp"]) / se, rel=1e-14)


# --------------------------------------------------------------------------------------------
# 16.3 degenerate inputs finish: every hotspot algorithm, hypothesis, in a bounded child

DEGENERATE = r"""
import numpy as np, warnings
from hypothesis import given, settings, strategies as st, HealthCheck
import saferstats as ss
warnings.simplefilter("ignore")

@st.composite
def points(draw):
    n = draw(st.integers(1, 60))
    kind = draw(st.sampled_from(["identical", "collinear_lat", "collinear_lon", "diagonal", "duplicates",
                                 "tiny", "huge", "random"]))
    lat0 = draw(st.floats(-89.0, 89.0)); lon0 = draw(st.floats(-179.9, 179.9))
    step = draw(st.sampled_from([0.0, 1e-9, 1e-6, 1e-3, 0.05]))
    k = np.arange(n, dtype=float)
    if kind == "identical":
        lat, lon = np.full(n, lat0), np.full(n, lon0)
    elif kind == "collinear_lat":
        lat, lon = np.full(n, lat0), lon0 + step * k
    elif kind == "collinear_lon":
        lat, lon = lat0 + step * k, np.full(n, lon0)
    elif kind == "diagonal":
        lat, lon = lat0 + step * k, lon0 + 1.3 * step * k
    elif kind == "duplicates":
        lat, lon = lat0 + step * (k % 3), lon0 + step * (k % 2)
    elif kind == "tiny":
        lat, lon = lat0 + 1e-12 * k, lon0 - 1e-12 * k
    elif kind == "huge":
        lat, lon = np.linspace(-90, 90, n), np.linspace(-180, 180, n)
    else:
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        lat, lon = rng.uniform(-90, 90, n), rng.uniform(-180, 180, n)
    return np.clip(lat, -90, 90), np.clip(lon, -180, 180)

@settings(max_examples=int(__import__("os").environ.get("N", "150")), deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(points(), st.integers(1, 6), st.sampled_from([0.001, 1.0, 60.0, 5e6]))
def check(pts, m, eps):
    lat, lon = pts
    n = len(lat)
    assert len(ss.dbscan(lat, lon, eps_m=eps, min_samples=m)) == n
    if n >= 2:
        assert len(ss.hdbscan(lat, lon, min_cluster_size=max(2, min(m, n)), min_samples=min(m, n))) == n
    x, y = ss.to_local_metres(lat, lon)
    ss.cluster_summary(lat, lon, np.zeros(n, dtype=int))
    if n >= 2:
        try:
            ss.kde_grid(x, y, cell_size=max(1.0, float(np.ptp(x) + np.ptp(y)) / 50), bandwidth=100.0)
        except ss.SaferstatsError:
            pass  # a grid that is refused with its size
        ss.clark_evans(x, y, area=1e6)
        ss.nnh(x, y, threshold=50.0, min_points=2)
        ss.knox(x, y, np.arange(n) % 7, distance_bands=[0, 10, 100, np.inf], time_bands=[0, 1, 3, np.inf],
                permutations=5, seed=1)
        w = ss.Weights.distance_band(x, y, threshold=100.0)
    if n >= 3:
        v = np.arange(n, dtype=float) % 4
        ss.gi_star(v, ss.Weights.lattice(1, n), permutations=9, seed=1)
        if np.ptp(v) > 0:
            ss.local_moran(v, ss.Weights.lattice(1, n), permutations=9, seed=1)
check()
# the issue's case, and collinear points at scale
print(ss.hdbscan([51.0] * 3, [-0.1, -0.15, -0.2], min_cluster_size=2).tolist())
lat = np.full(20000, 51.0); lon = np.linspace(-0.5, 0.5, 20000)
print(len(ss.hdbscan(lat, lon, min_cluster_size=10)))
# projected coordinates at the ends of the float range: answers or named errors, no panic
big = np.array([1e300, -1e300, 1e300, 1e300 + 1e285, 0.0])
for f in (lambda: ss.knox(big, big, [0, 1, 2, 3, 4], distance_bands=[0, 1e286, np.inf], time_bands=[0, 2, np.inf],
                          permutations=3),
          lambda: ss.Weights.distance_band(big, big, threshold=1e286), lambda: ss.nnh(big, big, threshold=1e286, min_points=2),
          lambda: ss.clark_evans(big, big, area=1e6), lambda: ss.kde_grid(big, big, cell_size=1.0, bandwidth=1.0),
          lambda: ss.grid_counts(big, big, cell_size=1.0)):
    try:
        f()
    except ss.SaferstatsError:
        pass
# 100,000 two-point clusters (was O(points x clusters)); 100,000 points at one location
k = np.arange(200000)
print(len(ss.cluster_summary(51.0 + (k % 7) * 1e-5, -0.1 + (k % 5) * 1e-5, k // 2)))
print(ss.clark_evans(np.zeros(100000), np.zeros(100000), area=1e6)["r"])
print("done")
"""


@pytest.mark.serial  # wall-clock/memory-capped child: run apart from the parallel pass
def test_degenerate_inputs_finish_for_every_hotspot_algorithm():
    out = ok(run_bounded(DEGENERATE, timeout=240, mem_gb=6))
    lines = out.splitlines()
    assert lines == ["[-1, -1, -1]", "20000", "100000", "0.0", "done"], out


# --------------------------------------------------------------------------------------------
# 16.4 sizes refused before allocating (no SIGABRT, no overflow panic), memory bounded


@pytest.mark.serial  # wall-clock/memory-capped child: run apart from the parallel pass
def test_oversized_weights_refused_with_their_size():
    r = run_bounded(r"""
import saferstats as ss
for f in (lambda: ss.Weights.lattice(100000, 100000), lambda: ss.Weights.lattice(2**33, 2**31),
          lambda: ss.Weights.from_adjacency([0], [1], n=10**12), lambda: ss.Weights.lattice(-1, 3)):
    try:
        f()
        print("no error")
    except ss.InvalidInputError as e:
        print(type(e).__name__, e.argument, "|", e)
""", timeout=60, mem_gb=3)
    lines = ok(r).splitlines()
    assert len(lines) == 4 and all(line.startswith("InvalidInputError") for line in lines), lines
    assert "10,000,000,000 cells" in lines[0] and "nrows" in lines[0]
    assert "n = 1,000,000,000,000 units" in lines[2]


@pytest.mark.serial  # wall-clock/memory-capped child: run apart from the parallel pass
def test_dbscan_memory_stays_linear_for_a_continental_eps():
    # 20,000 points, eps 6,000 km: every pair is within eps; the old block edge lists took ~1 GB
    r = run_bounded(r"""
import numpy as np, resource, saferstats as ss
rng = np.random.default_rng(1)
lat, lon = rng.uniform(50, 56, 20000), rng.uniform(-5, 1, 20000)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
l = ss.dbscan(lat, lon, eps_m=6_000_000, min_samples=5)
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(int(l.max()), int((l == 0).sum()), round(grown))
""", timeout=180, mem_gb=3)
    top, size, grown_mb = map(int, ok(r).split())
    assert top == 0 and size == 20000 and grown_mb < 200


@pytest.mark.serial  # wall-clock/memory-capped child: run apart from the parallel pass
def test_knox_streams_pairs_and_refuses_huge_tables():
    r = run_bounded(r"""
import numpy as np, saferstats as ss
rng = np.random.default_rng(2)
n = 6000
x, y, t = rng.uniform(0, 100, n), rng.uniform(0, 100, n), rng.integers(0, 50, n).astype(float)
# 18 million close pairs (over the 8 million kept in memory): enumerated per permutation
k = ss.knox(x, y, t, distance_bands=[0, 50, 200], time_bands=[0, 5, 100], permutations=3, seed=1)
print(int(k["observed"].sum()))
try:
    ss.knox(x[:10], y[:10], t[:10], distance_bands=np.arange(70001.0), time_bands=np.arange(100.0))
except ss.InvalidInputError as e:
    print("refused", e.argument)
# more than 65,535 distance bands work (band indices no longer wrap at u16)
e = np.arange(70001.0) * 1e-3  # 70,000 bands
k = ss.knox([0.0, 69.9995], [0.0, 0.0], [0.0, 1.0], distance_bands=e, time_bands=[0, 10], permutations=0)
print(int(np.flatnonzero(k["observed"].to_numpy())[0]))
""", timeout=240, mem_gb=3)
    lines = ok(r).splitlines()
    assert int(lines[0]) == 6000 * 5999 // 2
    assert lines[1] == "refused distance_bands"
    assert int(lines[2]) == 69999  # the pair 69.9995 apart falls in band 69,999 (not 69,999 - 65,536)


# --------------------------------------------------------------------------------------------
# 16.6 Ctrl-C stops long calls promptly (KeyboardInterrupt), the GIL is released meanwhile

LONG_CALLS = {
    "hdbscan": "ss.hdbscan(np.r_[lat, lat], np.r_[lon, lon], min_cluster_size=5)",
    "knox": "ss.knox(x, y, t, distance_bands=[0, 2000, np.inf], time_bands=[0, 7, np.inf], permutations=100000, seed=1)",
    "gi_star": "ss.gi_star(v, ss.Weights.lattice(300, 300), permutations=10**6, seed=1)",
    # every pair within eps, no point core: each core count scans all 200,000 points
    "dbscan": "ss.dbscan(lat, lon, eps_m=3_000_000, min_samples=10**6)",
    "kde": "ss.kde_grid(x, y, cell_size=2, bandwidth=5000, kernel='gaussian')",
    # not hotspots, the same contract (issue 15): E-tests on arrays, trend fits of many series
    "e_test": "ss.e_test(rng.poisson(5000, 4000).astype(float), rng.poisson(5000, 4000).astype(float))",
    "poisson_trend": "ss.poisson_trend(__import__('pandas').DataFrame({'area': np.repeat(np.arange(300000), 8), "
                     "'year': np.tile(np.arange(8), 300000), 'count': rng.poisson(20, 2400000)}), count='count', "
                     "population=None, period='year', by='area')",
}


@pytest.mark.serial  # wall-clock/memory-capped child: run apart from the parallel pass
@pytest.mark.parametrize("call", sorted(LONG_CALLS))
def test_sigint_stops_a_long_call_within_two_seconds(call):
    code = f"""
import signal, sys, threading, time, numpy as np, saferstats as ss
# Python's own Ctrl-C handler even when the test runs with SIGINT ignored (a background job)
signal.signal(signal.SIGINT, signal.default_int_handler)
rng = np.random.default_rng(0)
lat, lon = rng.uniform(51, 52, 200000), rng.uniform(-1, 0, 200000)
x, y, t = rng.uniform(0, 5000, 20000), rng.uniform(0, 5000, 20000), rng.integers(0, 300, 20000).astype(float)
v = rng.poisson(3, 90000).astype(float)
ticks = []
threading.Thread(target=lambda: [ticks.append(time.sleep(0.01)) for _ in range(10**6)], daemon=True).start()
print("started", flush=True)
t0 = time.monotonic()
try:
    {LONG_CALLS[call]}
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", round(time.monotonic() - t0, 2), len(ticks) > 10, flush=True)
    sys.exit(3)
"""
    env = dict(os.environ, RAYON_NUM_THREADS="2", PYTHONPATH=_PACKAGE_PARENT)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=env)
    try:
        assert p.stdout.readline().strip() == "started"
        time.sleep(1.5)
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=10)
        elapsed = time.monotonic() - t0
    finally:
        if p.poll() is None:  # pragma: no cover
            p.kill()
            p.wait()
    assert p.returncode == 3, (out, err[-3000:])
    assert out.startswith("interrupted") and elapsed < 2.0, (out, elapsed)
    assert out.split()[-1] == "True"  # another Python thread ran meanwhile: the GIL was released


# --------------------------------------------------------------------------------------------
# 16.7 silent nonsense


def test_cluster_summary_collinear_meridian_and_missing_times():
    t = saferstats.cluster_summary([51.0, 51.0, 51.0], [-0.1, -0.15, -0.2], [0, 0, 0])
    assert t["area_m2"].tolist() == [0.0] and t["hull"].iloc[0] == []
    t = saferstats.cluster_summary([10.0, 10.001, 10.0], [179.9995, 180.0, -179.9995], [0, 0, 0])
    assert abs(abs(t["centroid_lon"].iloc[0]) - 180) < 1e-9  # not 60
    assert 0 < t["area_m2"].iloc[0] < 10_000
    times = pd.to_datetime(["2024-01-05", None, "2024-01-02", "2024-02-01"])
    with pytest.warns(SaferstatsWarning, match="1 clustered point"):
        t = saferstats.cluster_summary([51.5, 51.501, 51.5, 51.6], [-0.12, -0.12, -0.119, -0.2], [0, 0, 0, -1],
                                       times=times)
    assert t["first_time"].iloc[0] == pd.Timestamp("2024-01-02") and t["last_time"].iloc[0] == pd.Timestamp("2024-01-05")
    assert t["missing_times"].tolist() == [1] and t.attrs["missing_times"] == 1


def test_to_bng_refuses_points_outside_the_grid():
    with pytest.raises(InvalidInputError, match="swapped") as e:
        saferstats.to_bng([-0.12], [51.5])
    assert e.value.argument == "lat" and e.value.index == 0
    with pytest.warns(SaferstatsWarning, match="1 point"):
        east, north = saferstats.to_bng([51.5, -0.12], [-0.12, 51.5], outside="nan")
    assert np.isfinite(east[0]) and np.isnan(east[1]) and np.isnan(north[1])


def test_to_local_metres_and_grid_counts_validate():
    with pytest.raises(MissingValueError, match="row 1"):
        saferstats.to_local_metres([51.0, np.nan], [0.0, 0.1])
    with pytest.raises(InvalidInputError, match="outside"):
        saferstats.to_local_metres([51.0, 95.0], [0.0, 0.1])
    with pytest.raises(InvalidInputError, match="length mismatch"):
        saferstats.to_local_metres([51.0, 51.1], [0.0])
    x, y = saferstats.to_local_metres([51.0, np.nan], [0.0, 0.1], missing="propagate")
    assert np.isnan(x[1])
    x, _ = saferstats.to_local_metres([0.0, 0.0], [179.999, -179.999])  # across the meridian: ~222 m apart
    assert abs(x[1] - x[0]) == pytest.approx(222.4, abs=0.5)
    with pytest.warns(SaferstatsWarning, match="1 of 3 point"):
        c, _, _ = saferstats.grid_counts([1, 2, 50], [1, 1, 1], cell_size=10, bounds=(0, 20, 0, 10))
    assert c.sum() == 2
    with pytest.raises(InvalidInputError, match="outside"):
        saferstats.grid_counts([1, 2, 50], [1, 1, 1], cell_size=10, bounds=(0, 20, 0, 10), outside="error")
    for bad in (0, -1, np.nan, np.inf, "10"):
        with pytest.raises(InvalidInputError) as e:
            saferstats.grid_counts([1, 2], [1, 1], cell_size=bad)
        assert e.value.argument == "cell_size"
    with pytest.raises(InvalidInputError, match="cells") as e:
        saferstats.grid_counts([0, 1e5], [0, 1e5], cell_size=1e-3)
    with pytest.raises(MissingValueError):
        saferstats.grid_counts([1, np.nan], [1, 1], cell_size=1)
    with pytest.raises(InvalidInputError, match="length mismatch"):
        saferstats.grid_counts([1, 2], [1], cell_size=1)


def test_masked_and_complex_inputs():
    lat = np.ma.masked_array([51.5, 51.5003, 99.0], mask=[False, False, True])
    with pytest.raises(MissingValueError, match="row 2"):
        saferstats.dbscan(lat, [-0.12, -0.1201, 0.0], eps_m=60, min_samples=2)
    assert saferstats.dbscan(lat, [-0.12, -0.1201, 0.0], eps_m=60, min_samples=2, missing="drop").tolist() == [0, 0, -2]
    with pytest.raises(InvalidInputError, match="complex"):
        saferstats.kde_grid(np.array([1 + 2j, 3]), [0, 1], cell_size=1, bandwidth=5)


def test_inverse_distance_weights_refuse_duplicates():
    with pytest.raises(InvalidInputError, match="points 0 and 2 are at the same location"):
        Weights.distance_band([0, 5, 0], [0, 0, 0], threshold=10, binary=False)
    w = Weights.distance_band([0, 5, 0], [0, 0, 0], threshold=10, binary=True)
    assert w.cardinalities.tolist() == [2, 2, 2]


# --------------------------------------------------------------------------------------------
# 16.8 bad input: a SaferstatsError naming the argument, never a raw TypeError/OverflowError/...

JUNK = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True),
                 st.text(max_size=3), st.complex_numbers(max_magnitude=5), st.lists(st.integers(-3, 3), max_size=3))
OK_LAT, OK_LON = [51.5, 51.5003, 51.5001, 51.52], [-0.12, -0.1201, -0.1196, -0.13]
X, Y = [0.0, 10.0, 20.0, 35.0], [0.0, 5.0, 0.0, 12.0]

CALLS = {
    "dbscan.eps_m": lambda v: saferstats.dbscan(OK_LAT, OK_LON, eps_m=v),
    "dbscan.min_samples": lambda v: saferstats.dbscan(OK_LAT, OK_LON, eps_m=50, min_samples=v),
    "dbscan.lat": lambda v: saferstats.dbscan(v, OK_LON, eps_m=50),
    "hdbscan.min_cluster_size": lambda v: saferstats.hdbscan(OK_LAT, OK_LON, min_cluster_size=v),
    "hdbscan.min_samples": lambda v: saferstats.hdbscan(OK_LAT, OK_LON, min_cluster_size=2, min_samples=v),
    "kde_grid.cell_size": lambda v: saferstats.kde_grid(X, Y, cell_size=v, bandwidth=10),
    "kde_grid.bandwidth": lambda v: saferstats.kde_grid(X, Y, cell_size=5, bandwidth=v, bounds=(0, 40, 0, 20)),
    "kde_grid.kernel": lambda v: saferstats.kde_grid(X, Y, cell_size=5, bandwidth=10, kernel=v),
    "kde_grid.bounds": lambda v: saferstats.kde_grid(X, Y, cell_size=5, bandwidth=10, bounds=v),
    "grid_counts.cell_size": lambda v: saferstats.grid_counts(X, Y, cell_size=v),
    "Weights.lattice.nrows": lambda v: Weights.lattice(v, 3),
    "Weights.lattice.contiguity": lambda v: Weights.lattice(3, 3, contiguity=v),
    "Weights.from_adjacency.n": lambda v: Weights.from_adjacency([0, 1], [1, 0], n=v),
    "Weights.from_adjacency.focal": lambda v: Weights.from_adjacency(v, [1, 0], n=3),
    "Weights.distance_band.threshold": lambda v: Weights.distance_band(X, Y, threshold=v),
    "Weights.distance_band.binary": lambda v: Weights.distance_band(X, Y, threshold=20, binary=v),
    "gi_star.permutations": lambda v: saferstats.gi_star([1, 2, 3, 4], Weights.lattice(2, 2), permutations=v),
    "gi_star.seed": lambda v: saferstats.gi_star([1, 2, 3, 4], Weights.lattice(2, 2), permutations=3, seed=v),
    "gi_star.transform": lambda v: saferstats.gi_star([1, 2, 3, 4], Weights.lattice(2, 2), transform=v),
    "gi_star.weights": lambda v: saferstats.gi_star([1, 2, 3, 4], v),
    "local_moran.alpha": lambda v: saferstats.local_moran([1, 2, 3, 4], Weights.lattice(2, 2), alpha=v),
    "knox.permutations": lambda v: saferstats.knox(X, Y, [0, 1, 2, 3], distance_bands=[0, 15, np.inf],
                                                   time_bands=[0, 2, np.inf], permutations=v),
    "knox.distance_bands": lambda v: saferstats.knox(X, Y, [0, 1, 2, 3], distance_bands=v, time_bands=[0, 2, np.inf]),
    "knox.metric": lambda v: saferstats.knox(X, Y, [0, 1, 2, 3], distance_bands=[0, 15], time_bands=[0, 2], metric=v),
    "cluster_summary.labels": lambda v: saferstats.cluster_summary(OK_LAT, OK_LON, v),
    "cluster_summary.hull": lambda v: saferstats.cluster_summary(OK_LAT, OK_LON, [0, 0, 0, 0], hull=v),
    "cluster_summary.concavity": lambda v: saferstats.cluster_summary(OK_LAT, OK_LON, [0, 0, 0, 0], hull="concave",
                                                                      concavity=v),
    "clark_evans.area": lambda v: saferstats.clark_evans(X, Y, area=v),
    "clark_evans.perimeter": lambda v: saferstats.clark_evans(X, Y, area=1e4, perimeter=v),
    "nnh_threshold.n": lambda v: saferstats.nnh_threshold(v, area=1e4),
    "nnh.threshold": lambda v: saferstats.nnh(X, Y, threshold=v, min_points=2),
    "nnh.max_order": lambda v: saferstats.nnh(X, Y, threshold=20, min_points=2, max_order=v),
    "to_bng.lat": lambda v: saferstats.to_bng(v, [-0.1]),
    "to_local_metres.origin": lambda v: saferstats.to_local_metres(OK_LAT, OK_LON, origin=v),
}


def _saferstats_error(call, v):
    """The SaferstatsError ``call(v)`` raises (warnings silenced), or None when it accepts ``v``;
    any other exception propagates (a failure)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call(v)
        except SaferstatsError as e:
            return e
    return None


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(v=JUNK)
def test_bad_input_is_a_saferstats_error_naming_the_argument(name, v):
    argument = name.rsplit(".", 1)[1]
    e = _saferstats_error(CALLS[name], v)
    if e is not None:
        assert e.argument is not None, (name, v, e)
        expected = {"lat": {"lat", "lon"}, "labels": {"labels", "lat"}, "focal": {"focal", "neighbor", "n"},
                    "n": {"n", "focal"}, "distance_bands": {"distance_bands", "time_bands"},
                    # default bounds extend the points by one bandwidth; no threshold needs an area
                    "bandwidth": {"bandwidth", "cell_size"}, "threshold": {"threshold", "area"}}.get(argument, {argument})
        assert e.argument in expected, (name, v, e.argument, str(e))


# --------------------------------------------------------------------------------------------
# 18.14 GeoJSON and Excel


def _clusters(times=True):
    fx = load_fixture("hotspot_reference.json")["dbscan"]["rows"][1]
    labels = saferstats.dbscan(fx["lat"], fx["lon"], eps_m=60, min_samples=4)
    t = pd.Series(pd.date_range("2024-01-01", periods=len(labels), freq="6h", tz="Europe/London")) if times else None
    return saferstats.cluster_summary(fx["lat"], fx["lon"], labels, times=t), labels


def test_geojson_follows_filters_iso_dates_one_geometry_type(tmp_path):
    t, _ = _clusters()
    g = json.loads(t.to_geojson())
    assert len(g["features"]) == len(t) and {f["geometry"]["type"] for f in g["features"]} == {"Polygon"}
    first = g["features"][0]["properties"]["first_time"]
    assert first == t["first_time"].iloc[0].isoformat() and first.startswith("2024-")
    big = t[t["n"] >= t["n"].median()]
    gb = json.loads(big.to_geojson(tmp_path / "big.geojson"))
    assert len(gb["features"]) == len(big) < len(t)
    assert [f["properties"]["label"] for f in gb["features"]] == big["label"].tolist()
    assert json.loads((tmp_path / "big.geojson").read_text()) == gb
    # a cluster without an outline (two locations 70 m apart): a marker polygon reaching its
    # points, flagged, area still 0; points: every centroid
    lat = [51.5, 51.501, 51.5, 51.501, 51.7, 51.7, 51.7]
    lon = [-0.12, -0.12, -0.119, -0.119, -0.2, -0.2, -0.199]
    t2 = saferstats.cluster_summary(lat, lon, [0, 0, 0, 0, 1, 1, 1])
    assert t2["radius_m"].iloc[1] == pytest.approx(2 / 3 * 69.2, rel=0.01)
    feats = json.loads(t2.to_geojson())["features"]
    assert [f["properties"]["outline"] for f in feats] == ["hull", "marker"]
    assert {f["geometry"]["type"] for f in feats} == {"Polygon"} and feats[1]["properties"]["area_m2"] == 0
    ring = np.array(feats[1]["geometry"]["coordinates"][0])
    assert len(ring) == 25 and (ring[:, 0].max() - ring[:, 0].min()) * 69_400 > 2 * 46  # covers both locations
    pts = json.loads(t2.to_geojson(geometry="point"))
    assert {f["geometry"]["type"] for f in pts["features"]} == {"Point"} and len(pts["features"]) == 2
    assert {f["geometry"]["type"] for f in json.loads(t2.to_geojson(geometry="mixed"))["features"]} == {"Point", "Polygon"}


def test_to_excel_for_clusters_and_every_result(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    t, labels = _clusters()
    path = tmp_path / "clusters.xlsx"
    t.to_excel(path)
    back = pd.read_excel(path)
    assert len(back) == len(t) and back["hull"].iloc[0].startswith("POLYGON ((")
    assert pd.api.types.is_datetime64_any_dtype(back["first_time"])
    x, y = [0.0, 30, 10, 50, 80], [0.0, 0, 10, 40, 20]
    w = Weights.lattice(5, 5)
    v = np.arange(25.0) % 7
    results = {
        "kde": saferstats.kde_grid(x, y, cell_size=10, bandwidth=30),
        "gi": saferstats.gi_star(v, w, permutations=9, seed=1),
        "lisa": saferstats.local_moran(v, w, permutations=9, seed=1),
        "nnh": saferstats.nnh(x, y, threshold=40, min_points=2),
        "knox": saferstats.knox(x, y, [0, 1, 5, 9, 30], distance_bands=[0, 40, np.inf], time_bands=[0, 7, np.inf],
                                permutations=9, seed=1),
    }
    for name, r in results.items():
        p = tmp_path / f"{name}.xlsx"
        r.to_excel(p)
        wb = openpyxl.load_workbook(p)
        assert wb.sheetnames and wb[wb.sheetnames[0]].max_row > 1, name


# --------------------------------------------------------------------------------------------
# 18.15 notebook display: the headline, not a long table of zeros


def test_reprs_show_the_headline():
    kde = saferstats.kde_grid([0.0, 30, 10], [0.0, 0, 10], cell_size=2, bandwidth=50)
    peak_j, peak_i = np.unravel_index(np.argmax(kde.density), kde.density.shape)
    for text in (repr(kde), kde._repr_html_()):
        assert "peak" in text and "bandwidth" in text and f"{kde.density.max():.6g}" in text
    assert "<table>" in kde._repr_html_() and kde._repr_html_().count("<tr>") < 10  # no per-cell table
    rng = np.random.default_rng(0)
    v = rng.poisson(3, 400).astype(float)
    v[:12] += 25
    g = saferstats.gi_star(v, Weights.lattice(20, 20), permutations=0, fdr=True)
    hot = int(pd.Series(g.label).str.startswith("Hot").sum())
    assert (f"{hot} hot spot" + ("" if hot == 1 else "s")) in repr(g) and "FDR" in repr(g) and "strongest: cell" in repr(g)  # a lattice: cells (w27d)
    html = g._repr_html_()
    assert "Hot spot" in html and html.count("<tr>") < 25
    m = saferstats.local_moran(v, Weights.lattice(20, 20), permutations=99, seed=1)
    assert "High-High" in repr(m) and "alpha" not in repr(m) and "< 0.05" in repr(m)
    r = saferstats.nnh(np.r_[np.arange(12.0), 500 + np.arange(12.0)], np.zeros(24), threshold=5, min_points=10)
    assert "largest: cluster 0, 12 points" in repr(r) and "NnhResult" in r._repr_html_()
    k = saferstats.knox([0, 0, 50, 400, 410, 0], [0, 100, 50, 400, 400, 20], [0, 3, 1, 2, 30, 40],
                        distance_bands=[0, 200, np.inf], time_bands=[0, 8, np.inf], permutations=99, seed=1)
    assert repr(k).startswith("Knox test: 6 events, 99 permutations") and "highest ratio" in k._repr_html_()


ARRAY_JUNK = [None, "abc", [[1, 2], [3, 4]], {"a": 1}, [], [1], [np.nan], [np.inf], ["x", 1], np.array(["2020-01-01"]),
              pd.Series([1, None], dtype="Int64"), pd.DataFrame({"a": [1]}), 5, [True, False],
              np.ma.masked_array([1.0], mask=[True]), [1 + 1j], object(), pd.Categorical(["a"]),
              pd.to_datetime(["2020-01-01", None]), [1e308]]
L3, O3, X3, Y3 = [51.5, 51.5003, 51.5001], [-0.12, -0.1201, -0.1196], [0.0, 10.0, 20.0], [0.0, 5.0, 0.0]
ARRAY_CALLS = {
    "lat": lambda v: saferstats.dbscan(v, O3, eps_m=50), "lon": lambda v: saferstats.hdbscan(L3, v, min_cluster_size=2),
    "x": lambda v: saferstats.kde_grid(v, Y3, cell_size=5, bandwidth=10),
    "weights": lambda v: saferstats.kde_grid(X3, Y3, cell_size=5, bandwidth=10, weights=v),
    "y": lambda v: saferstats.grid_counts(X3, v, cell_size=5),
    "neighbor": lambda v: Weights.from_adjacency([0], v, n=3), "weight": lambda v: Weights.from_adjacency([0], [1], v, n=3),
    "values": lambda v: saferstats.gi_star(v, Weights.lattice(1, 3)),
    "t": lambda v: saferstats.knox(X3, Y3, v, distance_bands=[0, 10], time_bands=[0, 5]),
    "time_bands": lambda v: saferstats.knox(X3, Y3, [0, 1, 2], distance_bands=[0, 10], time_bands=v),
    "labels": lambda v: saferstats.cluster_summary(L3, O3, v),
    "times": lambda v: saferstats.cluster_summary(L3, O3, [0, 0, 0], times=v),
}


@pytest.mark.parametrize("name", sorted(ARRAY_CALLS))
def test_bad_array_input_is_a_saferstats_error(name):
    for v in ARRAY_JUNK:
        e = _saferstats_error(ARRAY_CALLS[name], v)
        assert e is None or e.argument is not None, (name, v, e)


def test_hdbscan_with_no_points_has_no_clusters_as_dbscan():
    """hdbscan([], []) said "min_cluster_size ... must be at most the number of points (0), got 15"
    where dbscan returns no labels: a district with no reports this month is not an error."""
    for f in (lambda la, lo, **k: saferstats.hdbscan(la, lo, **k), lambda la, lo, **k: saferstats.dbscan(la, lo, eps_m=100, **k)):
        empty = f([], [])
        assert empty.dtype == np.int64 and len(empty) == 0
        assert f([np.nan, np.nan], [0.1, np.nan], missing="drop").tolist() == [-2, -2]
