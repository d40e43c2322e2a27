"""The kiosk's read-only resources, shipped inside the package so an installed wheel works from any directory.

    fonts/   models/   sounds/   locale/<lang>/LC_MESSAGES/kiosk.po
    config/  default.toml (the demo), offices/<code>.toml, policies/<name>.toml, and any further folder
    samples/ the demo's card and face samples (the simulated camera, `kiosk-diag screens`, the privacy journey)

Found through importlib.resources; nothing outside the installed package is read unless configured. The wheel
is installed unzipped, so `path()` is a plain directory path; from a zipped package it is extracted once.
"""
from __future__ import annotations

import atexit
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

_extracted: ExitStack | None = None


def path(*parts: str) -> Path:
    """A real filesystem path to a packaged resource (file or folder): `path("fonts", "NotoSansSC-Kiosk.otf")`."""
    global _extracted
    ref = resources.files(__name__).joinpath(*parts)
    if isinstance(ref, Path):
        return ref
    if _extracted is None:
        _extracted = ExitStack()
        atexit.register(_extracted.close)
    return _extracted.enter_context(resources.as_file(ref))


def config_path(*parts: str) -> Path:
    """A file or folder of the shipped config tree: `config_path("offices")`, `config_path("holidays", "2026.toml")`."""
    return path("config", *parts)
