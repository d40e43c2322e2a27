"""The flow's states and the data it carries: the applicant's Session (all personal data, and only here),
the kiosk's Status (no personal data), and what the rules need from outside (FlowEnv)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Mapping, TypedDict, Unpack

from kiosk.domain.appointment import Appointment
from kiosk.domain.eligibility import Decision
from kiosk.domain.dates import RestDays
from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.offices import OfficeConfig
from kiosk.domain.policy import Policy
from kiosk.domain.ticket import IssuedTicket
from kiosk.domain.verification import FaceResult, PartyCheck


class State(StrEnum):
    ATTRACT = "attract"
    SERVICE_MENU = "service_menu"
    CHOOSE_BUSINESS = "choose_business"
    GUIDE = "guide"
    APPOINTMENT = "appointment"
    READ_ID_1 = "read_id_1"
    READ_ID_2 = "read_id_2"
    ELIGIBILITY = "eligibility"
    CONSENT = "consent"
    FACE_1 = "face_1"
    FACE_2 = "face_2"
    FINGER_1 = "finger_1"
    FINGER_2 = "finger_2"
    CONFIRM = "confirm"
    PRINTING = "printing"
    DONE = "done"
    IDLE_WARNING = "idle_warning"
    DEVICE_FAULT = "device_fault"
    PRINTER_PROBLEM = "printer_problem"
    BACKEND_OFFLINE = "backend_offline"
    MAINTENANCE_LOGIN = "maintenance_login"
    MAINTENANCE = "maintenance"


S = State
MAINTENANCE_STATES = frozenset({S.MAINTENANCE_LOGIN, S.MAINTENANCE})
APPLICANT_STATES = frozenset(State) - MAINTENANCE_STATES - {S.ATTRACT}
# States in which the applicant is expected to act, so silence means they may have walked away.
IDLE_STATES = APPLICANT_STATES - {S.IDLE_WARNING, S.PRINTING, S.DONE, S.PRINTER_PROBLEM}
# Devices a state cannot work without: a fault there shows the device-fault screen until it recovers.
NEEDS = {
    S.READ_ID_1: "idcard",
    S.READ_ID_2: "idcard",
    S.FACE_1: "camera",
    S.FACE_2: "camera",
    S.FINGER_1: "fingerprint",
    S.FINGER_2: "fingerprint",
}
FACE_STATES = (S.FACE_1, S.FACE_2)
FINGER_STATES = (S.FINGER_1, S.FINGER_2)
IDENTITY_STATES = frozenset(FACE_STATES + FINGER_STATES)  # a capture or finger check runs while the flow is here
WALK_IN_BUSINESSES = ("marriage", "divorce_application", "divorce_certificate")
OTHER_BUSINESSES = ("reissue_certificate", "archive_query", "record_certificate")


class Notice(StrEnum):
    """A message code for the current screen (the catalogs' notice_<code>). Composed codes stay strings:
    qr_<kind>, booking_<reason>, finger_<outcome> and printer_<problem>."""

    NONE = ""
    LOOKING_UP = "looking_up"
    BOOKING_FOUND = "booking_found"
    CARD_UNREADABLE = "card_unreadable"
    CARD_ALREADY_READ = "card_already_read"
    CARD_NOT_IN_BOOKING = "card_not_in_booking"
    VERIFY_NO_MATCH = "verify_no_match"
    VERIFY_SAME_FACE = "verify_same_face"
    VERIFY_LIVENESS_FAILED = "verify_liveness_failed"
    VERIFY_STAFF = "verify_staff"
    PIN_REJECTED = "pin_rejected"


class Assistance(StrEnum):
    """Where the applicant's call for staff stands."""

    NONE = ""
    CALLING = "calling"
    SENT = "sent"  # the office has the call
    ON_THE_WAY = "on_the_way"  # a counter took it
    OFFLINE = "offline"  # only journaled: the applicant may try again


@dataclass(frozen=True)
class FaceOutcome:
    """How a party's face path ended without a match, kept while the fingerprint is tried."""

    result: str  # a CheckResult: no_match | unavailable | skipped
    score: float | None
    attempts: int


@dataclass(frozen=True)
class Session:
    """One applicant visit. Everything personal is here, and only here."""

    language: str = "zh"
    large_text: bool = False
    service: str | None = None  # booked | walk_in | other
    business: str | None = None
    appointment: Appointment | None = field(default=None, repr=False)
    find_by_card: bool = False
    cards: tuple[IdCardRecord, ...] = field(default=(), repr=False)
    decision: Decision | None = None
    consent: bool | None = None
    faces: tuple[FaceResult, ...] = field(default=(), repr=False)  # every face result taken (wiped at session end)
    verification: tuple[PartyCheck, ...] = ()  # PartyCheck per party verified so far (kiosk/domain/verification.py)
    attempts: int = 0  # tries of the current party on the current path (face or finger)
    face_outcome: FaceOutcome | None = None  # how the current party's face path ended, if it did
    # the capture just compared, shown and said for face_outcome_s before the flow acts on it (a timer)
    face_shown: FaceResult | None = field(default=None, repr=False)
    ticket: IssuedTicket | None = None
    ticket_refused: bool = False  # the outcome came at the ticket step (the step bar stays there)
    notice: str = Notice.NONE  # a Notice or a composed code (see Notice)
    assistance: Assistance = Assistance.NONE
    assistance_call: int = 0  # the office's id of the call, while it is followed

    @property
    def is_empty(self) -> bool:
        """Nothing of an applicant here (the display language is the kiosk's, not personal)."""
        return replace(self, language=_BLANK.language) == _BLANK


_BLANK = Session()


@dataclass(frozen=True)
class Status:
    """What the kiosk knows of its devices and backend; survives sessions, holds no personal data."""

    devices_down: frozenset[str] = frozenset()
    backend_online: bool = True
    printer_ok: bool = True
    printer_problem: str = ""
    used_tokens: frozenset[str] = frozenset()  # booking QR tokens already used today (replays)


@dataclass(frozen=True)
class Flow:
    state: State = S.ATTRACT
    session: Session = Session()
    status: Status = Status()
    resume: State | None = None  # where the idle warning or a device fault returns to


@dataclass(frozen=True)
class FlowEnv:
    """What the rules need, given by the shell: the policy, the offices, this office and today."""

    policy: Policy
    offices: Mapping[str, OfficeConfig]
    office: str
    today: date
    face_enabled: bool = True
    languages: tuple[str, ...] = ("zh", "en")  # offered on the attract screen; the first is where it starts
    policies: tuple[Policy, ...] = ()  # all policies: the one in force on `today` decides (policy="auto")
    rest_days: RestDays = RestDays()  # holiday calendar for the divorce deadlines (weekends only if none)
    face_attempts: int = 3  # captures per party before the fallback (face.attempts)
    fingerprint: bool = False  # a fingerprint sensor and matcher are configured
    finger_attempts: int = 3


class SessionChanges(TypedDict, total=False):
    """Keyword changes to a Session (with_session), typed field by field; tests/flow/test_session.py checks that
    it names every field of Session."""

    language: str
    large_text: bool
    service: str | None
    business: str | None
    appointment: Appointment | None
    find_by_card: bool
    cards: tuple[IdCardRecord, ...]
    decision: Decision | None
    consent: bool | None
    faces: tuple[FaceResult, ...]
    verification: tuple[PartyCheck, ...]
    attempts: int
    face_outcome: FaceOutcome | None
    face_shown: FaceResult | None
    ticket: IssuedTicket | None
    ticket_refused: bool
    notice: str
    assistance: Assistance
    assistance_call: int


class StatusChanges(TypedDict, total=False):
    """Keyword changes to the Status (with_status), like SessionChanges."""

    devices_down: frozenset[str]
    backend_online: bool
    printer_ok: bool
    printer_problem: str
    used_tokens: frozenset[str]


def with_session(f: Flow, **changes: Unpack[SessionChanges]) -> Flow:
    return replace(f, session=replace(f.session, **changes))


def with_status(f: Flow, **changes: Unpack[StatusChanges]) -> Flow:
    return replace(f, status=replace(f.status, **changes))
