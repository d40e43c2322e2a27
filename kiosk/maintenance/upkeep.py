"""What a terminal needs over a year besides its devices: next year's holiday calendar installed in time. The
figures go to the device board (maintenance screen) and from there to the metrics."""

from __future__ import annotations

from datetime import date

from kiosk.domain.dates import RestDays


def calendar_outlook(rest_days: RestDays, today: date) -> dict:
    """The years covered, and the year whose calendar is due and missing (this year's, or from 1 November
    next year's); None when nothing is due."""
    return {"covered": sorted(rest_days.notices), "missing": rest_days.calendar_missing(today)}
