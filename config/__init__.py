"""The shipped configuration: the top-level `config/` folder, installed as the package `heyuan_config`.

    default.toml (the demo kiosk), offices/<code>.toml, policies/<name>.toml, holidays/<year>.toml

Read through importlib.resources by the kiosk and the office server; an office's own files are configured paths.
"""

from __future__ import annotations

from pathlib import Path

from heyuan_assets import path as _packaged


def path(*parts: str) -> Path:
    """A file or folder of the shipped config tree: `path("offices")`, `path("holidays", "2026.toml")`."""
    return _packaged(*parts, package=__name__)
