"""Build saferstats' bundled Census 2021 denominators and local-authority boundaries.

Reads (see ``shared/data/PROVENANCE.md`` sections 6-7, and ``tools/data/``):

* ``population/census2021_ew/ts021_ethnic_group_lsoa21.csv`` - TS021, five broad groups per LSOA 2021;
* ``population/census2021_ew/ts021_ethnic_group_detailed_ltla21.csv`` - TS021, 19 groups per LA 2021;
* ``population/census2021_ew/lookup_lsoa21_ward24_ltla24.csv`` - LSOA 2021 -> ward and LA (December
  2024; the ward is ONS's best fit: the ward holding the LSOA's population-weighted centroid);
* ``population/census2021_ew/lookup_ltla24_csp24_pfa24.csv`` - LA -> CSP -> police force area (2024);
* ``boundaries/boundaries_ltla24.geojson`` - 361 UK local authorities (December 2024): codes and names;
* ``boundaries/ons_uk_topo_2014-2023.json`` - ONS TopoJSON: the outlines of the local authorities and
  of the 22 pre-merger districts of the seven authorities whose CSPs follow them;
* ``tools/data/lsoa21_premerger_district.csv`` - LSOA 2021 -> pre-merger district for those seven
  authorities (made by ``tools/derive_premerger_lsoa21.py`` from two ONS lookups).

Writes into ``python/saferstats/data/`` (gzip CSV / GeoJSON, about 0.9 MB in all):

* ``census2021_lsoa21.csv.gz`` - per LSOA: code, name, LA, CSP (and how the CSP was found), its
  best-fit electoral ward (December 2024), the five groups; the five groups sum to the LSOA total by construction of the source.
* ``census2021_areas.csv.gz`` - the same summed to every force, LA and CSP (``level`` column).
* ``census2021_detailed_la24.csv.gz`` - the 19 detailed groups per LA with 2024 codes (2021 districts
  merged in 2023 are summed; ``boundary_note`` flags the two LAs whose 2021-2024 boundary moved).
* ``lookup_la24_csp24_pfa24.csv.gz`` - the ONS LA -> CSP -> force lookup with police.uk force ids.
* ``boundaries_la24.geojson.gz`` - the 361 UK local authority outlines valid in 2024 (``la_code``,
  ``la``), decoded from the ONS TopoJSON (WGS84, 5 decimals), with the December 2024 codes and names.
* ``boundaries_premerger_districts.geojson.gz`` - the 22 pre-merger districts (``district_code``,
  ``district``, ``la_code``, ``csp_code``), decoded from the ONS TopoJSON.

Every total is checked here (the script stops if one fails): force, LA and CSP totals equal the LSOA
sums; England and Wales 59,597,576; Hertfordshire Asian 103,679, Black 44,863, Mixed 45,127, White
980,115, Other 25,048; the detailed table's broad-group sums per LA within ONS perturbation of the
LSOA sums.

Usage: ``python tools/build_census2021.py [SHARED_DATA_DIR]`` (default ``../shared/data``).
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "python" / "saferstats" / "data"
GROUPS = ["White", "Black", "Asian", "Mixed", "Other"]
SRC_GROUPS = {"white": "White", "black": "Black", "asian": "Asian", "mixed": "Mixed", "other": "Other"}
BROAD_OF_DETAILED_PREFIX = {
    "Asian": "Asian",
    "Black": "Black",
    "Mixed": "Mixed",
    "White": "White",
    "Other": "Other",
}


def force_slug(name: str) -> str:
    """police.uk force identifier (same rule as ``saferstats.io.force_slug``)."""
    import re

    s = str(name).strip().lower().replace("&", "and")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return {"london-city-of": "city-of-london", "metropolitan-police": "metropolitan"}.get(s, s)


def write_gz(path: Path, text: str) -> None:
    # mtime=0: byte-identical output on every run
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))


def csv_text(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def check(cond: bool, what: str) -> None:
    if not cond:
        raise SystemExit(f"check failed: {what}")
    print(f"ok: {what}")


# --------------------------------------------------------------------------------------------
# TopoJSON decoding (TopoJSON Format Specification 1.0, Bostock 2013: quantised, delta-encoded arcs)
def decode_topojson(topo: dict, layer: str) -> list[dict]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)
        arcs.append(np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty]))

    def ring(idx: list[int]) -> list[list[float]]:
        pts: list[list[float]] = []
        for k, i in enumerate(idx):
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            a = a if k == 0 else a[1:]  # consecutive arcs share their end point
            pts.extend([[round(float(x), 5), round(float(y), 5)] for x, y in a])
        return pts

    out = []
    for g in topo["objects"][layer]["geometries"]:
        if g["type"] == "Polygon":
            coords = [[ring(r) for r in g["arcs"]]]
        elif g["type"] == "MultiPolygon":
            coords = [[ring(r) for r in poly] for poly in g["arcs"]]
        else:
            continue
        out.append({"properties": g.get("properties", {}), "coordinates": coords})
    return out


# --------------------------------------------------------------------------------------------
def main(shared: Path) -> None:
    pop_dir = shared / "population" / "census2021_ew"
    lsoa_pop = pd.read_csv(pop_dir / "ts021_ethnic_group_lsoa21.csv", dtype={"lsoa21_code": str})
    lsoa_lk = pd.read_csv(pop_dir / "lookup_lsoa21_ward24_ltla24.csv", dtype=str)
    la_lk = pd.read_csv(pop_dir / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    detailed = pd.read_csv(pop_dir / "ts021_ethnic_group_detailed_ltla21.csv")
    premerger = pd.read_csv(ROOT / "tools" / "data" / "lsoa21_premerger_district.csv", dtype=str)

    lsoa_pop = lsoa_pop.rename(columns=SRC_GROUPS)
    check(bool((lsoa_pop[GROUPS].sum(axis=1) == lsoa_pop["total_residents"]).all()), "LSOA: five groups sum to the total in every row")
    check(int(lsoa_pop["total_residents"].sum()) == 59_597_576, "England and Wales total 59,597,576")
    check(lsoa_pop["lsoa21_code"].is_unique and lsoa_lk["lsoa21_code"].is_unique, "LSOA codes unique")
    check(set(lsoa_pop["lsoa21_code"]) == set(lsoa_lk["lsoa21_code"]), "every LSOA in both the table and the lookup")

    # ---- LA -> CSP -> force lookup
    la_lk = la_lk.rename(columns={
        "ltla24_code": "la_code", "ltla24_name": "la", "csp24_code": "csp_code", "csp24_name": "csp",
        "pfa24_code": "force_code", "pfa24_name": "force_name",
    })
    la_lk["force"] = la_lk["force_name"].map(force_slug)
    n_csp = la_lk.groupby("la_code")["csp_code"].transform("nunique")
    la_lk["csp_split"] = n_csp > 1
    check(int(la_lk.loc[la_lk.csp_split, "la_code"].nunique()) == 7, "7 LAs listed with several CSPs")
    check(bool((la_lk.groupby("la_code")["force_code"].nunique() == 1).all()), "every LA in exactly one force")

    # ---- LSOA -> CSP: the lookup where the LA is one CSP; the pre-merger district otherwise
    lsoa = lsoa_lk[["lsoa21_code", "lsoa21_name", "ltla24_code", "ward24_code", "ward24_name"]].rename(
        columns={"lsoa21_code": "lsoa_code", "lsoa21_name": "lsoa", "ltla24_code": "la_code", "ward24_code": "ward_code",
                 "ward24_name": "ward"})
    check(lsoa["ward_code"].notna().all() and bool((lsoa.groupby("ward_code")["la_code"].nunique() == 1).all())
          and bool((lsoa.groupby("ward_code")["ward"].nunique() == 1).all()),
          "every LSOA has a ward, and a ward one name and one LA")
    single = la_lk[~la_lk.csp_split].drop_duplicates("la_code")[["la_code", "csp_code"]]
    lsoa = lsoa.merge(single, on="la_code", how="left")
    lsoa["csp_basis"] = np.where(lsoa["csp_code"].notna(), "la", "")
    split = la_lk[la_lk.csp_split]
    district_csp: dict[str, tuple[str, str]] = {}  # district18_code -> (csp_code, basis)
    for la_code, rows in split.groupby("la_code"):
        dists = premerger.loc[premerger.ltla24_code == la_code, ["district18_code", "district18_name"]].drop_duplicates()
        unmatched = dict(zip(rows.csp_code, rows.csp))
        pending = []
        for code, name in dists.itertuples(index=False):
            hit = [c for c, n in zip(rows.csp_code, rows.csp) if n == name or name in n.split(" and ")]
            if len(hit) == 1:
                district_csp[code] = (hit[0], "district")
                unmatched.pop(hit[0], None)
            else:
                pending.append((code, name))
        for code, name in pending:
            check(len(unmatched) == 1, f"{la_code}: district {name} resolved by elimination")
            district_csp[code] = (next(iter(unmatched)), "district_by_elimination")
            print(f"   {name} -> CSP {next(iter(unmatched.values()))} (the only CSP of {la_code} named after no district)")
    pm = premerger.set_index("lsoa21_code")
    in_split = lsoa["csp_code"].isna()
    check(set(lsoa.loc[in_split, "lsoa_code"]) == set(pm.index), "pre-merger lookup covers exactly the LSOAs of the 7 LAs")
    dcode = lsoa.loc[in_split, "lsoa_code"].map(pm["district18_code"])
    lsoa.loc[in_split, "csp_code"] = dcode.map(lambda c: district_csp[c][0])
    lsoa.loc[in_split, "csp_basis"] = dcode.map(lambda c: district_csp[c][1])
    lsoa["district18_code"] = lsoa["lsoa_code"].map(pm["district18_code"]).fillna("")
    lsoa = lsoa.merge(lsoa_pop[["lsoa21_code"] + GROUPS].rename(columns={"lsoa21_code": "lsoa_code"}), on="lsoa_code")
    lsoa = lsoa.sort_values("lsoa_code").reset_index(drop=True)
    check(lsoa["csp_code"].notna().all() and len(lsoa) == 35_672, "every LSOA has a CSP")
    wards_csp = lsoa.groupby("ward_code")["csp_code"].nunique()
    print(f"   {lsoa['ward_code'].nunique():,} wards hold an LSOA; {int((wards_csp > 1).sum())} span two CSPs")

    # ---- areas: force, LA, CSP
    names = {
        "force": la_lk.drop_duplicates("force_code").set_index("force_code")["force_name"],
        "la": la_lk.drop_duplicates("la_code").set_index("la_code")["la"],
        "csp": la_lk.drop_duplicates("csp_code").set_index("csp_code")["csp"],
    }
    force_of_la = la_lk.drop_duplicates("la_code").set_index("la_code")["force_code"]
    lsoa["force_code"] = lsoa["la_code"].map(force_of_la)
    check(lsoa["force_code"].notna().all(), "every LSOA has a force")
    frames = []
    for level, key in (("force", "force_code"), ("la", "la_code"), ("csp", "csp_code")):
        agg = lsoa.groupby(key, as_index=False)[GROUPS].sum().rename(columns={key: "code"})
        agg.insert(0, "level", level)
        agg.insert(2, "name", agg["code"].map(names[level]))
        if level == "force":
            agg["force_code"] = agg["code"]
            agg["csp_basis"] = ""
        elif level == "la":
            agg["force_code"] = agg["code"].map(force_of_la)
            agg["csp_basis"] = np.where(agg["code"].isin(split["la_code"]), "split", "")
        else:
            f = lsoa.drop_duplicates("csp_code").set_index("csp_code")["force_code"]
            agg["force_code"] = agg["code"].map(f)
            basis = lsoa.groupby("csp_code")["csp_basis"].agg(lambda s: "district" if (s != "la").any() else "la")
            agg["csp_basis"] = agg["code"].map(basis)
        frames.append(agg)
        check(agg["name"].notna().all(), f"{level}: every code has a name")
        check(int(agg[GROUPS].to_numpy().sum()) == 59_597_576, f"{level}: {len(agg)} areas sum to 59,597,576")
    areas = pd.concat(frames, ignore_index=True)
    areas = areas[["level", "code", "name", "force_code", "csp_basis"] + GROUPS]
    check((areas.level == "force").sum() == 43 and (areas.level == "la").sum() == 318 and (areas.level == "csp").sum() == 314,
          "43 forces, 318 LAs, 314 CSPs")
    # CSP sums via whole LAs agree where no LA is split
    herts = areas[(areas.level == "force") & (areas.name == "Hertfordshire")].iloc[0]
    check(tuple(int(herts[g]) for g in ["Asian", "Black", "Mixed", "White", "Other"]) == (103_679, 44_863, 45_127, 980_115, 25_048),
          "Hertfordshire: Asian 103,679, Black 44,863, Mixed 45,127, White 980,115, Other 25,048")

    # ---- detailed groups per LA, 2024 codes
    detailed = detailed.rename(columns={"ltla21_code": "la21_code", "ltla21_name": "la21"})
    det_cols = [c for c in detailed.columns if ":" in c]
    check(len(det_cols) == 19, "19 detailed groups")
    check(bool((detailed[det_cols] % 1 == 0).all().all()), "detailed counts are whole numbers")
    detailed[det_cols] = detailed[det_cols].astype(np.int64)
    # 2021 district -> 2024 LA, from LSOA 2021 names ("<2021 district name> 001A")
    lk = lsoa_lk.assign(la21=lsoa_lk["lsoa21_name"].str.replace(r" \d{3}[A-Z]$", "", regex=True))
    lk["la21"] = lk["la21"].replace({"Kingston upon Hull": "Kingston upon Hull, City of",
                                     "Herefordshire": "Herefordshire, County of", "Bristol": "Bristol, City of"})
    counts = lk.groupby(["la21", "ltla24_code"]).size().rename("n").reset_index()
    main24 = counts.sort_values("n", ascending=False).drop_duplicates("la21").set_index("la21")["ltla24_code"]
    moved = counts[counts.ltla24_code != counts.la21.map(main24)]
    detailed["la_code"] = detailed["la21"].map(main24)
    check(detailed["la_code"].notna().all(), "every 2021 district placed in a 2024 LA")
    same_code = detailed["la21_code"] == detailed["la_code"]
    print(f"   2021 districts merged into 2024 LAs: {int((~same_code).sum())}")
    notes: dict[str, str] = {}
    for r in moved.itertuples(index=False):
        moved_lsoas = lk[(lk.la21 == r.la21) & (lk.ltla24_code == r.ltla24_code)]["lsoa21_code"]
        moved_pop = int(lsoa_pop.set_index("lsoa21_code").loc[moved_lsoas, "total_residents"].sum())
        src = main24[r.la21]
        note = f"2021 boundary: {r.n} LSOA(s) ({moved_pop} residents) moved from {names['la'][src]} to {names['la'][r.ltla24_code]} by 2024"
        notes[src] = note
        notes[r.ltla24_code] = note
        print(f"   {note}")
    det24 = detailed.groupby("la_code", as_index=False).agg(
        {**{c: "sum" for c in det_cols}, "la21_code": lambda s: ";".join(sorted(s))})
    det24.insert(1, "la", det24["la_code"].map(names["la"]))
    det24["boundary_note"] = det24["la_code"].map(notes).fillna("")
    det24 = det24[["la_code", "la", "la21_code", "boundary_note"] + det_cols]
    check(len(det24) == 318 and set(det24.la_code) == set(names["la"].index), "detailed table covers the 318 LAs (2024)")
    # independent check: broad sums of the detailed table vs the LSOA sums (ONS perturbation)
    # ONS cell-key perturbation acts on each table separately, so an LA's detailed counts differ from
    # the sum of its LSOAs' counts by a few people per LSOA at most; observed: at most 0.47 per LSOA
    # (58 people), totals within 0.05%. Check |difference| <= number of LSOAs (one person per LSOA).
    la_areas = areas[areas.level == "la"].set_index("code")
    n_lsoa = lsoa.groupby("la_code").size()
    worst = 0.0
    for g in GROUPS:
        cols = [c for c in det_cols if c.startswith(g)]
        diff = (det24.set_index("la_code")[cols].sum(axis=1) - la_areas[g]).drop(list(notes))
        worst = max(worst, float((diff.abs() / n_lsoa[diff.index]).max()))
    print(f"   largest |detailed - LSOA sum| per LA and broad group, per LSOA: {worst:.2f}")
    check(worst <= 1.0, "detailed table within ONS perturbation (1 per LSOA) of the LSOA sums")
    det_total = int(det24[det_cols].to_numpy().sum())
    check(abs(det_total - 59_597_576) <= 10, f"detailed table E&W total {det_total:,} within 10 of 59,597,576")

    # ---- lookup with police.uk ids
    lookup = la_lk[["la_code", "la", "csp_code", "csp", "force_code", "force_name", "force", "csp_split"]]

    # ---- boundaries
    # Outlines: the ONS TopoJSON's local authorities valid in 2024 (start <= 2024 <= end), which
    # are more detailed than the ultra-generalised ltla24 file (75k vs 29k vertices; on the 13
    # Hertfordshire street-crime months they agree with the records' LSOA codes 99.6% vs 98.7%)
    # and share their arcs with the pre-merger districts. Codes and names are ltla24's (the
    # TopoJSON has two pre-2018 Scottish codes and a 2025 name).
    gj = json.loads((shared / "boundaries" / "boundaries_ltla24.geojson").read_text())
    ltla24 = {f["properties"]["ltla24_code"]: f["properties"]["ltla24_name"] for f in gj["features"]}
    by_name = {v: k for k, v in ltla24.items()}
    topo = json.loads((shared / "boundaries" / "ons_uk_topo_2014-2023.json").read_text())
    feats = []
    for g in decode_topojson(topo, "ltla"):
        p = g["properties"]
        if not (p.get("start", 0) <= 2024 <= p.get("end", 9999)):
            continue
        code = p["areacd"] if p["areacd"] in ltla24 else by_name.get(p["areanm"])
        if code is None:
            raise SystemExit(f"TopoJSON LA {p} matches no December 2024 LA")
        if code != p["areacd"]:
            print(f"   TopoJSON {p['areacd']} {p['areanm']} -> {code} {ltla24[code]}")
        feats.append({"type": "Feature", "properties": {"la_code": code, "la": ltla24[code]},
                      "geometry": {"type": "MultiPolygon", "coordinates": g["coordinates"]}})
    check(len(feats) == 361 and {f["properties"]["la_code"] for f in feats} == set(ltla24),
          "361 LA outlines (2024), one per December 2024 LA")
    check(set(names["la"].index) <= {f["properties"]["la_code"] for f in feats}, "every E&W LA (2024) has an outline")
    la_geo = {"type": "FeatureCollection", "name": "boundaries_la24", "crs": gj.get("crs"), "features": feats}

    want = premerger.drop_duplicates("district18_code").set_index("district18_code")
    dfeats = []
    for g in decode_topojson(topo, "ltla"):
        code = g["properties"].get("areacd")
        if code in want.index:
            dfeats.append({"type": "Feature", "properties": {
                "district_code": code, "district": want.loc[code, "district18_name"],
                "la_code": want.loc[code, "ltla24_code"], "csp_code": district_csp[code][0]},
                "geometry": {"type": "MultiPolygon", "coordinates": g["coordinates"]}})
    check(len(dfeats) == len(want) == 22, "22 pre-merger district outlines")
    dist_geo = {"type": "FeatureCollection", "name": "boundaries_premerger_districts", "crs": gj.get("crs"), "features": dfeats}

    # ---- write
    files = {
        "census2021_lsoa21.csv.gz": csv_text(lsoa[["lsoa_code", "lsoa", "la_code", "csp_code", "csp_basis", "district18_code",
                                                   "ward_code", "ward"] + GROUPS]),
        "census2021_areas.csv.gz": csv_text(areas),
        "census2021_detailed_la24.csv.gz": csv_text(det24),
        "lookup_la24_csp24_pfa24.csv.gz": csv_text(lookup),
        "boundaries_la24.geojson.gz": json.dumps(la_geo, separators=(",", ":")),
        "boundaries_premerger_districts.geojson.gz": json.dumps(dist_geo, separators=(",", ":")),
    }
    total = 0
    for name, text in files.items():
        write_gz(OUT / name, text)
        size = (OUT / name).stat().st_size
        total += size
        print(f"wrote {name}: {size / 1024:.0f} KB")
    print(f"total {total / 1024:.0f} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
