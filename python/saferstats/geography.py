"""Census 2021 denominators and the areas a CSP reports on: which local authority, Community Safety
Partnership or police force area each point falls in (issue 12).

* :func:`census_population` - usual residents by the five broad ethnic groups (Census 2021, TS021)
  for every police force area, local authority (2024 codes), CSP and LSOA 2021 in England and Wales,
  and the 19 detailed groups by local authority; ``census=2011`` gives the bundled 2011 tables.
* :func:`assign_area` - the local authority, CSP or force containing each point (exact
  point-in-polygon in Rust against the bundled generalised boundaries, or your own boundaries),
  with every point in no area counted and reported.
* :func:`assign_lsoa21` - the LSOA 2021, ward, local authority, CSP and force of each LSOA code,
  2011 or 2021 (police.uk files code earlier months with LSOAs 2011), through ONS's LSOA (2011) ->
  LSOA (2021) lookup; codes of LSOAs 2011 split in 2021 keep their authority, and are counted.
* :func:`find_area` - look an area up by name or code (close matches listed when there is none).
* :func:`area_lookup` - the ONS local authority -> CSP -> police force area lookup (December 2024).
* :func:`force_id` - the police.uk identifier of a force slug, name or code (joins police.uk files,
  Home Office tables and the Census tables).

Data: ``saferstats/data/PROVENANCE.md`` ("Census 2021 denominators and boundaries", "LSOA 2011 ->
LSOA 2021"); the bundled files are built by ``tools/build_census2021.py`` and
``tools/build_lsoa11_lsoa21.py``.
"""

from __future__ import annotations

import copy
import difflib
import functools
import gzip
import json
import re
import warnings
import zlib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._frames import as_float_array, as_pandas, check_same_order, plain
from .io import read_bounded
from .exceptions import (
    AmbiguousAreaError,
    BoundaryError,
    CoordinateError,
    InvalidInputError,
    LengthMismatchError,
    SaferstatsWarning,
    UnknownAreaError,
    number_of,
    warn_user,
)

__all__ = [
    "census_population",
    "assign_area",
    "assign_lsoa21",
    "find_area",
    "area_lookup",
    "force_id",
    "StudyArea",
    "CoordinateError",
    "UnknownAreaError",
    "AmbiguousAreaError",
    "BoundaryError",
    "BROAD_GROUPS",
]

#: The five broad ethnic groups (Census 2021 TS021 and Home Office stop-and-search statistics).
BROAD_GROUPS = ("White", "Black", "Asian", "Mixed", "Other")

_LEVELS = ("force", "la", "csp", "ward", "lsoa", "former_la")
_POINT_LEVELS = ("la", "csp", "force")
#: Great Britain's longitudes, generously (degrees, open interval): with :data:`GB_LAT`, the box
#: :func:`check_swapped` (and the hotspot functions' check of swapped coordinates) tests points
#: against, as given and with latitude and longitude exchanged. Public since session 27 (was ``_GB_LON``).
GB_LON = (-9.0, 2.5)
#: Great Britain's latitudes, generously (degrees, open interval): see :data:`GB_LON`. Public since
#: session 27 (was ``_GB_LAT``).
GB_LAT = (49.0, 61.5)


# ------------------------------------------------------------------------------------------------
# bundled data


def _path(name: str) -> Any:
    return resources.files("saferstats").joinpath("data", name)


@functools.lru_cache(maxsize=None)
def bundled_table(name: str) -> pd.DataFrame:
    """The bundled gzip CSV ``data/<name>`` as read once per session (cached: copy it before
    changing it); empty cells stay ``""`` (no value is read as missing).

    >>> len(bundled_table("lookup_la24_csp24_pfa24.csv.gz"))
    332
    """
    with _path(name).open("rb") as fh:
        return pd.read_csv(fh, compression="gzip", dtype={"csp_basis": str, "district18_code": str},
                           keep_default_na=False, na_values=[])


@functools.lru_cache(maxsize=None)
def _geojson(name: str) -> dict[str, Any]:
    with _path(name).open("rb") as fh:
        out: dict[str, Any] = json.loads(gzip.decompress(fh.read()))
        return out


def area_lookup() -> pd.DataFrame:
    """The ONS "Local Authority District to Community Safety Partnership to Police Force Area
    (December 2024)" lookup for England and Wales, with police.uk force identifiers.

    Columns ``la_code, la, csp_code, csp, force_code, force_name, force, csp_split``. Seven
    authorities formed by mergers (BCP, Buckinghamshire, North and West Northamptonshire,
    Cumberland, Westmorland and Furness, East Suffolk) have one row per CSP (``csp_split`` True):
    their CSPs follow the districts they were merged from.

    >>> lk = area_lookup()
    >>> len(lk), lk["la_code"].nunique(), int(lk["csp_split"].sum())
    (332, 318, 21)
    """
    return bundled_table("lookup_la24_csp24_pfa24.csv.gz").copy()


def area_names(level: str) -> pd.Series:
    """The December 2024 names of one level's areas (``"la"``, ``"csp"`` or ``"force"``) indexed by
    their ONS codes, from the bundled lookup.

    >>> area_names("force")["E23000027"]
    'Hertfordshire'
    """
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    col = {"la": ("la_code", "la"), "csp": ("csp_code", "csp"), "force": ("force_code", "force_name")}[level]
    return lk.drop_duplicates(col[0]).set_index(col[0])[col[1]]


def close_matches(word: str, options: Sequence[str], n: int = 5) -> list[str]:
    """Names like ``word``: first those holding it as whole words (a short form, "Rhondda" for
    "Rhondda Cynon Taf", whose spelling is too far off for difflib), then difflib's look-alikes.

    >>> close_matches("Rhondda", ["Rhondda Cynon Taf", "Ronda", "Merthyr Tydfil"])
    ['Rhondda Cynon Taf', 'Ronda']
    """
    lower = {o.lower(): o for o in options}
    w = " ".join(word.lower().replace(".", " ").split())
    held = [o for lo, o in lower.items() if len(w) >= 4 and re.search(rf"(^|[\s,(-]){re.escape(w)}($|[\s,)-])", lo)]
    held.sort(key=lambda o: -difflib.SequenceMatcher(None, w, o.lower()).ratio())
    alike = [lower[m] for m in difflib.get_close_matches(word.lower(), list(lower), n=n, cutoff=0.6)]
    return list(dict.fromkeys([*held, *alike]))[:n]


#: What analysts call the levels (ONS and police names), for the hint of an unknown level.
_LEVEL_WORDS = {"pfa": "force", "police force": "force", "police force area": "force", "lad": "la", "ltla": "la",
                "lta": "la", "district": "la", "local authority": "la", "community safety partnership": "csp",
                "lsoa21": "lsoa", "lsoa 2021": "lsoa", "wards": "ward", "electoral ward": "ward",
                "electoral wards": "ward", "ward24": "ward", "electoral division": "ward"}
#: Levels analysts ask for that are not offered, with why (a close-looking valid level would
#: mislead: an LSOA 2011 is not an LSOA 2021, an MSOA is not an LSOA, a county is not a district).
_NOT_OFFERED = {
    **{w: "LSOAs here are LSOAs 2021 (Census 2021 geography); LSOA 2011 codes (police.uk street-level files "
          "carry them into 2023: Hertfordshire's of 2021, the City of London's of 2023-01 to 2023-04) that changed in 2021 find no row in them, so 'lsoa' is not the 2011 level: assign_lsoa21(codes) "
          "gives each LSOA 2011 code its LSOA 2021 (or, where it was split, its ward and local authority)"
       for w in ("lsoa11", "lsoa 2011", "lsoa2011", "lsoa_2011", "lsoa 11")},
    **{w: "MSOAs are not bundled (an MSOA is a group of LSOAs, not an LSOA)" for w in ("msoa", "msoa21", "msoa11")},
    **{w: "upper-tier authorities (counties) are not a level here; 'la' is the lower tier (districts and unitary "
          "authorities); a county's districts share its police force area in most of England ('force')"
       for w in ("utla", "county", "counties", "upper tier", "upper-tier local authority")},
    **{w: "regions and countries are not a level here" for w in ("region", "rgn", "country", "ctry")},
}


def check_level(level: Any, valid: Sequence[str], *, census: int | None = None) -> str:
    """``level`` checked against ``valid`` (any case: ``"CSP"`` is ``"csp"``), or an
    :class:`UnknownAreaError` with a hint: the level meant (``"pfa"``: ``'force'``), or that a level
    exists for Census 2021 only."""
    if isinstance(level, str) and level.strip().lower() in valid:
        return level.strip().lower()
    word = _LEVEL_WORDS.get(str(level).strip().lower())
    if census == 2011 and (str(level).strip().lower() in _LEVELS or word in _LEVELS) and (word or str(level)) not in valid:
        raise UnknownAreaError(
            f"level {level!r} is available for census=2021 only; census=2011 offers {', '.join(repr(v) for v in valid)}",
            "level")
    key = str(level).strip().lower()
    if key in _NOT_OFFERED:
        raise UnknownAreaError(f"unknown level {level!r}; valid: {', '.join(repr(v) for v in valid)}. "
                               f"{_NOT_OFFERED[key]}", "level")
    if tuple(valid) == _POINT_LEVELS and (key in ("ward", "lsoa") or word in ("ward", "lsoa")):
        raise UnknownAreaError(
            f"unknown level {level!r}; valid: {', '.join(repr(v) for v in valid)}. Points are placed in local "
            "authorities, CSPs and force areas only (no ward or LSOA boundaries are bundled); police.uk files "
            "carry each record's LSOA in `lsoa_code`, and census_population('lsoa') has its ward", "level")
    hint = [word] if word in valid else close_matches(str(level), valid, 2)
    raise UnknownAreaError(
        f"unknown level {level!r}; valid: {', '.join(repr(v) for v in valid)}"
        + (f" (did you mean {hint[0]!r}?)" if hint else ""),
        "level",
    )


def find_area(query: str, *, level: Literal["la", "csp", "force"] | None = None) -> dict[str, str]:
    """The area whose name or code is ``query`` (case-insensitive; police.uk force ids such as
    ``"avon-and-somerset"``, and a force as the Home Office or police.uk spells it, such as ``"City of
    London"`` or ``"Devon and Cornwall"``, work at ``level="force"``), as ``{"level", "code", "name"}``.

    Other names of one area find it, and the result gives its ONS name: the ONS inverted names either
    way round or without their tail (``"Bristol"``, ``"City of Bristol"``: ``"Bristol, City of"``),
    the short form before a join (``"Southend"``, ``"Stoke"``, ``"Brighton"``, ``"Durham"``), the
    Welsh names of Welsh authorities and forces (``"Caerdydd"``, ``"Heddlu De Cymru"``), the Welsh
    councils' own names (``"Cyngor Bwrdeistref Sirol Wrecsam"``, ``"Cyngor Sir Gâr"``) and ``"Hull"``.
    A short form that two areas share (``"Newcastle"``, ``"Kingston"``) is refused, naming both
    (:class:`AmbiguousAreaError`). Short names analysts write find the one area they mean:
    ``"Bucks"`` (Buckinghamshire), ``"BCP"`` (Bournemouth, Christchurch and Poole), ``"RCT"``, and
    ``"Barrow"`` as ``"Barrow-in-Furness"``: the CSP (``level="csp"``); at ``level="la"`` (and without
    a level) the error says that the district was merged into Westmorland and Furness in 2023.
    Names are matched as analysts type them: any case and spacing, ``"&"`` for ``"and"``
    (``"Brighton & Hove"``), with or without full stops, apostrophes and hyphens (``"St Helens"``,
    ``"Kings Lynn and West Norfolk"``, ``"Stockton on Tees"``), ``"Saint"`` for ``"St"``, a leading
    ``"City of"`` (``"City of Westminster"``, ``"City of York"``), a trailing ``"Council"``
    (``"Watford Borough Council"``, ``"St Albans City and District Council"``; ``"North Herts"``
    and ``"East Herts"`` as the councils call themselves) and ``"Rhondda Cynon Taff"`` (the spelling of ONS's earlier
    lookups and police.uk's LSOA names elsewhere) for ONS's ``"Rhondda Cynon Taf"``. A CSP's name
    followed by ``"CSP"`` or ``"Community Safety Partnership"`` (``"Bolton CSP"``) is that CSP at
    ``level="csp"``; at another level (or none) it is refused, naming the CSP and its force area.

    ``level``: ``"la"``, ``"csp"`` or ``"force"``. Without it (``None``), a police.uk force id
    (lower case and hyphenated: ``"north-yorkshire"``, ``"city-of-london"``) is the force; anything
    else the local authority, or, when no local authority has that name, the police force area that
    has (``"South Yorkshire"``, ``"Merseyside"``, ``"GMP"``, ``"Essex Police"``: ``level`` is
    ``"force"`` in the result). Two kinds of area of one name are refused with
    :class:`AmbiguousAreaError` instead of guessed, naming both: a local authority and the police
    force area covering more than it (``"Durham"``: County Durham, the force area adds Darlington;
    ``"North Yorkshire"``: the force adds York; ``"Dorset"``: the force adds Bournemouth, Christchurch
    and Poole; ``"Wiltshire"``: the force adds Swindon; their Census 2021 populations differ by
    100,000 or more), and a county council and the force area of its name (``"Essex"``: the force adds
    Southend-on-Sea and Thurrock; ``"Leicestershire"``: Leicester and Rutland; ``"Hertfordshire"``:
    the same 10 districts, said so) - pass ``level="la"`` (a district) or ``level="force"``.

    A CSP code of ONS's December 2016 lookup (the Census 2011 CSP table's) that is no December 2024
    CSP (``"W14000016"``, Rhondda Cynon Taf; ``"W14000017"``, Merthyr Tydfil: both part of Cwm Taf,
    W14000023, since 2019) is refused naming the CSP it is now part of.

    Raises :class:`UnknownAreaError` when there is no such area: when ``query`` names an area at
    the other level it says so (``find_area("Buckinghamshire", level="csp")``: a merged authority
    whose CSPs are Aylesbury Vale, Chiltern, South Bucks and Wycombe; ``find_area("Aylesbury Vale")``:
    a CSP covering Buckinghamshire); when it names a district abolished by a merger since 2016
    (``"Harrogate"``, ``"Christchurch"``, ``"Taunton Deane"``) it names the successor, the CSP and
    where the district's own population is; ``"Dorset County Council"`` (abolished in 2019, whose
    area is the unitary Dorset and Christchurch, now in BCP: the CSP ``"Dorset"``) is refused at
    ``level="la"``, saying so, and not taken for the smaller unitary Dorset; when it names a police force area (``"Merseyside"`` at
    ``level="la"`` or ``"csp"``) it says so, with the force's police.uk id (:func:`force_id`) and the
    areas it covers, and offers close matches only among those areas (never ``"Tameside"``, a
    look-alike in another force); otherwise it lists the close matches, a misspelt force among them
    marked as a police force area (``"Mersyside"``: ``'Merseyside' (a police force area: level='force')``).

    A town is no area here, and is never taken for one: ``"Hemel Hempstead"``, ``"Hatfield"``,
    ``"Welwyn"`` or ``"Stevenage Old Town"`` is refused, naming the local authority (or, at
    ``level="csp"``/``"force"``, the CSP or force area) holding the electoral wards whose names hold
    it as whole words ("Hemel Hempstead Town" in Dacorum; "Old Town" in Stevenage), all of them when
    there are several (Hatfield: Welwyn Hatfield, Doncaster, Braintree, Uttlesford), with the call that
    finds the authority; a town's other wards need not carry its name. A name of several words that
    no ward holds is looked for by its first words ("Welwyn Garden City": the wards "Welwyn East" and
    "Welwyn West" of Welwyn Hatfield); a name no ward holds at all and with no close match
    (``"Radlett"``) is told to use the local authority it is in, which saferstats cannot name.

    A county council is an upper-tier council, not one of these levels (its area is its districts):
    ``"Hertfordshire County Council"``, ``"Herts CC"``, ``"Kent CC"``, ``"Essex County Council"``,
    ``"Devon County Council"`` are refused at ``level="la"``/``"csp"`` (and without a level), naming
    its districts (the force area's lower-tier, E07, authorities), their Census 2021 residents and the
    force area: where that force area is exactly the county's districts (Hertfordshire, Surrey,
    Norfolk, ...) the error says so and names ``find_area('Hertfordshire', level='force')`` (or
    ``StudyArea('Hertfordshire')``) for the council's whole area and ``find_area('Broxbourne',
    level='la')`` for one district; the former is then what ``level="force"`` returns for the
    council's name; where the force area also covers
    unitary authorities (Kent: Medway; Essex: Southend-on-Sea and Thurrock; Devon and Cornwall) it is
    refused at ``level="force"`` too, naming them. The bare county name (``"Hertfordshire"``,
    ``"Herts"``, ``"Kent"``) names both the council and the force area and is refused as above.

    >>> find_area("st albans")
    {'level': 'la', 'code': 'E07000240', 'name': 'St Albans'}
    >>> find_area("Caerdydd")
    {'level': 'la', 'code': 'W06000015', 'name': 'Cardiff'}
    >>> find_area("South Yorkshire")
    {'level': 'force', 'code': 'E23000011', 'name': 'South Yorkshire'}
    >>> find_area("Hertfordshre", level="force")
    Traceback (most recent call last):
    ...
    saferstats.exceptions.UnknownAreaError: no force named or coded 'Hertfordshre'; close matches: 'Hertfordshire', ...
    >>> find_area("Westmorland and Furness", level="csp")
    Traceback (most recent call last):
    ...
    saferstats.exceptions.UnknownAreaError: no csp named or coded 'Westmorland and Furness': Westmorland and Furness (E06000064) is a local authority formed by a merger; its CSPs follow the districts it was merged from: 'Barrow-in-Furness' (E22000032), 'Eden' (E22000035), 'South Lakeland' (E22000036). Pass one of them, or level='la' for the authority
    >>> find_area("Hemel Hempstead")
    Traceback (most recent call last):
    ...
    saferstats.exceptions.UnknownAreaError: no la named or coded 'Hemel Hempstead'; 'Hemel Hempstead' is not a local authority, CSP or police force area; if it is a town, use the local authority it is in (found from ward names, so a town's other wards may be missed): the ward 'Hemel Hempstead Town' is in Dacorum (E07000096), so find_area('Dacorum'); no close matches
    >>> find_area("Herts CC", level="force")
    {'level': 'force', 'code': 'E23000027', 'name': 'Hertfordshire'}
    >>> find_area("Bolton Community Safety Partnership", level="csp")
    {'level': 'csp', 'code': 'E22000099', 'name': 'Bolton'}
    """
    if not isinstance(query, str) or not query.strip():  # None, "", 12: no name (it got "if '' is a town ...")
        raise UnknownAreaError(f"query must be an area's name or ONS code (text, e.g. 'Bolton' or 'E22000099'), "
                               f"got {query!r}", "query")
    if level is None:
        if _is_force_slug(query):  # "north-yorkshire": police.uk's id of a force, not a council's name
            return find_area(query, level="force")
        try:
            found = find_area(query, level="la")
        except AmbiguousAreaError:
            raise
        except UnknownAreaError:
            force = _force_without_level(query)  # "South Yorkshire": no authority, one force area
            if force is None:
                raise
            return force
        _refuse_la_or_force(query, found)
        return found
    lvl = check_level(level, _POINT_LEVELS)
    names = area_names(lvl)
    q = str(query).strip().lower()
    for code, name in names.items():
        if q in (str(code).lower(), str(name).lower()):
            return {"level": lvl, "code": str(code), "name": str(name)}
    tail = _CSP_TAIL.search(str(query).strip())
    if tail is not None and tail.start() > 0:  # "Bolton CSP", "Cardiff Community Safety Partnership"
        bare = str(query).strip()[: tail.start()]
        if lvl == "csp":  # the CSP's name (its errors as the name's: "Buckinghamshire" is no CSP)
            return find_area(bare, level="csp")
        try:
            csp = find_area(bare, level="csp")
        except AmbiguousAreaError:  # "Newcastle CSP": two CSPs, named
            raise
        except UnknownAreaError as err:  # "Buckinghamshire CSP": what the CSP lookup says of the name
            raise UnknownAreaError(f"no {lvl} named or coded {query!r}, which names a CSP: {err}", "query") from None
        f = bundled_table("lookup_la24_csp24_pfa24.csv.gz").set_index("csp_code").loc[[csp["code"]]].iloc[0]
        raise UnknownAreaError(
            f"no {lvl} named or coded {query!r}: it names the community safety partnership {csp['name']!r} "
            f"({csp['code']}, in the police force area {f['force_name']!r}, {f['force_code']}): "
            f"find_area({query!r}, level='csp')", "query")
    if lvl == "la" and _FORMER_COUNTY.fullmatch(_typed_key(str(query))):
        raise UnknownAreaError(f"no la named or coded {query!r}: {_former_dorset()}", "query")
    county = _county_council_of(query)  # "Herts CC", "Kent County Council", "Devon County Council"
    if county is not None:
        cfid = _COUNTY_FORCE.get(county, county.lower())
        if county not in _COUNTY_FORCE:
            if lvl != "force":  # the force area of its name, listed first
                raise UnknownAreaError(f"no {lvl} named or coded {query!r}; {_force_not_unit(query, cfid, lvl)}",
                                       "query")
            if _members("force", names.index[names == county][0]) == _county_districts(county):
                # "Herts CC" at level='force': the force area is exactly the county's districts
                return {"level": lvl, "code": str(names.index[names == county][0]), "name": county}
        raise UnknownAreaError(f"no {lvl} named or coded {query!r}: {_county_council_says(county)}", "query")
    typed = _typed_match(query, lvl)
    if typed is not None:
        return {"level": lvl, "code": typed, "name": str(names[typed])}
    if lvl == "force":
        from .io import force_slug

        for code, name in names.items():
            if force_slug(name) == q:
                return {"level": lvl, "code": str(code), "name": str(name)}
        # the force as other publishers spell it: "City of London" ("London, City of"), "Devon and
        # Cornwall" / "Avon & Somerset" (the ONS spelling is the other one), "Essex Police"
        fid = force_id(query)
        if fid is not None:
            lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
            row = lk[lk["force"] == fid].iloc[0]
            return {"level": lvl, "code": str(row["force_code"]), "name": str(row["force_name"])}
    if lvl == "force" and q in _OTHER_FORCES:
        raise UnknownAreaError(f"{query!r} is not one of the 43 territorial police forces of England and Wales, "
                               "which are the force areas saferstats knows (Census populations, boundaries)", "query")
    q = _canonical(query)  # "Folkestone & Hythe", "Barrow in Furness": the name the explanations know
    # "Carlisle" at level "la" is both a CSP and the district it follows, abolished in 2023: say both
    other = ("; ".join(h for h in (_other_level(q, lvl), _former_district(q, lvl)) if h) or _recoded(q, lvl)
             or _csp_2016(q, lvl))
    if other:
        raise UnknownAreaError(f"no {lvl} named or coded {query!r}: {other}", "query")
    codes = _aliases(lvl).get(q, ()) if lvl != "force" else ()
    if len(codes) == 1:
        return {"level": lvl, "code": codes[0], "name": str(names[codes[0]])}
    if len(codes) > 1:
        raise UnknownAreaError(
            f"{query!r} could be more than one {lvl}: "
            + ", ".join(f"{names[c]!r} ({c})" for c in codes) + "; pass the full name or the code", "query")
    other_code = _other_code(q)
    if other_code:
        raise UnknownAreaError(f"no {lvl} named or coded {query!r}: {other_code}", "query")
    unit_names = [str(n) for n in names.values]
    # "Hertfordshire County Council": the county's name is its police force area's
    fid = (force_id(query) or force_id(_COUNCIL_TAIL.sub("", _typed_key(str(query))))) if lvl != "force" else None
    if fid is not None:  # "Merseyside" at level="la": a force, not a district (nor "Tameside")
        raise UnknownAreaError(f"no {lvl} named or coded {query!r}; {_force_not_unit(query, fid, lvl)}", "query")
    # a misspelt force ("Mersyside") is offered as the force, ranked with the areas at this level
    forces = {str(n) for n in area_names("force").values} if lvl != "force" else set()
    close = [repr(c) + (" (a police force area: level='force')" if c in forces and c not in unit_names else "")
             for c in close_matches(str(query), list(dict.fromkeys([*unit_names, *forces])))]
    town = _town_wards(query, lvl)  # "Hemel Hempstead": a town, whose ward is in Dacorum
    raise UnknownAreaError(
        f"no {lvl} named or coded {query!r}; " + (f"{town}; " if town else "")
        + (f"close matches: {', '.join(close)}" if close else "no close matches")
        + ("" if town or close else f"; {_placename_hint(query, lvl)}"),
        "query",
    )


def _placename_hint(query: Any, level: str) -> str:
    """What to do with a name that is no area and whose words no ward's name holds ("Radlett",
    "Croxley Green": their wards are "Aldenham East", "Dickinsons"): use the area it is in, which
    the bundled tables cannot name. Before session 33 these got only "no close matches".

    >>> _placename_hint("Radlett", "la")
    "if 'Radlett' is a town or a village, use the local authority it is in: no electoral ward of ONS's best-fit LSOA to ward lookup has it in its name, so saferstats cannot say which"
    """
    kind = {"la": "local authority", "csp": "CSP", "force": "police force area"}.get(level, "local authority")
    return (f"if {query!r} is a town or a village, use the {kind} it is in: no electoral ward of ONS's best-fit LSOA "
            "to ward lookup has it in its name, so saferstats cannot say which")


def _force_not_unit(query: Any, fid: str, lvl: str) -> str:
    """What a force's name given at ``lvl`` ("la" or "csp") is: the force area, its police.uk id and
    the areas it covers, in the lookup's order (all of them up to 12; the first 12 and how many more
    above that: no silent "..." that reads as the rest of an alphabetical list);
    close matches only among those areas ("East Hertfordshire" for "Hertfordshire"), never a
    look-alike elsewhere ("Tameside" for "Merseyside").

    >>> _force_not_unit("Merseyside", "merseyside", "la")
    "Merseyside is a police force area (pass level='force'), covering 5 local authorities: Knowsley, Liverpool, St. Helens, Sefton, Wirral; its police.uk id is 'merseyside' (force_id)"
    """
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    rows = lk[lk["force"] == fid].drop_duplicates(f"{lvl}_code")
    units = [str(n) for n in rows[lvl]]
    kind = ("local authorit" + ("y" if len(units) == 1 else "ies")) if lvl == "la" else ("CSP" + ("" if len(units) == 1 else "s"))
    county = _county_council_of(query)
    # "Kent County Council": not the force area, which adds Medway (Hertfordshire's is its county's area)
    more = county is not None and not rows["la_code"].str.startswith("E07").all()
    said = (f"{rows['force_name'].iloc[0]} is a police force area{'' if more else ' (pass level=' + repr('force') + ')'}, covering "
            f"{len(units)} {kind}: {', '.join(units[:12])}"
            + (f" and {len(units) - 12} more" if len(units) > 12 else "")
            + f"; its police.uk id is {fid!r} (force_id)")
    if county is not None:  # its districts, and what the force area adds
        said += "; " + _county_council_says(county, listed=lvl != "la")
    close = close_matches(str(query), units)
    return said + (f"; close matches: {', '.join(repr(c) for c in close)}" if close else "")


def _is_force_slug(query: Any) -> bool:
    """Whether ``query`` is written as police.uk writes a force's id: lower case, hyphenated, one
    of the 43 (``"north-yorkshire"``; not ``"kent"``, which is a name too, nor ``"North Yorkshire"``)."""
    if not isinstance(query, str) or "-" not in query or query != query.strip().lower() or " " in query:
        return False
    return query in set(bundled_table("lookup_la24_csp24_pfa24.csv.gz")["force"].astype(str))


def _typed_key(text: str) -> str:
    """A name as analysts type it, reduced to compare: lower case, ``&`` as ``and``, no full stops,
    apostrophes, commas or hyphens, ``saint`` as ``st``, single spaces."""
    t = str(text).lower().replace("&", " and ").replace("\u2019", "").replace("'", "").replace(".", " ")
    t = re.sub(r"[,\-]", " ", t)
    t = re.sub(r"\bsaint\b", "st", t)
    return " ".join(t.split())


#: "Dorset County Council": the county council abolished in 2019 whose area is not the unitary
#: authority of its name (Christchurch went to Bournemouth, Christchurch and Poole). The other county
#: councils abolished since (Buckinghamshire, North Yorkshire, Somerset) are their unitary's area.
_FORMER_COUNTY = re.compile(r"(?:the\s+)?dorset\s+county\s+council")


def _former_dorset() -> str:
    """What "Dorset County Council" is now, as a sentence for the error. Until session 29 it was
    taken as the unitary Dorset of 2019, 50,127 residents short of the county council's area."""
    areas = bundled_table("census2021_areas.csv.gz").set_index("code")
    pop = areas[list(BROAD_GROUPS)].sum(axis=1)
    return ("Dorset County Council was abolished on 2019-04-01; its area (the districts Christchurch, East Dorset, "
            "North Dorset, Purbeck, West Dorset and Weymouth and Portland) is now Dorset (E06000059) and "
            "Christchurch, which went to 'Bournemouth, Christchurch and Poole' (E06000058): exactly the CSP 'Dorset' "
            f"(E22000367; find_area('Dorset', level='csp'), Census 2021 {int(pop['E22000367']):,} residents). "
            "find_area('Dorset Council') is the unitary authority formed in 2019, without Christchurch "
            f"({int(pop['E06000059']):,} residents)")


_COUNCIL_TAIL = re.compile(r"\s+(?:(?:city|county|borough|district|metropolitan borough|county borough|"
                           r"london borough)(?:\s+and\s+(?:city|district|borough))?\s+)?council$")
_COUNCIL_HEAD = re.compile(r"^(?:the\s+)?(?:london borough of|royal borough of|borough of|city and county of|"
                           r"county borough of|city of)\s+")
#: "South Lakeland District", "Carlisle City", "Watford Borough": the kind of council after its
#: name without the word "Council" (before session 30 only the "... Council" forms were taken).
_KIND_TAIL = re.compile(r"\s+(?:city|district|borough|metropolitan borough|county borough|london borough|"
                        r"(?:city|borough) and district)$")


#: "Cyngor Caerdydd", "Cyngor Bwrdeistref Sirol Rhondda Cynon Taf", "Cyngor Dinas a Sir Abertawe":
#: a Welsh council's name as the council writes it ("Cyngor": council; "Bwrdeistref Sirol": county
#: borough; "Dinas a Sir": city and county; "Sir": county), on a typed key. Refused before session 36.
_CYNGOR_HEAD = re.compile(r"^cyngor\s+(?:(?:bwrdeistref\s+sirol|dinas\s+a\s+sir|dinas|sir)\s+)?")
#: "Bolton CSP", "Cardiff Community Safety Partnership": a CSP's name with what it is after it (as
#: CSP analysts write it); :func:`find_area` takes the name at ``level="csp"`` (session 36; before,
#: "Bolton CSP" got the wards with "Bolton" in their names, in Bradford and Bolton).
_CSP_TAIL = re.compile(r"\s+(?:community\s+safety\s+partnerships?|csps?)$", re.IGNORECASE)


def typed_forms(query: Any) -> list[str]:
    """The forms of ``query`` to look up, as analysts type a council's name: its typed key
    (:func:`_typed_key`), then without a trailing ``"Council"`` (``"Watford Borough Council"``), a
    trailing kind of council (``"South Lakeland District"``, ``"Carlisle City"``) and a leading
    ``"Borough of"``, ``"City of"``, ``"London Borough of"`` (``"Borough of Poole"``), each once, in
    that order, without repeats; a Welsh council's name (``"Cyngor Sir Ddinbych"``) also without
    ``"Cyngor"`` and without its kind (``"Sir"``, ``"Bwrdeistref Sirol"``, ``"Dinas"``).

    >>> typed_forms("Borough of Poole")
    ['borough of poole', 'poole']
    >>> typed_forms("South Lakeland District Council")
    ['south lakeland district council', 'south lakeland']
    >>> typed_forms("Cyngor Bwrdeistref Sirol Rhondda Cynon Taf")[-1]
    'rhondda cynon taf'
    """
    key = _typed_key(str(query))
    bare = _KIND_TAIL.sub("", _COUNCIL_TAIL.sub("", key))
    out = [key, _COUNCIL_TAIL.sub("", key), bare, _COUNCIL_HEAD.sub("", re.sub(r"^the\s+", "", bare))]
    welsh = _CYNGOR_HEAD.match(key)
    if welsh:  # "Cyngor Bwrdeistref Sirol Rhondda Cynon Taf": the council's Welsh name
        out += [key[len("cyngor "):], key[welsh.end():]]
    return [f for f in dict.fromkeys(out) if f]


@functools.lru_cache(maxsize=4)
def _typed_names(level: str) -> dict[str, tuple[str, ...]]:
    """The typed key (:func:`_typed_key`) of every name and other name of ``level`` -> the codes."""
    out: dict[str, set[str]] = {}
    for code, name in area_names(level).items():
        out.setdefault(_typed_key(str(name)), set()).add(str(code))
    if level != "force":
        for form, codes in _aliases(level).items():
            out.setdefault(_typed_key(form), set()).update(codes)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _typed_match(query: Any, level: str) -> str | None:
    """The code of the one area of ``level`` that ``query`` names as analysts type it (``"Brighton &
    Hove"``, ``"St Helens"``, ``"City of Westminster"``), or None. Two areas for one key is refused."""
    table = _typed_names(level)
    key = _typed_key(str(query))
    tries = [key]
    bare = _COUNCIL_TAIL.sub("", key)
    tries.append(bare)
    # "Watford Borough", "Carlisle City": the kind of council without "Council"
    tries.append(_KIND_TAIL.sub("", bare))
    welsh = _CYNGOR_HEAD.match(key)
    if welsh:  # "Cyngor Sir Ddinbych" (the county's Welsh name keeps "Sir"), "Cyngor Caerdydd"
        tries += [key[len("cyngor "):], key[welsh.end():]]
    # "City of York", "London Borough of Camden": the authority's own name (exact names only, so a
    # former district's name ("City of Durham") does not become a look-alike's)
    stripped = _COUNCIL_HEAD.sub("", re.sub(r"^the\s+", "", tries[-1]))
    exact = {_typed_key(str(n)): str(c) for c, n in area_names(level).items()}
    for k in tries:
        codes = table.get(k, ())
        if len(codes) == 1:
            return codes[0]
        if len(codes) > 1:
            names = area_names(level)
            raise AmbiguousAreaError(
                f"{query!r} could be more than one {level}: "
                + ", ".join(f"{names[c]!r} ({c})" for c in codes) + "; pass the full name or the code", "query")
    if stripped != bare and stripped in exact:
        return exact[stripped]
    return None


#: Towns that named a district abolished by a merger, as analysts still call the area: the town ->
#: the district (whose successors :func:`find_area` then names). "Taunton" got "close matches:
#: 'Luton', 'Thanet'" before session 30.
_FORMER_TOWNS = {"Taunton": "Taunton Deane"}


@functools.lru_cache(maxsize=1)
def _canonical_names() -> dict[str, str]:
    """Typed key -> the lower-case name, for every local authority and CSP of 2024 and every district
    abolished since 2016 (so an error can say what a typed name is at another level or was)."""
    from . import datasets

    names = [*map(str, area_names("la").values), *map(str, area_names("csp").values),
             *map(str, bundled_table("census2021_former_la.csv.gz")["la"]), *map(str, datasets.census2011_by_la()["la"])]
    out = {_typed_key(n): n.strip().lower() for n in names}
    # a former district by its town, as analysts name it: "Taunton" (Taunton Deane), and the short
    # form before a join ("Weymouth"), when no area of 2024 has it
    now = {_typed_key(str(n)) for lv in ("la", "csp") for n in area_names(lv).values}
    taken = {_typed_key(f) for lv in ("la", "csp") for f in _aliases(lv)} | now
    gone = {n for n in names if _typed_key(n) not in now}
    stems: dict[str, set[str]] = {}
    for n in gone:
        stem = _typed_key(_NAME_JOINS.split(n)[0])
        if stem != _typed_key(n) and len(stem) >= 4 and stem not in taken:
            stems.setdefault(stem, set()).add(n.strip().lower())
    for stem, full in stems.items():
        if len(full) == 1:
            out.setdefault(stem, full.pop())
    for town, district in _FORMER_TOWNS.items():
        out.setdefault(_typed_key(town), district.lower())
    # other names of one area ("Bucks", "Barrow") at the level that has them, so that at the other
    # level the error says what they are ("Barrow" at level='la': a CSP of Westmorland and Furness)
    for level in ("la", "csp"):
        for form, codes in _aliases(level).items():
            if len(codes) == 1:
                out.setdefault(_typed_key(form), str(area_names(level)[codes[0]]).strip().lower())
    return out


def _canonical(query: Any) -> str:
    """``query`` lower-cased, or the name it types (:func:`_typed_key`) of an authority, CSP or
    former district."""
    q = str(query).strip().lower()
    table = _canonical_names()
    for k in typed_forms(q):  # "Borough of Poole", "South Lakeland District", "Carlisle City"
        if k in table:
            return table[k]
    return q


def _members(level: str, code: str) -> frozenset[str]:
    """The local authorities (December 2024 codes) an area is made of; a CSP of a pre-merger
    district is itself."""
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    if level == "la":
        return frozenset({code})
    if level == "force":
        return frozenset(lk.loc[lk["force_code"] == code, "la_code"])
    rows = lk[lk["csp_code"] == code]
    if bool(rows["csp_split"].any()):
        return frozenset({code})
    return frozenset(rows["la_code"])


#: The 21 county councils of England (ONS counties, December 2024): upper-tier councils whose area
#: is their districts. Most share their name with a police force area ("Essex"), which can cover
#: unitary authorities the county council does not (Southend-on-Sea, Thurrock).
_COUNTY_COUNCILS = frozenset({
    "Cambridgeshire", "Derbyshire", "Devon", "East Sussex", "Essex", "Gloucestershire", "Hampshire",
    "Hertfordshire", "Kent", "Lancashire", "Leicestershire", "Lincolnshire", "Norfolk", "Nottinghamshire",
    "Oxfordshire", "Staffordshire", "Suffolk", "Surrey", "Warwickshire", "West Sussex", "Worcestershire"})
#: The county councils whose county names no police force area, and the police.uk id of the force
#: area their districts are in (Sussex holds both East and West Sussex's).
_COUNTY_FORCE = {"Devon": "devon-and-cornwall", "East Sussex": "sussex", "West Sussex": "sussex",
                 "Oxfordshire": "thames-valley", "Worcestershire": "west-mercia"}
#: Counties as analysts abbreviate them ("Herts CC"), where no police force's name does it.
_COUNTY_SHORT = {"herts": "Hertfordshire", "oxon": "Oxfordshire", "worcs": "Worcestershire", "warks": "Warwickshire",
                 "lincs": "Lincolnshire"}


def _county_council_of(query: Any) -> str | None:
    """The county (one of :data:`_COUNTY_COUNCILS`) whose county council ``query`` names as analysts
    write it - ``"Hertfordshire County Council"``, ``"Herts CC"``, ``"Kent CC"``, ``"the Essex County
    Council"``, ``"Leics County Council"`` - or None (``"Hertfordshire"`` and ``"Herts"`` name the force
    area too, and are refused as both by :func:`find_area`).

    >>> [_county_council_of(q) for q in ["Herts CC", "Essex County Council", "Devon CC", "Kent", "Durham County Council"]]
    ['Hertfordshire', 'Essex', 'Devon', None, None]
    """
    m = re.fullmatch(r"(?:the\s+)?(.+?)\s+(?:county\s+council|cc)", _typed_key(str(query)))
    if m is None:
        return None
    name = m.group(1)
    counties = {_typed_key(c): c for c in _COUNTY_COUNCILS}
    if name in counties or name in _COUNTY_SHORT:
        return counties.get(name) or _COUNTY_SHORT[name]
    fid = force_id(name)  # "Leics", "Notts", "Hants": the force's abbreviations are the county's
    if fid is None:
        return None
    forces = bundled_table("lookup_la24_csp24_pfa24.csv.gz").drop_duplicates("force").set_index("force")["force_name"]
    return str(forces[fid]) if str(forces[fid]) in _COUNTY_COUNCILS else None


def _county_districts(county: str) -> frozenset[str]:
    """The December 2024 codes of the districts (E07) of ``county``'s police force area, which are
    the county council's districts except in Sussex (East and West Sussex's together)."""
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    fid = _COUNTY_FORCE.get(county, county.lower())
    return frozenset(lk.loc[(lk["force"] == fid) & lk["la_code"].str.startswith("E07"), "la_code"])


def _county_council_says(county: str, *, listed: bool = True) -> str:
    """What a county council is here, as a sentence for the error: an upper-tier council, not one of
    find_area's levels; its area, its districts (the force area's lower-tier districts, E07), with
    Census 2021 residents, and what the police force area adds (its unitary authorities) or that it is
    exactly that area (``listed`` False: the districts not named, where the error has listed the force
    area's). Before session 32 the error said "pass its districts or the force area, which
    also covers any unitary authority in the county", whether or not it does (Kent's adds Medway,
    Hertfordshire's nothing), and "Herts CC", "Kent CC" and "Devon County Council" got look-alikes.

    >>> _county_council_says("Essex").split("; ")[-1]
    "the police force area 'Essex' (E23000028, 1,860,198 residents) also covers the unitary authorities Southend-on-Sea and Thurrock: find_area('Essex', level='force') for the force area"
    """
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    fid = _COUNTY_FORCE.get(county, county.lower())
    rows = lk[lk["force"] == fid].drop_duplicates("la_code")
    fname, fcode = str(rows["force_name"].iloc[0]), str(rows["force_code"].iloc[0])
    areas = bundled_table("census2021_areas.csv.gz")
    pop = areas[areas["level"] == "la"].set_index("code")[list(BROAD_GROUPS)].sum(axis=1)
    districts = rows[rows["la_code"].str.startswith("E07")].sort_values("la")
    unitary = sorted(rows.loc[~rows["la_code"].str.startswith("E07"), "la"].astype(str))
    districts_said = ", ".join(map(str, districts["la"]))
    n_res, f_res = int(pop[list(districts["la_code"])].sum()), int(pop[list(rows["la_code"])].sum())
    head = f"a county council is an upper-tier council, not a level here: {county} County Council's area is "
    force = f"the police force area {fname!r} ({fcode}, {f_res:,} residents)"
    adds = ("the unitary authorit" + ("y " if len(unitary) == 1 else "ies ")
            + (", ".join(unitary[:-1]) + " and " + unitary[-1] if len(unitary) > 1 else "".join(unitary)))
    shared = sorted(c for c, f in _COUNTY_FORCE.items() if f == fid and c != county)
    if shared:  # East Sussex: the lookup does not say which of Sussex's districts are the county's
        return (head + f"its districts, which are among the {number_of(len(districts), 'district')} of {force} with "
                f"{' and '.join(shared)} County Council's ({districts_said}), which also covers {adds}: pass its districts "
                "by name (level='la')")
    names = f", {districts_said}" if listed or unitary else ""
    said = head + f"its {number_of(len(districts), 'district')}{names} (Census 2021 {n_res:,} residents)"
    call = f"find_area({fname!r}, level='force')"
    one = f"find_area({str(districts['la'].iloc[0])!r}, level='la')"
    if not unitary:  # "Hertfordshire County Council": the council's whole area is the force area
        return (said + f", exactly {force}: for the county council's whole area pass {call} (or "
                f"StudyArea({fname!r})); for one district pass its name, e.g. {one}; "
                f"census_population('la', force={fid!r}) gives the districts' residents")
    return (said + f"; for one district pass its name, e.g. {one}; {force} also covers {adds}: {call} for the "
            "force area")


@functools.lru_cache(maxsize=1)
def _ward_keys() -> pd.DataFrame:
    """The wards of the LSOA table (one row each: ``ward``, ``ward_code``, ``la_code``, ``csp_code``)
    with ``key``, the name's typed key (:func:`_typed_key`) between spaces, to find whole words."""
    wards = bundled_table("census2021_lsoa21.csv.gz").drop_duplicates("ward_code")
    wards = wards[["ward", "ward_code", "la_code", "csp_code"]].reset_index(drop=True)
    return wards.assign(key=" " + wards["ward"].map(lambda w: _typed_key(str(w))) + " ")


def _town_wards(query: Any, level: str) -> str:
    """What a town's name (no area here) is near, as a sentence for the error: the local
    authorities (or the CSPs or force areas, at those levels) holding the electoral wards whose names
    hold ``query`` as whole words (``"Hemel Hempstead"``: the ward "Hemel Hempstead Town" in
    Dacorum), or, for ``"Stevenage Old Town"``, the authority's ward of the rest of the name;
    ``""`` when no ward has it. The wards are those of ONS's best-fit LSOA (2021) to ward (December
    2024) lookup that :func:`census_population` ``("ward")`` has; a town's other wards need not carry
    its name. A name no ward holds is looked for by its first words ("Welwyn Garden City": "Welwyn
    East" and "Welwyn West"). Before session 32 a town got "no close matches" or look-alikes
    ("Hatfield": Ashfield, Wakefield); before session 33 the sentence read "a town is no area here
    (its wards need not carry its name)".

    >>> _town_wards("Hemel Hempstead", "la")
    "'Hemel Hempstead' is not a local authority, CSP or police force area; if it is a town, use the local authority it is in (found from ward names, so a town's other wards may be missed): the ward 'Hemel Hempstead Town' is in Dacorum (E07000096), so find_area('Dacorum')"
    """
    key = _typed_key(str(query))
    if not key or key.isdigit():
        return ""
    wards = _ward_keys()
    wkey = wards["key"]
    hit = wards[wkey.str.contains(f" {key} ", regex=False)].assign(rank=0)
    hit.loc[~wkey[hit.index].str.startswith(f" {key} "), "rank"] = 1
    if hit.empty:  # "Stevenage Old Town": an authority's name, then one of its wards
        la_keys = {_typed_key(str(n)): str(c) for c, n in area_names("la").items()}
        for k, code in la_keys.items():
            rest = key[len(k) + 1:] if key.startswith(k + " ") else ""
            if rest:
                own = wards[(wards["la_code"] == code) & wkey.str.contains(f" {rest} ", regex=False)]
                hit = pd.concat([hit, own.assign(rank=0)])
    held = "it"
    words = str(query).split()
    for n in range(len(words) - 1, 0, -1):  # "Welwyn Garden City": no ward of that name; "Welwyn East"
        if not hit.empty:
            break
        part = _typed_key(" ".join(words[:n]))
        hit = wards[wkey.str.startswith(f" {part} ")].assign(rank=0)
        held = repr(" ".join(words[:n]))
        if hit["la_code"].nunique() > 12:  # "Little Wymondley": "Little" begins wards' names everywhere
            hit = hit.iloc[:0]
            break
    if hit.empty:
        return ""
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    unit = {"la": hit["la_code"], "csp": hit["csp_code"],
            "force": hit["la_code"].map(lk.drop_duplicates("la_code").set_index("la_code")["force_code"])}[level]
    names = area_names(level)
    hit = hit.assign(unit=unit.to_numpy())
    order = (hit.groupby("unit").agg(rank=("rank", "min"), n=("ward", "size"))
             .assign(name=lambda d: d.index.map(names)).sort_values(["rank", "n", "name"], ascending=[True, False, True]))
    kind = {"la": ("local authority", "local authorities"), "csp": ("CSP", "CSPs"),
            "force": ("police force area", "police force areas")}[level]
    if len(order) > 12:  # "North", "Park": a word of many wards' names, no town
        return (f"wards in {number_of(len(order), *kind)} have {query!r} in their names (census_population('ward') "
                "lists the wards)")
    head = (f"{query!r} is not a local authority, CSP or police force area; if it is a town, use the "
            f"{kind[0]} it is in (found from ward names, so a town's other wards may be missed"
            + (f"; no ward's name holds {query!r}, these begin with {held}" if held != "it" else "") + "): ")

    def call(code: str) -> str:
        name = str(names[code])
        try:
            plain_call = find_area(name)["code"] == code
        except UnknownAreaError:
            plain_call = False
        return f"find_area({name!r})" if plain_call else f"find_area({name!r}, level={level!r})"

    def one(code: str) -> tuple[str, int]:
        w = sorted(hit.loc[hit["unit"] == code, "ward"].astype(str))
        return (", ".join(repr(x) for x in w[:4]) + (f" and {len(w) - 4} more" if len(w) > 4 else ""), len(w))

    first = str(order.index[0])
    if len(order) == 1:
        listed, n = one(first)
        what = "the ward " if n == 1 else "the wards "
        return (head + what + listed + (" is" if n == 1 else " are") + f" in {names[first]} ({first}), so "
                f"{call(first)}")
    each = "; ".join(f"{names[c]} ({c}): {one(str(c))[0]}" for c in order.index)
    return head + (f"wards whose names hold {held} are in {number_of(len(order), *kind)}, {each}; pass the one it is "
                   f"in, e.g. {call(first)}")


def _force_without_level(query: Any) -> dict[str, str] | None:
    """The police force area ``query`` names when, given without a level, it is no local authority:
    the force (``"South Yorkshire"``, ``"GMP"``, ``"Essex Police"``), or None when it names no force.
    A name that is a county council's too (``"Essex"``, ``"Hertfordshire"``; not ``"Essex Police"``)
    is refused with :class:`AmbiguousAreaError` naming both, and whether the force area covers more.

    >>> _force_without_level("South Yorkshire")
    {'level': 'force', 'code': 'E23000011', 'name': 'South Yorkshire'}
    >>> _force_without_level("Leicestershire")
    Traceback (most recent call last):
    ...
    saferstats.exceptions.AmbiguousAreaError: 'Leicestershire' names both Leicestershire County Council, whose area is its 7 districts (local authorities: level='la'), and the police force area 'Leicestershire' (E23000021), which also covers the unitary authorities Leicester and Rutland: find_area('Leicestershire', level='force') for the force area, or a district's name
    """
    fid = force_id(query)
    if fid is None:
        return None
    force = find_area(fid, level="force")
    county = _county_and_force(query, force)
    if county is None:
        return force  # a force-only name, or one that says police ("Essex Police", "E23000012", "GMP")
    raise AmbiguousAreaError(f"{county[0]}: find_area({query!r}, level='force') for the force area, or a district's name",
                             "query")


def _county_and_force(query: Any, force: Mapping[str, str]) -> tuple[str, bool] | None:
    """For a name that is a county council's and the police force area ``force``'s ("Essex"; not
    "Essex Police" or the force's code): what both are, and whether the force area covers more
    than the county's districts (its unitary authorities); None for any other name.

    >>> _county_and_force("Essex", find_area("essex", level="force"))[1]
    True
    >>> _county_and_force("Hertfordshire", find_area("hertfordshire", level="force"))
    ("'Hertfordshire' names both Hertfordshire County Council, whose area is its 10 districts (local authorities: level='la'), and the police force area 'Hertfordshire' (E23000027), which covers the same 10 districts", False)
    """
    text = str(query).strip()
    if force["name"] not in _COUNTY_COUNCILS or _FORCE_SUFFIX.search(text) or text.upper() == force["code"]:
        return None
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    rows = lk[lk["force_code"] == force["code"]].drop_duplicates("la_code")
    districts = rows[rows["la_code"].str.startswith("E07")]
    unitary = sorted(rows.loc[~rows["la_code"].str.startswith("E07"), "la"].astype(str))
    covers = (f"which also covers the unitary authorit{'y' if len(unitary) == 1 else 'ies'} "
              + (", ".join(unitary[:-1]) + " and " + unitary[-1] if len(unitary) > 1 else unitary[0])
              if unitary else f"which covers the same {len(districts)} districts")
    return (f"{query!r} names both {force['name']} County Council, whose area is its {len(districts)} districts "
            f"(local authorities: level='la'), and the police force area {force['name']!r} ({force['code']}), "
            f"{covers}"), bool(unitary)


def _refuse_la_or_force(query: Any, la: Mapping[str, str]) -> None:
    """Raise :class:`AmbiguousAreaError` when ``query``, found as the local authority ``la``, also
    names a police force area covering more than it (``"Durham"``, ``"North Yorkshire"``)."""
    fid = force_id(query)
    if fid is None:
        return
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    row = lk[lk["force"] == fid].iloc[0]
    fcode, fname = str(row["force_code"]), str(row["force_name"])
    if _members("force", fcode) == _members("la", la["code"]):
        return
    extra = sorted(set(lk.loc[(lk["force_code"] == fcode) & (lk["la_code"] != la["code"]), "la"]))
    raise AmbiguousAreaError(
        f"{query!r} names both the local authority {la['name']!r} ({la['code']}) and the police force area "
        f"{fname!r} ({fcode}), which also covers {', '.join(extra)}: pass level='la' or level='force'", "query")


#: The Welsh names of the 22 Welsh principal areas (ONS ``LAD24NMW``; the names of ISO 3166-2:GB),
#: by 2024 code, where they differ from the English ones (Gwynedd, Conwy, Ceredigion, Powys,
#: Blaenau Gwent and Rhondda Cynon Taf are spelt the same in both languages).
_WELSH_LA = {
    "W06000001": "Ynys Môn", "W06000004": "Sir Ddinbych", "W06000005": "Sir y Fflint", "W06000006": "Wrecsam",
    "W06000009": "Sir Benfro", "W06000010": "Sir Gaerfyrddin", "W06000011": "Abertawe",
    "W06000012": "Castell-nedd Port Talbot", "W06000013": "Pen-y-bont ar Ogwr", "W06000014": "Bro Morgannwg",
    "W06000015": "Caerdydd", "W06000018": "Caerffili", "W06000020": "Tor-faen", "W06000021": "Sir Fynwy",
    "W06000022": "Casnewydd", "W06000024": "Merthyr Tudful",
}
#: Names in everyday use that neither ONS form gives: 2024 LA code -> names.
_LA_EVERYDAY = {"E06000010": ("Hull",), "W06000001": ("Anglesey", "Ynys Mon"), "W06000016": ("RCT", "Rhondda Cynon Taff"),
                # the Welsh councils' own short and mutated forms ("Cyngor Sir Gâr", "Cyngor Sir Penfro")
                "W06000010": ("Sir Gâr", "Sir Gar"), "W06000009": ("Sir Penfro",),
                "W06000024": ("Merthyr",),  # as "Hull": the town's everyday name for the county borough
                "E06000060": ("Bucks",), "E06000058": ("BCP",),
                # the councils' own names: North Herts Council, East Herts Council
                "E07000099": ("North Herts",), "E07000242": ("East Herts",),
                "E07000240": ("St Albans City and District",)}
#: Parts that join a place to the rest of its name ("Stoke-on-Trent", "Brighton and Hove"): the part
#: before one is the name in everyday use ("Stoke", "Brighton", "Barrow") when no other area shares it.
_NAME_JOINS = re.compile(r"(?:-on-|-upon-| upon |-under-|-in-| and | with )")
#: An ONS inverted name: "Bristol, City of", "Herefordshire, County of", "London, City of".
_INVERTED = re.compile(r"(.+), ((?:City|County) of)")


def display_name(name: Any) -> str:
    """An area's name as running text says it: an ONS inverted name without its tail ("Kingston
    upon Hull, City of" -> "Kingston upon Hull", "Herefordshire, County of" -> "Herefordshire"),
    except the City of London, which is called so ("London, City of" -> "City of London"). Other
    names are returned as they are. For sentences ("Kingston upon Hull's council") and the report's
    tables and CSVs (whose code columns, ``force_code`` / ``csp_code``, join them to other published
    tables); the command line's CSVs and the library's tables keep the ONS name, the key that joins
    them to other published tables.

    >>> [display_name(n) for n in ["Kingston upon Hull, City of", "Bristol, City of", "Herefordshire, County of",
    ...                            "London, City of", "Bournemouth, Christchurch and Poole", "Leeds"]]
    ['Kingston upon Hull', 'Bristol', 'Herefordshire', 'City of London', 'Bournemouth, Christchurch and Poole', 'Leeds']
    """
    text = str(name)
    m = _INVERTED.fullmatch(text.strip())
    if not m:
        return text
    return f"{m.group(2)} {m.group(1)}" if m.group(1) == "London" else m.group(1)


@functools.lru_cache(maxsize=4)
def _aliases(level: str) -> dict[str, tuple[str, ...]]:
    """Other names of the areas of ``level`` ("la" or "csp"), lower case, to the codes they name:
    the ONS inverted names the other way round and without their tail ("Bristol, City of": "City
    of Bristol", "Bristol"), "County Durham" as "Durham", the everyday short form before a join
    ("Southend-on-Sea": "Southend"; "Newcastle" names two areas), the Welsh names of Welsh areas
    ("Caerdydd") and a few names in everyday use ("Hull")."""
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    names = area_names(level)
    out: dict[str, set[str]] = {}

    def add(form: str, code: str) -> None:
        out.setdefault(form.strip().lower(), set()).add(str(code))

    for code, name in names.items():
        base = str(name)
        m = _INVERTED.fullmatch(base)
        if m:
            base = m.group(1)
            add(f"{m.group(2)} {base}", code)
            add(base, code)
        if base.startswith("County "):
            add(base[len("County "):], code)
        if base.startswith("City of "):  # "City of London" as ONS inverts it elsewhere ("London, City of")
            add(f"{base[len('City of '):]}, City of", code)
        stem = _NAME_JOINS.split(base)[0]
        if stem != base and len(stem) >= 4:
            add(stem, code)
    by_la = {**{c: (w,) for c, w in _WELSH_LA.items()}}
    for c, extra in _LA_EVERYDAY.items():
        by_la[c] = (*by_la.get(c, ()), *extra)
    for la_code, forms in by_la.items():
        rows = lk[lk["la_code"] == la_code]
        # at level "csp", only an authority that is a CSP of its own (Merthyr Tydfil is part of Cwm Taf,
        # which its English name does not find either)
        codes = [la_code] if level == "la" else list(rows.loc[rows["csp"] == rows["la"], "csp_code"].unique())
        for form in forms:
            for code in codes:
                add(form, code)
    exact = {str(n).lower() for n in names.values}
    return {k: tuple(sorted(v)) for k, v in out.items() if k not in exact}


#: Districts of 2016 abolished in the April 2019 mergers that Census 2021 LSOAs cannot split exactly
#: (not in ``census_population("former_la")``): 2016 code -> (authority formed in 2019, 2024 successor code).
MERGED_2019 = {
    "E07000201": ("West Suffolk", "E07000245"), "E07000204": ("West Suffolk", "E07000245"),
    "E07000049": ("Dorset", "E06000059"), "E07000050": ("Dorset", "E06000059"), "E07000051": ("Dorset", "E06000059"),
    "E07000052": ("Dorset", "E06000059"), "E07000053": ("Dorset", "E06000059"),
    "E07000190": ("Somerset West and Taunton", "E06000066"), "E07000191": ("Somerset West and Taunton", "E06000066"),
}


#: Local authority codes ONS replaced after a boundary change (the authority kept its name and
#: most of its area): code -> (the authority, its December 2024 code, when). Published series and
#: lookups of other years carry them: Census 2011 tables from Nomis have four Hertfordshire
#: districts' earlier codes; ONS's 2025 lookups have Barnsley's and Sheffield's new ones (ONS TopoJSON 2014-2023:
#: E08000016 Barnsley ends 2024, E08000038 Barnsley starts 2025).
_RECODED_LA = {
    "E07000097": ("East Hertfordshire", "E07000242", "before its boundary change"),
    "E07000100": ("St Albans", "E07000240", "before its boundary change"),
    "E07000101": ("Stevenage", "E07000243", "before its boundary change"),
    "E07000104": ("Welwyn Hatfield", "E07000241", "before its boundary change"),
    "E06000048": ("Northumberland", "E06000057", "before 2013"),
    "E08000020": ("Gateshead", "E08000037", "before 2013"),
    "E08000038": ("Barnsley", "E08000016", "from 2025"),
    "E08000039": ("Sheffield", "E08000019", "from 2025"),
}


def _recoded(q: str, level: str) -> str:
    """What a local authority code ONS replaced after a boundary change is (``"E08000038"``:
    Barnsley's code from 2025), as a sentence for the error; ``""`` when ``q`` is none. Without it
    the error said "no close matches", as if the code were mistyped."""
    hit = _RECODED_LA.get(q.upper())
    if hit is None or level not in ("la", "csp"):
        return ""
    name, code, when = hit
    if level == "la":
        now = f"find_area({code!r}) is the December 2024 area"
    else:
        csps = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
        csps = csps[csps["la_code"] == code].drop_duplicates("csp_code")
        now = "its CSP is " + ", ".join(f"{c!r} ({k})" for c, k in zip(csps["csp"], csps["csp_code"]))
    return (f"{q.upper()} is the code of {name} {when} (ONS gives an authority a new code when its boundary "
            f"changes); saferstats' areas and Census 2021 populations are for December 2024, when {name} is "
            f"{code}: {now} (the boundaries differ slightly, so counts for the other year's area are not "
            "exactly like for like)")


def _former_district(q: str, level: str) -> str:
    """What a query naming a district abolished by a merger since 2016 (Harrogate, Christchurch,
    Taunton Deane) names now, as a sentence for the error: ``""`` when it names none. Without it the
    error offered look-alikes ("close matches: 'Harrow'") for a district that existed."""
    if level not in ("la", "csp"):
        return ""
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    names = area_names("la")
    former = bundled_table("census2021_former_la.csv.gz").drop_duplicates("la_code")
    hit = former[(former["la"].str.lower() == q) | (former["la_code"].str.lower() == q)]
    if len(hit):
        r = hit.iloc[0]
        now = f"{r['successor']!r} ({r['successor_code']})"
        where = (f"find_area({r['successor']!r}, level='la') for the authority now" if level == "la" else
                 f"its area is in the CSP {area_names('csp')[r['csp_code']]!r} ({r['csp_code']})")
        return (f"{r['la']} ({r['la_code']}) was a district until {r['abolished']}, when it became part of {now}; "
                f"{where}; census_population('former_la') has the district's own Census 2021 population")
    from . import datasets

    old = datasets.census2011_by_la().drop_duplicates("la_code")
    hit = old[((old["la"].str.lower() == q) | (old["la_code"].str.lower() == q)) & old["la_code"].isin(MERGED_2019)]
    if not len(hit):
        return ""
    r = hit.iloc[0]
    formed, code = MERGED_2019[str(r["la_code"])]
    csps = lk[lk["la_code"] == code].drop_duplicates("csp_code")
    # "Somerset West and Taunton" was itself merged in 2023: say when (the table of abolished districts)
    gone = former.loc[former["la"] == formed, "abolished"]
    since = f" from {gone.iloc[0]}" if len(gone) else ""
    later = f" ({code})" if names.get(code) == formed else f", since part of {names[code]!r} ({code}){since}"
    where = (f"find_area({names[code]!r}, level='la') for the authority now" if level == "la" else
             "its area is in the CSP " + ", ".join(f"{c!r} ({k})" for c, k in zip(csps["csp"], csps["csp_code"])))
    return (f"{r['la']} ({r['la_code']}) was a district until 2019-04-01, when it became part of {formed!r}{later}; "
            f"{where}. Its Census 2021 population cannot be separated exactly from LSOAs; census_population('la', "
            "census=2011) has its 2011 population")


@functools.lru_cache(maxsize=1)
def _lookup_2016() -> pd.DataFrame:
    """ONS's December 2016 LAD -> CSP -> PFA lookup (bundled; the areas of the Census 2011 tables)
    with, for each 2016 district, the December 2024 local authority it is or became part of
    (``la_code_2024``) and, for each 2016 CSP, the December 2024 CSP it is or lies in
    (``csp_code_2024``). Cached: copy before changing it."""
    with _path("lad16_csp16_pfa16_lookup.csv").open("rb") as fh:
        old = pd.read_csv(fh, encoding="utf-8-sig", dtype=str)
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    la24 = set(lk["la_code"])
    former = bundled_table("census2021_former_la.csv.gz").drop_duplicates("la_code")
    successor = {**dict(zip(former["la_code"], former["successor_code"])), **{c: v[1] for c, v in MERGED_2019.items()}}
    la_2024 = [c if c in la24 else successor.get(c, "") for c in old["LAD16CD"]]
    # a 2016 CSP keeps its code where its area is a December 2024 CSP; otherwise (Rhondda Cynon Taf,
    # Merthyr Tydfil: Cwm Taf since 2019) the one CSP of its districts' authorities, none if they differ
    csp24 = set(lk["csp_code"])
    whole = lk[~lk["csp_split"]].set_index("la_code")["csp_code"]
    by_csp: dict[str, set[str]] = {}
    for csp16, la in zip(old["CSP16CD"], la_2024):
        by_csp.setdefault(csp16, set()).add(str(whole.get(la, "")))
    csp_2024 = {c: c if c in csp24 else (next(iter(v)) if len(v) == 1 else "") for c, v in by_csp.items()}
    return pd.DataFrame({"la_code": old["LAD16CD"], "la": old["LAD16NM"], "csp_code": old["CSP16CD"],
                         "csp": old["CSP16NM"], "la_code_2024": la_2024,
                         "csp_code_2024": old["CSP16CD"].map(csp_2024).fillna("")})


def _csp_2016(q: str, level: str) -> str:
    """What the code of a CSP of ONS's December 2016 lookup that is no December 2024 CSP is
    (``"w14000016"``: Rhondda Cynon Taf, part of Cwm Taf since 2019), as a sentence for the error;
    ``""`` when ``q`` is none. The Census 2011 CSP table (``census_population("csp", census=2011)``)
    carries these codes; until session 36 find_area said "no close matches; if 'W14000016' is a town
    or a village, use the CSP it is in", as if the code were mistyped."""
    old = _lookup_2016()
    hit = old[(old["csp_code"].str.lower() == q) & (old["csp_code_2024"] != old["csp_code"])]
    if not len(hit):
        return ""
    r = hit.iloc[0]
    now = str(r["csp_code_2024"])
    with_ = old[(old["csp_code_2024"] == now) & (old["csp_code"] != r["csp_code"])].drop_duplicates("csp_code")
    others = "".join(f" with {c!r} ({k})" for c, k in zip(with_["csp"], with_["csp_code"]))
    las = old[old["csp_code"] == r["csp_code"]].drop_duplicates("la_code_2024")
    if level == "la":
        where = "find_area(" + ", ".join(repr(c) for c in las["la_code_2024"]) + ", level='la') for its local authority"
    elif level == "force":
        f = bundled_table("lookup_la24_csp24_pfa24.csv.gz").set_index("csp_code").loc[now]
        f = f.iloc[0] if isinstance(f, pd.DataFrame) else f
        where = f"it is in the police force area {f['force_name']!r} ({f['force_code']})"
    else:
        where = f"find_area({now!r}, level='csp') for that CSP"
    return (f"{str(r['csp_code'])} is the code of the CSP {r['csp']!r} in ONS's December 2016 lookup (the CSPs of "
            f"census_population('csp', census=2011)); its area is now part of the CSP "
            f"{area_names('csp')[now]!r} ({now}){others}: {where}; the 2011 table's csp_code_2024 column gives each "
            "2016 CSP its December 2024 CSP, so that its rows can be summed to compare with Census 2021")


#: ONS code prefixes (the first three characters of a GSS code) of the geographies find_area does
#: not look up, for the error: an electoral ward or LSOA code passed as an area is told what it is.
_GSS_KINDS = {"E01": "an LSOA", "W01": "an LSOA", "E02": "an MSOA", "W02": "an MSOA", "E05": "an electoral ward",
              "W05": "an electoral division (ward)", "E10": "a county (upper-tier authority)",
              "E12": "a region", "E92": "a country", "W92": "a country"}


def _other_code(q: str) -> str:
    """What an ONS code of a geography other than LA/CSP/force is (``"e05009288"``: the ward
    Aldersgate, City of London), as a sentence for the error; ``""`` when ``q`` is not such a code.
    Without it a ward code got "no close matches", as if it were mistyped."""
    m = re.fullmatch(r"([ew]\d\d)\d{6}", q)
    if not m or m.group(1).upper() not in _GSS_KINDS:
        return ""
    code, kind = q.upper(), _GSS_KINDS[m.group(1).upper()]
    tail = "find_area looks up local authorities, CSPs and police force areas (level='la', 'csp', 'force')"
    if kind.startswith(("an LSOA", "an electoral")):
        lsoa = bundled_table("census2021_lsoa21.csv.gz")
        col = "lsoa_code" if kind == "an LSOA" else "ward_code"
        rows = lsoa[lsoa[col] == code]
        if len(rows):
            r = rows.iloc[0]
            name = r["lsoa"] if col == "lsoa_code" else r["ward"]
            la = area_names("la")[r["la_code"]]
            csps = sorted(set(rows["csp_code"]))
            csp = ", ".join(f"{area_names('csp')[c]!r} ({c})" for c in csps)
            return (f"{code} is {kind} ({name!r}) in the local authority {la!r} ({r['la_code']}) and the CSP"
                    f"{'s' if len(csps) > 1 else ''} {csp}; {tail}; census_population("
                    f"{'lsoa' if col == 'lsoa_code' else 'ward'!r}) has its Census 2021 population")
        if kind == "an LSOA":
            if code in lsoa_places().index:  # an LSOA 2011 that ONS changed in 2021
                r = lsoa_places().loc[code]
                became = {"split": "split in 2021 into the LSOAs 2021", "merged": "merged in 2021 into the LSOA 2021",
                          "irregular": "since 2021 part of the LSOA 2021",
                          "split_areas": "divided in 2021 between two local authorities' LSOAs 2021"}[r["status"]]
                where = f" in the local authority {r['la']!r} ({r['la_code']})" if r["la_code"] else ""
                return (f"{code} is an LSOA 2011 code, {became} {r['lsoa21_candidates']}{where}; {tail}; "
                        "assign_lsoa21 maps LSOA 2011 codes to LSOAs 2021")
            return (f"{code} looks like an LSOA code but is not an LSOA 2021, nor an LSOA 2011 of England and "
                    f"Wales; {tail}")
        return (f"{code} looks like {kind} code, but it is not one of the December 2024 wards to which an LSOA "
                f"2021 is best-fitted (a ward of another year, or one holding no LSOA's population-weighted "
                f"centroid, as most City of London wards); {tail}")
    return f"{code} looks like the code of {kind}; {tail}"


def _other_level(q: str, level: str) -> str:
    """What a query that names no area of ``level`` names at the other level (LA <-> CSP), as a
    sentence for the error: ``""`` when it names neither."""
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")

    def listing(rows: pd.DataFrame, name: str, code: str) -> str:
        rows = rows.drop_duplicates(code)
        return ", ".join(f"{n!r} ({c})" for n, c in zip(rows[name], rows[code]))

    if level == "force":
        # an authority or CSP asked for as a force ("Buckinghamshire" was offered Nottinghamshire,
        # "Somerset" Dorset): the force area it is in
        for lv in ("la", "csp"):
            codes = {c for c, n in area_names(lv).items() if q in (str(c).lower(), str(n).lower())}
            codes |= set(_aliases(lv).get(q, ()))
            if codes:
                rows = lk[lk[f"{lv}_code"].isin(codes)].drop_duplicates(f"{lv}_code")
                what = "local authority" if lv == "la" else "community safety partnership"
                each = [f"{n} ({c}) is a {what} in the police force area {fn!r} ({fc})"
                        for n, c, fn, fc in zip(rows[lv], rows[f"{lv}_code"], rows["force_name"], rows["force_code"])]
                return "; ".join(each) + f"; pass {'that' if len(each) == 1 else 'one of them'}, or level={lv!r}"
        former = bundled_table("census2021_former_la.csv.gz").drop_duplicates("la_code")
        hit = former[(former["la"].str.lower() == q) | (former["la_code"].str.lower() == q)]
        if len(hit):
            r = hit.iloc[0]
            f = lk[lk["la_code"] == r["successor_code"]].iloc[0]
            return (f"{r['la']} ({r['la_code']}) was a district until {r['abolished']}, now part of "
                    f"{r['successor']!r} ({r['successor_code']}) in the police force area {f['force_name']!r} "
                    f"({f['force_code']}); pass that")
        return ""
    if level == "csp":
        rows = lk[(lk["la"].str.lower() == q) | (lk["la_code"].str.lower() == q)]
        if not len(rows) and q not in _aliases("csp") and len(_aliases("la").get(q, ())) == 1:
            # another name of an authority ("Merthyr Tudful", "Hull"): said like its ONS name
            rows = lk[lk["la_code"] == _aliases("la")[q][0]]
        if not len(rows):
            return ""
        la, code = rows["la"].iloc[0], rows["la_code"].iloc[0]
        if bool(rows["csp_split"].any()):
            return (f"{la} ({code}) is a local authority formed by a merger; its CSPs follow the districts it was "
                    f"merged from: {listing(rows, 'csp', 'csp_code')}. Pass one of them, or level='la' for the "
                    "authority")
        csps = rows.drop_duplicates("csp_code")
        return (f"{la} ({code}) is a local authority in the CSP{'s' if len(csps) > 1 else ''} "
                f"{listing(csps, 'csp', 'csp_code')}; pass {'one of them' if len(csps) > 1 else 'that'}, or level='la'")
    if level == "la":
        rows = lk[(lk["csp"].str.lower() == q) | (lk["csp_code"].str.lower() == q)]
        if not len(rows):
            return ""
        csp, code = rows["csp"].iloc[0], rows["csp_code"].iloc[0]
        las = rows.drop_duplicates("la_code")
        part = "part of " if bool(rows["csp_split"].any()) else ""
        return (f"{csp} ({code}) is a community safety partnership (level='csp') covering {part}the local "
                f"authorit{'ies' if len(las) > 1 else 'y'} {listing(las, 'la', 'la_code')}")
    return ""


def census_population(
    level: Literal["force", "la", "csp", "ward", "lsoa", "former_la"] = "force",
    *,
    census: int = 2021,
    detailed: bool = False,
    force: str | None = None,
) -> pd.DataFrame:
    """Census usual residents by ethnic group, long format, bundled (England and Wales).

    ``census=2021`` (default; Census 2021 table TS021, which the Home Office has used for
    stop-and-search rates since March 2023): the five broad groups for every ``level``:

    * ``"force"``: ``force`` (police.uk id, e.g. ``"hertfordshire"``), ``force_name``, ``force_code``;
    * ``"la"``: ``la``, ``la_code`` (December 2024 codes, 318 authorities), ``csp``, ``csp_code``,
      ``force``, ``csp_split`` (True for the seven merged authorities whose CSPs follow their
      pre-merger districts: their ``csp`` lists those CSPs, joined with ``"; "``). Such a label is
      no CSP: ``census_population("la").groupby("csp")`` puts all of Bournemouth, Christchurch and
      Poole (400,247 residents) under ``"Bournemouth; Poole; Dorset"`` and leaves ``"Dorset"``
      without Christchurch - for CSPs use ``level="csp"``. ``.attrs["csp_split"]`` maps each split
      authority's code to its CSPs. The whole table (all of England and Wales) does not warn: most
      analysts' authorities are not split, and the ``csp_split`` column marks the rows that are. With
      ``force=`` it warns (:class:`SaferstatsWarning`) when that force area has a split authority
      (``force="dorset"``: BCP; not ``force="hertfordshire"``, whose ten authorities are ten CSPs);
    * ``"csp"``: ``csp``, ``csp_code`` (314 CSPs), ``force``, ``csp_basis`` (``"la"``: whole local
      authorities; ``"district"``: built from the LSOAs of pre-merger districts, exact because LSOAs
      2021 nest in them);
    * ``"ward"``: ``ward``, ``ward_code`` (electoral wards of December 2024; Welsh electoral
      divisions), ``la``, ``la_code``, ``csp``, ``csp_code``, ``force``: sums of the LSOAs that ONS's
      **best-fit** lookup puts in each ward (the ward holding the LSOA's population-weighted
      centroid), so a ward's figure is approximate where its boundary cuts LSOAs, and a ward to
      which no LSOA is best-fitted has no row (7,536 wards have one). Four wards straddle two CSPs
      of an authority whose CSPs follow pre-merger districts: their ``csp``/``csp_code`` name both,
      joined with ``"; "``. ``.attrs["basis"]`` says so. For rates per ward from police.uk
      street-level files, join their ``lsoa_code`` to the ``"lsoa"`` table's ``ward_code`` (the LSOA 2011
      codes of earlier months that changed in 2021 find no row: see ``"lsoa"``; :func:`assign_lsoa21`
      gives them their ward where the lookup places them in one);
    * ``"lsoa"``: ``lsoa``, ``lsoa_code`` (35,672 LSOAs 2021), ``ward``, ``ward_code`` (its best-fit
      ward, as ``"ward"``), ``la``, ``la_code``, ``csp``, ``csp_code``, ``force``. police.uk files
      of earlier months carry LSOA **2011** codes: in Hertfordshire's 2021 street files
      86 of 1,447 codes (10,394 of 100,407 records) are not LSOAs 2021 and find no row here, so a
      join on ``lsoa_code`` loses them. The loss is uneven, so rates by district or ward from such a join
      are not like for like: none of North Hertfordshire's records, 19% of Stevenage's and 23% of
      Watford's (where the LSOAs changed most) in those files; :func:`read_street_crime` warns
      and counts them (``.attrs["summary"]["lsoa_codes_not_2021"]``). Join
      ``df.join(assign_lsoa21(df["lsoa_code"]))`` on its ``lsoa21_code`` instead: ONS's LSOA
      (2011) -> LSOA (2021) lookup gives merged LSOAs 2011 their LSOA 2021 and split ones (861, each
      within one authority) their local authority, CSP and force (and ward where the parts share
      one); in those files it leaves 206 records (in LSOAs 2011 divided between two authorities)
      without an authority, for :func:`assign_area` to place by their coordinates;
    * ``"former_la"``: the 33 districts abolished by mergers since 2018 whose areas LSOAs 2021 fill
      exactly, for published series that keep a district's own code up to the merger (Defra
      fly-tipping has Allerdale, E07000026, to 2021/22): ``la``, ``la_code`` (the district's own
      code), ``successor``, ``successor_code``, ``abolished`` (ISO date), ``csp``, ``csp_code``,
      ``force``, ``basis`` and ``boundary_note`` (three West Northamptonshire districts: one LSOA,
      1,914 residents, now in Cherwell, is in none of them). The 22 December 2018 districts whose
      CSPs still follow them come from ONS's LSOA lookups; the 17 districts merged in April 2023
      (Cumbria, North Yorkshire, Somerset) from the 2021 district name each LSOA 2021 carries, and
      agree with ONS's own 2021 district totals to within its perturbation. The districts merged in
      2019 into Dorset, Somerset West and Taunton and West Suffolk cannot be measured exactly and are
      not included;

    then ``ethnicity`` and ``population``: one row per area **and ethnic group**. For rates of all
    residents (crimes per 1,000 by ward), sum over ethnicity before joining counts:
    ``census_population("ward").groupby(["ward_code", "ward", "census"], as_index=False)["population"].sum()``
    (a join to the long table puts the ward's count on each of its five rows, each over one group's
    residents; :func:`saferstats.add_rates` warns of it). All levels are sums of the LSOA table, so they add up
    to each other exactly (a force is the sum of its authorities, an authority and a CSP the sums
    of their LSOAs), and to 59,597,576 - not ONS's published 59,597,542 (see ``.attrs`` below). ``detailed=True``
    (``level="la"`` or ``"force"`` only: ONS publishes the detailed table by local authority, and a
    split authority's detailed counts cannot be divided among its CSPs): the 19
    detailed groups (``ethnicity`` = the ONS label, e.g. ``"Asian, Asian British or Asian Welsh:
    Chinese"``, with its ``broad`` group) from ONS's local-authority table, which is perturbed
    separately (its broad sums differ from the LSOA sums by up to about one person per LSOA);
    build other groupings from it, such as the Home Office's pre-2020 "Other inc Chinese".
    ``boundary_note`` flags Cherwell and West Northamptonshire, whose 2021 counts are for the
    2021 boundary (one LSOA, 1,914 residents, moved between them by 2024), and a warning names them.
    At ``level="force"`` (columns ``force, force_name, force_code, boundary_note, broad, ethnicity,
    population, census``) each force area is the sum of its authorities' rows, exact because
    authorities nest in force areas; Thames Valley and Northamptonshire carry that note (their
    detailed sums are at 2021 boundaries, the broad ``level="force"`` table at 2024's).

    ``force=`` (a police.uk id, ONS name or code, or a common abbreviation, as
    :func:`force_id` reads it: ``"hertfordshire"``, ``"Herts"``, ``"E23000027"``) keeps the rows of
    one police force area, at any level and Census; ``.attrs["force"]`` says which,
    ``.attrs["total"]`` is the sum of the rows returned (``force="Hertfordshire"``: 1,198,832) and
    ``.attrs["england_wales_total"]`` the whole table's (59,597,576). An unknown force raises
    :class:`~saferstats.UnknownAreaError` (``argument`` ``"force"``); one that names a CSP or local
    authority (``force="Cwm Taf"``) says which force area it is in and the call and rows that give
    it (``census_population('csp', force='south-wales')``, ``csp == 'Cwm Taf'``).

    ``census=2011`` (ONS QS201EW, bundled; for series before 2022/23, which the Home Office
    published with 2011 denominators): ``level`` ``"force"`` (``force``, ``force_name`` as the 2011
    table spells it, e.g. ``"Avon & Somerset"``, ``force_code``), ``"la"`` (``la, la_code, csp,
    force``: the 348 districts of 2016) or ``"csp"`` (``csp, csp_code, force``: the CSPs of the ONS
    December 2016 lookup), then ``la_2024, la_code_2024`` (or ``csp_2024, csp_code_2024``: the
    December 2024 area each 2016 area is or became part of), ``ethnicity`` and ``population``.
    Hertfordshire force area: Black 31,401 (2011). The 2016 codes of the 41 districts merged since
    (Allerdale, Carlisle and Copeland: Cumberland) and of the CSPs Rhondda Cynon Taf and Merthyr
    Tydfil (Cwm Taf, W14000023, since 2019) find no row of the Census 2021 tables, so a merge of the
    two Censuses on ``la_code``/``csp_code`` loses those areas (``.attrs["changed_by_2024"]`` maps
    each such code to its successor): sum the 2011 rows on the ``_2024`` code first. Cwm Taf: 293,212
    residents in 2011, 296,519 in 2021; Cumberland 274,549 and 273,279. Where a boundary moved after
    the merger the 2024 area differs slightly (one LSOA, 1,914 residents in 2021, from West
    Northamptonshire to Cherwell).

    Every level also has a ``census`` column, the Census year (2021 or 2011), last: unlike
    ``.attrs`` it survives a merge or groupby, so :func:`saferstats.add_rates` and
    :func:`saferstats.year_on_year` can warn when a Census population is set against crime
    years far from it (Census 2021 residents for 2017/18 crimes). Join a Home Office table by
    force on the ONS code, never the name: :func:`saferstats.read_hate_crime` gives each force its
    ``force_code`` (E23...), which is this table's ``force_code`` (the Home Office writes "Devon and
    Cornwall", ONS "Devon & Cornwall"; a merge on the name silently gives that force no
    population)::

        pop = census_population("force").groupby(["force_code", "census"], as_index=False)["population"].sum()
        hc.drop(columns="population").merge(pop, on="force_code", how="left", validate="many_to_one")

    A Census 2021 ethnic group file of your own (TS021 by local authority as Trafford Data Lab,
    ONS or Nomis publish it) gives the same columns through :func:`saferstats.read_census_ethnicity`;
    ONS mid-year estimates, a population with its year, through
    :func:`saferstats.read_mid_year_population`.

    ``.attrs`` say what the figures are: ``"census"`` (2021 or 2011), ``"table"`` (TS021 or
    QS201EW), ``"geography"`` (the areas' vintage: December 2024 local authorities, CSPs and force
    areas for 2021; the 2016 lookup for 2011), ``"total"`` (the sum of the rows returned: England and
    Wales', or with ``force=`` the force area's, when ``"england_wales_total"`` keeps England and
    Wales') and
    ``"published_total"`` (ONS's headline count of usual residents: 59,597,542 in 2021, 56,075,912
    in 2011). The 2021 tables are perturbed by ONS for disclosure control, so their sums are not the
    published totals: TS021's LSOA cells add up to 59,597,576 (34 more; England +60, Wales -26) and
    its local authority table to 59,597,578; ``"total_note"`` says so. Rates on them differ from
    rates on the published totals by far less than their confidence intervals; for a published
    headline population quote ONS's own figure. The 2011 table adds up to the published total.

    Method: sums of ONS Census 2021 TS021 LSOA
    counts through the ONS LSOA (2021) -> LA (Dec 2024) -> CSP -> PFA lookups; reference values:
    Hertfordshire force area Asian 103,679, Black 44,863, Mixed 45,127, White 980,115, Other 25,048.

    >>> pop = census_population("force")
    >>> pop[pop.force == "hertfordshire"][["ethnicity", "population"]].to_string(index=False)
    'ethnicity  population\\n    Asian      103679\\n    Black       44863\\n    Mixed       45127\\n    Other       25048\\n    White      980115'
    >>> int(census_population("lsoa")["population"].sum())
    59597576
    >>> ward = census_population("ward")
    >>> ward.ward_code.nunique(), int(ward["population"].sum())
    (7536, 59597576)
    >>> csp = census_population("csp")
    >>> csp[csp.csp == "Dorset"].groupby("csp_basis")["population"].sum().to_dict()
    {'district': 429710}
    >>> former = census_population("former_la")
    >>> int(former[former.la == "Allerdale"]["population"].sum()), former.la_code.nunique()
    (96156, 33)
    >>> herts = census_population("csp", force="Herts")
    >>> herts.csp.nunique(), int(herts["population"].sum())
    (10, 1198832)
    >>> old = census_population("force", census=2011)
    >>> int(old.query("force == 'hertfordshire' and ethnicity == 'Black'")["population"].iloc[0])
    31401
    >>> old = census_population("csp", census=2011, force="South Wales")
    >>> int(old.loc[old.csp_code_2024 == "W14000023", "population"].sum()), old.attrs["changed_by_2024"]
    (293212, {'W14000016': 'W14000023', 'W14000017': 'W14000023'})
    """
    if isinstance(census, bool) or not isinstance(census, (int, np.integer)) or census not in (2011, 2021):
        raise InvalidInputError(f"census must be 2021 or 2011, got {census!r}", "census")
    if not isinstance(detailed, (bool, np.bool_)):
        raise InvalidInputError(f"detailed must be True or False, got {detailed!r}", "detailed")
    if census == 2011:
        if detailed:
            raise InvalidInputError("detailed=True is available for census=2021 only", "detailed")
        lvl11 = check_level(level, ("force", "la", "csp"), census=2011)
        slug11 = None if force is None else force_id(force)
        if force is not None and slug11 is None:
            raise UnknownAreaError(f"force={force!r} is none of the 43 police force areas of England and Wales"
                                   f"{_area_not_force(force, lvl11, 2011)}", "force")
        out11 = _selected(_with_2024_areas(_stamp(_census2011(lvl11), 2011, lvl11), lvl11), slug11)
        if slug11 is not None and "changed_by_2024" in out11.attrs:  # the force area's own
            kept = set(out11[f"{lvl11}_code"])
            out11.attrs["changed_by_2024"] = {k: v for k, v in out11.attrs["changed_by_2024"].items() if k in kept}
        return out11
    if census != 2021:
        raise InvalidInputError(f"census must be 2021 or 2011, got {census!r}", "census")
    lvl = check_level(level, _LEVELS)
    slug = None
    if force is not None:
        slug = force_id(force)
        if slug is None:
            raise UnknownAreaError(f"force={force!r} is none of the 43 police force areas of England and Wales "
                                   "(a police.uk id, ONS name or code, e.g. 'hertfordshire', 'E23000027')"
                                   f"{_area_not_force(force, lvl, 2021)}", "force")
    if detailed and lvl not in ("la", "force"):
        why = {"csp": "seven merged authorities lie across more than one CSP and the table cannot divide them; "
                      "census_population('csp') has the five broad groups by CSP",
               "former_la": "the districts abolished by mergers are not in the table; census_population('former_la') "
                            "has their five broad groups",
               }.get(lvl, f"census_population({lvl!r}) has the five broad groups")
        raise InvalidInputError(
            f"detailed=True is available at level='la' or 'force' only, not {lvl!r}: ONS publishes the 19 detailed groups by "
            f"local authority (TS021 LTLA); {why}", "detailed")
    if detailed:
        out = _census2021_copy(f"{lvl}_detailed")  # built once per process, as the broad tables
        noted = out[out["boundary_note"] != ""]
        if slug is not None:
            noted = noted[noted["force"] == slug]
        flagged = sorted(pd.unique(noted["la" if lvl == "la" else "force"]))
        if flagged:
            warn_user(f"detailed Census 2021 counts for {', '.join(flagged)} are at 2021 boundaries (see the "
                      f"boundary_note column); the five broad groups at level={lvl!r} are at 2024 boundaries")
        return _selected(out, slug)
    wide, _ = _census2021_tables(lvl)
    long = _census2021_copy(lvl)
    if lvl == "la":
        split = wide.loc[wide["csp_split"], ["la_code", "csp"]]
        if slug is not None:
            split = split[wide.loc[split.index, "force"] == slug]
        long.attrs["csp_split"] = {str(c): str(v).split("; ") for c, v in zip(split["la_code"], split["csp"])}
        if slug is not None and len(split):  # the analyst asked for a force area with a split authority
            names = wide.loc[split.index, "la"]
            warn_user(f"{len(split)} local authorit{'y' if len(split) == 1 else 'ies'} of {slug} "
                      f"lie{'s' if len(split) == 1 else ''} across more than one CSP "
                      f"({'; '.join(f'{n}: {c}' for n, c in zip(names, split['csp']))}): "
                      "their rows carry the CSPs joined with '; ' in csp (csp_split True; .attrs['csp_split']), a label "
                      "that is no CSP, so groupby('csp') on this table sums each whole authority under it; use "
                      f"census_population('csp', force={slug!r}) for CSP populations")
    if lvl in ("ward", "lsoa"):
        long.attrs["basis"] = ("wards: LSOAs 2021 summed by ONS's best-fit LSOA (2021) to ward (December 2024) lookup "
                               "(population-weighted centroids); approximate where a ward boundary cuts an LSOA")
    return _selected(long, slug)


def _area_not_force(query: Any, level: str, census: int) -> str:
    """For :func:`census_population`'s error when ``force=`` is no force area but names a CSP or
    local authority (``force="Cwm Taf"``, ``force="Bolton"``, as an analyst asks for their own
    area): which it is, its force area and the call that gives its rows; ``""`` otherwise. Until
    session 36 the error said only that it was none of the 43 force areas."""
    for lv, what in (("csp", "CSP"), ("la", "local authority")):
        try:
            hit = find_area(str(query), level=lv)  # type: ignore[arg-type]
        except (UnknownAreaError, InvalidInputError):
            continue
        lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
        row = lk[lk[f"{lv}_code"] == hit["code"]].iloc[0]
        if census == 2011:  # the 2016 areas' December 2024 one
            tgt, col, c = lv, f"{lv}_2024", ", census=2011"
        else:
            tgt, col, c = (level if level in ("ward", "lsoa", lv) else lv), lv, ""
        return (f"; {hit['name']!r} is a {what} ({hit['code']}) in the police force area {row['force_name']!r}: "
                f"census_population({tgt!r}{c}, force={row['force']!r}) and keep its rows, {col} == {hit['name']!r}")
    return ""


def _census2021_copy(level: str) -> pd.DataFrame:
    """A copy of the cached long table of :func:`_census2021_tables` at ``level``, with its own
    ``.attrs``: the cached table stays as built, whatever a caller does with what it is given."""
    _, cached = _census2021_tables(level)
    out = cached.copy(deep=True)
    out.attrs = copy.deepcopy(cached.attrs)
    return out


@functools.lru_cache(maxsize=None)
def _census2021_tables(level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Census 2021 five broad groups at ``level`` (``"force"``, ``"la"``, ``"csp"``,
    ``"ward"``, ``"lsoa"`` or ``"former_la"``; as :func:`census_population` checks it), or the 19
    detailed groups (``"la_detailed"``, ``"force_detailed"``: ``detailed=True``), as built
    from the bundled tables once per process: the wide table (one row per area) and the long one
    (one row per area and ethnic group, sorted, with its ``census`` column and ``.attrs``) that
    :func:`census_population` returns a copy of for England and Wales. Cached: copy before
    changing either (building them was 0.03 s a call by local authority and 1.8 s by ward, and
    :func:`saferstats.disproportionality` and the report call it again and again; the detailed
    tables, 0.04 s a call, were built each call until session 34).

    Method: ONS Census 2021 TS021 LSOA counts summed through the ONS LSOA (2021) -> LA (Dec 2024)
    -> CSP -> PFA lookups, melted to long format (see :func:`census_population`); the detailed
    groups from ONS's TS021 local authority table, summed by force area for ``"force_detailed"``.

    >>> wide, long = _census2021_tables("la")
    >>> len(wide), len(long), int(long["population"].sum())
    (318, 1590, 59597576)
    >>> wide, long = _census2021_tables("force_detailed")
    >>> len(wide), len(long), int(long["population"].sum())
    (43, 817, 59597578)
    """
    if level in ("la_detailed", "force_detailed"):
        return _census2021_detailed(level)
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    force_of = lk.drop_duplicates("force_code").set_index("force_code")["force"]
    la_force = lk.drop_duplicates("la_code").set_index("la_code")["force"]
    csp_force = lk.drop_duplicates("csp_code").set_index("csp_code")["force"]
    lvl = level
    if lvl == "former_la":
        wide = bundled_table("census2021_former_la.csv.gz")
        wide = wide.assign(csp=wide["csp_code"].map(area_names("csp")), force=wide["successor_code"].map(la_force))
        keys = ["la", "la_code", "successor", "successor_code", "abolished", "csp", "csp_code", "force", "basis",
                "boundary_note"]
        sort = ["la", "la_code"]
    elif lvl in ("lsoa", "ward"):
        wide = bundled_table("census2021_lsoa21.csv.gz")
        names_la, names_csp = area_names("la"), area_names("csp")
        wide = pd.DataFrame({
            "lsoa": wide["lsoa"], "lsoa_code": wide["lsoa_code"], "ward": wide["ward"], "ward_code": wide["ward_code"],
            "la": wide["la_code"].map(names_la), "la_code": wide["la_code"],
            "csp": wide["csp_code"].map(names_csp), "csp_code": wide["csp_code"],
            "force": wide["la_code"].map(la_force), **{g: wide[g] for g in BROAD_GROUPS},
        })
        keys = ["lsoa", "lsoa_code", "ward", "ward_code", "la", "la_code", "csp", "csp_code", "force"]
        sort = ["lsoa_code"]
        if lvl == "ward":
            def joined(col: str) -> dict[Any, str]:
                """Each ward's values of ``col``, joined with "; " (sorted; one where all its
                LSOAs share it), from the distinct pairs: a Python function called for each of the
                7,536 wards' groups was nearly all of this table's build (1.8 s)."""
                sets: dict[Any, set[str]] = {}
                pairs = wide[["ward_code", col]].drop_duplicates()
                for ward, value in zip(pairs["ward_code"], pairs[col].astype(str)):
                    sets.setdefault(ward, set()).add(value)
                return {ward: "; ".join(sorted(values)) for ward, values in sets.items()}

            csp, csp_code = joined("csp"), joined("csp_code")
            wide = (wide.groupby("ward_code", sort=False)
                    .agg(ward=("ward", "first"), la=("la", "first"), la_code=("la_code", "first"),
                         force=("force", "first"), **{g: (g, "sum") for g in BROAD_GROUPS})
                    .reset_index())
            wide.insert(4, "csp", wide["ward_code"].map(csp))
            wide.insert(5, "csp_code", wide["ward_code"].map(csp_code))
            keys = ["ward", "ward_code", "la", "la_code", "csp", "csp_code", "force"]
            sort = ["la", "ward", "ward_code"]
    else:
        areas = bundled_table("census2021_areas.csv.gz")
        wide = areas[areas["level"] == lvl]
        if lvl == "force":
            wide = pd.DataFrame({"force": wide["code"].map(force_of), "force_name": wide["name"],
                                 "force_code": wide["code"], **{g: wide[g] for g in BROAD_GROUPS}})
            keys = ["force", "force_name", "force_code"]
            sort = ["force"]
        elif lvl == "la":
            cs = lk.groupby("la_code").agg(csp=("csp", "; ".join), csp_code=("csp_code", "; ".join),
                                           csp_split=("csp_split", "first"))
            wide = pd.DataFrame({"la": wide["name"], "la_code": wide["code"],
                                 "csp": wide["code"].map(cs["csp"]), "csp_code": wide["code"].map(cs["csp_code"]),
                                 "force": wide["code"].map(la_force), "csp_split": wide["code"].map(cs["csp_split"]).astype(bool),
                                 **{g: wide[g] for g in BROAD_GROUPS}})
            keys = ["la", "la_code", "csp", "csp_code", "force", "csp_split"]
            sort = ["la", "la_code"]
        else:
            wide = pd.DataFrame({"csp": wide["name"], "csp_code": wide["code"], "force": wide["code"].map(csp_force),
                                 "csp_basis": wide["csp_basis"], **{g: wide[g] for g in BROAD_GROUPS}})
            keys = ["csp", "csp_code", "force", "csp_basis"]
            sort = ["csp", "csp_code"]
    long = wide.melt(id_vars=keys, value_vars=list(BROAD_GROUPS), var_name="ethnicity", value_name="population")
    long = long.sort_values(sort + ["ethnicity"], kind="stable").reset_index(drop=True)
    _stamp(long, 2021, lvl)
    return wide, long


#: The name of :func:`_census2021_tables` in session 33, when it held the broad groups only.
_census2021_broad_tables = _census2021_tables


def _census2021_detailed(level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 19 detailed groups of England and Wales by local authority (``"la_detailed"``) or
    police force area (``"force_detailed"``, sums of the authorities), wide and long, for
    :func:`_census2021_tables`, which caches them."""
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    la_force = lk.drop_duplicates("la_code").set_index("la_code")["force"]
    wide = bundled_table("census2021_detailed_la24.csv.gz")
    groups = [c for c in wide.columns if ":" in c]
    wide = wide.assign(force=wide["la_code"].map(la_force))
    if level == "force_detailed":  # authorities nest in force areas: each force is the sum of its authorities
        forces = lk.drop_duplicates("force").set_index("force")
        notes = wide[wide["boundary_note"] != ""].groupby("force")["boundary_note"].first().to_dict()
        wide = wide.groupby("force", as_index=False)[groups].sum()
        wide.insert(1, "force_name", wide["force"].map(forces["force_name"]))
        wide.insert(2, "force_code", wide["force"].map(forces["force_code"]))
        wide.insert(3, "boundary_note", [str(notes.get(f, "")) for f in wide["force"]])
        keys, sort = ["force", "force_name", "force_code", "boundary_note"], ["force"]
    else:
        keys, sort = ["la", "la_code", "force", "boundary_note"], ["la", "la_code"]
    long = wide.melt(id_vars=keys, value_vars=groups, var_name="ethnicity", value_name="population")
    long.insert(len(keys), "broad", long["ethnicity"].map(broad_of))
    long = long.sort_values(sort + ["ethnicity"], kind="stable").reset_index(drop=True)
    _stamp(long, 2021, level)
    return wide, long


def _selected(out: pd.DataFrame, force: str | None) -> pd.DataFrame:
    """``out`` kept to the rows of police force area ``force`` (a police.uk id), when one is given;
    ``.attrs["force"]`` says which, ``.attrs["total"]`` is the kept rows' sum and
    ``.attrs["england_wales_total"]`` the whole table's. Until session 32 ``.attrs["total"]`` stayed
    England and Wales' 59,597,576 beside Hertfordshire's 1,198,832 rows."""
    if force is None:
        return out
    attrs = dict(out.attrs)
    kept = out[out["force"] == force].reset_index(drop=True)
    if kept.empty:  # census_population("former_la", force="hertfordshire"): no district there was merged
        warn_user(f"census_population: no {attrs.get('geography', 'areas')} in {force}: the table has no rows")
    kept.attrs.update(attrs)
    kept.attrs["force"] = force
    if "total" in attrs:  # the detailed table comes kept already, with England and Wales' total
        total = int(kept["population"].sum())
        kept.attrs["total"] = total
        kept.attrs["england_wales_total"] = attrs["total"]
        if "total_note" in attrs:
            kept.attrs["total_note"] = (f"total: the rows of {force}, {total:,} residents; the whole table's (England "
                                        f"and Wales) is england_wales_total. {attrs['total_note']}")
    return kept


#: ONS's published count of usual residents of England and Wales on Census day (Census 2021: 21
#: March 2021, "Population and household estimates, England and Wales: Census 2021", 28 June 2022;
#: Census 2011: 27 March 2011, table KS101EW).
PUBLISHED_TOTAL = {2021: 59_597_542, 2011: 56_075_912}
#: The geography each level's areas are of (``.attrs["geography"]``).
_GEOGRAPHY = {
    2021: {"force": "police force areas, December 2024 (ONS LAD to CSP to PFA lookup)",
           "la": "local authority districts, December 2024 codes and boundaries",
           "la_detailed": "local authority districts, 2021 boundaries with December 2024 codes (see boundary_note)",
           "force_detailed": "police force areas, December 2024, as sums of local authority districts at 2021 "
                             "boundaries (see boundary_note)",
           "csp": "community safety partnerships, December 2024 (ONS LAD to CSP to PFA lookup)",
           "ward": "electoral wards, December 2024 (ONS best-fit LSOA 2021 to ward lookup)",
           "lsoa": "LSOAs 2021 (Census 2021 geography)",
           "former_la": "districts abolished by mergers 2019-2023, as the LSOAs 2021 that fill them"},
    2011: {"force": "police force areas, 2011 (Census 2011 tables)",
           "la": "local authority districts, December 2016 (ONS LAD to CSP to PFA lookup)",
           "csp": "community safety partnerships, December 2016 (ONS LAD to CSP to PFA lookup)"},
}


def _stamp(out: pd.DataFrame, census: int, level: str, total: int | None = None) -> pd.DataFrame:
    """``out`` with ``.attrs`` saying which Census, table, geography and total it is, and a
    ``census`` column (the Census year), which, unlike ``.attrs``, survives a merge or groupby.
    ``total``: England and Wales', where ``out`` is already one force area's rows (the detailed
    table); otherwise ``out``'s sum."""
    out["census"] = census
    out.attrs["census"] = census
    if census == 2021:
        detailed = level in ("la_detailed", "force_detailed")
        out.attrs["table"] = ("ONS Census 2021 TS021 ethnic group, usual residents, 19 groups by local authority"
                              if detailed else
                              "ONS Census 2021 TS021 ethnic group, usual residents, 5 broad groups by LSOA 2021")
        if level != "former_la":
            total = int(out["population"].sum()) if total is None else total
            out.attrs["total"] = total
            out.attrs["published_total"] = PUBLISHED_TOTAL[2021]
            out.attrs["total_note"] = (
                f"sums of TS021 {'local authority' if detailed else 'LSOA'} cells, which ONS perturbed for "
                f"disclosure control: England and Wales {total:,}, {total - PUBLISHED_TOTAL[2021]:+,} against ONS's "
                f"published {PUBLISHED_TOTAL[2021]:,} usual residents; an area's total can differ from its published "
                "total (TS001) in the same way")
    else:
        out.attrs["table"] = "ONS Census 2011 QS201EW ethnic group, usual residents"
        out.attrs["total"] = int(out["population"].sum())
        out.attrs["published_total"] = PUBLISHED_TOTAL[2011]
    out.attrs["geography"] = _GEOGRAPHY[census][level]
    return out


def _census2011(level: str) -> pd.DataFrame:
    """The bundled 2011 Census tables (QS201EW) in the long format of :func:`census_population`."""
    from . import datasets
    from .io import force_slug

    codes = bundled_table("lookup_la24_csp24_pfa24.csv.gz").drop_duplicates("force").set_index("force")["force_code"]
    if level == "force":
        wide = datasets.census2011_by_force().rename(columns={"force": "force_name"})
        wide["force"] = wide["force_name"].map(force_slug)
        wide["force_code"] = wide["force"].map(codes)  # police force area codes are unchanged since 2011
        keys = ["force", "force_name", "force_code"]
    else:
        wide = datasets.census2011_by_la()
        wide["force"] = wide["force"].map(force_slug)
        if level == "csp":
            wide = wide.groupby(["csp", "csp_code", "force"], as_index=False)[list(BROAD_GROUPS)].sum()
            keys = ["csp", "csp_code", "force"]
        else:
            keys = ["la", "la_code", "csp", "force"]
    long = wide.melt(id_vars=keys, value_vars=list(BROAD_GROUPS), var_name="ethnicity", value_name="population")
    return long.sort_values(keys + ["ethnicity"], kind="stable").reset_index(drop=True)


def _with_2024_areas(out: pd.DataFrame, level: str) -> pd.DataFrame:
    """The Census 2011 table ``out`` (areas of ONS's December 2016 lookup) at ``level`` ``"la"`` or
    ``"csp"`` with the December 2024 area each row's area is or became part of, before
    ``ethnicity``: ``la_2024, la_code_2024`` (the 41 districts merged since 2016 into their
    successor: Allerdale, Carlisle and Copeland into Cumberland) or ``csp_2024, csp_code_2024``
    (Rhondda Cynon Taf and Merthyr Tydfil into Cwm Taf, W14000023); ``.attrs["changed_by_2024"]``
    maps each 2016 code that is no December 2024 area to its successor. Until session 36 a merge of
    the 2011 and 2021 tables on the code lost those areas without a word (Cwm Taf and the 11
    authorities formed since 2016, from Bournemouth, Christchurch and Poole to Somerset, found no 2011
    row). ``"force"`` is returned as it is (police force
    areas are unchanged)."""
    if level not in ("la", "csp"):
        return out
    old = _lookup_2016().drop_duplicates(f"{level}_code").set_index(f"{level}_code")[f"{level}_code_2024"]
    codes = out[f"{level}_code"].map(old).fillna("").astype(str)
    at = list(out.columns).index("ethnicity")
    out.insert(at, f"{level}_2024", codes.map(area_names(level)).fillna("").astype(str))
    out.insert(at + 1, f"{level}_code_2024", codes)
    changed = out.loc[out[f"{level}_code"] != codes, [f"{level}_code", f"{level}_code_2024"]].drop_duplicates()
    out.attrs["changed_by_2024"] = dict(sorted(zip(changed[f"{level}_code"].astype(str), changed[f"{level}_code_2024"])))
    return out


def areas_2024(level: str, census: int) -> pd.DataFrame:
    """Denominators for areas found from locations (December 2024 codes and names): columns
    ``level, level_code, force, ethnicity, population``, one row per area and group.

    ``census=2011``: the 2011 table's areas whose code is unchanged in 2024 (an ONS code changes
    when its boundary does), plus each 2024 CSP that is a union of unchanged 2011 local authorities
    (Cwm Taf = Merthyr Tydfil + Rhondda Cynon Taf). Areas created by later mergers (e.g. the
    unitary North Yorkshire) have no 2011 row here; :func:`saferstats.disproportionality` with
    ``by="la"`` sums their former districts' 2011 residents (North Yorkshire's seven: 598,376) and
    lists them in ``.attrs["summed_2011"]``."""
    code = f"{level}_code"
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    names = area_names(level)
    force_of = lk.drop_duplicates(code).set_index(code)["force"]
    if census == 2021:
        out = census_population(level)[[level, code, "force", "ethnicity", "population"]]  # type: ignore[arg-type]
        out.attrs["census"] = 2021
        return out
    old = _census2011(level)
    parts = [old[old[code].isin(names.index)][[code, "ethnicity", "population"]]]
    if level == "csp":
        la11 = _census2011("la")
        for c in sorted(set(names.index) - set(old[code])):
            las = lk[lk["csp_code"] == c]
            if las["csp_split"].any() or not set(las["la_code"]) <= set(la11["la_code"]):
                continue
            rows = la11[la11["la_code"].isin(las["la_code"])].groupby("ethnicity", as_index=False)["population"].sum()
            parts.append(rows.assign(**{code: c}))
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, level, out[code].map(names).to_numpy())
    out.insert(2, "force", out[code].map(force_of).to_numpy())
    out = out.sort_values([level, code, "ethnicity"], kind="stable").reset_index(drop=True)
    out.attrs["census"] = 2011
    return out


@functools.lru_cache(maxsize=1)
def _force_keys() -> dict[str, str]:
    from .io import force_slug

    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz").drop_duplicates("force_code")
    keys: dict[str, str] = {}
    for slug, name, fcode in zip(lk["force"], lk["force_name"], lk["force_code"]):
        for k in (slug, name, fcode, force_slug(name)):
            keys[str(k).strip().lower()] = str(slug)
    # names in use that the ONS lookup does not carry: Hampshire Constabulary is "Hampshire and Isle
    # of Wight Constabulary" since 2022 (police.uk id still "hampshire"); "the Met"; the Welsh forces'
    # own Welsh names (Heddlu De Cymru is South Wales Police)
    for k, slug in (("hampshire and isle of wight", "hampshire"), ("met", "metropolitan"), ("the met", "metropolitan"),
                    ("met police", "metropolitan"), ("heddlu de cymru", "south-wales"),
                    ("heddlu gogledd cymru", "north-wales"), ("heddlu dyfed-powys", "dyfed-powys"),
                    ("heddlu gwent", "gwent"),
                    # the abbreviations forces and analysts write ("GMP", "Herts Police", "Notts")
                    ("gmp", "greater-manchester"), ("mps", "metropolitan"), ("herts", "hertfordshire"),
                    ("notts", "nottinghamshire"), ("northants", "northamptonshire"), ("leics", "leicestershire"),
                    ("lancs", "lancashire"), ("cambs", "cambridgeshire"), ("glos", "gloucestershire"),
                    ("beds", "bedfordshire"), ("hants", "hampshire"), ("wilts", "wiltshire"),
                    ("staffs", "staffordshire"), ("derbys", "derbyshire"), ("west mids", "west-midlands")):
        keys[k] = keys[force_slug(k)] = slug
    return keys


#: Police forces that are not among the 43 territorial forces of England and Wales (for the error).
_OTHER_FORCES = ("british transport police", "btp", "police scotland", "psni", "police service of northern ireland",
                 "ministry of defence police", "mod police", "civil nuclear constabulary")


_FORCE_SUFFIX = re.compile(r"[\s-]+(police(\s+service|\s+force)?|constabulary)$", re.I)


def force_id(label: Any) -> str | None:
    """The police.uk force identifier (e.g. ``"hertfordshire"``) of a force slug, name or ONS code
    as police.uk files, Home Office tables and ONS lookups write them, or None when it is none of
    the 43 territorial forces of England and Wales. The abbreviations in common use are known too:
    ``"GMP"``, ``"MPS"``, ``"Herts Police"``, ``"Notts"``, ``"Northants"``, ``"Leics"``, ``"Lancs"``,
    ``"Cambs"``, ``"Glos"``, ``"Beds"``, ``"Hants"``, ``"Wilts"``, ``"Staffs"``, ``"Derbys"``,
    ``"West Mids"``.

    >>> [force_id(x) for x in ["city-of-london", "London, City of", "Metropolitan Police", "E23000027",
    ...                        "Avon & Somerset", "Essex Police", "btp"]]
    ['city-of-london', 'city-of-london', 'metropolitan', 'hertfordshire', 'avon-and-somerset', 'essex', None]
    """
    from .io import force_slug

    if label is None or (isinstance(label, float) and np.isnan(label)):
        return None
    keys = _force_keys()
    text = str(label).strip().lower()
    for cand in (text, force_slug(text), _FORCE_SUFFIX.sub("", text), force_slug(_FORCE_SUFFIX.sub("", text))):
        if cand in keys:
            return keys[cand]
    return None


def force_codes(labels: Any) -> dict[str, str | None]:
    """The ONS police force area code (E23..., W15...) of each distinct force label (name, slug or
    code, as :func:`force_id` matches them: "Devon and Cornwall" and "Devon & Cornwall" are one
    force); None for a label that is none of the 43 territorial forces.

    >>> force_codes(["Devon and Cornwall", "Devon & Cornwall", "Hertfordshire", "BTP"])
    {'Devon and Cornwall': 'E23000035', 'Devon & Cornwall': 'E23000035', 'Hertfordshire': 'E23000027', 'BTP': None}
    """
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz").drop_duplicates("force").set_index("force")["force_code"]
    out: dict[str, str | None] = {}
    for label in labels:
        if label is None or (isinstance(label, float) and np.isnan(label)) or str(label) in out:
            continue
        slug = force_id(label)
        out[str(label)] = str(lk[slug]) if slug is not None and slug in lk.index else None
    return out


def broad_of(label: str) -> str:
    """The broad ethnic group (one of :data:`BROAD_GROUPS`) a Census label starts with
    (``"Asian, Asian British or Asian Welsh: Indian"`` is ``"Asian"``), else ``"Other"``."""
    head = label.split(":", 1)[0]
    for g in BROAD_GROUPS:
        if head.startswith(g):
            return g
    return "Other"


# ------------------------------------------------------------------------------------------------
# LSOA 2011 -> LSOA 2021

#: What each ``status`` of :func:`assign_lsoa21` means (the order of its categories).
_LSOA21_STATUS = {
    "lsoa21": "an LSOA 2021 code (unchanged since 2011, or new in 2021)",
    "merged": "an LSOA 2011 merged with others into one LSOA 2021 (ONS change M)",
    "irregular": "an LSOA 2011 wholly inside one LSOA 2021 that also took part of another (ONS change X)",
    "split": "an LSOA 2011 split into several LSOAs 2021 in one local authority (ONS change S): no LSOA 2021",
    "split_areas": "an LSOA 2011 whose parts lie in two local authorities (ONS change X): no LSOA 2021, "
                   "local authority or CSP",
    "not_lsoa": "not an LSOA code of England and Wales (2011 or 2021)",
    "missing": "no code",
}
_PLACED = ("lsoa21", "merged", "irregular")
_LSOA_LEVELS = ("lsoa21_code", "ward_code", "la_code", "csp_code", "force")


@functools.lru_cache(maxsize=1)
def lsoa_places() -> pd.DataFrame:
    """Every LSOA 2021 code and every LSOA 2011 code that changed in 2021, indexed by code, with
    its status and the areas it lies in ("" where its parts disagree)."""
    lsoa = bundled_table("census2021_lsoa21.csv.gz")[["lsoa_code", "ward_code", "ward", "la_code", "csp_code"]]
    la_force = bundled_table("lookup_la24_csp24_pfa24.csv.gz").drop_duplicates("la_code").set_index("la_code")["force"]
    lsoa = lsoa.assign(force=lsoa["la_code"].map(la_force))
    cols = ["ward_code", "ward", "la_code", "csp_code", "force"]
    now = lsoa.assign(status="lsoa21", lsoa21_code=lsoa["lsoa_code"], lsoa21_candidates=lsoa["lsoa_code"])
    with _path("lsoa11_lsoa21.csv.gz").open("rb") as fh:
        changed = pd.read_csv(fh, compression="gzip", dtype=str, keep_default_na=False)
    parts = changed.merge(lsoa.rename(columns={"lsoa_code": "lsoa21_code"}), on="lsoa21_code", how="left",
                          validate="many_to_one")
    grouped = parts.groupby("lsoa11_code", sort=True)

    def one(s: pd.Series) -> str:
        u = s.unique()
        return str(u[0]) if len(u) == 1 else ""

    old = grouped.agg(change=("change", "first"), n=("lsoa21_code", "nunique"),
                      lsoa21_candidates=("lsoa21_code", lambda s: "; ".join(sorted(s.unique()))),
                      **{c: (c, one) for c in cols})
    old["ward"] = np.where(old["ward_code"] == "", "", old["ward"])  # a ward name of its code, or none
    old["lsoa21_code"] = np.where(old["n"] == 1, old["lsoa21_candidates"], "")
    old["status"] = np.select([(old["n"] == 1) & (old["change"] == "M"), old["n"] == 1, old["la_code"] != ""],
                             ["merged", "irregular", "split"], "split_areas")
    out = pd.concat([now.set_index("lsoa_code"), old.drop(columns=["change", "n"])])
    out["la"] = out["la_code"].map(area_names("la")).fillna("")
    out["csp"] = out["csp_code"].map(area_names("csp")).fillna("")
    order = ["lsoa21_code", "lsoa21_candidates", "ward_code", "ward", "la_code", "la", "csp_code", "csp", "force",
             "status"]
    return out[order]


def _lsoa_rows(codes: pd.Series) -> tuple[pd.DataFrame, np.ndarray]:
    """The :func:`lsoa_places` row of each distinct code of ``codes`` (stripped, upper case;
    statuses ``not_lsoa`` and ``missing`` added) and each row's position in it."""
    if isinstance(codes.dtype, pd.CategoricalDtype):
        pos, uniq = codes.cat.codes.to_numpy(), pd.Index(codes.cat.categories, dtype=object)
    else:
        pos, uniq = pd.factorize(codes, use_na_sentinel=True)
        uniq = pd.Index(uniq, dtype=object)
    keys = pd.Index([str(u).strip().upper() for u in uniq] + [""], dtype=object)  # the last: missing
    pos = np.where(pos < 0, len(keys) - 1, pos)
    table = lsoa_places().reindex(keys).fillna("")
    blank = np.asarray(keys == "", dtype=bool)
    table.loc[(table["status"] == "").to_numpy() & ~blank, "status"] = "not_lsoa"
    table.loc[blank, "status"] = "missing"
    return table.reset_index(drop=True), np.asarray(pos, dtype=np.int64)


def _lsoa_input(lsoa_code: Any) -> pd.Series:
    if isinstance(lsoa_code, pd.DataFrame) or _library_of(lsoa_code) in ("polars", "pyarrow") and hasattr(lsoa_code, "columns"):
        frame = as_pandas(lsoa_code, "lsoa_code")
        found = [c for c in ("lsoa_code", "LSOA code", "lsoa11_code", "LSOA11CD") if c in frame.columns]
        if not found:
            raise InvalidInputError(
                f"`lsoa_code` is a table without a column of LSOA codes ('lsoa_code' as read_street_crime names it, "
                f"or police.uk's 'LSOA code'); its columns are {list(frame.columns)[:12]}: pass the column, "
                "e.g. df['lsoa_code']", "lsoa_code")
        return frame[found[0]]
    if isinstance(lsoa_code, pd.Series):
        return lsoa_code
    if _library_of(lsoa_code) in ("polars", "pyarrow"):
        return pd.Series(as_pandas(lsoa_code, "lsoa_code", series=True))
    if isinstance(lsoa_code, (str, bytes)):
        return pd.Series([lsoa_code], dtype=object)
    if isinstance(lsoa_code, pd.Index):
        return pd.Series(lsoa_code.to_numpy(object), dtype=object)
    try:
        arr = np.asarray(lsoa_code, dtype=object)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"`lsoa_code` must be a column of LSOA codes, got {type(lsoa_code).__name__}",
                                "lsoa_code") from exc
    if arr.ndim != 1:
        raise InvalidInputError(f"`lsoa_code` must be one column of LSOA codes, got an array of shape {arr.shape}",
                                "lsoa_code")
    return pd.Series(arr, dtype=object)


def _library_of(x: Any) -> str:
    return type(x).__module__.split(".", 1)[0]


def assign_lsoa21(lsoa_code: Any) -> pd.DataFrame:
    """The LSOA 2021 (and its ward, local authority, CSP and force) of each LSOA code, 2011 or 2021:
    a table aligned to the input's index, for joining police.uk records to Census 2021 tables.

    police.uk street-level files code records with LSOA **2011** codes into 2023 (Hertfordshire's of
    2021 to January 2022; the City of London's of January to April 2023; ``read_street_crime`` says
    which months of its input do); 1,106 of
    the 34,753 LSOAs 2011 were split, merged or changed in 2021 and have no row in
    :func:`census_population` ``"lsoa"`` or ``"ward"``. Each code is looked up in the ONS
    "LSOA (2011) to LSOA (2021)" lookup (bundled; ``status`` says which case it is):

    * ``"lsoa21"``: already an LSOA 2021 (unchanged since 2011, or new in 2021);
    * ``"merged"`` (ONS change M): merged with others into one LSOA 2021, which the record is in;
    * ``"irregular"`` (ONS change X, 3 LSOAs): wholly inside one LSOA 2021 that also took part of
      another: the record is in that LSOA 2021;
    * ``"split"`` (ONS change S, 861 LSOAs): divided into several LSOAs 2021 (``lsoa21_candidates``),
      always within one local authority: no ``lsoa21_code``, but ``la``, ``csp`` and ``force``, and
      ``ward`` where all the parts are best-fitted to one ward (the parts' own wards otherwise
      differ, and the record's cannot be known from its code);
    * ``"split_areas"`` (ONS change X, 3 LSOAs: parts in Gateshead and Northumberland, East
      Hertfordshire and Stevenage, Welwyn Hatfield and St Albans): only ``force``; place these
      records by their coordinates (:func:`assign_area`);
    * ``"not_lsoa"``: not an LSOA code of England and Wales; ``"missing"``: no code (police.uk
      records without a location).

    Columns ``lsoa21_code, lsoa21_candidates`` (the LSOAs 2021 the code's area lies in, joined with
    ``"; "``), ``ward_code, ward`` (December 2024 electoral ward: ONS's best fit, as in
    :func:`census_population` ``"ward"``), ``la_code, la, csp_code, csp, force`` (December 2024;
    the CSP of an LSOA in the seven merged authorities is its pre-merger district's), ``status``;
    categoricals, missing where the code does not give the area. No row is dropped:
    ``.attrs["status"]`` counts the rows of each status and ``.attrs["unplaced"]`` the rows with no
    LSOA 2021, ward, local authority, CSP or force (``{"lsoa21_code": ..., "ward_code": ..., "la_code":
    ..., "csp_code": ..., "force": ...}``); a :class:`SaferstatsWarning` names the rows not placed
    in an LSOA 2021. Codes are read stripped and in any case; a column with no LSOA code at all
    (names such as ``"Watford 009A"``, or another column) is an :class:`InvalidInputError`.

    Data: ONS "LSOA (2011) to LSOA (2021) to Local Authority District (2022)" lookup for England and
    Wales (OGL v3), via humaniverse/geographr; the LSOA 2021 -> ward, LA, CSP, force lookups of
    :func:`census_population` (``saferstats/data/PROVENANCE.md``).

    >>> import pandas as pd
    >>> codes = pd.Series(["E01023859", "E01000048", "E01023768", "E01035582", "E01023508", None],
    ...                   index=[10, 11, 12, 13, 14, 15])
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     out = assign_lsoa21(codes)
    >>> out[["lsoa21_code", "la", "status"]]
       lsoa21_code                    la       status
    10         NaN               Watford        split
    11   E01034479  Barking and Dagenham       merged
    12   E01035582             Stevenage    irregular
    13   E01035582             Stevenage       lsoa21
    14         NaN                   NaN  split_areas
    15         NaN                   NaN      missing
    >>> out.loc[10, "lsoa21_candidates"], out.loc[10, "ward"], out.loc[14, "force"]
    ('E01035575; E01035577', 'Central', 'hertfordshire')
    >>> out.attrs["unplaced"]
    {'lsoa21_code': 3, 'ward_code': 2, 'la_code': 2, 'csp_code': 2, 'force': 1}

    Join a police.uk extract to Census 2021 LSOA populations without losing its LSOA 2011 records
    silently: ``df.join(assign_lsoa21(df["lsoa_code"]))``, then count by ``lsoa21_code``, ``ward_code``
    or ``la_code`` and check ``.attrs["unplaced"]`` for what each level leaves out.

    Keep the split LSOAs when ranking or grouping by LSOA: a split LSOA 2011 has no ``lsoa21_code``,
    and a pandas ``groupby("lsoa21_code")`` leaves its rows out with no word (FixMyStreet's 2019
    fly-tipping reports in Dacorum: E01023398's 6 reports, split into E01035562, E01035563 and
    E01035564, vanish, and its LSOAs sum to 148 of its 154 reports). Group on the LSOA 2021 where
    there is one and the 2011 code where it was split, so that each split LSOA stays one area of its
    own: ``out = df.join(assign_lsoa21(df["lsoa_code"]))``, then
    ``out.groupby(out["lsoa21_code"].astype(object).fillna(out["lsoa_code"]))`` (its parts are in
    ``lsoa21_candidates``; rank it beside the LSOAs 2021, or share it out only with a reason). Not
    ``dropna=False``, which puts every split LSOA into one group. A split LSOA's district, CSP and
    force are known (its ward where its parts share one): counts by ``la_code`` or ``csp`` keep it.
    """
    codes = _lsoa_input(lsoa_code)
    index = codes.index
    table, pos = _lsoa_rows(codes)
    status = table["status"].to_numpy(object)
    n_rows = np.bincount(pos, minlength=len(table))
    counts = {s: int(n_rows[status == s].sum()) for s in _LSOA21_STATUS}
    n_present = len(pos) - counts["missing"]
    if n_present and counts["not_lsoa"] == n_present:
        first = int(np.flatnonzero(status[pos] == "not_lsoa")[0])
        raise InvalidInputError(
            f"`lsoa_code` has no LSOA code (E01 or W01 and six digits): row {plain(index[first])!r} is "
            f"{codes.iloc[first]!r}; pass the column of codes (police.uk 'LSOA code', read_street_crime's "
            "'lsoa_code'), not the names", "lsoa_code", plain(index[first]))
    data: dict[str, Any] = {}
    for col in table.columns:
        vals = table[col].to_numpy(object)
        cats, inv = np.unique(vals, return_inverse=True)
        keep = cats != ""
        if col == "status":
            order = {s: i for i, s in enumerate(_LSOA21_STATUS)}
            which = np.asarray([order[v] for v in vals], dtype=np.int64)
            data[col] = pd.Categorical.from_codes(which[pos], categories=list(_LSOA21_STATUS), validate=False)
            continue
        remap = np.where(keep[inv], np.cumsum(keep)[inv] - 1, -1)
        data[col] = pd.Categorical.from_codes(remap[pos], categories=list(cats[keep]), validate=False)
    out = pd.DataFrame(data, index=index)
    out.attrs["status"] = {s: n for s, n in counts.items() if n}
    out.attrs["unplaced"] = {c: int(n_rows[table[c].to_numpy(object) == ""].sum()) for c in _LSOA_LEVELS}
    unplaced = {s: n for s, n in counts.items() if s not in _PLACED and n}
    if unplaced:
        what = {"split": "an LSOA 2011 code split into several LSOAs 2021 (local authority, CSP and force given, "
                         "and the ward where all the parts share one)",
                "split_areas": "an LSOA 2011 code whose parts lie in two local authorities (only the force given)",
                "not_lsoa": "a code that is not an LSOA of England and Wales",
                "missing": "no code (police.uk's records without a location have no coordinates either)"}
        listed = "; ".join(f"{n:,} with {what[s]}" for s, n in unplaced.items())
        warn_user(f"{sum(unplaced.values()):,} of {len(pos):,} rows have no LSOA 2021: {listed}. They are kept "
                  "with the areas their code gives (.attrs['unplaced'] counts the rows without each level); place "
                  "records by their coordinates with assign_area(lat, lon) where an area is missing")
    return out


def lsoa11_note(codes: pd.Series, months: pd.Series | None = None) -> str:
    """What :func:`saferstats.read_street_crime` warns when its records carry LSOA 2011 codes that
    changed in 2021 (``""`` when none do): how many records and codes, the months of those records
    (``months``, the records' ``month``, as the file shows them: police.uk City of London 2023, six
    records of 2023-01 to 2023-04, none of the eight later months; not a guessed cut-off), the local
    authorities whose share of such records is highest and lowest (among those holding at least 1% of
    the records and 50 records), and what to do."""
    table, pos = _lsoa_rows(codes)
    status = table["status"].to_numpy(object)
    n = np.bincount(pos, minlength=len(table))
    changed = np.isin(status, ("merged", "irregular", "split", "split_areas"))
    rows_old = int(n[changed].sum())
    if not rows_old:
        return ""
    by = pd.DataFrame({"la": table["la"].to_numpy(object), "rows": n, "old": np.where(changed, n, 0)})
    by = by[by["la"] != ""].groupby("la")[["rows", "old"]].sum()
    by = by[by["rows"] >= max(0.01 * by["rows"].sum(), 50)]  # not the few records police.uk snaps elsewhere
    by = by.assign(share=by["old"] / by["rows"]).sort_values(["share", "rows"], ascending=[False, False], kind="stable")
    high = [(la, float(s)) for la, s in by["share"].head(3).items() if s > 0] if len(by) > 1 else []
    low = [(str(by.index[-1]), float(by["share"].iloc[-1]))] if high and len(by) > len(high) else []
    top = ", ".join(f"{la} {100 * s:.1f}%" for la, s in high)
    if low:
        top += f" ... {low[0][0]} {'none' if low[0][1] == 0 else f'{100 * low[0][1]:.1f}%'}"
    count = {s: int(n[status == s].sum()) for s in ("merged", "irregular", "split", "split_areas")}
    placed = count["merged"] + count["irregular"]
    split = count["split"]
    parts = []
    if placed:
        parts.append(f"{placed:,} of them their LSOA 2021 (LSOAs merged into one LSOA 2021)")
    if split:
        parts.append(f"{split:,} their local authority, CSP and force, and the ward where it is one (LSOAs split "
                     "into several LSOAs 2021)")
    todo = [f"saferstats.assign_lsoa21(df['lsoa_code']) gives {' and '.join(parts)}"] if parts else []
    if count["split_areas"]:
        todo.append(f"{count['split_areas']:,} lie in LSOAs 2011 now divided between two local authorities: place "
                    "those by their coordinates with saferstats.assign_area(df['latitude'], df['longitude'])")
    k = int((changed & (n > 0)).sum())
    return (f"read_street_crime: {rows_old:,} of {len(pos):,} records ({k} LSOA code{'s' if k != 1 else ''}) carry "
            f"LSOA 2011 codes that ONS changed in 2021 ({_lsoa11_months(months, changed[pos])}): they find "
            "no row in Census 2021 LSOA or ward tables (census_population('lsoa')), so a join on "
            "`lsoa_code` loses them" + (f", unevenly (share of each local authority's records: {top})" if top else "")
            + ". " + "; ".join(todo)
            + ". attrs['summary']['lsoa_codes_not_2021'] counts the codes that are not LSOAs 2021")


def _lsoa11_months(months: pd.Series | None, old: np.ndarray) -> str:
    """The months of the records carrying LSOA 2011 codes (``old``: a mask of ``months``' rows), as
    :func:`lsoa11_note` says them, with the later months of the input that carry none: police.uk
    coded such records with the LSOAs of Census 2011, and the months are the file's, not a cut-off.

    >>> m = pd.Series(["2023-01", "2023-03", "2023-04", "2023-05", "2023-12"])
    >>> print(_lsoa11_months(m, np.array([True, True, True, False, False])))
    police.uk coded these records, of 2023-01 to 2023-04, with LSOAs 2011; none of the input's records of the 2 later months (2023-05 to 2023-12) carries such a code
    >>> print(_lsoa11_months(None, np.array([True])))
    police.uk coded these records with LSOAs 2011
    """
    if months is None:
        return "police.uk coded these records with LSOAs 2011"
    text = pd.Series(months).astype("string").to_numpy(dtype=object, na_value="")
    seen = sorted({str(t) for t in text[old] if t})
    if not seen:
        return "police.uk coded these records with LSOAs 2011"
    span = seen[0] if len(seen) == 1 else f"{seen[0]} to {seen[-1]}"
    said = f"police.uk coded these records, of {span}{f' ({len(seen)} months)' if len(seen) > 4 else ''}, " \
        "with LSOAs 2011"
    later = sorted({str(t) for t in text if t and str(t) > seen[-1]})
    if later:
        span = later[0] if len(later) == 1 else f"{later[0]} to {later[-1]}"
        said += (f"; none of the input's records of the {len(later)} later month{'s' if len(later) != 1 else ''} "
                 f"({span}) "
                 "carries such a code")
    return said


# ------------------------------------------------------------------------------------------------
# points -> areas


def _rings_of(geometry: Mapping[str, Any], feature: int) -> list[np.ndarray]:
    gtype = geometry.get("type")
    coords: Any = geometry.get("coordinates")
    polys: Any
    if gtype == "Polygon":
        polys = [coords]
    elif gtype == "MultiPolygon":
        polys = coords
    else:
        raise BoundaryError(f"boundaries feature {feature}: geometry type {gtype!r} is not a Polygon or MultiPolygon",
                            "boundaries", feature)
    rings = []
    for poly in polys or []:
        for ring in poly:
            arr = np.asarray(ring, dtype=np.float64)
            if arr.ndim != 2 or arr.shape[0] < 3 or arr.shape[1] < 2:
                raise BoundaryError(f"boundaries feature {feature}: a ring has fewer than 3 positions", "boundaries", feature)
            rings.append(arr[:, :2])
    return rings


class _Areas:
    """An AreaIndex with the codes and names of its areas."""

    def __init__(self, codes: Sequence[str], names: Sequence[str], rings: list[list[np.ndarray]], extra: dict[str, Any] | None = None):
        self.codes = np.asarray(codes, dtype=object)
        self.names = np.asarray(names, dtype=object)
        flat = [(i, r) for i, rs in enumerate(rings) for r in rs]
        if not flat:
            raise BoundaryError("boundaries have no polygons", "boundaries")
        xy = np.concatenate([r for _, r in flat])
        if not np.isfinite(xy).all():
            raise BoundaryError("boundaries have non-finite coordinates", "boundaries")
        if np.abs(xy[:, 0]).max() > 180 or np.abs(xy[:, 1]).max() > 90:
            raise BoundaryError(
                "boundary coordinates are not longitude/latitude degrees (they look projected, e.g. British "
                "National Grid metres): pass a GeoDataFrame with its CRS, or reproject to EPSG:4326",
                "boundaries",
            )
        offsets = np.zeros(len(flat) + 1, dtype=np.int64)
        np.cumsum([len(r) for _, r in flat], out=offsets[1:])
        ring_area = np.asarray([i for i, _ in flat], dtype=np.int64)
        self.index = _ext.AreaIndex(np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1]),
                                    offsets, ring_area, len(self.codes))
        self.rings = rings
        self.extra = extra or {}


@functools.lru_cache(maxsize=None)
def bundled_la() -> _Areas:
    """The bundled December 2024 local authority boundaries (codes, names and rings in WGS84
    longitude and latitude), read once per session."""
    gj = _geojson("boundaries_la24.geojson.gz")
    feats = gj["features"]
    return _Areas([f["properties"]["la_code"] for f in feats], [f["properties"]["la"] for f in feats],
                  [_rings_of(f["geometry"], i) for i, f in enumerate(feats)])


@functools.lru_cache(maxsize=None)
def _bundled_districts() -> _Areas:
    gj = _geojson("boundaries_premerger_districts.geojson.gz")
    feats = gj["features"]
    return _Areas([f["properties"]["district_code"] for f in feats], [f["properties"]["district"] for f in feats],
                  [_rings_of(f["geometry"], i) for i, f in enumerate(feats)],
                  extra={"la_code": np.asarray([f["properties"]["la_code"] for f in feats], dtype=object),
                         "csp_code": np.asarray([f["properties"]["csp_code"] for f in feats], dtype=object)})


def _detect(props: Sequence[str], given: str | None, kind: str, pattern: str) -> str | None:
    if given is not None:
        if given not in props:
            raise BoundaryError(f"boundaries have no column {given!r} (keyword `{kind}`); columns are: {list(props)}", kind)
        return given
    found = [p for p in props if re.search(pattern, p, flags=re.I)]
    if len(found) > 1:
        raise BoundaryError(
            f"boundaries have several possible {kind} columns {found}; choose one with {kind}=...", kind)
    return found[0] if found else None


#: Largest boundaries GeoJSON read, on disk and after gunzip (bytes): a national LSOA set is
#: about 0.5 GB; a gzip bomb is refused at this size instead of filling memory.
MAX_BOUNDARY_BYTES = 1 << 30


def _geojson_file(p: Path, what: str) -> Any:
    """The parsed GeoJSON of the file ``p`` (``.geojson``, ``.json``, gzipped or not), refused as a
    :class:`BoundaryError` on ``what`` when it is too large or cannot be read."""
    try:
        return json.loads(read_bounded(p, MAX_BOUNDARY_BYTES, lambda why: BoundaryError(f"{what} file {str(p)!r}: {why}", what)))
    except (OSError, ValueError, EOFError, zlib.error) as exc:
        if isinstance(exc, BoundaryError):
            raise
        raise BoundaryError(f"{what} file {str(p)!r} could not be read as GeoJSON: {exc}", what) from exc


def _refuse_topojson(gj: Mapping[str, Any], what: str) -> None:
    """Refuse a TopoJSON ``Topology`` given as ``what`` (``"boundaries"``, ``"study_area"``), naming its
    layers and how to convert one. ONS publishes outlines as TopoJSON too (ONSvisual/uk-topojson):
    say so, not "not GeoJSON" nor "a 'Topology' geometry is not an area" (StudyArea until session 29)."""
    if gj.get("type") != "Topology":
        return
    layers = ", ".join(repr(k) for k in (gj.get("objects") or {}))
    raise BoundaryError(
        f"{what}: TopoJSON (layers {layers}), not GeoJSON: convert one layer first, e.g. "
        "geopandas.read_file(path, layer='ltla').set_crs(4326) (GDAL's TopoJSON driver sets no CRS) or "
        "mapshaper '-o format=geojson', and pass the GeoDataFrame or GeoJSON; where a layer holds several "
        "years' areas (ONS 'start'/'end' properties), keep one year's", what)


def _user_areas(boundaries: Any, code: str | None, name: str | None) -> _Areas:
    gj: Any
    if hasattr(boundaries, "geometry") and hasattr(boundaries, "crs") and hasattr(boundaries, "to_crs"):
        if boundaries.crs is None:
            raise BoundaryError(
                "boundaries (a GeoDataFrame) has no CRS: set it with .set_crs(...) (e.g. 'EPSG:27700' for British "
                "National Grid, 'EPSG:4326' for longitude/latitude)", "boundaries")
        gdf = boundaries if boundaries.crs.to_epsg() == 4326 else boundaries.to_crs(4326)
        gj = json.loads(gdf.to_json(drop_id=True))
    elif isinstance(boundaries, Mapping):
        gj = boundaries
    elif isinstance(boundaries, (str, Path)):
        gj = _geojson_file(Path(boundaries), "boundaries")
    else:
        raise BoundaryError(
            f"boundaries must be a GeoJSON dict, a path to a GeoJSON file or a GeoDataFrame, got {type(boundaries).__name__}",
            "boundaries")
    if isinstance(gj, Mapping):
        _refuse_topojson(gj, "boundaries")
    if not isinstance(gj, Mapping) or gj.get("type") != "FeatureCollection" or not isinstance(gj.get("features"), list):
        raise BoundaryError("boundaries must be a GeoJSON FeatureCollection", "boundaries")
    crs = str(((gj.get("crs") or {}).get("properties") or {}).get("name", ""))
    if crs and not re.search(r"CRS84|4326", crs):
        raise BoundaryError(
            f"boundaries GeoJSON declares CRS {crs!r}; saferstats reads longitude/latitude (EPSG:4326) GeoJSON - "
            "reproject it, or pass a GeoDataFrame", "boundaries")
    feats = [f for f in gj["features"] if f.get("geometry")]
    n_null = len(gj["features"]) - len(feats)
    if not feats:
        raise BoundaryError("boundaries have no features with a geometry", "boundaries")
    props = list(dict.fromkeys(k for f in feats for k in (f.get("properties") or {})))
    code_col = _detect(props, code, "code", r"(^|_)(code|cd)$|[a-z]cd$|CD$")
    name_col = _detect(props, name, "name", r"(^|_)(name|nm)$|[a-z]nm$|NM$")
    if code_col is None:
        raise BoundaryError(
            f"boundaries have no code column (a property named like 'code', 'la_code', 'LAD24CD'); properties are "
            f"{props}: pass code=... (and name=...)", "code")
    codes = [str((f.get("properties") or {}).get(code_col, "")) for f in feats]
    names = [str((f.get("properties") or {}).get(name_col, c)) for f, c in zip(feats, codes)] if name_col else codes
    if n_null:
        warn_user(f"{number_of(n_null, 'boundary feature')} without a geometry {'was' if n_null == 1 else 'were'} left out")
    return _Areas(codes, names, [_rings_of(f["geometry"], i) for i, f in enumerate(feats)])


def _points(lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    check_same_order(lat=lat, lon=lon)  # Series of the same points in another order would pair wrongly
    la = as_float_array("lat", lat)
    lo = as_float_array("lon", lon)
    if len(la) != len(lo):
        raise LengthMismatchError(f"length mismatch: `lat` has {len(la)} elements but `lon` has {len(lo)}", "lon")
    index = next((v.index for v in (lat, lon) if isinstance(v, pd.Series) and len(v.index) == len(la)), None)
    if index is None:
        index = pd.RangeIndex(len(la))
    for nm, arr, lim in (("lat", la, 90.0), ("lon", lo, 180.0)):
        bad = np.flatnonzero(np.isinf(arr) | (np.abs(arr) > lim))
        if bad.size:
            raise CoordinateError(
                f"`{nm}` at row {plain(index[bad[0]])!r}: {arr[bad[0]]} is outside [-{lim:g}, {lim:g}] ({bad.size} "
                "such rows)", nm, plain(index[bad[0]]))
    return la, lo, index


def check_swapped(la: np.ndarray, lo: np.ndarray) -> None:
    """Refuse latitude and longitude that are swapped: a :class:`~saferstats.CoordinateError`
    (argument ``lat``, the first such position) when half or more of the points with coordinates
    fall in Great Britain (:data:`GB_LAT`, :data:`GB_LON`) only with the two exchanged, and more
    than fall in it as given. Used by :func:`assign_area` and the hotspot clustering functions.
    Public since session 27 (was ``_check_swapped``).

    >>> import numpy as np
    >>> check_swapped(np.array([51.75]), np.array([-0.34]))            # St Albans, as given
    >>> check_swapped(np.array([-0.34]), np.array([51.75]))            # doctest: +ELLIPSIS
    Traceback (most recent call last):
    saferstats.exceptions.CoordinateError: `lat` and `lon` look swapped: 1 of 1 points ...
    """
    ok = np.isfinite(la) & np.isfinite(lo)
    n = int(ok.sum())
    if n == 0:
        return
    in_gb = (lo > GB_LON[0]) & (lo < GB_LON[1]) & (la > GB_LAT[0]) & (la < GB_LAT[1])
    swapped = (la > GB_LON[0]) & (la < GB_LON[1]) & (lo > GB_LAT[0]) & (lo < GB_LAT[1])
    n_gb, n_sw = int(in_gb.sum()), int(swapped.sum())
    if n_sw > n_gb and n_sw >= 0.5 * n:
        first = int(np.flatnonzero(swapped)[0])
        raise CoordinateError(
            f"`lat` and `lon` look swapped: {n_sw:,} of {n:,} points fall in Great Britain only with latitude and "
            f"longitude exchanged (row {first}: lat={la[first]}, lon={lo[first]}); pass lat=latitude, lon=longitude",
            "lat", first)


def assign_area(
    lat: Any,
    lon: Any,
    *,
    level: Literal["la", "csp", "force"] | None = None,
    boundaries: Any = None,
    code: str | None = None,
    name: str | None = None,
    tolerance_m: float = 0.0,
) -> pd.DataFrame:
    """The area containing each point: ``code`` and ``name`` columns, aligned to the input's index.

    ``lat``/``lon`` in degrees (WGS84, e.g. police.uk ``Latitude``/``Longitude``). With the bundled
    boundaries (``boundaries=None``), ``level`` is ``"la"`` (default: the 361 UK local authorities,
    December 2024, ONS ultra-generalised outlines - England, Wales, Scotland, Northern Ireland),
    ``"csp"`` or ``"force"`` (England and Wales). CSPs and forces are unions of local authorities,
    mapped through the ONS lookup (exact); in the seven merged authorities whose CSPs follow their
    pre-merger districts, the district is found from the districts' ONS outlines (a point that the
    two generalisations place differently goes to the nearest district of its authority, counted in
    ``.attrs["csp_from_nearest_district"]``).

    ``boundaries``: your own areas instead - a GeoJSON FeatureCollection (dict, or path to a
    ``.geojson``/``.geojson.gz`` file, longitude/latitude) or a GeoDataFrame in any CRS (reprojected
    with geopandas). ``code``/``name`` name its code and name properties (detected when there is one
    property named like ``code``/``*_code``/``LAD24CD`` and ``name``/``*_name``/``LAD24NM``).

    Method: exact point-in-polygon (even-odd rule with exact orientation tests) in Rust, indexed by
    a fine lookup grid whose interior cells need no polygon test, parallel, GIL released. A point
    exactly on a boundary shared by two areas goes to the area east of it (north, for an east-west
    boundary): one area, never two (``saferstats::geography::areas``). Overlapping user areas:
    the first listed wins, and the points in more than one area are counted in
    ``.attrs["overlapping"]`` with a warning naming the areas. A boundary file of several years
    overlaps itself: ONS's TopoJSON 2014-2023 (layer ``ltla``, read with
    ``geopandas.read_file(path, layer="ltla").set_crs(4326)``) holds Harrogate (to 2022) beside
    North Yorkshire (from 2023) and Taunton Deane (to 2018) beside Somerset; keep one year's
    areas with its ``start``/``end`` properties first.

    ``tolerance_m``: a point in no area but within this many metres of one (e.g. a police.uk snap
    point on a bridge or a sea wall, just outside the generalised outlines) is given the nearest
    area; such points are counted in ``.attrs["snapped"]``. Default 0: strictly inside.

    Accuracy on police.uk points: in Hertfordshire's 13 street-level files of 2021 (95,414 records
    whose ``LSOA code`` is an LSOA 2021), 99.6% are placed in the local authority of police.uk's own
    LSOA; the other 0.4% are all within about 300 m of that authority's outline, where the generalised
    outlines cut corners, and one (a Thames pier) is in the river (``tolerance_m=200`` places it).
    So counts by authority from coordinates are exact away from boundaries and approximate along them;
    when the records carry LSOA codes (street-level files; not stop and search), count by
    :func:`assign_lsoa21` instead, which is exact.

    Points in no area are never dropped: their ``code`` and ``name`` are missing and
    ``.attrs["unassigned"]`` counts them by reason - ``missing_coordinates`` (NaN), ``no_area`` (at
    sea or beyond the generalised coastline, or outside the boundaries' coverage) and, for
    ``level="csp"``/``"force"``, ``outside_england_and_wales`` (in Scotland or Northern Ireland) -
    with a :class:`SaferstatsWarning`. Coordinates out of range or latitude/longitude swapped raise
    :class:`CoordinateError`; unusable boundaries :class:`BoundaryError`.

    >>> import pandas as pd
    >>> pts = pd.DataFrame({"lat": [51.7527, 51.6578, 51.5007], "lon": [-0.3394, -0.2723, -0.1246]}, index=[10, 11, 12])
    >>> assign_area(pts.lat, pts.lon)
             code         name
    10  E07000240    St Albans
    11  E07000098    Hertsmere
    12  E09000033  Westminster
    >>> assign_area(pts.lat, pts.lon, level="force")["name"].tolist()
    ['Hertfordshire', 'Hertfordshire', 'Metropolitan Police']
    """
    la, lo, index = _points(lat, lon)
    if isinstance(tolerance_m, bool) or not isinstance(tolerance_m, (int, float)) or not 0 <= tolerance_m <= 10_000:
        raise InvalidInputError(f"tolerance_m must be a distance in metres from 0 to 10,000, got {tolerance_m!r}",
                                "tolerance_m")
    if boundaries is not None:
        if level is not None:
            raise InvalidInputError("`level` applies to the bundled boundaries; omit it when passing boundaries=",
                                    "level")
        areas = _user_areas(boundaries, code, name)
        ids = areas.index.locate(np.ascontiguousarray(lo), np.ascontiguousarray(la))
        overlapping = _overlapping(areas, lo, la, ids)
        snapped = _snap(areas, lo, la, ids, float(tolerance_m))
        out = _frame(ids, areas.codes, areas.names, index)
        counts = {"missing_coordinates": int((~(np.isfinite(la) & np.isfinite(lo))).sum())}
        counts["no_area"] = int((ids < 0).sum()) - counts["missing_coordinates"]
        out = _report(out, counts)
        out.attrs["snapped"] = snapped
        out.attrs["overlapping"] = overlapping
        return out
    if code is not None or name is not None:
        raise InvalidInputError("`code`/`name` name the columns of your own boundaries= only", "code" if code else "name")
    lvl = check_level("la" if level is None else level, _POINT_LEVELS)
    check_swapped(la, lo)
    bundle = bundled_la()
    x, y = np.ascontiguousarray(lo), np.ascontiguousarray(la)
    ids = bundle.index.locate(x, y)
    snapped = _snap(bundle, lo, la, ids, float(tolerance_m))
    missing = ~(np.isfinite(la) & np.isfinite(lo))
    counts = {"missing_coordinates": int(missing.sum()), "no_area": int(((ids < 0) & ~missing).sum())}
    if lvl == "la":
        out = _frame(ids, bundle.codes, bundle.names, index)
        outside = np.asarray([c[:1] in ("S", "N") for c in bundle.codes], dtype=bool)
        n_out = int(outside[ids[ids >= 0]].sum())
        out = _report(out, counts)
        out.attrs["outside_england_and_wales"] = n_out
        out.attrs["snapped"] = snapped
        return out
    lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
    la_codes = bundle.codes
    if lvl == "force":
        f = lk.drop_duplicates("la_code").set_index("la_code")
        targets = pd.Index(sorted(f["force_code"].unique()))
        tnames = f.drop_duplicates("force_code").set_index("force_code")["force_name"].reindex(targets).to_numpy(object)
        per_la = targets.get_indexer(pd.Index(la_codes).map(f["force_code"]))  # -1 outside E&W
        out_ids = np.where(ids >= 0, per_la[np.maximum(ids, 0)], -1)
        n_nearest = 0
    else:
        single = lk[~lk["csp_split"]].drop_duplicates("la_code").set_index("la_code")
        targets = pd.Index(sorted(lk["csp_code"].unique()))
        tnames = lk.drop_duplicates("csp_code").set_index("csp_code")["csp"].reindex(targets).to_numpy(object)
        per_la = targets.get_indexer(pd.Index(la_codes).map(single["csp_code"]))
        out_ids = np.where(ids >= 0, per_la[np.maximum(ids, 0)], -1)
        split_las = set(lk.loc[lk["csp_split"], "la_code"])
        la_split = np.isin(la_codes.astype(str), list(split_las))
        in_split = np.flatnonzero((ids >= 0) & la_split[np.maximum(ids, 0)])
        n_nearest = 0
        if in_split.size:
            d = _bundled_districts()
            did = d.index.locate(x[in_split], y[in_split])
            point_la = la_codes[ids[in_split]]
            ok = did >= 0
            ok[ok] = d.extra["la_code"][did[ok]] == point_la[ok]
            for k in np.flatnonzero(~ok):
                did[k] = _nearest_district(d, x[in_split[k]], y[in_split[k]], point_la[k])
            n_nearest = int((~ok).sum())
            out_ids[in_split] = targets.get_indexer(d.extra["csp_code"][did])
    ew = (ids >= 0) & (out_ids < 0)
    counts["outside_england_and_wales"] = int(ew.sum())
    out = _report(_frame(out_ids, targets.to_numpy(object), tnames, index), counts)
    if lvl == "csp":
        out.attrs["csp_from_nearest_district"] = n_nearest
    out.attrs["snapped"] = snapped
    return out


def _overlapping(areas: _Areas, lon: np.ndarray, lat: np.ndarray, ids: np.ndarray) -> int:
    """How many points lie in more than one of the user's ``areas`` (each given the first listed by
    ``ids``), with a warning naming the pairs. Found by locating the points again in the areas listed
    in reverse: a point in one area (or on a shared edge, which goes east) gets the same area both
    ways. Without it, ONS's TopoJSON 2014-2023 (districts abolished by mergers beside the authorities
    formed from them) silently put points of North Yorkshire in Harrogate and of Somerset in Taunton
    Deane, an area abolished in 2019."""
    n = len(areas.codes)
    found = np.flatnonzero(ids >= 0)
    if n < 2 or not found.size:
        return 0
    rev = _Areas(list(areas.codes[::-1]), list(areas.names[::-1]), areas.rings[::-1])
    back = rev.index.locate(np.ascontiguousarray(lon[found]), np.ascontiguousarray(lat[found]))
    other = np.where(back >= 0, n - 1 - back, -1)
    both = found[(other >= 0) & (other != ids[found])]
    if not both.size:
        return 0
    second = other[(other >= 0) & (other != ids[found])]
    pairs = pd.Series(1, index=pd.MultiIndex.from_arrays([ids[both], second])).groupby(level=[0, 1]).size()
    pairs = pairs.sort_values(ascending=False, kind="stable")
    named = [f"{areas.names[a]!r} ({areas.codes[a]}) over {areas.names[b]!r} ({areas.codes[b]}): {k:,}"
             for (a, b), k in pairs.head(3).items()]
    more = f" and {len(pairs) - 3:,} more pairs" if len(pairs) > 3 else ""
    warn_user(f"{both.size:,} of {len(ids):,} points lie in more than one of the boundaries' areas, and each was "
              f"given the first listed ({'; '.join(named)}{more}); overlapping areas are usually of several years "
              "(ONS's TopoJSON 2014-2023 holds the districts abolished by mergers beside the authorities formed "
              "from them): keep the areas of one year (.attrs['overlapping'] counts these points)")
    return int(both.size)


def _snap(areas: _Areas, lon: np.ndarray, lat: np.ndarray, ids: np.ndarray, tol_m: float) -> int:
    """Give each point in no area (``ids`` -1, finite coordinates) the nearest area whose outline is
    within ``tol_m`` metres (local equirectangular distance to the outline's segments; rings
    prefiltered by their bounding boxes). Updates ``ids`` in place; returns how many were given."""
    if tol_m <= 0:
        return 0
    todo = np.flatnonzero((ids < 0) & np.isfinite(lat) & np.isfinite(lon))
    if not todo.size:
        return 0
    boxes = getattr(areas, "_boxes", None)
    if boxes is None:
        flat = [(i, r) for i, rs in enumerate(areas.rings) for r in rs]
        boxes = (np.array([i for i, _ in flat]), [r for _, r in flat],
                 np.array([[r[:, 0].min(), r[:, 0].max(), r[:, 1].min(), r[:, 1].max()] for _, r in flat]))
        areas._boxes = boxes  # type: ignore[attr-defined]
    owner, rings, bb = boxes
    done = 0
    for k in todo:
        x0, y0 = float(lon[k]), float(lat[k])
        dlat = tol_m / 111_320.0
        dlon = dlat / max(np.cos(np.radians(y0)), 1e-6)
        near = np.flatnonzero((bb[:, 0] - dlon <= x0) & (bb[:, 1] + dlon >= x0) & (bb[:, 2] - dlat <= y0) & (bb[:, 3] + dlat >= y0))
        best, best_d = -1, tol_m
        kx = 111_320.0 * np.cos(np.radians(y0))
        for j in near:
            r = rings[j]
            ax_, ay_ = (r[:-1, 0] - x0) * kx, (r[:-1, 1] - y0) * 111_320.0
            bx_, by_ = (r[1:, 0] - x0) * kx, (r[1:, 1] - y0) * 111_320.0
            dx, dy = bx_ - ax_, by_ - ay_
            t = np.clip(-(ax_ * dx + ay_ * dy) / np.maximum(dx * dx + dy * dy, 1e-30), 0.0, 1.0)
            d = float(np.sqrt(np.min((ax_ + t * dx) ** 2 + (ay_ + t * dy) ** 2)))
            if d <= best_d:
                best, best_d = int(owner[j]), d
        if best >= 0:
            ids[k] = best
            done += 1
    return done


def _nearest_district(d: _Areas, x: float, y: float, la_code: str) -> int:
    """Index of the pre-merger district of ``la_code`` nearest to (x, y) (planar degrees with the
    longitude scaled by cos(latitude); only for the few points the two generalisations disagree on)."""
    best, best_d = -1, np.inf
    k = np.cos(np.radians(y))
    for i in np.flatnonzero(d.extra["la_code"] == la_code):
        for r in d.rings[i]:
            a, b = r[:-1], r[1:]
            ax, ay, bx, by = (a[:, 0] - x) * k, a[:, 1] - y, (b[:, 0] - x) * k, b[:, 1] - y
            dx, dy = bx - ax, by - ay
            t = np.clip(-(ax * dx + ay * dy) / np.maximum(dx * dx + dy * dy, 1e-30), 0.0, 1.0)
            dist = np.min((ax + t * dx) ** 2 + (ay + t * dy) ** 2)
            if dist < best_d:
                best, best_d = int(i), float(dist)
    return best


def _frame(ids: np.ndarray, codes: np.ndarray, names: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """``code`` and ``name`` columns (categorical) from area indices (-1 = none)."""
    ids = np.asarray(ids)
    code_index = pd.Index(codes.astype(str))
    if code_index.is_unique:
        mapped, cats = ids, code_index
        first_name = names.astype(str)
    else:  # user boundaries with several features per code: one category per code
        cat_codes, uniq = pd.factorize(code_index)
        cats = pd.Index(uniq)
        first_name = pd.Series(names.astype(str)).groupby(cat_codes).first().to_numpy(str)
        mapped = np.where(ids >= 0, cat_codes[np.maximum(ids, 0)], -1)
    name_index = pd.Index(first_name)
    if name_index.is_unique:
        name_col: Any = pd.Categorical.from_codes(mapped, categories=name_index)
    else:  # two areas with one name: plain strings
        name_col = np.where(mapped >= 0, np.asarray(first_name, dtype=object)[np.maximum(mapped, 0)], None)
    return pd.DataFrame({"code": pd.Categorical.from_codes(mapped, categories=cats), "name": name_col}, index=index)


def _report(out: pd.DataFrame, counts: dict[str, int]) -> pd.DataFrame:
    out.attrs["unassigned"] = dict(counts)
    total = sum(counts.values())
    if total:
        detail = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v)
        rows = list(out.index[np.flatnonzero(out["code"].isna().to_numpy())[:5]])
        warn_user(f"{total} of {len(out)} points are in no area ({detail}); their code and name are missing "
                  f"(counts in .attrs['unassigned']; first rows: {rows})")
    return out


# ------------------------------------------------------------------------------------------------
# study areas


def _ring_area(r: np.ndarray) -> float:
    x, y = r[:, 0], r[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _ring_length(r: np.ndarray) -> float:
    d = np.diff(np.vstack([r, r[:1]]), axis=0)
    return float(np.hypot(d[:, 0], d[:, 1]).sum())


def _to_bng_rings(rings: Sequence[np.ndarray]) -> list[np.ndarray]:
    from .hotspot.bng import to_bng

    if not len(rings):
        return []
    # every ring's vertices in one call (one call a ring took 0.7 s for the 1,944 rings of the bundled
    # authorities), then split back at the rings' lengths
    lat_lon = np.concatenate([np.asarray(r, dtype=float) for r in rings])
    e, n = to_bng(lat_lon[:, 1], lat_lon[:, 0], outside="nan")
    if np.isnan(e).any():
        raise BoundaryError("study area: a vertex lies outside the British National Grid's area of use "
                            "(49.75-61.01N, 9.01W-2.01E)", "study_area")
    return np.split(np.column_stack([e, n]), np.cumsum([len(r) for r in rings])[:-1])


def _index_of(rings: Sequence[np.ndarray]) -> Any:
    """An AreaIndex of one area made of ``rings`` (even-odd rule: holes need no orientation)."""
    xy = np.concatenate(list(rings))
    offsets = np.zeros(len(rings) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rings], out=offsets[1:])
    return _ext.AreaIndex(np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1]), offsets,
                          np.zeros(len(rings), dtype=np.int64), 1)


@functools.lru_cache(maxsize=None)
def la_rings_bng() -> list[tuple[str, str, list[np.ndarray]]]:
    """(code, name, rings on the British National Grid) of each bundled local authority."""
    la = bundled_la()
    flat = _to_bng_rings([r for rs in la.rings for r in rs])  # one conversion for all (0.6 s by authority)
    at = np.cumsum([0] + [len(rs) for rs in la.rings])
    return [(str(c), str(n), flat[at[k]:at[k + 1]]) for k, (c, n) in enumerate(zip(la.codes, la.names))]


@functools.lru_cache(maxsize=None)
def bundled_la_bng() -> tuple[Any, np.ndarray]:
    """The bundled local authorities projected to British National Grid: (AreaIndex, names)."""
    la = bundled_la()
    per = la_rings_bng()
    flat = [(i, r) for i, (_, _, rs) in enumerate(per) for r in rs]
    rings = [r for _, r in flat]
    xy = np.concatenate(rings)
    offsets = np.zeros(len(rings) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rings], out=offsets[1:])
    idx = _ext.AreaIndex(np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1]), offsets,
                         np.asarray([i for i, _ in flat], dtype=np.int64), len(la.codes))
    return idx, la.names


def is_geojson_path(p: str | Path) -> bool:
    """A study area given as a GeoJSON file's path, not an area's name: it ends in .geojson or
    .json (gzipped or not), in any case. :class:`StudyArea` reads such a path as a polygon, and the
    report's ``[hotspots] study_area`` refuses one. Public since session 27 (was ``_is_geojson_path``).

    >>> is_geojson_path("boundaries_ltla24.GeoJSON"), is_geojson_path("b.json.gz"), is_geojson_path("Watford")
    (True, True, False)
    """
    name = str(p).strip().lower()
    return name.endswith((".geojson", ".json", ".geojson.gz", ".json.gz"))


def _geojson_crs(gj: Mapping[str, Any]) -> int | None:
    """The EPSG code a GeoJSON's (2008) ``crs`` member names, 4326 or 27700; None without one. Any
    other is refused: a study area is read in longitude/latitude or on the British National Grid."""
    named = ((gj.get("crs") or {}).get("properties") or {}).get("name") if isinstance(gj.get("crs"), Mapping) else None
    if not named:
        return None
    if re.search(r"CRS84$|[:]4326$", str(named)):
        return 4326
    if re.search(r"[:]27700$", str(named)):
        return 27700
    raise BoundaryError(f"study_area GeoJSON declares CRS {named!r}; saferstats reads longitude/latitude (EPSG:4326) "
                        "or British National Grid (EPSG:27700) outlines: reproject it (geopandas .to_crs(27700)) "
                        "or pass a GeoDataFrame", "study_area")


def _polygons_of(geom: Mapping[str, Any], what: str) -> list[tuple[np.ndarray, bool]]:
    """(ring, is_hole) of a GeoJSON Polygon/MultiPolygon/Feature/FeatureCollection/GeometryCollection."""
    t = geom.get("type")
    _refuse_topojson(geom, what)
    if t == "FeatureCollection":
        return [p for f in geom.get("features") or [] for p in _polygons_of(f, what)]
    if t == "Feature":
        return _polygons_of(geom.get("geometry") or {}, what)
    if t == "GeometryCollection":
        return [p for g in geom.get("geometries") or [] for p in _polygons_of(g, what)]
    if t not in ("Polygon", "MultiPolygon"):
        raise BoundaryError(f"{what}: a {t!r} geometry is not an area (Polygon or MultiPolygon)", "study_area")
    rings = _rings_of(geom, 0)
    holes = ([k > 0 for k in range(len(geom["coordinates"]))] if t == "Polygon"
             else [k > 0 for poly in geom["coordinates"] for k in range(len(poly))])
    return list(zip(rings, holes))


class StudyArea:
    """The area a hotspot analysis is about: points outside it are left out and counted, and grids
    cover its extent instead of being stretched by stray points (police.uk snaps some records of a
    force's file to places far outside it).

    ``area`` is one of:

    * a name or code of a police force area, CSP or local authority (``"Hertfordshire"``,
      ``"E07000240"``, ``"st albans"``; ``level`` chooses between a force and an authority of one
      name: without it, a name that is areas of different extent at two levels - ``"Durham"``,
      ``"North Yorkshire"``, ``"Dorset"``, ``"Wiltshire"``, whose force areas are larger than the
      authority - is refused with :class:`AmbiguousAreaError`; a CSP that is exactly its authority
      is the same area either way; a county council's name that is also a larger force area's -
      ``"Essex"``, ``"Kent"``, ``"Leicestershire"``, whose forces add unitary authorities - is refused
      as :func:`find_area` refuses it, naming both, and is the force with ``level="force"``;
      ``"Hertfordshire"``, whose force covers the same 10 districts, is the force area) — its outline is the bundled ONS
      generalised boundaries, and a point is inside exactly when :func:`assign_area` puts it there;
    * a polygon: a shapely (Multi)Polygon, a GeoJSON dict (geometry, Feature or FeatureCollection)
      or the path of a GeoJSON file (``.geojson``/``.json``, gzipped or not: a boundary file as
      downloaded or exported from QGIS), a GeoSeries/GeoDataFrame with a CRS (all its shapes
      together), or an ``(n, 2)`` array of vertices. A GeoJSON's ``crs`` member naming EPSG:27700
      or 4326 (CRS84) is read (QGIS writes one for British National Grid layers); coordinates
      without a CRS are longitude/latitude when every vertex is within ±180/±90, otherwise British
      National Grid metres; ``crs=4326`` or ``crs=27700`` says so. Features with a name property
      (``LAD24NM``, ``ltla24_name``) name the area when they are one ("Watford (polygon)"); features
      of several names are taken together with a warning (a whole boundary file is every district
      in it): pass the rows or feature of the area you mean. TopoJSON (ONS's ``uk-topojson``) is
      refused with its layers: convert one with ``geopandas.read_file(path, layer="ltla").set_crs(4326)``
      and pass the rows of the area (a district abolished by a merger, such as Harrogate, is drawn
      this way: its name alone is refused).

    Method: exact point-in-polygon (the even-odd rule, so holes and several parts need no
    orientation) in Rust, in longitude/latitude for lat/lon points and on the British National
    Grid (:func:`saferstats.to_bng`) for projected ``x``/``y`` (``docs/methods/hotspots.md`` C9).
    ``bounds`` (xmin, xmax, ymin, ymax) and ``area_m2`` are on the British National Grid.

    >>> sa = StudyArea("Stevenage", level="la")
    >>> sa
    StudyArea(Stevenage, local authority E07000243; 26.1 km²)
    >>> sa.contains([51.90, 51.75], [-0.20, -0.34]).tolist()
    [True, False]
    >>> sa.outside([51.90, 51.75], [-0.20, -0.34])
            area  count
    0  St Albans      1
    """

    name: str
    code: str | None
    level: str

    def __init__(self, area: Any, *, level: Literal["force", "csp", "la"] | None = None, crs: Any = None) -> None:
        if isinstance(area, StudyArea):
            self.__dict__.update(area.__dict__)
            return
        self._lonlat: list[np.ndarray] | None = None
        self._bng: list[np.ndarray] | None = None
        self._holes: list[bool] = []
        self._idx: dict[str, Any] = {}
        if isinstance(area, str) and not is_geojson_path(area):
            self._named(area, level)
            return
        if level is not None:
            raise InvalidInputError("`level` applies to a study area given by name or code", "level")
        if isinstance(area, (str, Path)):
            # a GeoJSON file as an analyst has it (ONS boundaries, a QGIS export), read as assign_area reads one
            p = Path(area)
            if not is_geojson_path(p):
                raise BoundaryError(f"study_area {str(p)!r}: saferstats reads GeoJSON files (.geojson, .json); read "
                                    "this one with geopandas.read_file(path), keep the area's rows and pass them",
                                    "study_area")
            area = _geojson_file(p, "study_area")
        self.code, self.level = None, "polygon"
        self.name = "the study area polygon"
        feats: list[Any] = []
        if hasattr(area, "to_crs") and hasattr(area, "crs"):
            if area.crs is None:
                raise BoundaryError("study_area (a GeoSeries/GeoDataFrame) has no CRS: set it with .set_crs(...)",
                                    "study_area")
            geoms = area.geometry if hasattr(area, "geometry") else area
            crs = 4326 if geoms.crs.to_epsg() == 4326 else 27700
            gj: Mapping[str, Any] = json.loads((geoms if crs == 4326 else geoms.to_crs(crs)).to_json())
            parts = _polygons_of(gj, "study_area")
            feats = list(json.loads(area.to_json()).get("features") or []) if hasattr(area, "geometry") else []
        elif hasattr(area, "__geo_interface__"):
            parts = _polygons_of(area.__geo_interface__, "study_area")
        elif isinstance(area, Mapping):
            parts = _polygons_of(area, "study_area")
            # GeoJSON is longitude/latitude (RFC 7946), but a file written on the British National Grid
            # (QGIS, ONS downloads) says so in its "crs" member: read it (until session 26 it was ignored
            # and such a file refused as "not longitude/latitude degrees"); without one, as the docstring says
            crs = _geojson_crs(area) if crs is None else crs
            feats = ([area] if area.get("type") == "Feature"
                     else list(area.get("features") or []) if area.get("type") == "FeatureCollection" else [])
        else:
            try:
                ring = np.asarray(area, dtype=np.float64)
            except (TypeError, ValueError):
                ring = np.empty((0,))
            if ring.ndim != 2 or ring.shape[1] != 2 or len(ring) < 3:
                raise InvalidInputError(
                    f"study_area must be an area name or code, a polygon (shapely, GeoJSON, GeoSeries) or an (n, 2) "
                    f"array of vertices, got {type(area).__name__}", "study_area")
            parts = [(ring, False)]
        if not parts:
            raise BoundaryError("study_area has no polygon", "study_area")
        rings = [r for r, _ in parts]
        xy = np.concatenate(rings)
        if not np.isfinite(xy).all():
            raise BoundaryError("study_area has non-finite coordinates", "study_area")
        try:
            epsg = None if crs is None else int(str(crs).upper().replace("EPSG:", ""))
        except ValueError:
            raise InvalidInputError(f"crs must be 4326 (longitude/latitude) or 27700 (British National Grid), got {crs!r}",
                                    "crs") from None
        if epsg is None:
            epsg = 4326 if (np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all() else 27700
        if epsg == 4326:
            if (np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any():
                raise BoundaryError("study_area: coordinates are not longitude/latitude degrees (crs=4326); for British "
                                    "National Grid metres pass crs=27700", "study_area")
            self._lonlat = rings
        elif epsg == 27700:
            if not ((xy[:, 0] > -1e5) & (xy[:, 0] < 8e5) & (xy[:, 1] > -1e5) & (xy[:, 1] < 1.3e6)).all():
                raise BoundaryError("study_area: coordinates are neither longitude/latitude nor British National Grid "
                                    "metres (easting 0-700,000, northing 0-1,250,000)", "study_area")
            self._bng = rings
        else:
            raise InvalidInputError(f"crs must be 4326 (longitude/latitude) or 27700 (British National Grid), got {crs!r}",
                                    "crs")
        self._holes = [h for _, h in parts]
        self._name_features(feats)

    def _name_features(self, feats: Sequence[Any]) -> None:
        """A polygon made of named features (a boundary file's rows) takes their name when they are
        one area ("Watford (polygon)"), and says when it joins several: a whole boundary file,
        taken together, is a study area of every district in it."""
        props = [f.get("properties") or {} for f in feats if isinstance(f, Mapping)]
        keys = list(dict.fromkeys(k for p in props for k in p))
        try:
            col = _detect(keys, None, "name", r"(^|_)(name|nm)$|[a-z]nm$|NM$") or _detect(
                keys, None, "code", r"(^|_)(code|cd)$|[a-z]cd$|CD$")
        except BoundaryError:  # several name columns: none chosen
            col = None
        if col is None:
            return
        names = list(dict.fromkeys(str(p[col]) for p in props if p.get(col) is not None))
        if len(names) == 1:
            self.name = names[0]
        elif len(names) > 1:
            shown = ", ".join(repr(n) for n in names[:3]) + (f" and {len(names) - 3:,} more" if len(names) > 3 else "")
            warn_user(f"study_area: the {len(names):,} areas of its features ({col} {shown}) are taken together as "
                      f"one study area of {self.area_m2 / 1e6:,.1f} km²; for one of them pass only its rows or "
                      f"feature: gdf[gdf['{col}'] == {names[0]!r}] (geopandas), or the feature of fc['features'] "
                      f"whose properties['{col}'] is {names[0]!r}")

    def _named(self, query: str, level: str | None) -> None:
        levels = [check_level(level, _POINT_LEVELS)] if level is not None else ["force", "csp", "la"]
        found = None
        hits: list[dict[str, str]] = []
        for lv in levels:
            try:
                hits.append(find_area(query, level=lv))  # type: ignore[arg-type]
            except AmbiguousAreaError:
                raise
            except UnknownAreaError as e:
                err = e
        if hits:
            found = hits[0]
            extents = {_members(h["level"], h["code"]) for h in hits}
            if len(extents) > 1:  # "Durham": the force area is County Durham and Darlington
                said = {"force": "police force area", "csp": "CSP", "la": "local authority"}
                raise AmbiguousAreaError(
                    f"{query!r} names areas of different extent: "
                    + ", ".join(f"the {said[h['level']]} {h['name']!r} ({h['code']})" for h in hits)
                    + "; pass level='force', 'csp' or 'la'", "study_area")
        if found is not None and level is None and found["level"] == "force":
            # "Essex": the county council's area and the force area (which adds Southend-on-Sea and
            # Thurrock) are refused as find_area refuses them; "Hertfordshire", one area, is the force's
            county = _county_and_force(query, found)
            if county is not None and county[1]:
                raise AmbiguousAreaError(f"{county[0]}; pass level='force' for the force area, or a district's name",
                                         "study_area")
        if found is None:
            if len(levels) == 1:
                raise err
            # a district abolished by a merger (Harrogate, Christchurch) or a ward/LSOA code: say what it
            # is, as find_area does, instead of look-alikes ("close matches: 'Harrow'")
            q = str(query).strip().lower()
            other = _former_district(q, "la") or _recoded(q, "la") or _csp_2016(q, "csp") or _other_code(q)
            council = _county_council_of(query)  # "Kent CC", and a town ("Hemel Hempstead"): what they are
            other = other or (_county_council_says(council) if council is not None else _town_wards(query, "la"))
            close = close_matches(query, [str(n) for lv in levels for n in area_names(lv).values])
            if not other and not close:
                other = _placename_hint(query, "la")  # "Radlett": no ward of its name
            if other:
                raise UnknownAreaError(
                    f"no police force area, CSP or local authority named or coded {query!r}: {other}. A study "
                    "area is a force, CSP or local authority of December 2024, or a polygon you pass", "study_area")
            raise UnknownAreaError(
                f"no police force area, CSP or local authority named or coded {query!r}; "
                + (f"close matches: {', '.join(repr(c) for c in close)}" if close else "no close matches"), "study_area")
        self.name, self.code, self.level = found["name"], found["code"], found["level"]
        lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
        districts: list[Any] = []
        if self.level == "la":
            members = {self.code}
        elif self.level == "force":
            members = set(lk.loc[lk["force_code"] == self.code, "la_code"])
        else:
            rows = lk[lk["csp_code"] == self.code]
            members = set(rows.loc[~rows["csp_split"], "la_code"])
            districts = [f for f in _geojson("boundaries_premerger_districts.geojson.gz")["features"]
                         if f["properties"]["csp_code"] == self.code]
        feats = [f for f in _geojson("boundaries_la24.geojson.gz")["features"] if f["properties"]["la_code"] in members]
        parts = [p for f in feats + districts for p in _polygons_of(f, "boundaries")]
        self._lonlat = [r for r, _ in parts]
        self._holes = [h for _, h in parts]

    # -- geometry -----------------------------------------------------------------------------
    @property
    def rings_bng(self) -> list[np.ndarray]:
        """The outline's rings on the British National Grid (metres)."""
        if self._bng is None:
            assert self._lonlat is not None
            self._bng = _to_bng_rings(self._lonlat)
        return self._bng

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) on the British National Grid: the extent of a grid over the area."""
        xy = np.concatenate(self.rings_bng)
        return (float(xy[:, 0].min()), float(xy[:, 0].max()), float(xy[:, 1].min()), float(xy[:, 1].max()))

    @property
    def area_m2(self) -> float:
        """The area in square metres (British National Grid; outer rings minus holes)."""
        return float(sum(-a if h else a for a, h in zip(map(_ring_area, self.rings_bng), self._holes)))

    @property
    def perimeter_m(self) -> float:
        """The length of the outline in metres (British National Grid)."""
        return float(sum(map(_ring_length, self.rings_bng)))

    def _index(self, space: str) -> Any:
        if space not in self._idx:
            rings = self.rings_bng if space == "bng" else self._lonlat
            assert rings is not None
            self._idx[space] = _index_of(rings)
        return self._idx[space]

    # -- points -------------------------------------------------------------------------------
    def contains(self, lat: Any, lon: Any) -> np.ndarray:
        """For each point (degrees): inside the area? Missing coordinates are not inside."""
        la, lo, _ = _points(lat, lon)
        if self.level != "polygon":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SaferstatsWarning)
                where = assign_area(la, lo, level=self.level)  # type: ignore[arg-type]
            return np.asarray((where["code"] == self.code).to_numpy(), dtype=bool)
        if self._lonlat is not None:
            return np.asarray(self._index("lonlat").locate(np.ascontiguousarray(lo), np.ascontiguousarray(la)) >= 0)
        from .hotspot.bng import to_bng

        x, y = to_bng(la, lo, outside="nan")
        return self.contains_xy(x, y)

    def contains_xy(self, x: Any, y: Any) -> np.ndarray:
        """For each point on the British National Grid (metres): inside the area?"""
        xs = np.ascontiguousarray(as_float_array("x", x))
        ys = np.ascontiguousarray(as_float_array("y", y))
        if len(xs) != len(ys):
            raise LengthMismatchError(f"length mismatch: `x` has {len(xs)} elements but `y` has {len(ys)}", "y")
        return np.asarray(self._index("bng").locate(xs, ys) >= 0)

    def grid_mask(self, x: Any, y: Any, counts: Any = None) -> np.ndarray:
        """Which cells of a grid lie in the area: a boolean ``(len(y), len(x))`` array, True where
        the cell centre is inside — the ``mask`` for :meth:`Weights.lattice` and :func:`plot_gi`,
        so a Gi* or local Moran over a study area's grid leaves out the cells beyond its edge
        (structural zeros that lower the mean every cell is compared with). ``x``/``y`` are the
        cell centres :func:`grid_counts` returns (British National Grid metres). With the grid's
        ``counts``, a cell holding points is kept too: its points are in the area, so the cell
        is partly inside even when its centre is not (no point is lost at the edge).

        >>> import numpy as np
        >>> m = StudyArea("Stevenage", level="la").grid_mask(np.arange(521000, 530000, 1000.0), np.arange(220000, 229000, 1000.0))
        >>> m.shape, int(m.sum())   # Stevenage is 26.1 km²: 27 cell centres of 1 km² fall in it
        ((9, 9), 27)
        """
        cx = np.asarray(as_float_array("x", x))
        cy = np.asarray(as_float_array("y", y))
        gx, gy = np.meshgrid(cx, cy)
        inside = self.contains_xy(gx.ravel(), gy.ravel()).reshape(len(cy), len(cx))
        if counts is None:
            return inside
        c = np.asarray(counts)
        if c.shape != inside.shape:
            raise LengthMismatchError(f"`counts` has shape {c.shape} but the cell centres give {inside.shape} "
                                      "(rows = len(y), columns = len(x))", "counts")
        return np.asarray(inside | (c > 0))

    def outside(self, lat: Any, lon: Any) -> pd.DataFrame:
        """Where the points outside the area are: ``area`` (local authority, or "no area" /
        "missing coordinates") and ``count``, most first."""
        la, lo, _ = _points(lat, lon)
        out = ~self.contains(la, lo)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SaferstatsWarning)
            names = assign_area(la[out], lo[out], level="la")["name"].astype(object)
        missing = ~(np.isfinite(la[out]) & np.isfinite(lo[out]))
        labels = np.where(missing, "missing coordinates", names.where(names.notna(), "no area").to_numpy())
        return _count_table(labels)

    def outside_xy(self, x: Any, y: Any) -> pd.DataFrame:
        """As :meth:`outside` for points on the British National Grid (metres)."""
        xs = np.ascontiguousarray(as_float_array("x", x))
        ys = np.ascontiguousarray(as_float_array("y", y))
        out = ~self.contains_xy(xs, ys)
        idx, names = bundled_la_bng()
        ids = idx.locate(np.ascontiguousarray(xs[out]), np.ascontiguousarray(ys[out]))
        labels = np.where(ids >= 0, names[np.maximum(ids, 0)], "no area").astype(object)
        labels[~(np.isfinite(xs[out]) & np.isfinite(ys[out]))] = "missing coordinates"
        return _count_table(labels)

    def describe(self) -> str:
        """What the area is, to follow "the study area": 'Hertfordshire (police force area
        E23000027)', or 'polygon' for a polygon (until session 16 its ``name``, "the study area
        polygon", so that messages read "study area the study area polygon").

        >>> StudyArea([[0, 0], [1000, 0], [1000, 1000]], crs=27700).describe()
        'polygon'
        """
        kind = {"force": "police force area", "csp": "CSP", "la": "local authority", "polygon": ""}[self.level]
        if self.level == "polygon":  # a boundary file's feature keeps its name: "Watford (polygon)"
            return "polygon" if self.name == "the study area polygon" else f"{self.name} (polygon)"
        return f"{self.name} ({kind} {self.code})"

    def note(self, n_in: int, where: pd.DataFrame) -> str:
        """A sentence counting the points inside and where the others are: "the study area
        <describe()>: 2,492 of 26,146 points inside; ...".

        >>> StudyArea([[0, 0], [1000, 0], [1000, 1000]], crs=27700).note(3, pd.DataFrame({"area": [], "count": []}))
        'the study area polygon: 3 of 3 points inside'
        """
        n_out = int(where["count"].sum())
        s = f"the study area {self.describe()}: {n_in:,} of {n_in + n_out:,} points inside"
        if n_out:
            top = ", ".join(f"{int(c):,} {a if a in ('no area', 'missing coordinates') else 'in ' + str(a)}"
                            for a, c in zip(where["area"][:6], where["count"][:6]))
            more = f" and {len(where) - 6} more places" if len(where) > 6 else ""
            s += f"; {n_out:,} outside were left out ({top}{more})"
        return s

    def __repr__(self) -> str:
        kind = {"force": "police force area", "csp": "CSP", "la": "local authority", "polygon": "polygon"}[self.level]
        head = f"{self.name}, {kind} {self.code}" if self.code else self.describe()
        return f"StudyArea({head}; {self.area_m2 / 1e6:,.1f} km²)"


def _count_table(labels: np.ndarray) -> pd.DataFrame:
    if not len(labels):
        return pd.DataFrame({"area": pd.Series([], dtype=object), "count": pd.Series([], dtype=np.int64)})
    vc = pd.Series(labels, dtype=object).value_counts(sort=False)
    df = pd.DataFrame({"area": vc.index.astype(object), "count": vc.to_numpy(np.int64)})
    return df.sort_values(["count", "area"], ascending=[False, True], kind="stable").reset_index(drop=True)


def force_name(label: Any, *, as_text: bool = False) -> str:
    """The name of a police force given as police.uk writes it (``"city-of-london"``), as a name
    (``"Avon & Somerset"``, ``"Essex Police"``) or as its ONS code (``"E23000027"``): the ONS name,
    the key that joins to the published tables (``"London, City of"``), or with ``as_text=True``
    the name as a sentence says it (``"City of London"``; :func:`display_name`), as the report
    names forces. A label that is none of the 43 territorial forces of England and Wales
    (``"btp"``, ``"all searches"``) is returned as it is. Method: :func:`force_id`, then the force's
    row of :func:`area_lookup` (ONS "LAD to CSP to PFA (December 2024)").

    >>> [force_name(x) for x in ["city-of-london", "E23000027", "Avon & Somerset", "btp"]]
    ['London, City of', 'Hertfordshire', 'Avon and Somerset', 'btp']
    >>> force_name("city-of-london", as_text=True)
    'City of London'
    """
    fid = force_id(label)
    if fid is None:
        return str(label)
    name = _force_ons_names().get(fid, str(label))
    return display_name(name) if as_text else name


@functools.lru_cache(maxsize=1)
def _force_ons_names() -> dict[str, str]:
    """police.uk force identifier -> ONS force name (the bundled lookup)."""
    lk = area_lookup().drop_duplicates("force")
    return {str(f): str(n) for f, n in zip(lk["force"], lk["force_name"])}


__all__ += ["force_name"]
