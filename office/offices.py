"""The offices the server serves: config/offices/<code>.toml, validated by the shared model."""

from __future__ import annotations

from pathlib import Path

import heyuan_config

from kiosk.domain.offices import OfficeConfig
from office import config_files

DEFAULT_DIR = heyuan_config.path("offices")  # the shipped config tree


class OfficeFileError(Exception):
    """An office file is missing or wrong; the message names the file and the key."""


def load_offices(directory: Path | str | None = None) -> dict[str, OfficeConfig]:
    directory = Path(directory or DEFAULT_DIR)
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise OfficeFileError(f"{directory}: no office files (<code>.toml) found")
    offices = {}
    for path in files:
        office = config_files.load(path, OfficeConfig, OfficeFileError)
        if path.stem != office.code:
            raise OfficeFileError(f"{path}: code: '{office.code}' does not match the file name")
        offices[office.code] = office
    return offices
