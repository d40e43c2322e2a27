"""Actions of the flow table (kiosk/flow/table.py). All pure: an action returns a new Flow and the effects the
shell must carry out."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Unpack, cast

from kiosk.domain.appointment_qr import parse_appointment_qr
from kiosk.domain.eligibility import CaseError, Decision, DecisionKind, DivorceApplication, decide
from kiosk.domain.hours import hours_text
from kiosk.domain.messages import compose_message
from kiosk.domain.party import party_from_card
from kiosk.domain.policy import in_force
from kiosk.domain.verification import (
    CheckResult,
    FingerOutcome,
    PartyCheck,
    VerifiedBy,
    needs_staff,
)
from kiosk.flow.events import (
    AppointmentFound,
    AppointmentNotFound,
    Back,
    CallStaff,
    CardRead,
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
    NewDay,
    PhoneCodeEntered,
    PinResult,
    PrinterReport,
    PrintFinished,
    QrScanned,
    SetLanguage,
    SkipFace,
    SkipFinger,
    StaffCalled,
    StaffCallStatus,
    TicketIssued,
    TicketRefused,
    Timeout,
    ToggleLargeText,
    UseIdCard,
)
from kiosk.flow.effects import (
    CallForAssistance,
    Effect,
    FollowStaffCall,
    IssueTicket,
    LookupAppointment,
    PrintTicket,
)
from kiosk.flow.guards import (
    E,
    card_id,
    card_notice,
    face_path,
    face_verdict,
    finger_possible,
    parties_needed,
    policy_today,
)
from kiosk.flow.state import (
    Assistance,
    FaceOutcome,
    Notice,
    S,
    Flow,
    FlowEnv,
    SessionChanges,
    StatusChanges,
)


# An action of a table row takes the row's event type (T checks it; the table matches the type before the call).
Action = Callable[[Flow, E, FlowEnv], "tuple[Flow, tuple[Effect, ...]]"]


def with_session(f: Flow, **changes: Unpack[SessionChanges]) -> Flow:
    return replace(f, session=replace(f.session, **changes))


def _status(f: Flow, **changes: Unpack[StatusChanges]) -> Flow:
    return replace(f, status=replace(f.status, **changes))


def set_language(f: Flow, e: SetLanguage, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, language=e.language if e.language in env.languages else env.languages[0]), ()


def toggle_large_text(f: Flow, e: ToggleLargeText, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, large_text=not f.session.large_text), ()


def choose_service(f: Flow, e: ChooseService, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, service=e.service, notice=""), ()


def choose_business(f: Flow, e: ChooseBusiness, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, business=e.business, notice=""), ()


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
        f = _status(f, used_tokens=f.status.used_tokens | {token})
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


def set_consent(f: Flow, e: Consent, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return settle(with_session(f, consent=e.given), env), ()


def begin_verification(f: Flow, e: Continue, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    """Eligibility accepted without face capture configured: the fingerprint or the counter, party by party."""
    return (f if env.face_enabled else settle(f, env)), ()


# --- identity verification, party by party (kiosk/domain/verification.py) ----------------------------------------


def face_verified(f: Flow, e: FaceCaptured, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    _, score, _ = face_verdict(e.result)
    faces = f.session.faces + ((e.result,) if e.result is not None else ())  # a match has a result
    f = with_session(f, faces=faces, notice="")
    return settle(_record(f, VerifiedBy.FACE, CheckResult.MATCH, score, f.session.attempts + 1), env), ()


def face_retake(f: Flow, e: FaceCaptured, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    _, _, reason = face_verdict(e.result)
    notice = {"same_face": Notice.VERIFY_SAME_FACE, "liveness_failed": Notice.VERIFY_LIVENESS_FAILED}.get(
        reason, Notice.VERIFY_NO_MATCH
    )
    faces = f.session.faces + ((e.result,) if e.result is not None else ())
    return with_session(f, faces=faces, attempts=f.session.attempts + 1, notice=notice), ()


def face_failed(f: Flow, e: FaceCaptured, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    result, score, _ = face_verdict(e.result)
    faces = f.session.faces + ((e.result,) if e.result is not None else ())
    f = with_session(f, faces=faces)
    return _fallback(f, env, result, score, f.session.attempts + (1 if e.result is not None else 0)), ()


def skip_face(f: Flow, e: SkipFace, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return _fallback(f, env, CheckResult.SKIPPED, None, f.session.attempts), ()


def skip_faces_camera_down(f: Flow, e: SkipFace, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    """From the camera's fault screen: no face for anyone left (the camera is down), fingerprint or counter."""
    f = with_session(f, consent=None)
    return _fallback(f, env, CheckResult.UNAVAILABLE, None, f.session.attempts), ()


def finger_verified(f: Flow, e: FingerChecked, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    f = _record(f, VerifiedBy.FINGERPRINT, CheckResult.MATCH, e.score, f.session.attempts + 1)
    return settle(with_session(f, notice=""), env), ()


def finger_retry(f: Flow, e: FingerChecked, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, attempts=f.session.attempts + 1, notice=f"finger_{e.outcome}"), ()


def finger_failed(f: Flow, e: FingerChecked, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    result = e.outcome if e.outcome != FingerOutcome.NO_FINGER else FingerOutcome.NO_MATCH
    return _to_staff(f, env, result, e.score, f.session.attempts + 1), ()


def skip_finger(f: Flow, e: SkipFinger, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return _to_staff(f, env, CheckResult.SKIPPED, None, f.session.attempts), ()


def _fallback(f: Flow, env: FlowEnv, result: str, score: float | None, attempts: int) -> Flow:
    """The face path ended without a match: the fingerprint if this card holds templates, else the counter."""
    if finger_possible(f, env):
        return with_session(f, face_outcome=FaceOutcome(result, score, attempts), attempts=0, notice="")
    return settle(_record(with_session(f, notice=Notice.VERIFY_STAFF), VerifiedBy.STAFF, result, score, attempts), env)


def _to_staff(f: Flow, env: FlowEnv, result: str, score: float | None, attempts: int) -> Flow:
    face = f.session.face_outcome
    if face and result == CheckResult.SKIPPED and not attempts:  # nothing tried on the sensor: the face outcome stands
        result, score, attempts = face.result, face.score, face.attempts
    return settle(_record(with_session(f, notice=Notice.VERIFY_STAFF), VerifiedBy.STAFF, result, score, attempts), env)


def _record(f: Flow, verified_by: str, result: str, score: float | None, attempts: int) -> Flow:
    check = PartyCheck(
        len(f.session.verification) + 1,
        verified_by,
        result,
        None if score is None else round(float(score), 4),
        attempts,
    )
    return with_session(f, verification=f.session.verification + (check,), attempts=0, face_outcome=None)


def settle(f: Flow, env: FlowEnv) -> Flow:
    """Parties that can be verified neither by face (no consent or face capture off) nor by fingerprint go to
    the counter at once; stops at the next party who has a way to try."""
    s = f.session
    while len(s.verification) < len(s.cards) and not face_path(f, env) and not finger_possible(f, env):
        result = CheckResult.DECLINED if env.face_enabled and s.consent is False else CheckResult.UNAVAILABLE
        f = _record(f, VerifiedBy.STAFF, result, None, 0)
        s = f.session
    return f


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
    return _status(with_session(f, notice=f"printer_{problem}"), printer_ok=False, printer_problem=problem), ()


def device_down(f: Flow, e: DeviceFault, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return _status(f, devices_down=f.status.devices_down | {e.device}), ()


def device_up(f: Flow, e: DeviceRecovered, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return _status(f, devices_down=f.status.devices_down - {e.device}), ()


def backend(online: bool) -> Action[Event]:
    return lambda f, e, env: (_status(f, backend_online=online), ())


def printer_status(f: Flow, e: PrinterReport, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return _status(f, printer_ok=e.ok, printer_problem="" if e.ok else e.problem), ()


def new_day(f: Flow, e: NewDay, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    # Booking codes used yesterday are no replays today (yesterday's bookings are refused as not for today anyway).
    return _status(f, used_tokens=frozenset()), ()


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
