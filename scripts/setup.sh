#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian 12 machine with Python 3.11: system packages (when root),
# a virtualenv in .venv, and the pinned Python packages from pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

# gcc + libc6-dev build the stand-in vendor libraries (WLT photo decoder, fingerprint matcher) from drivers/standin;
# espeak-ng speaks the prompts; openssl checks release signatures (tests/release); chromium runs the office's web pages
# in the browser tests (driven by Playwright, which downloads no browser of its own); xvfb, xdotool and x11-utils run
# the real-window test (tests/window: the demo in an X server, touched as a person would).
APT_PACKAGES=(libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libgles2 libmtdev1 espeak-ng gcc libc6-dev openssl chromium
  xvfb xdotool x11-utils)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
else
  echo "setup: not root; assuming these system packages are present: ${APT_PACKAGES[*]}"
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.installed-$(cat pyproject.toml setup.py | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[test]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# The stand-in WLT decoder and fingerprint matcher (same C signatures as the vendors'; simulator formats only).
.venv/bin/python -m drivers.standin
# The spoken prompts, synthesised offline with espeak-ng into assets/voice (only what changed is redone).
.venv/bin/python scripts/make_voice.py
# The waiting-room display's voice segments (office/lobby/voice.py), the same way.
.venv/bin/python scripts/make_lobby_voice.py
