"""Properties of the flow machine over any sequence of events, and its picture in the docs."""

from dataclasses import replace
from datetime import date

from hypothesis import given, settings, strategies as st

from kiosk.domain.appointment_qr import make_appointment_qr
from kiosk.domain.idcard_record import IdCardRecord
from kiosk.domain.verification import FingerOutcome
from kiosk.flow import S, Flow, step, timer_for
from kiosk.flow import events as ev
from kiosk.flow.effects import CallForAssistance, CaptureFace, CheckFinger, IssueTicket
from kiosk.flow.progress import journey_steps

from .helpers import BOOKING, ENV, HER, HIM, OUTSIDER, SECONDS, TOKEN, Face

GOOD_QR = make_appointment_qr("441621", TOKEN)
EVENTS = st.sampled_from(
    [
        ev.Start(),
        ev.ChooseService("booked"),
        ev.ChooseService("walk_in"),
        ev.ChooseService("other"),
        ev.ChooseService("guide"),
        ev.ChooseBusiness("marriage"),
        ev.ChooseBusiness("divorce_application"),
        ev.ChooseBusiness("archive_query"),
        ev.ChooseBusiness("reissue_certificate"),
        ev.QrScanned(GOOD_QR),
        ev.QrScanned("junk"),
        ev.PhoneCodeEntered("1", "2"),
        ev.UseIdCard(),
        ev.AppointmentFound(BOOKING),
        ev.AppointmentFound(replace(BOOKING, office="441602")),
        ev.AppointmentNotFound("not_found"),
        ev.AppointmentNotFound("offline"),
        ev.CardRead(HIM),
        ev.CardRead(HER),
        ev.CardRead(OUTSIDER),
        ev.CardRead(IdCardRecord("resident_id", name="", sex="unknown", birth="", id_number="")),
        ev.CardRemoved(),
        ev.Consent(True),
        ev.Consent(False),
        ev.FaceCaptured(Face("match", 0.8)),
        ev.FaceCaptured(Face("no_match", 0.1)),
        ev.FaceCaptured(Face("unavailable")),
        ev.FaceCaptured(None),
        ev.FingerChecked(FingerOutcome.MATCH, 96),
        ev.FingerChecked(FingerOutcome.NO_MATCH, 8),
        ev.FingerChecked(FingerOutcome.NO_FINGER),
        ev.SkipFinger(),
        ev.DeviceFault("fingerprint"),
        ev.SkipFace(),
        ev.RetakeFace(),
        ev.Continue(),
        ev.Back(),
        ev.Confirm(),
        ev.Finish(),
        ev.Idle(),
        ev.Timeout(),
        ev.TicketIssued({"number": "A001"}),
        ev.TicketRefused("quota_exhausted"),
        ev.PrintFinished(True),
        ev.PrintFinished(False, "paper_out"),
        ev.DeviceFault("idcard"),
        ev.DeviceFault("camera"),
        ev.DeviceRecovered("idcard"),
        ev.DeviceRecovered("camera"),
        ev.BackendDown(),
        ev.BackendUp(),
        ev.PrinterReport(False, "near_end"),
        ev.PrinterReport(True),
        ev.SetLanguage("en"),
        ev.ToggleLargeText(),
        ev.MaintenanceRequested(),
        ev.PinResult(True),
        ev.PinResult(False),
        ev.NewDay(date(2026, 11, 27)),
        ev.CallStaff(),
        ev.StaffCalled(True, 3),
        ev.StaffCalled(False),
        ev.StaffCallStatus(3, "acknowledged"),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(EVENTS, max_size=40), st.sampled_from([ev.Cancel(), ev.Timeout()]), st.booleans())
def test_any_path_ends_at_attract_with_nothing_left_and_prints_only_when_accepted(events, ending, fingerprint):
    flow = Flow()
    env = replace(ENV, fingerprint=fingerprint)
    for e in events:
        flow, fx = step(flow, e, env)
        if any(isinstance(x, IssueTicket) for x in fx):  # every party ends verified one way or another
            assert [c.party for c in flow.session.verification] == list(range(1, len(flow.session.cards) + 1))
        assert timer_for(flow.state, SECONDS, bool(flow.session.assistance)) is not None or flow.state == S.ATTRACT
        steps, current = journey_steps(flow, env)
        assert (not steps) == (flow.state in (S.ATTRACT, S.MAINTENANCE, S.MAINTENANCE_LOGIN))
        assert current < len(steps) and (not steps or steps[-1] == "ticket")
        assert not any(
            isinstance(x, CallForAssistance) and (x.screen == "attract" or "maintenance" in x.screen) for x in fx
        )
        # a capture runs only in a face state, a finger check only in a finger state, for that state's party
        for x in fx:
            if isinstance(x, (CaptureFace, CheckFinger)):
                assert flow.state.value == f"{'face' if isinstance(x, CaptureFace) else 'finger'}_{x.party}"
        if flow.state == S.PRINTING or any(isinstance(x, IssueTicket) for x in fx):
            assert flow.session.decision is not None and flow.session.decision.decision == "accept"
        if flow.state == S.ATTRACT:
            assert flow.session.is_empty or flow.session.cards == () and flow.session.decision is None
    for _ in range(3):  # cancel; or let the shell's timers run out (idle → warning → timeout)
        timer = timer_for(flow.state, SECONDS)
        event = ending if isinstance(ending, ev.Cancel) else timer[0]() if timer else ending
        flow, _ = step(flow, event, env)
    assert flow.state == S.ATTRACT
    assert flow.session.cards == () and flow.session.faces == () and flow.session.appointment is None
    assert flow.session.decision is None and flow.session.ticket is None


def test_flow_picture_in_docs_is_current():
    from pathlib import Path

    from kiosk.flow.diagram import mermaid

    committed = (Path(__file__).resolve().parents[2] / "docs" / "flow.md").read_text(encoding="utf-8")
    assert committed == mermaid(), "docs/flow.md is stale: run `python -m kiosk.flow.diagram > docs/flow.md`"
