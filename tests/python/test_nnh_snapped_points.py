"""nnh on police.uk points (walk-through 5, h7's note): police.uk publishes every record at one of a
set of anonymised map points, so many records share an exact location and are 0 m apart; a location
holding min_points records is a first-order cluster on its own, whatever the threshold. nnh now
says so, with the number of such locations. Counted with pandas on the csv module's rows."""

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import herts_street_points


def test_nnh_warns_about_locations_that_are_clusters_by_themselves(shared_data):
    _, x, y = herts_street_points(shared_data, "Burglary")
    inside = saferstats.StudyArea("Hertfordshire").contains_xy(x, y)  # nnh keeps the force's points
    kept = pd.DataFrame({"x": x, "y": y})[inside].reset_index(drop=True)
    per_location = kept.groupby(["x", "y"]).size()
    shared = int(per_location[per_location > 1].sum())
    alone = int((per_location >= 10).sum())
    assert shared > 0.1 * len(kept) and alone > 0  # the premise, by hand
    with pytest.warns(saferstats.SaferstatsWarning,
                      match=rf"nnh: {shared:,} of {len(kept):,} points .* {alone:,} locations hold 10 or more"):
        r = saferstats.nnh(x, y, study_area="Hertfordshire", min_points=10)
    # every record at such a location is in a first-order cluster
    labels = r.order(1)
    big = kept.merge(per_location[per_location >= 10].rename("k").reset_index(), on=["x", "y"], how="left")["k"].notna()
    assert (np.asarray(labels)[big.to_numpy()] >= 0).all()


def test_no_warning_for_points_at_distinct_locations():
    import warnings

    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 1000, 200), rng.uniform(0, 1000, 200)
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        saferstats.nnh(x, y, area=1e6)
