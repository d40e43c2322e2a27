"""Queue ticket content: what the applicant walks away with.

Pure: built from arguments (office, policy, the number the queue gave, the time passed in); no clock, no I/O.
A Ticket holds only masked personal data, so it can be logged, journalled and reprinted as it is.
The QR identifies the ticket for the counter: TK1:<office>:<YYYYMMDD>:<number>:<ticket id>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Iterable, TypedDict

from kiosk.domain.business import BUSINESSES
from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.masking import mask_id_for_ticket, mask_name

QR_PREFIX = "TK1"
NUMBER_DIGITS = 3
_TICKET_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,48}$")
_QR = re.compile(r"^TK1:(\d{6}):(\d{8}):([A-Z]{0,2}\d{1,6}):([A-Za-z0-9_.\-]{1,48})$")


class IssuedTicket(TypedDict, total=False):
    """A queue number as the office (or, offline, the kiosk's own numbering) issued it, before it is printed."""

    number: str
    business: str
    offline: bool
    priority: str  # booked | walk_in
    issued_at: str  # ISO 8601 with offset
    waiting_ahead: int | None  # None when offline (unknown)
    ticket_id: str | None
    appointment_id: str | None


@dataclass(frozen=True)
class TicketParty:
    name: str  # masked (张*丰)
    id_tail: str  # masked, last 4 only (**************1234)


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    office_code: str
    office_zh: str
    office_en: str
    business: str
    business_zh: str
    business_en: str
    prefix: str
    number: int
    issued_at: datetime
    priority: bool = False
    waiting_ahead: int | None = None
    parties: tuple[TicketParty, ...] = ()
    bring_zh: tuple[str, ...] = ()
    bring_en: tuple[str, ...] = ()
    offline: bool = False
    note_zh: str = ""
    note_en: str = ""
    test: bool = False  # a technician's test print: marked TEST, its QR no ticket's

    @property
    def number_text(self) -> str:
        return format_number(self.prefix, self.number)

    @property
    def qr_payload(self) -> str:
        if self.test:  # never read as a queue ticket at a counter (parse_qr refuses it)
            return f"TEST:{self.office_code}:{self.issued_at:%Y%m%d}:{self.ticket_id}"
        return f"{QR_PREFIX}:{self.office_code}:{self.issued_at:%Y%m%d}:{self.number_text}:{self.ticket_id}"


@dataclass(frozen=True)
class TicketQr:
    office: str
    date: str  # YYYYMMDD
    number: str  # A012
    ticket_id: str


# What an offline number means, the same on the ticket and on the screen (catalog done_offline; docs/glossary.md).
OFFLINE_NOTE = {
    "zh": "【离线号】请留意叫号，并向工作人员出示本票",
    "en": "Offline number: watch for your number and show this ticket to staff",
}
TEST_NOTE = {
    "zh": "测试票 不是号票 请勿使用",
    "en": "TEST TICKET - not a queue number, do not use",
}


def build_test_ticket(*, office: Any, policy: Any, issued_at: datetime, business: str = "marriage") -> Ticket:
    """The self-test's ticket: laid out like a real one (office, business, bring list, QR), number 0 of the
    business's prefix — no queue ever issues it — and marked TEST, with a QR no counter reads as a ticket."""
    ticket = build_ticket(
        office=office,
        policy=policy,
        business=business,
        number=0,
        ticket_id=f"SELFTEST-{issued_at:%H%M%S}",
        issued_at=issued_at,
        offline=False,
        note_zh=TEST_NOTE["zh"],
        note_en=TEST_NOTE["en"],
    )
    return replace(ticket, test=True)


def non_mainland(cards: Iterable[IdCardRecord]) -> bool:
    """Is any of these cards not a mainland resident ID card (HK/Macao/Taiwan, foreigner, passport)? With no
    card known, True: everything is listed."""
    types = [c.card_type for c in cards]
    return not types or any(t != "resident_id" for t in types)


def format_number(prefix: str, number: int) -> str:
    return f"{prefix}{number:0{NUMBER_DIGITS}d}"


def parse_qr(payload: str) -> TicketQr | None:
    m = _QR.match(payload.strip())
    return TicketQr(*m.groups()) if m else None


def parse_number(value: str | int, prefix: str) -> int:
    """'A012', 'a12', '12' or 12 → 12 for prefix 'A'; ValueError for another prefix or no number."""
    if isinstance(value, int):
        number = value
    else:
        m = re.fullmatch(r"\s*([A-Za-z]{0,2})\s*(\d{1,6})\s*", value)
        if not m:
            raise ValueError(f"'{value}' is not a queue number like {format_number(prefix, 12)} or 12")
        if m.group(1) and m.group(1).upper() != prefix.upper():
            raise ValueError(f"'{value}' has prefix {m.group(1).upper()}, this business uses '{prefix}'")
        number = int(m.group(2))
    if number < 0:
        raise ValueError("a queue number is not negative")
    return number


def offline_share(ticket_range: Any, share: str) -> tuple[int, int]:
    """First and last number of part k of n ("k/n") of the offline range, cut into n near-equal parts."""
    part, parts = (int(x) for x in share.split("/"))
    size = ticket_range.offline_last - ticket_range.offline_first + 1
    first = ticket_range.offline_first + (part - 1) * size // parts
    last = ticket_range.offline_first + part * size // parts - 1
    if last < first:
        raise ValueError(
            f"the offline range {ticket_range.offline_first}–{ticket_range.offline_last} is too small "
            f"for {parts} kiosks"
        )
    return first, last


def is_offline_number(ticket_range: Any, number: int) -> bool:
    """True when the number comes from the kiosk's own offline range (TicketRange in kiosk.config)."""
    return bool(ticket_range.offline_first <= number <= ticket_range.offline_last)


def build_ticket(
    *,
    office: Any,
    policy: Any,
    business: str,
    number: str | int,
    ticket_id: str,
    issued_at: datetime,
    waiting_ahead: int | None = None,
    priority: bool = False,
    parties: Iterable[tuple[str, str]] = (),
    offline: bool | None = None,
    note_zh: str = "",
    note_en: str = "",
    non_mainland_parties: bool = True,
) -> Ticket:
    """office: OfficeConfig; policy: Policy; parties: (name, id number) in clear — masked here, never kept.

    offline defaults to whether the number lies in the office's offline range for that business.
    non_mainland_parties: list the documents non-mainland parties bring (False for a couple of mainland residents).
    """
    if business not in BUSINESSES:
        raise ValueError(f"unknown business '{business}'; known: {list(BUSINESSES)}")
    if not _TICKET_ID.match(ticket_id):
        raise ValueError("ticket_id must be 1-48 characters of A-Z a-z 0-9 _ . -")
    if waiting_ahead is not None and waiting_ahead < 0:
        raise ValueError("waiting_ahead must not be negative")
    ticket_range = office.tickets[business]
    n = parse_number(number, ticket_range.prefix)
    rule = policy.business.get(business)
    return Ticket(
        ticket_id=ticket_id,
        office_code=office.code,
        office_zh=office.name.zh,
        office_en=office.name.en,
        business=business,
        business_zh=BUSINESSES[business]["zh"],
        business_en=BUSINESSES[business]["en"],
        prefix=ticket_range.prefix,
        number=n,
        issued_at=issued_at,
        priority=priority,
        waiting_ahead=waiting_ahead,
        parties=tuple(TicketParty(mask_name(name), mask_id_for_ticket(idn)) for name, idn in parties),
        bring_zh=tuple(rule.documents("zh", non_mainland_parties)) if rule else (),
        bring_en=tuple(rule.documents("en", non_mainland_parties)) if rule else (),
        offline=is_offline_number(ticket_range, n) if offline is None else offline,
        note_zh=note_zh,
        note_en=note_en,
    )
