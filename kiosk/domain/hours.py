"""When an office issues queue numbers: the one rule the kiosk (online or not) and the office server share.

An office issues numbers during its opening hours (config/offices/<code>.toml) widened by its
`ticket_hours.margin_minutes` on both sides: people already inside at closing time still get a number, and the
queue opens a little before the doors. A day with no hours in the file uses the office's usual hours — weekend
openings (520, 七夕) are announced by notice, not in the file. A demo office (`all_day`) issues at any hour.

The kiosk prints an offline number only when `may_issue` says so at its own clock; the server issues online
numbers by the same rule and accepts an offline number stated at a time the rule allows, with a grace for the
kiosk's clock — so a number the kiosk was entitled to print is never refused for its time.
Pure: the time is passed in, as the office's local time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def opening_spans(office: Any, day: date) -> list[tuple[time, time]]:
    """The office's opening hours on `day` (its usual hours on a day the file leaves closed)."""
    spans = office.opening_hours.get(WEEKDAYS[day.weekday()]) or [
        s for d in WEEKDAYS for s in office.opening_hours.get(d, [])
    ]
    out = []
    for span in spans:
        a, b = span.split("-")
        pair = (time.fromisoformat(a), time.fromisoformat(b))
        if pair not in out:
            out.append(pair)
    return sorted(out)


def may_issue(office: Any, when: datetime, grace: timedelta = timedelta(0)) -> bool:
    """May a queue number be issued at `when` (local time)? `grace` widens the window further (the server,
    for a kiosk's stated time)."""
    if office.ticket_hours.all_day:
        return True
    margin = timedelta(minutes=office.ticket_hours.margin_minutes) + grace
    naive = when.replace(tzinfo=None)
    for a, b in opening_spans(office, naive.date()):
        start, end = datetime.combine(naive.date(), a), datetime.combine(naive.date(), b)
        if start - margin <= naive <= end + margin:
            return True
    return False


def hours_text(office: Any, day: date) -> str:
    """'08:30–12:00, 14:30–17:30': the opening hours of `day`, as applicants are told them."""
    return ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in opening_spans(office, day))


def demo_office(office: Any) -> Any:
    """The office as the demo runs it (kiosk and bundled server alike): numbers at any hour."""
    return office.model_copy(update={"ticket_hours": office.ticket_hours.model_copy(update={"all_day": True})})
