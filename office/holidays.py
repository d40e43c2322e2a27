"""The holiday calendars the server knows: the shipped config/holidays/ and the office's installed ones
(<config-dir>/holidays/<year>.toml, same format, validated by the shared model). The server decides nothing with
them; its health says which years are covered and which calendar is due and missing, as the kiosks' do."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import heyuan_config

from kiosk.domain.dates import RestDays
from kiosk.domain.holidays import HolidayCalendar, rest_days_of
from office import config_files

SHIPPED_DIR = heyuan_config.path("holidays")


class HolidayFileError(Exception):
    """A calendar file is unreadable or wrong; the message names the file and the key."""


def _load(path: Path) -> HolidayCalendar:
    calendar = config_files.load(path, HolidayCalendar, HolidayFileError)
    if path.stem != str(calendar.year):
        raise HolidayFileError(f"{path}: year: {calendar.year} does not match the file name")
    return calendar


def load_rest_days(config_dir: Path | str | None = None) -> RestDays:
    """Shipped calendars, then <config_dir>/holidays/*.toml (an installed year replaces a shipped one)."""
    calendars: dict[int, HolidayCalendar] = {}
    for directory in (SHIPPED_DIR, Path(config_dir) / "holidays" if config_dir else None):
        if directory is None or not Path(directory).is_dir():
            continue
        for path in sorted(Path(directory).glob("*.toml")):
            calendar = _load(path)
            calendars[calendar.year] = calendar
    return rest_days_of(calendars.values())


def outlook(rest_days: RestDays, today: date) -> dict:
    """For the health answer: the years covered and the calendar due and missing (None: nothing due)."""
    return {"covered": sorted(rest_days.notices), "missing": rest_days.calendar_missing(today)}
