"""Carries out what the flow asks (effects) with the office link and the printer; runs in the shell's workers.

Each effect gives back at most one event for the flow. Blocking I/O only; no Kivy. Personal data passes through
(the ticket's names are masked by build_ticket) and is never logged.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from kiosk.domain.appointment import Appointment, BookingDataError
from kiosk.domain.checkin import forget_matches
from kiosk.domain.hours import may_issue
from kiosk.domain.ticket import build_ticket, non_mainland
from kiosk.errors import KioskError
from kiosk.flow.events import (
    AppointmentFound,
    AppointmentNotFound,
    Event,
    PrintFinished,
    StaffCalled,
    StaffCallStatus,
    TicketIssued,
    TicketRefused,
)
from kiosk.flow.effects import (
    IDENTITY_EFFECTS,
    CallForAssistance,
    Effect,
    FollowStaffCall,
    IssueTicket,
    LookupAppointment,
    PrintTicket,
    SessionEnded,
    StopIdentity,
)
from kiosk.services.backend_status import local_now
from kiosk.services.office_client import BackendRejected, BackendUnavailable

log = logging.getLogger(__name__)
STAFF_CALL_POLL_S = 1.0  # how often a kiosk asks whether a person has taken its call for staff
# Server error codes → AppointmentNotFound reasons the screens know.
# On the ticket when someone's identity was not verified by the machine: the registrar checks it.
STAFF_CHECK_NOTE = {"note_zh": "身份待人工核验", "note_en": "Identity to be checked at the counter"}
_NOT_FOUND = {"appointment_not_found": "not_found", "not_today": "not_today", "too_many_attempts": "too_many_attempts"}


def _first_usable(found: list[object]) -> Event:
    """The office's answer (online, or from the offline list) as the flow's typed booking: the first one not
    cancelled. A garbled one never enters the flow: the applicant is told the lookup failed (`unknown`)."""
    garbled = False
    for data in found:
        try:
            appointment = Appointment.parse(data)
        except BookingDataError as err:
            log.warning("garbled booking in the office's answer: %s", err)
            garbled = True
            continue
        if appointment.status != "cancelled":
            return AppointmentFound(appointment)
    return AppointmentNotFound("unknown" if garbled else "not_found")


class EffectRunner:
    def __init__(self, link, printer, office, policy, clock=local_now, walk_in_exhausted=None, identity=None):
        self.link, self.printer, self.office, self.policy, self.clock = link, printer, office, policy, clock
        # the face capture and fingerprint steps (kiosk.services.identity.steps.IdentitySteps), or None: no devices
        self.identity = identity
        # () -> bool: the technician's walk-in quota for today is used up (kiosk.app.wiring builds it)
        self.walk_in_exhausted = walk_in_exhausted
        self.sessions: dict[str, int] = {}  # outcome → count since start (no personal data)
        self.last_print = None  # the last PrintResult, for the maintenance screen
        self.timings: dict[str, float] = {}  # effect → seconds of its last run (benchmarks, maintenance)

    def run(self, effect: Effect) -> Event | None:
        started = time.perf_counter()
        try:
            return self._run(effect)
        finally:
            self.timings[type(effect).__name__] = round(time.perf_counter() - started, 3)

    def _run(self, effect: Effect) -> Event | None:
        if isinstance(effect, LookupAppointment):
            return self.lookup(effect)
        if isinstance(effect, IssueTicket):
            return self.issue(effect)
        if isinstance(effect, PrintTicket):
            return self.print(effect)
        if isinstance(effect, CallForAssistance):
            return self.call_staff(effect)
        if isinstance(effect, FollowStaffCall):
            return self.follow_staff_call(effect)
        if isinstance(effect, (*IDENTITY_EFFECTS, StopIdentity)):
            return self.identity.run(effect) if self.identity is not None else None
        if isinstance(effect, SessionEnded):
            self.sessions[effect.outcome] = self.sessions.get(effect.outcome, 0) + 1
            forget_matches()  # the session's card hashes, memoised by ID number
            try:
                self.link.withdraw_assistance()
            except KioskError as err:
                log.warning("assistance calls not withdrawn: %s", type(err).__name__)
            return None
        log.warning("unknown effect %s", type(effect).__name__)
        return None

    def cancel(self, effect: Effect) -> None:
        """End a running effect (the flow left its step): only the identity steps run that long."""
        if self.identity is not None:
            self.identity.cancel(effect)

    def lookup(self, e: LookupAppointment) -> Event:
        if e.token:
            query = {"token": e.token}
        elif e.phone:
            query = {"phone": e.phone, "code": e.code}
        else:
            query = {"id_number": e.id_number, "office": self.office.code}
        try:
            found, _source = self.link.lookup(**query)
        except BackendRejected as err:
            if err.code == "appointment_not_found" and self.link.status.up is False:
                return AppointmentNotFound("offline")
            return AppointmentNotFound(_NOT_FOUND.get(err.code, "unknown"))
        except BackendUnavailable:
            return AppointmentNotFound("offline")
        return _first_usable(found)

    def call_staff(self, e: CallForAssistance) -> Event:
        try:
            call_id = self.link.call_staff(e.screen, e.business)
        except (BackendRejected, BackendUnavailable, KioskError) as err:
            log.warning("assistance call not journaled: %s", type(err).__name__)
            return StaffCalled(False)
        return StaffCalled(True, call_id) if call_id is not None else StaffCalled(False)

    def follow_staff_call(self, e: FollowStaffCall) -> Event:
        """One look at the call, after a pause (the flow asks again while it is open)."""
        time.sleep(STAFF_CALL_POLL_S)
        try:
            return StaffCallStatus(e.call_id, self.link.staff_call_status(e.call_id))
        except (BackendRejected, BackendUnavailable, KioskError) as err:
            log.info("staff call not followed this time: %s", type(err).__name__)
            return StaffCallStatus(e.call_id, "unknown")

    def issue(self, e: IssueTicket) -> Event:
        if not e.appointment_id and self.walk_in_exhausted is not None and self.walk_in_exhausted():
            return TicketRefused("quota_exhausted")
        if self.office is not None and not may_issue(self.office, self.clock()):  # before the check-in: no
            # booking is used up for no number
            return TicketRefused("office_closed")
        try:
            if e.appointment_id:
                self.link.check_in({"appointment_id": e.appointment_id}, list(e.id_numbers), e.verification)
            parties = None if e.appointment_id else [{"id_number": n} for n in e.id_numbers]
            t = self.link.issue_ticket(e.business, e.appointment_id, parties, e.verification, e.eligibility)
        except BackendRejected as err:
            held = err.body.get("ticket") if err.code == "ticket_already_issued" else None
            return TicketRefused(err.code, str(held.get("number", "")) if isinstance(held, dict) else "")
        except (BackendUnavailable, KioskError) as err:
            log.warning("ticket not issued: %s", type(err).__name__)
            return TicketRefused("ticket_unavailable")
        return TicketIssued(
            {
                "number": t.number,
                "business": t.business,
                "offline": t.offline,
                "priority": t.priority,
                "issued_at": t.issued_at,
                "waiting_ahead": t.waiting_ahead,
                "ticket_id": t.ticket_id,
            }
        )

    def print(self, e: PrintTicket) -> Event:
        from drivers.printer.port import PrintJob

        t = e.ticket
        try:
            issued_at = datetime.fromisoformat(t["issued_at"]) if t.get("issued_at") else self.clock()
        except ValueError:
            issued_at = self.clock()
        ticket_id = t.get("ticket_id") or f"OFF{str(t['number']).replace('-', '')}"
        parties = [(c.name, c.id_number) for c in e.parties]
        ticket = build_ticket(
            office=self.office,
            policy=self.policy,
            business=e.business,
            number=t["number"],
            ticket_id=ticket_id,
            issued_at=issued_at,
            waiting_ahead=t.get("waiting_ahead"),
            priority=t.get("priority") == "booked",
            parties=parties,
            non_mainland_parties=non_mainland(e.parties),
            offline=t.get("offline"),
            **(STAFF_CHECK_NOTE if e.staff_check else {}),
        )
        del parties
        try:
            result = self.printer.print_ticket(PrintJob(ticket, time.monotonic(), ticket_id))
        except KioskError as err:
            log.warning("printer failed: %s", type(err).__name__)
            return PrintFinished(False, "not_responding")
        self.last_print = result
        return PrintFinished(result.issued, "" if result.issued else (result.reason or result.outcome))
