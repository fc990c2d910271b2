"""Sphinx configuration for the saferstats documentation (`make docs`).

Why Sphinx + MyST + napoleon (and not mkdocs-material + mkdocstrings): the docstrings are written
in numpydoc style with reStructuredText roles and doctests, as in numpy, pandas, statsmodels,
scikit-learn and geopandas — the libraries our users already read. Sphinx's autodoc + napoleon
render them as they are; MyST lets every page (and the methods notes in docs/methods) stay plain
Markdown that also reads well on GitHub; myst-nb renders the executed notebooks. napoleon rather
than the numpydoc extension: it ships with Sphinx and accepts our prose-heavy "Returns" sections
without numpydoc's stricter validation, so `-W` (warnings are errors) stays meaningful.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_tools"))

import saferstats  # noqa: E402

project = "saferstats"
author = "The saferstats contributors"
copyright = "2025-2026, The saferstats contributors"
release = saferstats.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx.ext.mathjax",
]

exclude_patterns = ["_build", "_tools", "**.ipynb_checkpoints", "README.md"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"

# MyST: $…$ maths, tables, heading anchors for the methods sections (A1, B2, …)
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # the methods notes use ## / ### freely

# The notebooks are executed by docs/_tools/execute_notebooks.py (from notebooks/, as the tests
# run them) before Sphinx runs; Sphinx only renders them.
nb_execution_mode = "off"
nb_merge_streams = True

autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
# Our "Returns" sections are prose ("DataFrame with columns ``a, b, …``"), not numpydoc's
# "name : type" lines: render them as free text under a "Returns" heading.
napoleon_custom_sections = [("Returns", "free text")]

html_theme = "pydata_sphinx_theme"
html_title = f"saferstats {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
html_copy_source = False


# --- API pages, generated from saferstats.__all__ -------------------------------------------
# One page per module of origin, listing each public name under the name analysts call it
# (saferstats.rate_ci, not saferstats.rates.rate_ci). New public functions appear automatically.
API_SECTIONS = [
    ("rates", "Rates and proportions", ["saferstats.rates"]),
    ("trend", "Trends and funnel plots", ["saferstats.trend"]),
    ("disproportionality", "Stop and search", ["saferstats.disproportionality", "saferstats.io"]),
    ("hotspot", "Hotspots", ["saferstats.hotspot"]),
    ("outcomes", "Section 136 and before/after", ["saferstats.outcomes", "saferstats.s136"]),
    ("disclosure", "Disclosure control", ["saferstats.disclosure"]),
    ("geography", "Areas and denominators", ["saferstats.geography"]),
    ("plotting", "Plots", ["saferstats.plotting"]),
    ("exceptions", "Errors and warnings", ["saferstats.exceptions"]),
]
API_MODULES = ["saferstats.datasets", "saferstats.synthetic", "saferstats.geo"]


def _data(name: str, obj: object) -> list[str]:
    """A public constant: its type and a short value (autodata would show the type's docstring)."""
    value = repr(obj)
    if len(value) > 300:
        value = value[:300] + " …"
    return [f".. py:data:: {name}", f"   :type: {type(obj).__name__}", "", "   ::", "",
            *(f"      {line}" for line in value.splitlines()), ""]


def _entry(n: str, obj: object) -> list[str]:
    """The autodoc directive of one public name: a class, a function or a documented value."""
    if inspect.isclass(obj):
        return [f".. autoclass:: {n}", "   :members:", ""]
    if callable(obj):
        return [f".. autofunction:: {n}", ""]
    return _data(n, obj)


def _write_api_pages() -> None:
    out = HERE / "api" / "_generated"
    out.mkdir(parents=True, exist_ok=True)
    placed: set[str] = set()
    names = [n for n in saferstats.__all__ if n != "__version__"]
    sections = []
    for slug, title, prefixes in API_SECTIONS:
        lines = [f"# {title}", "", "```{eval-rst}", ".. currentmodule:: saferstats", ""]
        found = 0
        for n in names:
            obj = getattr(saferstats, n)
            mod = getattr(obj, "__module__", "") or ""
            if inspect.ismodule(obj) or not any(mod == p or mod.startswith(p + ".") for p in prefixes):
                continue
            if n in placed:
                continue
            placed.add(n)
            found += 1
            lines += _entry(n, obj)
        lines += ["```", ""]
        if found:
            (out / f"{slug}.md").write_text("\n".join(lines), encoding="utf-8")
            sections.append(slug)
    for m in API_MODULES:
        mod = importlib.import_module(m)
        slug = m.split(".")[-1]
        title = (mod.__doc__ or m).strip().splitlines()[0].rstrip(".")
        (out / f"{slug}.md").write_text(
            f"# `{m}`\n\n```{{eval-rst}}\n.. automodule:: {m}\n   :members:\n```\n", encoding="utf-8"
        )
        sections.append(slug)
        del title
    rest = [n for n in names if n not in placed and not inspect.ismodule(getattr(saferstats, n))]
    if rest:
        lines = ["# Constants and other names", "", "```{eval-rst}", ".. currentmodule:: saferstats", ""]
        for n in rest:
            lines += _entry(n, getattr(saferstats, n))
        lines += ["```", ""]
        (out / "other.md").write_text("\n".join(lines), encoding="utf-8")
        sections.append("other")
    toc = "\n".join(f"_generated/{s}" for s in sections)
    (out.parent / "index.md").write_text(
        "# API reference\n\n"
        "Generated from the docstrings of every name in `saferstats.__all__`. Every function states\n"
        "its method, the [methods page](../methods/index.md) that documents it, and an example that\n"
        "runs (the examples are doctests in the test command).\n\n"
        f"```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n",
        encoding="utf-8",
    )


_write_api_pages()


# Absolute values written |z| in docstrings are text, not reStructuredText substitutions.
_ABS = __import__("re").compile(r"(?<![`\\|\w])\|([^|`\s][^|`]{0,20})\|(?![`\w|])")


def _escape_abs(app, what, name, obj, options, lines):  # noqa: ANN001
    for i, line in enumerate(lines):
        if "|" in line and not line.lstrip().startswith(("|", "+")):
            lines[i] = _ABS.sub(r"\\|\1\\|", line)


def setup(app):  # noqa: ANN001
    app.connect("autodoc-process-docstring", _escape_abs, priority=400)
