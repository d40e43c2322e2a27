"""Date rules: age on a day, card validity, the divorce cooling-off period. `today` is always passed in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")   # offices are in China: UTC+8, no daylight saving
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


def date_reaching_age(birth: date, years: int) -> date:
    return birthday_in(birth.year + years, birth)


def card_valid_on(valid_until: date | str, day: date) -> bool:
    """A card is valid through its `valid until` day; 长期 never expires."""
    if valid_until == LONG_TERM:
        return True
    return day <= valid_until


@dataclass(frozen=True)
class CoolingOff:
    """Civil Code art. 1077: 30 days counted from the day after the office received the application, during
    which either party may withdraw; then 30 days in which both must come back for the certificate."""
    applied_on: date
    cooling_off_days: int = 30
    window_days: int = 30

    @property
    def cooling_off_ends(self) -> date:
        return self.applied_on + timedelta(days=self.cooling_off_days)

    @property
    def window_opens(self) -> date:
        return self.cooling_off_ends + timedelta(days=1)

    @property
    def window_closes(self) -> date:
        return self.cooling_off_ends + timedelta(days=self.window_days)

    def stage_on(self, day: date) -> str:
        """'before' (no application yet on that day), 'cooling_off', 'window' or 'expired'."""
        if day < self.applied_on:
            return "before"
        if day <= self.cooling_off_ends:
            return "cooling_off"
        if day <= self.window_closes:
            return "window"
        return "expired"
