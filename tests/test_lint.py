"""ruff finds nothing and the code is formatted (pyproject's [tool.ruff])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["kiosk", "drivers", "office", "assets", "config", "bench", "scripts", "tests", "setup.py"]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = Path(sys.executable).with_name("ruff")
    return subprocess.run(
        [str(ruff), *args, "--no-cache", *CHECKED], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_ruff_check_passes():
    proc = _ruff("check")
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-2000:]


def test_code_is_formatted():
    proc = _ruff("format", "--check")
    assert proc.returncode == 0, "run `.venv/bin/ruff format .`\n" + proc.stdout[-8000:] + proc.stderr[-2000:]
