"""The hand-written queue (office/workload/queue_sim.py) gives the same calls as the same model in simpy, the
process-based library: identical windows, booked first, first come first served within each group."""

import random

import simpy

from office.workload.queue_sim import calls


def simpy_waits(arrivals: list[tuple[float, int, float]], windows: int) -> list[float]:
    env = simpy.Environment()
    desk = simpy.PriorityResource(env, capacity=windows)
    waits = [0.0] * len(arrivals)

    def applicant(k: int, at: float, priority: int, service: float):
        yield env.timeout(at)
        with desk.request(priority=priority) as turn:
            yield turn
            waits[k] = env.now - at
            yield env.timeout(service)

    for k, (at, priority, service) in enumerate(arrivals):
        env.process(applicant(k, at, priority, service))
    env.run()
    return waits


def test_same_waits_as_simpy_on_random_half_days():
    rng = random.Random(2027)
    for _ in range(300):
        windows = rng.randint(1, 5)
        n = rng.randint(0, 60)
        arrivals = sorted((rng.uniform(0, 210), rng.randint(0, 1), rng.lognormvariate(2.5, 0.5)) for _ in range(n))
        ours = [0.0] * n
        for k, t, _ in calls(arrivals, windows):
            ours[k] = t - arrivals[k][0]
        theirs = simpy_waits(arrivals, windows)
        assert all(abs(a - b) < 1e-9 for a, b in zip(ours, theirs)), (windows, arrivals)
