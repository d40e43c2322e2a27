"""The server's idea of "now", injectable so tests and demos can pin the date.

Offices are in China (UTC+8, no daylight saving), so local time is a fixed offset.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Callable

from kiosk.domain.dates import CHINA

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(CHINA)


def offset_clock(start: datetime) -> Clock:
    """A clock that starts at `start` and then runs at real speed (for `--now` on the command line)."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=CHINA)
    t0 = time.monotonic()
    return lambda: (start + timedelta(seconds=time.monotonic() - t0)).astimezone(CHINA)


def parse_instant(text: str) -> datetime:
    """ISO date-time; without an offset it is China local time."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=CHINA)


def stamp(when: datetime) -> str:
    return when.astimezone(CHINA).isoformat(timespec="milliseconds")
