"""What happens to the kiosk (events, from screens, devices, services and the shell's timers) and what the
flow asks the shell to do (effects). Plain frozen data; the shell turns effects into worker jobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kiosk.domain.appointment import Appointment
from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.ticket import IssuedTicket
from kiosk.domain.verification import FaceResult, FingerOutcome


class Event:
    """Base of every event the flow machine accepts."""


@dataclass(frozen=True)
class Start(Event):
    """The applicant touched 'start' on the attract screen."""


@dataclass(frozen=True)
class SetLanguage(Event):
    language: str


@dataclass(frozen=True)
class ToggleLargeText(Event):
    pass


@dataclass(frozen=True)
class ChooseService(Event):
    service: str  # booked | walk_in | other | guide


@dataclass(frozen=True)
class ChooseBusiness(Event):
    business: str


@dataclass(frozen=True)
class QrScanned(Event):
    payload: str = field(repr=False)


@dataclass(frozen=True)
class PhoneCodeEntered(Event):
    phone: str = field(repr=False)
    code: str = field(repr=False)


@dataclass(frozen=True)
class UseIdCard(Event):
    """Find my booking by my ID card."""


@dataclass(frozen=True)
class AppointmentFound(Event):
    appointment: Appointment = field(repr=False)


@dataclass(frozen=True)
class AppointmentNotFound(Event):
    reason: str  # not_found | not_today | garbled | unknown | replayed | offline


@dataclass(frozen=True)
class CardRead(Event):
    card: IdCardRecord = field(repr=False)


@dataclass(frozen=True)
class CardRemoved(Event):
    pass


@dataclass(frozen=True)
class Consent(Event):
    given: bool


@dataclass(frozen=True)
class FaceCaptured(Event):
    result: FaceResult | None = field(repr=False)  # the face pipeline's per-party result; None: no photo


@dataclass(frozen=True)
class RetakeFace(Event):
    """The applicant asks to start the photo again (the good frames so far are forgotten)."""


@dataclass(frozen=True)
class FingerChecked(Event):
    """A finger on the sensor compared with the card's templates (in a worker)."""

    outcome: FingerOutcome
    score: float | None = None


@dataclass(frozen=True)
class SkipFinger(Event):
    """The applicant prefers the counter to the fingerprint sensor."""


@dataclass(frozen=True)
class SkipFace(Event):
    """Face capture failed or the applicant prefers the counter: the registrar does it."""


@dataclass(frozen=True)
class Continue(Event):
    """'Next' / 'continue' on screens with one way forward; also 'continue' on the idle warning."""


@dataclass(frozen=True)
class Back(Event):
    pass


@dataclass(frozen=True)
class Confirm(Event):
    pass


@dataclass(frozen=True)
class Cancel(Event):
    pass


@dataclass(frozen=True)
class Finish(Event):
    """'Done' on an end screen."""


@dataclass(frozen=True)
class Idle(Event):
    """No touch for the configured idle time (scheduled by the shell)."""


@dataclass(frozen=True)
class Timeout(Event):
    """The current state's own time ran out (scheduled by the shell from TIMEOUTS)."""


@dataclass(frozen=True)
class TicketIssued(Event):
    ticket: IssuedTicket


@dataclass(frozen=True)
class TicketRefused(Event):
    reason: str  # quota_exhausted | already_checked_in | outside_window | parties_mismatch | …
    number: str = ""  # ticket_already_issued: the number these people already hold today


@dataclass(frozen=True)
class PrintFinished(Event):
    ok: bool
    problem: str = ""  # paper_out | cover_open | offline | cutter_error | not_responding | …


@dataclass(frozen=True)
class DeviceFault(Event):
    device: str
    detail: str = ""


@dataclass(frozen=True)
class DeviceRecovered(Event):
    device: str


@dataclass(frozen=True)
class BackendDown(Event):
    pass


@dataclass(frozen=True)
class BackendUp(Event):
    pass


@dataclass(frozen=True)
class PrinterReport(Event):
    ok: bool
    problem: str = ""


@dataclass(frozen=True)
class NewDay(Event):
    """The local date changed (the shell's clock, read at each event and by its day watch while idle): the day's
    state starts afresh."""

    day: date


@dataclass(frozen=True)
class MaintenanceRequested(Event):
    pass


@dataclass(frozen=True)
class PinResult(Event):
    accepted: bool


@dataclass(frozen=True)
class CallStaff(Event):
    """The applicant touched 'call staff' (呼叫工作人员)."""


@dataclass(frozen=True)
class StaffCalled(Event):
    """The assistance call was delivered to the office (online, with its call id) or only journaled (offline)."""

    online: bool
    call_id: int = 0


@dataclass(frozen=True)
class StaffCallStatus(Event):
    """What the office says of the call: open, acknowledged (a person is coming), closed, or unknown (no answer)."""

    call_id: int
    status: str
