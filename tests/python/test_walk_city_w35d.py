"""A City of London walk-through (session 24, w35d): implausible rates per resident.

The City has about 8,600 residents (Census 2021; 233 Black) and hundreds of thousands of workers
and visitors a day. Its officers searched 225 Black people (self-defined) in 2023 and 538 by the
officers' perception: a "rate per 1,000 residents" of 966 or 2,309 a year is not a rate of
residents searched. ``disproportionality(by="force")`` gave those rows with no warning at all (the
caution was only in the `comparability` / `denominator` columns, and said for the City by name,
not for any other area with the same problem). Now any row whose year's searches are half its
group's residents or more (or more than its residents) is warned about, flagged not like for
like and listed in ``.attrs["implausible_rates"]``.

Independent references: the searches are counted from the raw semicolon file with pandas; the
residents are summed from the Census 2021 TS021 LSOA table in ../shared/data with the ONS LSOA to
local authority lookup (not from saferstats' bundled tables).
"""

from __future__ import annotations

import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from warning_capture import saferstats_messages


@pytest.fixture(scope="module")
def city_raw(shared_data) -> pd.DataFrame:
    path = shared_path(shared_data, "stop_search/city_of_london_2023/stop_and_search.csv")
    return pd.read_csv(path, sep=";")


@pytest.fixture(scope="module")
def city_records(shared_data):
    path = shared_path(shared_data, "stop_search/city_of_london_2023/stop_and_search.csv")
    return saferstats.read_stop_search(path)


@pytest.fixture(scope="module")
def black_residents(shared_data) -> int:
    base = "population/census2021_ew/"
    pop = pd.read_csv(shared_path(shared_data, base + "ts021_ethnic_group_lsoa21.csv"))
    look = pd.read_csv(shared_path(shared_data, base + "lookup_lsoa21_ward24_ltla24.csv"))
    city = look.loc[look["ltla24_code"] == "E09000001", "lsoa21_code"]
    return int(pop.loc[pop["lsoa21_code"].isin(city), "black"].sum())


def _persons(raw: pd.DataFrame) -> pd.DataFrame:
    return raw[raw["type"] != "Vehicle search"]


def _implausible(messages: list[str]) -> list[str]:
    return [m for m in messages if "implausible rates per resident" in m]


def test_city_black_rate_per_resident_is_warned_about(city_raw, city_records, black_residents):
    searches = int(_persons(city_raw)["self_defined_ethnicity"].fillna("").str.startswith("Black").sum())
    assert (searches, black_residents) == (225, 233)  # the evidence, from the raw files
    out, messages = saferstats_messages(saferstats.disproportionality, city_records, by="force")
    said = _implausible(messages)
    assert len(said) == 1, messages
    per_year = 1000 * searches / black_residents * 365.25 / 365  # twelve months of records, 365 days (w45b)
    assert f"City of London / Black: {searches} searches in 12 months (365 days) against {black_residents} residents, " \
           f"{per_year:,.0f} per 1,000 a year" in said[0]
    assert "not its residents" in said[0] and "Do not publish these rates" in said[0]
    rows = out.attrs["implausible_rates"]
    assert [(r["group"], r["searches"], r["population"]) for r in rows] == [("Black", searches, black_residents)]
    assert rows[0]["per_1000_a_year"] == pytest.approx(per_year, rel=1e-12)
    black = out[out["group"] == "Black"].iloc[0]  # (its comparability already says most searched live elsewhere)
    assert not black["like_for_like"] and "do not live there" in black["comparability"]


def test_city_officer_defined_more_searches_than_residents(city_raw, city_records, black_residents):
    searches = int((_persons(city_raw)["officer_defined_ethnicity"] == "Black").sum())
    assert searches == 538 and searches > black_residents
    out, messages = saferstats_messages(saferstats.disproportionality, city_records, by="force",
                                        ethnicity_source="officer")
    said = _implausible(messages)
    assert len(said) == 1
    assert f"City of London / Black: {searches} searches in 12 months (365 days) against {black_residents} residents, " \
           f"{1000 * searches / black_residents * 365.25 / 365:,.0f} per 1,000 a year (more searches than residents)" in said[0]
    assert {r["group"] for r in out.attrs["implausible_rates"]} >= {"Black"}


def test_seven_forces_only_the_city_is_flagged(shared_data):
    # Dec 2019 - Feb 2020: the highest CSP rate outside the City is Tendring's officer-defined Black
    # rate, 22 of 434 residents in three months (203 per 1,000 a year): below the bound, not flagged
    folder = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02")
    records = saferstats.read_stop_search(folder)
    for by in ("force", "csp"):
        out, _ = saferstats_messages(saferstats.disproportionality, records, by=by, census="auto",
                                     ethnicity_source="officer")
        places = {r.get("force", r.get("csp")) for r in out.attrs["implausible_rates"]}
        assert places == {"city-of-london" if by == "force" else "City of London"}, (by, places)


def test_any_area_aggregate_more_searches_than_residents():
    agg = pd.DataFrame({"area": ["Town centre", "Town centre", "Rural"] * 1,
                        "ethnicity": ["Black", "White", "Black"], "searches": [130, 400, 4]})
    pop = pd.DataFrame({"area": ["Town centre", "Town centre", "Rural"], "ethnicity": ["Black", "White", "Black"],
                        "population": [120, 9_000, 6]})
    agg = pd.concat([agg, pd.DataFrame({"area": ["Rural"], "ethnicity": ["White"], "searches": [50]})])
    pop = pd.concat([pop, pd.DataFrame({"area": ["Rural"], "ethnicity": ["White"], "population": [20_000]})])
    out, messages = saferstats_messages(saferstats.disproportionality, agg, pop, count="searches", by="area",
                                        census=2021)  # said to be Census residents (else not judged: below)
    said = _implausible(messages)
    assert len(said) == 1
    # 130 searches of 120 residents: more than its residents; Rural 4 of 6 (667 per 1,000) is on
    # fewer than min_count=10 searches, so chance, not named
    assert "Town centre / Black: 130 searches against 120 residents, 1,083 per 1,000 (more searches than residents)" \
           in said[0]
    assert [(r["area"], r["group"]) for r in out.attrs["implausible_rates"]] == [("Town centre", "Black")]
    town = out[(out["area"] == "Town centre") & (out["group"] == "Black")].iloc[0]
    assert not town["like_for_like"] and "cannot be of residents searched" in town["comparability"]
    assert out.loc[out["group"] == "White", "like_for_like"].all()
    # a population of unknown kind may be of people at risk (suspects, people stopped): not judged
    unknown, messages = saferstats_messages(saferstats.disproportionality, agg, pop, count="searches", by="area")
    assert not _implausible(messages) and unknown.attrs["implausible_rates"] == []


def test_ordinary_rates_give_no_such_warning():
    agg = pd.DataFrame({"ethnicity": ["Black", "White"], "searches": [1200, 5400]})
    out, messages = saferstats_messages(saferstats.disproportionality, agg, {"Black": 48_000, "White": 1_080_000},
                                        count="searches", census=2021)
    assert not _implausible(messages) and out.attrs["implausible_rates"] == []
    assert out["like_for_like"].all()


# ------------------------------------------------------------------ hotspots on snapped points
#
# police.uk moves every street-level record to one of a set of anonymised map points: the City's
# 8,501 located crimes of 2023 lie at a few hundred points, 368 of them at one. On cells finer than
# those points' spacing (hotspot_count's automatic 30.7 m over the City) nearly every cell with
# events holds a single point, so the grid maps the points: said nowhere until now (only
# cluster_summary said it of clusters).

_BOX = (531_000.0, 534_000.0, 180_500.0, 182_000.0)  # the City's streets (points beyond: not counted)


@pytest.fixture(scope="module")
def street_xy(shared_data):
    import numpy as np

    path = shared_path(shared_data, "street_crime/city_of_london_2023/street.csv")
    raw = pd.read_csv(path, sep=";").dropna(subset=["latitude", "longitude"])
    x, y = saferstats.to_bng(raw["latitude"].to_numpy(), raw["longitude"].to_numpy())
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _reference(x, y, cell: float, ncols: int, nrows: int) -> tuple[float, int, int, int, int]:
    """pandas: per cell of the grid from the box's south-west corner (``ncols`` × ``nrows`` cells, the
    grid's shape), events and distinct locations; the share of the events in cells of one location
    holding two or more events."""
    import numpy as np

    x1, y1 = _BOX[0] + ncols * cell, _BOX[2] + nrows * cell
    keep = (x >= _BOX[0]) & (x <= x1) & (y >= _BOX[2]) & (y <= y1)
    df = pd.DataFrame({"x": x[keep], "y": y[keep]})
    df["col"] = np.minimum(np.floor((df.x - _BOX[0]) / cell), ncols - 1).astype(int)
    df["row"] = np.minimum(np.floor((df.y - _BOX[2]) / cell), nrows - 1).astype(int)
    per = df.groupby(["row", "col"]).agg(n=("x", "size"))
    per["locations"] = df.drop_duplicates(["x", "y"]).groupby(["row", "col"]).size()
    single = per[(per.locations == 1) & (per.n >= 2)]
    return (single.n.sum() / len(df), len(df), len(single), len(per), len(df.drop_duplicates(["x", "y"])))


@pytest.mark.parametrize("fn", ["hotspot_count", "grid_counts"])
def test_cells_finer_than_the_map_points_are_said(street_xy, fn):
    x, y = street_xy
    call = getattr(saferstats, fn)
    out, messages = saferstats_messages(call, x, y, cell_size=50, bounds=_BOX)
    nrows, ncols = (out.nrows, out.ncols) if fn == "hotspot_count" else out[0].shape  # the grid's shape
    share, n, single, cells, locations = _reference(x, y, 50.0, ncols, nrows)
    assert share > 0.75 and locations < 0.9 * n
    said = [m for m in messages if "single map location" in m]
    assert len(said) == 1, messages
    assert said[0].startswith(f"{fn}: {share:.0%} of the {n:,} events counted are in cells that each hold a single "
                              f"map location ({single:,} of the {cells:,} cells with events; {locations:,} distinct "
                              "locations in all; the busiest cell's 368 events are all at one point)")
    assert "anonymised map points" in said[0] and "Use cells several times larger" in said[0]


def test_cells_of_250m_or_distinct_points_are_not_warned(street_xy):
    import numpy as np

    x, y = street_xy
    g, messages = saferstats_messages(saferstats.hotspot_count, x, y, cell_size=250, bounds=_BOX)
    share, *_ = _reference(x, y, 250.0, g.ncols, g.nrows)
    assert share < 0.75
    assert not [m for m in messages if "single map location" in m]
    rng = np.random.default_rng(1)  # points where they were (no shared location): no warning at any size
    px, py = rng.uniform(0, 1000, 500), rng.uniform(0, 1000, 500)
    _, messages = saferstats_messages(saferstats.hotspot_count, px, py, cell_size=5, bounds=(0, 1000, 0, 1000))
    assert not [m for m in messages if "single map location" in m]


def test_gi_star_of_the_whole_grid_on_the_area_mask_says_what_to_pass(street_xy):
    # the analyst's slip: grid_counts over the City, the lattice of its area's cells (as the warning
    # says), then the whole grid as values: was "`values` must be one-dimensional" (2-D counts) or a
    # bare "length mismatch: `values` has 464 elements but `weights` has 298"
    import warnings

    x, y = street_xy
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counts, cx, cy = saferstats.grid_counts(x, y, cell_size=100, study_area="City of London")
    keep = saferstats.StudyArea("City of London").grid_mask(cx, cy, counts)
    w = saferstats.Weights.lattice(*counts.shape, mask=keep)
    assert counts.size != int(keep.sum()) == w.n
    for values in (counts, counts.ravel()):
        with pytest.raises(saferstats.LengthMismatchError) as err:
            saferstats.gi_star(values, w, permutations=0)
        assert str(err.value).startswith(f"`values` are all {counts.size:,} cells of the {counts.shape[0]} × "
                                         f"{counts.shape[1]} grid, but the weights are the {w.n:,} cells of its mask")
        assert "counts[keep]" in str(err.value) and err.value.argument == "values"
    r = saferstats.gi_star(counts[keep], w, permutations=0)  # as it says: a result per area cell
    assert len(r.z) == w.n


def test_density_peak_of_one_map_location_is_said(street_xy):
    # kde_grid over the City with ArcGIS's default radius (111 m): the peak is mostly the 368 records
    # at one anonymised point. Reference: the quartic kernel 3/(pi h^2)(1 - (d/h)^2)^2 summed by hand
    # over the points at the peak cell's centre (= the surface there), grouped by location with pandas.
    import numpy as np

    x, y = street_xy
    r, messages = saferstats_messages(saferstats.kde_grid, x, y, cell_size=25, study_area="City of London")
    dens = np.where(r.in_study_area, r.density, -np.inf)
    j, i = np.unravel_index(int(np.argmax(dens)), dens.shape)
    px, py, h = r.x[i], r.y[j], r.bandwidth
    pts = pd.DataFrame({"x": x, "y": y})[saferstats.StudyArea("City of London").contains_xy(x, y)]  # as smoothed
    d2 = ((pts.x - px) ** 2 + (pts.y - py) ** 2) / h**2
    pts["k"] = np.where(d2 < 1, (1 - d2) ** 2, 0.0)
    by_location = pts.groupby(["x", "y"])["k"].agg(["sum", "size"])
    top = by_location["sum"].idxmax()
    share = by_location["sum"].max() / by_location["sum"].sum()
    # the reference is the surface itself at the peak (per km²)
    assert 3 / (np.pi * h**2) * pts["k"].sum() * 1e6 == pytest.approx(r.density[j, i], rel=1e-9)
    assert share > 0.5 and by_location.loc[top, "size"] == 368
    said = [m for m in messages if "of the peak density" in m]
    assert len(said) == 1, messages
    assert said[0].startswith(f"kde_grid: {share:.0%} of the peak density (at {px:,.6g}, {py:,.6g}) comes from the 368 "
                              f"records at one map location ({top[0]:,.6g}, {top[1]:,.6g}): police.uk publishes")
    # a radius of a few hundred metres spreads the point over its streets: not said
    _, messages = saferstats_messages(saferstats.kde_grid, x, y, cell_size=25, bandwidth=300, study_area="City of London")
    assert not [m for m in messages if "of the peak density" in m]
