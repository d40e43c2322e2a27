"""Check-in rules for a booked appointment, shared by the office server and the kiosk's offline mode.

Pure: the caller passes the appointment, the ID numbers read at the kiosk and the time of arrival.

The offline bookings list carries no ID numbers in clear: each party's number is a keyed HMAC (`id_match`) under
the day's match key of the office, which the server derives from its office secret and sends with the list, so
a list copied off a kiosk does not name anyone by ID number and is useless the next day.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any

# How far a kiosk's stated time (check-in, offline ticket) may run ahead of the office server's clock before the
# server refuses it as `bad_time`; the kiosk corrects its stamps well before that (kiosk.services.clock_check).
CLOCK_TOLERANCE = timedelta(minutes=10)

MESSAGES: dict[str, dict[str, str]] = {
    "appointment_cancelled": {"zh": "该预约已取消。", "en": "This booking has been cancelled."},
    "not_today": {"zh": "该预约不是今天的。", "en": "This booking is not for today."},
    "too_early": {"zh": "还未到签到时间，请稍后再来。", "en": "It is too early to check in for this booking."},
    "too_late": {
        "zh": "已超过预约签到时间，请到咨询台咨询。",
        "en": "The check-in time for this booking has passed; please ask at the information desk.",
    },
    "already_checked_in": {"zh": "该预约已签到。", "en": "This booking has already been checked in."},
    "parties_mismatch": {
        "zh": "到场人员与预约登记的当事人不一致。",
        "en": "The people present are not the ones named in the booking.",
    },
}


def normalise_id(number: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", number or "")).upper()


def checkin_problem(
    appointment: dict[str, Any],
    present_ids: list[str],
    when: datetime,
    minutes_before: int,
    minutes_after: int,
    already_checked_in: bool,
) -> str | None:
    """The first rule the check-in breaks (a code of MESSAGES), or None when it may go ahead.

    `when` is local office time; the appointment has `date` (YYYY-MM-DD), `slot` (HH:MM), `status` and
    `parties` with `id_number` (or `id_match` and the appointment's `match_key`).
    """
    if appointment.get("status") == "cancelled":
        return "appointment_cancelled"
    if when.date().isoformat() != appointment["date"]:
        return "not_today"
    if already_checked_in:
        return "already_checked_in"
    slot = datetime.combine(when.date(), datetime.strptime(appointment["slot"], "%H:%M").time(), when.tzinfo)
    if when < slot - timedelta(minutes=minutes_before):
        return "too_early"
    if when > slot + timedelta(minutes=minutes_after):
        return "too_late"
    if sorted(party_key(appointment, i) for i in present_ids) != sorted(booked_keys(appointment)):
        return "parties_mismatch"
    return None


def _match_key(appointment: dict[str, Any]) -> bytes | None:
    key = appointment.get("match_key")
    return bytes.fromhex(key) if key else None


def booked_keys(appointment: dict[str, Any]) -> list[str]:
    """The booked parties as comparable keys: ID numbers, or their HMACs in a list that carries a match key."""
    if _match_key(appointment) is not None:
        return [p.get("id_match", "") for p in appointment.get("parties", [])]
    return [normalise_id(p.get("id_number", "")) for p in appointment.get("parties", [])]


def party_key(appointment: dict[str, Any], id_number: str) -> str:
    """An ID number read at the kiosk, in the form `booked_keys` gives for this appointment."""
    key = _match_key(appointment)
    return id_match(key, id_number) if key is not None else normalise_id(id_number)


def booked_party(appointment: dict[str, Any], id_number: str) -> dict[str, Any] | None:
    """The booked party with this ID number, or None."""
    wanted = party_key(appointment, id_number)
    return next((p for p, k in zip(appointment.get("parties", []), booked_keys(appointment)) if k == wanted), None)


def id_match(match_key: bytes, id_number: str) -> str:
    """How the offline bookings list carries an ID number: HMAC-SHA256 under the day's match key."""
    return hmac.new(match_key, normalise_id(id_number).encode(), hashlib.sha256).hexdigest()


def day_match_key(office_secret: bytes, office: str, day: str) -> bytes:
    """The match key of one office and one day (rotated daily), derived from the office's secret."""
    return hmac.new(office_secret, f"bookings-match:{office}:{day}".encode(), hashlib.sha256).digest()


_PHONE_JUNK = re.compile(r"[\s\-()（）.·]")


def normalise_phone(phone: str) -> str:
    """A mainland mobile number as 11 ASCII digits: full-width digits folded, spaces of any kind (U+3000, tabs),
    dashes and a +86 / 0086 / 86 prefix removed. Used both to count failed tries and to match, so a variant spelling
    never buys fresh tries."""
    text = _PHONE_JUNK.sub("", unicodedata.normalize("NFKC", phone or ""))
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if len(text) == 13 and text.startswith("86"):
        text = text[2:]
    return text
