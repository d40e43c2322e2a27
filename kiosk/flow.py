"""The applicant flow: one declarative state machine (CONTRACTS §4).

Pure: no Kivy, no devices, no clock. The shell feeds events and carries out the effects; timeouts are events the
shell schedules from `timer_for`. The applicant's data lives in `Session`, which is replaced by an empty one on
every path back to attract. Read TRANSITIONS top to bottom: the first row whose state, event and guard match wins.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Callable

from kiosk.domain.appointment_qr import parse_appointment_qr
from kiosk.domain.eligibility import CaseError, Decision, DivorceApplication, decide
from kiosk.domain.messages import compose_message
from kiosk.domain.party import party_from_card
from kiosk.domain.policy import Policy
from kiosk.flow_events import (
    AppointmentFound, AppointmentNotFound, Back, BackendDown, BackendUp, Cancel, CardRead, CardRemoved,
    ChooseBusiness, ChooseService, Confirm, Consent, Continue, DeviceFault, DeviceRecovered, Effect, Event,
    FaceCaptured, Finish, Idle, IssueTicket, LookupAppointment, MaintenanceRequested, PhoneCodeEntered, PinResult,
    PrinterStatus, PrintFinished, PrintTicket, QrScanned, SessionEnded, SetLanguage, SkipFace, Start,
    TicketIssued, TicketRefused, Timeout, ToggleLargeText, UseIdCard,
)


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
NEEDS = {S.READ_ID_1: "idcard", S.READ_ID_2: "idcard", S.FACE_1: "camera", S.FACE_2: "camera"}
WALK_IN_BUSINESSES = ("marriage", "divorce_application", "divorce_certificate")
OTHER_BUSINESSES = ("reissue_certificate", "archive_query", "record_certificate")


@dataclass(frozen=True)
class Session:
    """One applicant visit. Everything personal is here, and only here."""
    language: str = "zh"
    large_text: bool = False
    service: str | None = None            # booked | walk_in | other
    business: str | None = None
    appointment: dict | None = field(default=None, repr=False)
    find_by_card: bool = False
    cards: tuple = field(default=(), repr=False)
    decision: Decision | None = None
    consent: bool | None = None
    faces: tuple = field(default=(), repr=False)
    ticket: dict | None = None
    notice: str = ""                      # a message code for the current screen

    @property
    def is_empty(self) -> bool:
        return self == Session()


@dataclass(frozen=True)
class Status:
    """What the kiosk knows of its devices and backend; survives sessions, holds no personal data."""
    devices_down: frozenset[str] = frozenset()
    backend_online: bool = True
    printer_ok: bool = True
    printer_problem: str = ""
    used_tokens: frozenset[str] = frozenset()   # booking QR tokens already used today (replays)


@dataclass(frozen=True)
class Flow:
    state: State = S.ATTRACT
    session: Session = Session()
    status: Status = Status()
    resume: State | None = None           # where the idle warning or a device fault returns to


@dataclass(frozen=True)
class FlowEnv:
    """What the rules need, given by the shell: the policy, the offices, this office and today."""
    policy: Policy
    offices: dict
    office: str
    today: date
    face_enabled: bool = True


Guard = Callable[[Flow, Event, FlowEnv], bool]
Action = Callable[[Flow, Event, FlowEnv], "tuple[Flow, tuple[Effect, ...]]"]


@dataclass(frozen=True)
class Choice:
    """A target picked by a pure function of the flow after the action ran (a UML choice pseudo-state)."""
    pick: Callable[[Flow, FlowEnv], State]
    name: str
    outcomes: tuple[State, ...]


STAY = "stay"        # target: remain in the state (the action may still change data)
RESUME = "resume"    # target: go back to Flow.resume


@dataclass(frozen=True)
class T:
    source: frozenset
    event: type
    target: State | Choice | str
    guard: Guard | None = None
    action: Action | None = None


def _in(*states) -> frozenset:
    return frozenset(states)


# --- guards (no side effects) ------------------------------------------------------------------------------------

def is_service(name: str) -> Guard:
    def guard(f, e, env):
        return e.service == name
    guard.__name__ = f"service_is_{name}"
    return guard


def business_offered(f: Flow, e: ChooseBusiness, env: FlowEnv) -> bool:
    offered = WALK_IN_BUSINESSES if f.session.service == "walk_in" else OTHER_BUSINESSES
    return e.business in offered and e.business in env.policy.business


def booked_here(f: Flow, e: AppointmentFound, env: FlowEnv) -> bool:
    return e.appointment.get("office") == env.office


def booked_at_other_office(f: Flow, e: AppointmentFound, env: FlowEnv) -> bool:
    return not booked_here(f, e, env)


def card_unusable(f: Flow, e: CardRead, env: FlowEnv) -> bool:
    return _card_notice(f, e.card) != ""


def looking_up_by_card(f: Flow, e: CardRead, env: FlowEnv) -> bool:
    return f.session.find_by_card and f.session.appointment is None


def accepted(f: Flow, e: Event, env: FlowEnv) -> bool:
    d = f.session.decision
    return d is not None and d.decision == "accept"


def offline_lookup(f: Flow, e: AppointmentNotFound, env: FlowEnv) -> bool:
    return e.reason == "offline"


def consent_given(f: Flow, e: Consent, env: FlowEnv) -> bool:
    return e.given


def print_ok(f: Flow, e: PrintFinished, env: FlowEnv) -> bool:
    return e.ok


def fault_blocks_state(f: Flow, e: DeviceFault, env: FlowEnv) -> bool:
    return NEEDS.get(f.state) == e.device


def fault_recovered(f: Flow, e: DeviceRecovered, env: FlowEnv) -> bool:
    return f.resume is not None and NEEDS.get(f.resume) == e.device


def resuming_face(f: Flow, e: Event, env: FlowEnv) -> bool:
    return f.resume in (S.FACE_1, S.FACE_2)


def pin_accepted(f: Flow, e: PinResult, env: FlowEnv) -> bool:
    return e.accepted


# --- actions (pure: return a new flow and effects) -----------------------------------------------------------------

def _session(f: Flow, **changes) -> Flow:
    return replace(f, session=replace(f.session, **changes))


def _status(f: Flow, **changes) -> Flow:
    return replace(f, status=replace(f.status, **changes))


def set_language(f, e, env):
    return _session(f, language=e.language if e.language in ("zh", "en") else "zh"), ()


def toggle_large_text(f, e, env):
    return _session(f, large_text=not f.session.large_text), ()


def choose_service(f, e, env):
    return _session(f, service=e.service, notice=""), ()


def choose_business(f, e, env):
    return _session(f, business=e.business, notice=""), ()


def scan_booking(f, e, env):
    outcome = parse_appointment_qr(e.payload, f.status.used_tokens)
    if outcome.kind != "appointment":
        return _session(f, notice=f"qr_{outcome.kind}"), ()
    return _session(f, notice="looking_up"), (LookupAppointment(token=outcome.token),)


def scan_booking_from_start(f, e, env):
    return scan_booking(_session(f, service="booked"), e, env)


def lookup_by_phone(f, e, env):
    return _session(f, notice="looking_up"), (LookupAppointment(phone=e.phone, code=e.code),)


def find_by_card(f, e, env):
    return _session(f, find_by_card=True, notice=""), ()


def store_appointment(f, e, env):
    appt = e.appointment
    f = _session(f, appointment=appt, business=appt.get("business"), notice="")
    if token := appt.get("token"):
        f = _status(f, used_tokens=f.status.used_tokens | {token})
    return f, ()


def booked_elsewhere(f, e, env):
    f, _ = store_appointment(f, e, env)
    office, business = e.appointment.get("office", ""), e.appointment.get("business", "marriage")
    known = [env.offices[office]] if office in env.offices else []
    decision = Decision("redirect", ("booked_elsewhere",), (office,),
                        compose_message("redirect", business, ["booked_elsewhere"], known, {}))
    return _session(f, decision=decision), ()


def store_appointment_and_decide(f, e, env):
    return decide_if_complete(store_appointment(f, e, env)[0], e, env)


def continue_as_walk_in(f, e, env):
    return _session(f, service="walk_in", notice="", cards=()), ()


def not_found(f, e, env):
    return _session(f, notice=f"booking_{e.reason}", cards=(), find_by_card=f.session.find_by_card), ()


def remember_card_and_look_up(f, e, env):
    f = _session(f, cards=(e.card,), notice="looking_up")
    return f, (LookupAppointment(id_number=_card_id(e.card)),)


def refuse_card(f, e, env):
    return _session(f, notice=_card_notice(f, e.card)), ()


def store_card(f, e, env):
    f = _session(f, cards=f.session.cards + (e.card,), notice="")
    return (_decided(f, env), ()) if len(f.session.cards) >= _parties_needed(f, env) else (f, ())


def decide_if_complete(f, e, env):
    return (_decided(f, env) if len(f.session.cards) >= _parties_needed(f, env) else f), ()


def forget_cards(f, e, env):
    return _session(f, cards=(), decision=None, notice=""), ()


def set_consent(f, e, env):
    return _session(f, consent=e.given), ()


def add_face(f, e, env):
    return _session(f, faces=f.session.faces + (e.result,)), ()


def request_ticket(f, e, env):
    s = f.session
    appointment_id = s.appointment.get("appointment_id") if s.appointment else None
    return _session(f, notice=""), (IssueTicket(s.business, appointment_id, tuple(_card_id(c) for c in s.cards)),)


def print_ticket(f, e, env):
    return _session(f, ticket=e.ticket), (PrintTicket(e.ticket, f.session.business, f.session.cards),)


def ticket_refused(f, e, env):
    decision = Decision("staff", (e.reason,), (env.office,),
                        compose_message("staff", f.session.business, [e.reason], [env.offices[env.office]], {}))
    return _session(f, decision=decision), ()


def note_print_problem(f, e, env):
    problem = getattr(e, "problem", "") or "not_responding"
    return _status(_session(f, notice=f"printer_{problem}"), printer_ok=False, printer_problem=problem), ()


def device_down(f, e, env):
    return _status(f, devices_down=f.status.devices_down | {e.device}), ()


def device_up(f, e, env):
    return _status(f, devices_down=f.status.devices_down - {e.device}), ()


def backend(online: bool) -> Action:
    return lambda f, e, env: (_status(f, backend_online=online), ())


def printer_status(f, e, env):
    return _status(f, printer_ok=e.ok, printer_problem="" if e.ok else e.problem), ()


def pin_rejected(f, e, env):
    return _session(f, notice="pin_rejected"), ()


# --- choices ------------------------------------------------------------------------------------------------------

def _after_card(f: Flow, env: FlowEnv) -> State:
    if f.session.decision is not None:
        return S.ELIGIBILITY
    return S.READ_ID_2 if f.session.cards else S.READ_ID_1


def _after_accept(f: Flow, env: FlowEnv) -> State:
    return S.CONSENT if env.face_enabled else S.CONFIRM


def _after_face(f: Flow, env: FlowEnv) -> State:
    return S.FACE_2 if len(f.session.faces) < len(f.session.cards) else S.CONFIRM


def _back_from_card(f: Flow, env: FlowEnv) -> State:
    return S.APPOINTMENT if f.session.service == "booked" else S.CHOOSE_BUSINESS


AFTER_CARD = Choice(_after_card, "all parties read?", (S.READ_ID_1, S.READ_ID_2, S.ELIGIBILITY))
AFTER_ACCEPT = Choice(_after_accept, "face capture on?", (S.CONSENT, S.CONFIRM))
AFTER_FACE = Choice(_after_face, "another party?", (S.FACE_2, S.CONFIRM))
BACK_FROM_CARD = Choice(_back_from_card, "booked?", (S.APPOINTMENT, S.CHOOSE_BUSINESS))

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
    T(_in(S.ELIGIBILITY), Continue, AFTER_ACCEPT, accepted),
    T(_in(S.ELIGIBILITY), Finish, S.ATTRACT),
    # faces, after separate consent; declining goes to the counter without face capture
    T(_in(S.CONSENT), Consent, S.FACE_1, consent_given, set_consent),
    T(_in(S.CONSENT), Consent, S.CONFIRM, None, set_consent),
    T(_in(S.FACE_1, S.FACE_2), FaceCaptured, AFTER_FACE, None, add_face),
    T(_in(S.FACE_1, S.FACE_2), SkipFace, S.CONFIRM),
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
    T(_in(S.DEVICE_FAULT), SkipFace, S.CONFIRM, resuming_face),
    T(APPLICANT, DeviceFault, S.DEVICE_FAULT, fault_blocks_state, device_down),
    # maintenance (the applicant flow is suspended meanwhile)
    T(_in(S.MAINTENANCE_LOGIN), PinResult, S.MAINTENANCE, pin_accepted),
    T(_in(S.MAINTENANCE_LOGIN), PinResult, STAY, None, pin_rejected),
    T(MAINTENANCE_STATES, Back, S.ATTRACT),
    T(MAINTENANCE_STATES, Finish, S.ATTRACT),
    T(MAINTENANCE_STATES, Idle, S.ATTRACT),
    T(MAINTENANCE_STATES, Timeout, S.ATTRACT),
    # anywhere
    T(NOT_ATTRACT, Cancel, S.ATTRACT),
    T(ANY, SetLanguage, STAY, None, set_language),
    T(ANY, ToggleLargeText, STAY, None, toggle_large_text),
    T(ANY, DeviceFault, STAY, None, device_down),
    T(ANY, DeviceRecovered, STAY, None, device_up),
    T(ANY, BackendDown, STAY, None, backend(False)),
    T(ANY, BackendUp, STAY, None, backend(True)),
    T(ANY, PrinterStatus, STAY, None, printer_status),
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
        target = t.target
    return _enter(new, flow.state, target, event, effects)


def _enter(flow: Flow, old: State, target: State, event: Event, effects: tuple) -> tuple[Flow, tuple]:
    resume = flow.resume
    if target in (S.IDLE_WARNING, S.DEVICE_FAULT) and old not in (S.IDLE_WARNING, S.DEVICE_FAULT):
        resume = old
    elif target not in (S.IDLE_WARNING, S.DEVICE_FAULT):
        resume = None
    if NEEDS.get(target) in flow.status.devices_down:
        resume, target = target, S.DEVICE_FAULT
    flow = replace(flow, state=target, resume=resume)
    if target == S.ATTRACT and old in APPLICANT_STATES:
        flow, ended = _end_session(flow, old, event)
        effects = effects + (ended,)
    elif target != S.ATTRACT and flow.session.notice and old != target:
        flow = _session(flow, notice=flow.session.notice if target in (S.APPOINTMENT, S.PRINTER_PROBLEM) else "")
    return flow, effects


def _end_session(flow: Flow, old: State, event: Event) -> tuple[Flow, SessionEnded]:
    s = flow.session
    if s.ticket and old == S.DONE:
        outcome = "ticket"
    elif s.ticket:
        outcome = "ticket_not_printed"
    elif s.decision and s.decision.decision != "accept":
        outcome = s.decision.decision
    elif isinstance(event, Timeout):
        outcome = "timed_out"
    else:
        outcome = "cancelled"
    counties = tuple(h.county or "outside" for h in (party_from_card(c).hukou() for c in s.cards) if h)
    ended = SessionEnded(outcome, s.business, s.decision.decision if s.decision else None,
                         s.decision.reasons if s.decision else (), counties)
    return replace(flow, session=Session(), resume=None), ended


# --- helpers ---------------------------------------------------------------------------------------------------

def _card_id(card) -> str:
    return (card.get("id_number") if isinstance(card, dict) else getattr(card, "id_number", "")) or ""


def _parties_needed(f: Flow, env: FlowEnv) -> int:
    business = f.session.business
    return env.policy.business[business].parties if business in env.policy.business else 1


def _card_notice(f: Flow, card) -> str:
    """Why this card cannot be used now, as a message code, or ''."""
    number = _card_id(card)
    if not number:
        return "card_unreadable"
    if any(_card_id(c) == number for c in f.session.cards):
        return "card_already_read"
    appt = f.session.appointment
    booked = {p.get("id_number") for p in (appt or {}).get("parties", []) if p.get("id_number")}
    if booked and number not in booked:
        return "card_not_in_booking"
    return ""


def _decided(f: Flow, env: FlowEnv) -> Flow:
    s = f.session
    appt = s.appointment or {}
    military = {p.get("id_number") for p in appt.get("parties", []) if p.get("military")}
    parties = [party_from_card(c, military=_card_id(c) in military) for c in s.cards]
    application = None
    if app := appt.get("divorce_application"):
        application = DivorceApplication(date.fromisoformat(app["date"]), app.get("office", env.office))
    try:
        decision = decide(env.policy, env.offices, env.office, s.business, env.today, parties, application)
    except (CaseError, ValueError):
        decision = Decision("staff", ("needs_registrar",), (env.office,),
                            compose_message("staff", s.business, ["needs_registrar"], [env.offices[env.office]], {}))
    return _session(f, decision=decision)


TIMERS = {
    S.IDLE_WARNING: ("idle_warning_s", Timeout),
    S.PRINTING: ("printing_s", Timeout),
    S.DONE: ("done_s", Timeout),
    S.PRINTER_PROBLEM: ("printer_problem_s", Timeout),
    S.MAINTENANCE_LOGIN: ("maintenance_login_s", Timeout),
    S.MAINTENANCE: ("maintenance_idle_s", Idle),
}


def timer_for(state: State, seconds: dict[str, float]) -> tuple[type[Event], float] | None:
    """The event the shell schedules on entering `state` (and again after each touch for Idle), and when.
    `seconds` has idle_s, idle_warning_s, printing_s, done_s, printer_problem_s, maintenance_*_s."""
    if state in TIMERS:
        key, event = TIMERS[state]
        return event, seconds[key]
    if state in IDLE_STATES:
        return Idle, seconds["idle_s"]
    return None
