"""An office's configuration (config/offices/<code>.toml): names, hours, walk-in quota, ticket ranges.

Shared by the kiosk and the office server; reading the files is the caller's job.
"""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kiosk.domain.business import check_business_keys


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in the kiosk's two languages."""

    zh: str
    en: str


class TicketRange(Strict):
    prefix: str = Field(max_length=2)
    first: int = Field(ge=0)
    last: int = Field(ge=0)
    offline_first: int = Field(ge=0)
    offline_last: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> TicketRange:
        if not (self.first <= self.last):
            raise ValueError("first must not exceed last")
        if not (self.offline_first <= self.offline_last):
            raise ValueError("offline_first must not exceed offline_last")
        if self.offline_first <= self.last and self.first <= self.offline_last:
            raise ValueError("the offline range must not overlap the office range")
        return self


class AppointmentWindow(Strict):
    minutes_before: int = Field(ge=0, le=24 * 60)
    minutes_after: int = Field(ge=0, le=24 * 60)


class TicketHours(Strict):
    """When numbers are issued (kiosk.domain.hours): opening hours widened by `margin_minutes` on each side;
    `all_day` only for a demo office."""

    margin_minutes: int = Field(default=60, ge=0, le=240)
    all_day: bool = False


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class OfficeConfig(Strict):
    code: str = Field(pattern=r"^\d{6}$")
    county: Text
    name: Text
    address: Text
    phone: str
    walk_in_daily_quota: int = Field(ge=0)
    appointment_window: AppointmentWindow
    opening_hours: dict[Weekday, list[str]]
    ticket_hours: TicketHours = TicketHours()
    tickets: dict[str, TicketRange]

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value: dict[Weekday, list[str]]) -> dict[Weekday, list[str]]:
        for day, spans in value.items():
            for span in spans:
                try:
                    a, b = span.split("-")
                    if time.fromisoformat(a) >= time.fromisoformat(b):
                        raise ValueError
                except ValueError:
                    raise ValueError(f"{day}: '{span}' is not a span like '08:30-12:00'") from None
        return value

    @field_validator("tickets")
    @classmethod
    def _businesses(cls, value: dict[str, TicketRange]) -> dict[str, TicketRange]:
        check_business_keys(value, "ticket range")
        return value


def validation_problem(error: ValidationError) -> tuple[str, str]:
    """(dotted key, problem) of the first thing wrong, for a message naming the file and the key."""
    err = error.errors()[0]
    key = ".".join(str(p) for p in err["loc"])
    problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
    if err["type"] == "missing":
        problem = "missing key"
    more = f" (and {len(error.errors()) - 1} more problem(s))" if len(error.errors()) > 1 else ""
    return key, problem + more
