"""Walk-through 8 (hate crime): a funnel target per 100,000 given to a funnel per 1,000.

Found: ``funnel_significance(offences, population, kind="rate", multiplier=1000, target=168.6)`` —
the England and Wales rate per 100,000 copied into a per-1,000 funnel — labelled all 42 forces
"Low (0.001)" without a word: the scale check of walk-through 7 looked only for a target per head
(a slip of exactly the multiplier). A target a power of ten away from the points' overall value now
warns and gives it on the right scale; with that target the labels are those of Byar's limits
computed with scipy (tests/fixtures/walk8_hate_trends/).
"""
import warnings

import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import load_fixture

FX = load_fixture("walk8_hate_trends/reference.json")["funnel_per_1000_2018_19"]


def test_a_target_per_100000_on_a_per_1000_funnel_warns():
    with pytest.warns(SaferstatsWarning, match=r"`target` 168\.6 is about 100 times the points' overall value 1\.686 "
                                               r"per 1,000: it looks like a value per 100,000 .*\(1\.686\)"):
        sig = saferstats.funnel_significance(FX["offences"], FX["population"], kind="rate", multiplier=1000,
                                             target=168.6)
    assert set(sig) == {"Low (0.001)"}  # what the slip gives: every force far below the target


def test_the_right_target_gives_the_scipy_labels_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        # (exact limits on over-dispersed points are warned of since walk 21; not what this test is about)
        warnings.filterwarnings("ignore", message=r"(funnel_significance|plot_funnel): \d+ of \d+ points lie outside")
        sig = saferstats.funnel_significance(FX["offences"], FX["population"], kind="rate", multiplier=1000,
                                             target=round(FX["target_per_1000"], 3))
        dflt = saferstats.funnel_significance(FX["offences"], FX["population"], kind="rate", multiplier=1000)
    assert list(sig) == FX["labels"]
    assert list(dflt) == FX["labels"]


def test_a_target_per_1000_on_a_per_100000_funnel_warns():
    with pytest.warns(SaferstatsWarning, match=r"about 1/100 of .* per 100,000: it looks like a value per 1,000"):
        saferstats.funnel_significance(FX["offences"], FX["population"], kind="rate", target=1.69)
