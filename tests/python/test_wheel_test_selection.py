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
