"""Session 23 (w34c): ``suppress(keep=)`` publishes the reference group's counts where that leaves no
small count recoverable (a hidden White count blanked every ratio of its CSP), and
``disproportionality --threshold`` uses it for White."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from disclosure_attack import Attack
from search_audit import MARK
from test_cli_w33b import _disp_csv

#: Two areas: area A's only non-zero groups are White (39) and Black (2), under A's known total.
AREAS = pd.DataFrame({"area": ["A"] * 4 + ["B"] * 4, "group": ["White", "Black", "Asian", "Mixed"] * 2,
                      "searches": [39, 2, 0, 0, 120, 30, 15, 40]})


def _attack(published: pd.DataFrame, truth: pd.Series, margins: list[np.ndarray]) -> list:
    """What a reader recovers with the totals ``margins`` (rows of one label sum to a known total).
    Hidden counts are taken as at least 1 in each linked block of hidden cells that hides no zero
    (a reader given only those rows, one force's say, would not know of a zero hidden elsewhere),
    and at least 0 elsewhere (docs/methods/disclosure.md E6, E8; the core's ``floor_one``)."""
    a = Attack()
    a.table("s", published[["searches"]].reset_index(drop=True),
            pd.DataFrame({"searches": truth.to_numpy(dtype=float)}), ["searches"])
    for labels in margins:
        for g in np.unique(labels):
            a.total(("s", r, "searches") for r in np.flatnonzero(labels == g))
    return a.linear(floor_one=True)


def test_keep_publishes_the_reference_count_a_zero_can_replace():
    from saferstats import suppress

    plain = suppress(AREAS, keys=["area", "group"])
    assert plain["searches"].tolist()[:2] == [MARK, MARK]  # A's White (39) hidden to protect its Black (2)
    kept = suppress(AREAS, keys=["area", "group"], keep={"group": "White"})
    assert kept["searches"].tolist() == [39, MARK, MARK, 0, 120, MARK, MARK, 40]  # was: keep unknown
    assert kept.attrs["keep"] == {"applied": True, "published": [{"row": 0, "column": "searches"},
                                                                 {"row": 4, "column": "searches"}]}
    assert kept.attrs["zeros_hidden"] == 1 and plain.attrs["zeros_hidden"] == 0
    assert "1 zero count hidden as protection (a hidden count may be 0)" in kept.attrs["rule"]
    margins = [AREAS["area"].to_numpy(), AREAS["group"].to_numpy()]
    assert _attack(kept, AREAS["searches"], margins) == []
    # the same by the reference rows a disproportionality table labels
    labelled = AREAS.assign(ratio_method=np.where(AREAS["group"] == "White", "reference", "exact"))
    assert suppress(labelled, keys=["area", "group"], keep="reference")["searches"].tolist() == \
        kept["searches"].tolist()


def test_keep_falls_back_to_the_plain_run_where_the_reference_gives_a_small_count_back():
    from saferstats import SaferstatsWarning, suppress

    # A has no other group: with its White published, its Black is A's total less 39
    t = pd.DataFrame({"area": ["A", "A", "B", "B"], "group": ["White", "Black"] * 2, "searches": [39, 2, 50, 30]})
    with pytest.warns(SaferstatsWarning, match=r"publishing the `keep` rows' counts would leave small counts "
                                               r"recoverable .* so it is protected as without `keep`: 2 of their"):
        out = suppress(t, keys=["area", "group"], keep={"group": "White"})
    assert out["searches"].tolist() == [MARK] * 4
    assert out.attrs["keep"] == {"applied": False, "published": []} and out.attrs["unprotected"] == []


@pytest.mark.parametrize("keep, says", [
    ("White", "`keep` must be 'reference', a mapping of columns to values"),
    ({"group": "white"}, "matches no row"),
    ({"ethnicity": "White"}, "the table has no column ['ethnicity']"),
    ([True, False], "one True/False per row (8)"),
    ("reference", "the table has no reference rows"),
])
def test_keep_refuses_what_names_no_rows(keep, says):
    from saferstats import InvalidInputError, suppress

    with pytest.raises(InvalidInputError, match=None) as err:
        suppress(AREAS, keys=["area", "group"], keep=keep)
    assert says in str(err.value) and err.value.argument == "keep"


def test_cli_threshold_publishes_white_counts_it_hid_for_a_lone_small_count(shared_data, tmp_path, capsys):
    """police.uk, seven forces, Dec 2019 - Feb 2020, by CSP: Amber Valley's (39), Erewash's (30) and
    Melton's (15) White searches were hidden as secondary cells (their CSP's only other non-zero
    group a count of 1-4, the CSP's total known), and with them every ratio to White there."""
    from saferstats.geography import area_lookup

    truth, _ = _disp_csv(shared_data, tmp_path, capsys)
    published, said = _disp_csv(shared_data, tmp_path, capsys, "--threshold", "5")
    n = pd.to_numeric(truth["searches"])
    hidden = (published["searches"] == MARK).to_numpy()
    white = published.set_index("csp").loc[lambda d: d["group"] == "White", ["searches", "ratio"]]
    assert white.loc[["Amber Valley", "Derbyshire Dales", "Erewash", "Melton"], "searches"].tolist() == \
        ["39", "25", "30", "15"]  # was: [c], 25, [c], [c]
    assert not (white["searches"] == MARK).any()
    amber = published[published["csp"] == "Amber Valley"].set_index("group")
    assert amber.loc[["Mixed", "Other"], "ratio"].tolist() == ["0.0", "0.0"]  # was: [c] (no reference)
    assert hidden[(n >= 1) & (n < 5)].all() and ((n >= 1) & (n < 5)).sum() == 49
    # 68 without keep, 4 of them White; 67 while a zero hidden in one force's rows was taken to
    # protect every force's: Leicestershire's Blaby Other 0 is now hidden for its own 1s
    assert hidden.sum() == 68
    assert "some [c] are 0 (a zero hidden as protection), so a [c] is not known to be at least 1" in said
    assert ((n == 0) & hidden).any()  # so the reader's counts are >= 0, not >= 1
    force = truth["csp_code"].map(area_lookup().drop_duplicates("csp_code").set_index("csp_code")["force"])
    margins = [truth["csp"].to_numpy(), (force + "/" + truth["group"]).to_numpy()]
    assert _attack(published, n, margins) == []


def test_cli_threshold_by_csp_and_month_publishes_white_where_it_can(shared_data, tmp_path, capsys):
    """By CSP and month the whole set of White counts kept published gave a small White count back
    (the force's White total less its other months, all published): the kept run hides again the
    smallest White count of that total and tries again, instead of dropping `keep` altogether."""
    from saferstats.geography import area_lookup

    truth, _ = _disp_csv(shared_data, tmp_path, capsys, "month")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no fallback warning
        published, said = _disp_csv(shared_data, tmp_path, capsys, "month", "--threshold", "5")
    assert "keep" not in said
    n = pd.to_numeric(truth["searches"])
    hidden = (published["searches"] == MARK).to_numpy()
    white = (truth["group"] == "White").to_numpy()
    assert hidden[(n >= 1) & (n < 5)].all()
    big = truth.loc[hidden & white & (n >= 5), ["csp", "month", "searches"]].values.tolist()
    assert big == [["Brentwood", "2019-12", "10"]]  # 18 without keep (County Durham's 79, 99 and 81 ...);
    # Brentwood's 10 in December 2019, Essex's smallest White count of 5 or more, is hidden again: with
    # all of them published, Maldon's White 3 in February 2020 was Essex's White total less them
    # 291 without keep; 341 while a zero hidden in one force's rows was taken to protect every
    # force's: Merseyside's Knowsley Black 0 in Dec 2019 is now hidden for Merseyside's own small counts
    assert (published["ratio"] != MARK).sum() == 340
    assert truth.loc[hidden & (n == 0), ["csp", "month", "group"]].values.tolist().count(
        ["Knowsley", "2019-12", "Black"]) == 1
    force = truth["csp_code"].map(area_lookup().drop_duplicates("csp_code").set_index("csp_code")["force"])
    margins = [(truth["csp"] + "/" + truth["month"]).to_numpy(), (force + "/" + truth["group"]).to_numpy()]
    assert _attack(published, n, margins) == []
