"""Session 22 (w31b): the package surface, find_area on a force name, the CLI's example config,
hotspots --date on a CSV of points, the README reader table and warnings around a CLI error."""

from __future__ import annotations

import ast
import importlib

import pytest

import saferstats


@pytest.mark.parametrize("module", ["saferstats.geography", "saferstats.rates", "saferstats.trend",
                                    "saferstats.hotspot", "saferstats.monitoring", "saferstats.exceptions"])
def test_public_module_names_are_package_names(module):
    """The API pages list saferstats.__all__: a public name of a module the pages cover (force_id,
    force_name) must be there, and importable as saferstats.<name>."""
    mod = importlib.import_module(module)
    missing = [n for n in mod.__all__ if n not in saferstats.__all__ or not hasattr(saferstats, n)]
    assert missing == []
    assert len(saferstats.__all__) == len(set(saferstats.__all__))


def test_force_helpers_at_package_level():
    assert "force_id" in saferstats.__all__ and "force_name" in saferstats.__all__
    assert saferstats.force_id("Herts Police") == "hertfordshire"
    assert saferstats.force_name("E23000027") == "Hertfordshire"


# --- 2. find_area on a police force area's name ---------------------------------------------------


def test_find_area_force_name_offers_no_look_alike_outside_the_force():
    """find_area("Merseyside") said it is a police force area, then "close matches: 'Tameside'" (a
    Greater Manchester borough that only looks like it). Now: the force, its police.uk id and its
    areas; close matches only among those areas."""
    with pytest.raises(saferstats.UnknownAreaError) as e:
        saferstats.find_area("Merseyside", level="la")  # without a level: the force (session 22, w32d)
    msg = str(e.value)
    assert "Tameside" not in msg and "close matches" not in msg
    assert ("Merseyside is a police force area (pass level='force'), covering 5 local authorities: Knowsley, "
            "Liverpool, St. Helens, Sefton, Wirral; its police.uk id is 'merseyside' (force_id)") in msg
    with pytest.raises(saferstats.UnknownAreaError, match="close matches: 'Redcar and Cleveland'$"):
        saferstats.find_area("Cleveland", level="csp")


def test_find_area_misspelt_force_is_offered_as_the_force():
    with pytest.raises(saferstats.UnknownAreaError) as e:
        saferstats.find_area("Mersyside")
    assert str(e.value).endswith("close matches: 'Merseyside' (a police force area: level='force'), "
                                 "'Humberside' (a police force area: level='force'), 'Tameside'")


def test_find_area_every_published_force_name(shared_data):
    """Each of the 43 force names of the published ONS lookup, at level la and csp: found as an area
    inside the force, or an error naming the force whose close matches all lie in that force."""
    import pandas as pd
    from conftest import shared_path

    lk = pd.read_csv(shared_path(shared_data, "population/census2021_ew/lookup_ltla24_csp24_pfa24.csv"))
    assert lk["pfa24_name"].nunique() == 43
    for force, rows in lk.groupby("pfa24_name"):
        assert saferstats.find_area(force, level="force")["code"] == rows["pfa24_code"].iloc[0]
        for level, col in (("la", "ltla24"), ("csp", "csp24")):
            inside = set(rows[f"{col}_name"])
            try:
                found = saferstats.find_area(force, level=level)
            except saferstats.UnknownAreaError as exc:
                msg = str(exc)
                assert f"{force} is a police force area (pass level='force')" in msg, msg
                offered = ast.literal_eval(f"[{msg.split('close matches: ')[1]}]") if "close matches: " in msg else []
                assert set(offered) <= inside, msg
            else:
                assert found["name"] in inside, (force, level, found)


# --- 3. report --example-config ----------------------------------------------------------------------


def test_example_config_names_the_file_it_is_written_to(capsys):
    """Its second line said "Run: saferstats report --config examples/assessment.toml": a path an
    installed package does not have (the wheel has no examples/ folder)."""
    from saferstats.__main__ import main

    assert main(["report", "--example-config"]) == 0
    head = capsys.readouterr().out.splitlines()[:3]
    assert head == ["# saferstats strategic assessment configuration",
                    "# Run:  saferstats report --config assessment.toml --out out/assessment",
                    "#       (this file as written by: saferstats report --example-config > assessment.toml)"]


# --- 4. hotspots --date on a CSV of points ---------------------------------------------------------


def _watford_asb_csv(shared_data, tmp_path, dates=None):
    """Watford's ASB points of January to March 2021 (police.uk, as published) written as a council's
    export would be: Latitude, Longitude and a UK 'Date reported' (day/month/year) in the record's
    month; ``dates``: {row position: text} to put in its place."""
    import pandas as pd
    from conftest import herts_street_files, street_latlon

    month, lat, lon = street_latlon(herts_street_files(shared_data)[:3], "Anti-social behaviour", lsoa="Watford")
    assert len(month) > 300
    df = pd.DataFrame({"Latitude": lat, "Longitude": lon,
                       "Date reported": [f"{10 + i % 15:02d}/{m[5:]}/{m[:4]}" for i, m in enumerate(month)]})
    for row, text in (dates or {}).items():
        df.loc[row, "Date reported"] = text
    path = tmp_path / "watford_asb.csv"
    df.to_csv(path, index=False)
    return path


def test_hotspots_date_gives_each_cluster_its_first_and_last_date(shared_data, tmp_path, capsys):
    """A CSV of points had no --date (police.uk files give their Month): no cluster had a date span."""
    import pandas as pd
    from saferstats.__main__ import main

    path = _watford_asb_csv(shared_data, tmp_path, dates={7: ""})
    out = tmp_path / "clusters.csv"
    assert main(["hotspots", str(path), "--lat", "Latitude", "--lon", "Longitude", "--date", "Date reported",
                 "--min-samples", "10", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "1 of " in err and "points have no date in 'Date reported' (line 9)" in err
    table = pd.read_csv(out)
    assert len(table) and {"first_time", "last_time", "missing_times"} <= set(table.columns)
    first, last = pd.to_datetime(table["first_time"]), pd.to_datetime(table["last_time"])
    # days, not months: the dates as written (10th to 24th of January to March 2021)
    assert first.min() >= pd.Timestamp("2021-01-10") and last.max() <= pd.Timestamp("2021-03-24")
    assert (first <= last).all() and set(first.dt.day) - {1}
    assert table["missing_times"].sum() <= 1


def test_hotspots_date_names_the_rows_it_cannot_read(shared_data, tmp_path, capsys):
    from saferstats.__main__ import main

    path = _watford_asb_csv(shared_data, tmp_path, dates={3: "31/02/2021", 10: "unknown"})
    args = ["hotspots", str(path), "--lat", "Latitude", "--lon", "Longitude", "--date", "Date reported",
            "--out", str(tmp_path / "c.csv")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--date 'Date reported': 2 of " in err and "(line 5: '31/02/2021', line 12: 'unknown')" in err
    assert "clusters (DBSCAN" not in err  # found out before the clustering
    assert not (tmp_path / "c.csv").exists()
    path = _watford_asb_csv(shared_data, tmp_path, dates={3: "03/15/2021"})
    assert main(args) == 2
    assert "line 5: '03/15/2021'); they read as month/day/year (US order)" in capsys.readouterr().err
    assert main(args[:-4] + ["--date", "Date", "--out", str(tmp_path / "c.csv")]) == 2
    assert "no column 'Date' (--date) (did you mean 'Date reported'?" in capsys.readouterr().err


# --- 5. README: every reader's keywords ----------------------------------------------------------


def test_readme_reader_table_gives_every_keyword_with_its_default():
    """The README's reader table wrote read_hate_crime(path) (it takes sheet= for a workbook),
    read_street_crime without ids= and columns=, read_stop_search without format= and force=."""
    import inspect
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    calls = re.findall(r"`(read_\w+)\(([^`]*)\)`", readme)
    table = {name: args for name, args in calls if "*" in args or "," not in args}
    readers = [n for n in saferstats.__all__ if n.startswith("read_")]
    assert set(readers) <= set(table), set(readers) - set(table)
    for name in readers:
        sig = inspect.signature(getattr(saferstats, name))
        want = ", ".join([p.name for p in sig.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
                         + (["*"] if any(p.kind is p.KEYWORD_ONLY for p in sig.parameters.values()) else [])
                         + [f"{p.name}={p.default!r}".replace("'", '"') for p in sig.parameters.values()
                            if p.kind is p.KEYWORD_ONLY])
        assert table[name] == want, name


# --- 6. warnings of a command that stops with an error ----------------------------------------------


def test_warnings_of_a_failed_command_follow_the_error_marked(shared_data, tmp_path, capsys):
    """City of London stop and search 2023 (police.uk, as published) against a population file with
    only White residents: the library warned (ethnicity not stated for 53%, searches not placed in a
    CSP) and then stopped on the missing Asian population; the warnings were printed first, as
    cautions about rates that were never written, and the error last among them. Now the error
    comes first and the warnings after it, marked "before the error"; a command that succeeds prints
    them as before."""
    from conftest import shared_path
    from saferstats.__main__ import main

    folder = shared_path(shared_data, "stop_search/city_of_london_2023")
    pop = tmp_path / "pop.csv"
    pop.write_text("ethnicity,population\nWhite,100\n", encoding="utf-8")
    args = ["disproportionality", str(folder), "--by", "csp", "--out", str(tmp_path / "d.csv")]
    assert main([*args, "--population", str(pop)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("saferstats: error: group 'Asian' has 105 searches in {'csp': 'City of London'")
    assert lines[1].startswith("saferstats: warning before the error: disproportionality: ethnicity is not stated "
                               "for a fifth or more of the searches in City of London (53% of 2,384)")
    assert all(ln.startswith("saferstats: warning before the error: ") for ln in lines[1:])
    assert not (tmp_path / "d.csv").exists()
    assert main(args) == 0  # the bundled Census: the same warnings, of the rates written
    err = capsys.readouterr().err
    assert "saferstats: warning: disproportionality: ethnicity is not stated" in err and "before the error" not in err
