"""Session 35 (z2): what helper y6's walk through Section 136 outcomes and SPC charts found.

1. ``suppress`` on a ``before_after(..., population=)`` table hid ``pre_detentions`` and
   ``post_detentions`` (each period's detentions less a share's denominator is its unknown
   outcomes or places not known, small in a quarter of the synthetic pilot) and with them every
   detention rate and the rate ratio, with no warning or note saying why: an analyst saw ``[c]``
   where the headline rates were. ``s136_summary`` says why in its ``notes``; ``suppress`` now
   does too (a SaferstatsWarning and ``.attrs["notes"]``).
2. ``plot_spc`` put its legend and classification box beside the axes, outside a plain figure:
   ``fig.savefig`` cut them off; and its y axis read "count" for a Series named "detentions".
"""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import saferstats  # noqa: E402
from saferstats import SaferstatsWarning  # noqa: E402

SPLIT = "2024-01-01"
RATE_COLUMNS = ["pre_rate", "pre_rate_lower", "pre_rate_upper", "post_rate", "post_rate_lower", "post_rate_upper",
                "rate_ratio", "rate_ratio_lower", "rate_ratio_upper", "rate_ratio_p"]


@pytest.fixture(scope="module")
def quarter() -> pd.DataFrame:
    """Every fourth record of the package's synthetic pilot (seed 1): 251 detentions."""
    return saferstats.synthetic.s136_pilot_records(seed=1).iloc[::4]


@pytest.fixture(scope="module")
def hand(quarter: pd.DataFrame) -> dict[str, int]:
    """The records counted with pandas: detentions, unknown outcomes and places not known by period."""
    pre = quarter["detention_time"] < pd.Timestamp(SPLIT)
    unknown = quarter["outcome"] == "Other / not known"
    not_known = quarter["place_of_safety"] == "Not known"
    return {"pre": int(pre.sum()), "post": int((~pre).sum()),
            "pre_unknown": int((pre & unknown).sum()), "post_unknown": int((~pre & unknown).sum()),
            "pre_not_known": int((pre & not_known).sum()), "post_not_known": int((~pre & not_known).sum())}


def _suppressed(table: pd.DataFrame, **kw: object) -> tuple[pd.DataFrame, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.suppress(table, **kw)
    return out, [str(w.message) for w in caught if issubclass(w.category, SaferstatsWarning)]


def test_hidden_period_detentions_are_explained(quarter: pd.DataFrame, hand: dict[str, int]) -> None:
    """Before: the rates went to [c] in silence (no warning named pre_detentions, no .attrs["notes"]).
    Reference: the records counted by hand (fixture ``hand``): 172 detentions before the split, 3 of
    them with an unknown outcome and 4 with no known place of safety; 79 after, none unknown and 2
    places not known. So each period's detentions less a denominator gives back a number below 5,
    except the post period's unknown outcomes (0, published), which the note must not blame."""
    assert (hand["pre"], hand["pre_unknown"], hand["pre_not_known"]) == (172, 3, 4)
    assert (hand["post"], hand["post_unknown"], hand["post_not_known"]) == (79, 0, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        ba = saferstats.before_after(quarter, split=SPLIT, population=1_100_000)
    outcome = ba[ba["kind"] == "outcome"].iloc[0]
    place = ba[ba["kind"] == "place_of_safety"].iloc[0]
    assert (outcome.pre_detentions, outcome.pre_n, place.pre_n) == (
        hand["pre"], hand["pre"] - hand["pre_unknown"], hand["pre"] - hand["pre_not_known"])

    s, said = _suppressed(ba)
    for c in ["pre_detentions", "post_detentions", *RATE_COLUMNS]:
        assert (s[c] == "[c]").all(), c
    notes = s.attrs["notes"]
    assert len(notes) == 1
    note = " ".join(notes[0].split())
    assert [m for m in said if m.startswith("suppress: pre_detentions")] == [f"suppress: {notes[0]}"]
    pre_part, post_part = note.split("post_detentions (", 1)
    # which counts, and why: the small differences the hand count finds, and only those
    assert pre_part.startswith("pre_detentions (the detentions before the split, on every row) hidden")
    assert "pre_detentions less pre_n of the outcome and rate rows (the assessed detentions) would give back the " \
           "number with an unknown outcome, which is below 5" in pre_part
    assert "pre_detentions less pre_n of the place_of_safety rows" in pre_part
    assert "post_detentions less post_n of the place_of_safety rows (the detentions with a known place of safety) " \
           "would give back the number whose place of safety is not known, which is below 5" in post_part
    assert "unknown outcome" not in post_part
    # the rates and ratio go with them, and what to do
    assert "the detention rates and their ratio, worked out from them, are hidden with them" in note
    assert all(c in note for c in RATE_COLUMNS)
    assert "merge periods" in note and "without the small breakdown" in note
    # no hidden number given away (the detentions, or the known ones they would be worked from)
    for hidden in (hand["pre"], hand["post"], hand["pre"] - hand["pre_unknown"], hand["post"] - hand["post_not_known"]):
        assert str(hidden) not in note


def test_no_note_when_the_detentions_are_published(quarter: pd.DataFrame, hand: dict[str, int]) -> None:
    """At threshold 2 every difference (3, 4, 0 and 2 by hand) is published: so are the detentions,
    and there is nothing to explain."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        ba = saferstats.before_after(quarter, split=SPLIT, population=1_100_000)
    s, said = _suppressed(ba, threshold=2)
    assert s["pre_detentions"].tolist() == [hand["pre"]] * len(ba)
    assert s["post_detentions"].tolist() == [hand["post"]] * len(ba)
    assert "notes" not in s.attrs
    assert not [m for m in said if "pre_detentions" in m]


@pytest.fixture(scope="module")
def detentions() -> pd.Series:
    """The pilot's detentions per month (monthly_counts names the Series "detentions")."""
    return saferstats.monthly_counts(saferstats.synthetic.s136_pilot_records(seed=1))


def _spc(*a: object, **k: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return saferstats.spc(*a, **k)


def _inside(fig: object, ax: object) -> list[str]:
    """Artists beside the chart that leave the figure after a plain savefig at dpi 60."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)  # type: ignore[attr-defined]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = fig.bbox  # type: ignore[attr-defined]
    out = []
    for name, artist in (("legend", ax.get_legend()), ("classification", ax.texts[0])):  # type: ignore[attr-defined]
        e = artist.get_window_extent(renderer)
        if not (e.x0 >= box.x0 and e.x1 <= box.x1 and e.y0 >= box.y0 and e.y1 <= box.y1):
            out.append(name)
    return out


def test_plot_spc_legend_inside_a_saved_figure(detentions: pd.Series) -> None:
    """Before: the legend's right edge at 745 pixels of a caller's 640-pixel figure (6.4 inches at
    dpi 100) and at 799 of 700 in the figure plot_spc made, the box beside it at 725 and 780: past
    the figure's right edge, cut off by savefig. Reference: the figure's own bounding box."""
    res = _spc(detentions, chart="c")
    ax = saferstats.plot_spc(res)
    assert _inside(ax.figure, ax) == []
    fig, ax = plt.subplots()  # a caller's plain figure, no layout engine
    saferstats.plot_spc(res, ax=ax)
    assert _inside(fig, ax) == []
    plt.close("all")


def test_plot_spc_y_axis_is_the_series_name(detentions: pd.Series) -> None:
    """Before: "count" on a c chart of a Series named "detentions" (and "value" on its XmR chart).
    Reference: the Series' own name; a u chart keeps its unit beside it; a caller's label wins."""
    assert detentions.name == "detentions"
    assert saferstats.plot_spc(_spc(detentions, chart="c")).get_ylabel() == detentions.name
    assert saferstats.plot_spc(_spc(detentions)).get_ylabel() == detentions.name
    rates = _spc(detentions, chart="u", denominators=[1_100_000] * len(detentions), multiplier=100_000)
    assert saferstats.plot_spc(rates).get_ylabel() == "detentions (rate per 100,000)"
    assert saferstats.plot_spc(_spc(detentions), ylabel="s136").get_ylabel() == "s136"
    # no name: the unit alone, as before
    assert saferstats.plot_spc(_spc(detentions.to_list(), chart="c")).get_ylabel() == "count"
    plt.close("all")
