"""``dsr(..., ages=)``: counts paired with the standard's weights by their age band, not by position
(session 11, defect 1).

A frame sorted by a TEXT age column puts "10-14" before "5-9"; its columns (``df["count"]``, a
RangeIndex) carry no band labels, so ``dsr`` paired them with the ESP 2013 weights by position and
gave 318.28 instead of 320.17 per 100,000 for Trafford mid-2022, without a word. With ``ages=`` each
count meets its own band's weight; without it, a Series with no age labels still works by position
but warns and names ``ages``.

References, none computed with saferstats: the ESP-weighted rate by hand with numpy here, the
Trafford fixture (tests/fixtures/walk6_trafford_dsr/make_fixture.py: PHEindicatormethods'
calculate_dsr formulas with numpy/scipy) and PHEindicatormethods' own test data
(rates_phe.json, ``testdata_big``).
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats

FIX = json.loads((Path(__file__).parents[1] / "fixtures" / "walk6_trafford_dsr" / "trafford_2022_dsr.json").read_text())
PHE = load_fixture("rates_phe.json")["dsr"]
BANDS = FIX["bands"]
# ESP 2013 typed out from the published standard (Eurostat 2013, table 1), not taken from saferstats
ESP = np.array([5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000,
                4000, 2500, 1500, 1000], dtype=float)


def _text_sorted_frame():
    """The analyst's frame: one row per band, sorted by the band as text ("0-4", "10-14", ..., "5-9")."""
    df = pd.DataFrame({"age_band": BANDS, "count": FIX["counts"], "population": FIX["population"]})
    return df.sort_values("age_band").reset_index(drop=True)


def _by_hand(counts, pops):
    return float((np.asarray(counts) / np.asarray(pops) * ESP).sum() / ESP.sum() * 1e5)


def test_the_text_sorted_frame_is_the_defect():
    df = _text_sorted_frame()
    assert list(df["age_band"][:3]) == ["0-4", "10-14", "15-19"] and df["age_band"][9] == "5-9"
    assert _by_hand(FIX["counts"], FIX["population"]) == pytest.approx(FIX["0.95"]["rate"], rel=1e-12)
    # by position the text order gives another rate (the walk-through's 318.28)
    assert round(_by_hand(df["count"], df["population"]), 2) == 318.28


@pytest.mark.parametrize("conf", ["0.95", "0.998"])
def test_ages_pairs_by_label_and_matches_the_references(conf):
    df = _text_sorted_frame()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ages given: no position warning
        r = saferstats.dsr(df["count"], df["population"], ages=df["age_band"], confidence=float(conf)).iloc[0]
    assert r["rate"] == pytest.approx(_by_hand(FIX["counts"], FIX["population"]), rel=1e-9)
    assert round(r["rate"], 2) == 320.17
    ref = FIX[conf]
    assert (r["rate"], r["lower"], r["upper"]) == pytest.approx((ref["rate"], ref["lower"], ref["upper"]), rel=1e-9)
    assert r["total_count"] == sum(FIX["counts"]) and r["total_population"] == sum(FIX["population"])


def test_ages_as_a_list_other_spellings_and_pd_cut_intervals():
    df = _text_sorted_frame()
    ref = FIX["0.95"]["rate"]
    words = {b: (f"Aged {b.split('-')[0]} to {b.split('-')[1]}" if "-" in b else "Aged 90 and over") for b in BANDS}
    spelt = saferstats.dsr(df["count"].tolist(), df["population"].to_numpy(),
                           ages=[words[b] for b in df["age_band"]]).iloc[0]
    assert spelt["rate"] == pytest.approx(ref, rel=1e-9)
    bins = [0, *range(5, 95, 5), np.inf]
    cut = pd.cut(pd.Series([int(b.split("-")[0].rstrip("+")) for b in df["age_band"]]), bins, right=False)
    assert saferstats.dsr(df["count"], df["population"], ages=cut).iloc[0]["rate"] == pytest.approx(ref, rel=1e-9)


@pytest.mark.parametrize("conf,lk,uk", [(0.95, "l95", "u95"), (0.998, "l998", "u998")])
def test_ages_with_groups_matches_the_phe_test_data(conf, lk, uk):
    """PHEindicatormethods' testdata_big twice, as two areas, each in its own shuffled order."""
    rng = np.random.default_rng(11)
    rows = []
    for area in ("A", "B"):
        for i in rng.permutation(19):
            rows.append((area, BANDS[i], PHE["counts"][i], PHE["populations"][i]))
    df = pd.DataFrame(rows, columns=["area", "band", "count", "population"])
    out = saferstats.dsr(df["count"], df["population"], groups=df["area"], ages=df["band"], confidence=conf)
    assert list(out.index) == ["A", "B"]
    np.testing.assert_allclose(out["rate"], [PHE["value"]] * 2, atol=1e-5)
    np.testing.assert_allclose(out["lower"], [PHE[lk]] * 2, atol=1e-5)
    np.testing.assert_allclose(out["upper"], [PHE[uk]] * 2, atol=1e-5)


def test_ages_with_given_weights_sorts_the_bands_by_age():
    # two bands 0-9 and 10+, weights 1 and 3, rows given oldest first
    r = saferstats.dsr([20, 10], [2000, 1000], standard=[1, 3], ages=["10+", "0-9"]).iloc[0]
    assert r["rate"] == pytest.approx((10 / 1000 * 1 + 20 / 2000 * 3) / 4 * 1e5, rel=1e-12)


def test_a_column_without_labels_warns_and_names_ages():
    df = _text_sorted_frame()
    with pytest.warns(saferstats.SaferstatsWarning, match=r"by position.*ages=") as w:
        r = saferstats.dsr(df["count"], df["population"]).iloc[0]
    assert "`counts`" in str(w[0].message)
    assert r["rate"] == pytest.approx(_by_hand(df["count"], df["population"]), rel=1e-9)  # value as before
    # in age order the same warning, the right value: the pairing is unchanged
    good = pd.DataFrame({"count": FIX["counts"], "population": FIX["population"]})
    with pytest.warns(saferstats.SaferstatsWarning, match="by position"):
        assert saferstats.dsr(good["count"], good["population"]).iloc[0]["rate"] == pytest.approx(FIX["0.95"]["rate"])


def test_no_warning_for_plain_lists_or_age_labelled_series():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        saferstats.dsr(FIX["counts"], np.asarray(FIX["population"]))
        saferstats.dsr(pd.Series(FIX["counts"], index=BANDS), pd.Series(FIX["population"], index=BANDS))


def test_bad_ages_name_the_argument_and_the_row():
    df = _text_sorted_frame()
    bad = df["age_band"].copy()
    bad[3] = "banana"
    with pytest.raises(saferstats.InvalidInputError, match="'banana' is not an age band") as e:
        saferstats.dsr(df["count"], df["population"], ages=bad)
    assert e.value.argument == "ages" and e.value.index == 3
    twice = df["age_band"].copy()
    twice[3] = "5-9"
    with pytest.raises(saferstats.InvalidInputError, match="twice") as e:
        saferstats.dsr(df["count"], df["population"], ages=twice)
    assert e.value.argument == "ages" and "row 3" in str(e.value) and "row 9" in str(e.value)
    other = df["age_band"].replace({"15-19": "16-19"})
    with pytest.raises(saferstats.InvalidInputError, match="ESP 2013 bands") as e:
        saferstats.dsr(df["count"], df["population"], ages=other)
    assert e.value.argument == "ages"
    with pytest.raises(saferstats.LengthMismatchError) as e:
        saferstats.dsr(df["count"], df["population"], ages=BANDS[:-1])
    assert e.value.argument == "ages"
    with pytest.raises(saferstats.InvalidInputError, match="pass the column") as e:
        saferstats.dsr(df["count"], df["population"], ages="age_band")
    assert e.value.argument == "ages"
    with pytest.raises(saferstats.InvalidInputError, match="group 'B'"):
        saferstats.dsr(list(df["count"]) * 2, list(df["population"]) * 2, groups=["A"] * 19 + ["B"] * 19,
                       ages=list(df["age_band"]) + list(twice))


def test_ages_and_an_age_index_that_disagree_are_refused():
    cnt = pd.Series(FIX["counts"], index=BANDS)
    pop = pd.Series(FIX["population"], index=BANDS)
    # the index is in age order, ages= says otherwise: the rows would be reordered against their labels
    with pytest.raises(saferstats.InvalidInputError, match="not in age order"):
        saferstats.dsr(cnt, pop, ages=sorted(BANDS))
    assert saferstats.dsr(cnt, pop, ages=BANDS).iloc[0]["rate"] == pytest.approx(FIX["0.95"]["rate"], rel=1e-9)


def test_rows_with_no_area_are_not_read_for_their_band():
    df = _text_sorted_frame()
    counts = list(df["count"]) + [5.0]
    pops = list(df["population"]) + [100.0]
    ages = list(df["age_band"]) + ["not stated"]  # the row with no area: left out (and warned), not an error
    with pytest.warns(saferstats.SaferstatsWarning, match="no group"):
        out = saferstats.dsr(counts, pops, groups=["Trafford"] * 19 + [None], ages=ages)
    assert out.loc["Trafford", "rate"] == pytest.approx(FIX["0.95"]["rate"], rel=1e-9)


def test_a_missing_count_is_taken_as_zero_and_said():
    """Session 12: dsr takes a missing count as 0, as PHEindicatormethods' calculate_dsr does (its
    documented behaviour, so the rate equals the one with a 0 there), but said nothing: a suppressed
    age band read as NaN lowered the rate silently. Now a warning names the row and attrs count it."""
    import warnings

    import numpy as np
    import pandas as pd

    import saferstats

    counts = pd.Series([3.0, np.nan] + [4.0] * 17, index=[f"band {i}" for i in range(19)])
    pops = [1000.0] * 19
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        got = saferstats.dsr(counts, pops)
    msgs = [str(w.message) for w in rec if issubclass(w.category, saferstats.SaferstatsWarning)]
    assert any("1 missing count taken as 0" in m and "'band 1'" in m for m in msgs)
    assert got.attrs["excluded"]["missing_count_as_zero"] == 1
    want = saferstats.dsr(counts.fillna(0.0), pops)
    pd.testing.assert_frame_equal(got, want, check_like=False)


@pytest.mark.parametrize("j,bad", [(0, "0-14"), (11, "55-69"), (11, "55-57"), (18, "90-94")])
def test_a_band_that_ends_where_no_esp_band_does_is_refused(j, bad):
    """Session 13 (walk 8): bands were read by their first age only, so "55-69" (a typo in PHE's own
    test data) took the 55-59 weight, and "0-14" the 0-4 weight, silently; the docstring promised an
    error. Refused now, by `ages` and by an age-band index alike."""
    labels = list(BANDS)
    labels[j] = bad
    with pytest.raises(saferstats.InvalidInputError, match=rf"'{bad}'.*not one of the ESP 2013 bands"):
        saferstats.dsr([10] * 19, [1000] * 19, ages=labels)
    with pytest.raises(saferstats.InvalidInputError, match=rf"not the ESP 2013 bands .*'{bad}' at position {j}"):
        saferstats.dsr(pd.Series([10] * 19, index=labels), pd.Series([1000] * 19, index=labels))
    # the standard's own bands, in any spelling the reader takes, are accepted: 1,000 per 100,000
    ok = [b.replace("-", " to ") for b in BANDS[:-1]] + ["Aged 90+"]
    assert saferstats.dsr([10] * 19, [1000] * 19, ages=ok)["rate"].iloc[0] == pytest.approx(1000.0)
