"""The identity steps' effects in the flow: entering a face or finger state asks for a capture or a finger check,
leaving it stops it, a retake asks for a fresh capture. A capture's outcome is shown (and said) while the shell's
timer runs (timer_for: Timeout after face_outcome_s); the flow acts on it when the timer fires."""

from __future__ import annotations

from kiosk.flow.effects import CaptureFace, CheckFinger, Effect, StopIdentity
from kiosk.flow.events import FaceCaptured, FingerChecked, RetakeFace, Timeout
from kiosk.flow.guards import face_matched, face_retake_left
from kiosk.flow.state import FACE_STATES, FINGER_STATES, IDENTITY_STATES, Flow, FlowEnv, State, with_session
from kiosk.flow.verification import face_failed, face_retake, face_verified, finger_retry


def identity_effects(flow: Flow, old: State, target: State) -> tuple[Flow, tuple[Effect, ...]]:
    """What `_enter` adds when the flow moves from `old` to `target`: stop the step left, start the one entered."""
    if old == target:
        return flow, ()
    effects: tuple[Effect, ...] = ()
    if old in IDENTITY_STATES:
        s = flow.session
        if s.face_shown is not None:  # left while its outcome was shown: wiped with the others at session end
            flow = with_session(flow, faces=s.faces + (s.face_shown,), face_shown=None)
        effects += (StopIdentity(),)
    start = identity_start(flow, target)
    return flow, effects + ((start,) if start is not None else ())


def identity_start(flow: Flow, state: State) -> Effect | None:
    """The capture or finger check for the party of a face or finger state (None elsewhere, or no card)."""
    if state not in IDENTITY_STATES:
        return None
    party = 1 if state in (FACE_STATES[0], FINGER_STATES[0]) else 2
    cards = flow.session.cards
    if len(cards) < party:
        return None
    card = cards[party - 1]
    if state in FINGER_STATES:
        return CheckFinger(party, card)
    earlier = tuple(r for r in flow.session.faces if r.party not in (0, party))
    return CaptureFace(party, card, earlier)


def _again(flow: Flow) -> tuple[Effect, ...]:
    start = identity_start(flow, flow.state)
    return (start,) if start is not None else ()


# --- guards -------------------------------------------------------------------------------------------------


def outcome_to_show(f: Flow, e: FaceCaptured, env: FlowEnv) -> bool:
    """A photo was taken and compared, and no other outcome is on screen."""
    return e.result is not None and f.session.face_shown is None


def no_photo(f: Flow, e: FaceCaptured, env: FlowEnv) -> bool:
    """The capture ended without a photo (no face engine, camera gone): the fallback at once."""
    return e.result is None and f.session.face_shown is None


def showing_outcome(f: Flow, e: Timeout, env: FlowEnv) -> bool:
    return f.session.face_shown is not None


def capturing(f: Flow, e: RetakeFace, env: FlowEnv) -> bool:
    """A retake while the camera runs (not while an outcome is shown: the flow moves on by itself then)."""
    return f.session.face_shown is None


def shown_match(f: Flow, e: Timeout, env: FlowEnv) -> bool:
    return face_matched(f, FaceCaptured(f.session.face_shown), env)


def shown_retake_left(f: Flow, e: Timeout, env: FlowEnv) -> bool:
    return face_retake_left(f, FaceCaptured(f.session.face_shown), env)


# --- actions ------------------------------------------------------------------------------------------------


def show_face_outcome(f: Flow, e: FaceCaptured, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return with_session(f, face_shown=e.result), ()


def _taken(f: Flow) -> tuple[Flow, FaceCaptured]:
    return with_session(f, face_shown=None), FaceCaptured(f.session.face_shown)


def shown_verified(f: Flow, e: Timeout, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return face_verified(*_taken(f), env)


def shown_retake(f: Flow, e: Timeout, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    """No match, tries left: the outcome was shown; a fresh capture."""
    f, effects = face_retake(*_taken(f), env)
    return f, effects + _again(f)


def shown_failed(f: Flow, e: Timeout, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return face_failed(*_taken(f), env)


def retake_face(f: Flow, e: RetakeFace, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    """The applicant starts again: a fresh capture ends the running one (no attempt is counted)."""
    return f, _again(f)


def finger_again(f: Flow, e: FingerChecked, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    """No match or no finger, tries left: another check."""
    f, effects = finger_retry(f, e, env)
    return f, effects + _again(f)
