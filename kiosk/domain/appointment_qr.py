"""Appointment QR payloads from the booking system (provincial site, 粤省事, 广东民政).

Format (this kiosk's contract with the booking system, see README):
    MR1:<office code, 6 digits>:<token, 16 chars A-Z2-7>:<CRC-32 of everything before, 8 hex upper>
It may arrive bare or as the `mr` query parameter of a URL (WeChat scans often wrap it that way).
The CRC catches garbled scans before the kiosk asks the server; replays are caught with `seen`.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

PREFIX = "MR1"
_PAYLOAD = re.compile(r"^MR1:(\d{6}):([A-Z2-7]{16}):([0-9A-F]{8})$")
_LOOKS_OURS = re.compile(r"^MR\d?:")


@dataclass(frozen=True)
class QrOutcome:
    kind: Literal["appointment", "garbled", "unknown", "replayed"]
    office: str = ""
    token: str = ""


def qr_checksum(body: str) -> str:
    return f"{zlib.crc32(body.encode('ascii')) & 0xFFFFFFFF:08X}"


def make_appointment_qr(office: str, token: str) -> str:
    body = f"{PREFIX}:{office}:{token}"
    return f"{body}:{qr_checksum(body)}"


def _unwrap(payload: str) -> str:
    payload = payload.strip()
    if payload.lower().startswith(("http://", "https://")):
        values = parse_qs(urlsplit(payload).query).get("mr")
        return values[0].strip() if values else ""
    return payload


def parse_appointment_qr(payload: str, seen: frozenset[str] | set[str] = frozenset()) -> QrOutcome:
    """Classify a scanned payload. Never raises: anything not ours is `unknown`, ours but damaged is `garbled`."""
    text = _unwrap(payload)
    m = _PAYLOAD.match(text)
    if not m:
        return QrOutcome("garbled" if _LOOKS_OURS.match(text) else "unknown")
    office, token, check = m.groups()
    if qr_checksum(f"{PREFIX}:{office}:{token}") != check:
        return QrOutcome("garbled")
    if token in seen:
        return QrOutcome("replayed", office, token)
    return QrOutcome("appointment", office, token)
