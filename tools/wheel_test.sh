#!/usr/bin/env bash
# Install the built wheel into a fresh virtualenv per Python given, with NO Rust on PATH, and run
# the Python test suite (tests/python, the README and the doctests of the *installed* package)
# against it: the whole suite on the last interpreter given (the newest); on the others, everything but
# the tests that read the published files in ../shared/data (marked shared_data by the tests' conftest:
# two thirds of the suite's time). Prints the measured wheel size, pip install time and import time.
# Usage: tools/wheel_test.sh WHEEL PYTHON [PYTHON ...]      (called by `make wheel-test`)
set -euo pipefail
WHEEL=$1; shift
[ -f "$WHEEL" ] || { echo "wheel-test: no wheel at $WHEEL (run make wheel)"; exit 2; }
[ "$#" -ge 2 ] || { echo "wheel-test: need at least two CPython interpreters (found: $*); set WHEEL_PYTHONS"; exit 2; }
ROOT=$(pwd)
# pytest-xdist workers: one per core, at most 4 (WHEEL_TEST_WORKERS overrides)
WORKERS=${WHEEL_TEST_WORKERS:-$(python3 -c 'import os; print(max(1, min(4, len(os.sched_getaffinity(0)))))')}
SAFE_PATH=/usr/local/bin:/usr/bin:/bin   # no ~/.cargo/bin: the wheel must not need Rust
# the test dependencies: every extra except the peer benchmarks, geo and docs
EXTRAS=$(python3 -c 'import tomllib; x = tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]; print(",".join(k for k in x if k not in ("bench", "docs")))')
echo "wheel-test: $(basename "$WHEEL") ($(du -k "$WHEEL" | cut -f1) KiB)"

test_one() {
  local PY=$1 V=$2 ver=$3 scope=$4 select="not serial"
  [ "$scope" = all ] || select="not serial and not shared_data"
  run() { env -i PATH="$V/bin:$SAFE_PATH" HOME="$HOME" LANG=C.UTF-8 CI="${CI:-}" \
      PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-}" RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-}" "$@"; }
  rm -rf "$V"
  "$PY" -m venv "$V" || return 1
  if run sh -c 'command -v cargo || command -v rustc' >/dev/null; then
    echo "wheel-test: Rust is still on PATH"; return 1
  fi
  run "$V/bin/python" -m pip install --quiet --upgrade pip || return 1
  # timings: the wheel with its runtime dependencies (from the pip cache when warm), then the
  # wheel alone (dependencies present)
  local t0 t1 t2 imp where
  t0=$(date +%s%N)
  run "$V/bin/python" -m pip install --quiet "$WHEEL"
  t1=$(date +%s%N)
  run "$V/bin/python" -m pip install --quiet --force-reinstall --no-deps "$WHEEL"
  t2=$(date +%s%N)
  run "$V/bin/python" -m pip install --quiet "$WHEEL[$EXTRAS]" || return 1
  # import time: best of three fresh interpreters
  imp=$(for _ in 1 2 3; do run "$V/bin/python" -c 'import time; t = time.perf_counter(); import saferstats; print(f"{time.perf_counter() - t:.2f}")'; done | sort -n | head -1)
  where=$(cd /tmp && run "$V/bin/python" -c 'import saferstats, saferstats._saferstats as m; print(saferstats.__version__, m.__file__)')
  case "$where" in *"$V/lib/"*) ;; *) echo "wheel-test: saferstats imported from $where, not the wheel"; return 1;; esac
  echo "wheel-test: Python $ver: pip install with runtime dependencies $(( (t1 - t0) / 1000000 )) ms," \
    "the wheel alone $(( (t2 - t1) / 1000000 )) ms, import ${imp} s ($where)"
  # --pyargs: the doctests of the installed modules, not of python/saferstats (which may hold an
  # editable build's extension module)
  # Two passes: every test except those marked serial on all cores (pytest-xdist; one test file per
  # worker, so module fixtures are built once), then the serial ones (children with wall-clock or
  # memory caps) alone. (`|| return 1`: this function runs as an `if` condition, where `set -e` is off.)
  echo "wheel-test: Python $ver: pytest -m \"$select\", then -m serial"
  run "$V/bin/python" -m pytest -q -p no:cacheprovider -n "$WORKERS" --dist loadfile -m "$select" \
    --pyargs saferstats tests/python README.md || return 1
  run "$V/bin/python" -m pytest -q -p no:cacheprovider -m serial --pyargs saferstats tests/python README.md || return 1
}

mkdir -p "$ROOT/target/wheel-venvs"
# one interpreter after the other: the suite has Ctrl-C and memory-cap tests with wall-clock
# limits that two suites side by side on a loaded 2-core machine can miss
status=0
last=${!#}
for PY in "$@"; do
  if [ "$PY" = "$last" ]; then scope=all; else scope=no-shared; fi
  ver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  V="$ROOT/target/wheel-venvs/py$ver"
  log="$ROOT/target/wheel-venvs/py$ver.log"
  if test_one "$PY" "$V" "$ver" "$scope" > "$log" 2>&1; then r=passed; else r=FAILED; status=1; fi
  echo "---- $log ($r)"
  if [ "$r" = passed ]; then grep -E "^wheel-test:|passed|skipped" "$log" | tail -5; else tail -60 "$log"; fi
done
exit $status
