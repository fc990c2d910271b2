"""The strategic assessment report: the four analyses turned into one self-contained HTML page
(figures embedded), the tables as CSV and the cluster outlines as GeoJSON.

``build_report(config, out_dir)`` runs from a validated configuration (``load_config`` reads a
TOML file; ``demo_config()`` points at the bundled data). Everything is written to a temporary
folder first and moved into place at the end, so a failed run never leaves a report that looks
complete. Every table and figure states its method, confidence level, source and period; counts
in published tables go through :func:`saferstats.suppress`.

The package: :mod:`.config` (schema, validation, demo configuration), :mod:`.sections` (one
builder per analysis), :mod:`.render` (HTML, safe CSV, output folder, :func:`build_report`).
"""

from __future__ import annotations

from .config import (
    MAX_INPUT_BYTES,
    SECTION_KEYS,
    ConfigError,
    OutputError,
    check_input_file,
    demo_config,
    load_config,
    validate_config,
)
from .render import DEMO_NAMES, OUTPUT_NAMES, build_report, csv_safe, prepare_output, render_html, write_csv
from .sections import _census_for  # noqa: F401 - tested directly

__all__ = ["ConfigError", "OutputError", "load_config", "validate_config", "demo_config", "build_report",
           "check_input_file", "prepare_output", "write_csv", "csv_safe", "SECTION_KEYS", "MAX_INPUT_BYTES",
           "render_html", "OUTPUT_NAMES", "DEMO_NAMES"]
