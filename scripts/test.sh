#!/usr/bin/env bash
# README command 2: set up, then run the whole test suite (headless; Kivy renders offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SDL_VIDEODRIVER=offscreen KIVY_NO_ARGS=1 KIVY_NO_FILELOG=1 KIVY_NO_CONSOLELOG=1
export KIVY_HOME="${KIVY_HOME:-$(mktemp -d)}"
# --fast: the development tier, without the tests marked slow (journeys, release, soak, mypy); CI runs them all.
args=()
for arg in "$@"; do
  if [[ $arg == --fast ]]; then args+=(-m "not slow"); else args+=("$arg"); fi
done
exec .venv/bin/python -m pytest "${args[@]}"
