"""Where python-escpos keeps its parsed printer database.

On import, python-escpos parses its capabilities file (YAML, about a second on a kiosk's CPU) and pickles the
result into a new temporary directory — every process, so every start pays the parse and leaves a directory
behind. Pointing it at one private cache directory makes later starts load the pickle (it is rebuilt when the
capabilities file is newer). Call `prepare()` before the first `import escpos`.
"""
from __future__ import annotations

import os
from pathlib import Path

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def prepare() -> None:
    if os.environ.get(ENV):
        return
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        where = base / "heyuan-kiosk" / "escpos"
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (OSError, RuntimeError):     # no writable cache (or no home): python-escpos uses a temporary one
        return
    if os.access(where, os.W_OK):
        os.environ[ENV] = str(where)
