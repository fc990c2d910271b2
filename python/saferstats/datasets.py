"""Bundled real demo data, tidied (see ``saferstats/data/PROVENANCE.md``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from .published import period_label, set_population_note

__all__ = [
    "hate_crime_by_force",
    "hate_crime_national",
    "hate_crime_monthly",
    "census2011_by_force",
    "census2011_by_la",
    "stop_search_sample_path",
    "mha_annual_excerpt_path",
    "street_crime_sample_path",
    "hate_crime_table_path",
    "hate_crime_strands_path",
    "flytipping_table_path",
    "flytipping_hertfordshire",
    "hertfordshire_asb",
    "STRANDS",
]

#: The five centrally monitored hate crime strands, as named in the Home Office tables.
STRANDS = ("Race", "Religion", "Sexual orientation", "Disability", "Transgender")


def _path(name: str) -> Any:
    return resources.files("saferstats").joinpath("data", name)


def hate_crime_by_force(*, long: bool = False) -> pd.DataFrame:
    """Home Office police-recorded hate crime by police force area, 2017-18 and 2018-19.

    Wide (default): one row per force and year with columns ``force, year, period, Race, Religion,
    Sexual orientation, Disability, Transgender, motivating_factors, offences, population,
    published_rate`` (``published_rate`` is the Home Office's rounded rate per 100,000).
    ``long=True``: one row per force, year and strand with ``force, year, period, strand, count,
    population``.

    ``year`` is the year as the file prints it (``"2018-19"``), kept for code that uses it;
    ``period`` is the same year as :func:`saferstats.read_hate_crime` writes it of the same file
    (``"2018/19"``), the column :func:`saferstats.poisson_trend`, :func:`saferstats.year_on_year`
    and the library's readers name ``period``: filter or join on ``period`` to match a table read
    by :func:`saferstats.read_hate_crime`. Both are read as one financial year (2018/19) by
    :func:`saferstats.parse_periods`; where a table has both, ``period`` is the one the funnels'
    warnings and the population note name.
    The City of London has no published population (``#N/A`` in the source): its population and
    rate are missing (NaN), not dropped.

    Like for like: each force has one population for both years (Hertfordshire 1,184,400), so a
    change in its rate is the change in its count. Which year's estimate that population is is not
    stated, neither in the file nor in the notes of the bulletin's tables
    (``hate-crime-1819-hosb2419-tables.ods``, whose tables have no population): it is rounded to
    hundreds, it is neither Census (Hertfordshire: 1,116,062 residents in 2011, 1,198,832 in 2021),
    and the published rate of both years is on it. Say so beside rates from it, or give each year
    its ONS mid-year estimate. ``df.attrs["population_note"]`` says so, as
    :func:`saferstats.read_hate_crime` says it of the same file, and :func:`saferstats.add_rates`
    and :func:`saferstats.year_on_year` repeat it as a warning. The 43 territorial forces leave out the British
    Transport Police, so they add up to less than the England and Wales totals of the bulletin's
    strand table (:func:`hate_crime_national`): 99,821 offences in 2018-19 against 103,379. Force
    names are the Home Office's ("Avon and Somerset", "London, City of", "Metropolitan Police");
    :func:`census2011_by_force` spells four differently, so join on
    ``saferstats.geography.force_id`` of each name, not on the names.

    >>> df = hate_crime_by_force()
    >>> int(df.query("year == '2018-19'")["offences"].sum())
    99821
    >>> df = hate_crime_by_force()
    >>> df.loc[(df.force == "Hertfordshire"), ["year", "period", "offences", "population"]]
           year   period  offences  population
    24  2017-18  2017/18      1468     1184400
    67  2018-19  2018/19      1600     1184400
    """
    with _path("hate_crime_by_force_2017-18_2018-19.csv").open("rb") as fh:
        raw = pd.read_csv(fh, thousands=",", na_values=["#N/A"])
    df = raw.rename(
        columns={
            "Force": "force",
            "Year": "year",
            "Total Religion": "Religion",
            "Total number of motivating factors": "motivating_factors",
            "Total number of offences": "offences",
            "Population": "population",
            "Offences per 100,000 pop": "published_rate",
        }
    )
    df["force"] = df["force"].str.strip()
    # the year as the library's readers write it (read_hate_crime's "2018/19"), beside the file's own
    df.insert(df.columns.get_loc("year") + 1, "period", df["year"].map(period_label))
    df["population"] = df["population"].astype("Int64")
    # as read_hate_crime says it of the same file, repeated by add_rates / year_on_year
    set_population_note(df, "hate_crime_by_force() (the Home Office table by force, 2017-18 and 2018-19)",
                        period="year")
    if not long:
        return df
    out = df.melt(
        id_vars=["force", "year", "period", "population"], value_vars=list(STRANDS), var_name="strand",
        value_name="count"
    )
    out = out[["force", "year", "period", "strand", "count", "population"]]
    out.attrs = dict(df.attrs)
    return out


def hate_crime_national() -> pd.DataFrame:
    """Hate crimes recorded by the police in England and Wales by strand, 2011/12 to 2018/19.

    Long format: ``year, strand, count`` (from Home Office bulletin Table 2), plus the strand
    ``"Total offences"`` (not available for 2011/12), named in ``attrs["totals"]`` as
    :func:`saferstats.read_hate_crime` names the published table's totals: a total is no strand
    (an offence can have several), so :func:`saferstats.shares` names it and
    :func:`saferstats.compare_trends` leaves it out against a strand, or, as the comparator, takes
    each strand to be inside it. The table's footnote on a year is kept as
    :func:`saferstats.read_hate_crime` keeps it, in ``attrs["footnotes"]`` (``{"2017/18":
    "Merseyside police have revised figures for 2017/18."}``), so that
    :func:`saferstats.poisson_trend` and :func:`saferstats.year_on_year` warn of a trend or a
    change over that year.

    >>> nat = hate_crime_national()
    >>> int(nat.query("strand == 'Race' and year == '2018/19'")["count"].iloc[0])
    78991
    >>> nat.attrs["footnotes"], nat.attrs["totals"]
    ({'2017/18': 'Merseyside police have revised figures for 2017/18.'}, ['Total offences'])
    """
    import warnings

    from .published import read_hate_crime

    with _path("hate_crime_national_strands_2011-12_2018-19.csv").open("rb") as fh:
        raw = pd.read_csv(fh, skiprows=3, header=0, thousands=",", na_values=["N/A"])
    raw = raw.rename(columns={raw.columns[0]: "strand"})
    raw = raw[raw["strand"].isin(list(STRANDS) + ["Total number of offences"])]
    years = [c for c in raw.columns if c[:4].isdigit() and "/" in c]
    long = raw.melt(id_vars="strand", value_vars=years, var_name="year", value_name="count")
    long["year"] = long["year"].str.slice(0, 7)  # "2017/183" carries a footnote marker
    long["strand"] = long["strand"].replace({"Total number of offences": "Total offences"})
    long = long.dropna(subset=["count"])
    long["count"] = long["count"].astype("int64")
    out = long[["year", "strand", "count"]].reset_index(drop=True)
    with warnings.catch_warnings():  # (its warnings are of its own columns, not of this table's)
        warnings.simplefilter("ignore")
        notes = read_hate_crime(hate_crime_strands_path()).attrs.get("footnotes") or {}
    out.attrs["footnotes"] = {str(k): str(v) for k, v in notes.items()}
    # the total is a row, not a strand: named as read_hate_crime names the published table's totals,
    # so that shares and compare_trends (and the command line) treat it as they treat 'offences'
    out.attrs["totals"] = [t for t in ("Total offences",) if t in set(out["strand"])]
    return out


def hate_crime_monthly() -> pd.DataFrame:
    """Racially or religiously aggravated offences recorded by the police in England and Wales,
    by month, April 2013 to March 2019 (72 months; Home Office, *Hate crime, England and Wales,
    2018/19*, Figure 2 data, copied as published; OGL v3).

    Columns ``month`` (a ``Period[M]``) and ``offences``. The monthly series the Home Office
    publishes beside its annual tables; the report draws it on an SPC chart.

    >>> m = hate_crime_monthly()
    >>> len(m), str(m["month"].iloc[0]), int(m["offences"].iloc[0])
    (72, '2013-04', 2391)
    """
    with _path("ho_racially_religiously_aggravated_monthly_2013-04_2019-03.csv").open("rb") as fh:
        df = pd.read_csv(fh, dtype={"month": str})
    df["month"] = pd.PeriodIndex(df["month"], freq="M")
    return df


def _census_columns(df: pd.DataFrame) -> pd.DataFrame:
    """'Ethnic Group: White: Irish; measures: Value' -> 'White: Irish'; the total -> 'All'."""

    def clean(c: str) -> str:
        c = c.replace("; measures: Value", "")
        if c.startswith("Ethnic Group: "):
            c = c[len("Ethnic Group: "):]
        return "All" if c == "All categories: Ethnic group" else c

    return df.rename(columns=clean)


def census2011_by_force() -> pd.DataFrame:
    """2011 Census usual residents by ethnic group for the 43 police force areas (ONS QS201EW).

    One row per force (``force``); columns ``All``, the five broad groups (``White``,
    ``Mixed``, ``Asian``, ``Black``, ``Other``) and the 18 detailed groups (e.g.
    ``"White: Irish"``), as published. Force names as in the source (e.g. ``"Avon & Somerset"``):
    four differ from the Home Office hate crime table's ("Avon & Somerset", "Devon & Cornwall",
    "City of London", "Metropolitan" against "Avon and Somerset", "Devon and Cornwall", "London,
    City of", "Metropolitan Police"), and a merge on the names drops those forces without a word.
    Join on ``saferstats.geography.force_id`` (the police.uk identifier) of each side's name:

    >>> from saferstats.geography import force_id
    >>> hate = hate_crime_by_force().query("year == '2018-19'")
    >>> both = hate.assign(fid=hate.force.map(force_id)).merge(
    ...     census2011_by_force().assign(fid=lambda d: d.force.map(force_id)), on="fid")
    >>> len(both), len(hate.merge(census2011_by_force(), on="force"))
    (43, 39)

    These are 2011 residents: the hate crime table's rates for 2017-18 and 2018-19 are on its own
    ``population`` column (one estimate for both years, of a year the table does not state; see
    :func:`hate_crime_by_force`), not on either Census.
    The long table :func:`saferstats.disproportionality` takes is
    ``saferstats.census_population("force", census=2011)``; Census 2021 is the default there.

    >>> pop = census2011_by_force()
    >>> int(pop.set_index("force").loc["Hertfordshire", "All"])
    1116062
    """
    with _path("census2011_ethnic_group_by_force.csv").open("rb") as fh:
        df = _census_columns(pd.read_csv(fh))
    df = df.rename(columns={"PFA16NM": "force"})
    return _broad_names(df)


def _broad_names(df: pd.DataFrame) -> pd.DataFrame:
    rename = {}
    for c in df.columns:
        if c.startswith("Asian/Asian British") and ":" not in c[len("Asian/Asian British"):]:
            rename[c] = "Asian"
        elif c.startswith("Black/African/Caribbean/Black British") and ":" not in c[len("Black/African/Caribbean/Black British"):]:
            rename[c] = "Black"
        elif c == "Other ethnic group":
            rename[c] = "Other"
    return df.rename(columns=rename)


def census2011_by_la() -> pd.DataFrame:
    """2011 Census usual residents by ethnic group per local authority district, with its CSP and
    police force area (ONS QS201EW; LAD16 → CSP16 → PFA16 lookup).

    Columns ``la, la_code, csp, csp_code, force, force_code, All``, broad and detailed groups.

    >>> la = census2011_by_la()
    >>> sorted(la.loc[la.force == "Hertfordshire", "csp"])[:3]
    ['Broxbourne', 'Dacorum', 'East Hertfordshire']
    """
    with _path("census2011_ethnic_group_by_la.csv").open("rb") as fh:
        df = _census_columns(pd.read_csv(fh))
    df = df.rename(
        columns={"geography": "la", "LAD16NM": "la_name", "CSP16CD": "csp_code", "CSP16NM": "csp",
                 "PFA16CD": "force_code", "PFA16NM": "force"}
    )
    with _path("lad16_csp16_pfa16_lookup.csv").open("rb") as fh:
        lookup = pd.read_csv(fh, encoding="utf-8-sig")
    codes = dict(zip(lookup["LAD16NM"], lookup["LAD16CD"]))
    df["la_code"] = df["la_name"].map(codes)
    df = _broad_names(df.drop(columns=["date", "Rural Urban", "FID"], errors="ignore"))
    first = ["la", "la_code", "csp", "csp_code", "force", "force_code"]
    return df[first + [c for c in df.columns if c not in first and c != "la_name"]]


def stop_search_sample_path() -> Path:
    """Folder of bundled police.uk stop-and-search files (City of London, Derbyshire, Durham,
    Leicestershire; December 2019 – February 2020), for :func:`saferstats.read_stop_search`.

    >>> len(list(stop_search_sample_path().iterdir())) >= 12
    True
    """
    from pathlib import Path

    return Path(str(_path("stop_search_sample")))


def mha_annual_excerpt_path() -> Path:
    """Bundled excerpt (all Section 136 rows) of NHS England's Mental Health Act Statistics,
    Annual Figures 2023-24, for :func:`saferstats.read_mha_annual`.

    >>> mha_annual_excerpt_path().name
    'nhs_mha_annual_2023-24_s136_excerpt.csv'
    """
    from pathlib import Path

    return Path(str(_path("nhs_mha_annual_2023-24_s136_excerpt.csv")))


def street_crime_sample_path() -> Path:
    """Folder of two bundled police.uk street-level crime files as published (the first 400 and
    200 records of Hertfordshire's January and February 2021 files), for
    :func:`saferstats.read_street_crime`.

    >>> sorted(p.name for p in street_crime_sample_path().iterdir())
    ['2021-01-hertfordshire-street.csv', '2021-02-hertfordshire-street.csv']
    """
    from pathlib import Path

    return Path(str(_path("street_crime_sample")))


def hate_crime_table_path() -> Path:
    """The Home Office hate crime by police force area table (2017-18, 2018-19) as published,
    for :func:`saferstats.read_hate_crime`.

    >>> hate_crime_table_path().suffix
    '.csv'
    """
    from pathlib import Path

    return Path(str(_path("hate_crime_by_force_2017-18_2018-19.csv")))


def hate_crime_strands_path() -> Path:
    """The Home Office's national hate crime series by strand (Table 2 of the 2018/19 bulletin,
    2011/12 to 2018/19) as published, for :func:`saferstats.read_hate_crime`.

    >>> hate_crime_strands_path().suffix
    '.csv'
    """
    from pathlib import Path

    return Path(str(_path("hate_crime_national_strands_2011-12_2018-19.csv")))


def flytipping_table_path() -> Path:
    """Defra fly-tipping incidents by local authority (the ten Hertfordshire districts, 2012-13 to
    2021-22, columns as published), for :func:`saferstats.read_flytipping`.

    >>> flytipping_table_path().name
    'defra_flytipping_hertfordshire_2012-13_2021-22.csv'
    """
    from pathlib import Path

    return Path(str(_path("defra_flytipping_hertfordshire_2012-13_2021-22.csv")))


def flytipping_hertfordshire() -> pd.DataFrame:
    """Defra fly-tipping incidents reported by the ten Hertfordshire districts, 2012-13 to 2021-22:
    ``year, la_code, la, region, incidents`` (``region`` the ONS name, "East of England", in every
    year; Defra prints "East", then "Eastern" in 2021-22), then Defra's ``reporting_basis`` (from
    2019-20) and the flags :func:`saferstats.read_flytipping` adds — ``not_all_incidents``,
    ``recording_step``, ``recording_note`` — read by that function from the rows as published, so a
    trend or a comparison knows where a council's count changed basis (Welwyn Hatfield counted
    only public reports in 2019-20: 1,700, then all incidents: 4,836 in 2020-21).

    >>> df = flytipping_hertfordshire()
    >>> int(df.query("la == 'Stevenage' and year == '2012-13'")["incidents"].iloc[0])
    2403
    >>> df.query("la == 'Welwyn Hatfield' and year == '2019-20'")[["reporting_basis", "not_all_incidents"]].values.tolist()
    [['Customer/public reported only', True]]
    """
    import warnings

    from .published import read_flytipping

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an excerpt: the readers' notes on the national file do not apply
        df = read_flytipping(_path("defra_flytipping_hertfordshire_2012-13_2021-22.csv"))
    df = df.rename(columns={"period": "year", "la_name": "la"})
    df["year"] = df["year"].astype(str).str.replace("/", "-", regex=False)  # as the file writes it: "2012-13"
    df["incidents"] = df["incidents"].astype("Int64")
    keep = ["year", "la_code", "la", "region", "incidents", "reporting_basis", "not_all_incidents", "recording_step",
            "recording_note"]
    return df[keep].reset_index(drop=True)


def hertfordshire_asb() -> pd.DataFrame:
    """police.uk anti-social behaviour points in Hertfordshire, April–June 2021 (anonymised snap
    points): ``month, lon, lat, lsoa_code, lsoa_name``. Rows without coordinates are kept (NaN).

    >>> asb = hertfordshire_asb()
    >>> sorted(asb["month"].unique())
    ['2021-04', '2021-05', '2021-06']

    ``lsoa_code`` is police.uk's LSOA **2011** code (as in all its files of those months): 736 of
    the 7,633 records carry one that ONS changed in 2021 and that Census 2021 LSOA tables do not
    have. :func:`saferstats.assign_lsoa21` maps them (an LSOA 2021 where one holds the record; the
    local authority, CSP and ward where the lookup gives them):

    >>> import warnings, saferstats
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")   # it names the 719 records with no single LSOA 2021
    ...     places = saferstats.assign_lsoa21(asb["lsoa_code"])
    >>> places.attrs["status"]
    {'lsoa21': 6897, 'irregular': 17, 'split': 693, 'split_areas': 26}
    >>> places.attrs["unplaced"]["la_code"]     # in LSOAs 2011 divided between two authorities
    26
    """
    with _path("hertfordshire_asb_2021-04_to_06.csv.gz").open("rb") as fh:
        df = pd.read_csv(fh, compression="gzip")
    return df.rename(columns={"Month": "month", "Longitude": "lon", "Latitude": "lat", "LSOA code": "lsoa_code",
                              "LSOA name": "lsoa_name"}).drop(columns=["Crime type"])
