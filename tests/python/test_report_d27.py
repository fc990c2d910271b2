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


def test_s136_detention_rate_change_is_a_finding():
    """With ``[s136] population`` the report published the detention rates before and after the split
    and their ratio (w28a) in a table only: the summary now states the change, from the table's ratio
    and interval (which ``before_after`` computes; checked against statsmodels in
    ``test_before_after_rates_w27c``), with both rates and counts; hidden detentions give "too few"."""
    import numpy as np

    from saferstats.report.summary import _s136 as findings
    from test_report_w28a import _s136_section

    s = _s136_section()
    f = next(t for t in s.tables if t.name == "s136_detention_rates").frame
    rr, lo, hi = (float(f[c].iloc[1]) for c in ("rate_ratio", "rate_ratio_lower", "rate_ratio_upper"))
    assert np.isclose(rr, (293 / 1_100_000) / (703 / 2_200_000))
    said = [t for t in findings(s, {"confidence": 0.95}) if t.startswith("Section 136 detentions per 100,000")]
    assert said == [f"Section 136 detentions per 100,000 residents a year fell {100 * (1 - rr):.0f}% from 1 January 2024 "
                    f"(95% CI -{100 * (1 - lo):.0f}% to -{100 * (1 - hi):.1f}%), a statistically significant fall "
                    f"({703 / 22:.1f} a year before, {293 / 11:.1f} from then; 703 and 293 detentions)."]
    # three detentions from the split: hidden, so the finding does not say a change
    recs = saferstats.synthetic.s136_pilot_records(seed=136)
    t = pd.to_datetime(recs["detention_time"])
    keep = (t < "2024-01-01") | t.index.isin(t[t >= "2024-01-01"].index[:3])
    hidden = _s136_section(recs[keep].reset_index(drop=True))
    said = [t for t in findings(hidden, {"confidence": 0.95}) if t.startswith("Section 136 detentions per 100,000")]
    assert said == ["Section 136 detentions per 100,000 residents a year: too few detentions to say whether it "
                    "changed from 1 January 2024."]


def test_clustered_records_without_a_date_are_said_on_the_page_not_the_console(capsys):
    """``cluster_summary``'s "N clustered point(s) have no time" printed on the console during a report
    build, in the library's words, and the page said nothing: the page now says it (without a number,
    which with the table's hidden small counts could give them back), and the console does not."""
    import numpy as np

    from saferstats.report.sections import _hotspots

    rng = np.random.default_rng(3)
    n = 40
    data = pd.DataFrame({"lat": 51.5172 + rng.normal(0, 1e-4, n), "lon": -0.0809 + rng.normal(0, 1e-4, n),
                         "month": ["2021-06"] * (n - 6) + [None] * 6})
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "City of London"}
    sec = {"data": data, "lat": "lat", "lon": "lon", "date": "month", "eps_m": 100.0, "min_samples": 10,
           "cell_size": 250.0}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = _hotspots(cfg, sec)
    assert not [w for w in caught if "have no time" in str(w.message)]
    tab = next(t.frame for t in s.tables if t.name == "hotspot_clusters")
    assert int(pd.to_numeric(tab["missing_times"], errors="coerce").fillna(0).sum()) == 6 or \
        tab["missing_times"].astype(str).str.contains(r"\[c\]").any()
    assert "Some of the clustered incidents have no date" in s.intro
