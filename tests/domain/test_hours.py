"""When numbers are issued (kiosk/domain/hours.py): one rule for the kiosk online, the kiosk offline and the
office server, so an offline number the kiosk was entitled to print is never refused by the server for its time."""

from datetime import date, datetime

from hypothesis import given, strategies as st

from kiosk.config import load_offices
from kiosk.domain.checkin import CLOCK_TOLERANCE
from kiosk.domain.hours import demo_office, hours_text, may_issue

ZIJIN = load_offices()["441621"]
THURSDAY = date(2026, 11, 26)


def at(hhmm: str, day: date = THURSDAY) -> datetime:
    return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time())


def test_opening_hours_widened_by_the_office_margin():
    assert ZIJIN.ticket_hours.margin_minutes == 60
    for hhmm in ("07:30", "08:30", "12:59", "13:30", "17:30", "18:30"):
        assert may_issue(ZIJIN, at(hhmm)), hhmm
    for hhmm in ("07:29", "18:31", "21:48", "03:00"):
        assert not may_issue(ZIJIN, at(hhmm)), hhmm
    assert hours_text(ZIJIN, THURSDAY) == "08:30–12:00, 14:30–17:30"


def test_a_day_the_file_leaves_closed_uses_the_usual_hours():
    sunday = date(2026, 11, 29)
    assert may_issue(ZIJIN, at("10:00", sunday)) and not may_issue(ZIJIN, at("21:00", sunday))
    assert hours_text(ZIJIN, sunday) == "08:30–12:00, 14:30–17:30"


def test_the_demo_office_issues_at_any_hour():
    assert may_issue(demo_office(ZIJIN), at("21:48")) and not may_issue(ZIJIN, at("21:48"))


@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31)),
    st.timedeltas(min_value=-CLOCK_TOLERANCE, max_value=CLOCK_TOLERANCE),
)
def test_whatever_the_kiosk_may_print_the_server_accepts(when, skew):
    # The kiosk prints by may_issue at its clock; the server judges the stated time — which may be off by up to
    # the clock tolerance, or a few milliseconds late — with that tolerance as grace.
    if may_issue(ZIJIN, when):
        assert may_issue(ZIJIN, when + skew, grace=CLOCK_TOLERANCE)
