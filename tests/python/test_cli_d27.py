"""Session 20 (lead), command-line fixes: ``disproportionality --population FILE`` with a table the
library cannot use listed only the file's first 8 columns, so the one the analyst meant to be the
ethnic group (column 9 of a Census download) was not in the message."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import cli_error
import saferstats


def test_population_error_lists_every_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cols = [f"c{i}" for i in range(1, 9)] + ["Ethnic group (5 categories)", "Observation"]
    pop = tmp_path / "pop.csv"
    pop.write_text(",".join(cols) + "\n" + ",".join(["x"] * 8 + ["White", "100"]) + "\n")
    stops = saferstats.datasets.stop_search_sample_path()
    err = cli_error(capsys, "disproportionality", str(stops), "--by", "force", "--population", str(pop))
    assert "--population" in err
    assert "'Ethnic group (5 categories)'" in err and "'Observation'" in err


def test_plot_funnel_without_kind_on_rates_is_refused_not_drawn_as_proportions() -> None:
    """``plot_funnel`` defaulted to ``kind="proportion"``: hate crimes per resident were drawn as a
    proportion funnel, silently (w27b made the funnel functions choose ``kind`` by one rule; the
    plot now follows it)."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import warnings

    df = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna()
    od = saferstats.funnel_overdispersion(df["offences"], df["population"], kind="rate")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ax = saferstats.plot_funnel(df["offences"], df["population"], labels=df["force"], overdispersion=od)
    assert ax.get_ylabel() == "rate per 100,000"  # the result's kind
    # counts above their denominators cannot be proportions: refused, naming kind
    with pytest.raises(saferstats.InvalidInputError, match="kind not given") as e:
        saferstats.plot_funnel([120, 30], [100, 200], labels=["A", "B"])
    assert e.value.argument == "kind"
    with pytest.warns(saferstats.SaferstatsWarning, match="taken as proportions"):
        saferstats.plot_funnel([12, 30], [100, 200], labels=["A", "B"])
