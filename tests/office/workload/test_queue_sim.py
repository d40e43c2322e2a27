"""The simulation's queue discipline checked against Erlang C and against its own rules on random inputs."""

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from office.workload.queue_sim import HalfDay, Trials, calls


def erlang_c_wait_within(lam: float, mu: float, c: int, t: float) -> float:
    """P(wait ≤ t) in an M/M/c queue (Erlang C)."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return 1 - p_wait * math.exp(-(c * mu - lam) * t)


def test_matches_erlang_c_with_poisson_arrivals_and_exponential_service():
    rng = random.Random(5)
    pool = [rng.expovariate(0.1) for _ in range(50_000)]  # mean 10 minutes
    span, lam = 20_000.0, 0.25  # long enough that the empty start does not matter
    half = HalfDay(span_min=span, windows=3, walk_ins=lam * span, booked_service=(), walk_in_service=pool)
    got = Trials(half, 3, 11).outcome(0, 15.0).service_level
    assert abs(got - erlang_c_wait_within(lam, 0.1, 3, 15.0)) < 0.02


def test_erlang_c_also_holds_for_other_loads():
    rng = random.Random(6)
    pool = [rng.expovariate(1 / 12) for _ in range(50_000)]
    span, lam = 20_000.0, 0.3
    half = HalfDay(span_min=span, windows=4, walk_ins=lam * span, booked_service=(), walk_in_service=pool)
    got = Trials(half, 3, 3).outcome(0, 5.0).service_level
    assert abs(got - erlang_c_wait_within(lam, 1 / 12, 4, 5.0)) < 0.02


arrivals_strategy = st.lists(
    st.tuples(st.floats(0, 200, allow_nan=False), st.integers(0, 1), st.floats(0, 40, allow_nan=False)),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(arrivals_strategy, st.integers(1, 4))
def test_the_discipline_booked_first_first_free_window_no_overlap(raw, windows):
    arrivals = sorted(raw)
    done = calls(arrivals, windows)
    assert sorted(k for k, _, _ in done) == list(range(len(arrivals)))  # everybody is called once
    busy: dict[int, float] = {}
    starts = {}
    for k, t, w in done:
        at, priority, service = arrivals[k]
        assert t >= at - 1e-9  # never called before the ticket
        assert t >= busy.get(w, 0.0) - 1e-9  # a window serves one at a time
        busy[w] = t + service
        starts[k] = t
    for k, t, _ in done:
        at, priority, _ = arrivals[k]
        for j, (other_at, other_priority, _) in enumerate(arrivals):
            # nobody more urgent who was already waiting is passed over
            if other_at < t - 1e-9 and starts[j] > t + 1e-9:
                assert (other_priority, other_at) >= (priority, at) or other_at > t
    # work-conserving: a window never idles while somebody waits (it takes the ticket when it frees up)
    for k, t, _ in done:
        at = arrivals[k][0]
        if t > at + 1e-9:
            assert any(abs(t - end) < 1e-6 for end in _ends(done, arrivals))


def _ends(done, arrivals):
    return [t + arrivals[k][2] for k, t, _ in done]


def test_booked_applicants_are_called_before_earlier_walk_ins():
    # one window busy until 10; a walk-in at 1, a booked applicant at 5: the booked one goes first
    arrivals = [(0.0, 1, 10.0), (1.0, 1, 5.0), (5.0, 0, 5.0)]
    order = [k for k, _, _ in calls(arrivals, 1)]
    assert order == [0, 2, 1]


def test_common_random_numbers_make_more_bookings_never_better_on_average():
    rng = random.Random(2)
    pool = [rng.lognormvariate(math.log(12), 0.3) for _ in range(2000)]
    half = HalfDay(210.0, 3, 6.0, pool, pool)
    levels = [Trials(half, 100, 9).outcome(q, 15.0).service_level for q in range(20, 60, 5)]
    assert levels == sorted(levels, reverse=True)
