"""Session 20 (w27c): ``s136_summary(by="triage")`` hid the ``detentions`` of both groups with no
word why. The cause is not a dropped column: in the triage group of the pilot records (seed 1) 4
detentions have an unknown outcome, and detentions − assessed would give that small number back,
so the solver hides the group's detentions, and the total over the groups then takes the other
group's with it. That protection is needed (attack below) and is now said: ``S136Summary.notes``,
printed under the table. Where the solver, hiding the smallest cells, hid a denominator instead
(assessed or the known places: every outcome share and conversion rate, or every place share,
went with it) the denominators are now kept and the detentions hidden, as the same protection.

Data: ``synthetic.s136_pilot_records`` (about 1,000 detentions over three years, outcome and
place shares shaped on NHS England's Mental Health Act Statistics; ~3% unknown outcomes and ~2%
places not known, as in real force records), the shape of a force's own detention records.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import saferstats
from saferstats import SaferstatsWarning

from disclosure_attack import is_hidden
from test_disclosure import _s136_attack


def _quiet(recs, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return saferstats.s136_summary(recs, **kw)


def test_triage_detentions_hidden_with_the_reason_said():
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    truth = _quiet(recs, by="triage", disclosure=False)
    # the cause: a small number of unknown outcomes in the triage group
    unknown = (truth.flags.detentions.to_numpy() - truth.outcomes.assessed.to_numpy()[::5]).tolist()
    assert unknown == [17, 4]
    s = _quiet(recs, by="triage")
    assert s.flags["detentions"].isna().all()  # needed: detentions - assessed gives the 4 back
    assert len(s.notes) == 3
    assert s.notes[1].startswith("detentions hidden in triage=True: detentions less the assessed ones would give back "
                                 "the number with an unknown outcome, which is below 5")
    assert "total over the groups" in s.notes[0] and "triage=False" in s.notes[0]
    assert "4" not in "".join(s.notes)  # the note gives no hidden number away
    text = repr(s)
    assert "Note: detentions hidden in triage=True" in text
    assert "Note: detentions hidden in triage=True" in s._repr_html_()
    assert s.published().notes == s.notes
    assert _s136_attack(s, truth, groups="triage") == []


def test_triage_detentions_shown_when_safe():
    recs = saferstats.synthetic.s136_pilot_records(seed=3)
    s = _quiet(recs, by="triage")
    assert s.flags["detentions"].tolist() == [787, 209]
    assert s.notes == []
    assert "Note:" not in repr(s)


def test_place_shares_kept_by_hiding_detentions_instead_of_the_known_places():
    """Seed 2: 4 places not known in the triage group. The solver hid the number with a known
    place in both groups, and with it all eight place-of-safety shares; detentions now go instead."""
    recs = saferstats.synthetic.s136_pilot_records(seed=2)
    truth = _quiet(recs, by="triage", disclosure=False)
    assert (truth.flags.detentions.to_numpy() - truth.place_of_safety.known.to_numpy()[::4]).tolist() == [21, 4]
    s = _quiet(recs, by="triage")
    pos = s.published().place_of_safety
    assert pos["known"].tolist() == [758] * 4 + [200] * 4
    shown = [not is_hidden(v) for v in pos["percent"]]
    assert shown == [True, False, True, False] * 2  # only the small "other" share and its partner (A&E) hidden
    assert s.flags["detentions"].isna().all()
    assert "number whose place is not known" in s.notes[1]
    assert _s136_attack(s, truth, groups="triage") == []


def test_rates_kept_when_unknown_outcomes_are_few():
    """60 detentions, 1-4 of them with an unknown outcome: the assessed count was hidden, and with it
    every outcome share and the conversion, admission and NFA rates (the headline); now the
    detentions are hidden and the rates published."""
    recs = saferstats.synthetic.s136_pilot_records(seed=1).iloc[:60].reset_index(drop=True)
    truth = _quiet(recs, disclosure=False)
    assert 0 < truth.excluded["unknown_outcome"] < 5
    s = _quiet(recs)
    rates = s.rates.set_index("measure")
    assert rates.loc["conversion", "percent"] == pytest.approx(truth.rates.set_index("measure").loc["conversion",
                                                                                                     "percent"])
    assert not np.isnan(rates["percent"].to_numpy(dtype=float)).any()
    assert s.rates["assessed"].notna().all()
    assert s.flags["detentions"].isna().all()
    assert s.notes and s.notes[0].startswith("detentions hidden overall:")
    assert _s136_attack(s, truth, groups=None) == []


MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


def test_mha_refusal_names_the_rows_and_the_rate(shared_data):
    """The refusal said to take 'the Section 136 to 2 and to 3 counts': filtered on the subcategory
    (and the national organisation, 'All prov') the file has six rows of each (two measures, three
    organisation levels), 9,940 for section 2 where the figure is 2,485. It now gives the query of
    the three national rows and, from the table given, the rate: 2,485 + 240 of 15,212 = 17.9%."""
    from conftest import shared_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        t = saferstats.read_mha_annual(shared_path(shared_data, MHA))
    naive = t[(t["subcategory"] == "Section 136 to 2") & (t["org_id"] == "All prov")]["count"].sum()
    assert naive == 4 * 2485
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.s136_summary(t)
    msg = str(e.value)
    assert "in this table 2,485 + 240 of 15,212 MHSDS uses: 17.9% (saferstats.proportion_ci(2725, 15212))" in msg
    query = msg.split('t.query("')[1].split('")')[0]
    rows = t.query(query)
    assert sorted(rows["count"].tolist()) == [240, 2485, 16837]
    assert rows.loc[rows["subcategory"] == "Section 136", "mhsds_count"].tolist() == [15212]


def test_cli_says_why_detentions_are_hidden(tmp_path, capsys):
    """``saferstats s136 FILE --by triage --table flags`` wrote detentions ``[c]`` for both groups
    with no word why; the notes are now on stderr."""
    from saferstats.__main__ import main

    f = tmp_path / "s136.csv"
    saferstats.synthetic.s136_pilot_records(seed=1).to_csv(f, index=False)
    assert main(["s136", str(f), "--by", "triage", "--table", "flags"]) == 0
    out, err = capsys.readouterr()
    assert "saferstats: note: detentions hidden in triage=True: detentions less the assessed ones would give back" in err
    assert "[c]" in out


# ------------------------------------------------------------------ by two columns (area x triage)

def test_two_by_columns_resist_each_columns_totals():
    """``s136_summary(by=["area", "triage"])`` protected against the totals over all the groups only;
    an analyst who also publishes the summary by area (or by triage) publishes each area's total, and
    that less the area's published groups gave back small differences: with the pilot records over
    three areas, 70 hidden or unpublished small numbers (adults taken to a police station, detentions
    between 24 and 36 h, places not known) were recovered. Each column summed out given the others is
    now a published total, as :func:`saferstats.suppress` takes them."""
    rng = np.random.default_rng(16)
    n = int(rng.integers(60, 400))
    recs = saferstats.synthetic.s136_pilot_records(seed=int(rng.integers(1 << 30))).sample(
        n, random_state=16).reset_index(drop=True)
    recs["area"] = rng.choice(["N", "S", "E"], size=n)
    keys = ["area", "triage"]
    truth = _quiet(recs, by=keys, disclosure=False)
    s = _quiet(recs, by=keys)
    exposed = {(u[0], None if u[0] == "excluded" else u[1], u[2]) for u in s.unprotected}
    found = [f for f in _s136_attack(s, truth, groups=keys)
             if (f.cell[0], None if f.cell[0] == "excluded" else f.cell[1], f.cell[2]) not in exposed]
    assert found == [], found[:5]
    # one column: unchanged (the totals over the groups are its only totals)
    one = _quiet(recs, by="area")
    exposed = {(u[0], None if u[0] == "excluded" else u[1], u[2]) for u in one.unprotected}
    found = _s136_attack(one, _quiet(recs, by="area", disclosure=False), groups="area")
    assert [f for f in found if (f.cell[0], None if f.cell[0] == "excluded" else f.cell[1], f.cell[2])
            not in exposed] == []
