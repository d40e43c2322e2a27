"""Check-in rules for a booked appointment, shared by the office server and the kiosk's offline mode.

Pure: the caller passes the appointment, the ID numbers read at the kiosk and the time of arrival.
"""
from __future__ import annotations

from datetime import datetime, timedelta

# How far a kiosk's stated time (check-in, offline ticket) may run ahead of the office server's clock before the
# server refuses it as `bad_time`; the kiosk corrects its stamps well before that (kiosk.services.clock_check).
CLOCK_TOLERANCE = timedelta(minutes=10)

MESSAGES: dict[str, dict[str, str]] = {
    "appointment_cancelled": {"zh": "该预约已取消。", "en": "This appointment has been cancelled."},
    "not_today": {"zh": "该预约不是今天的。", "en": "This appointment is not for today."},
    "too_early": {"zh": "还未到签到时间，请稍后再来。", "en": "It is too early to check in for this appointment."},
    "too_late": {"zh": "已超过预约签到时间，请到窗口咨询。",
                 "en": "The check-in time for this appointment has passed; please ask at the counter."},
    "already_checked_in": {"zh": "该预约已签到。", "en": "This appointment has already been checked in."},
    "parties_mismatch": {"zh": "到场人员与预约登记的当事人不一致。",
                         "en": "The people present are not the ones named in the appointment."},
}


def normalise_id(number: str) -> str:
    return number.strip().replace(" ", "").upper()


def checkin_problem(appointment: dict, present_ids: list[str], when: datetime, minutes_before: int,
                    minutes_after: int, already_checked_in: bool) -> str | None:
    """The first rule the check-in breaks (a code of MESSAGES), or None when it may go ahead.

    `when` is local office time; the appointment has `date` (YYYY-MM-DD), `slot` (HH:MM), `status` and
    `parties` with `id_number`.
    """
    if appointment.get("status", "booked") == "cancelled":
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
    booked = sorted(normalise_id(p["id_number"]) for p in appointment["parties"])
    if sorted(normalise_id(i) for i in present_ids) != booked:
        return "parties_mismatch"
    return None


def code_digest(appointment_id: str, code: str) -> str:
    """How the bookings list carries a phone code: the kiosk can check one offline without holding them all."""
    import hashlib

    return hashlib.sha256(f"{appointment_id}:{code.strip()}".encode()).hexdigest()
