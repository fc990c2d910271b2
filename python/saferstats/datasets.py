"""Bundled real demo data, tidied (see ``saferstats/data/PROVENANCE.md``)."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["hate_crime_by_force", "hate_crime_national", "STRANDS"]

#: The five centrally monitored hate crime strands, as named in the Home Office tables.
STRANDS = ("Race", "Religion", "Sexual orientation", "Disability", "Transgender")


def _path(name: str):
    return resources.files("saferstats").joinpath("data", name)


def hate_crime_by_force(long: bool = False) -> pd.DataFrame:
    """Home Office police-recorded hate crime by police force area, 2017-18 and 2018-19.

    Wide (default): one row per force and year with columns ``force, year, Race, Religion,
    Sexual orientation, Disability, Transgender, motivating_factors, offences, population,
    published_rate`` (``published_rate`` is the Home Office's rounded rate per 100,000).
    ``long=True``: one row per force, year and strand with ``count`` and ``population``.
    The City of London has no published population (``#N/A`` in the source): its population and
    rate are missing (NaN), not dropped.

    >>> df = hate_crime_by_force()
    >>> df.loc[(df.force == "Hertfordshire"), ["year", "offences", "population"]]
           year  offences  population
    24  2017-18      1468     1184400
    67  2018-19      1600     1184400
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
    df["population"] = df["population"].astype("Int64")
    if not long:
        return df
    out = df.melt(
        id_vars=["force", "year", "population"], value_vars=list(STRANDS), var_name="strand", value_name="count"
    )
    return out[["force", "year", "strand", "count", "population"]]


def hate_crime_national() -> pd.DataFrame:
    """Hate crimes recorded by the police in England and Wales by strand, 2011/12 to 2018/19.

    Long format: ``year, strand, count`` (from Home Office bulletin Table 2), plus the strand
    ``"Total offences"`` (not available for 2011/12).

    >>> nat = hate_crime_national()
    >>> int(nat.query("strand == 'Race' and year == '2018/19'")["count"].iloc[0])
    78991
    """
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
    return long[["year", "strand", "count"]].reset_index(drop=True)
