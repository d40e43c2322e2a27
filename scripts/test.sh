#!/usr/bin/env bash
# README command 2: set up, then run the whole test suite (headless; Kivy renders offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SDL_VIDEODRIVER=offscreen KIVY_NO_ARGS=1 KIVY_NO_FILELOG=1 KIVY_NO_CONSOLELOG=1
# Everything a run writes outside the checkout goes in its own directory, removed at the end: two runs at once (two
# CI clones on one machine) share no temporary path, Kivy home or pytest base directory.
run_tmp=$(mktemp -d /tmp/kt-XXXXXX)
trap 'rm -rf "$run_tmp"' EXIT
export TMPDIR=$run_tmp
export KIVY_HOME="${KIVY_HOME:-$run_tmp/kivy}"
# --fast: the development tier, without the tests marked slow (journeys, release, soak, mypy); CI runs them all.
args=()
for arg in "$@"; do
  if [[ $arg == --fast ]]; then args+=(-m "not slow"); else args+=("$arg"); fi
done
# Two workers (pytest-xdist), each taking whole files, so a file's server, browser, window or release is started
# once; the files go out in collection order (not xdist's "most tests first"), where tests/conftest.py puts the
# files holding slow tests first. TEST_WORKERS=0: one process (a debugger, -x). The slowest tests are listed at the
# end: the suite's time is set by its longest files.
.venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadfile --no-loadscope-reorder --basetemp "$run_tmp/t" \
  --durations=15 "${args[@]}"
