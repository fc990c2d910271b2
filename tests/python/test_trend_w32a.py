"""Session 22 (w32a): the residual df of poisson_trend's table, the CLI's ``trend --seasonality``,
and compare_trends' season warning on monthly data.

References: 72 months of racially or religiously aggravated offences (Home Office, Figure 2,
bundled as ``datasets.hate_crime_monthly()``): 72 periods less 2 coefficients (70 residual df);
with a term for each month of the year less 11 more (59 df), as R ``glm(y ~ t + factor(month))``
and the season check's F test on 11 and 59 df; two Fourier pairs: 72 - 2 - 4 = 66 df."""
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import saferstats
from saferstats.__main__ import main
from conftest import cli_error
from warning_capture import saferstats_messages

LEADING = ["apc", "apc_lower", "apc_upper", "beta", "se", "dispersion_ratio", "n_periods", "method"]


def _months() -> pd.DataFrame:
    return saferstats.datasets.hate_crime_monthly()


def _trend(**kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return saferstats.poisson_trend(_months(), count="offences", population=None, period="month",
                                        dispersion="quasi", **kw)


@pytest.fixture
def monthly_csv(tmp_path):
    p = tmp_path / "monthly.csv"
    _months().to_csv(p, index=False)
    return p


def _cli(path, out, *extra: str) -> list[str]:
    return ["trend", str(path), "--count", "offences", "--period", "month", "--population", "none", *extra,
            "--out", str(out)]


# 1. the residual df in the table -------------------------------------------------------------------

@pytest.mark.parametrize("kw, df", [({}, 70), ({"seasonality": "dummies"}, 59),
                                    ({"seasonality": "fourier", "harmonics": 2}, 66)])
def test_poisson_trend_gives_the_residual_df(kw, df):
    out = _trend(**kw)
    assert list(out.columns[:8]) == LEADING  # issue 3's order kept
    assert out["df_resid"].tolist() == [df]
    assert out.columns.get_loc("df_resid") == out.columns.get_loc("p_value") + 1


def test_use_t_interval_is_on_the_df_resid_column():
    out = _trend(seasonality="dummies", use_t=True)
    assert out.attrs["intervals"] == "Student t on the residual df (df_resid: the periods less every coefficient)"
    half = stats.t.ppf(0.975, 59) * out["se"].iloc[0]  # t(0.975, 59): the interval is on df_resid
    assert out["apc_lower"].iloc[0] == pytest.approx(100 * (np.exp(out["beta"].iloc[0] - half) - 1), rel=1e-9)


# 1. the CLI's --seasonality ------------------------------------------------------------------------

def test_cli_seasonality_fits_the_month_of_year(monthly_csv, tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert main(_cli(monthly_csv, out, "--seasonality", "dummies")) == 0
    err = capsys.readouterr().err
    got = pd.read_csv(out)
    lib = _trend(seasonality="dummies", use_t=True)
    assert got["apc"].iloc[0] == pytest.approx(12.9257, abs=1e-3)  # the season check's APC with the terms
    assert got["apc_lower"].iloc[0] == pytest.approx(lib["apc_lower"].iloc[0], rel=1e-9)
    assert got["df_resid"].tolist() == [59]
    assert got["intervals"].tolist() == ["t (df=59)"]  # before: 70 df (n_periods - 2)
    assert got["season"].tolist() == ["month-of-year terms fitted (dummies (12 a year)): this row's APC is the "
                                      "trend net of the season"]
    assert "seasonality" not in got.columns and "fitted_first_period" not in got.columns
    assert "no month-of-year term" not in err  # no warning that the season is missing
    assert "the df_resid column: n_periods - 2, less the seasonal terms" in err


def test_cli_seasonality_fourier_harmonics(monthly_csv, tmp_path):
    out = tmp_path / "t.csv"
    assert main(_cli(monthly_csv, out, "--seasonality", "fourier", "--harmonics", "2")) == 0
    got = pd.read_csv(out)
    assert got["apc"].iloc[0] == pytest.approx(_trend(seasonality="fourier", harmonics=2)["apc"].iloc[0], rel=1e-9)
    assert got["intervals"].tolist() == ["t (df=66)"]
    assert got["season"].iloc[0].startswith("seasonal terms fitted (fourier (2 pairs a year))")


def test_cli_straight_trend_says_how_to_fit_the_season(monthly_csv, tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert main(_cli(monthly_csv, out)) == 0
    err = capsys.readouterr().err
    got = pd.read_csv(out)
    assert got["df_resid"].tolist() == [70] and got["intervals"].tolist() == ["t (df=70)"]
    assert got["season"].iloc[0].endswith("this row's APC has none (--seasonality dummies fits them)")
    # another function's call in the advice stays Python (was "its_poisson(..., --seasonality dummies, ...)")
    assert "saferstats.its_poisson(..., seasonality='dummies', season_length=12)" in err


def test_cli_harmonics_needs_fourier(monthly_csv, capsys):
    err = cli_error(capsys, *_cli(monthly_csv, "t.csv", "--seasonality", "dummies", "--harmonics", "2"))
    assert "--harmonics 2 counts the sin/cos pairs of --seasonality fourier" in err


def test_cli_help_names_seasonality(capsys):
    with pytest.raises(SystemExit):
        main(["trend", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--seasonality {dummies,fourier}" in text and "--harmonics N" in text
    assert "the residual df (df_resid column) are the periods less every coefficient" in text


# 2. compare_trends: the comparator's season check said once -------------------------------------------

def _areas(*extra: pd.DataFrame) -> pd.DataFrame:
    m = _months()
    return pd.concat([m.assign(area="E&W"), m.assign(area="A", offences=m["offences"] // 10),
                      m.assign(area="B", offences=m["offences"] // 20), *extra], ignore_index=True)


def _comparator_said(data: pd.DataFrame, **kw) -> list[str]:
    _, msgs = saferstats_messages(saferstats.compare_trends, data, by="area", comparator="E&W", count="offences",
                                  population=None, period="month", dispersion="quasi", use_t=True, **kw)
    return [x for x in msgs if x.startswith("compare_trends (the comparator") and "no month-of-year term" in x]


def test_compare_trends_says_the_comparators_season_check_once():
    said = _comparator_said(_areas())
    # before: "... the APC is by group, 'A': 12.93% (...); 'B': 12.93% (...)", the one series twice
    assert len(said) == 1
    assert said[0].startswith("compare_trends (the comparator, E&W): the counts are monthly and the trend has no "
                              "month-of-year term, so a seasonal swing is read as trend and as over-dispersion (one "
                              "fit: the same months beside each area): with a term for each month of the year the APC "
                              "is 12.93% (95% quasi-Poisson interval 11.78% to 14.09%) against 12.11% without, and the "
                              "Pearson χ²/df 21.1 against 74.3 (the month-of-year terms: F = 16.5 on 11 and 59 df, "
                              "p < 0.001). Over whole years")
    assert said[0].count("12.93%") == 1 and "'A'" not in said[0]


def test_compare_trends_names_the_areas_where_the_comparators_fits_differ():
    m = _months().iloc[:30]
    said = _comparator_said(_areas(m.assign(area="C", offences=m["offences"] // 20)))
    assert len(said) == 1 and said[0].count("12.93%") == 1
    assert "the APC is beside 'A', 'B': 12.93% (95% quasi-Poisson interval 11.78% to 14.09%)" in said[0]
    assert "; beside 'C': 14.59%" in said[0]  # the comparator over C's 30 months only
    # subtract=True: the comparator less each area is another series beside each
    rest = _comparator_said(_areas(), subtract=True)
    assert len(rest) == 1 and rest[0].startswith("compare_trends (the comparator, E&W less each area): ")
    assert "the APC is beside 'A': " in rest[0] and "; beside 'B': " in rest[0]


def test_cli_seasonality_on_years_says_what_the_command_takes(tmp_path, capsys):
    p = tmp_path / "y.csv"
    p.write_text("period,count\n2015,5\n2016,7\n2017,6\n2018,9\n2019,8\n")
    err = cli_error(capsys, "trend", str(p), "--population", "none", "--seasonality", "dummies", "--out",
                    str(tmp_path / "t.csv"))
    assert "no season within them to fit" in err
    # before: "... or season_length", a keyword the command has no option for
    assert "season_length" not in err and err.endswith("or leave --seasonality out")


def test_cli_seasonality_too_short_row_says_not_fitted(tmp_path):
    p = tmp_path / "s.csv"
    _months().iloc[:10].to_csv(p, index=False)
    out = tmp_path / "t.csv"
    assert main(_cli(p, out, "--seasonality", "dummies")) == 0
    got = pd.read_csv(out)
    assert got["note"].tolist() == ["too few periods for the seasonal terms"]
    # before: "month-of-year terms fitted …: this row's APC is the trend net of the season", with no APC
    assert got["season"].tolist() == ["no trend: dummies (12 a year) asked for, not fitted (the note says why)"]
