"""The office API's request bodies (and the ticket's answer): bounded, no extra fields, no lone surrogates.
The other answers are declared in office/answers.py."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_PARTIES = 4


def text_ok(value):
    if isinstance(value, str):
        value.encode("utf-8")  # a lone surrogate → UnicodeEncodeError → 422
    return value


def _plausible(value: datetime | None) -> datetime | None:
    if value is None:
        return value
    if not 2000 <= value.year <= 2100:
        raise ValueError("year out of range")
    if value.tzinfo is not None:
        value.astimezone(timezone.utc)  # year-1 with +14:00 overflows here → 422
    return value


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=200)

    @field_validator("*", mode="after")
    @classmethod
    def _no_surrogates(cls, value):
        return text_ok(value)


def _capped(value):
    """Lists are capped before their items are validated."""
    if isinstance(value, list) and len(value) > MAX_PARTIES:
        raise ValueError(f"at most {MAX_PARTIES} parties")
    return value


VerifiedBy = Literal["face", "fingerprint", "staff"]


class PartyPresent(_Body):
    id_number: str = Field(min_length=1, max_length=32)
    verified_by: Optional[VerifiedBy] = Field(
        default=None, description="How the kiosk verified this person; staff: the registrar checks (身份待人工核验)"
    )
    score: Optional[float] = Field(default=None, ge=-1, le=100, description="of the deciding comparison")


class CheckinRequest(_Body):
    appointment_id: str = Field(min_length=1, max_length=64)
    kiosk_id: str = Field(min_length=1, max_length=64, description="must be the kiosk of the client certificate")
    parties: list[PartyPresent] = Field(min_length=1, max_length=MAX_PARTIES)
    checked_in_at: Optional[datetime] = Field(
        default=None,
        description="When the applicants arrived (kiosk clock); journal replays keep the real time. "
        "Not in the future, not before today.",
    )

    _cap = field_validator("parties", mode="before")(_capped)
    _time = field_validator("checked_in_at", mode="after")(_plausible)


class WalkInParty(_Body):
    id_number: str = Field(min_length=1, max_length=32)
    address: str = Field(default="", max_length=200)
    verified_by: Optional[VerifiedBy] = None
    score: Optional[float] = Field(default=None, ge=-1, le=100)


class OfflineTicket(_Body):
    number: str = Field(
        min_length=1, max_length=8, description="The number the kiosk printed from its offline range, e.g. A701"
    )
    issued_at: datetime = Field(
        description="within the office's ticket hours (opening hours ± its margin); today, or up to 24 h ago across"
        " midnight (then recorded for its day, warning past_day)"
    )

    _time = field_validator("issued_at", mode="after")(_plausible)


class Eligibility(_Body):
    """The kiosk's eligibility decision, for the counter (codes only: no personal data)."""

    decision: Literal["accept", "redirect", "staff", "refuse"]
    reasons: list[str] = Field(default=[], max_length=12)
    clauses: list[str] = Field(default=[], max_length=12)


class TicketRequest(_Body):
    business: str = Field(min_length=1, max_length=32)
    appointment_id: Optional[str] = Field(default=None, max_length=64)
    kiosk_id: str = Field(min_length=1, max_length=64, description="must be the kiosk of the client certificate")
    parties: Optional[list[WalkInParty]] = Field(
        default=None, max_length=MAX_PARTIES, description="Walk-ins: who the ticket is for (for the 全城通办 report)."
    )
    offline: Optional[OfflineTicket] = Field(default=None, description="Record a ticket issued while offline.")
    eligibility: Optional[Eligibility] = Field(default=None, description="shown at the counter with the ticket")
    supersedes: Optional[str] = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Idempotency-Key of an earlier request whose answer was lost; it is voided.",
    )

    _cap = field_validator("parties", mode="before")(_capped)


class TicketResponse(BaseModel):
    ticket_id: str
    number: str
    priority: str
    waiting_ahead: int
    issued_at: str
    business: str
    offline: bool
    status: str
    appointment_id: Optional[str]
    warnings: list[str] = Field(default=[], description="why an offline ticket was recorded as a walk-in")


class CallRequest(_Body):
    counter: str = Field(min_length=1, max_length=16)
    business: Optional[str] = Field(default=None, max_length=32)


class ReleaseRequest(_Body):
    phone: Optional[str] = Field(
        default=None, min_length=1, max_length=32, description="lift the lock of this phone number (any spelling)"
    )
    kiosk_id: Optional[str] = Field(
        default=None, min_length=1, max_length=64, description="lift the lock of this kiosk's lookups"
    )
