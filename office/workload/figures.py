"""Workload figures of one office from its service records: by weekday and half-day, and for the whole range.

The cross-county and outside-city shares are the 全城通办 report's own (kiosk.domain.citywide.compute): the
share of applicants whose home county is another Heyuan county, and the share from outside the city.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Mapping
from datetime import date, timedelta

from kiosk.domain.business import BUSINESSES
from kiosk.domain.citywide import MAX_DAYS, compute
from office.workload.halfdays import HALF_DAYS, WEEKDAYS, Calendar
from office.workload.records import Record

NO_SHOW_WINDOW_MIN = 1.0  # a window that calls a no-show moves on after about a minute


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1) of unsorted values, None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered) + 0.5)) - 1))]


def minutes(a, b) -> float:
    return (b - a).total_seconds() / 60


def window_minutes(r: Record) -> float | None:
    """How long the ticket kept a window: call to end; None when the source does not say."""
    if r.called is None:
        return 0.0 if r.outcome == "no_show" else None  # left before being called: no window time
    if r.ended is not None:
        return minutes(r.called, r.ended)
    if r.outcome == "no_show":
        return NO_SHOW_WINDOW_MIN
    return None


@dataclass
class Cell:
    """One weekday's morning or afternoon over the range."""

    weekday: str
    half_day: str
    span_min: int
    days: int = 0  # working days seen in this half-day
    booked: int = 0
    walk_ins: int = 0
    no_shows: int = 0
    windows_per_day: list[int] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    service: list[float] = field(default_factory=list)  # served → ended, done tickets
    walk_in_profile: list[float] = field(default_factory=list)  # minutes after opening

    @property
    def windows(self) -> int:
        """Windows usually open: the median over the days seen (at least one)."""
        return max(1, int(statistics.median(self.windows_per_day) + 0.5)) if self.windows_per_day else 1

    def per_day(self, count: int) -> float:
        return count / self.days if self.days else 0.0


@dataclass
class OfficeFigures:
    office: str
    first_day: str
    last_day: str
    working_days: int
    tickets: int
    booked: int
    walk_ins: int
    no_shows: int
    cross_county_share: float
    outside_city_share: float
    by_business: dict[str, dict]
    cells: list[Cell]
    booked_service: list[float]  # window minutes per ticket, as resampled by the simulation
    walk_in_service: list[float]
    hours_assumed: bool  # the office has no configuration: DEFAULT_HOURS

    def cell(self, weekday: str, half_day: str) -> Cell | None:
        return next((c for c in self.cells if (c.weekday, c.half_day) == (weekday, half_day)), None)


def shares(records: list[Record], office: str) -> tuple[float, float]:
    """(cross-county share, outside-city share) of applicants, counted as the 全城通办 report counts them."""
    if not records:
        return 0.0, 0.0
    cases = [{"day": r.day, "business": r.business, "home_counties": r.home_counties} for r in records]
    first, last = date.fromisoformat(min(r.day for r in records)), date.fromisoformat(max(r.day for r in records))
    applicants = other = outside = 0
    while first <= last:  # the report covers at most MAX_DAYS at a time
        end = min(last, first + timedelta(days=MAX_DAYS - 1))
        report = compute(cases, office, first, end)
        applicants += report["applicants"]
        other += report["from_other_counties"]
        outside += report["by_home_county"].get("outside_city", 0)
        first = end + timedelta(days=1)
    return (round(other / applicants, 4), round(outside / applicants, 4)) if applicants else (0.0, 0.0)


def office_figures(office: str, records: list[Record], opening_hours: Mapping[str, list[str]] | None) -> OfficeFigures:
    """The figures of one office's records (all of them belong to `office`)."""
    calendar = Calendar(opening_hours)
    cells: dict[tuple[str, str], Cell] = {}
    for d in WEEKDAYS:
        for h in HALF_DAYS:
            span = calendar.span(d, h)
            if span is not None:
                cells[(d, h)] = Cell(d, h, span.minutes)
    days_seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    windows_seen: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    service_by_business: dict[str, list[float]] = defaultdict(list)
    tickets_by_business: Counter[str] = Counter()
    booked_pool: list[float] = []
    walk_in_pool: list[float] = []
    for r in records:
        tickets_by_business[r.business] += 1
        served_min = minutes(r.served, r.ended) if r.outcome == "done" and r.served and r.ended else None
        if served_min is not None:
            service_by_business[r.business].append(served_min)
        held = window_minutes(r)
        if held is not None:
            (booked_pool if r.booked else walk_in_pool).append(held)
        place = calendar.place(r.issued)
        if place is None or (place[0], place[1]) not in cells:
            continue
        key = (place[0], place[1])
        cell = cells[key]
        days_seen[key].add(r.day)
        if r.booked:
            cell.booked += 1
        else:
            cell.walk_ins += 1
            cell.walk_in_profile.append(place[2])
        if r.outcome == "no_show":
            cell.no_shows += 1
        if r.called is not None:
            cell.waits.append(minutes(r.issued, r.called))
            windows_seen[(*key, r.day)].add(r.window)
        if served_min is not None:
            cell.service.append(served_min)
    for key, cell in cells.items():
        cell.days = len(days_seen[key])
        cell.windows_per_day = [len(windows_seen[(*key, d)]) for d in sorted(days_seen[key])]
    days = sorted({r.day for r in records})
    cross, outside = shares(records, office)
    return OfficeFigures(
        office=office,
        first_day=days[0] if days else "",
        last_day=days[-1] if days else "",
        working_days=len(days),
        tickets=len(records),
        booked=sum(1 for r in records if r.booked),
        walk_ins=sum(1 for r in records if not r.booked),
        no_shows=sum(1 for r in records if r.outcome == "no_show"),
        cross_county_share=cross,
        outside_city_share=outside,
        by_business={
            b: {
                "tickets": tickets_by_business[b],
                "service_min_median": _round(percentile(service_by_business[b], 0.5)),
                "service_min_p90": _round(percentile(service_by_business[b], 0.9)),
            }
            for b in BUSINESSES
            if tickets_by_business[b]
        },
        cells=[c for c in cells.values() if c.days],
        booked_service=booked_pool,
        walk_in_service=walk_in_pool,
        hours_assumed=calendar.assumed,
    )


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
