"""Session 23 (w33d): a new analyst's walk at Derby CSP (Derbyshire) and a Greater Manchester
borough, on the files in ../shared/data exactly as published (skipped where they are absent)."""
from __future__ import annotations

import warnings

import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import shared_path

SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"
MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


def test_force_keyword_that_selects_nothing_is_said(shared_data):
    """``read_stop_search(folder, force="Derbyshire")`` returned all seven forces' 22,587 searches
    without a word (``force=`` only labels files that name no force): a Derby analyst counting
    "Derbyshire's" searches got 44 times too many. Now a warning says it selected nothing and how to."""
    folder = shared_path(shared_data, SEVEN)
    with pytest.warns(SaferstatsWarning, match=r"force='Derbyshire'.* selects nothing: no file here lacks its "
                                                r"force.*22,587 records.*derbyshire 506.*df\[df\['force'\] == "
                                                r"'derbyshire'\]"):
        recs = saferstats.read_stop_search(folder, force="Derbyshire")
    assert len(recs) == 22_587 and int((recs["force"] == "derbyshire").sum()) == 506
    # the force's own file, named as its file says: nothing to say
    one = folder / "2020-02-derbyshire-stop-and-search.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        assert len(saferstats.read_stop_search(one, force="Derbyshire")) == 119


def test_force_keyword_labels_only_the_files_without_a_force(shared_data):
    """An API export (no force) read with a police.uk bulk file of another force: ``force=`` labels
    the export's 63 searches only, and the warning says the other 119 keep their own."""
    api = shared_path(shared_data, "stop_search/api_format_leicester_2020-02/stop_and_search.csv")
    bulk = shared_path(shared_data, f"{SEVEN}/2020-02-derbyshire-stop-and-search.csv")
    with pytest.warns(SaferstatsWarning, match=r"labels only the 63 records.*119 records keep the force "
                                                r"their file names \(derbyshire 119\)"):
        recs = saferstats.read_stop_search([api, bulk], force="Leicestershire")
    assert recs["force"].value_counts().to_dict() == {"derbyshire": 119, "leicestershire": 63}


def test_mha_breakdowns_that_are_not_their_demographics_labels(shared_data):
    """NHS MHA 2023-24: Derby and Derbyshire ICB's detentions in the most deprived IMD decile (70)
    are labelled 'Female' (line 1139), and no IMD row is labelled '01 Most deprived'; 60 of the 81
    rows of "People detained in hospital on 31st March" (demographic All) say 'Other', 'Male', ...
    instead of 'All'. A filter on the breakdown lost them silently: now warned about and listed."""
    path = shared_path(shared_data, MHA)
    with pytest.warns(SaferstatsWarning, match=r"189 rows carry a breakdown that is no label of their "
                                                r"demographic \(Age 23, All 65, Ethnicity 31, IMD 70.*IMD deciles with fewer rows "
                                                r"than the others. 44: 01 \(none\), 02 \(18\)"):
        t = saferstats.read_mha_annual(path)
    found = t.attrs["breakdown_mislabelled"]
    assert len(found) == 189
    derby = [d for d in found if d["source_line"] == 1139][0]
    assert (derby["demographic"], derby["breakdown"], derby["org_id"], derby["count"]) == ("IMD", "Female", "QJ2", 70.0)
    held = [d for d in found if d["measure"] == "People detained in hospital on 31st March"]
    assert len(held) == 60 and {d["demographic"] for d in held} == {"All"}
    # the legitimate labels are not flagged: gender rows, and Age / Ethnicity 'All' and 'Unknown'
    assert not any(d["demographic"] == "Gender" for d in found)
    assert not any(d["breakdown"] in ("All", "Unknown") for d in found)
    # nothing changed in the table: kept as published
    assert t.loc[t["org_id"].eq("QJ2") & t["demographic"].eq("IMD") & t["breakdown"].eq("Female"), "count"].tolist() == [70.0]


DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


def _derbyshire_2021_22(shared_data):
    """Defra's fly-tipping incidents 2021/22 of the nine Derbyshire districts, beside their Census
    2021 residents (bundled TS021, summed over the five groups)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        ft = saferstats.read_flytipping(shared_path(shared_data, DEFRA))
    la = saferstats.census_population(level="la", census=2021)
    pop = la[la["force"] == "derbyshire"].groupby("la_code", as_index=False)["population"].sum()
    return ft[ft["period"] == "2021/22"].merge(pop, on="la_code")


def test_rate_funnel_given_populations_as_rates_is_warned(shared_data):
    """rate_funnel_significance takes (counts, rates); given (counts, populations) as
    funnel_significance takes them, it read Census 2021 residents as rates per 1,000 and called
    Derby 'High (0.001)' and the eight other districts 'Low' without a word about the arguments."""
    from saferstats import monitoring

    d = _derbyshire_2021_22(shared_data)
    assert dict(zip(d["la_name"], d["incidents"]))["Derby"] == 6375 and int(d["population"].sum()) == 1_055_987
    with pytest.warns(SaferstatsWarning, match=r"rate_funnel_significance: `rates` look like populations \(the "
                                                r"column 'population' is named as a population\).*funnel_significance"
                                                r"\(counts, populations, kind='rate', multiplier=1000\)"):
        monitoring.rate_funnel_significance(d["incidents"], d["population"], multiplier=1000)
    # by value too (a list has no name): every "rate" above the multiplier
    with pytest.warns(SaferstatsWarning, match=r"rate_funnel_limits: `rates` look like populations \(every rate is "
                                                r"above the multiplier \(1,000; e\.g\. 126,200\)"):
        monitoring.rate_funnel_limits(d["incidents"].tolist(), d["population"].tolist(), multiplier=1000)
    # the rates themselves: no such warning, and the labels agree with funnel_significance's
    rates = (d["incidents"] / d["population"] * 1000).rename("incidents_per_1_000_people")
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        sig = monitoring.rate_funnel_significance(d["incidents"], rates, multiplier=1000)
    assert not [w for w in got if "look like populations" in str(w.message)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        want = saferstats.funnel_significance(d["incidents"], d["population"], kind="rate", multiplier=1000,
                                              overdispersion=False)
    assert sig.tolist() == want.astype(str).tolist()


def test_cli_force_is_said_once_in_the_commands_words(shared_data, capsys):
    """The command line says --force's scope itself; read_stop_search's new warning (Python words,
    ``df[df['force'] == ...]``) is not printed a second time."""
    from saferstats.__main__ import main

    api = shared_path(shared_data, "stop_search/api_format_leicester_2020-02/stop_and_search.csv")
    bulk = shared_path(shared_data, f"{SEVEN}/2020-02-derbyshire-stop-and-search.csv")
    assert main(["disproportionality", str(bulk), str(api), "--force", "Leicestershire"]) == 0
    err = capsys.readouterr().err
    assert "--force Leicestershire is for files that name no force" in err
    assert "selects nothing" not in err and "df[df[" not in err
