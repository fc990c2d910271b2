"""Readers under hostile input (issue 16.4, 16.5, 16.8): nothing lost unreported, nothing read
twice, bounded memory, and every failure a SaferstatsError naming the file. The hypothesis fuzz
and the gzip bomb run in a subprocess with an address-space cap and a timeout, so a regression
cannot hang or exhaust the machine running the suite."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES

import saferstats
from saferstats import InvalidInputError, SaferstatsError, SaferstatsWarning

API = FIXTURES / "stop_search" / "api_leicester_2020-02.csv"
LINES = API.read_text().splitlines()
HERE = Path(__file__).resolve().parent


def _write(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.write_text(end.join(lines) + end)
    return path


def test_unterminated_quote_loses_only_its_line(tmp_path):
    """Issue 16.5: a quote opened in line 4 used to swallow the 7 records after it unreported."""
    rows = LINES[1:11]
    bad = rows[2].split(",")
    bad[1] = '"' + bad[1]
    rows[2] = ",".join(bad)
    df = saferstats.read_stop_search(_write(tmp_path / "q.csv", [LINES[0], *rows]))
    s = df.attrs["summary"]
    assert (len(df), s["lines_left_out"]) == (9, 1) and s["rows"] + s["lines_left_out"] == 10
    assert list(df["source_line"]) == [2, 3, 5, 6, 7, 8, 9, 10, 11]
    (rec,) = df.attrs["dropped"]
    assert rec["source_line"] == 4 and rec["reason"].startswith("unterminated quote") and rec["column"] is None
    # the same on the last line (the quote is still open at the end of the file)
    rows = LINES[1:4]
    rows[-1] = rows[-1].replace(",FALSE,", ',"FALSE,')
    df = saferstats.read_stop_search(_write(tmp_path / "last.csv", [LINES[0], *rows]))
    assert len(df) == 2 and df.attrs["dropped"][0]["source_line"] == 4


def test_files_are_read_once(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    one = _write(folder / "2020-02-leicestershire-stop-and-search.csv", LINES[:11])
    with pytest.warns(SaferstatsWarning, match="given more than once"):
        df = saferstats.read_stop_search([one, folder, str(one)])
    assert len(df) == 10
    # x.csv and x.csv.gz holding the same rows: the .gz is not read
    (folder / (one.name + ".gz")).write_bytes(gzip.compress(one.read_bytes()))
    with pytest.warns(SaferstatsWarning, match=r"not read: .*\.csv\.gz \(same content"):
        df = saferstats.read_stop_search(folder)
    assert len(df) == 10 and df.attrs["summary"]["files"] == 1
    # different content: both read, with a warning about double counting
    (folder / (one.name + ".gz")).write_bytes(gzip.compress("\n".join(LINES[:6]).encode() + b"\n"))
    with pytest.warns(SaferstatsWarning, match="both read, with different content"):
        df = saferstats.read_stop_search(folder)
    assert len(df) == 15


def test_far_dates_invalid_utf8_and_day_first_dates_are_reported(tmp_path):
    rows = LINES[1:5]
    rows[0] = rows[0].replace("2020-02-26T14:31:00+00:00", "1500-02-26T14:31:00+00:00")
    rows[1] = rows[1].replace("2020-02-", "2300-02-", 1)
    f = rows[2].split(",")
    f[3] = "Fem\xe9le"  # gender, written as Latin-1 below
    rows[2] = ",".join(f)
    f = rows[3].split(",")
    f[2] = "03/02/2020 15:23"  # day first (UK): 3 February, not 2 March
    rows[3] = ",".join(f)
    path = tmp_path / "far.csv"
    path.write_bytes(("\n".join([LINES[0], *rows]) + "\n").encode("latin-1"))
    df = saferstats.read_stop_search(path)
    assert len(df) == 4 and df["date"].iloc[:2].isna().all()  # no wrap-around to other dates
    reasons = {d["source_line"]: d["reason"] for d in df.attrs["dropped"]}
    assert reasons[2] == reasons[3] == "date out of range (before 1677-09-21 or after 2262-04-11)"
    assert reasons[4].startswith("invalid UTF-8 in gender") and df["gender"].iloc[2] == "Fem\ufffdle"
    assert 5 not in reasons and df["date"].iloc[3] == pd.Timestamp("2020-02-03 15:23", tz="UTC")


def test_day_first_dates_are_never_read_month_first(tmp_path):
    rows = LINES[1:4]
    for i, date in enumerate(["01/13/2020 10:00", "01/01/1500", "31.12.2019 23:59"]):
        f = rows[i].split(",")
        f[2] = date
        rows[i] = ",".join(f)
    df = saferstats.read_stop_search(_write(tmp_path / "dmy.csv", [LINES[0], *rows]))
    assert df["date"].iloc[:2].isna().all() and df["date"].iloc[2] == pd.Timestamp("2019-12-31 23:59", tz="UTC")
    assert [d["reason"] for d in df.attrs["dropped"]] == [
        "unparsable date", "date out of range (before 1677-09-21 or after 2262-04-11)"]


def test_duplicate_header_columns_are_refused(tmp_path):
    header = LINES[0] + ",outcome"
    path = _write(tmp_path / "dup.csv", [header] + [r + ",Arrest" for r in LINES[1:4]])
    with pytest.raises(InvalidInputError, match=r"dup\.csv: line 1: the header names column 'outcome' twice"):
        saferstats.read_stop_search(path)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("fake.csv.gz", b"Type,Date\n", r"fake\.csv\.gz: not a readable gzip file"),
        ("trunc.csv.gz", gzip.compress(("\n".join(LINES) + "\n").encode())[:-12], r"trunc\.csv\.gz: not a readable gzip"),
        ("empty.csv", b"", "no stop-and-search rows"),
        ("nolines.csv", b"x" * (1 << 20 + 1) * 2, r"line 1 \(the header\) is longer than"),
        ("utf16.csv", "\n".join(LINES[:3]).encode("utf-16"), "not a police.uk stop-and-search file"),
        ("nested.json", b"[" * 100_000, "nested too deeply|not valid JSON"),
    ],
)
def test_reader_errors_are_saferstats_errors_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=message):
        saferstats.read_stop_search(path)


def test_not_a_path_and_special_files(tmp_path):
    with pytest.raises(InvalidInputError, match="path"):
        saferstats.read_stop_search(12)
    with pytest.raises(InvalidInputError, match="not a regular file"):
        saferstats.read_stop_search("/dev/null")


# ------------------------------------------------------------------------------ read_mha_annual

MHA = saferstats.datasets.mha_annual_excerpt_path()
MHA_LINES = MHA.read_text().splitlines()


def test_mha_malformed_line_does_not_shift_columns(tmp_path):
    """Issue 16.5: pandas shifted every column after one malformed line and truncated the file
    after an unterminated quote; now the line is left out, listed, and nothing else moves."""
    good = saferstats.read_mha_annual(MHA)
    lines = list(MHA_LINES)
    lines[5] = lines[5] + ",extra"
    lines[9] = lines[9].replace(",Section 136,", ',"Section 136,', 1)  # pairs with line 92's quote
    df = saferstats.read_mha_annual(_write(tmp_path / "mha.csv", lines))
    assert len(df) == len(good) - 2
    assert [(d["source_line"], d["reason"].split(" (")[0]) for d in df.attrs["dropped"]] == [
        (6, "malformed line"), (10, "unterminated quote")]
    keep = [i for i in range(len(good)) if i not in (4, 8)]
    pd.testing.assert_frame_equal(df.reset_index(drop=True), good.iloc[keep].reset_index(drop=True))
    assert df.attrs["summary"]["rows"] + df.attrs["summary"]["lines_left_out"] == len(MHA_LINES) - 1


def test_mha_numbers_suppression_markers_and_errors(tmp_path):
    lines = list(MHA_LINES)
    head = lines[0].split(",")
    k = head.index("Total_Count")
    f1, f2 = lines[1].split(","), lines[2].split(",")
    f1[k], f2[k] = "*", "12a"
    lines[1], lines[2] = ",".join(f1), ",".join(f2)
    df = saferstats.read_mha_annual(_write(tmp_path / "mha.csv", lines))
    assert np.isnan(df["count"].iloc[0]) and np.isnan(df["count"].iloc[1])
    assert [(d["source_file"], d["source_line"], d["column"], d["value"]) for d in df.attrs["dropped"]] == [
        ("mha.csv", 3, "Total_Count", "12a")]
    assert df.attrs["suppressed"] == saferstats.read_mha_annual(MHA).attrs["suppressed"] + 1
    for content, message in ((b"", "empty"), (b"a,b\n1,2\n", r"missing columns \["),
                             (gzip.compress(MHA.read_bytes())[:-20], "gzip")):
        p = tmp_path / ("bad.csv.gz" if content[:2] == b"\x1f\x8b" else "bad.csv")
        p.write_bytes(content)
        with pytest.raises(InvalidInputError, match=message):
            saferstats.read_mha_annual(p)
    # gzip input reads like the plain file
    (tmp_path / "m.csv.gz").write_bytes(gzip.compress(MHA.read_bytes()))
    pd.testing.assert_frame_equal(saferstats.read_mha_annual(tmp_path / "m.csv.gz"), saferstats.read_mha_annual(MHA))


def test_read_mha_annual_still_importable_from_outcomes():
    from saferstats.outcomes import read_mha_annual

    assert read_mha_annual is saferstats.read_mha_annual


# ----------------------------------------------------------------- bounded: bombs and the fuzz

def _run_capped(code: str, *, mem_gib: float = 3.0, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run python ``code`` in a child with an address-space cap and a timeout."""
    preexec = None
    if sys.platform.startswith("linux"):
        import resource

        cap = int(mem_gib * (1 << 30))

        def preexec():  # noqa: F811 - only on Linux
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = {**os.environ, "PYTHONPATH": str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=preexec, env=env, cwd=HERE)


@pytest.mark.serial  # wall-clock/memory-capped child: run apart from the parallel pass
def test_gzip_bomb_is_refused_in_bounded_memory(tmp_path):
    """Issue 16.4: 10 MB of gzip used to become 8.3 GB in memory. A bomb that starts with a valid
    police.uk header (so that only the Rust reader can catch it) is refused, naming its sizes,
    inside a 3 GiB address-space cap."""
    member = gzip.compress(b"\0" * (1 << 20), compresslevel=9)
    bomb = tmp_path / "2020-01-essex-stop-and-search.csv.gz"
    with open(bomb, "wb") as fh:
        fh.write(gzip.compress((LINES[0] + "\n").encode()))
        for _ in range(10 * (1 << 20) // len(member)):  # ~10 MB of members, ~10 GB of zeros
            fh.write(member)
    code = (
        "import saferstats\n"
        "try:\n"
        f"    saferstats.read_stop_search({str(bomb)!r})\n"
        "except saferstats.InvalidInputError as e:\n"
        "    print('REFUSED', e)\n"
    )
    out = _run_capped(code)
    assert out.returncode == 0 and "REFUSED" in out.stdout, out.stderr[-2000:]
    assert "refused as a likely gzip bomb" in out.stdout and str(bomb.stat().st_size) in out.stdout
    # a bomb without a line end is refused before the Rust reader: by the bounded header read
    nolines = tmp_path / "x.csv.gz"
    with open(nolines, "wb") as fh:
        for _ in range(50):
            fh.write(member)
    with pytest.raises(InvalidInputError, match="longer than"):
        saferstats.read_stop_search(nolines)


@pytest.mark.serial  # wall-clock/memory-capped child: run apart from the parallel pass
def test_reader_fuzz_hypothesis_bounded():
    """The hypothesis harness (tests/python/readers_fuzz.py): generated hostile police.uk files;
    rows + lines left out = records written, every failure a SaferstatsError. Fixed seed under CI
    (derandomized); bounded by a memory cap and a timeout."""
    examples = int(os.environ.get("FUZZ_EXAMPLES", "60"))
    out = _run_capped(f"import readers_fuzz; readers_fuzz.run({examples})", timeout=600)
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    assert "ok" in out.stdout


def test_saferstats_error_is_what_readers_raise_on_junk(tmp_path):
    """A handful of junk inputs straight in-process (the fuzz covers the rest)."""
    for junk in (b"\x00\x01\x02", b"\xff\xfe\x00\x00", b'"""', b"\r\r\r", b"Type;Date\n;;;;\n"):
        p = tmp_path / "junk.csv"
        p.write_bytes(junk)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SaferstatsWarning)
            with pytest.raises(SaferstatsError):
                saferstats.read_stop_search(p)


def test_reader_arguments_probe(tmp_path):
    """Hypothesis probe of the readers' arguments: a table or a SaferstatsError, nothing else."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    good = _write(tmp_path / "2020-02-leicestershire-stop-and-search.csv", LINES[:6])
    paths = st.sampled_from([good, str(good), tmp_path, None, 5, b"bytes", "", "a\0b", tmp_path / "nope.csv",
                             [good, None], {"a": 1}, [], "/dev/null", [good, tmp_path]])

    @settings(max_examples=120, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(paths, st.sampled_from(["auto", "bulk", "api", "snake", "xml", None, 5]),
           st.sampled_from([None, "Essex", 5, ""]))
    def probe(path, fmt, force):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SaferstatsWarning)
            try:
                out = saferstats.read_stop_search(path, format=fmt, force=force)
                assert isinstance(out, pd.DataFrame)
            except SaferstatsError:
                pass
            try:
                saferstats.read_mha_annual(path)
            except SaferstatsError:
                pass

    probe()
