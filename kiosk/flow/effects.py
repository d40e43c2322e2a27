"""Effects: what the pure flow asks the shell to do. The shell runs them in workers; results come back as events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.ticket import IssuedTicket
from kiosk.domain.verification import FaceResult, PartyCheck


class Effect:
    """Base of every effect."""

    background = False  # True: the shell does not count it as work in progress (it may run for a while)
    # Effects of these types still running when this one is asked for are ended: the shell drops their answers
    # and asks the runner to stop them (EffectRunner.cancel).
    ends: ClassVar[tuple[type[Effect], ...]] = ()


@dataclass(frozen=True)
class LookupAppointment(Effect):
    token: str = ""
    phone: str = field(default="", repr=False)
    code: str = field(default="", repr=False)
    id_number: str = field(default="", repr=False)


@dataclass(frozen=True)
class IssueTicket(Effect):
    """Check in (if booked) and take a queue number; answered by TicketIssued or TicketRefused."""

    business: str
    appointment_id: str | None
    id_numbers: tuple[str, ...] = field(repr=False)
    verification: tuple[PartyCheck, ...] = ()  # PartyCheck per party (verified_by, result, score, attempts)
    # the kiosk's decision, its reasons and the regulation applied, for the counter
    eligibility: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None


@dataclass(frozen=True)
class PrintTicket(Effect):
    ticket: IssuedTicket
    business: str
    parties: tuple[IdCardRecord, ...] = field(repr=False)  # for masked names on the ticket
    staff_check: bool = False  # someone's identity is to be checked at the counter (身份待人工核验)


@dataclass(frozen=True)
class CallForAssistance(Effect):
    """Ask the office for a person at this kiosk; answered by StaffCalled. No personal data: the screen and the
    business only."""

    screen: str
    business: str | None = None


@dataclass(frozen=True)
class FollowStaffCall(Effect):
    """Ask the office, after a short pause, whether a person has taken the call; answered by StaffCallStatus.
    Runs in the background: the shell does not count it as work in progress."""

    call_id: int
    background = True


@dataclass(frozen=True)
class SessionEnded(Effect):
    """The applicant's data is gone from the machine; the shell wipes screens, buffers and face images.
    `outcome` is what the office counts (no personal data)."""

    outcome: str
    business: str | None = None
    decision: str | None = None
    reasons: tuple[str, ...] = ()
    hukou_counties: tuple[str, ...] = ()
    verified_by: tuple[str, ...] = ()  # per party: face | fingerprint | staff


@dataclass(frozen=True)
class CaptureFace(Effect):
    """Photograph `party` (1 or 2), check liveness and compare with `card`'s reference photo; answered by
    FaceCaptured. `earlier`: the other party's results (the same face twice is refused). Runs until done or ended
    (a newer capture, StopIdentity)."""

    party: int
    card: IdCardRecord = field(repr=False)
    earlier: tuple[FaceResult, ...] = field(default=(), repr=False)
    background = True


@dataclass(frozen=True)
class CheckFinger(Effect):
    """A finger on the sensor compared with `card`'s templates; answered by FingerChecked."""

    party: int
    card: IdCardRecord = field(repr=False)
    background = True


@dataclass(frozen=True)
class StopIdentity(Effect):
    """The flow left the face or finger step: the running capture or finger check ends (the camera is released)
    and whatever it would have answered is dropped."""

    background = True


IDENTITY_EFFECTS: tuple[type[Effect], ...] = (CaptureFace, CheckFinger)
CaptureFace.ends = CheckFinger.ends = StopIdentity.ends = IDENTITY_EFFECTS
