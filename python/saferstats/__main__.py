"""The ``saferstats`` command line.

``saferstats demo [--out DIR]``
    The main job on bundled real data: hate crime rates per 100,000 with 95% confidence
    intervals for every police force area of England and Wales, 2017-18 and 2018-19, and the
    year-on-year change per force; printed, and written as CSV to DIR (default ``out/``).
``saferstats rates FILE --count COL --population COL [--multiplier M] [--confidence C] [--out CSV]``
    Rates with CIs for every row of a CSV file.

Bad input stops with one line naming the file/column and the problem, exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from . import datasets
from .exceptions import SaferstatsError
from .rates import percent_change, rate_ci


def _demo(out_dir: Path) -> int:
    df = datasets.hate_crime_by_force()
    no_pop = df.loc[df["population"].isna(), "force"].unique().tolist()
    rates = rate_ci(df["offences"], df["population"], multiplier=100_000, confidence=0.95, missing="propagate")
    table = pd.concat([df[["force", "year"]], rates.drop(columns=["confidence"])], axis=1)
    wide = df.pivot(index="force", columns="year", values=["offences", "population"])
    change = percent_change(
        wide[("offences", "2018-19")],
        wide[("population", "2018-19")],
        wide[("offences", "2017-18")],
        wide[("population", "2017-18")],
        missing="propagate",
    )
    change.index.name = "force"
    out_dir.mkdir(parents=True, exist_ok=True)
    rates_csv = out_dir / "hate_crime_rates_by_force.csv"
    change_csv = out_dir / "hate_crime_change_by_force.csv"
    table.to_csv(rates_csv, index=False)
    change.to_csv(change_csv)
    print("Police-recorded hate crime per 100,000 population, 95% CI (PHE method: exact <10, Byar's >=10)")
    print("Source: Home Office, by police force area (bundled; see saferstats/data/PROVENANCE.md)\n")
    show = table[table["year"] == "2018-19"].sort_values("rate", ascending=False)
    show = show.astype({"count": "Int64", "population": "Int64"})
    with pd.option_context("display.width", 120):
        print(show.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    if no_pop:
        print(f"\nNo published population, so no rate (rows kept with NaN): {', '.join(no_pop)}")
    herts = change.loc["Hertfordshire"]
    print(
        f"\nHertfordshire 2017-18 -> 2018-19: {herts['percent_change']:+.1f}% "
        f"(95% CI {herts['percent_lower']:+.1f}% to {herts['percent_upper']:+.1f}%, p = {herts['p_value']:.3f})"
    )
    print(f"\nWrote {rates_csv} and {change_csv}")
    return 0


def _rates(args: argparse.Namespace) -> int:
    try:
        df = pd.read_csv(args.file)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SaferstatsError(f"{args.file}: cannot read CSV ({exc})") from exc
    for kw in ("count", "population"):
        col = getattr(args, kw)
        if col not in df.columns:
            raise SaferstatsError(f"{args.file}: no column {col!r} (--{kw}); columns are {list(df.columns)}")
    out = rate_ci(
        df[args.count],
        df[args.population],
        multiplier=args.multiplier,
        confidence=args.confidence,
        method=args.method,
    )
    result = pd.concat([df.drop(columns=[args.count, args.population]), out], axis=1)
    if args.out:
        result.to_csv(args.out, index=False)
        print(f"Wrote {args.out}")
    else:
        print(result.to_string(index=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``saferstats`` console script and ``python -m saferstats``."""
    parser = argparse.ArgumentParser(prog="saferstats", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_demo = sub.add_parser("demo", help="hate crime rates with CIs on bundled Home Office data")
    p_demo.add_argument("--out", type=Path, default=Path("out"), help="output folder (default out/)")
    p_rates = sub.add_parser("rates", help="rates with CIs for every row of a CSV")
    p_rates.add_argument("file", type=Path)
    p_rates.add_argument("--count", required=True, help="column of counts")
    p_rates.add_argument("--population", required=True, help="column of populations")
    p_rates.add_argument("--multiplier", type=float, default=100_000)
    p_rates.add_argument("--confidence", type=float, default=0.95)
    p_rates.add_argument("--method", default="phe", choices=["phe", "exact", "byar"])
    p_rates.add_argument("--out", type=Path, help="write CSV here instead of printing")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args.out)
        return _rates(args)
    except SaferstatsError as exc:
        print(f"saferstats: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
