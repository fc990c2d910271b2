"""The package surface: version, exports, stubs, the demo command and the rates command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import saferstats
from saferstats.__main__ import main


def test_version_and_public_names():
    assert saferstats.__version__ == "0.1.0"
    for name in ["rate_ci", "proportion_ci", "rate_ratio", "dsr", "SaferstatsError", "InvalidInputError"]:
        assert name in saferstats.__all__ and hasattr(saferstats, name)
    pkg = Path(saferstats.__file__).parent
    assert (pkg / "py.typed").exists() and (pkg / "_saferstats.pyi").exists()


def test_stubs_match_compiled_module():
    pytest.importorskip("mypy")
    res = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "saferstats._saferstats", "--ignore-missing-stub"],
        capture_output=True, text=True,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_demo_prints_table_and_writes_csv(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "Hertfordshire" in printed and "per 100,000" in printed
    rates = pd.read_csv(tmp_path / "hate_crime_rates_by_force.csv")
    assert len(rates) == 86  # 43 forces x 2 years, none dropped
    herts = rates[(rates.force == "Hertfordshire") & (rates.year == "2018-19")].iloc[0]
    assert herts["count"] == 1600
    # the Home Office published a rounded rate of 135 per 100,000 for Hertfordshire 2018-19
    published = saferstats.datasets.hate_crime_by_force()
    pub = published[(published.force == "Hertfordshire") & (published.year == "2018-19")]["published_rate"].iloc[0]
    assert round(herts["rate"]) == pub
    assert herts["lower"] < herts["rate"] < herts["upper"]
    change = pd.read_csv(tmp_path / "hate_crime_change_by_force.csv", index_col="force")
    assert change.loc["Hertfordshire", "percent_change"] == pytest.approx(100 * (1600 / 1468 - 1))


def test_published_rates_are_reproduced_for_every_force():
    df = saferstats.datasets.hate_crime_by_force().dropna(subset=["population"])
    out = saferstats.rate_ci(df["offences"], df["population"])
    diff = (out["rate"].round() - df["published_rate"]).abs()
    assert (diff <= 1).all(), df[diff > 1]


def test_rates_command_on_a_csv(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"area": ["A", "B"], "n": [5, 50], "pop": [1000, 2000]}).to_csv(src, index=False)
    dest = tmp_path / "out.csv"
    assert main(["rates", str(src), "--count", "n", "--population", "pop", "--multiplier", "1000", "--out", str(dest)]) == 0
    out = pd.read_csv(dest)
    assert list(out["area"]) == ["A", "B"] and out.loc[0, "method"] == "exact"


def test_rates_command_bad_column_exits_2(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"n": [1]}).to_csv(src, index=False)
    assert main(["rates", str(src), "--count", "x", "--population", "n"]) == 2
    err = capsys.readouterr().err
    assert "no column 'x'" in err and "--count" in err


def test_python_dash_m_runs():
    res = subprocess.run([sys.executable, "-m", "saferstats", "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "demo" in res.stdout


# ------------------------------------------------- one line, exit 2, never a traceback (16.8)

@pytest.mark.parametrize("argv, message", [
    (["rates", "{d}/in.csv", "--count", "n", "--population", "pop", "--out", "{d}"], "is a folder"),
    (["rates", "{d}/in.csv", "--count", "n", "--population", "pop", "--out", "{d}/missing/x.csv"], "does not exist"),
    (["rates", "/dev/zero", "--count", "n", "--population", "pop"], "is not a regular file"),
    (["rates", "{d}/empty.csv", "--count", "n", "--population", "pop"], "cannot read CSV"),
    (["rates", "{d}/nothere.csv", "--count", "n", "--population", "pop"], "no such file"),
    (["rates", "{d}/in.csv", "--count", "n", "--population", "area"], "population"),
    (["s136", "{d}/in.csv", "--threshold", "1"], "--threshold must be"),
    (["s136", "{d}/in.csv"], "no column"),
    (["demo", "--out", "{d}/in.csv"], "is a file, not a folder"),
    (["hotspots", "{d}/in.csv", "--geojson", "{d}"], "is a folder"),
])
def test_cli_errors_are_one_line_exit_2(tmp_path, capsys, argv, message):
    pd.DataFrame({"area": ["A", "B"], "n": [5, 50], "pop": [1000, 2000]}).to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "empty.csv").write_text("")
    rc = main([a.format(d=tmp_path) for a in argv])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and message in err and len(err.splitlines()) == 1, err
    assert "Traceback" not in err


def test_cli_csv_output_neutralises_formulas(tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"area": ["=cmd|' /C calc'!A0", "@x", "Luton"], "n": [5, 50, 7], "pop": [1000, 2000, 3000]}).to_csv(
        src, index=False)
    dest = tmp_path / "out.csv"
    assert main(["rates", str(src), "--count", "n", "--population", "pop", "--out", str(dest)]) == 0
    out = pd.read_csv(dest)
    assert list(out["area"]) == ["'=cmd|' /C calc'!A0", "'@x", "Luton"]
    assert not list(tmp_path.glob(".out.csv.*"))  # written through a temporary file, renamed


def test_cli_s136_writes_the_published_rates(tmp_path, capsys):
    src = tmp_path / "s.csv"
    saferstats.synthetic.s136_pilot_records(seed=2).to_csv(src, index=False)
    assert main(["s136", str(src), "--out", str(tmp_path / "r.csv")]) == 0
    r = pd.read_csv(tmp_path / "r.csv")
    assert list(r["measure"]) == ["conversion", "admission", "nfa"]


def test_report_warnings_on_the_command_line_are_plain_lines(tmp_path, capsys):
    """A report's SaferstatsWarning printed as "<frozen runpy>:88: SaferstatsWarning: ..." under
    ``python -m saferstats`` (the first frame outside the package is runpy's): it is one line now,
    "saferstats: warning: ...", like the errors."""
    import warnings

    from saferstats.__main__ import main

    def fake_build(cfg, out, **kw):
        warnings.warn("a caution for the reader", saferstats.SaferstatsWarning)
        page = tmp_path / "index.html"
        page.write_text("<html></html>")
        return page

    import saferstats.report as rep

    orig = rep.build_report
    rep.build_report = fake_build
    try:
        assert main(["report", "--demo", "--quiet", "--out", str(tmp_path / "r")]) == 0
    finally:
        rep.build_report = orig
    err = capsys.readouterr().err
    assert "saferstats: warning: a caution for the reader" in err and "SaferstatsWarning" not in err
