"""An office's configuration: a broken file is named by key and problem, ticket ranges never overlap."""

import pytest
from pydantic import ValidationError

from kiosk.domain.business import BUSINESSES
from kiosk.domain.offices import OfficeConfig, TicketRange, validation_problem

GOOD = {
    "code": "441621",
    "county": {"zh": "紫金县", "en": "Zijin"},
    "name": {"zh": "紫金县婚姻登记处", "en": "Zijin Marriage Registry"},
    "address": {"zh": "紫金县", "en": "Zijin"},
    "phone": "0762-0000000",
    "walk_in_daily_quota": 60,
    "appointment_window": {"minutes_before": 30, "minutes_after": 60},
    "opening_hours": {"mon": ["08:30-12:00", "14:30-17:30"]},
    "tickets": {
        b: {"prefix": chr(65 + i), "first": 1, "last": 499, "offline_first": 500, "offline_last": 599}
        for i, b in enumerate(BUSINESSES)
    },
}


def problem(data):
    with pytest.raises(ValidationError) as e:
        OfficeConfig.model_validate(data)
    return validation_problem(e.value)


def test_a_good_office_loads():
    office = OfficeConfig.model_validate(GOOD)
    assert office.tickets["marriage"].offline_first == 500


def test_an_unknown_key_is_named():
    assert problem({**GOOD, "fax": "x"}) == ("fax", "unknown key")


def test_a_missing_key_is_named():
    data = dict(GOOD)
    del data["phone"]
    assert problem(data) == ("phone", "missing key")


def test_a_nested_problem_names_the_dotted_key_and_the_reason():
    key, why = problem({**GOOD, "appointment_window": {"minutes_before": -1, "minutes_after": 60}})
    assert key == "appointment_window.minutes_before" and "greater than or equal to 0" in why


def test_more_problems_are_counted():
    key, why = problem({**GOOD, "phone": None, "walk_in_daily_quota": -1, "code": "12"})
    assert key == "code" and why.endswith("(and 2 more problem(s))")


def test_one_problem_has_no_count():
    assert "more problem" not in problem({**GOOD, "code": "12"})[1]


@pytest.mark.parametrize("span", ["12:00-08:30", "08:30-08:30", "8.30-12", "08:30"])
def test_opening_hours_must_be_spans(span):
    key, why = problem({**GOOD, "opening_hours": {"tue": [span]}})
    assert key == "opening_hours" and f"tue: '{span}' is not a span" in why


@pytest.mark.parametrize(
    "ranges, why",
    [
        ((10, 9, 500, 599), "first must not exceed last"),
        ((1, 499, 600, 500), "offline_first must not exceed offline_last"),
        ((1, 499, 499, 599), "must not overlap"),
        ((100, 499, 1, 100), "must not overlap"),
    ],
)
def test_ticket_ranges_are_ordered_and_apart(ranges, why):
    first, last, offline_first, offline_last = ranges
    with pytest.raises(ValidationError, match=why):
        TicketRange(prefix="A", first=first, last=last, offline_first=offline_first, offline_last=offline_last)


def test_adjacent_ranges_are_fine():
    TicketRange(prefix="A", first=1, last=499, offline_first=500, offline_last=599)
    TicketRange(prefix="A", first=100, last=499, offline_first=1, offline_last=99)


def test_an_unknown_business_has_no_ticket_range():
    key, why = problem({**GOOD, "tickets": {"wedding_party": GOOD["tickets"]["marriage"]}})
    assert key == "tickets" and "wedding_party" in why


def test_two_problems_say_one_more():
    key, why = problem({**GOOD, "phone": None, "code": "12"})
    assert key == "code" and why.endswith("(and 1 more problem(s))")
