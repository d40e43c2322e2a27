"""Actions of the flow table (kiosk/flow/table.py) for the applicant's choices, the ticket, the machine's status
(devices, office link, printer, a new day), calls for staff and the technician's PIN. Pure: an action returns a
new Flow and the effects the shell must carry out. The booking, the cards and the decision: intake.py; verifying
the parties: verification.py."""

from __future__ import annotations

from typing import Callable, cast

from kiosk.domain.eligibility import Decision, DecisionKind
from kiosk.domain.hours import hours_text
from kiosk.domain.messages import compose_message
from kiosk.domain.policy import in_force
from kiosk.domain.verification import needs_staff
from kiosk.flow.effects import CallForAssistance, Effect, FollowStaffCall, IssueTicket, PrintTicket
from kiosk.flow.events import (
    CallStaff,
    ChooseBusiness,
    ChooseService,
    Confirm,
    DeviceFault,
    DeviceRecovered,
    Event,
    NewDay,
    PinResult,
    PrinterReport,
    PrintFinished,
    SetLanguage,
    StaffCalled,
    StaffCallStatus,
    TicketIssued,
    TicketRefused,
    Timeout,
    ToggleLargeText,
)
from kiosk.flow.guards import E, card_id
from kiosk.flow.state import Assistance, Flow, FlowEnv, Notice, S, with_session, with_status

# An action of a table row takes the row's event type (T checks it; the table matches the type before the call).
Action = Callable[[Flow, E, FlowEnv], "tuple[Flow, tuple[Effect, ...]]"]


def set_language(f: Flow, e: SetLanguage, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, language=e.language if e.language in env.languages else env.languages[0]), ()


def toggle_large_text(f: Flow, e: ToggleLargeText, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, large_text=not f.session.large_text), ()


def choose_service(f: Flow, e: ChooseService, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, service=e.service, notice=""), ()


def choose_business(f: Flow, e: ChooseBusiness, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, business=e.business, notice=""), ()


def request_ticket(f: Flow, e: Confirm, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    s = f.session
    appointment_id = s.appointment.appointment_id if s.appointment else None
    return with_session(f, notice=""), (
        IssueTicket(
            cast(str, s.business),
            appointment_id,
            tuple(card_id(c) for c in s.cards),
            s.verification,
            (s.decision.decision, s.decision.reasons, _basis(env)) if s.decision else None,
        ),
    )


def _basis(env: FlowEnv) -> tuple[str, ...]:
    """The regulation the decision applied, for the counter (both languages)."""
    try:
        policy = in_force(env.policies, env.today) if env.policies else env.policy
    except ValueError:
        return ()
    return (f"{policy.title.zh} {policy.title.en}",)


def print_ticket(f: Flow, e: TicketIssued, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    s = f.session
    return with_session(f, ticket=e.ticket), (
        PrintTicket(e.ticket, cast(str, s.business), s.cards, needs_staff(s.verification)),
    )


def ticket_refused(f: Flow, e: TicketRefused, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    # Closed: nothing staff could do now; the applicant is told the hours instead. A couple who already hold a
    # number today are told that number (and nothing else: it is theirs).
    kind = DecisionKind.REFUSE if e.reason == "office_closed" else DecisionKind.STAFF
    business = cast(str, f.session.business)
    if e.reason == "ticket_already_issued" and e.number:
        reasons = ["ticket_already_issued", "ticket_held"]
        message = compose_message(DecisionKind.STAFF, business, reasons, [], {"number": e.number}, lead=False)
    else:
        reasons = [e.reason]
        details = {"hours": hours_text(env.offices[env.office], env.today)}
        message = compose_message(kind, business, reasons, [env.offices[env.office]], details)
    decision = Decision(kind, tuple(reasons), (env.office,), message)
    return with_session(f, decision=decision, ticket_refused=True), ()


def note_print_problem(f: Flow, e: PrintFinished | Timeout, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    problem = getattr(e, "problem", "") or "not_responding"
    return with_status(with_session(f, notice=f"printer_{problem}"), printer_ok=False, printer_problem=problem), ()


def device_down(f: Flow, e: DeviceFault, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_status(f, devices_down=f.status.devices_down | {e.device}), ()


def device_up(f: Flow, e: DeviceRecovered, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_status(f, devices_down=f.status.devices_down - {e.device}), ()


def backend(online: bool) -> Action[Event]:
    return lambda f, e, env: (with_status(f, backend_online=online), ())


def printer_status(f: Flow, e: PrinterReport, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_status(f, printer_ok=e.ok, printer_problem="" if e.ok else e.problem), ()


def new_day(f: Flow, e: NewDay, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    # Booking codes used yesterday are no replays today (yesterday's bookings are refused as not for today anyway).
    return with_status(f, used_tokens=frozenset()), ()


def call_staff(f: Flow, e: CallStaff, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    """Ask for a person: the screen the applicant is stuck on and the business, nothing personal."""
    screen = f.resume if f.state in (S.IDLE_WARNING, S.DEVICE_FAULT) and f.resume else f.state
    return with_session(f, assistance=Assistance.CALLING), (CallForAssistance(screen.value, f.session.business),)


def staff_called(f: Flow, e: StaffCalled, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    """The office has the call ("call sent"): follow it until a person takes it. Offline it waits in the journal."""
    if not e.online:
        return with_session(f, assistance=Assistance.OFFLINE), ()
    follow = (FollowStaffCall(e.call_id),) if e.call_id else ()
    return with_session(f, assistance=Assistance.SENT, assistance_call=e.call_id), follow


def staff_call_status(f: Flow, e: StaffCallStatus, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    """Only once a person has taken the call does the kiosk say they are on the way; until then it asks again."""
    if e.status in ("acknowledged", "closed"):
        return with_session(f, assistance=Assistance.ON_THE_WAY), ()
    return f, (FollowStaffCall(e.call_id),)


def pin_rejected(f: Flow, e: PinResult, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, notice=Notice.PIN_REJECTED), ()
