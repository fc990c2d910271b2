"""Execute notebooks/*.ipynb (from notebooks/, as the test suite runs them) into
docs/analyses/_notebooks/ for the documentation site, with a short box after each title naming the
functions it uses and the methods page behind them. Run by `make docs` before Sphinx."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "notebooks"
OUT = ROOT / "docs" / "analyses" / "_notebooks"

# notebook number -> (functions used, methods pages)
INTROS = {
    "00": (["rate_ci", "year_on_year"], ["rates"]),
    "01": (["add_rates", "shares", "year_on_year", "poisson_trend", "compare_trends", "mann_kendall", "funnel_limits",
            "funnel_significance", "plot_trend", "plot_funnel"], ["rates", "trends"]),
    "02": (["read_stop_search", "disproportionality", "outcome_test", "census_population",
            "plot_disproportionality"], ["stop_search", "officer_ethnicity", "zero_cells"]),
    "03": (["dbscan", "hdbscan", "kde_grid", "gi_star", "local_moran", "knox", "cluster_summary",
            "clark_evans", "nnh"], ["hotspots"]),
    "04": (["s136_summary", "before_after", "compare_proportions", "its_poisson", "monthly_counts",
            "read_mha_annual", "suppress", "plot_its"], ["s136", "zero_cells"]),
    "05": (["assign_area", "find_area", "census_population", "disproportionality"], ["stop_search"]),
    "06": (["spc", "plot_spc", "funnel_overdispersion", "funnel_significance", "plot_funnel", "peer_compare",
            "e_test", "unusual_periods", "wdd", "monthly_counts"], ["monitoring"]),
    "07": (["hotspot_count", "hotspot_kde", "auto_cell_size", "auto_bandwidth", "hotspot_classify", "hotspot_change",
            "prospective_hotspots", "pai", "concentration", "global_moran"], ["hotspot_intelligence"]),
}


def intro(stem: str) -> str:
    funcs, pages = INTROS.get(stem[:2], ([], ["index"]))
    import saferstats

    funcs = [f for f in funcs if f in saferstats.__all__]
    lines = [":::{admonition} In this notebook", ":class: tip", ""]
    if funcs:
        lines.append("Functions: " + ", ".join(f"{{py:obj}}`saferstats.{f}`" for f in funcs) + ".")
        lines.append("")
    lines.append("Methods and references: " + ", ".join(f"[{p.replace('_', ' ')}](../../methods/{p}.md)" for p in pages)
                 + f". The notebook itself: `notebooks/{stem}.ipynb` in the repository, executed when"
                 " the documentation was built.")
    lines.append(":::")
    return "\n".join(lines)


def execute(path: Path) -> str:
    """Execute one notebook into OUT with its intro box; return a line to print, or raise on a failed cell."""
    t = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(SRC)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    if errors:
        raise RuntimeError(f"{path.name}: a cell failed")
    at = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
    nb.cells.insert(at, nbformat.v4.new_markdown_cell(intro(path.stem)))
    for c in nb.cells:  # stable ids for nbformat validation
        c.pop("id", None)
    nbformat.validator.normalize(nb)
    nbformat.write(nb, OUT / path.name)
    return f"executed {path.name} in {time.perf_counter() - t:.1f} s"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.ipynb"):
        old.unlink()
    paths = sorted(SRC.glob("*.ipynb"))
    # one notebook per process (each runs its own kernel), one process per core, at most 4
    workers = max(1, min(4, len(os.sched_getaffinity(0)), len(paths)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(execute, p) for p in paths]
        try:
            for f in futures:
                print(f.result(), flush=True)
        except RuntimeError as e:
            print(e, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
