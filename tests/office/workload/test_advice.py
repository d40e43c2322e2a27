"""The advice recovers a known capacity, and moves the right way when the office changes."""

import math
import random

import pytest

from office.workload.advice import Target, advise, quota_for
from office.workload.queue_sim import HalfDay, Trials
from tests.office.workload.helpers import KNOWN, figures, variant

TARGET = Target()


@pytest.fixture(scope="module")
def known():
    return figures()


def quota(figs, weekday="tue", half="am", windows=None, target=TARGET):
    cell = figs.cell(weekday, half)
    return quota_for(figs, cell, target, windows or cell.windows)[0]


def true_half_day(profile, half: str, seed: int) -> HalfDay:
    """The half-day as the history was made: the true service times (a fresh sample), windows and walk-ins."""
    rng = random.Random(seed)
    median, p90 = profile.service_min["marriage"]
    sigma = math.log(p90 / median) / 1.2816
    pool = [rng.uniform(0.5, 2.0) + rng.lognormvariate(math.log(median), sigma) for _ in range(20_000)]
    return HalfDay(210.0 if half == "am" else 180.0, profile.windows[half], profile.walk_ins[half], pool, pool)


def test_the_recommended_quota_meets_the_service_level_and_30_percent_more_does_not(known):
    q = quota(known)
    assert 15 <= q <= 60  # three windows at ~13 min for 3.5 hours: a few dozen applicants
    truth = true_half_day(KNOWN, "am", seed=99)
    # Checked on the true model with fresh random numbers: the quota holds (within sampling error), 30 % more fails
    trials = Trials(truth, 400, 12345)
    assert trials.outcome(q, 15.0).service_level >= 0.9 - 0.01
    assert trials.outcome(math.ceil(q * 1.3), 15.0).service_level < 0.9


def test_the_same_in_the_afternoon(known):
    q = quota(known, half="pm")
    truth = true_half_day(KNOWN, "pm", seed=98)
    trials = Trials(truth, 400, 54321)
    assert trials.outcome(q, 15.0).service_level >= 0.9 - 0.01
    assert trials.outcome(math.ceil(q * 1.3), 15.0).service_level < 0.9


def test_more_windows_raise_the_quota(known):
    assert quota(known, windows=4) > quota(known) > quota(known, windows=2)
    more = figures(variant(windows={"am": 4, "pm": 4}))
    assert quota(more) > quota(known)


def test_longer_service_lowers_the_quota(known):
    slower = figures(variant(service_min={"marriage": (16.0, 24.0)}))
    assert quota(slower) < quota(known)


def test_more_walk_ins_lower_the_quota(known):
    busier = figures(variant(walk_ins={"am": 14.0, "pm": 14.0}))
    assert quota(busier) < quota(known)


def test_a_stricter_service_level_lowers_the_quota(known):
    assert quota(known, target=Target(service_level=0.97)) < quota(known)
    assert quota(known, target=Target(wait_min=30)) > quota(known)


def test_the_advice_does_not_move_with_the_random_seed(known):
    quotas = {quota(known, target=Target(seed=s)) for s in (1, 2, 3)}
    assert max(quotas) - min(quotas) <= 1


def test_walk_ins_alone_over_capacity_give_quota_zero_with_a_note():
    swamped = figures(variant(windows={"am": 1, "pm": 1}, walk_ins={"am": 20.0, "pm": 20.0}), days=12)
    entry = advise(swamped, Target(replications=50))
    first = entry["advice"][0]
    assert first["booking_quota"] == 0
    assert "walk-ins alone" in first["note"]
    assert first["what_if"]["one_window_less"] is None


def test_refused_below_ten_working_days():
    entry = advise(figures(days=9), TARGET)
    assert "advice" not in entry
    assert "9 working day" in entry["refused"] and "10" in entry["refused"]
    assert entry["working_days"] == 9 and entry["tickets"] > 0


def test_an_entry_names_what_it_rests_on():
    entry = advise(figures(days=10), Target(replications=50))
    assert entry["working_days"] == 10
    assert entry["rests_on"]["tickets"] == entry["tickets"]
    assert {a["weekday"] for a in entry["advice"]} == {"mon", "tue", "wed", "thu", "fri"}
    for a in entry["advice"]:
        assert a["windows"] == 3
        assert a["what_if"]["one_window_more"]["booking_quota"] >= a["booking_quota"]
        assert a["what_if"]["one_window_less"]["booking_quota"] <= a["booking_quota"]
        assert a["predicted_service_level"] >= 0.9


def test_an_office_without_configuration_gets_the_usual_hours_and_says_so():
    unknown = figures(variant(office="445102", opening_hours=None), days=10)
    assert unknown.cell("mon", "am").span_min == 210 and unknown.cell("mon", "pm").span_min == 180
    entry = advise(unknown, Target(replications=30))
    assert entry["rests_on"]["opening_hours"].startswith("assumed")
    assert entry["cross_county_share"] > 0.9  # every Heyuan county is another county for this office


def test_walk_ins_without_measured_service_borrow_the_booked_applicants_times():
    from dataclasses import replace as with_

    known = figures(days=10)
    no_walk_in_times = with_(known, walk_in_service=[])
    cell = no_walk_in_times.cell("mon", "am")
    quota_, outcome = quota_for(no_walk_in_times, cell, Target(replications=30), cell.windows)
    assert quota_ > 0 and outcome.applicants > 0
