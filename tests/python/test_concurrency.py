"""Threads, forks and the GIL (issue 16.6).

* Inputs are copied while the GIL is held, so another Python thread changing them mid-call
  cannot make a row's result disagree with the row it shows.
* A child started with ``fork`` after a parallel call in the parent (Linux's multiprocessing
  default before Python 3.14, joblib, notebooks) gets a working thread pool instead of waiting
  forever on the parent's, which did not survive the fork.

Each check runs in a subprocess with a timeout, so a regression fails instead of hanging CI.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str, timeout: float = 120) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="fork is POSIX-only")
def test_parallel_calls_work_in_a_forked_child():
    out = _run("""
        import multiprocessing as mp
        import numpy as np
        import saferstats

        n = 2_000_000
        counts = np.arange(n, dtype=float) % 50
        pops = np.full(n, 1000.0)
        parent = saferstats.rate_ci(counts, pops)["upper"].to_numpy()   # starts the thread pool
        rng = np.random.default_rng(0)
        lat, lon = 51.7 + rng.random(20_000) * 0.1, -0.3 + rng.random(20_000) * 0.1
        labels = saferstats.dbscan(lat, lon, eps_m=50, min_samples=5)

        def child(q):
            r = saferstats.rate_ci(counts, pops)["upper"].to_numpy()
            g = saferstats.disproportionality(
                __import__("pandas").DataFrame({"group": ["White", "Black"], "searches": [10, 20]}),
                __import__("pandas").DataFrame({"group": ["White", "Black"], "population": [1e4, 1e3]}),
                group="group", count="searches")
            lab = saferstats.dbscan(lat, lon, eps_m=50, min_samples=5)   # interruptible worker path
            q.put((bool(np.array_equal(r, parent)) and bool(np.array_equal(lab, labels)),
                   float(g["ratio"].iloc[-1])))

        ctx = mp.get_context("fork")
        q = ctx.Queue()
        p = ctx.Process(target=child, args=(q,))
        p.start()
        p.join(60)
        if p.is_alive():
            p.kill()
            raise SystemExit("forked child hung")
        same, ratio = q.get(timeout=5)
        print(same, round(ratio, 6))
    """)
    assert out.split() == ["True", "20.0"]


def test_inputs_changed_by_another_thread_do_not_tear_results():
    out = _run("""
        import threading
        import numpy as np
        import saferstats

        n = 4_000_000
        counts = np.full(n, 5.0)
        pops = np.full(n, 1000.0)
        stop = threading.Event()

        def meddle():
            while not stop.is_set():
                counts[::997] = -1000.0
                counts[::997] = 5.0

        t = threading.Thread(target=meddle)
        t.start()
        bad = 0
        try:
            for _ in range(5):
                try:
                    r = saferstats.rate_ci(counts, pops, multiplier=1000)
                except saferstats.InvalidInputError:
                    continue              # a negative count seen in the copy: refused, fine
                # every row's rate belongs to the count the row shows
                bad += int((np.abs(r["rate"].to_numpy() - r["count"].to_numpy()) > 1e-9).sum())
        finally:
            stop.set()
            t.join()
        print(bad)
    """)
    assert out.strip() == "0"
