"""Knox on Stevenage burglary, June-August 2021 (police.uk months as dates, 99 permutations): the
headline said "2 of 12 cells with p < 0.05" - one of them the [400 m, inf) x same-month cell with
ratio 1.01, no near repeat - with nothing saying the 12 one-sided tests are not adjusted (about
0.6 expected by chance). The pair counts are right: checked here against a numpy enumeration of
all pairs; the headline's count against the table's own p-values."""

import warnings

import numpy as np
import pandas as pd

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points


def test_knox_counts_and_headline(shared_data):
    month, x, y = herts_street_points(shared_data, "Burglary")
    use = np.isin(month, ["2021-06", "2021-07", "2021-08"])
    t = pd.to_datetime(pd.Series(month[use]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        k = saferstats.knox(x[use], y[use], t, distance_bands=[0, 200, 400, np.inf], time_bands=[0, 1, 32, 63, np.inf],
                            study_area="Stevenage", seed=1, permutations=99)
    inside = np.asarray(saferstats.StudyArea("Stevenage").contains_xy(x[use], y[use]), dtype=bool)
    xi, yi = x[use][inside], y[use][inside]
    ti = ((t[inside] - pd.Timestamp(0)) / pd.Timedelta(days=1)).to_numpy()
    i, j = np.triu_indices(len(xi), 1)
    db = np.digitize(np.hypot(xi[i] - xi[j], yi[i] - yi[j]), [200, 400])
    tb = np.digitize(np.abs(ti[i] - ti[j]), [1, 32, 63])
    ref = np.zeros((3, 4))
    np.add.at(ref, (db, tb), 1)
    np.testing.assert_array_equal(k["observed"].to_numpy(), ref.ravel())
    n_sig = int((k["p_value"] < 0.05).sum())
    # [63, inf) holds no pair over three months: its 3 cells are no test (session 26, w40e)
    assert ref[:, 3].sum() == 0
    assert (f"{n_sig} of 12 cells with p < 0.05 (not adjusted for 9 tests: about 0.45 by chance, 3 cells with no pair "
            "of events)") in k.headline()
