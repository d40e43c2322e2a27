"""Date rules: age on a day, card validity, the divorce cooling-off period and its deadlines. `today` is always
passed in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from typing import cast

CHINA = timezone(timedelta(hours=8), "CST")  # offices are in China: UTC+8, no daylight saving
LONG_TERM = "long_term"  # 长期: the card does not expire


def birthday_in(year: int, birth: date) -> date:
    """The day a person born on `birth` completes a year in `year`.

    Born on 29 February: in a common year the year completes on 1 March, not 28 February
    (the anniversary day does not exist, so the full year has not run until the day after 28 February).
    """
    if birth.month == 2 and birth.day == 29:
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 3, 1)
    return date(year, birth.month, birth.day)


def age_on(birth: date, day: date) -> int:
    """Full years completed on `day` (the birthday itself counts)."""
    age = day.year - birth.year
    return age if day >= birthday_in(day.year, birth) else age - 1


def card_valid_on(valid_until: date | str, day: date) -> bool:
    """A card is valid through its `valid until` day; 长期 never expires."""
    if valid_until == LONG_TERM:
        return True
    return day <= cast(date, valid_until)  # any other text was rejected when the card was read


# From this day of the year, next year's holiday calendar should be installed: the State Council publishes it in
# the autumn (late October to mid-December), and a divorce applied for in November already has deadlines in it.
CALENDAR_DUE = (11, 1)

# 民法典 第一千二百六十条 "本法自2021年1月1日起施行。" — the cooling-off period (art. 1077) applies to divorce
# applications received from that day; before it the certificate was issued on the day of application.
COOLING_OFF_SINCE = date(2021, 1, 1)


@dataclass(frozen=True)
class RestDays:
    """The days offices are closed, from the State Council's yearly holiday notices (国务院办公厅关于…部分节假日安排的
    通知): statutory holidays, and weekends unless they are adjusted working days (调休上班). For a year without a
    notice, weekends only."""

    holidays: frozenset[date] = frozenset()
    working_weekends: frozenset[date] = frozenset()
    notices: dict[int, str] = field(default_factory=dict, hash=False, compare=False)  # year → notice

    def is_rest_day(self, day: date) -> bool:
        if day in self.holidays:
            return True
        return day.weekday() >= 5 and day not in self.working_weekends

    def last_day(self, day: date) -> date:
        """民法典 第二百零三条: "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。"
        A period whose last day is a rest day ends on the next working day."""
        while self.is_rest_day(day):
            day += timedelta(days=1)
        return day

    def covers(self, year: int) -> bool:
        return year in self.notices

    def missing_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years from `first` to `last` (inclusive) that no holiday calendar covers."""
        return tuple(year for year in range(first.year, last.year + 1) if not self.covers(year))

    def calendar_missing(self, today: date) -> int | None:
        """The year whose calendar the technician must install now: this year's if it is missing, else from
        1 November next year's; None when nothing is due."""
        if not self.covers(today.year):
            return today.year
        if (today.month, today.day) >= CALENDAR_DUE and not self.covers(today.year + 1):
            return today.year + 1
        return None

    def note(self, years: Iterable[int]) -> str:
        """Which calendar decided the rest days of these years (shown in a decision's details)."""
        parts = []
        for year in sorted(set(years)):
            notice = self.notices.get(year)
            parts.append(f"{year}: holidays per {notice}" if notice else f"{year}: no holiday calendar, weekends only")
        return "; ".join(parts)


@dataclass(frozen=True)
class CoolingOff:
    """民法典 第一千零七十七条: "自婚姻登记机关收到离婚登记申请之日起三十日内，任何一方不愿意离婚的，可以向婚姻登记机关
    撤回离婚登记申请。前款规定期限届满后三十日内，双方应当亲自到婚姻登记机关申请发给离婚证；未申请的，视为撤回离婚登记申请。"
    Art. 201: the day of application is not counted (day 1 is the next day). Art. 203: a period whose last day is a
    rest day ends on the next working day — both the cooling-off and the window to collect the certificate."""

    applied_on: date
    cooling_off_days: int = 30
    window_days: int = 30
    rest_days: RestDays = RestDays()

    @property
    def cooling_off_ends(self) -> date:
        return self.rest_days.last_day(self.applied_on + timedelta(days=self.cooling_off_days))

    @property
    def window_opens(self) -> date:
        return self.cooling_off_ends + timedelta(days=1)

    @property
    def window_closes(self) -> date:
        return self.rest_days.last_day(self.cooling_off_ends + timedelta(days=self.window_days))

    @property
    def missing_years(self) -> tuple[int, ...]:
        """Years without a holiday calendar that the deadlines fall in (from the 30th day of the cooling-off, as
        it may move, to the end of the window): in them the deadlines would rest on weekends alone."""
        first = self.applied_on + timedelta(days=self.cooling_off_days)
        return self.rest_days.missing_years(first, self.window_closes)

    @property
    def calendar_note(self) -> str:
        last = self.window_closes
        return self.rest_days.note(range(self.applied_on.year, last.year + 1))

    def stage_on(self, day: date) -> str:
        """'before' (no application yet on that day), 'cooling_off', 'window' or 'expired'."""
        if day < self.applied_on:
            return "before"
        if day <= self.cooling_off_ends:
            return "cooling_off"
        if day <= self.window_closes:
            return "window"
        return "expired"
