"""A realistic synthetic service history, for the demo's bureau page, the tests and the benchmark.

Each working day (Monday to Friday) and half-day of an office: booked applicants at slots spread evenly over the
half-day (a Poisson number around `booked`), walk-ins at random with a morning peak (a Poisson number around
`walk_ins`), both scaled by the weekday's factor; businesses drawn from `mix`; service minutes per business
drawn from a log-normal with the median and 90th percentile of SERVICE_MIN; the queue itself played through the
same discipline as the advice's simulation (booked first, `windows` windows), so waits and windows in the
history are consistent with the times. Home counties: `cross_county` of the tickets from another Heyuan county,
`outside_city` from outside the city. Parameters and their defaults are listed in docs/workload.md.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterator

from kiosk.domain.dates import CHINA
from kiosk.domain.divisions import HEYUAN_COUNTIES
from office.workload.halfdays import DEFAULT_HOURS, WEEKDAYS, day_halves
from office.workload.queue_sim import booked_arrivals, calls, poisson
from office.workload.records import Record

# business → (median, 90th percentile) of the minutes at the window, served → ended
SERVICE_MIN: dict[str, tuple[float, float]] = {
    "marriage": (15.0, 24.0),
    "divorce_application": (22.0, 35.0),
    "divorce_certificate": (12.0, 18.0),
    "reissue_certificate": (10.0, 16.0),
    "archive_query": (8.0, 14.0),
    "record_certificate": (6.0, 10.0),
}
DEFAULT_MIX = {
    "marriage": 0.55,
    "divorce_application": 0.15,
    "divorce_certificate": 0.1,
    "reissue_certificate": 0.08,
    "archive_query": 0.06,
    "record_certificate": 0.06,
}
WEEKDAY_FACTOR = {"mon": 1.2, "tue": 1.0, "wed": 1.0, "thu": 0.95, "fri": 0.85}
OUTSIDE_DIVISIONS = ("440106", "430102", "441402", "440304")
CALL_TO_WINDOW_MIN = (0.5, 2.0)  # the applicant walks to the window
Z90 = 1.2816


@dataclass(frozen=True)
class Profile:
    """How one office works, for the synthetic history."""

    office: str
    windows: dict[str, int] = field(default_factory=lambda: {"am": 3, "pm": 2})
    booked: dict[str, float] = field(default_factory=lambda: {"am": 14.0, "pm": 8.0})  # per half-day, mean
    walk_ins: dict[str, float] = field(default_factory=lambda: {"am": 8.0, "pm": 5.0})
    mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    service_min: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(SERVICE_MIN))
    cross_county: float = 0.18
    outside_city: float = 0.06
    no_show: float = 0.04  # called but nobody came
    transferred: float = 0.02
    weekday_factor: dict[str, float] = field(default_factory=lambda: dict(WEEKDAY_FACTOR))
    opening_hours: dict[str, list[str]] | None = None  # None: DEFAULT_HOURS

    def service(self, rng: random.Random, business: str) -> float:
        median, p90 = self.service_min[business]
        sigma = math.log(p90 / median) / Z90
        return rng.lognormvariate(math.log(median), sigma)


# The demo's six offices: the city district busiest, the counties with two or three windows.
DEMO_PROFILES = (
    Profile(
        "441602",
        windows={"am": 4, "pm": 3},
        booked={"am": 20, "pm": 12},
        walk_ins={"am": 12, "pm": 7},
        cross_county=0.26,
        outside_city=0.09,
    ),
    Profile("441621", booked={"am": 13, "pm": 7}, walk_ins={"am": 9, "pm": 5}, cross_county=0.14),
    Profile("441622", booked={"am": 15, "pm": 8}, walk_ins={"am": 9, "pm": 6}, cross_county=0.12),
    Profile(
        "441623", windows={"am": 2, "pm": 2}, booked={"am": 9, "pm": 5}, walk_ins={"am": 6, "pm": 4}, cross_county=0.1
    ),
    Profile(
        "441624", windows={"am": 2, "pm": 2}, booked={"am": 8, "pm": 5}, walk_ins={"am": 6, "pm": 3}, cross_county=0.09
    ),
    Profile("441625", booked={"am": 14, "pm": 8}, walk_ins={"am": 8, "pm": 5}, cross_county=0.21, outside_city=0.05),
)


def working_days(end: date, count: int) -> list[date]:
    """The last `count` weekdays up to and including `end`."""
    out: list[date] = []
    day = end
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day -= timedelta(days=1)
    return out[::-1]


def _home(rng: random.Random, p: Profile) -> str:
    x = rng.random()
    if x < p.outside_city:
        return rng.choice(OUTSIDE_DIVISIONS)
    if x < p.outside_city + p.cross_county:
        return rng.choice([c for c in HEYUAN_COUNTIES if c != p.office])
    return p.office if p.office in HEYUAN_COUNTIES else "441602"


def _business(rng: random.Random, p: Profile) -> str:
    return rng.choices(list(p.mix), weights=list(p.mix.values()))[0]


def half_day(rng: random.Random, p: Profile, day: date, name: str, start_min: int, span: int) -> list[Record]:
    """One half-day's tickets, played through the queue."""
    factor = p.weekday_factor.get(WEEKDAYS[day.weekday()], 1.0)
    booked_times = booked_arrivals(rng, poisson(rng, p.booked[name] * factor), float(span))
    walk_times = [rng.triangular(0.0, float(span), span * 0.15) for _ in range(poisson(rng, p.walk_ins[name] * factor))]
    tickets: list[tuple[float, int, float, str, str, tuple[float, float] | None]] = []  # arrival, priority,
    # window minutes, business, outcome, (walk to the window, service) or None
    for t, priority in sorted([(t, 0) for t in booked_times] + [(t, 1) for t in walk_times]):
        business = _business(rng, p)
        x = rng.random()
        if x < p.no_show:
            tickets.append((t, priority, 1.0, business, "no_show", None))
            continue
        walk = rng.uniform(*CALL_TO_WINDOW_MIN)
        service = p.service(rng, business)
        outcome = "transferred" if x < p.no_show + p.transferred else "done"
        tickets.append((t, priority, walk + service, business, outcome, (walk, service)))
    opening = datetime(day.year, day.month, day.day, tzinfo=CHINA) + timedelta(minutes=start_min)
    out = []
    for k, called_min, window in calls([(t[0], t[1], t[2]) for t in tickets], p.windows[name]):
        t, priority, _, business, outcome, parts = tickets[k]
        issued = opening + timedelta(minutes=t)
        called = opening + timedelta(minutes=called_min)
        served = ended = None
        if parts is not None:
            served = called + timedelta(minutes=parts[0])
            ended = served + timedelta(minutes=parts[1])
        else:
            ended = called + timedelta(minutes=1)
        out.append(
            Record(
                p.office,
                business,
                priority == 0,
                (_home(rng, p),),
                issued,
                called,
                served,
                ended,
                f"W{window + 1}",
                outcome,
            )
        )
    return out


def history(profiles: tuple[Profile, ...] | list[Profile], end: date, days: int, seed: int = 1) -> Iterator[Record]:
    """The records of `days` working days up to `end` for each profile, in time order per office and day."""
    for p in profiles:
        rng = random.Random(f"{seed}:{p.office}")
        for day in working_days(end, days):
            hours = (p.opening_hours or {}).get(WEEKDAYS[day.weekday()]) if p.opening_hours else DEFAULT_HOURS
            for name, span in day_halves(hours or []).items():
                yield from half_day(rng, p, day, name, span.start, span.minutes)
