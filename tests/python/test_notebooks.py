"""Execute every notebook in notebooks/ top to bottom (their cells carry their own asserts)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def reads_shared_data(path: Path) -> bool:
    """Does the notebook read ../shared/data where it is present (``Path(...) / 'shared' / 'data'``;
    each falls back to the copy bundled with saferstats otherwise)?"""
    return "/ 'shared' / 'data'" in path.read_text(encoding="utf-8")


# Those that read ../shared/data carry the `shared_data` marker, as the tests taking the fixture do
# (tests/python/conftest.py): the wheel test runs them on the newest CPython; `make docs` executes every
# notebook again on the development build (docs/_tools/execute_notebooks.py).
@pytest.mark.parametrize("path", [pytest.param(p, id=p.name, marks=[pytest.mark.shared_data] if reads_shared_data(p) else [])
                                  for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
