"""The State Council's yearly holiday notices as data (config/holidays/<year>.toml, and an office's installed ones):
the model both the kiosk and the office server validate a calendar file with, and the rest days they give."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from pydantic import Field, field_validator, model_validator

from kiosk.domain.dates import RestDays
from kiosk.domain.offices import Strict


class HolidaySpan(Strict):
    name: str
    from_: date = Field(alias="from")
    to: date

    @model_validator(mode="after")
    def _ordered(self) -> HolidaySpan:
        if self.to < self.from_:
            raise ValueError(f"{self.name}: 'to' is before 'from'")
        return self


class WorkingDay(Strict):
    day: date = Field(alias="date")
    for_: str = Field(alias="for")

    @field_validator("day")
    @classmethod
    def _weekend(cls, value: date) -> date:
        if value.weekday() < 5:
            raise ValueError(f"{value} is a weekday; only weekend days are adjusted working days")
        return value


class HolidayCalendar(Strict):
    """One year's State Council holiday notice: holidays and adjusted working days (调休上班)."""

    year: int = Field(ge=2000, le=2100)
    notice: str = Field(min_length=1)
    title: str
    holidays: list[HolidaySpan]
    working_days: list[WorkingDay] = []

    def days_off(self) -> set[date]:
        out: set[date] = set()
        for span in self.holidays:
            day = span.from_
            while day <= span.to:
                out.add(day)
                day += timedelta(days=1)
        return out

    @model_validator(mode="after")
    def _consistent(self) -> HolidayCalendar:
        both = self.days_off() & {w.day for w in self.working_days}
        if both:
            raise ValueError(f"{sorted(both)[0]} is both a holiday and a working day")
        if any(d.year != self.year for d in self.days_off() | {w.day for w in self.working_days}):
            raise ValueError(f"a date outside {self.year}")
        return self


def rest_days_of(calendars: Iterable[HolidayCalendar]) -> RestDays:
    """The calendars together; the years they cover are RestDays.notices."""
    holidays: set[date] = set()
    working: set[date] = set()
    notices: dict[int, str] = {}
    for calendar in calendars:
        holidays |= calendar.days_off()
        working |= {w.day for w in calendar.working_days}
        notices[calendar.year] = calendar.notice
    return RestDays(frozenset(holidays), frozenset(working), notices)
