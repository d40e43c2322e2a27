import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_cli(args: list[str], timeout: float = 150, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    """A CLI in its own process (one Kivy app per process), headless, with a private KIVY_HOME and HOME."""
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "offscreen",
        "KIVY_NO_ARGS": "1",
        "KIVY_NO_CONSOLELOG": "1",
        **(env_extra or {}),
    }
    env.pop("KIVY_GL_BACKEND", None)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env)


@pytest.fixture
def cli():
    return run_cli
