"""Synthetic histories with known parameters for the workload tests."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from office.workload.figures import office_figures
from office.workload.records import write_export
from office.workload.synthetic import Profile, history

END = date(2026, 11, 27)  # a Friday
HOURS = {d: ["08:30-12:00", "14:30-17:30"] for d in ("mon", "tue", "wed", "thu", "fri")}
# One business with a known service time, so the capacity is known: 3 windows, 12 min median.
KNOWN = Profile(
    "441621",
    windows={"am": 3, "pm": 3},
    booked={"am": 20.0, "pm": 16.0},
    walk_ins={"am": 6.0, "pm": 6.0},
    mix={"marriage": 1.0},
    service_min={"marriage": (12.0, 18.0)},
    no_show=0.0,
    transferred=0.0,
    weekday_factor={},
    opening_hours=HOURS,
)


def figures(profile: Profile = KNOWN, days: int = 40, seed: int = 1):
    records = list(history([profile], END, days, seed))
    return office_figures(profile.office, records, profile.opening_hours)


def variant(**changes) -> Profile:
    return replace(KNOWN, **changes)


def export_text(profiles, days: int = 12, seed: int = 1) -> str:
    out = io.StringIO()
    write_export(history(profiles, END, days, seed), out)
    return out.getvalue()
