#!/usr/bin/env bash
# README command 1: set up, then start the kiosk in demo mode (simulated devices + bundled office server).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/kiosk --demo "$@"
