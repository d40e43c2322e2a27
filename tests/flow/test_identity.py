"""Verifying the parties one by one: the face (its outcome shown, then acted on; retakes; the limit), the
fingerprint when the card holds templates, the counter; and the capture and check effects each step asks for."""

from dataclasses import replace

from kiosk.domain.verification import FingerOutcome
from kiosk.flow import S, step, timer_for
from kiosk.flow.effects import CaptureFace, PrintTicket, StopIdentity
from kiosk.flow.events import (
    Cancel,
    Confirm,
    Consent,
    Continue,
    FaceCaptured,
    FingerChecked,
    Idle,
    RetakeFace,
    SkipFace,
    SkipFinger,
    TicketIssued,
    Timeout,
)

from .helpers import ENV, ENV_FP, FP, HER, HIM, SECONDS, Face, checks, kinds, run, to_consent


def test_no_match_retakes_up_to_the_limit_then_the_counter():
    flow = run([Consent(True)], to_consent())[0]
    flow, _ = run([FaceCaptured(Face("no_match", 0.1))], flow)
    assert (flow.state, flow.session.notice, flow.session.attempts) == (S.FACE_1, "verify_no_match", 1)
    flow, _ = run([FaceCaptured(Face("no_match", 0.12)), FaceCaptured(Face("no_match", 0.11))], flow)
    assert flow.state == S.FACE_2 and checks(flow) == [("staff", "no_match", 3)]
    flow, _ = run([FaceCaptured(Face("match", 0.7))], flow)
    assert flow.state == S.CONFIRM and checks(flow) == [("staff", "no_match", 3), ("face", "match", 1)]
    flow, fx = run([Confirm(), TicketIssued({"number": "A001"})], flow)
    assert [x.staff_check for x in fx if isinstance(x, PrintTicket)] == [True]


def test_unavailable_reference_goes_to_the_fallback_at_once():
    flow = run([Consent(True), FaceCaptured(Face("unavailable"))], to_consent())[0]
    assert flow.state == S.FACE_2 and checks(flow) == [("staff", "unavailable", 1)]


def test_same_face_for_party_two_is_a_no_match_with_its_own_notice():
    flow = run(
        [Consent(True), FaceCaptured(Face("match", 0.8)), FaceCaptured(Face("no_match", 0.9, "same_face"))],
        to_consent(),
    )[0]
    assert (flow.state, flow.session.notice) == (S.FACE_2, "verify_same_face")


def test_fingerprint_fallback_when_the_card_holds_templates():
    him, her = replace(HIM, fingerprints=FP), replace(HER)
    flow = run([Consent(True)] + [FaceCaptured(Face("no_match", 0.1))] * 3, to_consent(ENV_FP, him, her), ENV_FP)[0]
    assert flow.state == S.FINGER_1 and flow.session.verification == ()
    flow, _ = run([FingerChecked(FingerOutcome.NO_FINGER), FingerChecked(FingerOutcome.MATCH, 96)], flow, ENV_FP)
    assert flow.state == S.FACE_2 and checks(flow) == [("fingerprint", "match", 2)]
    flow, _ = run([SkipFace()], flow, ENV_FP)  # no templates on her card: straight to the counter
    assert flow.state == S.CONFIRM and checks(flow)[1] == ("staff", "skipped", 0)


def test_declined_consent_uses_the_fingerprint_else_the_counter():
    him = replace(HIM, fingerprints=FP)
    flow = run([Consent(False)], to_consent(ENV_FP, him, replace(HER, fingerprints=FP)), ENV_FP)[0]
    assert flow.state == S.FINGER_1
    flow, _ = run([FingerChecked(FingerOutcome.NO_MATCH, 8)] * 3, flow, ENV_FP)
    assert flow.state == S.FINGER_2 and checks(flow) == [("staff", "no_match", 3)]
    flow, _ = run([SkipFinger()], flow, ENV_FP)
    assert flow.state == S.CONFIRM
    flow = run([Consent(False)], to_consent())[0]  # no photos, no templates: both to the counter, with a ticket
    assert flow.state == S.CONFIRM and checks(flow) == [("staff", "declined", 0)] * 2 and flow.session.faces == ()


def test_a_photos_outcome_is_shown_until_the_shells_timer_then_acted_on():
    flow, fx = step(run([], to_consent())[0], Consent(True), ENV)
    assert flow.state == S.FACE_1 and kinds(fx) == ["CaptureFace"] and fx[0].card == HIM
    shown = Face("no_match", 0.1, party=1)
    flow, fx = step(flow, FaceCaptured(shown), ENV)
    assert (flow.state, flow.session.face_shown, fx) == (S.FACE_1, shown, ())
    assert timer_for(flow.state, SECONDS, outcome_shown=True) == (Timeout, 1.8)  # FACE_OUTCOME_S
    assert step(flow, FaceCaptured(Face("match", 0.9)), ENV)[0] == flow  # a second answer while shown: ignored
    assert step(flow, RetakeFace(), ENV)[0] == flow  # no retake while the outcome is up: the flow moves on itself
    flow, fx = step(flow, Timeout(), ENV)
    assert (flow.state, flow.session.attempts, flow.session.face_shown) == (S.FACE_1, 1, None)
    assert kinds(fx) == ["CaptureFace"] and flow.session.faces == (shown,)  # a fresh capture for the retake


def test_leaving_the_face_step_stops_the_capture_and_keeps_the_shown_result_for_the_wipe():
    flow = run([Consent(True)], to_consent())[0]
    shown = Face("no_match", 0.1, party=1)
    flow, _ = step(flow, FaceCaptured(shown), ENV)
    flow, fx = step(flow, SkipFace(), ENV)
    assert flow.state == S.FACE_2 and kinds(fx) == ["StopIdentity", "CaptureFace"] and fx[1].party == 2
    assert flow.session.face_shown is None and flow.session.faces == (shown,)  # wiped at the session's end
    for leave in (Cancel(), Idle()):
        assert kinds(step(flow, leave, ENV)[1])[:1] == ["StopIdentity"]
    warned, _ = step(flow, Idle(), ENV)
    back, fx = step(warned, Continue(), ENV)
    assert back.state == S.FACE_2 and kinds(fx) == ["CaptureFace"]  # back from the idle warning: a new capture


def test_a_retake_while_capturing_asks_for_a_fresh_capture_without_counting_a_try():
    flow = run([Consent(True)], to_consent())[0]
    flow2, fx = step(flow, RetakeFace(), ENV)
    assert flow2 == flow and kinds(fx) == ["CaptureFace"] and CaptureFace.ends == StopIdentity.ends


def test_each_finger_try_asks_for_a_check_and_leaving_stops_it():
    him = replace(HIM, fingerprints=FP)
    flow, fx = run([Consent(False)], to_consent(ENV_FP, him, HER), ENV_FP)
    assert flow.state == S.FINGER_1 and kinds(fx) == ["CheckFinger"] and fx[0].card == him
    flow, fx = step(flow, FingerChecked(FingerOutcome.NO_FINGER), ENV_FP)
    assert kinds(fx) == ["CheckFinger"]
    flow, fx = step(flow, SkipFinger(), ENV_FP)
    assert flow.state == S.CONFIRM and kinds(fx) == ["StopIdentity"]
