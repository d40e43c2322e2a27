"""Morning and afternoon of each weekday, from an office's opening hours.

A span that starts before noon belongs to the morning (`am`), any later one to the afternoon (`pm`); a single
span across noon is cut at 12:00. A ticket belongs to the half-day on its side of the middle of the lunch break.
Offices without a configuration file get DEFAULT_HOURS, Heyuan's usual hours (docs/workload.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HALF_DAYS = ("am", "pm")
DEFAULT_HOURS = ["08:30-12:00", "14:30-17:30"]
NOON = 12 * 60


@dataclass(frozen=True)
class Span:
    start: int  # minutes after midnight
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def day_halves(spans: list[str]) -> dict[str, Span]:
    """{"am": Span, "pm": Span} of one day's opening spans (a half-day with no opening is left out)."""
    am: list[Span] = []
    pm: list[Span] = []
    for text in spans:
        a, b = (_minutes(t) for t in text.split("-"))
        if a < NOON < b:
            am.append(Span(a, NOON))
            pm.append(Span(NOON, b))
        else:
            (am if a < NOON else pm).append(Span(a, b))
    out = {}
    for name, parts in (("am", am), ("pm", pm)):
        if parts:
            out[name] = Span(min(p.start for p in parts), max(p.end for p in parts))
    return out


class Calendar:
    """Which weekday and half-day a moment belongs to, and how far into it, for one office."""

    def __init__(self, opening_hours: Mapping[str, list[str]] | None):
        hours = opening_hours or {}
        known = opening_hours is not None
        self.halves = {d: day_halves(hours[d] if known else DEFAULT_HOURS) for d in WEEKDAYS if d in hours or not known}
        self.assumed = not known  # the default hours, not the office's own

    def place(self, when: datetime) -> tuple[str, str, float] | None:
        """(weekday, half_day, minutes after the half-day opened, clipped to it), or None on a day the office
        is closed (a weekend)."""
        if when.weekday() >= 5:
            return None
        day = WEEKDAYS[when.weekday()]
        halves = self.halves.get(day)
        if not halves:
            return None
        minute = when.hour * 60 + when.minute + when.second / 60
        if len(halves) == 2:
            name = "am" if minute < (halves["am"].end + halves["pm"].start) / 2 else "pm"
        else:
            name = next(iter(halves))
        span = halves[name]
        return day, name, min(max(minute - span.start, 0.0), float(span.minutes))

    def span(self, weekday: str, half_day: str) -> Span | None:
        return self.halves.get(weekday, {}).get(half_day)
