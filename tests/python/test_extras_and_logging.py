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
