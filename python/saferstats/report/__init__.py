"""The strategic assessment report: the four analyses turned into one self-contained HTML page
(figures embedded), the tables as CSV and the cluster outlines as GeoJSON.

``build_report(config, out_dir)`` runs from a validated configuration (``load_config`` reads a
TOML file; ``demo_config()`` points at the bundled data). Everything is written to a temporary
folder first and moved into place at the end, so a failed run never leaves a report that looks
complete. Every table and figure states its method, confidence level, source and period; counts
in published tables go through :func:`saferstats.suppress`.

The package: :mod:`.config` (schema, validation, demo configuration), :mod:`.sections` (one
builder per analysis), :mod:`.render` (HTML from the Jinja2 templates in ``templates/``, safe CSV,
output folder, :func:`build_report`), :mod:`.tables` (readable tables for the page),
:mod:`.summary` (executive summary, key findings, limitations, glossary), :mod:`.alt` (figure
descriptions) and :mod:`.pdf` (the A4 PDF through headless Chromium).
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
from .pdf import find_browser, html_to_pdf
from .render import (
    DEMO_NAMES,
    OUTPUT_NAMES,
    PDF_NAME,
    TEMPLATE_DIR,
    build_report,
    csv_safe,
    prepare_output,
    render_html,
    write_csv,
)
from .summary import describe_change, describe_ratio, describe_trend, executive_summary
from .tables import display_table
from .sections import _census_for  # noqa: F401 - tested directly

__all__ = ["ConfigError", "OutputError", "load_config", "validate_config", "demo_config", "build_report",
           "check_input_file", "prepare_output", "write_csv", "csv_safe", "SECTION_KEYS", "MAX_INPUT_BYTES",
           "render_html", "OUTPUT_NAMES", "DEMO_NAMES", "PDF_NAME", "TEMPLATE_DIR", "html_to_pdf", "find_browser",
           "executive_summary", "describe_change", "describe_ratio", "describe_trend", "display_table"]
