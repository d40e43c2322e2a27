"""Check-in rules for a booked appointment, shared by the office server and the kiosk's offline mode.

Pure: the caller passes the appointment, the ID numbers read at the kiosk and the time of arrival.

The bookings a kiosk holds carry no ID numbers in clear: each party's number is a memory-hard hash (`id_match`,
scrypt) under the office's salt of the day (`match`: the salt and the cost, sent with each booking). A kiosk
hashes a card once (≈ 40 ms) and compares; someone who copied the list off a kiosk must hash every candidate
number the same way — about three CPU-days for one county's 6.6 million (docs/security-terminal.md,
bench/bench_match.py). The QR token is random (80 bits), so a keyed SHA-256 under the same salt suffices for it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

# scrypt's cost for the bookings list: N=2^14, r=8 (16 MiB a hash), p=1 — about 40 ms of one core on the reference
# machine (bench/bench_match.py). The server may send another cost; a kiosk accepts one within these bounds only.
MATCH_COST = {"n": 2**14, "r": 8, "p": 1}
_MAX_MEMORY = 64 * 2**20  # bytes scrypt may take for one hash on a kiosk (128·N·r)
_MIN_MEMORY = 8 * 2**20  # a list asking for less would be cheap to reverse: refused, nothing matches

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
    `parties` with `id_number` (or `id_match` and the appointment's `match`).
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


# (salt, n, r, p): how a hashed bookings list carries ID numbers (see id_match)
Match = tuple[bytes, int, int, int]


def _match(appointment: dict[str, Any]) -> Match | None:
    """(salt, n, r, p) of a hashed booking; None for a booking with ID numbers in clear (the server's own)."""
    return match_of(appointment.get("match"))


def match_of(match: object) -> Match | None:
    """A booking's `match` field as (salt, n, r, p); None when absent (ID numbers in clear)."""
    if not isinstance(match, dict):
        return None
    try:
        salt, n, r, p = bytes.fromhex(match["salt"]), int(match["n"]), int(match["r"]), int(match["p"])
    except (KeyError, TypeError, ValueError):
        return (b"", 0, 0, 0)  # hashed but unusable: nothing matches
    return salt, n, r, p


def match_ok(n: int, r: int, p: int) -> bool:
    """A cost a kiosk accepts: N a power of two, memory within bounds, a little parallelism."""
    return n > 1 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 4 and _MIN_MEMORY <= 128 * n * r <= _MAX_MEMORY


def booked_keys(appointment: dict[str, Any]) -> list[str]:
    """The booked parties as comparable keys: ID numbers, or their hashes in a list that carries `match`."""
    if _match(appointment) is not None:
        return [p.get("id_match", "") for p in appointment.get("parties", [])]
    return [normalise_id(p.get("id_number", "")) for p in appointment.get("parties", [])]


def party_key(appointment: dict[str, Any], id_number: str) -> str:
    """An ID number read at the kiosk, in the form `booked_keys` gives for this appointment."""
    return key_under(_match(appointment), id_number)


def key_under(match: Match | None, id_number: str) -> str:
    """An ID number in the form a booking with this `match` carries it (in clear when None)."""
    if match is None:
        return normalise_id(id_number)
    salt, n, r, p = match
    return id_match(salt, id_number, n, r, p) if salt and match_ok(n, r, p) else "!"


def token_key(appointment: dict[str, Any], token: str) -> str:
    """A scanned QR token in the form of the booking's `token_match` ('' when the booking is not hashed)."""
    match = _match(appointment)
    return token_match(match[0], token) if match is not None and match[0] else ""


def booked_party(appointment: dict[str, Any], id_number: str) -> dict[str, Any] | None:
    """The booked party with this ID number, or None."""
    wanted = party_key(appointment, id_number)
    return next((p for p, k in zip(appointment.get("parties", []), booked_keys(appointment)) if k == wanted), None)


def id_match(
    salt: bytes, id_number: str, n: int = MATCH_COST["n"], r: int = MATCH_COST["r"], p: int = MATCH_COST["p"]
) -> str:
    """How a bookings list carries an ID number: scrypt under the office's salt of the day. Memoised (a few
    entries): a card is hashed once a session however often the flow compares it; `forget_matches` empties it."""
    return _scrypt(salt, normalise_id(id_number), n, r, p)


@lru_cache(maxsize=8)
def _scrypt(salt: bytes, number: str, n: int, r: int, p: int) -> str:
    return hashlib.scrypt(number.encode(), salt=salt, n=n, r=r, p=p, maxmem=2 * _MAX_MEMORY, dklen=16).hex()


def forget_matches() -> None:
    """Drop the memoised hashes (they are keyed by ID number): at the end of each session."""
    _scrypt.cache_clear()


def token_match(salt: bytes, token: str) -> str:
    """A QR token (80 random bits: beyond guessing) as HMAC-SHA256 under the day's salt."""
    return hmac.new(salt, token.strip().upper().encode(), hashlib.sha256).hexdigest()


def day_salt(office_secret: bytes, office: str, day: str) -> bytes:
    """The salt of one office and one day (new every day), derived from the server's secret."""
    return hmac.new(office_secret, f"bookings-salt:{office}:{day}".encode(), hashlib.sha256).digest()[:16]


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
