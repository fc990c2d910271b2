"""Hypothesis fuzz harness for ``read_stop_search`` (issue 16, "done when"): generated police.uk
bulk files with hostile content — quotes that never close, CRLF / CR / blank lines, a BOM, NUL
bytes, invalid UTF-8, ragged rows, huge fields, junk dates and coordinates, gzip and truncated
gzip. For every file: rows read + lines left out = records written; each record is a row or a
reported line (``source_line``); any failure is a ``SaferstatsError``.

Not collected by pytest itself (no ``test_`` prefix): ``tests/python/test_readers.py`` runs
``run(n)`` in a subprocess with a memory cap and a timeout. Under CI (``CI`` set) the examples are
derandomized, so a run is reproducible. Generator constraint (as in ``tests/io_csvscan_fuzz.rs``): a
file with a quote that never closes has no other quoted fields — RFC 4180 itself cannot tell the
two apart.
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import saferstats

HEADER = ["Type", "Date", "Part of a policing operation", "Policing operation", "Latitude", "Longitude", "Gender",
          "Age range", "Self-defined ethnicity", "Officer-defined ethnicity", "Legislation", "Object of search",
          "Outcome", "Outcome linked to object of search", "Removal of more than just outer clothing"]
NH = len(HEADER)

text = st.text(alphabet="abcXYZ 0123456789-/.:", max_size=12)
junk = st.binary(min_size=1, max_size=6).map(lambda b: b.replace(b",", b"_").replace(b'"', b"_")
                                             .replace(b"\n", b"_").replace(b"\r", b"_"))
field = st.one_of(
    text.map(str.encode),
    st.sampled_from([b"Person search", b"Vehicle search", b"2020-01-02T03:04:05+00:00", b"2020-02-30",
                     b"1500-01-01", b"9999-12-31T23:59:59Z", b"31/12/2019", b"51.5", b"-0.12", b"999", b"nan",
                     b"True", b"false", b"maybe", b"White", b"Black", b"", b"NULL", b"\x00", b"\xff\xfe",
                     b"Caf\xe9"]),
    junk,
)
record = st.lists(field, min_size=NH, max_size=NH)


@st.composite
def files(draw):
    hostile = draw(st.booleans())
    recs, kinds = [], []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["row"] * 6 + ["ragged"] * 2 + (["unterminated"] * 2 if hostile else ["quoted"] * 2)))
        fields = draw(record)
        if kind == "ragged":
            n = draw(st.sampled_from([1, NH - 1, NH + 1, NH + 3]))
            fields = (fields * 2)[:n]
            if n == 1 and not fields[0]:
                fields = [b"x"]
            line = b",".join(fields)
        elif kind == "unterminated":
            k = draw(st.integers(0, NH - 1))
            fields = list(fields)
            fields[k] = b'"q' + fields[k]
            line = b",".join(fields)
        elif kind == "quoted":
            k = draw(st.integers(0, NH - 1))
            inner = draw(st.text(alphabet='ab ,"\n', max_size=10)).encode()
            if b"\n" in inner:
                inner = inner.replace(b",", b" ")  # see the module docstring
            fields = list(fields)
            fields[k] = b'"' + inner.replace(b'"', b'""') + b'"'
            line = b",".join(fields)
        else:
            line = b",".join(fields)
        if kind == "row" and draw(st.integers(0, 20)) == 0:
            line = b"x" * 70_000 + line  # a huge first field
        recs.append(line)
        kinds.append(kind)
    ends = draw(st.lists(st.sampled_from([b"\n", b"\r\n", b"\r", b"\n\n"]), min_size=len(recs) + 1,
                         max_size=len(recs) + 1))
    body = (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + ",".join(HEADER).encode()
    starts, line_no = [], 1
    for rec, end in zip(recs, ends):
        body += end
        line_no += 2 if end == b"\n\n" else 1
        starts.append(line_no)
        body += rec
        line_no += rec.replace(b"\r\n", b"\n").count(b"\n") + rec.replace(b"\r\n", b"\n").count(b"\r")
    if draw(st.booleans()):
        body += b"\n"
    return body, kinds, starts, draw(st.sampled_from(["plain", "gzip", "truncated gzip"]))


def check(case) -> None:
    body, kinds, starts, packing = case
    with tempfile.TemporaryDirectory() as tmp:
        name = "2020-01-essex-stop-and-search.csv" + ("" if packing == "plain" else ".gz")
        path = Path(tmp) / name
        data = body if packing == "plain" else gzip.compress(body)
        if packing == "truncated gzip":
            data = data[: max(1, len(data) - 10)]
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                df = saferstats.read_stop_search(path)
            except saferstats.SaferstatsError as e:
                # no rows at all, or a truncated gzip: named errors, never a partial table
                assert packing == "truncated gzip" or all(k in ("ragged", "unterminated") for k in kinds), (e, kinds)
                assert path.name in str(e) or "no stop-and-search rows" in str(e), e
                return
    assert packing != "truncated gzip", "a truncated gzip file was read"
    summary = df.attrs["summary"]
    rows = [s for s, k in zip(starts, kinds) if k in ("row", "quoted")]
    left = [s for s, k in zip(starts, kinds) if k not in ("row", "quoted")]
    assert summary["rows"] + summary["lines_left_out"] == len(kinds), (summary, kinds)
    assert list(df["source_line"]) == rows, (list(df["source_line"]), rows)
    assert sorted(d["source_line"] for d in df.attrs["dropped"] if d["column"] is None) == left
    assert str(df["month"].dtype) == "category" and df["month"].cat.ordered


def run(max_examples: int = 60) -> None:
    derandomize = bool(os.environ.get("CI"))

    @settings(max_examples=max_examples, deadline=None, derandomize=derandomize, database=None,
              suppress_health_check=list(HealthCheck))
    @given(files())
    def fuzz(case):
        check(case)

    fuzz()
    print("ok", max_examples, "examples", "(derandomized)" if derandomize else "")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
