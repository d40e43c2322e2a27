#!/usr/bin/env bash
# README command 2: set up, then run the whole test suite (headless; Kivy renders offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SDL_VIDEODRIVER=offscreen KIVY_NO_ARGS=1 KIVY_NO_FILELOG=1 KIVY_NO_CONSOLELOG=1
export KIVY_HOME="${KIVY_HOME:-$(mktemp -d)}"
exec .venv/bin/python -m pytest "$@"
