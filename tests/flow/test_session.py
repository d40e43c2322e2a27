"""Around the journey: the idle warning, calls for staff, the step bar, device faults, languages and the
technician's PIN; the session's typed changes."""

from dataclasses import fields, replace

from kiosk.flow import APPLICANT_STATES, S, Flow, Session, timer_for
from kiosk.flow.effects import CallForAssistance, FollowStaffCall
from kiosk.flow.events import (
    CallStaff,
    Cancel,
    CardRead,
    ChooseService,
    Confirm,
    Consent,
    Continue,
    DeviceFault,
    DeviceRecovered,
    Idle,
    MaintenanceRequested,
    PinResult,
    SetLanguage,
    SkipFace,
    StaffCallStatus,
    StaffCalled,
    Start,
    TicketRefused,
    Timeout,
    ToggleLargeText,
)
from kiosk.flow.progress import STEP_OF, journey_steps
from kiosk.flow.state import SessionChanges, Status, StatusChanges

from .helpers import ACCEPTED, ENV, HER, HIM, SECONDS, WALK_IN_MARRIAGE, run


def test_idle_warning_resumes_or_wipes():
    flow, _ = run([*WALK_IN_MARRIAGE, CardRead(HIM), Idle()])
    assert flow.state == S.IDLE_WARNING and flow.resume == S.READ_ID_2
    assert run([Continue()], flow)[0].state == S.READ_ID_2
    flow, fx = run([Timeout()], flow)
    assert flow.state == S.ATTRACT and flow.session == Session() and fx[-1].outcome == "timed_out"


def test_calling_staff_keeps_the_session_and_lengthens_the_idle_time():
    flow, _ = run([*WALK_IN_MARRIAGE, CardRead(HIM)])
    flow, fx = run([CallStaff()], flow)
    assert fx == [CallForAssistance("read_id_2", "marriage")]  # the screen and business, nobody's data
    assert flow.state == S.READ_ID_2 and flow.session.assistance == "calling" and flow.session.cards
    assert run([CallStaff()], flow)[1] == []  # one call at a time
    flow, fx = run([StaffCalled(True, 7)], flow)
    assert flow.session.assistance == "sent" and fx == [FollowStaffCall(7)]  # sent: not yet taken by anyone
    assert run([CallStaff()], flow)[1] == []
    flow, fx = run([StaffCallStatus(7, "open")], flow)
    assert flow.session.assistance == "sent" and fx == [FollowStaffCall(7)]  # asked again
    flow, fx = run([StaffCallStatus(7, "unknown")], flow)
    assert flow.session.assistance == "sent" and fx == [FollowStaffCall(7)]  # offline a while: still asked
    assert run([StaffCallStatus(8, "acknowledged")], flow) == (flow, [])  # another session's call
    flow, fx = run([StaffCallStatus(7, "acknowledged")], flow)
    assert flow.session.assistance == "on_the_way" and fx == []  # a person took it: only now "on the way"
    seconds = {**SECONDS, "assisted_idle_s": 300}
    assert timer_for(flow.state, seconds) == (Idle, 60)
    assert timer_for(flow.state, seconds, assisted=True) == (Idle, 300)
    flow, _ = run([Idle()], flow)  # the warning still screens the wipe
    assert flow.state == S.IDLE_WARNING and flow.session.cards
    assert run([CallStaff()], flow)[1] == []
    flow, fx = run([Cancel()], flow)
    assert flow.session.assistance == "" and flow.session.is_empty


def test_a_call_that_only_reached_the_journal_may_be_repeated():
    flow, _ = run([Start(), CallStaff(), StaffCalled(False)])
    assert flow.session.assistance == "offline"
    flow, fx = run([Idle(), CallStaff()], flow)
    assert fx == [CallForAssistance("service_menu", None)]  # from the idle warning: where they were
    assert run([CallStaff()])[1] == []  # nobody at the attract screen


def test_the_step_bar_follows_the_business_variant():
    flow, _ = run([Start(), ChooseService("booked")])
    assert journey_steps(flow, ENV) == (("check_in", "read_id", "face", "ticket"), 0)
    flow, _ = run([*WALK_IN_MARRIAGE, CardRead(HIM), Idle()])
    assert journey_steps(flow, ENV) == (("choose", "read_id", "face", "ticket"), 1)  # the paused step
    flow, _ = run([Continue(), CardRead(HER), Continue(), Consent(False)], flow)
    # declining the photo passes its step: the bar does not shrink from 4 to 3 mid-journey
    assert flow.state == S.CONFIRM and journey_steps(flow, ENV) == (("choose", "read_id", "face", "ticket"), 3)
    flow, _ = run([Confirm(), TicketRefused("quota_exhausted")], flow)
    assert flow.state == S.ELIGIBILITY and journey_steps(flow, ENV)[1] == 3  # no jump back from 4 to 2
    no_face = replace(ENV, face_enabled=False)
    assert journey_steps(run([Start()])[0], no_face)[0] == ("check_in", "read_id", "ticket")
    assert journey_steps(Flow(), ENV) == ((), -1)


def test_every_applicant_screen_has_its_step_and_its_prompt():
    from kiosk.ui.voice import ON_ENTER

    pauses = {S.IDLE_WARNING, S.DEVICE_FAULT}  # they show the step they interrupted
    assert set(APPLICANT_STATES) - pauses <= set(STEP_OF), "a new screen needs its step (kiosk/flow/progress.py)"
    assert set(APPLICANT_STATES) <= set(ON_ENTER), "a new screen needs its spoken prompt (kiosk/ui/voice.py)"


def test_card_reader_fault_pauses_and_recovers():
    flow, _ = run([*WALK_IN_MARRIAGE, DeviceFault("idcard", "unplugged")])
    assert flow.state == S.DEVICE_FAULT
    flow, _ = run([DeviceRecovered("idcard")], flow)
    assert flow.state == S.READ_ID_1 and not flow.status.devices_down


def test_entering_a_state_whose_device_is_down_shows_the_fault():
    flow, _ = run([DeviceFault("camera"), *ACCEPTED, Consent(True)])
    assert flow.state == S.DEVICE_FAULT and flow.resume == S.FACE_1
    flow, _ = run([SkipFace()], flow)
    assert flow.state == S.CONFIRM
    assert [c.verified_by for c in flow.session.verification] == ["staff", "staff"]


def test_language_and_large_text_reset_after_the_session():
    flow, _ = run([SetLanguage("en"), ToggleLargeText(), Start()])
    assert flow.session.language == "en" and flow.session.large_text
    flow, _ = run([Cancel()], flow)
    assert flow.session == Session()


def test_only_the_offered_languages_and_each_session_starts_in_the_first():
    english_first = replace(ENV, languages=("en", "zh"))
    flow, _ = run([Start(), SetLanguage("zh")], Flow(session=Session(language="en")), english_first)
    assert flow.session.language == "zh"
    flow, _ = run([Cancel()], flow, english_first)
    assert flow.session.language == "en" and flow.session.is_empty
    chinese_only = replace(ENV, languages=("zh",))
    assert run([SetLanguage("en")], env=chinese_only)[0].session.language == "zh"


def test_maintenance_needs_the_pin():
    flow, _ = run([MaintenanceRequested(), PinResult(False)])
    assert (flow.state, flow.session.notice) == (S.MAINTENANCE_LOGIN, "pin_rejected")
    flow, _ = run([PinResult(True)], flow)
    assert flow.state == S.MAINTENANCE
    assert run([Idle()], flow)[0].state == S.ATTRACT


def test_the_typed_changes_name_every_field_of_session_and_status():
    assert set(SessionChanges.__annotations__) == {f.name for f in fields(Session)}
    assert set(StatusChanges.__annotations__) == {f.name for f in fields(Status)}
