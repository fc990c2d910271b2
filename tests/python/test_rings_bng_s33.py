"""Session 33 (lead; found by w55b's profile of the demo report): ``geography.la_rings_bng`` converted the
bundled local authorities' boundary rings to the British National Grid one ring at a time (1,934
``to_bng`` calls, 0.6 s the first time a map drew district outlines in a process). One call now, the
same vertices: compared here with each ring converted alone, as before."""

from __future__ import annotations

from unittest import mock

import numpy as np

import saferstats.geography as geography
import saferstats.hotspot.bng as bng


def test_the_rings_are_converted_in_one_call_and_are_the_same():
    geography.la_rings_bng.cache_clear()
    try:
        with mock.patch.object(bng, "to_bng", wraps=bng.to_bng) as m:
            got = geography.la_rings_bng()
        assert m.call_count == 1  # one a ring before: 1,934
    finally:
        geography.la_rings_bng.cache_clear()
    la = geography.bundled_la()
    assert [c for c, _, _ in got] == [str(c) for c in la.codes] and len(got) == len(la.rings)
    for (_, _, rings), lat_lon in zip(got[::40], la.rings[::40]):  # every 40th authority, ring by ring
        assert len(rings) == len(lat_lon)
        for r, ll in zip(rings, lat_lon):
            e, n = bng.to_bng(ll[:, 1], ll[:, 0])
            np.testing.assert_array_equal(r, np.column_stack([e, n]))


def test_no_rings_and_a_vertex_outside_the_grid():
    import pytest

    from saferstats.exceptions import SaferstatsError

    assert geography._to_bng_rings([]) == []
    with pytest.warns(Warning), pytest.raises(SaferstatsError, match="outside the British National Grid"):
        geography._to_bng_rings([np.array([[-0.1, 51.5], [-0.1, 40.0], [0.0, 51.5]])])
