"""``suppress(within=)``: the bound of 1 on hidden counts (zeros published) judged per part a reader
may be given alone (a force's rows), not only per linked block (docs/methods/disclosure.md E6).

Reference: the attacker in ``disclosure_attack.py`` (scipy's ``linprog``, independent of the core's
``microlp`` programme), given the totals a reader has and, part by part, hidden counts at least 1."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from disclosure_attack import Attack

MARK = "[c]"
KEYS = ["force", "month", "group"]
DECLARED = [["force", "month"], ["force", "group"]]
EVERY = [["month", "group"], ["force", "group"], ["force", "month"]]


def _attack(published: pd.DataFrame, truth: pd.DataFrame, totals: list[list[str]], by_force: bool) -> list:
    a = Attack()
    a.table("s", published[["searches"]], truth[["searches"]], ["searches"])
    for d in totals:
        for rows in truth.groupby(d).groups.values():
            a.total(("s", r, "searches") for r in rows)
    force = truth["force"]
    return a.linear(floor_one=True, part=(lambda c: force.iloc[c[1]]) if by_force else None)


@pytest.fixture(scope="module")
def seven_forces(shared_data) -> pd.DataFrame:
    from search_tables import seven_forces_by_force_month

    return seven_forces_by_force_month(shared_data)


def test_default_table_gives_a_force_reader_its_ones_back(seven_forces):
    """police.uk, seven forces, Dec 2019 - Feb 2020, by force x month x group, suppressed with the
    default totals (each group's month over the seven forces among them): the zeros hidden as
    protection are in other forces' rows, linked to Leicestershire's through the totals over the
    forces. A reader given Leicestershire's rows alone, with the force's published totals (police.uk's
    months, the Home Office's groups), takes its hidden counts as at least 1 and gets counts back."""
    import saferstats

    t = seven_forces
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = saferstats.suppress(t, keys=KEYS, within=[])
    assert default.attrs["within"] == []
    found = _attack(default, t, DECLARED, by_force=True)
    assert found, "the default table was expected to give a one-force reader counts back"
    leics = {(t.at[f.cell[1], "force"], t.at[f.cell[1], "group"], f.true) for f in found}
    assert ("leicestershire", "Other", 1.0) in leics
    # every recovered count is the true one (the reader is right, not misled)
    assert all(f.low == f.true == f.high or round(f.low) == f.true for f in found)


def test_within_force_protects_each_force_alone(seven_forces):
    """The same table with ``within="force"`` (the default for a table by force): each force that needs one gets its own hidden zero, and
    neither a reader of one force (declared totals) nor one with every total over each key, taking
    hidden counts as at least 1 force by force, recovers a count; no small count is left unprotected."""
    import saferstats

    t = seven_forces
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = saferstats.suppress(t, keys=KEYS, within="force")
        default = saferstats.suppress(t, keys=KEYS)
    assert default.equals(out) and default.attrs["within"] == ["force"]  # by force: the default
    assert "judged within each force" in out.attrs["rule"]
    hidden = (out["searches"] == MARK).to_numpy()
    assert (hidden >= ((t["searches"] > 0) & (t["searches"] < 5)).to_numpy()).all()  # every small count hidden
    assert out.attrs.get("unprotected", []) == []
    assert _attack(out, t, DECLARED, by_force=True) == []
    assert _attack(out, t, EVERY, by_force=True) == []
    zeros = t.loc[hidden & (t["searches"] == 0).to_numpy(), "force"]
    assert "leicestershire" in set(zeros)


def test_within_one_part_is_the_default():
    """``within`` naming a column with one value is one part: the same table as without it."""
    import saferstats

    t = pd.DataFrame({"force": ["A"] * 6, "csp": ["x", "x", "x", "y", "y", "y"], "group": ["B", "O", "W"] * 2,
                      "searches": [1, 0, 30, 1, 0, 25]})
    one = saferstats.suppress(t, keys=["csp", "group"])
    assert one.attrs["within"] == []
    assert one.equals(saferstats.suppress(t, keys=["csp", "group"], within="force"))
    assert one.equals(saferstats.suppress(t, keys=["force", "csp", "group"], within=[]))


@pytest.mark.parametrize("bad, words", [("nope", "no column"), (["force", "nope"], "no column")])
def test_within_bad_input(bad, words):
    import saferstats
    from saferstats.exceptions import InvalidInputError

    t = pd.DataFrame({"force": ["A", "B"], "searches": [1, 30]})
    with pytest.raises(InvalidInputError, match=words) as e:
        saferstats.suppress(t, within=bad)
    assert e.value.argument == "within"
