"""The wheel test's selection (session 33): `tools/wheel_test.sh` runs the whole suite on the newest
CPython and, on the others, everything but the tests that read ../shared/data. That relies on
tests/python/conftest.py marking every such test ``shared_data``; a test reading the published files that
went unmarked would still run (on both interpreters), but a marker put on a test that reads nothing from
../shared would drop it from the older interpreter for no reason."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import conftest


class _Item(SimpleNamespace):
    def add_marker(self, marker: pytest.MarkDecorator) -> None:
        self.markers.append(marker.name)


def test_only_tests_taking_the_shared_data_fixture_are_marked():
    reads = _Item(fixturenames=["tmp_path", "shared_data"], markers=[])
    through = _Item(fixturenames=["herts_flytipping", "shared_data", "request"], markers=[])
    synthetic = _Item(fixturenames=["tmp_path", "request"], markers=[])
    doctest = _Item(markers=[])  # doctest items have no fixturenames attribute here
    conftest.pytest_collection_modifyitems(None, [reads, through, synthetic, doctest])
    assert reads.markers == ["shared_data"]
    assert through.markers == ["shared_data"]
    assert synthetic.markers == [] and doctest.markers == []


@pytest.fixture
def _through_shared(shared_data):
    return shared_data


def test_a_test_reading_shared_data_through_a_fixture_carries_the_marker(request, _through_shared):
    assert request.node.get_closest_marker("shared_data") is not None


def test_a_test_without_shared_data_carries_no_marker(request):
    assert request.node.get_closest_marker("shared_data") is None


def test_the_notebooks_reading_shared_data_are_marked_and_the_others_not():
    """The notebooks are parametrised (not fixture users): the marker goes on those whose code reads
    ../shared/data where it is present (a path built ``... / 'shared' / 'data'``, found here in the code
    cells themselves: 01, 02, 05, 06, 07); 00, 03 and 04 read only data bundled with saferstats (03's and
    04's text names ../shared/data as the source of the bundled copies) and stay on every interpreter."""
    import json

    import test_notebooks

    marked = {p.name[:2]: test_notebooks.reads_shared_data(p) for p in test_notebooks.NOTEBOOKS}
    for p in test_notebooks.NOTEBOOKS:
        code = "".join("".join(c["source"]) for c in json.loads(p.read_text(encoding="utf-8"))["cells"]
                       if c["cell_type"] == "code")
        assert ("'shared' / 'data'" in code) == marked[p.name[:2]], p.name
    assert sorted(k for k, v in marked.items() if v) == ["01", "02", "05", "06", "07"]
