"""The queueing simulation behind the advice: one half-day at an office, replicated.

Model: `windows` identical windows; each applicant takes a ticket on arrival and is called by the first free
window, booked applicants before walk-ins (in order of arrival within each group), and keeps the window for a
service time drawn from what the office measured (resampled, not assumed exponential). Booked applicants arrive
near their slots, spread evenly over the half-day; walk-ins arrive at random (a Poisson number, at times drawn
from the office's own arrival profile when it has one). Everybody who took a ticket is served, even after the
half-day ends. Nobody gives up while waiting.

Hand-written instead of simpy or ciw: the discipline above is one loop (`calls`: with identical windows and a
non-preemptive two-class priority, "the earliest free window takes the most urgent ticket present"), and a year
of six offices' advice simulates a few million applicants. The same model in simpy gives exactly the same waits
(tests/office/workload/test_simpy_reference.py) but takes about 34 µs per applicant against 2 µs here, which
would put a year's advice far past its 30 s goal. The loop is also checked against Erlang C and against its
rules on random inputs (tests/office/workload/test_queue_sim.py).
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from dataclasses import dataclass
from typing import Sequence

BOOKED_JITTER_MIN = 5.0  # booked applicants come within ± this many minutes of their slot


@dataclass(frozen=True)
class HalfDay:
    """What one simulated half-day rests on."""

    span_min: float  # minutes the half-day is open for tickets
    windows: int
    walk_ins: float  # expected walk-in tickets (Poisson mean)
    booked_service: Sequence[float]  # window minutes per booked ticket, as measured
    walk_in_service: Sequence[float]  # window minutes per walk-in ticket, as measured
    walk_in_profile: Sequence[float] = ()  # minutes after opening that walk-ins arrived; empty: uniform


@dataclass(frozen=True)
class Outcome:
    service_level: float  # share of applicants called within the wait limit
    wait_p90_min: float
    applicants: int


def calls(arrivals: list[tuple[float, int, float]], windows: int) -> list[tuple[int, float, int]]:
    """Who is called when and where: for arrivals (time, priority 0 booked / 1 walk-in, service minutes) sorted by
    time, (arrival's index, call time, window number) in the order of the calls."""
    free = [(0.0, w) for w in range(windows)]  # (when each window is next free, window): a heap
    queues: tuple[deque, deque] = (deque(), deque())
    out = []
    i, n, now = 0, len(arrivals), 0.0
    while i < n or queues[0] or queues[1]:
        free_at, window = heapq.heappop(free)
        if free_at > now:  # calls happen in time order; a window free earlier is still free now
            now = free_at
        t = now
        if not (queues[0] or queues[1]) and arrivals[i][0] > t:
            t = now = arrivals[i][0]  # the window idles until the next ticket
        while i < n and arrivals[i][0] <= t:
            queues[arrivals[i][1]].append(i)
            i += 1
        k = (queues[0] or queues[1]).popleft()
        out.append((k, t, window))
        heapq.heappush(free, (t + arrivals[k][2], window))
    return out


def slot_arrival(k: int, bookings: int, span: float, jitter: float) -> float:
    """Booked applicant k of `bookings`: slots spread evenly over the half-day (the middle of each equal share),
    the applicant `jitter` minutes from theirs, within the half-day."""
    return min(max((k + 0.5) * span / bookings + jitter, 0.0), span)


def booked_arrivals(rng: random.Random, bookings: int, span: float) -> list[float]:
    return [
        slot_arrival(k, bookings, span, rng.uniform(-BOOKED_JITTER_MIN, BOOKED_JITTER_MIN)) for k in range(bookings)
    ]


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:  # normal approximation: exact enough here and O(1)
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def walk_in_arrivals(rng: random.Random, half: HalfDay) -> list[float]:
    n = poisson(rng, half.walk_ins)
    profile = half.walk_in_profile
    if len(profile) >= 10:
        return [min(max(rng.choice(profile) + rng.uniform(-2.0, 2.0), 0.0), half.span_min) for _ in range(n)]
    return [rng.uniform(0.0, half.span_min) for _ in range(n)]


class Trials:
    """The replications of one half-day, drawn once and replayed for any number of bookings and windows:
    replication r has the same walk-ins, and its k-th booking the same jitter and service time, whatever is
    tried (common random numbers), so quotas compare fairly and the search is cheap."""

    def __init__(self, half: HalfDay, replications: int, seed: int):
        self.half = half
        self.walk_ins: list[list[tuple[float, int, float]]] = []
        self._rngs: list[random.Random] = []
        self._booked: list[list[tuple[float, float]]] = []  # (jitter, service) of the k-th booking
        walk_pool = half.walk_in_service or half.booked_service  # a group without measured times: the other's
        for r in range(replications):
            rng = random.Random(seed * 1_000_003 + r)
            times = walk_in_arrivals(rng, half)
            self.walk_ins.append(sorted((t, 1, rng.choice(walk_pool)) for t in times))
            self._rngs.append(random.Random(seed * 1_000_003 + r + 500_000_000))  # bookings' own stream
            self._booked.append([])

    def _bookings(self, r: int, bookings: int) -> list[tuple[float, int, float]]:
        drawn, rng = self._booked[r], self._rngs[r]
        pool = self.half.booked_service or self.half.walk_in_service
        while len(drawn) < bookings:
            drawn.append((rng.uniform(-BOOKED_JITTER_MIN, BOOKED_JITTER_MIN), rng.choice(pool)))
        span = self.half.span_min
        return [(slot_arrival(k, bookings, span, drawn[k][0]), 0, drawn[k][1]) for k in range(bookings)]

    def outcome(self, bookings: int, wait_min: float, windows: int | None = None) -> Outcome:
        windows = windows or self.half.windows
        if windows < 1:
            raise ValueError("at least one window")
        within = 0
        pooled: list[float] = []
        for r, walk in enumerate(self.walk_ins):
            arrivals = sorted(walk + self._bookings(r, bookings)) if bookings else walk
            w = [t - arrivals[k][0] for k, t, _ in calls(arrivals, windows)]
            within += sum(1 for x in w if x <= wait_min)
            pooled.extend(w)
        if not pooled:
            return Outcome(1.0, 0.0, 0)
        pooled.sort()
        return Outcome(within / len(pooled), pooled[min(len(pooled) - 1, int(0.9 * len(pooled)))], len(pooled))
