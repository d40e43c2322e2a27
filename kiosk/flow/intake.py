"""Actions of the flow table (kiosk/flow/table.py) for what the applicant brings: the booking (QR code, phone code
or the ID card), the ID cards, and the eligibility decision on them. Pure: each returns a new Flow and the effects
the shell must carry out."""

from __future__ import annotations

from typing import cast

from kiosk.domain.appointment_qr import parse_appointment_qr
from kiosk.domain.eligibility import CaseError, Decision, DecisionKind, DivorceApplication, decide
from kiosk.domain.messages import compose_message
from kiosk.domain.party import party_from_card
from kiosk.flow.effects import Effect, LookupAppointment
from kiosk.flow.events import (
    AppointmentFound,
    AppointmentNotFound,
    Back,
    CardRead,
    Continue,
    Event,
    PhoneCodeEntered,
    QrScanned,
    UseIdCard,
)
from kiosk.flow.guards import card_id, card_notice, parties_needed, policy_today
from kiosk.flow.state import Flow, FlowEnv, Notice, with_session, with_status


def scan_booking(f: Flow, e: QrScanned, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    outcome = parse_appointment_qr(e.payload, f.status.used_tokens)
    if outcome.kind != "appointment":
        return with_session(f, notice=f"qr_{outcome.kind}"), ()
    return with_session(f, notice=Notice.LOOKING_UP), (LookupAppointment(token=outcome.token),)


def scan_booking_from_start(f: Flow, e: QrScanned, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return scan_booking(with_session(f, service="booked"), e, env)


def lookup_by_phone(f: Flow, e: PhoneCodeEntered, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, notice=Notice.LOOKING_UP), (LookupAppointment(phone=e.phone, code=e.code),)


def find_by_card(f: Flow, e: UseIdCard, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, find_by_card=True, notice=""), ()


def store_appointment(f: Flow, e: AppointmentFound, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    appt = e.appointment
    f = with_session(f, appointment=appt, business=appt.business, notice=Notice.BOOKING_FOUND)
    if token := appt.token:
        f = with_status(f, used_tokens=f.status.used_tokens | {token})
    return f, ()


def booked_elsewhere(f: Flow, e: AppointmentFound, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    f, _ = store_appointment(f, e, env)
    office, business = e.appointment.office, e.appointment.business
    known = [env.offices[office]] if office in env.offices else []
    decision = Decision(
        DecisionKind.REDIRECT,
        ("booked_elsewhere",),
        (office,),
        compose_message(DecisionKind.REDIRECT, business, ["booked_elsewhere"], known, {}),
    )
    return with_session(f, decision=decision), ()


def booking_used_up(f: Flow, e: AppointmentFound, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    f, _ = store_appointment(f, e, env)
    number = e.appointment.ticket_number
    reasons = ["already_checked_in", "ticket_held" if number else "ticket_not_held"]
    business = e.appointment.business
    message = compose_message(DecisionKind.STAFF, business, reasons, [], {"number": number or ""}, lead=False)
    return with_session(f, decision=Decision(DecisionKind.STAFF, tuple(reasons), (), message)), ()


def store_appointment_and_decide(f: Flow, e: AppointmentFound, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return decide_if_complete(store_appointment(f, e, env)[0], e, env)


def continue_as_walk_in(f: Flow, e: Continue, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, service="walk_in", notice="", cards=()), ()


def not_found(f: Flow, e: AppointmentNotFound, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, notice=f"booking_{e.reason}", cards=(), find_by_card=f.session.find_by_card), ()


def remember_card_and_look_up(f: Flow, e: CardRead, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    f = with_session(f, cards=(e.card,), notice=Notice.LOOKING_UP)
    return f, (LookupAppointment(id_number=card_id(e.card)),)


def refuse_card(f: Flow, e: CardRead, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, notice=card_notice(f, e.card)), ()


def store_card(f: Flow, e: CardRead, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    f = with_session(f, cards=f.session.cards + (e.card,), notice="")
    return (with_decision(f, env), ()) if len(f.session.cards) >= parties_needed(f, env) else (f, ())


def decide_if_complete(f: Flow, e: Event, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return (with_decision(f, env) if len(f.session.cards) >= parties_needed(f, env) else f), ()


def forget_cards(f: Flow, e: Back, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, cards=(), decision=None, notice=""), ()


def with_decision(f: Flow, env: FlowEnv) -> Flow:
    s = f.session
    business = cast(str, s.business)  # chosen before any card is read
    appt = s.appointment
    parties = [
        party_from_card(c, military=bool(appt and (p := appt.party(card_id(c))) and p.military)) for c in s.cards
    ]
    application = None
    if appt and (app := appt.divorce_application):
        application = DivorceApplication(app.date, app.office or env.office)
    try:
        policy = policy_today(env)
        decision = decide(policy, env.offices, env.office, business, env.today, parties, application, env.rest_days)
    except (CaseError, ValueError):
        decision = Decision(
            DecisionKind.STAFF,
            ("needs_registrar",),
            (env.office,),
            compose_message(DecisionKind.STAFF, business, ["needs_registrar"], [env.offices[env.office]], {}),
        )
    return with_session(f, decision=decision)
