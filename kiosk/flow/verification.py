"""Actions of the flow table (kiosk/flow/table.py) that verify the parties one by one (kiosk/domain/verification.py):
consent, the face and fingerprint outcomes, and the fallback to the fingerprint or the counter. Pure: each returns
a new Flow and the effects the shell must carry out (the captures and checks themselves: kiosk/flow/identity.py)."""

from __future__ import annotations

from kiosk.domain.verification import CheckResult, FingerOutcome, PartyCheck, VerifiedBy
from kiosk.flow.effects import Effect
from kiosk.flow.events import Consent, Continue, FaceCaptured, FingerChecked, SkipFace, SkipFinger
from kiosk.flow.guards import face_path, face_verdict, finger_possible
from kiosk.flow.state import FaceOutcome, Flow, FlowEnv, Notice, with_session


def set_consent(f: Flow, e: Consent, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    return settle(with_session(f, consent=e.given), env), ()


def begin_verification(f: Flow, e: Continue, env: FlowEnv) -> tuple[Flow, tuple[Effect, ...]]:
    """Eligibility accepted without face capture configured: the fingerprint or the counter, party by party."""
    return (f if env.face_enabled else settle(f, env)), ()


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
