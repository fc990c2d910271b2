"""Issue 15: optional dependencies only where used (matplotlib in `plot`, tqdm in `report`) with a
clear message when missing, `saferstats --version`, and no prints in the library (logging)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import saferstats

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(saferstats.__file__).resolve().parent


def test_core_dependencies_are_numpy_pandas_and_jinja2_only():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = sorted(d.split(">")[0].split("=")[0].split("<")[0].strip() for d in meta["dependencies"])
    assert names == ["jinja2", "numpy", "pandas"]  # jinja2: the report's templates (issue 13)
    extras = meta["optional-dependencies"]
    assert any(d.startswith("matplotlib") for d in extras["plot"])
    assert any(d.startswith("tqdm") for d in extras["report"])
    assert any("Python :: 3.11" in c for c in meta["classifiers"])
    assert any(c.startswith("License ::") for c in meta["classifiers"])


def test_importing_saferstats_does_not_import_matplotlib_or_tqdm():
    code = "import sys, saferstats; print(sorted(m for m in ('matplotlib', 'tqdm') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_plotting_without_matplotlib_names_the_extra():
    code = (
        "import sys; sys.modules['matplotlib'] = None; sys.modules['matplotlib.pyplot'] = None\n"
        "import saferstats\n"
        "try:\n"
        "    saferstats.plot_funnel([1, 2], [10, 20])\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'saferstats[plot]'" in out.stdout


def test_version_flag():
    out = subprocess.run([sys.executable, "-m", "saferstats", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"saferstats {saferstats.__version__}"


def test_no_print_calls_in_the_library():
    """Progress and diagnostics go through logging; only the command line (__main__) prints."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_the_library_logs_through_the_saferstats_logger(caplog, tmp_path):
    import logging

    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("saferstats").handlers)
    pytest.importorskip("matplotlib")
    from saferstats.report import build_report, demo_config

    cfg = demo_config()
    cfg = {k: v for k, v in cfg.items() if k not in ("stop_search", "hotspots", "flytipping", "s136")}
    with caplog.at_level(logging.INFO, logger="saferstats"):
        build_report(cfg, tmp_path / "out", quiet=True)
    assert any(r.name == "saferstats.report" and "section" in r.getMessage() for r in caplog.records)


def test_warnings_point_at_the_callers_line_not_inside_the_package():
    """Each warning used a hand-counted stacklevel; with decorators in between many pointed inside
    the package (``_confidence.py:196 ... return func(*args, **kwargs)`` under a poisson_trend
    warning). Now every one is attributed to the first frame outside saferstats."""
    import warnings

    import numpy as np
    import pandas as pd

    df = pd.DataFrame({"g": ["a"] * 4, "period": [2018, 2019, 2020, 2021], "count": [0, 0, 0, 0],
                       "population": [1e4] * 4})
    calls = {
        "poisson_trend": lambda: saferstats.poisson_trend(df, by="g"),
        "mann_kendall": lambda: saferstats.mann_kendall([1, 2, 3, 4, 5]),
        "renamed keyword": lambda: saferstats.percent_change(count_new=5, population_new=1, count_old=4, population_old=1),
        "suppress": lambda: saferstats.suppress(pd.DataFrame({"area": ["A", "B", "C"], "count": [3, 40, 50],
                                                              "rate": [0.3, 4.0, 5.0]}),
                                                round_to=5, columns="count", derived="rate"),
        "spc gap": lambda: saferstats.spc(pd.Series(np.arange(14.0), index=[f"2021-{m:02d}" for m in range(1, 13)]
                                                    + ["2022-02", "2022-03"])),
    }
    for name, call in calls.items():
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            try:
                call()
            except saferstats.SaferstatsError:
                pass
        assert got, name
        for w in got:
            assert w.filename == __file__, (name, w.filename, str(w.message)[:80])
