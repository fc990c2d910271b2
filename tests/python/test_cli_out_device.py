"""``--out`` naming something that is not a regular file (``/dev/null``, ``/dev/stdout``, a named
pipe) is written to, never replaced: the CSV writer renamed a temporary file onto the path, and
run as root a test's ``--out /dev/null`` turned the machine's /dev/null into a regular file (every
later ``2>/dev/null`` wrote into it; session 21). Tested on a named pipe, which is safe to make."""

import os
import stat
import threading

import pandas as pd
import pytest

from saferstats.__main__ import main
from saferstats.report.render import write_csv


def _read_fifo(path, out):
    with open(path, encoding="utf-8") as fh:
        out.append(fh.read())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_write_csv_writes_into_a_pipe_and_leaves_it_a_pipe(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=_read_fifo, args=(fifo, got), daemon=True)
    reader.start()
    write_csv(pd.DataFrame({"area": ["=cmd", "B"], "count": [1, 2]}), fifo)
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # before: a regular file renamed over it
    assert got == ["area,count\n'=cmd,1\nB,2\n"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary file left


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_cli_out_to_a_pipe(tmp_path, capsys):
    src = tmp_path / "counts.csv"
    src.write_text("area,count,population\nA,10,1000\nB,20,1000\n", encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=_read_fifo, args=(fifo, got), daemon=True)
    reader.start()
    assert main(["rates", str(src), "--count", "count", "--population", "population", "--out", str(fifo)]) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and got[0].splitlines()[0].startswith("area,count,population,rate")
