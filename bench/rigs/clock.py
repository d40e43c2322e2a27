"""A clock tests and fault trials move by hand, for the office server (which takes any `office.clock.Clock`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.domain.dates import CHINA


class ManualClock:
    """Stands still until moved; a naive time is China local time."""

    def __init__(self, start: datetime):
        self.current = start if start.tzinfo else start.replace(tzinfo=CHINA)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)

    def set(self, when: datetime) -> None:
        self.current = when if when.tzinfo else when.replace(tzinfo=CHINA)
