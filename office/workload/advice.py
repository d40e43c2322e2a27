"""Booking advice: for each weekday and half-day, the most bookings that keep the office's service level.

The service level is the share of applicants called within `wait_min` minutes of taking their ticket (default:
90 % within 15 minutes). For each half-day the simulation (office/workload/queue_sim.py) replays the windows
usually open, the walk-ins usually seen and the service times measured, with a trial number of bookings; the
advice is the largest number for which the predicted service level still reaches the target. What-if: the
same with one window more and one window less.
"""

from __future__ import annotations

import statistics
import zlib
from dataclasses import dataclass
from typing import Callable

from office.workload.figures import Cell, OfficeFigures, percentile
from office.workload.queue_sim import HalfDay, Outcome, Trials

MIN_WORKING_DAYS = 10
MAX_QUOTA = 400


@dataclass(frozen=True)
class Target:
    service_level: float = 0.9
    wait_min: float = 15.0
    replications: int = 200  # per trial quota; the advice is stable to ±1 across seeds (tests)
    seed: int = 27

    def __post_init__(self) -> None:
        if not 0 < self.service_level < 1:
            raise ValueError("the service level is a share between 0 and 1 (exclusive), such as 0.9")
        if not 0 < self.wait_min <= 240:
            raise ValueError("the wait limit is between 0 and 240 minutes")
        if self.replications < 1:
            raise ValueError("at least one replication")


def largest_quota(trial: Callable[[int], Outcome], target: float, guess: int, cap: int) -> tuple[int, Outcome]:
    """The largest quota q in 0..cap whose trial meets the target (assuming fewer bookings never do worse),
    found by galloping from `guess` and then halving; 0 with its outcome when even no bookings miss it."""
    seen: dict[int, Outcome] = {}

    def ok(q: int) -> bool:
        if q not in seen:
            seen[q] = trial(q)
        return seen[q].service_level >= target

    if not ok(0):
        return 0, seen[0]
    guess = min(max(guess, 0), cap)
    step = 1
    if ok(guess):
        lo = guess
        while lo + step <= cap and ok(lo + step):
            lo, step = lo + step, step * 2
        hi = min(lo + step, cap + 1)
    else:
        hi = guess
        while hi - step > 0 and not ok(hi - step):
            hi, step = hi - step, step * 2
        lo = max(hi - step, 0)
    while hi - lo > 1:  # ok(lo), not ok(hi) (or hi = cap + 1)
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo, seen[lo]


def _seed(target: Target, office: str, cell: Cell) -> int:
    return zlib.crc32(f"{target.seed}:{office}:{cell.weekday}:{cell.half_day}".encode())


def half_day_model(figures: OfficeFigures, cell: Cell) -> HalfDay:
    return HalfDay(
        span_min=float(cell.span_min),
        windows=cell.windows,
        walk_ins=cell.per_day(cell.walk_ins),
        booked_service=tuple(figures.booked_service),
        walk_in_service=tuple(figures.walk_in_service),
        walk_in_profile=tuple(cell.walk_in_profile),
    )


def trials(figures: OfficeFigures, cell: Cell, target: Target) -> Trials:
    return Trials(half_day_model(figures, cell), target.replications, _seed(target, figures.office, cell))


def quota_for(
    figures: OfficeFigures,
    cell: Cell,
    target: Target,
    windows: int,
    drawn: Trials | None = None,
    known: tuple[int, int] | None = None,
) -> tuple[int, Outcome]:
    """(largest quota, its outcome) for this half-day with `windows` windows. `known`: (windows, quota) already
    found, which makes a good first guess for another number of windows."""
    drawn = drawn or trials(figures, cell, target)
    half = drawn.half
    pool = half.booked_service or half.walk_in_service
    mean = max(statistics.fmean(pool), 0.5)
    capacity = windows * half.span_min / mean  # applicants the windows could take back to back
    cap = min(MAX_QUOTA, int(2 * capacity) + 10)
    if known:  # the applicants a window takes at the service level, times the windows
        guess = round((known[1] + half.walk_ins) * windows / known[0] - half.walk_ins)
    else:
        guess = int(0.85 * capacity - half.walk_ins)
    return largest_quota(lambda q: drawn.outcome(q, target.wait_min, windows), target.service_level, guess, cap)


def refusal(figures: OfficeFigures) -> str | None:
    if figures.working_days < MIN_WORKING_DAYS:
        return (
            f"only {figures.working_days} working day(s) of records ({figures.first_day} to {figures.last_day}); "
            f"at least {MIN_WORKING_DAYS} are needed to advise"
        )
    if not any(w > 0 for w in figures.booked_service + figures.walk_in_service):
        return "no service times in the records (called_at and ended_at): the windows' capacity cannot be measured"
    if not figures.cells:
        return "no records fall on a weekday within the opening hours"
    return None


def advise(figures: OfficeFigures, target: Target) -> dict:
    """One office's entry of the advice (the contract of `kiosk-office-server advise --json`)."""
    out: dict = {
        "office": figures.office,
        "working_days": figures.working_days,
        "tickets": figures.tickets,
        "cross_county_share": figures.cross_county_share,
        "outside_city_share": figures.outside_city_share,
        "from": figures.first_day,
        "to": figures.last_day,
        "figures": {
            "booked": figures.booked,
            "walk_ins": figures.walk_ins,
            "no_shows": figures.no_shows,
            "by_business": figures.by_business,
        },
    }
    why = refusal(figures)
    if why:
        out["refused"] = why
        return out
    out["rests_on"] = {
        "working_days": figures.working_days,
        "tickets": figures.tickets,
        "service_times": len(figures.booked_service) + len(figures.walk_in_service),
        "opening_hours": "assumed: 08:30-12:00, 14:30-17:30" if figures.hours_assumed else "the office's own",
        "service_level": target.service_level,
        "wait_min": target.wait_min,
        "replications": target.replications,
    }
    out["advice"] = [advise_cell(figures, cell, target) for cell in figures.cells]
    return out


def advise_cell(figures: OfficeFigures, cell: Cell, target: Target) -> dict:
    windows = cell.windows
    drawn = trials(figures, cell, target)
    quota, outcome = quota_for(figures, cell, target, windows, drawn)
    more, _ = quota_for(figures, cell, target, windows + 1, drawn, (windows, quota))
    less = quota_for(figures, cell, target, windows - 1, drawn, (windows, quota))[0] if windows > 1 else None
    walk_ins = cell.per_day(cell.walk_ins)
    item = {
        "weekday": cell.weekday,
        "half_day": cell.half_day,
        "windows": windows,
        "expected_walk_ins": round(walk_ins, 1),
        "service_min_median": _one(percentile(cell.service, 0.5)),
        "booking_quota": quota,
        "predicted_service_level": round(outcome.service_level, 4),
        "predicted_wait_p90_min": round(outcome.wait_p90_min, 1),
        "days": cell.days,
        "booked_per_day": round(cell.per_day(cell.booked), 1),
        "wait_p50_min": _one(percentile(cell.waits, 0.5)),
        "wait_p90_min": _one(percentile(cell.waits, 0.9)),
        "no_shows": cell.no_shows,
        "what_if": {
            "one_window_more": {"windows": windows + 1, "booking_quota": more},
            "one_window_less": None if less is None else {"windows": windows - 1, "booking_quota": less},
        },
    }
    if quota == 0 and outcome.service_level < target.service_level:
        item["note"] = "the walk-ins alone already exceed the service level with these windows"
    return item


def _one(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
