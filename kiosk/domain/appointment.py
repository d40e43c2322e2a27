"""A booking as the kiosk's flow and screens see it: a typed, frozen record built once, where the office's answer
(online, or from the kiosk's offline list) enters the flow. A garbled answer is refused there (`BookingDataError`),
so the flow never meets a half-formed booking."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

from kiosk.domain.checkin import Match, key_under, match_of, normalise_id
from kiosk.domain.eligibility import DivorceApplication

_MAX_TEXT = 64  # longer than any id, office code, business, slot or ticket number the office sends
_MAX_PARTIES = 4  # a booking names one or two people; more is garbled


class BookingDataError(ValueError):
    """The office's answer (or the offline list) holds no usable booking."""


@dataclass(frozen=True)
class BookedParty:
    """One person named in a booking: the ID number in clear (the office's own answer) or its hash under the
    booking's `match` (the offline list and the server's answers to kiosks)."""

    id_number: str = field(default="", repr=False)
    id_match: str = field(default="", repr=False)
    military: bool = False  # serving military: the eligibility rules ask for the unit's letter


@dataclass(frozen=True)
class Appointment:
    appointment_id: str
    office: str  # the office booked, which may not be this kiosk's
    business: str
    date: str = ""  # YYYY-MM-DD
    slot: str = ""  # HH:MM, the start of the check-in window
    status: str = "booked"  # booked | cancelled | …
    checked_in: bool = False  # already checked in (by the office, or by this kiosk while offline)
    ticket_number: str | None = None  # the number a used booking already holds
    token: str | None = field(default=None, repr=False)  # the QR token, when the answer carries it
    parties: tuple[BookedParty, ...] = field(default=(), repr=False)
    match: Match | None = field(default=None, repr=False)
    divorce_application: DivorceApplication | None = None  # office "" means this office

    def booked_keys(self) -> list[str]:
        """The booked parties as comparable keys: ID numbers, or their hashes when the booking carries `match`."""
        if self.match is not None:
            return [p.id_match for p in self.parties]
        return [normalise_id(p.id_number) for p in self.parties]

    def party(self, id_number: str) -> BookedParty | None:
        """The booked party with this ID number, or None."""
        wanted = key_under(self.match, id_number)
        return next((p for p, k in zip(self.parties, self.booked_keys()) if k == wanted), None)

    @classmethod
    def parse(cls, data: object) -> Appointment:
        """The record of one booking in the office's answer (JSON); BookingDataError when it is garbled."""
        if not isinstance(data, Mapping):
            raise BookingDataError("a booking is not an object")
        parties = data.get("parties") or []
        if not isinstance(parties, list) or len(parties) > _MAX_PARTIES:
            raise BookingDataError("parties")
        match = data.get("match")
        if match is not None and not isinstance(match, dict):
            raise BookingDataError("match")
        return cls(
            appointment_id=_text(data, "appointment_id", required=True),
            office=_text(data, "office", required=True),
            business=_text(data, "business", required=True),
            date=_text(data, "date"),
            slot=_text(data, "slot"),
            status=_text(data, "status") or "booked",
            checked_in=_flag(data, "checked_in"),
            ticket_number=_text(data, "ticket_number") or None,
            token=_text(data, "token") or None,
            parties=tuple(_party(p) for p in parties),
            match=match_of(match),
            divorce_application=_application(data.get("divorce_application")),
        )


def _text(data: Mapping[str, object], key: str, required: bool = False) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > _MAX_TEXT or (required and not value.strip()):
        raise BookingDataError(key)
    return value


def _flag(data: Mapping[str, object], key: str) -> bool:
    value = data.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BookingDataError(key)
    return value


def _party(data: object) -> BookedParty:
    if not isinstance(data, Mapping):
        raise BookingDataError("party")
    return BookedParty(_text(data, "id_number"), _text(data, "id_match"), _flag(data, "military"))


def _application(data: object) -> DivorceApplication | None:
    """The divorce application a certificate booking follows (its date starts the cooling-off period)."""
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise BookingDataError("divorce_application")
    try:
        return DivorceApplication(date.fromisoformat(_text(data, "date", required=True)), _text(data, "office"))
    except ValueError:
        raise BookingDataError("divorce_application") from None
