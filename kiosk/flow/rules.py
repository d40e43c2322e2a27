"""Guards, actions and choices of the flow table (kiosk/flow/table.py). All pure: a guard only looks; an action
returns a new Flow and the effects the shell must carry out."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Callable

from kiosk.domain.appointment_qr import parse_appointment_qr
from kiosk.domain.checkin import booked_keys, booked_party
from kiosk.domain.eligibility import CaseError, Decision, DivorceApplication, decide
from kiosk.domain.messages import compose_message
from kiosk.domain.party import party_from_card
from kiosk.domain.policy import in_force
from kiosk.flow.events import (
    AppointmentFound, AppointmentNotFound, CardRead, ChooseBusiness, Consent, DeviceFault, DeviceRecovered, Event,
    PinResult, PrintFinished,
)
from kiosk.flow.effects import CallForAssistance, Effect, IssueTicket, LookupAppointment, PrintTicket
from kiosk.flow.state import State, S, Flow, FlowEnv, NEEDS, WALK_IN_BUSINESSES, OTHER_BUSINESSES


Guard = Callable[[Flow, Event, FlowEnv], bool]
Action = Callable[[Flow, Event, FlowEnv], "tuple[Flow, tuple[Effect, ...]]"]


@dataclass(frozen=True)
class Choice:
    """A target picked by a pure function of the flow after the action ran (a UML choice pseudo-state)."""
    pick: Callable[[Flow, FlowEnv], State]
    name: str
    outcomes: tuple[State, ...]


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


def not_called_yet(f: Flow, e: Event, env: FlowEnv) -> bool:
    return f.session.assistance in ("", "offline")      # offline: the applicant may try again


def call_pending(f: Flow, e: Event, env: FlowEnv) -> bool:
    return f.session.assistance == "calling"


def fault_blocks_state(f: Flow, e: DeviceFault, env: FlowEnv) -> bool:
    return NEEDS.get(f.state) == e.device


def fault_recovered(f: Flow, e: DeviceRecovered, env: FlowEnv) -> bool:
    return f.resume is not None and NEEDS.get(f.resume) == e.device


def resuming_face(f: Flow, e: Event, env: FlowEnv) -> bool:
    return f.resume in (S.FACE_1, S.FACE_2)


def pin_accepted(f: Flow, e: PinResult, env: FlowEnv) -> bool:
    return e.accepted


# --- actions (pure: return a new flow and effects) -----------------------------------------------------------------

def with_session(f: Flow, **changes) -> Flow:
    return replace(f, session=replace(f.session, **changes))


def _status(f: Flow, **changes) -> Flow:
    return replace(f, status=replace(f.status, **changes))


def set_language(f, e, env):
    return with_session(f, language=e.language if e.language in env.languages else env.languages[0]), ()


def toggle_large_text(f, e, env):
    return with_session(f, large_text=not f.session.large_text), ()


def choose_service(f, e, env):
    return with_session(f, service=e.service, notice=""), ()


def choose_business(f, e, env):
    return with_session(f, business=e.business, notice=""), ()


def scan_booking(f, e, env):
    outcome = parse_appointment_qr(e.payload, f.status.used_tokens)
    if outcome.kind != "appointment":
        return with_session(f, notice=f"qr_{outcome.kind}"), ()
    return with_session(f, notice="looking_up"), (LookupAppointment(token=outcome.token),)


def scan_booking_from_start(f, e, env):
    return scan_booking(with_session(f, service="booked"), e, env)


def lookup_by_phone(f, e, env):
    return with_session(f, notice="looking_up"), (LookupAppointment(phone=e.phone, code=e.code),)


def find_by_card(f, e, env):
    return with_session(f, find_by_card=True, notice=""), ()


def store_appointment(f, e, env):
    appt = e.appointment
    f = with_session(f, appointment=appt, business=appt.get("business"), notice="")
    if token := appt.get("token"):
        f = _status(f, used_tokens=f.status.used_tokens | {token})
    return f, ()


def booked_elsewhere(f, e, env):
    f, _ = store_appointment(f, e, env)
    office, business = e.appointment.get("office", ""), e.appointment.get("business", "marriage")
    known = [env.offices[office]] if office in env.offices else []
    decision = Decision("redirect", ("booked_elsewhere",), (office,),
                        compose_message("redirect", business, ["booked_elsewhere"], known, {}))
    return with_session(f, decision=decision), ()


def store_appointment_and_decide(f, e, env):
    return decide_if_complete(store_appointment(f, e, env)[0], e, env)


def continue_as_walk_in(f, e, env):
    return with_session(f, service="walk_in", notice="", cards=()), ()


def not_found(f, e, env):
    return with_session(f, notice=f"booking_{e.reason}", cards=(), find_by_card=f.session.find_by_card), ()


def remember_card_and_look_up(f, e, env):
    f = with_session(f, cards=(e.card,), notice="looking_up")
    return f, (LookupAppointment(id_number=_card_id(e.card)),)


def refuse_card(f, e, env):
    return with_session(f, notice=_card_notice(f, e.card)), ()


def store_card(f, e, env):
    f = with_session(f, cards=f.session.cards + (e.card,), notice="")
    return (with_decision(f, env), ()) if len(f.session.cards) >= _parties_needed(f, env) else (f, ())


def decide_if_complete(f, e, env):
    return (with_decision(f, env) if len(f.session.cards) >= _parties_needed(f, env) else f), ()


def forget_cards(f, e, env):
    return with_session(f, cards=(), decision=None, notice=""), ()


def set_consent(f, e, env):
    return with_session(f, consent=e.given), ()


def add_face(f, e, env):
    return with_session(f, faces=f.session.faces + (e.result,)), ()


def request_ticket(f, e, env):
    s = f.session
    appointment_id = s.appointment.get("appointment_id") if s.appointment else None
    return with_session(f, notice=""), (IssueTicket(s.business, appointment_id, tuple(_card_id(c) for c in s.cards)),)


def print_ticket(f, e, env):
    return with_session(f, ticket=e.ticket), (PrintTicket(e.ticket, f.session.business, f.session.cards),)


def ticket_refused(f, e, env):
    decision = Decision("staff", (e.reason,), (env.office,),
                        compose_message("staff", f.session.business, [e.reason], [env.offices[env.office]], {}))
    return with_session(f, decision=decision), ()


def note_print_problem(f, e, env):
    problem = getattr(e, "problem", "") or "not_responding"
    return _status(with_session(f, notice=f"printer_{problem}"), printer_ok=False, printer_problem=problem), ()


def device_down(f, e, env):
    return _status(f, devices_down=f.status.devices_down | {e.device}), ()


def device_up(f, e, env):
    return _status(f, devices_down=f.status.devices_down - {e.device}), ()


def backend(online: bool) -> Action:
    return lambda f, e, env: (_status(f, backend_online=online), ())


def printer_status(f, e, env):
    return _status(f, printer_ok=e.ok, printer_problem="" if e.ok else e.problem), ()


def new_day(f, e, env):
    # Booking codes used yesterday are no replays today (yesterday's bookings are refused as not for today anyway).
    return _status(f, used_tokens=frozenset()), ()


def call_staff(f, e, env):
    """Ask for a person: the screen the applicant is stuck on and the business, nothing personal."""
    screen = f.resume if f.state in (S.IDLE_WARNING, S.DEVICE_FAULT) and f.resume else f.state
    return with_session(f, assistance="calling"), (CallForAssistance(screen.value, f.session.business),)


def staff_called(f, e, env):
    return with_session(f, assistance="on_the_way" if e.online else "offline"), ()


def pin_rejected(f, e, env):
    return with_session(f, notice="pin_rejected"), ()


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


# --- helpers ---------------------------------------------------------------------------------------------------

def _card_id(card) -> str:
    return (card.get("id_number") if isinstance(card, dict) else getattr(card, "id_number", "")) or ""


def _parties_needed(f: Flow, env: FlowEnv) -> int:
    business = f.session.business
    return env.policy.business[business].min_parties if business in env.policy.business else 1


def _card_notice(f: Flow, card) -> str:
    """Why this card cannot be used now, as a message code, or ''."""
    number = _card_id(card)
    if not number:
        return "card_unreadable"
    if any(_card_id(c) == number for c in f.session.cards):
        return "card_already_read"
    appt = f.session.appointment
    if appt and any(booked_keys(appt)) and booked_party(appt, number) is None:
        return "card_not_in_booking"
    return ""


def with_decision(f: Flow, env: FlowEnv) -> Flow:
    s = f.session
    appt = s.appointment or {}
    parties = [party_from_card(c, military=bool((booked_party(appt, _card_id(c)) or {}).get("military")))
               for c in s.cards]
    application = None
    if app := appt.get("divorce_application"):
        application = DivorceApplication(date.fromisoformat(app["date"]), app.get("office", env.office))
    try:
        policy = in_force(env.policies, env.today) if env.policies else env.policy   # policy = "auto"
        decision = decide(policy, env.offices, env.office, s.business, env.today, parties, application, env.rest_days)
    except (CaseError, ValueError):
        decision = Decision("staff", ("needs_registrar",), (env.office,),
                            compose_message("staff", s.business, ["needs_registrar"], [env.offices[env.office]], {}))
    return with_session(f, decision=decision)
