"""Session 20 (lead): the report's Section 136 section solved its disclosure problem on its own, so
a few detentions with an unknown outcome hid the number of assessed detentions and, with it, every
outcome rate (the headline conversion rate), where hiding the number of detentions protected as
well; ``s136_summary`` had learnt to keep the shares' denominators (w27c). The report now solves as
``s136_summary`` does and says why the detentions are hidden."""

from __future__ import annotations

import html
import warnings

import pandas as pd

import saferstats
from conftest import build_report


def test_s136_rates_keep_their_denominators_and_say_why_detentions_are_hidden(tmp_path):
    r = saferstats.synthetic.s136_pilot_records(seed=1).sample(70, random_state=5).sort_values("detention_time")
    r.to_csv(tmp_path / "s136.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        truth = saferstats.s136_summary(r, disclosure=False)
    out = build_report(tmp_path, 'title = "T"\narea = "Hertfordshire"\n[s136]\nfile = "s136.csv"\n'
                                 'split = "2023-01-01"\n')
    rates = pd.read_csv(out / "s136_rates.csv", dtype=str).set_index("measure")
    want = truth.rates.set_index("measure")
    # the assessed detentions (the denominator of every rate) are published, and the conversion rate with them
    assert set(rates["assessed"]) == {str(int(want.loc["conversion", "assessed"]))}
    assert float(rates.loc["conversion", "percent"]) == round(float(want.loc["conversion", "percent"]), 2)
    # the number of detentions is hidden instead (detentions - assessed = the few unknown outcomes) ...
    assert pd.read_csv(out / "s136_durations.csv", dtype=str)["detentions"].iloc[0] == "[c]"
    # ... and the page says why
    page = html.unescape((out / "index.html").read_text())
    assert ("detentions hidden overall: detentions less the assessed ones would give back the number with an "
            "unknown outcome, which is below 5") in page
