#!/usr/bin/env bash
# Build one signed, offline release bundle for terminals (see deploy/README.md, "Releases"):
#   scripts/make-release.sh --key /secure/release-signing.key [--out dist] [--wheelhouse DIR]
# → dist/heyuan-kiosk-<version>/ and dist/heyuan-kiosk-<version>.tar: the wheel, every locked dependency
#   (requirements.lock, with hashes) as wheels, the unit, udev rules, PAM stack and config template, the
#   installer, and MANIFEST (SHA-256 of every file) signed with Ed25519 in MANIFEST.sig.
# A signing key pair: .venv/bin/python scripts/release.py keygen --out DIR (keep the .key offline).
# After changing a dependency pin in pyproject.toml: .venv/bin/python scripts/release.py lock
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" scripts/release.py build "$@"
