"""Session 22 (w31b): the package surface, find_area on a force name, the CLI's example config,
hotspots --date on a CSV of points, the README reader table and warnings around a CLI error."""

from __future__ import annotations

import importlib

import pytest

import saferstats


@pytest.mark.parametrize("module", ["saferstats.geography", "saferstats.rates", "saferstats.trend",
                                    "saferstats.hotspot", "saferstats.monitoring", "saferstats.exceptions"])
def test_public_module_names_are_package_names(module):
    """The API pages list saferstats.__all__: a public name of a module the pages cover (force_id,
    force_name) must be there, and importable as saferstats.<name>."""
    mod = importlib.import_module(module)
    missing = [n for n in mod.__all__ if n not in saferstats.__all__ or not hasattr(saferstats, n)]
    assert missing == []
    assert len(saferstats.__all__) == len(set(saferstats.__all__))


def test_force_helpers_at_package_level():
    assert "force_id" in saferstats.__all__ and "force_name" in saferstats.__all__
    assert saferstats.force_id("Herts Police") == "hertfordshire"
    assert saferstats.force_name("E23000027") == "Hertfordshire"
