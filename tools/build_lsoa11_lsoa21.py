"""Build saferstats' bundled LSOA (2011) -> LSOA (2021) lookup, ``lsoa11_lsoa21.csv.gz``.

police.uk street-level files code earlier months with LSOA **2011** codes; 1,106 of the 34,753
LSOAs 2011 of England and Wales were split, merged or irregularly changed in 2021 and so have no
row in the Census 2021 LSOA table. This script keeps exactly those (the 33,647 unchanged LSOAs 2011
are LSOAs 2021 with the same code, and need no lookup), from the ONS "LSOA (2011) to LSOA (2021)
to Local Authority District (2022)" lookup for England and Wales, as packaged (an R data file) by
humaniverse/geographr (MIT; the data ONS, OGL v3) at commit
``c026be5cc76cb576358082b53f1f13d69ab577ae``, file ``data/lookup_lsoa11_lsoa21_ltla22.rda``
(geographr's ``data-raw/lookup_lsoa11_lsoa21_ltla22.R`` took it from the ONS Open Geography portal:
``F_LSOA11CD, CHGIND, LSOA21CD`` as ``lsoa11_code, change_code, lsoa21_code``).

Writes ``python/saferstats/data/lsoa11_lsoa21.csv.gz`` (gzip, byte-identical on every run): one row
per (LSOA 2011, LSOA 2021) pair of the changed LSOAs 2011, columns

* ``lsoa11_code`` - the LSOA 2011 code (never an LSOA 2021 code: checked below);
* ``change`` - the ONS change indicator: ``S`` split (one LSOA 2011 -> several LSOAs 2021, each
  wholly inside it), ``M`` merged (several LSOAs 2011 -> one LSOA 2021), ``X`` irregular and
  fragmented (parts of an LSOA 2011 combined with parts of others, here where a local authority
  boundary moved);
* ``lsoa21_code`` - an LSOA 2021 it became (part of).

Checks (the script stops if one fails): 35,795 rows in the source; change codes U/S/M/X only;
34,753 LSOAs 2011 and 35,672 LSOAs 2021, the latter exactly the LSOAs of the bundled Census 2021
table; every unchanged (U) LSOA 2011 maps to itself and to nothing else; no changed LSOA 2011 code is
an LSOA 2021 code; each LSOA 2011 has one change code; S codes map to at least two LSOAs 2021 and M
codes to exactly one. Counts: 861 S, 239 M and 6 X LSOAs 2011 (2,148 pairs).

Usage (needs ``Rscript`` to read the .rda file)::

    python tools/build_lsoa11_lsoa21.py GEOGRAPHR

where GEOGRAPHR is a checkout of humaniverse/geographr at the commit above, or a bare git directory
of it (the file is then read with ``git show <commit>:data/lookup_lsoa11_lsoa21_ltla22.rda``).
Tested with R 4.2.2, pandas 2.x.
"""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "python" / "saferstats" / "data"
OUT = DATA / "lsoa11_lsoa21.csv.gz"
COMMIT = "c026be5cc76cb576358082b53f1f13d69ab577ae"
RDA = "data/lookup_lsoa11_lsoa21_ltla22.rda"


def read_lookup(geographr: Path, tmp: Path) -> pd.DataFrame:
    rda = geographr / RDA
    if not rda.is_file():  # a bare git directory: take the file at the pinned commit
        rda = tmp / "lookup.rda"
        rda.write_bytes(subprocess.run(["git", f"--git-dir={geographr}", "show", f"{COMMIT}:{RDA}"],
                                       check=True, capture_output=True).stdout)
    csv = tmp / "lookup.csv"
    script = (f'e <- new.env(); load("{rda}", envir = e); '
              f'write.csv(as.data.frame(get(ls(e)[1], envir = e)), "{csv}", row.names = FALSE)')
    subprocess.run(["Rscript", "-e", script], check=True)
    return pd.read_csv(csv, dtype=str, keep_default_na=False)


def build(lk: pd.DataFrame) -> pd.DataFrame:
    assert len(lk) == 35_795, len(lk)
    assert set(lk["change_code"]) == {"U", "S", "M", "X"}, set(lk["change_code"])
    assert lk["lsoa11_code"].nunique() == 34_753 and lk["lsoa21_code"].nunique() == 35_672
    with gzip.open(DATA / "census2021_lsoa21.csv.gz", "rt") as fh:
        lsoa21 = set(pd.read_csv(fh, dtype=str, usecols=["lsoa_code"])["lsoa_code"])
    assert set(lk["lsoa21_code"]) == lsoa21, "the lookup's LSOAs 2021 are not those of the Census 2021 table"
    per = lk.groupby("lsoa11_code").agg(change=("change_code", "nunique"), n=("lsoa21_code", "nunique"))
    assert (per["change"] == 1).all(), "an LSOA 2011 with several change codes"
    u = lk[lk["change_code"] == "U"]
    assert (u["lsoa11_code"] == u["lsoa21_code"]).all(), "an unchanged LSOA 2011 with another code in 2021"
    changed = lk[lk["change_code"] != "U"]
    assert not set(u["lsoa11_code"]) & set(changed["lsoa11_code"]), "an LSOA 2011 both unchanged and changed"
    assert not set(changed["lsoa11_code"]) & lsoa21, "a changed LSOA 2011 code is also an LSOA 2021 code"
    assert (per.loc[changed.loc[changed.change_code == "S", "lsoa11_code"].unique(), "n"] >= 2).all()
    assert (per.loc[changed.loc[changed.change_code == "M", "lsoa11_code"].unique(), "n"] == 1).all()
    out = (changed.rename(columns={"change_code": "change"})[["lsoa11_code", "change", "lsoa21_code"]]
           .drop_duplicates().sort_values(["lsoa11_code", "lsoa21_code"]).reset_index(drop=True))
    n = out.drop_duplicates("lsoa11_code")["change"].value_counts().to_dict()
    assert n == {"S": 861, "M": 239, "X": 6}, n
    assert len(out) == 2_148, len(out)
    return out


def write_gz(path: Path, df: pd.DataFrame) -> None:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    # mtime=0: byte-identical output on every run
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(buf.getvalue().encode())


def main(geographr: Path) -> None:
    with tempfile.TemporaryDirectory() as t:
        out = build(read_lookup(geographr, Path(t)))
    write_gz(OUT, out)
    print(f"wrote {OUT} ({len(out)} rows, {out.lsoa11_code.nunique()} LSOAs 2011, {OUT.stat().st_size:,} bytes)")
    print(out.drop_duplicates("lsoa11_code")["change"].value_counts().to_string())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
