"""Guards and choices of the flow table (kiosk/flow/table.py), and the reads they share with the actions. All
pure: a guard only looks; a choice picks a target from the flow after the action ran."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

from kiosk.domain.eligibility import DecisionKind
from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.policy import Policy, in_force
from kiosk.domain.verification import FaceResult, FaceVerdict, FingerOutcome
from kiosk.flow.events import (
    AppointmentFound,
    AppointmentNotFound,
    CardRead,
    ChooseBusiness,
    ChooseService,
    DeviceFault,
    DeviceRecovered,
    Event,
    FaceCaptured,
    FingerChecked,
    PinResult,
    PrintFinished,
    StaffCallStatus,
)
from kiosk.flow.state import (
    Assistance,
    Notice,
    FACE_STATES,
    FINGER_STATES,
    State,
    S,
    Flow,
    FlowEnv,
    NEEDS,
    WALK_IN_BUSINESSES,
    OTHER_BUSINESSES,
)


E = TypeVar("E", bound=Event)
# A guard of a table row takes the row's event type (T checks it; the table matches the type before the call).
Guard = Callable[[Flow, E, FlowEnv], bool]


@dataclass(frozen=True)
class Choice:
    """A target picked by a pure function of the flow after the action ran (a UML choice pseudo-state)."""

    pick: Callable[[Flow, FlowEnv], State]
    name: str
    outcomes: tuple[State, ...]


# --- guards (no side effects) -------------------------------------------------------------------------------------


def is_service(name: str) -> Guard[ChooseService]:
    def guard(f: Flow, e: ChooseService, env: FlowEnv) -> bool:
        return e.service == name

    guard.__name__ = f"service_is_{name}"
    return guard


def business_offered(f: Flow, e: ChooseBusiness, env: FlowEnv) -> bool:
    offered = WALK_IN_BUSINESSES if f.session.service == "walk_in" else OTHER_BUSINESSES
    return e.business in offered and e.business in env.policy.business


def policy_today(env: FlowEnv) -> Policy:
    """The policy that decides today: the one in force (policy = "auto") or the one named."""
    return in_force(env.policies, env.today) if env.policies else env.policy


def booked_here(f: Flow, e: AppointmentFound, env: FlowEnv) -> bool:
    return e.appointment.office == env.office


def booked_at_other_office(f: Flow, e: AppointmentFound, env: FlowEnv) -> bool:
    return not booked_here(f, e, env)


def booking_used(f: Flow, e: AppointmentFound, env: FlowEnv) -> bool:
    """Checked in already (here or, offline, by this kiosk): said at the scan, before cards, consent and face."""
    return booked_here(f, e, env) and e.appointment.checked_in


def card_unusable(f: Flow, e: CardRead, env: FlowEnv) -> bool:
    return card_notice(f, e.card) != Notice.NONE


def looking_up_by_card(f: Flow, e: CardRead, env: FlowEnv) -> bool:
    return f.session.find_by_card and f.session.appointment is None


def accepted(f: Flow, e: Event, env: FlowEnv) -> bool:
    d = f.session.decision
    return d is not None and d.decision == DecisionKind.ACCEPT


def offline_lookup(f: Flow, e: AppointmentNotFound, env: FlowEnv) -> bool:
    return e.reason == "offline"


def print_ok(f: Flow, e: PrintFinished, env: FlowEnv) -> bool:
    return e.ok


def not_called_yet(f: Flow, e: Event, env: FlowEnv) -> bool:
    return f.session.assistance in (Assistance.NONE, Assistance.OFFLINE)  # offline: the applicant may try again


def call_pending(f: Flow, e: Event, env: FlowEnv) -> bool:
    return f.session.assistance == Assistance.CALLING


def following_call(f: Flow, e: StaffCallStatus, env: FlowEnv) -> bool:
    """The answer is about this session's call, and nobody has taken it yet."""
    return f.session.assistance == Assistance.SENT and f.session.assistance_call == e.call_id


def fault_blocks_state(f: Flow, e: DeviceFault, env: FlowEnv) -> bool:
    return NEEDS.get(f.state) == e.device


def fault_recovered(f: Flow, e: DeviceRecovered, env: FlowEnv) -> bool:
    return f.resume is not None and NEEDS.get(f.resume) == e.device


def resuming_face(f: Flow, e: Event, env: FlowEnv) -> bool:
    return f.resume in FACE_STATES


def resuming_finger(f: Flow, e: Event, env: FlowEnv) -> bool:
    return f.resume in FINGER_STATES


def face_matched(f: Flow, e: FaceCaptured, env: FlowEnv) -> bool:
    return face_verdict(e.result)[0] == FaceVerdict.MATCH


def face_retake_left(f: Flow, e: FaceCaptured, env: FlowEnv) -> bool:
    return face_verdict(e.result)[0] == FaceVerdict.NO_MATCH and f.session.attempts + 1 < env.face_attempts


def finger_matched(f: Flow, e: FingerChecked, env: FlowEnv) -> bool:
    return e.outcome == FingerOutcome.MATCH


def finger_retry_left(f: Flow, e: FingerChecked, env: FlowEnv) -> bool:
    return (
        e.outcome in (FingerOutcome.NO_MATCH, FingerOutcome.NO_FINGER) and f.session.attempts + 1 < env.finger_attempts
    )


def pin_accepted(f: Flow, e: PinResult, env: FlowEnv) -> bool:
    return e.accepted


# --- reads shared with the actions --------------------------------------------------------------------------------


def face_verdict(result: FaceResult | None) -> tuple[FaceVerdict, float | None, str]:
    """(verdict, score, reason) of a face result; liveness failed counts as no match."""
    if result is None:
        return FaceVerdict.UNAVAILABLE, None, "no_photo"
    known = result.verdict in (FaceVerdict.MATCH, FaceVerdict.NO_MATCH)
    return FaceVerdict(result.verdict) if known else FaceVerdict.UNAVAILABLE, result.score, result.reason


def face_path(f: Flow, env: FlowEnv) -> bool:
    return env.face_enabled and bool(f.session.consent) and not f.session.face_outcome


def finger_possible(f: Flow, env: FlowEnv) -> bool:
    s = f.session
    k = len(s.verification)
    return env.fingerprint and k < len(s.cards) and has_templates(s.cards[k])


def has_templates(card: IdCardRecord) -> bool:
    return len(card.fingerprints) >= 512


def card_id(card: IdCardRecord) -> str:
    return card.id_number


def parties_needed(f: Flow, env: FlowEnv) -> int:
    business = f.session.business
    return env.policy.business[business].min_parties if business in env.policy.business else 1


def card_notice(f: Flow, card: IdCardRecord) -> Notice:
    """Why this card cannot be used now, or Notice.NONE."""
    number = card_id(card)
    if not number:
        return Notice.CARD_UNREADABLE
    if any(card_id(c) == number for c in f.session.cards):
        return Notice.CARD_ALREADY_READ
    appt = f.session.appointment
    if appt and any(appt.booked_keys()) and appt.party(number) is None:
        return Notice.CARD_NOT_IN_BOOKING
    return Notice.NONE


# --- choices ------------------------------------------------------------------------------------------------------


def _after_card(f: Flow, env: FlowEnv) -> State:
    if f.session.decision is not None:
        return S.ELIGIBILITY
    return S.READ_ID_2 if f.session.cards else S.READ_ID_1


def _after_accept(f: Flow, env: FlowEnv) -> State:
    if env.face_enabled:
        return S.CONSENT
    return _next_party(f, env)


def _next_party(f: Flow, env: FlowEnv) -> State:
    s = f.session
    k = len(s.verification)
    if k >= len(s.cards):
        return S.CONFIRM
    if face_path(f, env):
        return FACE_STATES[min(k, 1)]
    return FINGER_STATES[min(k, 1)]  # settle() left this party only if the fingerprint is possible


def _back_from_card(f: Flow, env: FlowEnv) -> State:
    return S.APPOINTMENT if f.session.service == "booked" else S.CHOOSE_BUSINESS


AFTER_CARD = Choice(_after_card, "all parties read?", (S.READ_ID_1, S.READ_ID_2, S.ELIGIBILITY))
AFTER_ACCEPT = Choice(_after_accept, "face capture on?", (S.CONSENT, S.FINGER_1, S.CONFIRM))
NEXT_PARTY = Choice(_next_party, "who is verified next, how?", (S.FACE_1, S.FACE_2, S.FINGER_1, S.FINGER_2, S.CONFIRM))
BACK_FROM_CARD = Choice(_back_from_card, "booked?", (S.APPOINTMENT, S.CHOOSE_BUSINESS))
