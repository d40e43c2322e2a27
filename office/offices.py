"""The offices the server serves: config/offices/<code>.toml, validated by the shared model."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

import heyuan_config

from kiosk.domain.offices import OfficeConfig, validation_problem

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
        try:
            office = OfficeConfig.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeError, tomllib.TOMLDecodeError) as e:
            raise OfficeFileError(f"{path}: cannot be read ({e})") from None
        except ValidationError as e:
            key, problem = validation_problem(e)
            raise OfficeFileError(f"{path}: {key}: {problem}") from None
        if path.stem != office.code:
            raise OfficeFileError(f"{path}: code: '{office.code}' does not match the file name")
        offices[office.code] = office
    return offices
