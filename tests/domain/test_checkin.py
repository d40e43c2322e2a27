"""The check-in rules shared by the server and the kiosk's offline mode."""
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kiosk.services.backend_status import CHINA
from kiosk.domain.checkin import checkin_problem

APPT = {"date": "2026-11-26", "slot": "10:00", "status": "booked",
        "parties": [{"id_number": "44162119900101123X"}, {"id_number": "441621199201011248"}]}
SLOT = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)


def problem(ids, when=SLOT, already=False, appt=APPT):
    return checkin_problem(appt, ids, when, 30, 60, already)


@given(st.permutations(["44162119900101123x", " 441621199201011248 "]))
def test_the_booked_parties_in_any_order_and_case_pass(ids):
    assert problem(ids) is None


@given(st.lists(st.sampled_from(["44162119900101123X", "441621199201011248", "441622199001011232"]), max_size=3))
def test_anyone_else_or_missing_is_a_mismatch(ids):
    if sorted(ids) != sorted(["44162119900101123X", "441621199201011248"]):
        assert problem(ids) == "parties_mismatch"


@given(st.integers(min_value=-24 * 60, max_value=24 * 60))
def test_the_arrival_window(minutes):
    when = SLOT + timedelta(minutes=minutes)
    expected = ("not_today" if when.date() != SLOT.date() else "too_early" if minutes < -30
                else "too_late" if minutes > 60 else None)
    assert problem(["44162119900101123X", "441621199201011248"], when) == expected


def test_order_of_the_rules():
    ids = ["44162119900101123X", "441621199201011248"]
    assert problem(ids, already=True) == "already_checked_in"
    assert problem(ids, appt={**APPT, "status": "cancelled"}, already=True) == "appointment_cancelled"
