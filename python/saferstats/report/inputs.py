"""The report's inputs as analysts download them: each section's file is recognised from its
header (a Home Office hate crime table, the Defra fly-tipping table, police.uk street-level files,
the NHS MHA annual statistics) and read with the matching reader, so no hand-cleaning is needed;
the config's ``area`` is resolved to the forces, CSPs and local authorities it names, for
highlighting; study areas keep the points inside them and count the rest."""

from __future__ import annotations

import csv
import dataclasses
import functools
import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from ..disproportionality import left_out_csp
from ..geography import display_name
from ..io import read_once
from .config import ConfigError
from .splits import _names
from .tables import number_of

__all__ = ["Scope", "scope_of", "read_table", "population_by_code", "points_in_study_area", "study_area_named", "stop_search_population",
           "refuse_left_out_csp", "over_months"]


@dataclasses.dataclass
class Scope:
    """What the config's ``area`` names: its label, and the forces, CSPs and local authorities
    (codes and names) inside it — or that contain it (the force of a CSP)."""

    label: str
    forces: set[str]
    csps: set[str]
    las: set[str]
    la_codes: set[str]

    def highlights(self, labels: Any, level: str | None = None) -> list[str]:
        """The labels (area names or codes) that are this area or inside it; all of them when the
        area is not known (the demo's districts are its CSPs). With ``level`` ("force", "csp" or
        "la"), only names of that level count: a force and a local authority can share a name
        (Dorset, Wiltshire, North Yorkshire), and the Poole CSP's local authority table is not the
        Dorset force's.

        >>> scope_of("Poole").highlights(["Dorset", "Bournemouth, Christchurch and Poole"], level="la")
        ['Bournemouth, Christchurch and Poole']
        """
        names = [str(x) for x in labels]
        if not self.label:
            return names
        pools = {"force": self.forces, "csp": self.csps, "la": self.las | self.la_codes}
        if level is None:
            pool = self.forces | self.csps | self.las | self.la_codes | {self.label}
        else:
            pool = pools[level] or {self.label}
        mine = {n.lower() for n in pool}
        return [n for n in names if n.lower() in mine]

    @property
    def in_wales(self) -> bool:
        """Whether every local authority of the area is Welsh (ONS codes ``W06...``): tables of
        England only (Defra's fly-tipping, NHS England's Mental Health Act statistics) have no
        figures for it, which the report says rather than showing England's as if they were its own.

        >>> scope_of("Cardiff").in_wales, scope_of("South Wales").in_wales, scope_of("Camden").in_wales
        (True, True, False)
        """
        return bool(self.la_codes) and all(str(c).startswith("W") for c in self.la_codes)

    def merged_districts(self, las: Any) -> list[dict[str, str]]:
        """Of ``las`` (local authority names), the districts of this area abolished by a merger since
        2018 whose successor is also among them: a table by local authority then has the district's
        own rows up to the merger and the new authority's after it (Defra's: Kettering to 2020/21,
        North Northamptonshire from 2021/22). Each as ``la``, ``successor``, ``abolished`` (the
        successor's first day, ISO) and ``csp`` (the CSP the district was).

        >>> scope_of("Kettering").merged_districts(["Kettering", "North Northamptonshire"])
        [{'la': 'Kettering', 'successor': 'North Northamptonshire', 'abolished': '2021-04-01', 'csp': 'Kettering'}]
        >>> scope_of("Stevenage").merged_districts(["Stevenage"])
        []
        """
        names = {str(x) for x in las}
        former = _former_las()
        former = former[former["la"].astype(str).isin(names & self.las) & former["successor"].astype(str).isin(names)]
        return [{"la": str(r.la), "successor": str(r.successor), "abolished": str(r.abolished)[:10], "csp": str(r.csp)}
                for r in former.sort_values("la").itertuples()]

    def wider_authorities(self, las: Any) -> list[str]:
        """Of ``las`` (local authority names), those that reach beyond this area when it is a CSP
        that is part of an authority (Poole, Bournemouth and Christchurch's part of Dorset CSP in
        Bournemouth, Christchurch and Poole): an authority's published figures are not the CSP's."""
        from ..geography import area_lookup

        if len(self.csps) != 1 or self.label.lower() not in {c.lower() for c in self.csps} | {
                c.lower() for c in self._csp_codes()}:
            return []
        lk = area_lookup()
        return sorted(la for la in map(str, las) if lk.loc[lk["la"] == la, "csp"].nunique() > 1)

    def _csp_codes(self) -> set[str]:
        from ..geography import area_lookup

        lk = area_lookup()
        return set(lk.loc[lk["csp"].isin(self.csps), "csp_code"].astype(str))


def scope_of(area: str) -> Scope:
    """The config's ``area`` resolved through the ONS LA -> CSP -> force lookup (December 2024).

    >>> s = scope_of("Hertfordshire")
    >>> sorted(s.forces), len(s.las), "Stevenage" in s.csps
    (['Hertfordshire'], 10, True)
    >>> scope_of("Stevenage").forces
    {'Hertfordshire'}
    >>> scope_of("Caerdydd").label, sorted(scope_of("Caerdydd").forces)
    ('Cardiff', ['South Wales'])
    """
    from ..geography import area_lookup

    lk = area_lookup()
    a = str(area or "").strip().lower()
    if not a:
        return Scope("", set(), set(), set(), set())
    for col in ("force_name", "csp", "la", "la_code", "csp_code", "force_code", "force"):
        rows = lk[lk[col].astype(str).str.lower() == a]
        if len(rows):
            # the districts merged into its authorities, which published series name up to the merger
            # (Carlisle, E07000028, in Defra's table to 2021/22; now part of Cumberland)
            former = _former_las()
            former = former[former.csp_code.isin(set(rows.csp_code))]
            return Scope(str(area), set(rows.force_name), set(rows.csp), set(rows.la) | set(former.la),
                         set(rows.la_code) | set(former.la_code))
    # another name of one area ("Hull", "Bristol", "Caerdydd", "Heddlu Gwent"): the area's own scope,
    # under its ONS name (the name the published tables use)
    from ..geography import UnknownAreaError, find_area

    for level in ("force", "csp", "la"):
        try:
            hit = find_area(a, level=level)  # type: ignore[arg-type]
        except UnknownAreaError:
            continue
        if hit["name"].lower() != a:
            return scope_of(hit["name"])
    return Scope(str(area), set(), set(), set(), set())


def _former_las() -> pd.DataFrame:
    """One row per district abolished by a merger since 2018 (:func:`saferstats.census_population`
    ``level="former_la"``), with its Census 2021 usual residents: a copy of the table made once
    per process (the bundled file does not change; a report asked for it 17 to 23 times, 0.1 s
    each: ``scope_of`` per table highlighted, the LA names, the denominators)."""
    return _former_las_once().copy()


@functools.lru_cache(maxsize=1)
def _former_las_once() -> pd.DataFrame:
    import saferstats as ss

    long = ss.census_population("former_la")
    keys = [c for c in long.columns if c not in ("ethnicity", "population")]
    return long.groupby(keys, as_index=False, sort=False)["population"].sum()


def ons_la_names() -> dict[str, str]:
    """ONS name of each local authority code: the December 2024 authorities of the bundled lookup
    and the districts abolished by mergers since 2018 (``"E08000013"`` -> ``"St. Helens"``, which
    Defra writes "St Helens" since 2021/22), the names the report's other tables use."""
    import saferstats as ss

    now = ss.census_population(level="la", census=2021).drop_duplicates("la_code")
    former = _former_las()
    out = {str(c): str(n) for c, n in zip(former["la_code"], former["la"])}
    out.update({str(c): str(n) for c, n in zip(now["la_code"], now["la"])})
    return out


def _header(path: Path) -> list[str]:
    if path.suffix.lower() != ".csv":
        return []
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        for row in csv.reader(fh):
            if any(c.strip() for c in row):
                return [c.strip() for c in row]
    return []


def read_table(section: str, sec: dict) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """(data, column defaults, notes) for a section's ``file``: a published table when its header
    says so (read with :func:`saferstats.read_hate_crime` / :func:`saferstats.read_flytipping`,
    every unusable row counted in a note), otherwise the file as a plain CSV."""
    import saferstats as ss

    if "data" in sec:
        return sec["data"], {}, []
    path = Path(sec["file"])
    head = [h.lower() for h in _header(path)]
    notes: list[str] = []
    published = path.suffix.lower() in (".ods", ".xlsx")
    if section == "hate_crime" and (published or ("force" in head and "year" in head) or
                                    (head and head[0].startswith("table") and "hate" in head[0])):
        t = ss.read_hate_crime(path, sheet=sec.get("sheet"))
        if t.attrs["summary"]["layout"] != "force":
            raise ConfigError(f"[hate_crime] file = '{path.name}' is the national strand table; the section needs one "
                              "row per area and period (e.g. the Home Office table by police force area)", "hate_crime.file")
        unusable = t["offences"].isna() | t["population"].isna()
        # a count published without a population (the City of London: '#N/A'): no rate, but its change
        # between years is the change in the count, so the section keeps it for the change table
        counts_only = t["offences"].notna() & t["population"].isna()
        no_count = t["offences"].isna()
        if no_count.any():
            left = t[no_count]
            notes.append(f" {number_of(int(no_count.sum()), 'row')} of the published table left out: no count published "
                         f"({', '.join(f'{display_name(f)} {p}' for f, p in zip(left.force, left.period))}).")
        if counts_only.any():
            left = t[counts_only]
            notes.append(f" {number_of(int(counts_only.sum()), 'row')} of the published table {'has' if int(counts_only.sum()) == 1 else 'have'} a count but no population "
                         f"({', '.join(f'{display_name(f)} {p}' for f, p in zip(left.force, left.period))}): no rate and "
                         "not in the "
                         "funnel plot; the change between years is shown, as the change in the count.")
        used = t[~unusable]
        one = used["period"].nunique() > 1 and bool((used.groupby("force")["population"].nunique() <= 1).all())
        notes.append(" Denominator: the populations published in the Home Office table (rounded to hundreds; the "
                     "table does not say which year's estimates they are)"
                     + ("; the table gives each force one population for every year, so a change in a rate is the "
                        "change in the count." if one else "."))
        out = t[~unusable].reset_index(drop=True)
        out.attrs["counts_only"] = t[counts_only].reset_index(drop=True)
        return out, {"area": "force", "period": "period", "count": "offences", "population": "population"}, notes
    if section == "flytipping" and (published or ("ons code" in head and "total incidents" in head)):
        with warnings.catch_warnings():  # the section names those counts in its text (sections._recording_changes)
            warnings.filterwarnings("ignore", message="read_flytipping: ", category=ss.SaferstatsWarning)
            # read once per process while the file is unchanged (a session of reports read it each time)
            t = read_once(ss.read_flytipping, path, **({"sheet": sec["sheet"]} if "sheet" in sec else {}))
        s = t.attrs["summary"]
        notes.append(f" Read from the Defra table as published: {s['rows']:,} authority-years; {s['aggregate_rows']} "
                     "regional and England total rows are not authorities and were left out.")
        return t, {"area": "la_name", "code": "la_code", "period": "period", "count": "incidents"}, notes
    try:
        return pd.read_csv(path), {}, notes
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as e:
        raise ConfigError(f"[{section}] file = '{path.name}' cannot be read as CSV: {e}", f"{section}.file") from None


def population_by_code(codes: pd.Series) -> tuple[pd.Series, str]:
    """Census 2021 usual residents of each local authority code (ONS codes, December 2024, and the
    districts abolished by mergers since 2018, by their own areas), and the denominator's
    description, which names the former districts used. Codes in neither are missing (never
    matched by name)."""
    import saferstats as ss

    pop = ss.census_population(level="la", census=2021).groupby("la_code")["population"].sum()
    former = _former_las().set_index("la_code")
    key = codes.astype(str)
    out = key.map(pop).fillna(key.map(former["population"]))
    used = former[former.index.isin(set(key)) & ~former.index.isin(pop.index)]
    note = "Census 2021 usual residents (matched by ONS code)"
    if len(used):
        moved = used[used.boundary_note != ""]
        note += (f"; {number_of(len(used), 'district')} abolished by mergers since 2018 "
                 + ("has rows under its own code, and uses the Census 2021 residents of its own area (the sum of the "
                    "LSOAs 2021 inside it), e.g. " if len(used) == 1 else "have rows under their own codes, and use the "
                    "Census 2021 residents of their own areas (sums of the LSOAs 2021 inside them), e.g. ")
                 + ", ".join(f"{n} ({c}, now {s})" for c, n, s in zip(used.index[:4], used.la[:4], used.successor[:4]))
                 + (f" and {len(used) - 4} others" if len(used) > 4 else "")
                 + (f". {moved.boundary_note.iloc[0][0].upper()}{moved.boundary_note.iloc[0][1:]}" if len(moved) else ""))
    return out, note


def study_area_named(area: str, level: str | None) -> Any:
    """The :class:`saferstats.StudyArea` of ``[hotspots] study_area`` (a force, CSP or local authority
    name or code, ``level`` its ``study_area_level``), or a :class:`ConfigError` in the config's words:
    a boundary file (refused), a name of two areas (the ``study_area_level`` to add) or of none.
    :func:`points_in_study_area` places the points with it; the report checks it before reading any
    section's files (:func:`saferstats.report.sections.check_before_reading`).

    >>> study_area_named("Hertfordshre", None)
    Traceback (most recent call last):
    ...
    saferstats.report.config.ConfigError: [hotspots] study_area = 'Hertfordshre' is not a police force area, CSP or local authority (see saferstats.find_area)
    """
    import saferstats as ss
    from ..exceptions import AmbiguousAreaError, UnknownAreaError
    from ..geography import is_geojson_path

    if is_geojson_path(area):
        raise ConfigError(_boundary_file_refused(area), "hotspots.study_area")
    try:
        return ss.StudyArea(area, level=level)  # type: ignore[arg-type]
    except AmbiguousAreaError as exc:  # (an UnknownAreaError too: said as the choice it is, in the config's words)
        said = re.sub(r"level='(\w+)'", r'study_area_level = "\1"', str(exc))
        said = re.sub(r"pass (study_area_level = \S+), '(\w+)' or '(\w+)'",
                      r'add \1, "\2" or "\3"', said).replace("pass study_area_level", "add study_area_level")
        raise ConfigError(f"[hotspots] study_area = '{area}': {said}", "hotspots.study_area") from None
    except UnknownAreaError:
        raise ConfigError(f"[hotspots] study_area = '{area}' is not a police force area, CSP or local authority "
                          "(see saferstats.find_area)", "hotspots.study_area") from None


def points_in_study_area(points: pd.DataFrame, lat: str, lon: str, area: str, level: str | None,
                         threshold: int = 5) -> tuple[pd.DataFrame, str, bool]:
    """The points inside the study area (a force, CSP or local authority name), a sentence
    counting those left out: outside the area, or without coordinates, and whether a count was
    withheld. Counts from 1 to ``threshold`` - 1 (the report's disclosure threshold) are written
    "fewer than {threshold}" - then the caller must not print the total, which would give them back.
    Places outside are named with their counts only from ``threshold`` up; the others are lumped
    together, and never a single one, whose count the total would give back."""
    sa = study_area_named(area, level)
    has = points[lat].notna() & points[lon].notna()
    inside = pd.Series(False, index=points.index)
    inside.loc[has] = sa.contains(points.loc[has, lat], points.loc[has, lon])
    outside = int(has.sum() - inside.sum())
    no_xy = int((~has).sum())
    small = [n for n in (outside, no_xy) if 0 < n < threshold]

    def shown(n: int) -> str:
        return f"fewer than {threshold}" if 0 < n < threshold else f"{n:,}"

    from .tables import place

    # only what was left out is said: "0 without coordinates were left out" told the reader of a
    # police.uk file (ASB: every record has its point) nothing but a count of nothing
    gone = [f"{shown(n)} {what}" for n, what in ((outside, "outside it"), (no_xy, "without coordinates")) if n]
    was = "was" if outside + no_xy == 1 and not small else "were"
    note = (f" Study area: {place(sa.name)} ({sa.level.upper() if sa.level != 'force' else 'police force area'}, "
            f"{sa.code}): {number_of(int(inside.sum()), 'point')} inside"
            + (f"; {' and '.join(gone)} {was} left out." if gone else ", none left out."))
    if outside:
        out = has & ~inside
        where = sa.outside(points.loc[out, lat], points.loc[out, lon]).sort_values("count", ascending=False, kind="stable")
        named = [(a, int(c)) for a, c in zip(where["area"], where["count"]) if int(c) >= threshold][:5]
        rest = len(where) - len(named)
        if rest == 1 and named:  # one place left over: its count would be the total less the others
            named, rest = named[:-1], 2
        top = ", ".join(f"{c:,} {'in ' + str(a) if a != 'no area' else 'in no area (at sea or beyond the coast)'}"
                        for a, c in named)
        left = [int(c) for a, c in zip(where["area"], where["count"]) if (a, int(c)) not in named]
        more = (f"{rest} {'more ' if named else ''}place{'s' if rest != 1 else ''}"
                + (f" with fewer than {threshold}{' each' if rest != 1 else ''}" if left and max(left) < threshold else ""))
        note += " Outside: " + (f"{top} and {more}." if top and rest else f"{top}." if top else f"{more}.")
    return points[inside.to_numpy()], note, bool(small)


def _boundary_file_refused(area: str) -> str:
    """Why the report's ``study_area`` is not a boundary file's path, and what to give: the
    report names its study area in its text, its summary and its limitations by the config's
    ``study_area`` (a path would read "the squares in /…/boundaries_ltla24.geojson") and finds the
    area's force from it, so it takes the area's name or code. The file's one feature name, when it
    is a force, CSP or local authority, is offered as that name."""
    import saferstats as ss
    from ..exceptions import SaferstatsError

    said = (f"[hotspots] study_area = '{area}' is a boundary file; the report's study_area is the name or code of a "
            "police force area, CSP or local authority (study_area = \"Watford\"), which it names in its text and "
            "whose outline it takes from the ONS boundaries")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sa = ss.StudyArea(area)
    except (SaferstatsError, OSError) as exc:
        return f"{said} (the file could not be read as one: {exc})"
    if sa.name != "the study area polygon" and not caught:
        try:
            hit = ss.find_area(sa.name)
        except SaferstatsError:
            hit = None
        if hit is not None:
            return f"{said}: the file's feature is {sa.name}, so give study_area = \"{hit['name']}\""
    many = " (its features are several areas, taken together)" if caught else ""
    return (f"{said}{many}; for an area of your own outline, map the points in Python with "
            f"saferstats.StudyArea('{area}') as study_area= of the hotspot functions")


def stop_search_period(records: pd.DataFrame) -> tuple[str, int]:
    """('Dec 2019 to Feb 2020', 3): the months the searches cover (first to last, inclusive); one
    month is said once, ('Feb 2020', 1), not "Feb 2020 to Feb 2020".

    >>> stop_search_period(pd.DataFrame({"date": ["2019-12-03", "2020-02-28"]}))
    ('Dec 2019 to Feb 2020', 3)
    >>> stop_search_period(pd.DataFrame({"date": ["2020-02-03", "2020-02-28"]}))
    ('Feb 2020', 1)
    """
    months = pd.to_datetime(records["date"], errors="coerce", utc=True).dropna()
    if not len(months):
        return "unknown period", 0
    first, last = months.min(), months.max()
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    return (f"{first:%b %Y}" if n == 1 else f"{first:%b %Y} to {last:%b %Y}"), int(n)


def over_months(n: int, the: str = "the") -> str:
    """"over the 3 months", or "over the month" for one: the words the report says of rates over
    ``n`` months (the stop-and-search text, caption and rate heads; "over the 1 months" was on
    the page for a one-month file). ``the``: "the" or "these" ("this" for one month).

    >>> over_months(3), over_months(1), over_months(11, "these"), over_months(1, "these")
    ('over the 3 months', 'over the month', 'over these 11 months', 'over this month')
    """
    if n == 1:
        return f"over {'this' if the == 'these' else the} month"
    return f"over {the} {n:g} months"



#: ``[stop_search] population`` as the report reads it without help: one row per area and group
_LONG_POPULATION = "columns for the areas of `by`, ethnicity and population (one row per area and group)"


def stop_search_population(path: Any, by: list[str]) -> tuple[pd.DataFrame, str]:
    """The ``[stop_search] population`` file as a table of residents by area and ethnic group, and
    the words the section says of it ("" for a table already in that form).

    A table with ``ethnicity`` and ``population`` columns is read as it is. Any other file is read
    as the Census 2021 ethnic group table (ONS TS021) as ONS, Nomis or Trafford Data Lab publish it
    (:func:`saferstats.read_census_ethnicity`), summed to the areas of ``by`` (``csp``, ``la``,
    else ``force``): a table by local authority at that level, a table by LSOA 2021
    (``ts021_ethnic_group_lsoa21.csv``, Nomis's ``census2021-ts021-lsoa.csv``) with
    ``level="lsoa"`` and its LSOAs summed here by the places the reader gives them (ONS December
    2024 lookup; by CSP the reader sums them, ``level="csp"``), in the columns the reader gives at
    that level (a local authority split across CSPs has its CSPs joined by "; " and ``csp_split``
    true, as :func:`saferstats.census_population`). A CSP that is part of an authority split
    across CSPs (Wycombe, of Buckinghamshire) has no row in a table by local authority: where
    searches are placed in one, :func:`refuse_left_out_csp` says so and names the LSOA table.
    By local authority the areas are those of December 2024, where the analysis places the searches:
    a table by the authorities of 2021 has its districts abolished since (Allerdale, Carlisle and
    Copeland) summed into their successor (Cumberland), and is refused naming the districts it lacks
    where it has only some of a successor's.
    The words name the table, its Census date (21 March 2021), the file and what was summed.
    Method: sums of the published counts; the LSOA sums are used as they are. ONS perturbed each
    table apart, so an area summed from LSOAs can differ by a few residents per group from the
    authority table (police force areas of England and Wales: at most 106 residents in a group,
    Metropolitan's Asian; 12 of Cumbria's 1,194 Black residents, 1%), and by the 1,914 residents of the LSOA that moved from Northamptonshire to
    Cherwell (Thames Valley) after 2021, where the LSOAs are placed at 2024 boundaries. A file
    neither reads is refused with a :class:`ConfigError` for ``stop_search.population`` that gives
    the reader's reason and says what to pass.

    >>> import tempfile, pathlib, warnings
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "pop.csv"
    >>> _ = f.write_text("lsoa21_code,asian,black,mixed,white,other,total_residents\\nE01000001,158,11,56,1181,68,1474\\n")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     pop, words = stop_search_population(f, ["force"])
    >>> pop[["force", "ethnicity", "population"]].head(2).to_dict("records")
    [{'force': 'city-of-london', 'ethnicity': 'Asian', 'population': 158}, {'force': 'city-of-london', 'ethnicity': 'Black', 'population': 11}]
    >>> words.split(", from ")[1]
    'pop.csv, summed from its LSOAs 2021 to police force areas.'
    """
    import saferstats as ss

    from ..exceptions import SaferstatsError

    head = [str(c).strip() for c in pd.read_csv(path, nrows=0).columns]
    if {"ethnicity", "population"} <= {c.lower() for c in head}:  # (as before: the analysis reads it)
        return pd.read_csv(path), ""
    level = "csp" if any(str(b).startswith("csp") for b in by) else \
        "la" if any(str(b).startswith("la") for b in by) else "force"
    name = Path(str(path)).name
    parts = "local authorities"
    try:
        try:
            pop = ss.read_census_ethnicity(path, level=level)
            if "LSOA" in str(pop.attrs.get("table", "")):  # (by CSP the reader sums an LSOA table itself)
                parts = "LSOAs 2021"
        except SaferstatsError as exc:
            if "pass level='lsoa'" not in str(exc):
                raise
            # the table by LSOA 2021: read as such and summed here to the areas of `by`
            pop, parts = _lsoa_sums(ss.read_census_ethnicity(path, level="lsoa"), level), "LSOAs 2021"
    except SaferstatsError as exc:
        said = re.sub(r"^.*?" + re.escape(str(path)) + r":\s*", "", str(exc))  # (the reason, not the path again)
        raise ConfigError(
            f"[stop_search] population: {name} could not be read as Census 2021 ethnic groups: {said}. Pass a table with "
            f"{_LONG_POPULATION}, or the Census 2021 ethnic group table TS021 by local authority or LSOA as published "
            "(ONS / Nomis, e.g. ts021_ethnic_group_detailed_ltla21.csv or ts021_ethnic_group_lsoa21.csv, or Trafford "
            "Data Lab's long table), or leave population out for the Census figures the package bundles "
            "([stop_search] census)", "stop_search.population") from None
    merged = ""
    if level == "la" and parts == "local authorities":  # (a table of 2021's authorities: the searches' are 2024's)
        pop, merged = _successor_las(pop, name)
    where = {"force": "police force areas", "csp": "Community Safety Partnerships", "la": "local authorities"}[level]
    words = (f" Populations: Census 2021 ethnic group (ONS table TS021), usual residents on Census day, 21 March 2021, "
             f"from {name}, summed from its {parts} to {where}{merged}.")
    return pop, words


def refuse_left_out_csp(exc: Exception, pop: pd.DataFrame | None) -> None:
    """Raise, for the error ``exc`` of a stratum with no population (``no population for
    {'csp': 'Wycombe', ...}``), a :class:`ConfigError` for ``stop_search.population`` that says why
    and what to pass, where that CSP is one :func:`saferstats.read_census_ethnicity` left out of
    the Census 2021 table by local authority (its ``attrs["dropped"]`` records: a CSP that is part
    of an authority split across CSPs, Wycombe of Buckinghamshire, which an authority table cannot
    give): the table by LSOA gives it. Any other error: nothing.

    The CSP is the one the error is about (:class:`~saferstats.UnknownAreaError`'s ``stratum`` and
    ``key``), not one found in its wording: a reworded message changes nothing here.
    """
    key, stratum = getattr(exc, "key", None), getattr(exc, "stratum", None)
    if pop is None or key not in ("csp", "csp_code") or not isinstance(stratum, dict) or key not in stratum:
        return
    left = left_out_csp(pop.attrs.get("dropped"), stratum[key])
    if left is None:
        return
    raise ConfigError(
        f"[stop_search] population: {left}. Pass the Census 2021 "
        "TS021 table by LSOA as [stop_search] population (ts021_ethnic_group_lsoa21.csv, or Nomis's "
        "census2021-ts021-lsoa.csv): each LSOA is placed in its CSP; or leave population out for the Census figures "
        "the package bundles ([stop_search] census)", "stop_search.population") from None


def _successor_las(pop: pd.DataFrame, name: str) -> tuple[pd.DataFrame, str]:
    """``read_census_ethnicity(level="la")``'s rows of districts abolished since (Census 2021 by
    authority has Allerdale, E07000026, where the searches are placed in Cumberland, E06000063)
    summed into their December 2024 authority, in the columns :func:`saferstats.census_population`
    gives it (its CSPs, ``csp_split``); the words that say which. A successor some of whose former
    districts the file lacks is refused (its sum would be too small), naming them."""
    import saferstats as ss

    former = _former_las().set_index("la_code")
    old = pop["la_code"].astype(str).isin(former.index)
    if not old.any():
        return pop, ""
    codes = set(pop.loc[old, "la_code"].astype(str))
    succ = sorted(set(former.loc[sorted(codes), "successor_code"]))
    lacking = {s: sorted(former.index[(former["successor_code"] == s) & ~former.index.isin(codes)]) for s in succ}
    lacking = {s: c for s, c in lacking.items() if c}
    if lacking:
        said = "; ".join(f"{former.loc[c[0], 'successor']} ({s}) lacks " + ", ".join(f"{former.loc[x, 'la']} ({x})" for x in c)
                         for s, c in lacking.items())
        raise ConfigError(f"[stop_search] population: {name} has local authorities of before the mergers of 2019-2023 "
                          f"but not all the districts of each December 2024 authority, where the searches are placed: "
                          f"{said}. Pass the whole Census 2021 TS021 table by local authority or LSOA "
                          "(e.g. ts021_ethnic_group_lsoa21.csv), or a table by the December 2024 authorities with "
                          f"{_LONG_POPULATION}", "stop_search.population")
    now = ss.census_population(level="la", census=2021).drop_duplicates("la_code").set_index("la_code")
    keys = [c for c in pop.columns if c not in ("population",)]
    moved = pop.loc[old].copy()
    moved["la_code"] = moved["la_code"].astype(str).map(former["successor_code"])
    for c in (c for c in keys if c in now.columns and c != "ethnicity" and c != "census"):
        moved[c] = moved["la_code"].map(now[c])
    summed = moved.groupby(keys, as_index=False, sort=False, dropna=False)["population"].sum()
    out = pd.concat([pop.loc[~old], summed[pop.columns]], ignore_index=True)
    out.attrs.update(pop.attrs)
    names = sorted(set(now.loc[succ, "la"]))
    words = (f" of December 2024, where the searches are placed ({len(codes)} districts abolished since 2021 summed "
             f"into {_names(names, limit=len(names))})")  # ("Somerset and 'Westmorland and Furness'")
    return out, words


def _lsoa_sums(lsoa: pd.DataFrame, level: str) -> pd.DataFrame:
    """``read_census_ethnicity(level="lsoa")``'s rows summed to ``level`` (force or la; by CSP the
    reader sums them itself, ``level="csp"``), in the columns ``read_census_ethnicity`` gives at
    that level; the table's ``attrs`` kept."""
    from ..geography import bundled_table

    if level == "force":
        out = lsoa.groupby(["force", "ethnicity"], as_index=False)["population"].sum()
        rows = bundled_table("lookup_la24_csp24_pfa24.csv.gz").drop_duplicates("force").set_index("force")
        out.insert(1, "force_name", out["force"].map(rows["force_name"]))
        out.insert(2, "force_code", out["force"].map(rows["force_code"]))
    else:  # an authority across CSPs (BCP: Bournemouth; Poole; Dorset) says all of them, as census_population("la")
        cs = lsoa.drop_duplicates(["la_code", "csp_code"]).sort_values("csp_code").groupby("la_code")
        out = lsoa.groupby(["la", "la_code", "force", "ethnicity"], as_index=False)["population"].sum()
        out.insert(2, "csp", out["la_code"].map(cs["csp"].agg("; ".join)))
        out.insert(3, "csp_code", out["la_code"].map(cs["csp_code"].agg("; ".join)))
        out.insert(5, "csp_split", out["la_code"].map(cs["csp_code"].nunique() > 1))
    out["census"] = 2021
    out.attrs.update(lsoa.attrs)
    return out
