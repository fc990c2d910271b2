"""The strategic assessment from the files in ../shared/data exactly as published (issue 13):
examples/hertfordshire_published.toml reads the Home Office hate crime table, the police.uk
stop-and-search folder, the Defra fly-tipping table, the Hertfordshire police.uk street files (ASB
only, inside the force area) and the NHS MHA annual statistics with no hand-cleaning. Expected
values are counted independently from the files with the csv module, or are published figures."""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from saferstats.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hertfordshire_published.toml"
SHARED = ROOT.parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not (SHARED / "street_crime").is_dir(), reason="../shared/data is not beside the repository")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("published") / "report"
    assert main(["report", "--config", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    return out, html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_every_section_from_files_as_published(published):
    out, text = published
    for name in ("hate_crime_rates.csv", "stop_search_disproportionality.csv", "flytipping_rates.csv",
                 "hotspot_clusters.csv", "s136_mha_ethnicity.csv"):
        assert (out / name).exists(), name


def test_hate_crime_table_as_published(published):
    out, text = published
    rates = pd.read_csv(out / "hate_crime_rates.csv")
    herts = rates[rates.force == "Hertfordshire"].iloc[0]
    # Home Office: 1,600 offences, population 1,184,400 -> 135 per 100,000 (published, rounded)
    assert herts.offences == 1600 and round(herts.rate) == 135
    assert "City of London 2018/19" in text  # its '#N/A' population: left out and said (as text says the name)


def test_hate_crime_monthly_spc_and_overdispersed_force_funnel(published):
    out, text = published
    spc = pd.read_csv(out / "hate_crime_spc.csv")
    assert spc["months"].tolist() == [72]  # Figure 2, April 2013 to March 2019, read as published
    assert "On an SPC chart of racially or religiously aggravated offences per month" in text
    # 42 forces are over-dispersed (phi well above 1): the funnel says it widened its limits
    assert "limits widened for over-dispersion" in text
    rates = pd.read_csv(out / "hate_crime_rates.csv")
    assert rates["significance"].notna().all()


def test_stop_search_names_period_and_annualised_rates(published):
    out, text = published
    folder = SHARED / "stop_search" / "policeuk_7forces_2019-12_to_2020-02"
    disp = pd.read_csv(out / "stop_search_disproportionality.csv", dtype={"searches": str})
    assert "Derbyshire" in set(disp.force) and not any("-" in f for f in disp.force)  # names, not slugs
    assert "Searches from Dec 2019 to Feb 2020 (3 months)" in text and "annualised" in text
    # annualised by person-time: rate = searches / (population x 91 days / 365.25) x 1,000 (w44b: not x 12/3)
    row = disp[(disp.force == "Derbyshire") & (disp.group == "White")].iloc[0]
    assert float(row.rate) == pytest.approx(float(row.searches) / row.population * 1000 * 365.25 / 91, rel=1e-3)
    n_files = len(list(folder.glob("*.csv")))
    assert n_files == 21


def test_flytipping_herts_table_by_ons_code(published):
    out, text = published
    ft = pd.read_csv(out / "flytipping_rates.csv")
    assert len(ft) == 10 and set(ft.period) == {"2021/22"}
    # the published Defra count for Stevenage 2021/22, matched by its ONS code E07000243
    with open(SHARED / "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv", newline="") as fh:
        stevenage = [r for r in csv.DictReader(fh) if r["ONS Code"] == "E07000243" and r["Year"] == "2021-22"]
    assert ft.set_index("la_name").loc["Stevenage", "incidents"] == float(stevenage[0]["Total Incidents"])
    assert "matched by ONS code" in text
    # a district merged in 2023 uses its own Census 2021 area; one merged in 2019 (before the Census) is left out
    assert "Allerdale (E07000026, now Cumberland)" in text and "East Dorset (E07000049; last year 2018/19)" in text


def test_hotspots_asb_in_study_area(published):
    out, text = published
    asb = 0
    for f in sorted((SHARED / "street_crime").glob("*-hertfordshire-street.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            asb += sum(r["Crime type"] == "Anti-social behaviour" for r in csv.DictReader(fh))
    m = re.search(r"kept Anti-social behaviour: ([\d,]+) records", text)
    assert m and int(m.group(1).replace(",", "")) == asb
    m = re.search(r"([\d,]+) points inside; ([\d,]+) outside it and ([\d,]+) without coordinates", text)
    inside, outside, no_xy = (int(g.replace(",", "")) for g in m.groups())
    assert inside + outside + no_xy == asb and outside > 0


def test_s136_from_nhs_mha_statistics(published):
    out, text = published
    eth = pd.read_csv(out / "s136_mha_ethnicity.csv").set_index("ethnic_group")
    # NHS England MHA 2023-24, Section 136 by ethnicity (published): White 10,483, std rate 23.7
    assert eth.loc["White", "detentions"] == 10483 and eth.loc["White", "standardised_rate"] == 23.7
    conv = pd.read_csv(out / "s136_mha_conversion.csv")
    # conversions are MHSDS counts: divided by the MHSDS part of the S136 total (15,212), not by
    # the total with A&E (ECDS) uses (16,837) -- NHS England MHA 2023-24 main sheet, Datasource "Both"
    assert conv.successes.tolist() == [2485, 240] and (conv.trials == 15212).all()
    assert "16,837 Section 136 uses recorded by providers (15,212 recorded by mental health services and 1,625 in A&E" in text


def test_config_errors_for_published_inputs(tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    text = EXAMPLE.read_text().replace("../../shared", str(SHARED.parent))
    for edit, message in [
        (lambda t: t.replace('crime_type = "Anti-social behaviour"', 'crime_type = "Anti-social behavior!"'),
         "unknown crime type"),
        (lambda t: t.replace('study_area = "Hertfordshire"', 'study_area = "Hertfordshre"'), "study_area = 'Hertfordshre'"),
        (lambda t: re.sub(r'files = \["[^"]*street_crime/"\]', "", t), "[hotspots] needs file"),
    ]:
        cfg.write_text(edit(text))
        assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and len(err.splitlines()) == 1, err
    shutil.rmtree(tmp_path / "o", ignore_errors=True)
