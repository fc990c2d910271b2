"""gi_star's permutation p (``p_sim``) is 1/(permutations + 1) for every unit whose neighbourhood is
empty (walk 7). Stevenage ASB, Oct-Dec 2021 (police.uk Hertfordshire), 250 m cells of the district
(``grid_counts(study_area=...)``, ``StudyArea.grid_mask``, queen weights): 68 of 425 cells have no event
in themselves or any neighbour; their Gi* is 0, the least any permutation can give, every permuted
value ties with it, and the folded p_sim (esda's rule: ties counted as "at least as large", then the
smaller tail taken) is 0.001 with 999 permutations - read as 68 highly significant cold spots.
The chance that the conditional randomisation gives such a cell an equally empty neighbourhood is
C(m, k)/C(n - 1, k) = 0.02 to 0.38 here (scipy's hypergeometric pmf), so 32 of them would not be
significant at 0.05. The count is in src/hotspot/local.rs (``p_sim``); until it counts ties in both
tails (as hotspot_classify does), gi_star warns, naming how many units and the exact chances.
Checked against numpy's neighbourhood sums and scipy.stats.hypergeom; a numpy simulation of the
conditional permutations with a tie-aware count agrees with the exact chance."""

import re
import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points


@pytest.fixture(scope="module")
def stevenage(shared_data):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    q = np.isin(month, ["2021-10", "2021-11", "2021-12"])
    area = saferstats.StudyArea("Stevenage")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        c, cx, cy = saferstats.grid_counts(x[q], y[q], cell_size=250, study_area=area)
    m = area.grid_mask(cx, cy, c)
    return c[m].astype(float), saferstats.Weights.lattice(*c.shape, contiguity="queen", mask=m)


def test_warns_with_the_exact_chances(stevenage):
    stats = pytest.importorskip("scipy.stats")
    y, w = stevenage
    n = len(y)
    k = np.diff(w.offsets)
    nb_sum = y + np.array([y[w.neighbors[w.offsets[i]:w.offsets[i + 1]]].sum() for i in range(n)])
    empty = (nb_sum == 0) & (k > 0)
    zeros_other = int((y == 0).sum()) - 1
    exact = stats.hypergeom.pmf(k[empty], n - 1, zeros_other, k[empty])
    with pytest.warns(SaferstatsWarning, match=r"gi_star: ") as rec:
        gi = saferstats.gi_star(y, w, permutations=999, seed=1)
    msg = next(str(r.message) for r in rec if "gi_star:" in str(r.message))
    assert msg.startswith(f"gi_star: {int(empty.sum())} of {n} units have only the smallest value (0)")
    lo, hi = (float(v) for v in re.search(r"is ([0-9.e-]+) to ([0-9.e-]+);", msg).groups())
    assert lo == pytest.approx(exact.min(), rel=2e-3) and hi == pytest.approx(exact.max(), rel=2e-3)
    # the behaviour flagged: p_sim of those units is 1/(permutations + 1), whatever their neighbourhood size
    np.testing.assert_allclose(gi.p_sim[empty], 1 / 1000)
    assert int((exact >= 0.05).sum()) >= 0.4 * empty.sum()   # 32 of 68
    # labels come from the normal z and call none of them significant
    assert (gi.label[empty] == "Not significant").all()


def test_a_tie_aware_simulation_matches_the_exact_chance(stevenage):
    """The reference itself: conditional permutations in numpy, counting draws whose Gi* is at most
    the observed 0 (an all-empty neighbourhood), for the cells with 8 neighbours."""
    stats = pytest.importorskip("scipy.stats")
    y, w = stevenage
    n = len(y)
    i = next(j for j in range(n) if w.offsets[j + 1] - w.offsets[j] == 8 and y[j] == 0
             and y[w.neighbors[w.offsets[j]:w.offsets[j + 1]]].sum() == 0)
    others = np.delete(y, i)
    rng = np.random.default_rng(3)
    draws = np.array([rng.choice(others, 8, replace=False).sum() for _ in range(20_000)])
    p_ties = (draws <= 0).mean()
    exact = stats.hypergeom.pmf(8, n - 1, int((y == 0).sum()) - 1, 8)
    assert p_ties == pytest.approx(exact, abs=0.006)


def test_no_warning_without_permutations_or_without_empty_neighbourhoods():
    w = saferstats.Weights.lattice(3, 3, contiguity="queen")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.gi_star(np.arange(1, 10, dtype=float), w, permutations=99, seed=1)
        saferstats.gi_star(np.r_[np.zeros(8), 5.0], w, permutations=0)
