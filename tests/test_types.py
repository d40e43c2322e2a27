"""mypy passes: strict on kiosk.domain and kiosk.flow, normal elsewhere (pyproject's [tool.mypy])."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.timeout(330)
def test_mypy_passes():
    mypy = Path(sys.executable).with_name("mypy")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [str(mypy), "kiosk", "drivers", "office"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-2000:]
