"""The applicant flow: one declarative state machine (drawn in docs/flow.md).

Pure: no Kivy, no devices, no clock. The shell feeds events and carries out the effects; timeouts are events the
shell schedules from `timer_for`. The applicant's data lives in `Session`, which is replaced by an empty one on
every path back to attract. Read TRANSITIONS top to bottom: the first row whose state, event and guard match wins.
States and data: kiosk/flow/state.py; guards and choices: kiosk/flow/guards.py; actions: kiosk/flow/intake.py (the
booking, the cards, the decision), kiosk/flow/verification.py and kiosk/flow/identity.py (verifying the parties)
and kiosk/flow/actions.py (choices, the ticket, the machine's status, calls for staff).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import cast

from kiosk.domain.eligibility import DecisionKind
from kiosk.domain.party import party_from_card
from kiosk.flow.events import (
    AppointmentFound,
    AppointmentNotFound,
    Back,
    BackendDown,
    BackendUp,
    CallStaff,
    Cancel,
    CardRead,
    CardRemoved,
    ChooseBusiness,
    ChooseService,
    Confirm,
    Consent,
    Continue,
    DeviceFault,
    DeviceRecovered,
    Event,
    FaceCaptured,
    FingerChecked,
    Finish,
    Idle,
    MaintenanceRequested,
    NewDay,
    PhoneCodeEntered,
    PinResult,
    PrinterReport,
    PrintFinished,
    QrScanned,
    RetakeFace,
    SetLanguage,
    SkipFace,
    SkipFinger,
    StaffCalled,
    StaffCallStatus,
    Start,
    TicketIssued,
    TicketRefused,
    Timeout,
    ToggleLargeText,
    UseIdCard,
)
from kiosk.flow.effects import Effect, SessionEnded
from kiosk.flow.actions import (
    Action,
    set_language,
    toggle_large_text,
    choose_service,
    choose_business,
    request_ticket,
    print_ticket,
    ticket_refused,
    note_print_problem,
    device_down,
    device_up,
    backend,
    printer_status,
    pin_rejected,
    new_day,
    call_staff,
    staff_called,
    staff_call_status,
)
from kiosk.flow.intake import (
    booking_used_up,
    scan_booking,
    scan_booking_from_start,
    lookup_by_phone,
    find_by_card,
    store_appointment,
    booked_elsewhere,
    store_appointment_and_decide,
    continue_as_walk_in,
    not_found,
    remember_card_and_look_up,
    refuse_card,
    store_card,
    forget_cards,
)
from kiosk.flow.verification import (
    set_consent,
    begin_verification,
    face_failed,
    skip_face,
    finger_verified,
    finger_failed,
    skip_finger,
    skip_faces_camera_down,
)
from kiosk.flow.identity import (
    capturing,
    no_photo,
    finger_again,
    identity_effects,
    outcome_to_show,
    retake_face,
    show_face_outcome,
    showing_outcome,
    shown_failed,
    shown_match,
    shown_retake,
    shown_retake_left,
    shown_verified,
)
from kiosk.flow.guards import (
    E,
    Guard,
    Choice,
    is_service,
    business_offered,
    booked_here,
    booked_at_other_office,
    booking_used,
    card_unusable,
    looking_up_by_card,
    accepted,
    offline_lookup,
    print_ok,
    fault_blocks_state,
    fault_recovered,
    resuming_face,
    pin_accepted,
    finger_matched,
    finger_retry_left,
    resuming_finger,
    AFTER_CARD,
    AFTER_ACCEPT,
    NEXT_PARTY,
    BACK_FROM_CARD,
    not_called_yet,
    call_pending,
    following_call,
)
from kiosk.flow.state import (  # noqa: F401 (re-exported: the shell and tests import them from here)
    APPLICANT_STATES,
    FACE_STATES,
    IDLE_STATES,
    MAINTENANCE_STATES,
    NEEDS,
    OTHER_BUSINESSES,
    WALK_IN_BUSINESSES,
    Flow,
    FlowEnv,
    S,
    Session,
    State,
    Status,
    with_session,
)


STAY = "stay"  # target: remain in the state (the action may still change data)
RESUME = "resume"  # target: go back to Flow.resume


@dataclass(frozen=True, init=False)
class T:
    """One row: in a `source` state, on an event of type `event`, if `guard` passes, run `action`, go to `target`."""

    source: frozenset[State]
    event: type[Event]
    target: State | Choice | str
    guard: Guard[Event] | None
    action: Action[Event] | None

    def __init__(
        self,
        source: frozenset[State],
        event: type[E],
        target: State | Choice | str,
        guard: Guard[E] | None = None,
        action: Action[E] | None = None,
    ) -> None:
        # The type checker holds the guard and the action to the row's event type here; `step` calls them only
        # with an event of that type, so they are kept as taking any event.
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "event", event)
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "guard", cast("Guard[Event] | None", guard))
        object.__setattr__(self, "action", cast("Action[Event] | None", action))


def _in(*states: State) -> frozenset[State]:
    return frozenset(states)


APPLICANT = frozenset(APPLICANT_STATES)
ANY = frozenset(State)
NOT_ATTRACT = APPLICANT | MAINTENANCE_STATES

TRANSITIONS: tuple[T, ...] = (
    # attract: language, large text, start, hidden maintenance entry
    T(_in(S.ATTRACT), Start, S.SERVICE_MENU),
    T(_in(S.ATTRACT), MaintenanceRequested, S.MAINTENANCE_LOGIN),
    T(_in(S.ATTRACT, S.SERVICE_MENU), QrScanned, S.APPOINTMENT, None, scan_booking_from_start),
    # service menu
    T(_in(S.SERVICE_MENU), ChooseService, S.APPOINTMENT, is_service("booked"), choose_service),
    T(_in(S.SERVICE_MENU), ChooseService, S.CHOOSE_BUSINESS, is_service("walk_in"), choose_service),
    T(_in(S.SERVICE_MENU), ChooseService, S.CHOOSE_BUSINESS, is_service("other"), choose_service),
    T(_in(S.SERVICE_MENU), ChooseService, S.GUIDE, is_service("guide")),
    T(_in(S.SERVICE_MENU), Back, S.ATTRACT),
    T(_in(S.GUIDE, S.CHOOSE_BUSINESS, S.APPOINTMENT), Back, S.SERVICE_MENU),
    T(_in(S.CHOOSE_BUSINESS), ChooseBusiness, S.READ_ID_1, business_offered, choose_business),
    # appointment: QR, phone + code, or by ID card
    T(_in(S.APPOINTMENT), QrScanned, STAY, None, scan_booking),
    T(_in(S.APPOINTMENT), PhoneCodeEntered, STAY, None, lookup_by_phone),
    T(_in(S.APPOINTMENT), UseIdCard, S.READ_ID_1, None, find_by_card),
    T(_in(S.APPOINTMENT, S.READ_ID_1), AppointmentFound, S.ELIGIBILITY, booking_used, booking_used_up),
    T(_in(S.APPOINTMENT, S.READ_ID_1), AppointmentFound, S.ELIGIBILITY, booked_at_other_office, booked_elsewhere),
    T(_in(S.APPOINTMENT), AppointmentFound, S.READ_ID_1, booked_here, store_appointment),
    T(_in(S.READ_ID_1), AppointmentFound, AFTER_CARD, booked_here, store_appointment_and_decide),
    T(_in(S.APPOINTMENT, S.READ_ID_1), AppointmentNotFound, S.BACKEND_OFFLINE, offline_lookup, not_found),
    T(_in(S.APPOINTMENT, S.READ_ID_1), AppointmentNotFound, S.APPOINTMENT, None, not_found),
    T(_in(S.BACKEND_OFFLINE), Continue, S.CHOOSE_BUSINESS, None, continue_as_walk_in),
    T(_in(S.BACKEND_OFFLINE), Back, S.APPOINTMENT),
    # ID cards: party 1, then party 2 when the business needs both
    T(_in(S.READ_ID_1), CardRead, STAY, looking_up_by_card, remember_card_and_look_up),
    T(_in(S.READ_ID_1, S.READ_ID_2), CardRead, STAY, card_unusable, refuse_card),
    T(_in(S.READ_ID_1, S.READ_ID_2), CardRead, AFTER_CARD, None, store_card),
    T(_in(S.READ_ID_1, S.READ_ID_2), CardRemoved, STAY),
    T(_in(S.READ_ID_1), Back, BACK_FROM_CARD, None, forget_cards),
    T(_in(S.READ_ID_2), Back, S.READ_ID_1, None, forget_cards),
    # eligibility outcome
    T(_in(S.ELIGIBILITY), Continue, AFTER_ACCEPT, accepted, begin_verification),
    T(_in(S.ELIGIBILITY), Finish, S.ATTRACT),
    # identity, party by party, after separate consent: face vs the reference photo (retake up to face.attempts),
    # then the card's fingerprints if it holds any, else the registrar checks at the counter (verified_by staff)
    T(_in(S.CONSENT), Consent, NEXT_PARTY, None, set_consent),
    # a capture's outcome is shown (and said) until the shell's timer (face_outcome_s), then acted on
    T(_in(S.FACE_1, S.FACE_2), FaceCaptured, STAY, outcome_to_show, show_face_outcome),
    T(_in(S.FACE_1, S.FACE_2), FaceCaptured, NEXT_PARTY, no_photo, face_failed),
    T(_in(S.FACE_1, S.FACE_2), Timeout, NEXT_PARTY, shown_match, shown_verified),
    T(_in(S.FACE_1, S.FACE_2), Timeout, STAY, shown_retake_left, shown_retake),
    T(_in(S.FACE_1, S.FACE_2), Timeout, NEXT_PARTY, showing_outcome, shown_failed),
    T(_in(S.FACE_1, S.FACE_2), RetakeFace, STAY, capturing, retake_face),
    T(_in(S.FACE_1, S.FACE_2), SkipFace, NEXT_PARTY, None, skip_face),
    T(_in(S.FINGER_1, S.FINGER_2), FingerChecked, NEXT_PARTY, finger_matched, finger_verified),
    T(_in(S.FINGER_1, S.FINGER_2), FingerChecked, STAY, finger_retry_left, finger_again),
    T(_in(S.FINGER_1, S.FINGER_2), FingerChecked, NEXT_PARTY, None, finger_failed),
    T(_in(S.FINGER_1, S.FINGER_2), SkipFinger, NEXT_PARTY, None, skip_finger),
    # ticket: only an accepted case reaches printing
    T(_in(S.CONFIRM), Confirm, S.PRINTING, accepted, request_ticket),
    T(_in(S.PRINTING), TicketIssued, STAY, None, print_ticket),
    T(_in(S.PRINTING), TicketRefused, S.ELIGIBILITY, None, ticket_refused),
    T(_in(S.PRINTING), PrintFinished, S.DONE, print_ok),
    T(_in(S.PRINTING), PrintFinished, S.PRINTER_PROBLEM, None, note_print_problem),
    T(_in(S.PRINTING), Timeout, S.PRINTER_PROBLEM, None, note_print_problem),
    T(_in(S.DONE, S.PRINTER_PROBLEM), Finish, S.ATTRACT),
    T(_in(S.DONE, S.PRINTER_PROBLEM), Timeout, S.ATTRACT),
    # idle warning and device faults return where they came from
    T(_in(S.IDLE_WARNING), Continue, RESUME),
    T(_in(S.IDLE_WARNING), Timeout, S.ATTRACT),
    T(IDLE_STATES, Idle, S.IDLE_WARNING),
    T(_in(S.DEVICE_FAULT), DeviceRecovered, RESUME, fault_recovered, device_up),
    T(_in(S.DEVICE_FAULT), SkipFace, NEXT_PARTY, resuming_face, skip_faces_camera_down),
    T(_in(S.DEVICE_FAULT), SkipFinger, NEXT_PARTY, resuming_finger, skip_finger),
    T(APPLICANT, DeviceFault, S.DEVICE_FAULT, fault_blocks_state, device_down),
    # maintenance (the applicant flow is suspended meanwhile)
    T(_in(S.MAINTENANCE_LOGIN), PinResult, S.MAINTENANCE, pin_accepted),
    T(_in(S.MAINTENANCE_LOGIN), PinResult, STAY, None, pin_rejected),
    T(MAINTENANCE_STATES, Back, S.ATTRACT),
    T(MAINTENANCE_STATES, Finish, S.ATTRACT),
    T(MAINTENANCE_STATES, Idle, S.ATTRACT),
    T(MAINTENANCE_STATES, Timeout, S.ATTRACT),
    # call staff: the session stays; the idle timeout is longer while help is on its way (timer_for)
    T(APPLICANT, CallStaff, STAY, not_called_yet, call_staff),
    T(APPLICANT, StaffCalled, STAY, call_pending, staff_called),
    T(NOT_ATTRACT, StaffCallStatus, STAY, following_call, staff_call_status),
    # anywhere
    T(NOT_ATTRACT, Cancel, S.ATTRACT),
    T(ANY, SetLanguage, STAY, None, set_language),
    T(ANY, ToggleLargeText, STAY, None, toggle_large_text),
    T(ANY, DeviceFault, STAY, None, device_down),
    T(ANY, DeviceRecovered, STAY, None, device_up),
    T(ANY, BackendDown, STAY, None, backend(False)),
    T(ANY, BackendUp, STAY, None, backend(True)),
    T(ANY, PrinterReport, STAY, None, printer_status),
    T(ANY, NewDay, STAY, None, new_day),
)


def step(flow: Flow, event: Event, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    """Apply one event. Unknown or unexpected events leave the flow as it is."""
    for t in TRANSITIONS:
        if flow.state in t.source and isinstance(event, t.event) and (t.guard is None or t.guard(flow, event, env)):
            break
    else:
        return flow, ()
    new, effects = t.action(flow, event, env) if t.action else (flow, ())
    if t.target == STAY:
        return new, effects
    if t.target == RESUME:
        target = flow.resume or S.ATTRACT
    elif isinstance(t.target, Choice):
        target = t.target.pick(new, env)
        assert target in t.target.outcomes, (t.target.name, target)
    else:
        target = cast(State, t.target)  # STAY and RESUME are handled above
    return _enter(new, flow.state, target, event, effects, env)


def _enter(
    flow: Flow, old: State, target: State, event: Event, effects: tuple[Effect, ...], env: FlowEnv
) -> tuple[Flow, tuple[Effect, ...]]:
    resume = flow.resume
    if target in (S.IDLE_WARNING, S.DEVICE_FAULT) and old not in (S.IDLE_WARNING, S.DEVICE_FAULT):
        resume = old
    elif target not in (S.IDLE_WARNING, S.DEVICE_FAULT):
        resume = None
    if NEEDS.get(target) in flow.status.devices_down:
        resume, target = target, S.DEVICE_FAULT
    flow = replace(flow, state=target, resume=resume)
    flow, started = identity_effects(flow, old, target)  # a capture or finger check starts or stops
    effects = effects + started
    if target == S.ATTRACT and old in APPLICANT_STATES:
        flow, ended = _end_session(flow, old, event, env)
        effects = effects + (ended,)
    elif target != S.ATTRACT and flow.session.notice and old != target:
        kept = target in (S.APPOINTMENT, S.PRINTER_PROBLEM) or flow.session.notice == "booking_found"
        flow = with_session(flow, notice=flow.session.notice if kept else "")
    return flow, effects


def _end_session(flow: Flow, old: State, event: Event, env: FlowEnv) -> tuple[Flow, SessionEnded]:
    s = flow.session
    if s.ticket and old == S.DONE:
        outcome = "ticket"
    elif s.ticket:
        outcome = "ticket_not_printed"
    elif s.decision and s.decision.decision != DecisionKind.ACCEPT:
        outcome = s.decision.decision
    elif isinstance(event, Timeout):
        outcome = "timed_out"
    else:
        outcome = "cancelled"
    counties = tuple(h.county or "outside" for h in (party_from_card(c).hukou() for c in s.cards) if h)
    ended = SessionEnded(
        outcome,
        s.business,
        s.decision.decision if s.decision else None,
        s.decision.reasons if s.decision else (),
        counties,
        tuple(c.verified_by for c in s.verification),
    )
    return replace(flow, session=Session(language=env.languages[0]), resume=None), ended


FACE_OUTCOME_S = 1.8  # a face comparison's outcome stays up (and is said) this long before the flow moves on
TIMERS = {
    S.IDLE_WARNING: ("idle_warning_s", Timeout),
    S.PRINTING: ("printing_s", Timeout),
    S.DONE: ("done_s", Timeout),
    S.PRINTER_PROBLEM: ("printer_problem_s", Timeout),
    S.MAINTENANCE_LOGIN: ("maintenance_login_s", Timeout),
    S.MAINTENANCE: ("maintenance_idle_s", Idle),
}


def timer_for(
    state: State, seconds: dict[str, float], assisted: bool = False, outcome_shown: bool = False
) -> tuple[type[Event], float] | None:
    """The event the shell schedules on entering `state` (and again after each touch for Idle), and when.
    `seconds` has idle_s, idle_warning_s, printing_s, done_s, printer_problem_s, maintenance_*_s,
    assisted_idle_s (the idle time while staff are on their way: `assisted`, the session called them) and
    face_outcome_s (how long a face comparison's outcome is shown: `outcome_shown`, Session.face_shown)."""
    if outcome_shown and state in FACE_STATES:
        return Timeout, seconds.get("face_outcome_s", FACE_OUTCOME_S)
    if state in TIMERS:
        key, event = TIMERS[state]
        return event, seconds[key]
    if state in IDLE_STATES:
        idle = seconds["idle_s"]
        return Idle, max(idle, seconds.get("assisted_idle_s", idle)) if assisted else idle
    return None
